from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception", "log"})
SENSITIVE = re.compile(
    r"(?i)(^|_)(password|passwd|pwd|secret|api_?key|access_token|refresh_token|auth_token|id_token|bearer_token|"
    r"private_key|client_secret|card_number|credit_card|cvv|cvc|ssn|pan)$")
MASKING = frozenset({"len", "mask", "redact", "hash", "bool", "type", "id"})


def _sensitive_names(node: ast.expr) -> list[str]:
    """Names of sensitive variables whose value (not a masked form) ends up in ``node``."""
    found = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Call):
            callee = current.func.id if isinstance(current.func, ast.Name) else getattr(current.func, "attr", "")
            if callee in MASKING or "mask" in callee or "redact" in callee:
                continue
            pending.extend(current.args)
        elif isinstance(current, ast.Subscript) and isinstance(current.slice, ast.Slice):
            continue  # token[:4] shows a prefix on purpose
        elif isinstance(current, ast.Name) and SENSITIVE.search(current.id):
            found.append(current.id)
        elif isinstance(current, ast.Attribute) and SENSITIVE.search(current.attr):
            found.append(current.attr)
        elif isinstance(current, (ast.JoinedStr, ast.BinOp, ast.FormattedValue, ast.Tuple, ast.List)):
            pending.extend(ast.iter_child_nodes(current))  # type: ignore[arg-type]
    return found


class SecretInLogMessage(Rule):
    """
    ## What it does
    Finds passwords, tokens, API keys and card data written to logs (logger calls and
    `print`) or into exception messages.

    ## Why is this bad
    Logs are shipped to aggregators, kept for months and readable by far more people and
    systems than the database; exception messages end up in error trackers and HTTP error
    pages. A credential in either is a leaked credential, and card data there breaks PCI DSS.

    ## Example
    ```python
    logger.info(f"charging card {card_number} with key {api_key}")
    ```

    ## Use instead
    ```python
    logger.info("charging card ending %s", card_number[-4:])
    ```
    """

    meta = RuleMeta(
        code="PG760",
        name="secret-in-log-message",
        category="security.sensitive-logging",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.SENSITIVE_INFO_IN_LOG, cwe.INFO_EXPOSURE_ERROR_MESSAGE),
        message="`{name}` is written to {where}, so the secret is readable by everyone with access to them",
        tags=("logging", "pii"),
    )

    flagged = (
        """
        import logging

        logger = logging.getLogger(__name__)

        def charge(card_number, amount, api_key):
            logger.info(f"charging {amount} to card {card_number}")  # error: PG760
            logger.debug("using key %s", api_key)  # error: PG760
            if amount <= 0:
                raise ValueError(f"bad amount for card {card_number}")  # error: PG760
        """,
    )
    clean = (
        """
        import logging

        logger = logging.getLogger(__name__)

        def charge(card_number, amount, api_key, token_count):
            logger.info("charging %s to card ending %s", amount, card_number[-4:])
            logger.debug("using key of length %d", len(api_key))
            logger.info("tokens used: %d", token_count)
            logger.info("password reset requested")
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        where = self._destination(node, ctx)
        if where is None:
            return
        names = [n for arg in [*node.args, *(k.value for k in node.keywords if k.arg is None)] for n in _sensitive_names(arg)]
        if names:
            ctx.report(node, name=names[0], where=where)

    @staticmethod
    def _destination(node: ast.Call, ctx: FileContext) -> str | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in LOG_METHODS:
            receiver = ast.unparse(func.value).lower()
            if "log" in receiver or ctx.qualname(func.value) == "logging":
                return "the logs"
        if ctx.call_name(node) == "print":
            return "standard output (the logs)"
        parent = ctx.parent()
        if isinstance(parent, ast.Raise) and parent.exc is node:
            return "an exception message"
        return None
