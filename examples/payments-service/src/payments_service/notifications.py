"""Customer notifications: e-mail receipts (SMS is planned)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from payments_service import config
from payments_service.utils import from_minor_units

logger = logging.getLogger(__name__)


def send_receipt(to_address: str, charge_id: str, amount_cents: int, currency: str) -> None:
    """E-mail a payment receipt to the customer."""
    msg = EmailMessage()
    msg["From"] = config.RECEIPT_SENDER
    msg["To"] = to_address
    msg["Subject"] = f"Your payment receipt ({charge_id})"
    amount = from_minor_units(amount_cents, currency)
    msg.set_content(
        f"Thank you for your payment of {amount} {currency}.\n"
        f"Reference: {charge_id}\n\n"
        "If you did not make this payment, contact support@acmepay.net."
    )
    with smtplib.SMTP(config.SMTP_HOST, 587) as server:
        server.starttls()
        server.login(config.SMTP_USER, config.SMTP_PASSWORD)
        server.send_message(msg)
    logger.info("receipt sent for charge %s", charge_id)


def send_password_reset(to_address: str, token: str) -> None:
    msg = EmailMessage()
    msg["From"] = config.RECEIPT_SENDER
    msg["To"] = to_address
    msg["Subject"] = "Reset your Acme Pay dashboard password"
    msg.set_content(f"Use this link to reset your password: https://dashboard.acmepay.net/reset/{token}")
    with smtplib.SMTP(config.SMTP_HOST, 587, timeout=10) as server:
        server.starttls()
        server.login(config.SMTP_USER, config.SMTP_PASSWORD)
        server.send_message(msg)


def send_sms_receipt(phone_number: str, charge_id: str) -> None:
    """Text a short receipt to the customer's phone."""
    raise NotImplementedError


def delivery_status(message_id: str) -> dict[str, str]:
    """Look up whether a receipt was delivered."""
    return {"status": "ok"}  # dummy
