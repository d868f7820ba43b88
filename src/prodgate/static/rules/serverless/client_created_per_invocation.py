from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules.serverless._helpers import current_handler

CLIENTS = (apis.SERVICE_CLIENT_CONSTRUCTORS | apis.SYNC_DB_CONNECT_FUNCTIONS | apis.REQUESTS_SESSIONS
           | apis.HTTPX_CLIENTS)


class ClientCreatedPerInvocation(Rule):
    """
    ## What it does
    Finds service clients created inside a serverless handler (an AWS Lambda
    `handler(event, context)`, a `@functions_framework` function, an Azure function):
    `boto3.client`/`resource`, database connections, `redis.Redis`, `pymongo.MongoClient`,
    `requests.Session`, `httpx.Client`, `sqlalchemy.create_engine`.

    ## Why is this bad
    Warm instances run the handler many times; everything at module level survives between
    invocations, everything inside the handler is rebuilt every time. Creating a boto3 client
    costs tens of milliseconds (credential lookup, endpoint resolution), a database connection
    a TLS handshake and authentication. Under load every invocation pays it, latency and
    billed duration grow, and a burst of invocations opens a burst of connections that
    exhausts the database's connection limit.

    ## Example
    ```python
    def handler(event, context):
        s3 = boto3.client("s3")
        s3.put_object(Bucket=RECEIPTS, Key=event["order_id"], Body=render(event))
    ```

    ## Use instead
    ```python
    s3 = boto3.client("s3")

    def handler(event, context):
        s3.put_object(Bucket=RECEIPTS, Key=event["order_id"], Body=render(event))
    ```

    ## Known limitations
    Clients created by a helper function called from the handler are not seen. Handlers are
    recognised by shape: a function whose name contains `handler` with parameters
    `(event, context)`, a `functions_framework` decorator, or an `azure.functions` annotation.
    """

    meta = RuleMeta(
        code="PG530",
        name="client-created-per-invocation",
        category="serverless.state",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.HEAVY_INIT_IN_HOT_PATH,),
        message="`{call}` is created on every invocation of handler `{function}`, adding cold-start "
                "latency and a new connection per request",
        tags=("aws-lambda", "serverless"),
    )

    flagged = (
        """
        import boto3

        RECEIPTS = "receipts-bucket"

        def handler(event, context):
            s3 = boto3.client("s3")  # error: PG530
            s3.put_object(Bucket=RECEIPTS, Key=event["order_id"], Body=event["pdf"])
        """,
        """
        import functions_framework
        import psycopg2

        @functions_framework.http
        def order_status(request):
            conn = psycopg2.connect("dbname=orders")  # error: PG530
            with conn, conn.cursor() as cur:
                cur.execute("SELECT status FROM orders WHERE id = %s", (request.args["id"],))
                return {"status": cur.fetchone()[0]}
        """,
    )
    clean = (
        """
        import boto3

        s3 = boto3.client("s3")

        def handler(event, context):
            s3.put_object(Bucket="receipts", Key=event["order_id"], Body=event["pdf"])

        def make_client(region):
            return boto3.client("s3", region_name=region)
        """,
        """
        import boto3

        _client = None

        def lambda_handler(event, context):
            def client():
                return boto3.client("sqs")
            return client
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name not in CLIENTS:
            return
        handler = current_handler(ctx)
        if handler is not None:
            ctx.report(node, call=name, function=handler.name)
