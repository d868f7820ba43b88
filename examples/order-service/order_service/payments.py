"""Client of the payments HTTP API."""

from __future__ import annotations

import uuid

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from order_service.errors import PaymentUnavailable, RefundFailed

TIMEOUT = (0.5, 0.5)


class PaymentsClient:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        retry = Retry(total=2, backoff_factor=0.05, status_forcelist=(502, 503), allowed_methods=None,
                      raise_on_status=False)
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def charge(self, order_id: str, amount_cents: int) -> str:
        """Hardened: timeout, bounded retries with backoff, idempotency key, domain error."""
        try:
            response = self.session.post(
                f"{self.base_url}/charges", json={"order": order_id, "amount": amount_cents},
                headers={"Idempotency-Key": f"charge-{order_id}"}, timeout=TIMEOUT)
            response.raise_for_status()
            return str(response.json()["payment_id"])
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise PaymentUnavailable(f"charging order {order_id} failed: {exc}") from exc

    def status(self, payment_id: str) -> str:
        """Not hardened: no timeout, no status check, no error handling."""
        response = requests.get(f"{self.base_url}/payments/{payment_id}")
        return response.json()["status"]

    def refund(self, payment_id: str) -> str:
        """Half hardened: a timeout and a domain error, but retries at once, ten times."""
        key = str(uuid.uuid4())
        for _ in range(10):
            try:
                response = requests.post(f"{self.base_url}/payments/{payment_id}/refund",
                                         headers={"Idempotency-Key": key}, timeout=0.2)
                response.raise_for_status()
                return str(response.json()["status"])
            except requests.RequestException:
                continue
        raise RefundFailed(f"refund of {payment_id} failed")
