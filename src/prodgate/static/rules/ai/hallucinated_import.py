from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.deps.environment import active
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.ai._deps import (
    candidate_imports,
    importer_dir,
    optional_roots,
    project_roots,
)


class HallucinatedImport(Rule):
    """
    ## What it does
    Finds imports of top-level modules that nothing provides: not the standard library of the
    targeted Python version, not the project itself (its modules, source roots and namespace
    directories, and every package directory or module file inside it, such as an example's
    package or a test suite's fixture apps), not any distribution installed in the target
    environment, and not any distribution the project declares (PEP 621, Poetry, requirements
    files, setup.cfg), or a nested project holding the importing file declares (an example with
    its own `pyproject.toml`). A module the importing file itself writes (its name, or its name
    with `.py`, is a string in that file: a test that creates a package in a temporary
    `sys.path` entry) is not reported either.

    ## Why is this bad
    The process dies with `ModuleNotFoundError` at startup, or at the first request that reaches
    a lazy import. Worse, language models invent plausible package names, and attackers register
    those names on the package index ("slopsquatting"): the day someone runs `pip install` for the
    missing name, they install the attacker's code on the production host.

    ## Example
    ```python
    import requests_retry_helper
    ```

    ## Use instead
    Import a module that exists and declare the distribution that provides it:
    ```python
    from urllib3.util import Retry
    ```

    ## Known limitations
    Imports guarded by `try/except ImportError` (and those in its `else`, which runs only when
    the guarded import succeeded), imports in a branch of a `sys.version_info` check and imports
    under `if TYPE_CHECKING:` are never reported, and neither are relative imports. When a runtime dependency the project declares is
    not installed, nothing is reported: the import may come from that dependency's own
    dependencies (install the project's dependencies, or point `--python` at an environment that
    has them). Distributions pinned in lock files count as declared. A module that any file of
    the project imports
    that way counts as optional everywhere. An import made optional by its *caller* (a function
    whose callers catch `ImportError`) is still reported. `prodgate check --python PATH` decides against
    another interpreter's environment; `--online` adds the package index's view (see docs/deps.md).

    ## References
    - https://docs.python.org/3/library/exceptions.html#ModuleNotFoundError
    - https://en.wikipedia.org/wiki/Slopsquatting
    """

    meta = RuleMeta(
        code="PG820",
        name="hallucinated-import",
        category="ai.hallucinated-import",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.HALLUCINATED_PACKAGE,),
        message="`{module}` is provided by no installed or declared distribution, the project or the standard "
                "library, so the import fails at startup and the name is open to slopsquatting",
        tags=("dependencies",),
    )

    flagged = (
        """
        import requests_retry_helper  # error: PG820
        import os, fastjson_schema_tools  # error: PG820
        """,
        """
        from pydantic_settings_loader import EnvLoader  # error: PG820

        def handler(event):
            import aws_lambda_powertools_utils  # error: PG820
            return EnvLoader(event)
        """,
    )
    clean = (
        Example(
            """
            import pytest
            from flaskr import create_app
            from blueprintapp import app as blueprint_app
            """,
            path="examples/tutorial/tests/conftest.py",
            files={"examples/tutorial/flaskr/__init__.py": "def create_app(): ...\n",
                   "examples/tutorial/flaskr/db.py": "",
                   "examples/tutorial/pyproject.toml": "[project]\nname = \"flaskr\"\ndependencies = [\"flask\"]\n",
                   "tests/test_apps/blueprintapp/__init__.py": "app = None\n",
                   "tests/test_apps/blueprintapp/apps/__init__.py": ""},
        ),
        Example(
            """
            from acme_task_queue import Queue
            from task_app import tasks
            """,
            path="examples/worker/src/task_app/views.py",
            files={"examples/worker/pyproject.toml": "[project]\nname = \"worker\"\ndependencies = [\"acme-task-queue\"]\n",
                   "examples/worker/src/task_app/__init__.py": "",
                   "examples/worker/src/task_app/tasks.py": ""},
        ),
        Example(
            """
            def test_instance_path_of_installed_module(site_packages):
                (site_packages / "site_app.py").write_text("import flask\\napp = flask.Flask(__name__)\\n")
                from site_app import app
                assert app.instance_path
            """,
            path="tests/test_instance_config.py",
        ),
        """
        import json
        import yaml
        from . import helpers
        from .models import Order
        from __future__ import annotations
        """,
        """
        import sys

        try:
            import ujson_turbo as json
        except ImportError:
            import json

        try:
            from urllib3.contrib import pyopenssl_extra
        except ImportError:
            pyopenssl_extra = None
        else:
            import OpenSSL_bindings_extra

        if sys.version_info >= (3, 10):
            from importlib import metadata
        else:
            import importlib_metadata_backport as metadata

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from mypy_boto3_s3_typed import S3Client
        """,
        Example(
            """
            import billing
            from billing.client import charge
            import acme_ledger_client
            """,
            path="app/main.py",
            files={"billing/__init__.py": "", "billing/client.py": "def charge(): ...\n",
                   "requirements.txt": "acme-ledger-client==1.4.2\n"},
        ),
        """
        def ipython_shell():
            from IPython import start_ipython  # todo-ok: PG820
            start_ipython()

        def shell():
            try:
                return ipython_shell()
            except ImportError:
                return None
        """,
    )

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node: ast.Import | ast.ImportFrom, ctx: FileContext) -> None:
        for root, at in candidate_imports(node, ctx):
            if _quoted(root, ctx.text) and root in _written_modules(ctx):
                continue
            ctx.report(at, module=root, properties={"module": root}, requires=("import", root, importer_dir(ctx.path)))

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        _, module, directory = query
        if module in project_roots(index) or module in optional_roots(index):
            return False
        environment = active()
        return (environment.complete and not environment.is_available(module)
                and not environment.is_local(module, directory) and not environment.declared_nearby(module, directory))


def _quoted(module: str, text: str) -> bool:
    """The source spells ``module`` (or ``module.py``) as a whole string literal: the cheap test
    before the walk of the whole tree that ``_written_modules`` makes."""
    return re.search(rf"""['"]{re.escape(module)}(?:\.py)?['"]""", text) is not None


def _written_modules(ctx: FileContext) -> frozenset[str]:
    """Module names the file spells as strings (``"site_app.py"``, ``"config_package_app"``): the
    modules it writes to disk itself before importing them."""
    state = ctx.state()
    if "written" not in state:
        strings = {n.value for n in ast.walk(ctx.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        state["written"] = frozenset(s.removesuffix(".py") for s in strings if s.removesuffix(".py").isidentifier())
    return frozenset(state["written"])
