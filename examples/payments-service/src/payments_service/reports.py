"""Settlement reports and data exports for merchants and the finance team."""

from __future__ import annotations

import asyncio
import csv
import logging
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import requests
from sqlalchemy import func

from payments_service import config
from payments_service.clients.ledger import fetch_legacy_settlement
from payments_service.db import repository
from payments_service.db.models import Merchant, Payment

logger = logging.getLogger(__name__)

FX_RATES_URL = "https://fx.acmepay.net/v2/rates"


def _ensure_report_dir(day: date) -> str:
    path = os.path.join(config.REPORT_DIR, day.isoformat())
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o777)  # the finance SFTP user has to be able to pick files up
    return path


def export_settlement_csv(day: date) -> str:
    """Write every payment to one CSV for the finance team's daily import."""
    out_path = os.path.join(_ensure_report_dir(day), "settlement.csv")
    f = open(out_path, "w", newline="", encoding="utf-8")
    writer = csv.writer(f)
    writer.writerow(["id", "merchant_id", "charge_id", "amount_cents", "currency", "status", "created_at"])
    for row in repository.all_payments_for_export():
        writer.writerow(row)
    logger.info("settlement export written to %s", out_path)
    return out_path


def merchant_summary() -> list[dict[str, Any]]:
    """Per-merchant totals for the daily finance e-mail."""
    summary = []
    with repository.SessionLocal() as session:
        merchants = session.query(Merchant).filter(Merchant.active.is_(True)).limit(1000).all()
        for merchant in merchants:
            total = (
                session.query(func.coalesce(func.sum(Payment.amount_cents), 0))
                .filter(Payment.merchant_id == merchant.id, Payment.status == "succeeded")
                .scalar()
            )
            summary.append({"merchant": merchant.name, "total_cents": int(total)})
    return summary


def write_summary_header(day: date) -> str:
    path = os.path.join(_ensure_report_dir(day), "summary.csv")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("merchant,total_cents\n")
    return path


def compress_report(path: str) -> str:
    subprocess.run(["gzip", "--keep", "--force", path], check=True)
    return path + ".gz"


def fetch_legacy_batches(batch_ids: list[str]) -> list[dict[str, str]]:
    """Download several legacy settlement batches in parallel."""
    pool = ThreadPoolExecutor(max_workers=8)
    futures = [pool.submit(fetch_legacy_settlement, batch_id) for batch_id in batch_ids]
    rows: list[dict[str, str]] = []
    for future in futures:
        rows.extend(future.result())
    return rows


async def fetch_fx_rates(currencies: list[str], overrides_path: str | None = None) -> dict[str, float]:
    """Rates used to convert the multi-currency summary to EUR."""
    rates: dict[str, float] = {}
    for currency in currencies:
        resp = requests.get(FX_RATES_URL, params={"base": "EUR", "symbol": currency}, timeout=5)
        if resp.status_code == 429:
            time.sleep(2)
            resp = requests.get(FX_RATES_URL, params={"base": "EUR", "symbol": currency}, timeout=5)
        resp.raise_for_status()
        rates[currency] = float(resp.json()["rate"])
    if overrides_path:
        with open(overrides_path, encoding="utf-8") as fh:
            for line in fh.read().splitlines():
                currency, _, rate = line.partition("=")
                rates[currency.upper()] = float(rate)
    return rates


def build_daily_report(day: date) -> dict[str, Any]:
    csv_path = export_settlement_csv(day)
    summary = merchant_summary()
    rates = asyncio.run(fetch_fx_rates(sorted({"USD", "GBP", config.settings.default_currency})))
    return {"csv": compress_report(csv_path), "merchants": summary, "fx": rates}
