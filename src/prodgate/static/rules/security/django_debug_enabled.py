from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.security._helpers import (
    is_constant,
    production_settings,
    publish_setting,
    publish_star_import,
    set_safely_downstream,
)

ENVIRONMENT_READS = frozenset({"os.environ.get", "os.getenv", "decouple.config", "environ.Env.bool"})
TRUTHY = frozenset({True, "True", "true", "1", "yes", "on", "TRUE"})


def _environment_default_on(value: ast.expr, ctx: FileContext) -> bool:
    """``os.environ.get("DJANGO_DEBUG", "True") == "True"`` and the like: on when the variable is unset."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and ctx.call_name(node) in ENVIRONMENT_READS:
            default = ctx.argument(node, 1, "default")
            return isinstance(default, ast.Constant) and default.value in TRUTHY
    return False


class DjangoDebugEnabled(Rule):
    """
    ## What it does
    Finds `DEBUG = True`, or `DEBUG` read from an environment variable that defaults to on
    (`os.environ.get("DJANGO_DEBUG", "True") == "True"`), at the top level of a Django settings module whose path does not mark
    it as development, local or test settings (`settings/dev.py`, `local_settings.py`,
    `settings_test.py` are skipped), unless a settings module that extends it
    (`from .base import *`) sets `DEBUG = False`.

    ## Why is this bad
    With `DEBUG` on, every unhandled error returns a page with the full traceback, local
    variables, settings (with `SECRET_KEY`-like values only partly masked) and the SQL that ran;
    Django also keeps every executed query in memory for the life of the process, so a
    long-running worker grows without bound.

    ## Example
    ```python
    # payments/settings.py
    DEBUG = True
    ```

    ## Use instead
    ```python
    DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    ```

    ## Known limitations
    A settings module that is only ever used locally but is not named so is reported. Values
    read from the environment with a default that is off, or no default, are trusted.

    ## References
    - https://docs.djangoproject.com/en/stable/ref/settings/#debug
    - https://docs.djangoproject.com/en/stable/howto/deployment/checklist/
    """

    meta = RuleMeta(
        code="PG604",
        name="django-debug-enabled",
        category="security.config",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.ACTIVE_DEBUG_CODE, cwe.DEBUG_INFO_EXPOSURE),
        message="`DEBUG` is on{how} in settings module `{module}`, so tracebacks, settings and SQL are shown "
                "to any visitor and every query is kept in memory",
        tags=("django",),
    )

    flagged = (
        Example(
            """
            SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
            DEBUG = True  # error: PG604
            ALLOWED_HOSTS = ["payments.acmepay.com"]
            INSTALLED_APPS = ["django.contrib.auth", "payments"]
            """,
            path="payments/settings.py",
        ),
        Example(
            """
            import os

            DEBUG = os.environ.get("DJANGO_DEBUG", "True") == "True"  # error: PG604
            ROOT_URLCONF = "orders.urls"
            INSTALLED_APPS = ["orders"]
            """,
            path="orders/config.py",
        ),
        Example(
            """
            from .base import *

            DEBUG = True  # error: PG604
            """,
            path="config/settings/production.py",
            files={"config/settings/base.py": "DEBUG = False\n", "config/settings/__init__.py": "",
                   "config/__init__.py": ""},
        ),
    )
    clean = (
        Example(
            """
            from .base import *

            DEBUG = True
            """,
            path="config/settings/dev.py",
        ),
        Example(
            """
            DEBUG = True
            SECRET_KEY = "x"
            """,
            path="config/settings/base.py",
            files={"config/settings/production.py": "from .base import *\nDEBUG = False\n",
                   "config/settings/__init__.py": "", "config/__init__.py": ""},
        ),
        Example(
            """
            DEBUG = True

            def main():
                pass
            """,
            path="payments/cli.py",
        ),
        Example(
            """
            import os

            DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"
            """,
            path="payments/settings.py",
        ),
    )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if len(ctx.parents) != 1 or not any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in node.targets):
            return
        publish_setting(ctx, "DEBUG", is_constant(node.value, False))
        if not production_settings(ctx):
            return
        if is_constant(node.value, True):
            ctx.report(node, module=ctx.module, how="", requires=("DEBUG", ctx.module))
        elif _environment_default_on(node.value, ctx):
            ctx.report(node, module=ctx.module, how=" unless the environment turns it off",
                       requires=("DEBUG", ctx.module))

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        publish_star_import(node, ctx)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        name, module = query
        return not set_safely_downstream(index, module, name)
