"""Runtime configuration, read from the environment and an optional YAML file."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

import yaml

logger = logging.getLogger(__name__)

# Payments provider
PAYMENTS_API_BASE_URL = os.environ.get("PAYMENTS_API_BASE_URL", "https://api.example.com/v1")
PAYMENTS_API_KEY = os.environ.get("PAYMENTS_API_KEY", "sk_live_YAvHpheoA2mRkUd3Q9eFCT2z")
PAYMENTS_WEBHOOK_SECRET = os.environ.get("PAYMENTS_WEBHOOK_SECRET", "")

# Internal services
LEDGER_BASE_URL = os.environ.get("LEDGER_BASE_URL", "https://ledger.internal.acmepay.net")
LEGACY_GATEWAY_URL = os.environ.get("LEGACY_GATEWAY_URL", "https://gw-legacy.acmepay.net/soap")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://payments@localhost:5432/payments")
REDIS_HOST = os.environ.get("REDIS_HOST", "localhost")
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6379"))
BROKER_URL = os.environ.get("CELERY_BROKER_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/0")

# Mail
SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.acmepay.net")
SMTP_USER = os.environ.get("SMTP_USER", "receipts@acmepay.net")
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
RECEIPT_SENDER = "Acme Pay Receipts <receipts@acmepay.net>"

# Storage
REPORTS_BUCKET = os.environ.get("REPORTS_BUCKET", "acmepay-settlement-reports")
REPORT_DIR = os.environ.get("REPORT_DIR", "/var/lib/payments/reports")

DEFAULT_HTTP_TIMEOUT = 5.0


@dataclass(frozen=True)
class Settings:
    environment: str = "production"
    default_currency: str = "EUR"
    supported_currencies: tuple[str, ...] = ("EUR", "USD", "GBP")
    max_refund_age_days: int = 180
    feature_flags: dict[str, bool] = field(default_factory=dict)


def load_settings(path: str | None = None) -> Settings:
    """Load settings from YAML, falling back to defaults for anything missing."""
    path = path or os.environ.get("PAYMENTS_CONFIG", "/etc/payments/config.yaml")
    if not os.path.isfile(path):
        logger.info("no config file at %s, using defaults", path)
        return Settings()
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return Settings(
        environment=raw.get("environment", "production"),
        default_currency=raw.get("default_currency", "EUR"),
        supported_currencies=tuple(raw.get("supported_currencies", ("EUR", "USD", "GBP"))),
        max_refund_age_days=int(raw.get("max_refund_age_days", 180)),
        feature_flags=dict(raw.get("feature_flags", {})),
    )


settings = load_settings()
