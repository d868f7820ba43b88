"""Calls to the other services the shop depends on."""

import json
import socket
import time
import urllib.request


class UpstreamError(Exception):
    """Another service did not answer usefully."""


def fetch_rates(base_url):
    with urllib.request.urlopen(f"{base_url}/rates", timeout=0.2) as response:
        return json.load(response)


def get_profile(base_url, user_id):
    try:
        with urllib.request.urlopen(f"{base_url}/profiles/{user_id}", timeout=0.2) as response:
            return json.load(response)
    except TimeoutError as exc:
        raise UpstreamError("profile service unavailable") from exc


def send_with_retry(host, port, payload):
    attempt = 0
    while True:
        attempt += 1
        try:
            with socket.create_connection((host, port), timeout=1) as connection:
                connection.sendall(payload)
                return attempt
        except ConnectionRefusedError:
            if attempt >= 3:
                raise
            time.sleep(0.01)


def fetch_inventory(base_url):
    with urllib.request.urlopen(f"{base_url}/inventory", timeout=2) as response:
        body = response.read()
    return json.loads(body)["items"]


def fetch_rates_requests(base_url):
    import requests

    return requests.get(f"{base_url}/rates", timeout=0.2).json()


def fetch_stock(base_url):
    import requests

    response = requests.get(f"{base_url}/stock", timeout=2)
    return response.json()["stock"]


def notify_warehouse(base_url, order_id):
    import requests

    return requests.post(f"{base_url}/warehouse/{order_id}", timeout=2).status_code


def check_payment_status(base_url, payment_id):
    import requests

    response = requests.get(f"{base_url}/payments/{payment_id}", timeout=2)
    response.raise_for_status()
    return response.json()


async def _slow_quote():
    import asyncio

    await asyncio.sleep(5)


async def fetch_quotes():
    import asyncio

    return await asyncio.wait_for(_slow_quote(), timeout=0.05)
