"""The order service: the operations its HTTP handlers call."""

from __future__ import annotations

import uuid

from order_service import shipping
from order_service.payments import PaymentsClient
from order_service.store import OrderStore


class OrderService:
    def __init__(self, payments_url: str, shipping_url: str, db_path: str):
        self.payments = PaymentsClient(payments_url)
        self.shipping_url = shipping_url
        self.store = OrderStore(db_path)

    def place_order(self, amount_cents: int, weight_grams: int) -> dict[str, object]:
        order_id = f"ord-{uuid.uuid4().hex[:12]}"
        payment_id = self.payments.charge(order_id, amount_cents)
        shipping_cents = shipping.quote(self.shipping_url, weight_grams)
        self.store.save(order_id, amount_cents, payment_id, shipping_cents)
        return {"id": order_id, "payment": payment_id, "shipping": shipping_cents}

    def order_status(self, order_id: str) -> dict[str, object]:
        order = self.store.get(order_id)
        return {**order, "payment_status": self.payments.status(str(order["payment"]))}

    def refund(self, order_id: str) -> str:
        order = self.store.get(order_id)
        return self.payments.refund(str(order["payment"]))
