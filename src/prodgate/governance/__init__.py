"""Governance: diff-aware gating, AI provenance, risk tiers, policy, verdicts, baselines, the ledger."""
