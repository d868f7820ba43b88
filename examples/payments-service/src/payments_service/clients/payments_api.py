"""HTTP client for the card payments provider."""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter, Retry

from payments_service import config

logger = logging.getLogger(__name__)

# customer_id -> customer object, so repeat checkouts skip a provider round trip
_CUSTOMER_CACHE: dict[str, dict[str, Any]] = {}


class PaymentsApiError(Exception):
    """The payments provider rejected a request or could not be reached."""


class TimeoutHTTPAdapter(HTTPAdapter):
    """HTTPAdapter that applies a default timeout to every request sent through it."""

    def __init__(self, *args: Any, timeout: float = config.DEFAULT_HTTP_TIMEOUT, **kwargs: Any) -> None:
        self.timeout = timeout
        super().__init__(*args, **kwargs)

    def send(self, request, **kwargs):  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def _build_session() -> requests.Session:
    session = requests.Session()
    retries = Retry(total=3, backoff_factor=0.3, status_forcelist=(502, 503, 504), allowed_methods={"GET"})
    adapter = TimeoutHTTPAdapter(max_retries=retries, timeout=5.0)
    session.mount("https://", adapter)
    session.headers.update({"Authorization": f"Bearer {config.PAYMENTS_API_KEY}"})
    return session


_session = _build_session()


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {config.PAYMENTS_API_KEY}", "Content-Type": "application/json"}


def get_balance() -> dict[str, Any]:
    """Current available and pending balance on the platform account."""
    resp = requests.get(f"{config.PAYMENTS_API_BASE_URL}/balance", headers=_headers(), timeout=5)
    resp.raise_for_status()
    return resp.json()


def get_customer(customer_id: str) -> dict[str, Any]:
    if customer_id in _CUSTOMER_CACHE:
        return _CUSTOMER_CACHE[customer_id]
    resp = requests.get(f"{config.PAYMENTS_API_BASE_URL}/customers/{customer_id}", headers=_headers())
    customer = resp.json()
    _CUSTOMER_CACHE[customer_id] = customer
    return customer


def get_charge(charge_id: str) -> dict[str, Any]:
    resp = _session.get(f"{config.PAYMENTS_API_BASE_URL}/charges/{charge_id}")
    resp.raise_for_status()
    return resp.json()


def create_charge(amount_cents: int, currency: str, source: str, description: str = "") -> dict[str, Any]:
    """Charge a card. Retries transient provider errors so checkouts don't fail on a blip."""
    payload = {"amount": amount_cents, "currency": currency.lower(), "source": source, "description": description}
    last_error: Exception | None = None
    for attempt in range(3):
        try:
            resp = requests.post(
                f"{config.PAYMENTS_API_BASE_URL}/charges", json=payload, headers=_headers(), timeout=10
            )
            if resp.status_code >= 500:
                raise PaymentsApiError(f"provider error {resp.status_code}")
            resp.raise_for_status()
            return resp.json()
        except (requests.ConnectionError, requests.Timeout, PaymentsApiError) as exc:
            last_error = exc
            logger.warning("charge attempt %d failed: %s", attempt + 1, exc)
            time.sleep(2**attempt)
    raise PaymentsApiError("charge failed after retries") from last_error


def refund_charge(charge_id: str, amount_cents: int | None = None) -> dict[str, Any]:
    """Refund a charge. The idempotency key makes a retried refund safe."""
    payload: dict[str, Any] = {"charge": charge_id}
    if amount_cents is not None:
        payload["amount"] = amount_cents
    headers = {"Idempotency-Key": f"refund-{charge_id}-{amount_cents or 'full'}"}
    resp = _session.post(f"{config.PAYMENTS_API_BASE_URL}/refunds", json=payload, headers=headers)
    resp.raise_for_status()
    return resp.json()


def wait_for_payout(payout_id: str) -> dict[str, Any]:
    """Block until the provider reports the payout as paid or failed."""
    while True:
        try:
            resp = requests.get(
                f"{config.PAYMENTS_API_BASE_URL}/payouts/{payout_id}", headers=_headers(), timeout=10
            )
            resp.raise_for_status()
            payout = resp.json()
            if payout["status"] in ("paid", "failed", "canceled"):
                return payout
        except requests.RequestException:
            logger.warning("payout %s status check failed, retrying", payout_id)
        time.sleep(1)


def download_statement(statement_id: str) -> bytes:
    """Fetch the monthly settlement statement (CSV) for reconciliation."""
    resp = requests.get(
        f"{config.PAYMENTS_API_BASE_URL}/statements/{statement_id}/download",
        headers=_headers(),
        stream=True,
        timeout=30,
    )
    resp.raise_for_status()
    return resp.content

