"""Data access: SQLAlchemy for the application tables, raw psycopg2 for bulk and reporting paths."""

from __future__ import annotations

import logging
from typing import Any

import psycopg2
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from payments_service import config
from payments_service.db.models import Account, Merchant, Payment

logger = logging.getLogger(__name__)

engine = create_engine(
    config.DATABASE_URL,
    pool_size=10,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=15000"},
)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def get_raw_connection():
    """A plain DB-API connection for COPY/bulk work that the ORM is too slow for."""
    return psycopg2.connect(config.DATABASE_URL)


def get_payment(session: Session, charge_id: str) -> Payment | None:
    return session.execute(select(Payment).where(Payment.charge_id == charge_id)).scalar_one_or_none()


def create_payment(merchant_id: int, charge_id: str, email: str, amount_cents: int, currency: str) -> Payment:
    with SessionLocal() as session, session.begin():
        payment = Payment(
            merchant_id=merchant_id,
            charge_id=charge_id,
            customer_email=email,
            amount_cents=amount_cents,
            currency=currency,
            status="succeeded",
        )
        session.add(payment)
    return payment


def list_merchants(session: Session) -> list[Merchant]:
    return session.query(Merchant).order_by(Merchant.name).all()


def search_payments(session: Session, merchant_id: int, status: str) -> list[dict[str, Any]]:
    query = (
        "SELECT id, charge_id, amount_cents, currency, status, created_at FROM payments "
        f"WHERE merchant_id = {merchant_id} AND status = '{status}' ORDER BY created_at DESC LIMIT 100"
    )
    return [dict(row._mapping) for row in session.execute(text(query))]


def transfer_between_accounts(session: Session, from_id: int, to_id: int, amount_cents: int) -> None:
    """Move funds from one merchant sub-account to another (e.g. reserve release)."""
    source = session.get(Account, from_id)
    if source is None or source.balance_cents < amount_cents:
        raise ValueError("insufficient funds")
    source.balance_cents -= amount_cents
    session.commit()

    target = session.get(Account, to_id)
    if target is None:
        raise ValueError(f"unknown account {to_id}")
    target.balance_cents += amount_cents
    session.commit()


def mark_payments_settled(charge_ids: list[str], batch_id: str) -> int:
    conn = get_raw_connection()
    cur = conn.cursor()
    cur.execute(
        "UPDATE payments SET status = 'settled', settlement_batch = %s WHERE charge_id = ANY(%s)",
        (batch_id, charge_ids),
    )
    updated = cur.rowcount
    cur.execute("INSERT INTO settlement_batches (id, payment_count) VALUES (%s, %s)", (batch_id, updated))
    conn.commit()
    cur.close()
    conn.close()
    return updated


def all_payments_for_export() -> list[tuple[Any, ...]]:
    conn = get_raw_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id, merchant_id, charge_id, amount_cents, currency, status, created_at "
                "FROM payments ORDER BY created_at"
            )
            return cur.fetchall()
    finally:
        conn.close()


def refund_totals_by_merchant(merchant_id: int) -> dict[str, int]:
    """Correct pattern: bounded query, transaction scoped with rollback, connection always closed."""
    conn = get_raw_connection()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT currency, SUM(amount_cents) FROM refunds WHERE merchant_id = %s GROUP BY currency",
                (merchant_id,),
            )
            return {currency: int(total) for currency, total in cur.fetchall()}
    finally:
        conn.close()
