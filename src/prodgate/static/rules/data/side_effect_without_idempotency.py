from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import (
    FunctionNode,
    chain,
    function_nodes,
    is_request_handler,
    is_serverless_handler,
    is_task,
    route_path,
    source_lines,
)
from prodgate.static.rules.data._helpers import is_sql_write

DEDUP_SIGNALS = (
    "idempot", "dedup", "get_or_create", "update_or_create", "on conflict", "on duplicate key", "insert ignore",
    "processed", "already", "seen", "exists(", "setnx", "nx=true", "unique", "event_id", "message_id",
    "messageid", "delivery_id", "is_duplicate",
)
MAIL_CALLS = frozenset({"django.core.mail.send_mail", "django.core.mail.send_mass_mail", "flask_mail.Mail.send"})
MAIL_METHODS = frozenset({"sendmail", "send_message"})
PAYMENT_VERBS = ("create", "capture", "confirm", "pay", "refund")
HTTP_WRITES = frozenset({"post", "put", "patch"})
# Project functions whose name says they move money or send a message.
ACTING_FUNCTION = re.compile(
    r"^(?:(?:create|capture|confirm|issue)_(?:charge|payment|refund|payout|transfer|invoice)\w*"
    r"|(?:charge|refund|payout)(?:_\w+)?|send_(?:receipt|email|mail|invoice|sms|notification)\w*)$"
)
MONEY_URL = re.compile(r"charge|payment|refund|payout|transfer|ledger|invoice|order", re.IGNORECASE)


