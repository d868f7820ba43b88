"""Data from other systems as taint sources: queue consumer payloads and other services' responses."""

from __future__ import annotations

import textwrap
from pathlib import Path

from prodgate.api import check
from prodgate.core.config import load_config
from prodgate.core.rule import expected_annotations


def findings(source: str, tmp_path: Path) -> list[tuple[int, str]]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'worker'\nrequires-python = '>=3.10'\n")
    (tmp_path / "worker.py").write_text(textwrap.dedent(source), encoding="utf-8")
    result = check([tmp_path], load_config(tmp_path), select=["PG7"], use_cache=False, jobs=1)
    assert not result.unanalysed
    return sorted((f.line, f.rule) for f in result.findings)


def expected(source: str) -> list[tuple[int, str]]:
    return sorted(expected_annotations(textwrap.dedent(source))["error"])


QUEUE_CONSUMERS = '''
    import os
    import pickle
    import subprocess

    import boto3
    from confluent_kafka import Consumer
    from kafka import KafkaConsumer


    def convert_uploads():
        for message in KafkaConsumer("uploads"):
            os.system("convert " + message.value.decode())  # error: PG702


    def run_jobs():
        consumer = Consumer({"group.id": "jobs"})
        while True:
            message = consumer.poll(1.0)
            pickle.loads(message.value())  # error: PG712


    def evaluate_rules():
        response = boto3.client("sqs").receive_message(QueueUrl="https://sqs/rules")
        for message in response.get("Messages", []):
            eval(message["Body"])  # error: PG703


    def run_commands():
        queue = boto3.resource("sqs").Queue("https://sqs/commands")
        for message in [m.body for m in queue.receive_messages()]:
            subprocess.run(message, shell=True)  # error: PG702


    def count_messages(consumer):
        for message in consumer:
            os.system("echo received")
'''

SERVICE_RESPONSES = '''
    import pickle

    import httpx
    import requests


    def load_plugin():
        exec(requests.get("https://plugins.example.com/latest").text)  # error: PG703


    def restore_state():
        with requests.Session() as session:
            blob = session.get("https://cache.internal/state").content
        return pickle.loads(blob)  # error: PG712


    async def apply_rule():
        async with httpx.AsyncClient() as client:
            response = await client.get("https://rules.internal/next")
            rule = response.json()
        return eval(rule["expression"])  # error: PG703


    def all_pages(url):
        pages = []
        while url:
            page = requests.get(url, timeout=10).json()
            pages.append(page)
            url = page["next"]
        return pages


    def store(cursor):
        user = requests.get("https://users.internal/me", timeout=10).json()
        cursor.execute("INSERT INTO users VALUES ('%s')" % user["name"])
        return open(user["avatar"]).read()
'''


def test_queue_consumer_payloads_are_untrusted(tmp_path: Path) -> None:
    assert findings(QUEUE_CONSUMERS, tmp_path) == expected(QUEUE_CONSUMERS)


def test_service_responses_are_untrusted_where_they_are_run_or_unpickled_only(tmp_path: Path) -> None:
    # Following a link another service returned, or storing what it says, is ordinary integration code.
    assert findings(SERVICE_RESPONSES, tmp_path) == expected(SERVICE_RESPONSES)
