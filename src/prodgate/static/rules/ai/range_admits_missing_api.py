from __future__ import annotations

import ast

from packaging.version import Version

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.deps.deprecations import Addition, additions, admits_older, table
from prodgate.deps.environment import active
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.ai._deps import in_try_catching, is_optional_import
from prodgate.static.rules.ai._types import in_fallback, receiver_type

QUERY = "added"
PYTHON = "python"
IMPORT_FAILS = "ImportError"
ATTRIBUTE_FAILS = "AttributeError"
KEYWORD_FAILS = "TypeError"
COMPATIBILITY_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "TypeError", "NameError",
                                  "Exception", "BaseException", "builtins.ImportError", "builtins.AttributeError",
                                  "builtins.TypeError", "builtins.Exception", "builtins.BaseException"})
PROJECT = '[project]\nname = "reports"\nrequires-python = "{python}"\ndependencies = ["pandas{pandas}", "pydantic{pydantic}"]\n'


def _literal_str(expr: ast.expr) -> bool:
    return isinstance(expr, ast.JoinedStr) or (isinstance(expr, ast.Constant) and isinstance(expr.value, str))


class RangeAdmitsMissingApi(Rule):
    """
    ## What it does
    Finds uses of APIs that a library or Python added in a version newer than the oldest one the
    project declares it supports: `model_dump()` under `pydantic>=1.8`, `DataFrame.map` under
    `pandas>=1.5`, `mapped_column` under `SQLAlchemy>=1.4`, `str.removeprefix` or `tomllib`
    under `requires-python = ">=3.8"`. The "added in" versions come from prodgate's data file
    (`prodgate/deps/data/deprecations.toml`, the `[[added]]` entries); library uses are judged
    against the declared dependency range, Python uses against `requires-python`. A range with no
    lower bound admits every old version.

    ## Why is this bad
    The code works where it was written, against the latest release. The declared range tells
    installers that an older release is fine too, and a user or an image pinned to one gets an
    `AttributeError`, `ImportError` or `TypeError` on that line. Models write the newest API they
    know and copy the version bounds from older projects.

    ## Example
    ```python
    # pyproject.toml: dependencies = ["pydantic>=1.8"]
    payload = order.model_dump()
    ```

    ## Use instead
    Raise the bound to the version that added the API:
    ```toml
    dependencies = ["pydantic>=2.0"]
    ```

    ## Known limitations
    Only APIs in the data file are known. Receivers are recognised as PG822 recognises them
    (construction or annotation in the same file, pydantic models of the file, string literals
    for `str` methods). Code behind version or `hasattr` checks, in `except` handlers, under
    `try/except ImportError` (or `AttributeError`, `TypeError`) and under `if TYPE_CHECKING:` is
    compatibility code and is not reported. A dependency the project does not declare is
    PG821's business, and a project without `requires-python` is not judged on Python APIs.
    The project's own API is never judged: its tests and examples run against the source beside
    them (requests' tests use `requests.JSONDecodeError` while its test extras declare
    `requests[socks]` with no version).

    ## References
    - https://packaging.python.org/en/latest/specifications/version-specifiers/
    - https://packaging.python.org/en/latest/specifications/pyproject-toml/#requires-python
    """

    meta = RuleMeta(
        code="PG824",
        name="range-admits-missing-api",
        category="ai.dependency-mismatch",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNMAINTAINED_THIRD_PARTY_COMPONENT,),
        message="`{name}` was added in {where} {added}, but the project declares `{declared}`, which admits older "
                "versions without it, so an install on one fails with {error}; require `{suggested}`",
        tags=("dependencies", "upgrade"),
    )

    flagged = (
        Example(
            """
            import pandas as pd
            import pydantic

            class Order(pydantic.BaseModel):
                amount: float

            def totals(path, order: Order):
                frame = pd.read_csv(path)
                frame = frame.map(str)  # error: PG824
                return frame, order.model_dump()  # error: PG824
            """,
            path="reports/totals.py",
            files={"pyproject.toml": PROJECT.format(python=">=3.10", pandas=">=1.5", pydantic=">=1.8")},
        ),
        Example(
            """
            import tomllib  # error: PG824
            from itertools import batched  # error: PG824

            def load(path):
                name = "v1-report".removeprefix("v1-")  # error: PG824
                with open(path, "rb") as f:
                    return name, list(batched(tomllib.load(f), 2))
            """,
            path="reports/config.py",
            files={"pyproject.toml": PROJECT.format(python=">=3.8", pandas=">=2.2", pydantic=">=2")},
        ),
    )
    clean = (
        Example(
            """
            import requests

            def test_json_decode_error_is_raised(httpbin):
                try:
                    requests.get(httpbin("html")).json()
                except requests.exceptions.JSONDecodeError as error:
                    assert error.doc
            """,
            path="tests/test_requests.py",
            files={"pyproject.toml": '[project]\nname = "requests"\nrequires-python = ">=3.9"\n'
                                     '[project.optional-dependencies]\ntest = ["requests[socks]", "pytest"]\n',
                   "src/requests/__init__.py": "from .exceptions import JSONDecodeError\n",
                   "src/requests/exceptions.py": "class JSONDecodeError(ValueError): ...\n"},
        ),
        Example(
            """
            import sys
            import pandas as pd
            import pydantic

            if sys.version_info >= (3, 11):
                import tomllib
            else:
                import tomli as tomllib

            def totals(path, order: pydantic.BaseModel):
                return pd.read_csv(path).map(str), order.model_dump(), tomllib
            """,
            path="reports/totals.py",
            files={"pyproject.toml": PROJECT.format(python=">=3.8", pandas=">=2.1", pydantic=">=2.0")},
        ),
        Example(
            """
            import tomllib

            def load(path):
                with open(path, "rb") as f:
                    return tomllib.load(f)
            """,
            path="reports/config.py",
            files={"pyproject.toml": PROJECT.format(python=">=3.11", pandas=">=2.2", pydantic=">=2")},
        ),
    )

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        if is_optional_import(ctx, node):
            return
        for alias in node.names:
            entry = additions().names.get(alias.name)
            if entry is not None:
                self._report(ctx, alias, alias.name, entry, IMPORT_FAILS)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if node.level or not node.module or is_optional_import(ctx, node):
            return
        data = additions()
        entry = data.names.get(node.module)
        if entry is not None:
            self._report(ctx, node, node.module, entry, IMPORT_FAILS)
            return
        for alias in node.names:
            entry = data.names.get(f"{node.module}.{alias.name}")
            if entry is not None:
                self._report(ctx, alias, f"{node.module}.{alias.name}", entry, IMPORT_FAILS)

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if not isinstance(node.ctx, ast.Load):
            return
        data = additions()
        members = data.members.get(node.attr)
        if members is not None:
            found = "str" if _literal_str(node.value) else receiver_type(ctx, node.value, table().types)
            if found in members:
                self._report(ctx, node, f"{found.rsplit('.', 1)[-1]}.{node.attr}", members[found], ATTRIBUTE_FAILS)
                return
        name = ctx.qualname(node) if node.attr in data.last_names else None
        entry = data.names.get(name) if name else None
        if entry is not None:
            self._report(ctx, node, str(name), entry, ATTRIBUTE_FAILS)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name is None:
            return
        data = additions()
        if "." not in name and name in data.names:  # a builtin (imports are reported where they are)
            self._report(ctx, node.func, name, data.names[name], "NameError")
        for keyword in node.keywords:
            entry = data.keywords.get(name, {}).get(keyword.arg or "")
            if entry is not None:
                self._report(ctx, keyword, f"{name}({keyword.arg}=)", entry, KEYWORD_FAILS)

    @staticmethod
    def _report(ctx: FileContext, node: ast.AST, name: str, entry: Addition, error: str) -> None:
        if in_fallback(ctx, node) or in_try_catching(ctx, node, COMPATIBILITY_ERRORS):
            return
        ctx.report(node, name=name, where="", added=entry.added_in, declared="", error=error, suggested="",
                   requires=(QUERY, name, entry.distribution or PYTHON, entry.added_in, error))

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool | str:
        _, name, distribution, added, error = query
        environment = active()
        if index.is_project_module(name) or distribution == environment.declared.project_name:
            return False  # the project's own API, which its code uses at the version beside it
        if distribution == PYTHON:
            declared = environment.declared.requires_python
            where, requirement = "Python", f"requires-python = \"{declared}\""
            suggested = f"requires-python = \">={added}\""
        else:
            declared = environment.declared_range(distribution)
            installed = environment.distributions.get(distribution)
            where = installed.name if installed is not None else distribution
            requirement = f"{where}{declared or ' (any version)'}"
            suggested = f"{where}>={added}"
        if declared is None or not admits_older(declared, Version(added)):
            return False
        return self.meta.message.format(name=name, where=where, added=added, declared=requirement, error=error,
                                         suggested=suggested)
