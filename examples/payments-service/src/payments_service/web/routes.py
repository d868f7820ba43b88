"""HTTP API: checkout, refunds, search, provider webhooks and merchant account endpoints."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import subprocess
import xml.dom.minidom
import xml.etree.ElementTree as ET

from flask import Blueprint, abort, g, jsonify, request
from sqlalchemy import text

from payments_service import config, notifications
from payments_service.clients import payments_api
from payments_service.db import repository
from payments_service.db.models import Merchant, Payment
from payments_service.utils import generate_reset_token, hash_password, to_minor_units

logger = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)

CHARGE_REQUESTS = 0


def _verify_signature(payload: bytes, signature: str) -> bool:
    expected = hmac.new(config.PAYMENTS_WEBHOOK_SECRET.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@bp.post("/payments")
def create_payment():
    global CHARGE_REQUESTS
    CHARGE_REQUESTS += 1

    body = request.get_json(force=True)
    currency = body.get("currency", config.settings.default_currency).upper()
    if currency not in config.settings.supported_currencies:
        abort(400, "unsupported currency")
    amount_cents = to_minor_units(body["amount"], currency)
    try:
        charge = payments_api.create_charge(amount_cents, currency, body["source"], body.get("description", ""))
    except payments_api.PaymentsApiError as exc:
        logger.error(f"charge failed: {exc}")
        return jsonify(error="payment_failed"), 402
    payment = repository.create_payment(body["merchant_id"], charge["id"], body["email"], amount_cents, currency)
    return jsonify(id=payment.id, charge_id=charge["id"], status=charge["status"]), 201


@bp.post("/payments/<charge_id>/refund")
def refund_payment(charge_id: str):
    payment = repository.get_payment(g.db, charge_id)
    if payment is None:
        abort(404)
    try:
        refund = payments_api.refund_charge(charge_id, request.json.get("amount_cents"))
    except Exception:
        logger.error("refund failed for %s", charge_id, exc_info=True)
        raise
    payment.status = "refunded"
    g.db.commit()
    return jsonify(refund)


@bp.get("/payments/search")
def search_payments():
    merchant_id = int(request.args["merchant_id"])
    status = request.args.get("status", "succeeded")
    return jsonify(repository.search_payments(g.db, merchant_id, status))


@bp.post("/webhooks/payment")
def payment_webhook():
    if not _verify_signature(request.get_data(), request.headers.get("X-Signature", "")):
        abort(401)
    event = request.get_json()
    if event["type"] == "charge.succeeded":
        charge = event["data"]
        payment = Payment(
            merchant_id=int(charge["metadata"]["merchant_id"]),
            charge_id=charge["id"],
            customer_email=charge["receipt_email"],
            amount_cents=charge["amount"],
            currency=charge["currency"].upper(),
            status="succeeded",
        )
        g.db.add(payment)
        g.db.commit()
        notifications.send_receipt(charge["receipt_email"], charge["id"], charge["amount"], payment.currency)
    elif event["type"] == "charge.refunded":
        payment = repository.get_payment(g.db, event["data"]["id"])
        if payment is not None:
            payment.status = "refunded"
            g.db.commit()
    return jsonify(received=True)


@bp.post("/webhooks/legacy-gateway")
def legacy_gateway_notification():
    """The legacy SOAP gateway still posts settlement notifications as XML."""
    root = ET.fromstring(request.get_data())
    batch_id = root.findtext("BatchId")
    status = root.findtext("Status", default="unknown")
    logger.info("legacy batch %s is %s", batch_id, status)
    return jsonify(batch=batch_id, status=status)


@bp.post("/statements/import")
def import_bank_statement():
    """Accept a camt.053 bank statement uploaded from the finance dashboard."""
    doc = xml.dom.minidom.parseString(request.get_data())
    entries = []
    for ntry in doc.getElementsByTagName("Ntry"):
        amount = ntry.getElementsByTagName("Amt")[0]
        entries.append({"amount": amount.firstChild.nodeValue, "currency": amount.getAttribute("Ccy")})
    return jsonify(imported=len(entries), entries=entries)


@bp.post("/reports/<report_id>/thumbnail")
def render_report_thumbnail(report_id: str):
    filename = request.form["filename"]
    out_path = os.path.join(config.REPORT_DIR, f"{report_id}.png")
    subprocess.run(f"convert {filename}[0] -thumbnail 400x {out_path}", shell=True, check=True)
    return jsonify(thumbnail=out_path)


@bp.post("/merchants/register")
def register_merchant():
    body = request.get_json()
    salt = os.urandom(16).hex()
    merchant = Merchant(
        name=body["name"],
        email=body["email"],
        password_hash=hash_password(body["password"], salt),
        password_salt=salt,
        ledger_account_id="",
    )
    g.db.add(merchant)
    g.db.commit()
    return jsonify(id=merchant.id), 201


@bp.post("/merchants/password-reset")
def request_password_reset():
    email = request.get_json()["email"]
    merchant = g.db.query(Merchant).filter_by(email=email).one_or_none()
    if merchant is not None:
        token = generate_reset_token()
        g.db.execute(
            text("INSERT INTO password_resets (merchant_id, token) VALUES (:m, :t)"),
            {"m": merchant.id, "t": token},
        )
        g.db.commit()
        notifications.send_password_reset(email, token)
    return jsonify(sent=True)


@bp.get("/merchants")
def list_merchants():
    merchants = repository.list_merchants(g.db)
    return jsonify([{"id": m.id, "name": m.name, "active": m.active} for m in merchants])


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok", charge_requests=CHARGE_REQUESTS)
