"""Background work: Celery tasks for subscriptions and reconciliation, and the ledger sync consumer."""

from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Any

import redis
import requests
from celery import Celery

from payments_service import config, notifications
from payments_service.clients import payments_api
from payments_service.clients.ledger import LedgerClient
from payments_service.db import repository
from payments_service.db.models import Payment

logger = logging.getLogger(__name__)

celery_app = Celery("payments", broker=config.BROKER_URL)
celery_app.conf.task_acks_late = True
celery_app.conf.worker_prefetch_multiplier = 1

redis_client = redis.Redis(host=config.REDIS_HOST, port=config.REDIS_PORT, db=1)

ledger = LedgerClient()
work_queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1000)

# one lock per ledger account so entries for the same account are posted in order
_ACCOUNT_LOCKS: dict[str, threading.Lock] = {}


@celery_app.task(bind=True, max_retries=5, default_retry_delay=30)
def charge_subscription(self, subscription_id: str, merchant_id: int, customer_id: str, amount_cents: int,
                        currency: str) -> str:
    """Monthly renewal: charge the saved card, record the payment and e-mail a receipt."""
    customer = payments_api.get_customer(customer_id)
    try:
        charge = payments_api.create_charge(
            amount_cents, currency, customer["default_source"], f"subscription {subscription_id}"
        )
    except payments_api.PaymentsApiError as e:
        logger.error(f"subscription charge failed: {e}")
        raise self.retry(exc=e)
    repository.create_payment(merchant_id, charge["id"], customer["email"], amount_cents, currency)
    notifications.send_receipt(customer["email"], charge["id"], amount_cents, currency)
    return charge["id"]


@celery_app.task
def reconcile_pending_payments() -> int:
    """Refresh the status of every payment still marked pending."""
    updated = 0
    with repository.SessionLocal() as session:
        pending = session.query(Payment).filter(Payment.status == "pending").limit(500)
        for payment in pending:
            charge = payments_api.get_charge(payment.charge_id)
            if charge["status"] != payment.status:
                payment.status = charge["status"]
                updated += 1
        session.commit()
    return updated


@celery_app.task(autoretry_for=(requests.ConnectionError,), max_retries=3)
def forward_event_to_merchant(webhook_url: str, event: dict[str, Any]) -> int:
    """Relay a provider event to the merchant's own webhook endpoint."""
    resp = requests.post(webhook_url, json=event, headers={"User-Agent": "AcmePay-Webhooks/1.0"})
    return resp.status_code


@celery_app.task
def sync_merchant_balances() -> None:
    with repository.SessionLocal() as session:
        for merchant in repository.list_merchants(session):
            balance = ledger.account_balance(merchant.ledger_account_id)
            redis_client.set(f"balance:{merchant.id}", balance)


def _lock_for(account_id: str) -> threading.Lock:
    if account_id not in _ACCOUNT_LOCKS:
        _ACCOUNT_LOCKS[account_id] = threading.Lock()
    return _ACCOUNT_LOCKS[account_id]


def _post_to_ledger(job: dict[str, Any]) -> None:
    with _lock_for(job["account_id"]):
        ledger.post_entry(job["account_id"], job["amount_cents"], job["currency"], job["reference"])


def _ledger_worker() -> None:
    while True:
        job = work_queue.get()
        try:
            _post_to_ledger(job)
        except:
            continue
        finally:
            work_queue.task_done()


def _pump_from_redis(stop: threading.Event) -> None:
    """Move ledger jobs from the Redis list into the in-process queue."""
    while not stop.is_set():
        item = redis_client.blpop(["ledger:jobs"], timeout=5)
        if item is None:
            continue
        _, raw = item
        try:
            work_queue.put(json.loads(raw), timeout=10)
        except (ValueError, queue.Full):
            logger.error("dropping unreadable ledger job: %r", raw[:200], exc_info=True)
            redis_client.rpush("ledger:dead", raw)


def run_ledger_consumer(workers: int = 4) -> None:
    stop = threading.Event()
    for i in range(workers):
        threading.Thread(target=_ledger_worker, name=f"ledger-{i}", daemon=True).start()
    try:
        _pump_from_redis(stop)
    except redis.RedisError:
        logger.exception("ledger consumer lost its Redis connection")
        raise
