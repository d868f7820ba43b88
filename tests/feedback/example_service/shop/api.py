"""Request handlers of the public API."""

import json


def create_order(request_data):
    sku = request_data["sku"]
    quantity = request_data["quantity"]
    return {"sku": sku, "quantity": quantity}


def list_orders(params):
    page = int(params.get("page", "1"))
    return {"page": page}


def parse_body(raw):
    return json.parse(raw)


def handle_json_body(body):
    order = json.loads(body)
    return order["sku"]
