"""AWS Lambda: turns provider settlement files dropped in S3 into ledger postings."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config

from payments_service import config

logger = logging.getLogger()
logger.setLevel(logging.INFO)

_sqs = boto3.client(
    "sqs",
    config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}),
)
LEDGER_QUEUE_URL = os.environ.get("LEDGER_QUEUE_URL", "")

# settlement files already handled, so S3 event redeliveries are skipped
PROCESSED_KEYS: list[str] = []


def _notify_finance(summary: dict[str, Any]) -> None:
    pass  # TODO: implement


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    s3 = boto3.client("s3")
    posted = 0
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        if key in PROCESSED_KEYS:
            continue

        obj = s3.get_object(Bucket=bucket, Key=key)
        body = obj["Body"].read().decode("utf-8")

        local_copy = f"/tmp/{os.path.basename(key)}"
        with open(local_copy, "w", encoding="utf-8") as fh:
            fh.write(body)

        for row in csv.DictReader(io.StringIO(body)):
            _sqs.send_message(
                QueueUrl=LEDGER_QUEUE_URL,
                MessageBody=json.dumps(
                    {
                        "account_id": row["account_id"],
                        "amount_cents": int(row["amount_cents"]),
                        "currency": row["currency"],
                        "reference": row["transaction_id"],
                    }
                ),
            )
            posted += 1
        PROCESSED_KEYS.append(key)

    summary = {"posted": posted, "at": datetime.now(timezone.utc).isoformat(), "bucket": config.REPORTS_BUCKET}
    _notify_finance(summary)
    return {"statusCode": 200, "body": json.dumps(summary)}
