"""Payments service: charges, refunds, webhooks, ledger sync and settlement reports."""

__version__ = "0.4.2"
