from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.ai._helpers import name_for_value

# RFC 2606 example domains and the "your-domain" family, inside a URL or as a bare host.
EXAMPLE_HOST = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^/@\s]+@)?(?:[a-z0-9-]+\.)*"
    r"(?:example\.(?:com|org|net|edu)|example|your-?(?:domain|company|app|server|host|site|api)\.[a-z]+)"
    r"(?::\d+)?(?:[/?#].*)?$",
    re.IGNORECASE,
)
PLACEHOLDER_SECRET = re.compile(
    r"^(?:<[^>]*(?:your|token|key|secret|password|api)[^>]*>|\{\{?\s*your[^}]*\}\}?|"
    r"your[-_ ]?[a-z_ -]*(?:key|token|secret|password|passwd|pass|id)(?:[-_ ]?here)?|"
    r"(?:insert|put|paste|add|replace|enter)[-_ ][a-z_ -]*(?:here|key|token|secret|password)|"
    r"change[-_ ]?me|change[-_ ]?this|replace[-_ ]?me|x{3,}|\*{4,}|todo|fixme|placeholder|"
    r"dummy[-_ ]?(?:key|token|secret|password)|(?:sk|pk)_(?:test|live)_x+)$",
    re.IGNORECASE,
)
HOST_NAME = re.compile(r"(?:url|uri|host|endpoint|base|domain|server|api|webhook|callback|origin|dsn|address)",
                       re.IGNORECASE)
SECRET_NAME = re.compile(
    r"(?:api_?key|_key$|^key$|token|secret|password|passwd|pwd|credential|auth|dsn)", re.IGNORECASE)
# The text shown in place of a secret (``CENSOR_TOKEN = "********"``): a mask, not a credential.
MASK_NAME = re.compile(r"(?:censor|mask|redact|obfuscat|hidden|conceal)", re.IGNORECASE)


class PlaceholderConfigValue(Rule):
    """
    ## What it does
    Finds example values left in configuration: hosts from the reserved example domains
    (`https://api.example.com`, `*.example.org`, `your-domain.com`) given to a setting named
    like a URL, host or endpoint, and placeholder credentials (`"your-api-key-here"`,
    `"YOUR_API_KEY"`, `"changeme"`, `"<your-token>"`, `"xxxx"`) given to a setting named like a
    key, token, secret or password. Assignments, environment-variable defaults
    (`os.environ.get("API_URL", ...)`), keyword arguments, dictionary entries and parameter
    defaults are checked; test files are skipped.

    ## Why is this bad
    Generated code fills the gaps with examples that look plausible and run. When the
    environment variable is missing in one deployment, the service starts anyway and sends
    payments, webhooks or customer data to a domain nobody in the company controls, or
    authenticates with a credential that fails only at the first real request.

    ## Example
    ```python
    PAYMENTS_API_BASE_URL = os.environ.get("PAYMENTS_API_BASE_URL", "https://api.example.com/v1")
    ```

    ## Use instead
    ```python
    PAYMENTS_API_BASE_URL = os.environ["PAYMENTS_API_BASE_URL"]  # fail at start-up when unset
    ```

    ## Known limitations
    `localhost` defaults are not reported: they are the usual development default and fail
    fast in production. Example hosts in documentation strings and comments are ignored.
    Inside function bodies only environment-variable and parameter defaults are checked, so a
    placeholder written into a dictionary or call inside a function is missed (it is as often
    deliberate sample data there).
    """

    meta = RuleMeta(
        code="PG803",
        name="placeholder-config-value",
        category="ai.placeholder",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.INCOMPLETE_IMPLEMENTATION,),
        message="`{name}` is set to a placeholder {kind}, so production {effect}",
        tags=("generated", "config"),
    )

    flagged = (
        """
        import os

        PAYMENTS_API_BASE_URL = os.environ.get("PAYMENTS_API_BASE_URL", "https://api.example.com/v1")  # error: PG803
        PAYMENTS_API_KEY = os.getenv("PAYMENTS_API_KEY", "your-api-key-here")  # error: PG803
        WEBHOOK_SECRET = "changeme"  # error: PG803
        """,
        """
        from dataclasses import dataclass


        @dataclass
        class LedgerSettings:
            base_url: str = "https://ledger.example.org"  # error: PG803
            token: str = "<your-token>"  # error: PG803


        def make_client(api_key="YOUR_API_KEY"):  # error: PG803
            return {"endpoint": "https://your-domain.com/api", "api_key": api_key}  # todo-error: PG803
        """,
    )
    clean = (
        """
        import os

        REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
        PAYMENTS_API_BASE_URL = os.environ["PAYMENTS_API_BASE_URL"]
        SUPPORT_EMAIL = "support@example.com"
        EXAMPLE_PAYLOAD = {"note": "see https://docs.example.com"}
        PASSWORD_FIELD = "password"
        CENSOR_TOKEN = "********"
        KEYWORDS = ("if", "else", "todo")


        def ensure_default_site(Site):
            Site(pk=1, domain="example.com", name="example.com").save()


        def describe():
            \"\"\"Call with base_url="https://api.example.com".\"\"\"
        """,
        Example(
            """
            BASE_URL = "https://api.example.com"
            API_KEY = "your-api-key"
            """,
            path="tests/settings.py",
        ),
    )

    def visit_Constant(self, node: ast.Constant, ctx: FileContext) -> None:
        value = node.value
        if not isinstance(value, str) or not 3 <= len(value) <= 200:
            return
        if EXAMPLE_HOST.match(value):
            kind, effect, names = "example host", "sends its requests to a domain nobody in the company runs", HOST_NAME
        elif PLACEHOLDER_SECRET.match(value):
            kind, effect, names = "credential", "authenticates with a dummy value", SECRET_NAME
        else:
            return
        if ctx.is_test_file:
            return
        name, how = name_for_value(node, ctx)
        if how not in ("environment", "parameter") and ctx.function() is not None:
            return
        if name and names.search(name) and not MASK_NAME.search(name):
            ctx.report(node, name=name, kind=kind, effect=effect)
