from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.deps.apiindex import Unknown
from prodgate.deps.environment import Environment, active
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.ai._deps import (
    foreign,
    in_try_catching,
    is_optional_import,
    project_defines,
    root_is_import,
    third_party,
)
from prodgate.static.rules.ai._types import in_fallback

ATTRIBUTE_ERRORS = frozenset({"AttributeError", "Exception", "BaseException", "ImportError", "TypeError",
                              "builtins.AttributeError", "builtins.Exception", "builtins.BaseException"})
MISSING = ("does not exist", "this line raises AttributeError")
NOT_IMPORTABLE = ("does not exist", "the import raises ImportError")
NO_KEYWORD = ("is not a parameter", "the call raises TypeError")
FAILURES = (Unknown, OSError, ValueError, RecursionError)


class HallucinatedApi(Rule):
    """
    ## What it does
    Finds uses of installed third-party libraries that the installed version does not have:
    module attributes and submodules that do not exist (`requests.get_json`, `from pandas import
    read_jsonl`), methods missing from the class of an object built in the same file
    (`session = requests.Session(); session.fetch(...)`), and keyword arguments that the
    function's signature does not accept (`requests.get(url, timeout_seconds=5)`, followed
    through `**kwargs` forwarding where the library forwards them to one known callee).

    The library's API is read statically from its installed source with griffe (never imported)
    and cached per distribution and version.

    ## Why is this bad
    A language model writes the API it expects, not the one that exists. The line raises
    `AttributeError`, `ImportError` or `TypeError` the first time it runs, which is often in
    production on the path no test exercised (the error branch, the nightly job).

    ## Example
    ```python
    import requests

    resp = requests.get(url, timeout_seconds=5)
    ```

    ## Use instead
    ```python
    resp = requests.get(url, timeout=5)
    ```

    ## Known limitations
    Only what is provable from the installed source is reported: anything dynamic means unknown,
    not a finding (a module `__getattr__`, `globals()` tricks, a class `__getattr__` or metaclass,
    decorators that may change a signature, `**kwargs` forwarded to more than one place, C
    extensions without stubs). Standard-library APIs and objects of unknown type (function
    parameters, results of functions) are not checked. Code under `try/except AttributeError`
    or behind `hasattr`/version checks is not reported. Nothing is checked against an installed
    distribution whose version the project's declared range excludes (`graphql-core<3` with 3.3
    installed): that environment is not the one the project runs in.

    ## References
    - https://mkdocstrings.github.io/griffe/
    """

    meta = RuleMeta(
        code="PG823",
        name="hallucinated-api",
        category="ai.hallucinated-api",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.DEPRECATED_FUNCTION, cwe.INCORRECT_CALL_ARGUMENTS),
        message="`{name}` {problem} in the installed `{package}`, so {effect}",
        tags=("dependencies",),
    )

    flagged = (
        """
        import requests

        def fetch(url):
            resp = requests.get(url, timeout_seconds=5)  # error: PG823
            return requests.get_json(resp)  # error: PG823
        """,
        """
        import yaml
        from yaml import safe_load_file  # error: PG823

        def load(path):
            with open(path) as f:
                return yaml.safe_load(f, encoding="utf-8")  # error: PG823
        """,
        """
        import requests

        session = requests.Session()

        def fetch(url):
            session.fetch(url)  # error: PG823
            return session.get(url, retries=3)  # error: PG823
        """,
    )
    clean = (
        Example(
            """
            import requests

            def fetch(url):
                return requests.fetch(url, timeout=5)
            """,
            path="legacy/client.py",
            files={"pyproject.toml": '[project]\nname = "legacy"\ndependencies = ["requests<1"]\n'},
        ),
        """
        import requests
        import yaml
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        session.mount("https://", HTTPAdapter(max_retries=3))

        def fetch(url, **options):
            resp = session.get(url, timeout=5, **options)
            resp.raise_for_status()
            return yaml.safe_load(resp.text), requests.codes.ok, requests.exceptions.HTTPError
        """,
        """
        import yaml

        try:
            Loader = yaml.CSafeLoaderTurbo
        except AttributeError:
            Loader = yaml.SafeLoader

        if hasattr(yaml, "safe_load_file"):
            load = yaml.safe_load_file
        """,
        """
        import pydantic

        class Order(pydantic.BaseModel):
            amount: int

        def check(raw):
            return Order.model_validate(raw), pydantic.some_lazy_name
        """,
    )

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        parent = ctx.parent()
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return
        if not isinstance(node.ctx, ast.Load) or not root_is_import(ctx, node):
            return
        name = ctx.qualname(node)
        if foreign(ctx, name) and not self._guarded(ctx, node):
            problem, effect = MISSING
            ctx.report(node, name=name, problem=problem, effect=effect, package=str(name).split(".", 1)[0],
                       requires=("member", str(name)))

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if node.level or not node.module or not foreign(ctx, node.module) or is_optional_import(ctx, node):
            return
        for alias in node.names:
            if alias.name != "*" and not alias.name.startswith("__"):
                self._report_import(ctx, alias, f"{node.module}.{alias.name}")

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        if is_optional_import(ctx, node):
            return
        for alias in node.names:
            if "." in alias.name and foreign(ctx, alias.name):
                self._report_import(ctx, alias, alias.name)

    @staticmethod
    def _report_import(ctx: FileContext, at: ast.AST, name: str) -> None:
        problem, effect = NOT_IMPORTABLE
        ctx.report(at, name=name, problem=problem, effect=effect, package=name.split(".", 1)[0],
                   requires=("member", name))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        keywords = [k for k in node.keywords if k.arg is not None]
        func = node.func
        callee = ctx.call_name(node) if root_is_import(ctx, func) else None
        if third_party(callee):
            if keywords and foreign(ctx, callee) and not self._guarded(ctx, node):
                for keyword in keywords:
                    self._report_keyword(ctx, keyword, str(callee), ("keyword", str(callee), str(keyword.arg)))
            return
        if not isinstance(func, ast.Attribute) or func.attr.startswith("__"):
            return
        constructor = ctx.constructor(func.value)
        owner = ctx.call_name(constructor) if constructor is not None and root_is_import(ctx, constructor.func) else None
        if not foreign(ctx, owner) or self._guarded(ctx, node):
            return
        shown = f"{ast.unparse(func.value)}.{func.attr}"
        problem, effect = MISSING
        ctx.report(func, name=shown, problem=problem, effect=effect, package=str(owner).split(".", 1)[0],
                   requires=("instance-member", str(owner), func.attr))
        for keyword in keywords:
            self._report_keyword(ctx, keyword, shown, ("instance-keyword", str(owner), func.attr, str(keyword.arg)))

    @staticmethod
    def _report_keyword(ctx: FileContext, keyword: ast.keyword, callee: str, query: tuple[str, ...]) -> None:
        problem, effect = NO_KEYWORD
        ctx.report(keyword, name=f"{callee}({keyword.arg}=...)", problem=problem, effect=effect,
                   package=query[1].split(".", 1)[0], requires=query)

    @staticmethod
    def _guarded(ctx: FileContext, node: ast.AST) -> bool:
        return in_fallback(ctx, node) or in_try_catching(ctx, node, ATTRIBUTE_ERRORS)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        kind, owner, *rest = query
        environment = active()
        if project_defines(index, owner) or not environment.runs_here(owner.split(".", 1)[0]):
            return False
        try:
            if kind == "member":
                return _first_missing(environment, owner)
            if kind == "keyword":
                accepted = environment.api.keywords(owner)
                return accepted is not None and rest[0] not in accepted
            if not _is_class(environment, owner):
                return False
            if kind == "instance-member":
                return environment.api.resolve(f"{owner}.{rest[0]}") is None
            accepted = environment.api.keywords(f"{owner}.{rest[0]}")
            return accepted is not None and rest[1] not in accepted
        except FAILURES:
            return False


def _is_class(environment: Environment, path: str) -> bool:
    record = environment.api.resolve(path)
    return record is not None and record.get("k") == "class" and "builtin" not in record


def _first_missing(environment: Environment, path: str) -> bool:
    """True when some component of ``path`` is provably missing while its parent exists."""
    parts = path.split(".")
    if environment.api.resolve(parts[0]) is None:
        return False
    return any(environment.api.resolve(".".join(parts[:end])) is None for end in range(2, len(parts) + 1))
