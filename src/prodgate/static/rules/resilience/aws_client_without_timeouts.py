from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta, Status
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import constructor_call, is_service_code

FACTORIES = frozenset({"boto3.client", "boto3.resource"})
SESSIONS = frozenset({"boto3.Session", "boto3.session.Session"})
CONFIGS = frozenset({"botocore.config.Config", "botocore.client.Config"})
TIMEOUTS = ("connect_timeout", "read_timeout")


class AwsClientWithoutTimeouts(Rule):
    """
    ## What it does
    Finds `boto3.client(...)`, `boto3.resource(...)` and `session.client(...)` created without a
    botocore `Config` that sets `connect_timeout` or `read_timeout`.

    ## Why is this bad
    botocore waits 60 seconds to connect and 60 seconds per read, and retries that several
    times. When S3, SQS or DynamoDB slows down (or a VPC endpoint is misrouted), one call can hold
    a request worker or a Lambda invocation for minutes, far past the caller's own deadline, and
    the retries pile more load onto the struggling service.

    ## Example
    ```python
    s3 = boto3.client("s3")
    ```

    ## Use instead
    ```python
    s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=10,
                                          retries={"max_attempts": 3, "mode": "standard"}))
    ```

    ## Known limitations
    A `Config` held in a variable that is not assigned in the same module is not followed and
    counts as set. Preview: the defaults are finite, so the rule is opt-in.

    ## References
    - https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html
    """

    meta = RuleMeta(
        code="PG107",
        name="aws-client-without-timeouts",
        category="resilience.timeout",
        severity=Severity.LOW,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT,),
        message="`{call}` keeps botocore's 60-second connect and read timeouts with retries, so a slow AWS endpoint holds this worker for minutes",
        tags=("aws",),
        status=Status.PREVIEW,
    )

    flagged = (
        """
        import boto3

        def handler(event, context):
            s3 = boto3.client("s3")  # error: PG107
            return s3.get_object(Bucket=event["bucket"], Key=event["key"])
        """,
        """
        import boto3
        from botocore.config import Config

        session = boto3.Session(region_name="eu-west-1")
        sqs = session.client("sqs", config=Config(retries={"max_attempts": 3}))  # error: PG107
        """,
    )
    clean = (
        """
        import boto3
        from botocore.config import Config

        AWS_CONFIG = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3})
        sqs = boto3.client("sqs", config=Config(connect_timeout=3, read_timeout=10))
        table = boto3.resource("dynamodb", config=AWS_CONFIG).Table("orders")

        def make(service, config, **options):
            return boto3.client(service, config=config), boto3.client(service, **options)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        func = node.func
        if name not in FACTORIES:
            if not (isinstance(func, ast.Attribute) and func.attr in ("client", "resource")):
                return
            session = constructor_call(ctx, func.value)
            if session is None or ctx.call_name(session) not in SESSIONS:
                return
            name = f"{ast.unparse(func.value)}.{func.attr}"
        if ctx.has_splat(node) or not is_service_code(ctx):
            return
        config = ctx.keyword(node, "config")
        if config is None:
            ctx.report(node, call=name)
            return
        made = constructor_call(ctx, config.value)
        if (made is not None and ctx.call_name(made) in CONFIGS and not ctx.has_splat(made)
                and not any(ctx.keyword(made, timeout) for timeout in TIMEOUTS)):
            ctx.report(node, call=name)
