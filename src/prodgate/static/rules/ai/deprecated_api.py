from __future__ import annotations

import ast

from packaging.version import Version

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.deps.apiindex import Unknown
from prodgate.deps.deprecations import Deprecation, python_change, range_reaches, table
from prodgate.deps.environment import active
from prodgate.deps.stdlib import removed_modules
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.ai._deps import imported_roots, is_optional_import, project_defines
from prodgate.static.rules.ai._discovered import QUERY, callee, message, query, silenced
from prodgate.static.rules.ai._types import in_fallback, receiver_type

EFFECTS = {
    "removed": "this line fails on that version and later",
    "deprecated": "it warns today and breaks in the release that removes it",
}
TEST_CASE_SUFFIX = "TestCase"
CONTEXTS = {"async": "in a coroutine", "sync": "outside a coroutine"}
OPENAI = '[project]\nname = "bot"\nrequires-python = ">=3.10"\ndependencies = ["openai{spec}"]\n'


class DeprecatedApi(Rule):
    """
    ## What it does
    Finds APIs that the targeted Python version or the installed library version has deprecated
    or removed: standard-library modules and names (`imp`, `distutils`, `asyncore`,
    `collections.Mapping`, `datetime.datetime.utcnow`, `ssl.wrap_socket`, `unittest` alias
    methods, `asyncio.get_event_loop()` outside a coroutine) and library APIs (pandas
    `DataFrame.append`, `numpy.float`, SQLAlchemy `engine.execute`, pydantic `.dict()`, openai
    `ChatCompletion`, `yaml.load` without a `Loader`, Flask `Markup`, ...). The versions come
    from a data file in prodgate (`prodgate/deps/data/deprecations.toml`); each finding names the
    version that deprecated or removed the API and the replacement. Beyond the data file, it
    reads the installed library's own source (never importing it): a function or class that
    always warns a `DeprecationWarning` or `FutureWarning` (a `warnings.warn` at the top of its
    body or `__init__`, `@deprecated`), or a keyword whose passing always warns, is reported
    with the library's own message.

    ## Why is this bad
    Language models learned these APIs from years of code written before they were removed. The
    code passes a review, then fails with `AttributeError`, `ImportError` or `TypeError` in
    production on the version actually installed, or starts failing after a routine upgrade.

    ## Example
    ```python
    df = pd.read_csv(path)
    df = df.append(row, ignore_index=True)
    ```

    ## Use instead
    ```python
    df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    ```

    ## Known limitations
    Library APIs are reported only when the installed version (or the lock-file pin, or the
    declared range when the library is not installed) reaches the version that changed them. A
    receiver is recognised only from its construction or annotation in the same file (`df =
    pd.read_csv(...)`, `engine = create_engine(...)`, `user: User` for a pydantic model of the
    file). Code in `except` handlers and behind version or `hasattr` checks is compatibility code
    and is not reported, nor are calls under `warnings.catch_warnings()`. A deprecation the
    library warns only on some paths (after a branch, or a `PendingDeprecationWarning`) is not
    discovered. An entry's `context` says where the API is deprecated: `asyncio.get_event_loop()`
    returns the running loop inside a coroutine and is reported only outside one, where no loop
    may be current (warned from Python 3.12, `RuntimeError` from 3.14); a plain function that
    only ever runs inside a loop is reported too, and `asyncio.get_running_loop()` is right there.

    ## References
    - https://docs.python.org/3/whatsnew/
    - https://pandas.pydata.org/docs/whatsnew/v2.0.0.html
    - https://numpy.org/devdocs/numpy_2_0_migration_guide.html
    - https://docs.sqlalchemy.org/en/20/changelog/migration_20.html
    - https://docs.pydantic.dev/latest/migration/
    """

    meta = RuleMeta(
        code="PG822",
        name="deprecated-api",
        category="ai.deprecated-api",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.DEPRECATED_FUNCTION,),
        message="`{name}` was {change} in {where} {version}, so {effect}; use {replacement}",
        tags=("dependencies", "upgrade"),
    )

    flagged = (
        """
        import pandas as pd
        import numpy as np

        def report(path, row):
            df = pd.read_csv(path)
            df = df.append(row, ignore_index=True)  # error: PG822
            return df.astype(np.float)  # error: PG822
        """,
        """
        import yaml
        from sqlalchemy import create_engine

        engine = create_engine("sqlite://")

        def load(stream):
            engine.execute("SELECT 1")  # error: PG822
            return yaml.load(stream)  # error: PG822
        """,
        """
        from pydantic import BaseModel, validator  # error: PG822

        class Order(BaseModel):
            amount: int

        def dump(order: Order, raw):
            Order.parse_obj(raw)  # error: PG822
            return order.dict()  # error: PG822
        """,
        """
        import asyncio
        import datetime
        import imp  # error: PG822
        from collections import Mapping  # error: PG822

        async def handler():
            loop = asyncio.get_event_loop()
            return datetime.datetime.utcnow(), loop
        """,
        Example(
            """
            import asyncio

            def main(serve):
                loop = asyncio.get_event_loop()  # error: PG822
                loop.run_until_complete(serve())
            """,
            files={"pyproject.toml": '[project]\nname = "svc"\nrequires-python = ">=3.12"\n'},
        ),
        Example(
            """
            from datetime import datetime

            def stamp():
                return datetime.utcnow().isoformat()  # error: PG822
            """,
            files={"pyproject.toml": '[project]\nname = "svc"\nrequires-python = ">=3.12"\n'},
        ),
        Example(
            """
            import openai

            def reply(prompt):
                return openai.ChatCompletion.create(model="gpt-4o", messages=[prompt])  # error: PG822
            """,
            path="bot.py",
            files={"pyproject.toml": OPENAI.format(spec=">=1.30")},
        ),
        """
        import unittest

        class PaymentsTestCase(unittest.TestCase):
            def test_total(self):
                self.assertEquals(1, 1)  # error: PG822
        """,
    )
    clean = (
        """
        import pandas as pd
        import numpy as np
        import yaml

        def report(path, rows, stream):
            df = pd.concat([pd.read_csv(path), pd.DataFrame(rows)])
            items = [1, 2]
            items.append(3)
            return df.astype(np.float64), yaml.load(stream, Loader=yaml.SafeLoader)
        """,
        """
        import asyncio
        from collections.abc import Mapping

        try:
            from collections.abc import Sequence
        except ImportError:
            from collections import Sequence

        async def main():
            loop = asyncio.get_event_loop()
            return loop
        """,
        Example(
            """
            import openai

            def reply(prompt):
                return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[prompt])
            """,
            path="bot.py",
            files={"pyproject.toml": OPENAI.format(spec=">=0.27,<1")},
        ),
    )

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        data = table()
        member = data.members.get(node.attr)
        if member is not None:
            found = receiver_type(ctx, node.value, data.types)
            if found in member:
                self._report(ctx, node, f"{found.rsplit('.', 1)[-1]}.{node.attr}", member[found])
                return
        if node.attr in data.self_members and self._on_test_case(node, ctx):
            self._report(ctx, node, node.attr, data.self_members[node.attr])
            return
        if not isinstance(node.ctx, ast.Load):
            return
        name = ctx.qualname(node) if node.attr in data.last_names else None
        entry = data.names.get(name) if name else None
        if entry is not None and entry.missing is None and entry.context is None:
            self._report(ctx, node, str(name), entry)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        self._discover(node, ctx)
        name = ctx.call_name(node)
        if name is None:
            return
        data = table()
        entry = data.names.get(name)
        if entry is not None and entry.missing is not None:
            if ctx.argument(node, entry.position, entry.missing) is None and not ctx.has_splat(node):
                self._report(ctx, node, f"{name}() without {entry.missing}=", entry)
        elif entry is not None and entry.context == ("async" if ctx.in_async_function() else "sync"):
            self._report(ctx, node, f"{name}() {CONTEXTS[entry.context]}", entry)
        for keyword in node.keywords:
            found = data.keywords.get(name, {}).get(keyword.arg or "")
            if found is not None:
                self._report(ctx, keyword, f"{name}({keyword.arg}=)", found)

    def _discover(self, node: ast.Call, ctx: FileContext) -> None:
        """Ask the project phase whether the library's own source deprecates this call (the data file wins)."""
        data = table()
        name = callee(ctx, node, data.types)
        if name is None or in_fallback(ctx, node) or silenced(ctx):
            return
        owner, _, member = name.rpartition(".")
        if name in data.names or name in data.keywords or owner in data.members.get(member, {}):
            return
        ctx.report(node.func, name=name, change="deprecated", where="", version="", effect="", replacement="",
                   requires=query(node, name))

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        self._removed_modules(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        self._removed_modules(node, ctx)
        if node.level or not node.module:
            return
        for alias in node.names:
            entry = table().names.get(f"{node.module}.{alias.name}")
            if entry is not None and entry.context is None and entry.missing is None:
                self._report(ctx, alias, f"{node.module}.{alias.name}", entry)

    def _removed_modules(self, node: ast.Import | ast.ImportFrom, ctx: FileContext) -> None:
        for root, at in imported_roots(node):
            removal = removed_modules().get(root)
            if removal is None or is_optional_import(ctx, node) or in_fallback(ctx, node):
                continue
            entry = Deprecation(f"{removal.deprecated_in[0]}.{removal.deprecated_in[1]}",
                                f"{removal.removed_in[0]}.{removal.removed_in[1]}", removal.replacement)
            self._report(ctx, at, root, entry)

    @staticmethod
    def _on_test_case(node: ast.Attribute, ctx: FileContext) -> bool:
        if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            return False
        cls = ctx.enclosing(ast.ClassDef)
        return isinstance(cls, ast.ClassDef) and any(
            (ctx.qualname(b) or ast.unparse(b)).endswith(TEST_CASE_SUFFIX) for b in cls.bases)

    def _report(self, ctx: FileContext, node: ast.AST, name: str, entry: Deprecation) -> None:
        if in_fallback(ctx, node):
            return
        if entry.distribution is None:
            change = python_change(entry, ctx.target_version)
            if change is not None:
                self._emit(ctx, node, name, entry, *change)
            return
        if entry.removed_in:
            self._emit(ctx, node, name, entry, "removed", entry.removed_in,
                       ("removed", entry.distribution, entry.removed_in))
        if entry.deprecated_in:
            self._emit(ctx, node, name, entry, "deprecated", entry.deprecated_in,
                       ("deprecated", entry.distribution, entry.deprecated_in, entry.removed_in or ""))

    @staticmethod
    def _emit(ctx: FileContext, node: ast.AST, name: str, entry: Deprecation, change: str, version: str,
              requires: tuple[str, ...] | None = None) -> None:
        ctx.report(node, name=name, change=change, where=entry.where, version=version, effect=EFFECTS[change],
                   replacement=entry.replacement, requires=requires)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool | str:
        if query[0] == QUERY:
            return self._confirm_discovered(query, index)
        _, distribution, version, *rest = query
        environment = active()
        since = Version(version)
        until = Version(rest[0]) if rest and rest[0] else None
        installed = environment.version_of(distribution)
        if installed is not None:
            return installed >= since and (until is None or installed < until)
        declared = environment.declared_range(distribution)
        if declared is None:
            return False
        return range_reaches(declared, since) and (until is None or not range_reaches(declared, until))

    @staticmethod
    def _confirm_discovered(query: tuple[str, ...], index: ProjectIndex) -> bool | str:
        _, name, *keywords = query
        environment = active()
        if project_defines(index, name) or not environment.runs_here(name.split(".", 1)[0]):
            return False
        try:
            return message(environment, name, tuple(keywords)) or False
        except (Unknown, OSError, ValueError, RecursionError):
            return False