class SideEffectWithoutIdempotency(Rule):
    """
    ## What it does
    Finds handlers of redelivered work (Celery/RQ/Dramatiq tasks, webhook routes, AWS Lambda
    handlers fed by SQS `Records`) that perform a side effect (a Stripe charge or refund, an
    HTTP `POST`/`PUT` to a payments, orders or ledger URL, an email, an `INSERT` or ORM create,
    a call of a project function named like `create_charge`/`send_receipt`) with no sign of deduplication
    anywhere in the handler: no idempotency key, no event or message id lookup, no
    `get_or_create`, no `ON CONFLICT`, no "processed"/"seen"/"already" check.

    ## Why is this bad
    Queues, task brokers and webhook senders deliver at least once: a worker killed after the
    charge but before the ack, a visibility timeout shorter than the task, a provider retrying
    because the 200 came late. Each redelivery runs the handler again: the customer is charged
    twice, gets three confirmation emails, and the ledger has duplicate rows.

    ## Example
    ```python
    @shared_task
    def charge_order(order_id):
        order = Order.objects.get(pk=order_id)
        stripe.PaymentIntent.create(amount=order.total_cents, currency="eur",
                                    customer=order.customer.stripe_id, confirm=True)
    ```

    ## Use instead
    ```python
    @shared_task
    def charge_order(order_id):
        order = Order.objects.get(pk=order_id)
        stripe.PaymentIntent.create(amount=order.total_cents, currency="eur",
                                    customer=order.customer.stripe_id, confirm=True,
                                    idempotency_key=f"order-{order.id}-charge")
    ```
    For inserts, record the event id under a unique constraint (`ON CONFLICT DO NOTHING`) and
    skip the work when it was already there.

    ## Known limitations
    The dedup check is recognised by words in the handler's own source (`idempotency`,
    `event_id`, `processed`, `get_or_create`, ...); a check done in a helper function is not
    seen, and any such word silences the rule. A handler whose only side effects are e-mails
    or messages is reported with low confidence. HTTP calls count only when the URL expression
    names money or orders (`/charges`, `LEDGER_URL`): relaying an event to a subscriber's
    webhook is left alone. Kafka consumer loops are not recognised.
    """

    meta = RuleMeta(
        code="PG510",
        name="side-effect-without-idempotency",
        category="data.idempotency",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.IDEMPOTENCY_REPLAY,),
        message="{kind} `{function}` performs `{effect}` with no idempotency key or duplicate check, so "
                "a redelivery repeats the side effect",
        tags=("queues", "webhooks", "payments"),
    )

    flagged = (
        """
        import stripe
        from celery import shared_task

        @shared_task
        def charge_order(order_id):
            order = Order.objects.get(pk=order_id)
            stripe.PaymentIntent.create(  # error: PG510
                amount=order.total_cents, currency="eur", customer=order.customer.stripe_id, confirm=True,
            )
        """,
        """
        from flask import Flask, request
        from django.core.mail import send_mail

        app = Flask(__name__)

        @app.post("/webhooks/payments")
        def payment_webhook():
            event = request.get_json()
            db.session.add(Payment(order_id=event["data"]["order_id"], amount=event["data"]["amount"]))  # error: PG510
            db.session.commit()
            send_mail("Payment received", "Thanks!", "shop@example.com", [event["data"]["email"]])
            return "", 204
        """,
        """
        import json
        import requests

        def lambda_handler(event, context):
            for record in event["Records"]:
                body = json.loads(record["body"])
                requests.post("https://ledger/entries", json=body, timeout=5)  # error: PG510
        """,
        """
        from celery import Celery
        from payments_service.clients import payments_api

        app = Celery("payments")

        @app.task(bind=True, max_retries=5)
        def renew_subscription(self, subscription_id, customer_id, amount_cents):
            customer = payments_api.get_customer(customer_id)
            charge = payments_api.create_charge(amount_cents, customer["default_source"])  # error: PG510
            return charge["id"]
        """,
    )
    clean = (
        """
        import stripe
        from celery import shared_task

        @shared_task
        def charge_order(order_id):
            order = Order.objects.get(pk=order_id)
            stripe.PaymentIntent.create(
                amount=order.total_cents, currency="eur", idempotency_key=f"order-{order.id}-charge",
            )
        """,
        """
        import requests
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/webhooks/payments")
        def payment_webhook():
            event = request.get_json()
            if ProcessedEvent.query.get(event["id"]):
                return "", 200
            db.session.add(ProcessedEvent(id=event["id"]))
            db.session.add(Payment(order_id=event["data"]["order_id"]))
            db.session.commit()
            return "", 204

        @app.task
        def relay_event(webhook_url, event):
            requests.post(webhook_url, json=event, timeout=5)

        @app.post("/orders")
        def create_order():
            db.session.add(Order(**request.get_json()))
            db.session.commit()
            return "", 201
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        kind = self._kind(ctx, node)
        if kind is None:
            return
        effects = [n for n in function_nodes(ctx, node) if isinstance(n, ast.Call) and _is_side_effect(ctx, n)]
        if not effects:
            return
        effect = min(effects, key=lambda n: (n.lineno, n.col_offset))
        source = source_lines(ctx, node).lower()
        if not any(signal in source for signal in DEDUP_SIGNALS):
            only_mail = all(_is_mail(ctx, n) for n in effects)
            ctx.report(effect, kind=kind, function=node.name, effect=ast.unparse(effect.func),
                       confidence=Confidence.LOW if only_mail else None)

    visit_AsyncFunctionDef = visit_FunctionDef

    @staticmethod
    def _kind(ctx: FileContext, node: FunctionNode) -> str | None:
        if is_task(ctx, node):
            return "task"
        path = route_path(node)
        if (path and "webhook" in path.lower()) or ("webhook" in node.name.lower() and is_request_handler(ctx, node)):
            return "webhook handler"
        if is_serverless_handler(ctx, node) and "Records" in source_lines(ctx, node):
            return "queue handler"
        return None


def _is_mail(ctx: FileContext, call: ast.Call) -> bool:
    """A message send: a duplicate is a nuisance rather than a double charge."""
    func = call.func
    tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return ctx.call_name(call) in MAIL_CALLS or tail in MAIL_METHODS or tail.startswith("send_")


def _is_side_effect(ctx: FileContext, call: ast.Call) -> bool:
    name = ctx.call_name(call) or ""
    if name.startswith("stripe.") and name.rsplit(".", 1)[-1] in PAYMENT_VERBS:
        return True
    if name in MAIL_CALLS or is_sql_write(call):
        return True
    func = call.func
    tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if ACTING_FUNCTION.match(tail):
        return True
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in MAIL_METHODS:
        return ctx.constructor_name(func.value) in ("smtplib.SMTP", "smtplib.SMTP_SSL")
    if func.attr == "create" and "objects" in chain(call):
        return True
    if func.attr in HTTP_WRITES and call.args and MONEY_URL.search(ast.unparse(call.args[0])):
        return name in apis.SYNC_HTTP_FUNCTIONS or ctx.constructor_name(func.value) in apis.REQUESTS_SESSIONS
    return False
