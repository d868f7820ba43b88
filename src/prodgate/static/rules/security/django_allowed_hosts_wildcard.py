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


def _wildcard(value: ast.expr) -> ast.expr | None:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return next((e for e in value.elts if is_constant(e, "*")), None)
    return None


class DjangoAllowedHostsWildcard(Rule):
    """
    ## What it does
    Finds `ALLOWED_HOSTS` containing `"*"` at the top level of a Django settings module whose
    path does not mark it as development, local or test settings, unless a settings module that
    extends it (`from .base import *`) sets a list without `"*"`.

    ## Why is this bad
    `ALLOWED_HOSTS` is Django's defence against forged `Host` headers. With `"*"`, whatever host
    an attacker sends is used to build absolute URLs: password-reset e-mails, payment return
    URLs and cache keys then point to the attacker's domain (host-header poisoning), and
    caches can be poisoned for every user.

    ## Example
    ```python
    ALLOWED_HOSTS = ["*"]
    ```

    ## Use instead
    ```python
    ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
    ```

    ## Known limitations
    Behind a proxy that rewrites or validates `Host` the wildcard is harmless; such deployments
    should still name their hosts so that the protection survives a change of proxy.

    ## References
    - https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
    - https://docs.djangoproject.com/en/stable/topics/security/#host-header-validation
    """

    meta = RuleMeta(
        code="PG605",
        name="django-allowed-hosts-wildcard",
        category="security.config",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.IMPROPER_INPUT_VALIDATION,),
        message="`ALLOWED_HOSTS` in settings module `{module}` accepts any `Host` header, enabling "
                "host-header poisoning of password-reset links and caches",
        tags=("django",),
    )

    flagged = (
        Example(
            """
            DEBUG = False
            ALLOWED_HOSTS = ["*"]  # error: PG605
            INSTALLED_APPS = ["django.contrib.auth", "orders"]
            """,
            path="orders/settings.py",
        ),
    )
    clean = (
        Example(
            """
            ALLOWED_HOSTS = ["*"]
            """,
            path="orders/settings/local.py",
        ),
        Example(
            """
            ALLOWED_HOSTS = ["*"]
            INSTALLED_APPS = ["orders"]
            """,
            path="orders/settings/base.py",
            files={"orders/settings/prod.py": "from .base import *\nALLOWED_HOSTS = ['orders.acmepay.com']\n",
                   "orders/settings/__init__.py": "", "orders/__init__.py": ""},
        ),
    )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if len(ctx.parents) != 1 or not any(isinstance(t, ast.Name) and t.id == "ALLOWED_HOSTS" for t in node.targets):
            return
        star = _wildcard(node.value)
        publish_setting(ctx, "ALLOWED_HOSTS", star is None)
        if star is not None and production_settings(ctx):
            ctx.report(node, module=ctx.module, requires=("ALLOWED_HOSTS", ctx.module))

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        publish_star_import(node, ctx)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        name, module = query
        return not set_safely_downstream(index, module, name)
