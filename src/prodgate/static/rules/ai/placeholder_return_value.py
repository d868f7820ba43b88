from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext

PLACEHOLDER_COMMENT = re.compile(
    r"#.*\b(?:dummy|placeholder|mock(?:ed)?|fake|stub(?:bed)?|TODO|FIXME|XXX|hard-?coded for now|for now|"
    r"temporary|temporarily|not implemented)\b",
    re.IGNORECASE,
)


def _literal(node: ast.expr | None) -> bool:
    """A value written out in full: constants and containers of constants (``{"status": "ok"}``)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _literal(k) for k in node.keys) and all(_literal(v) for v in node.values)
    return False


class PlaceholderReturnValue(Rule):
    """
    ## What it does
    Finds `return` statements that hand back a hard-coded literal (`{"status": "ok"}`, `True`,
    `[]`, `0`) with a comment on the same line calling it a dummy, placeholder, mock, fake, stub,
    temporary value or `TODO`. Test files are skipped.

    ## Why is this bad
    The function claims success without doing the work: a delivery check that always says
    "ok", a fraud check that always passes, a balance that is always zero. Callers and
    dashboards trust the answer, so the gap shows up as wrong money movements or silent data
    loss rather than as an error.

    ## Example
    ```python
    def delivery_status(message_id: str) -> dict[str, str]:
        return {"status": "ok"}  # dummy
    ```

    ## Use instead
    Implement the lookup, or raise an explicit error until it exists so that callers fail
    loudly instead of trusting a made-up answer.

    ## Known limitations
    Only returns marked by a comment on the same line are found; an unmarked hard-coded answer
    looks the same as a legitimate constant.
    """

    meta = RuleMeta(
        code="PG802",
        name="placeholder-return-value",
        category="ai.placeholder",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.INCOMPLETE_IMPLEMENTATION,),
        message="`{function}` returns a hard-coded placeholder, so callers act on a made-up answer in production",
        tags=("generated",),
    )

    flagged = (
        """
        def delivery_status(message_id: str) -> dict[str, str]:
            \"\"\"Look up whether a receipt was delivered.\"\"\"
            return {"status": "ok"}  # dummy  # error: PG802


        def passes_fraud_check(order) -> bool:
            if order.amount > 10_000:
                return True  # TODO: call the risk API  # error: PG802
            return True
        """,
    )
    clean = (
        """
        def is_enabled(flags, name) -> bool:
            if name not in flags:
                return False  # unknown flags are off
            return flags[name]


        def balance(account):
            return account.balance  # TODO: cache
        """,
        Example(
            """
            def fake_gateway_charge(amount):
                return {"status": "succeeded"}  # fake for tests
            """,
            path="tests/conftest.py",
        ),
    )

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        if not _literal(node.value) or ctx.is_test_file:
            return
        line = ctx.line(node.end_lineno or node.lineno)
        if "#" in line and PLACEHOLDER_COMMENT.search(line):
            function = ctx.function()
            ctx.report(node, function=function.name if function is not None else "<module>")
