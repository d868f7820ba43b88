"""Client for the internal double-entry ledger and the legacy SOAP settlement gateway."""

from __future__ import annotations

import logging
import ssl
import urllib.request
from typing import Any

import requests
from lxml import etree

from payments_service import config
from payments_service.utils import retry_with_backoff

logger = logging.getLogger(__name__)


class LedgerError(Exception):
    """The ledger could not record or return entries."""


class LedgerClient:
    def __init__(self, base_url: str = config.LEDGER_BASE_URL) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"X-Service": "payments"})

    def post_entry(self, account_id: str, amount_cents: int, currency: str, reference: str) -> dict[str, Any]:
        try:
            resp = self.session.post(
                f"{self.base_url}/accounts/{account_id}/entries",
                json={"amount": amount_cents, "currency": currency, "reference": reference},
            )
            resp.raise_for_status()
        except requests.RequestException as e:
            raise LedgerError("ledger write failed")
        return resp.json()

    @retry_with_backoff(attempts=4, retry_on=(requests.ConnectionError, requests.Timeout))
    def account_balance(self, account_id: str) -> int:
        try:
            resp = self.session.get(f"{self.base_url}/accounts/{account_id}/balance", timeout=5)
            resp.raise_for_status()
        except requests.RequestException:
            logger.error("balance lookup failed for %s", account_id, exc_info=True)
            raise
        return int(resp.json()["balance"])

    def entries_since(self, account_id: str, cursor: str | None = None) -> list[dict[str, Any]]:
        params = {"after": cursor} if cursor else {}
        resp = requests.get(
            f"{self.base_url}/accounts/{account_id}/entries", params=params, verify=False, timeout=10
        )
        resp.raise_for_status()
        return resp.json()["entries"]


def fetch_legacy_settlement(batch_id: str) -> list[dict[str, str]]:
    """Pull a settlement batch from the legacy gateway (self-signed cert, XML body)."""
    ctx = ssl._create_unverified_context()
    req = urllib.request.Request(f"{config.LEGACY_GATEWAY_URL}/batches/{batch_id}")
    with urllib.request.urlopen(req, context=ctx, timeout=15) as resp:
        tree = etree.parse(resp)
    rows = []
    for item in tree.getroot().iter("transaction"):
        rows.append({child.tag: (child.text or "") for child in item})
    return rows
