from __future__ import annotations

from order_service.service import OrderService


def test_place_order_charges_quotes_and_stores(service: OrderService) -> None:
    order = service.place_order(2500, weight_grams=1200)
    assert order["payment"] == "pay-123"
    assert order["shipping"] == 450
    assert service.store.get(str(order["id"]))["amount"] == 2500


def test_order_status_asks_the_payments_api(service: OrderService) -> None:
    order = service.place_order(1000, weight_grams=300)
    status = service.order_status(str(order["id"]))
    assert status["payment_status"] == "settled"
    assert status["shipping"] == 450


def test_refund(service: OrderService) -> None:
    order = service.place_order(1000, weight_grams=300)
    assert service.refund(str(order["id"])) == "refunded"
