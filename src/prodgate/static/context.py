"""The facade a rule sees while the engine walks one file: questions rules keep asking, and ``report``."""

from __future__ import annotations

import ast
import functools
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodgate.core.finding import Confidence, Finding, Fix, FlowStep, Location, Properties, Severity
from prodgate.core.fingerprint import fingerprint
from prodgate.static.names import Binding, Scopes

if TYPE_CHECKING:
    from prodgate.core.rule import Rule

FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
LOOP_TYPES = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSION_TYPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
TEST_PARTS = ("tests", "test", "testing")
STATEMENT_PARTS = (ast.stmt, ast.excepthandler, ast.match_case)  # what holds statements


@dataclass(slots=True)
class RuleSettings:
    """What the configuration says about one rule: severity override and option values."""

    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


class FileContext:
    """Everything about the file being walked, and the current position in the walk.

    ``parents`` holds the ancestors of the node being visited (nearest last). Rules read it
    through ``parent``, ``enclosing``, ``function`` and friends rather than directly.
    """

    def __init__(self, path: str, module: str, is_package: bool, text: str, tree: ast.Module,
                 settings: Mapping[str, RuleSettings], target_version: tuple[int, int],
                 project_roots: frozenset[str] = frozenset()):
        self.path = path
        self.module = module
        self.is_package = is_package
        self.text = text
        self.lines = text.splitlines()
        self.tree = tree
        self.target_version = target_version
        self.project_roots = project_roots
        self.project_roots_used: set[str] = set()
        self.scopes = Scopes(module, is_package)
        self.parents: list[ast.AST] = []
        self.findings: list[Finding] = []
        self.pending: list[tuple[Finding, tuple[str, ...]]] = []
        self.facts: dict[str, dict[str, Any]] = {}
        self._call_names: dict[int, tuple[int, str | None]] = {}  # id(call) -> (scopes.version, name)
        self.rule: Rule | None = None
        self._settings = settings
        self._state: dict[str, dict[str, Any]] = {}
        self._occurrences: dict[tuple[str, str, str], int] = {}

    # -- reporting ---------------------------------------------------------------------------

    def report(self, node: ast.AST, /, *, fix: Fix | None = None, confidence: Confidence | None = None,
               severity: Severity | None = None,
               flow: tuple[FlowStep, ...] = (), properties: Mapping[str, str] | None = None,
               requires: tuple[str, ...] | None = None, **fields: object) -> None:
        """Report the current rule at ``node``; ``fields`` fill the rule's message template.

        ``requires`` defers the decision to the project phase: the finding is kept only if the
        rule's ``confirm(requires, index)`` returns True once every module is indexed.
        """
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self.column(line, getattr(node, "col_offset", 0))
        end_column = self.column(end_line, getattr(node, "end_col_offset", None) or 0)
        self.report_span(line, column, end_line, end_column, fix=fix, confidence=confidence, severity=severity,
                         flow=flow, properties=properties, requires=requires, **fields)

    def report_span(self, line: int, column: int, end_line: int, end_column: int, /, *,
                    fix: Fix | None = None, confidence: Confidence | None = None, severity: Severity | None = None,
                    flow: tuple[FlowStep, ...] = (), properties: Mapping[str, str] | None = None,
                    requires: tuple[str, ...] | None = None, **fields: object) -> None:
        """Report at an explicit span (1-based lines and character columns)."""
        assert self.rule is not None, "report_span() called outside a rule visit"
        meta = self.rule.meta
        settings = self._settings.get(meta.code)
        scope = self.scopes.qualname
        text = self.line(line)
        key = (meta.code, scope, " ".join(text.split()))
        occurrence = self._occurrences.get(key, 0)
        self._occurrences[key] = occurrence + 1
        finding = Finding(
            rule=meta.code,
            category=meta.category,
            severity=(settings.severity if settings and settings.severity else severity or meta.severity),
            confidence=confidence if confidence is not None else meta.confidence,
            path=self.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=max(end_column, 1),
            message=meta.message.format(**fields),
            cwe=meta.cwe,
            fingerprint=fingerprint(meta.code, self.path, scope, text, occurrence),
            fix=fix,
            flow=flow,
            properties=Properties(properties),
        )
        if requires is None:
            self.findings.append(finding)
        else:
            self.pending.append((finding, requires))

    def column(self, line: int, byte_offset: int) -> int:
        """1-based character column of a UTF-8 byte offset on a 1-based line."""
        text = self.line(line)
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def location(self, node: ast.AST, message: str) -> FlowStep:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        return FlowStep(Location(self.path, line, self.column(line, getattr(node, "col_offset", 0)),
                                 end_line, self.column(end_line, getattr(node, "end_col_offset", 0) or 0)), message)

    # -- configuration and per-file state ----------------------------------------------------

    def option(self, name: str) -> Any:
        assert self.rule is not None
        settings = self._settings.get(self.rule.meta.code)
        if settings and name in settings.options:
            return settings.options[name]
        for option in self.rule.meta.options:
            if option.name == name:
                return option.default
        raise KeyError(f"{self.rule.meta.code} declares no option {name!r}")

    def state(self) -> dict[str, Any]:
        """A dict private to the current rule for the current file."""
        assert self.rule is not None
        return self._state.setdefault(self.rule.meta.code, {})

    def shared(self, name: str) -> dict[Any, Any]:
        """A dict shared by every rule for the current file (work several rules reuse, e.g. taint)."""
        return self._state.setdefault(f"<{name}>", {})

    def publish(self, kind: str, key: str, value: Any) -> None:
        """Record a JSON-able fact about this module for the project index (``index.fact(kind, key)``)."""
        self.facts.setdefault(kind, {})[key] = value

    # -- source ------------------------------------------------------------------------------

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ""

    @functools.cached_property
    def is_test_file(self) -> bool:
        parts = self.path.split("/")
        name = parts[-1]
        return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
                or any(p in TEST_PARTS for p in parts[:-1]))

    @functools.cached_property
    def is_migration(self) -> bool:
        """A Django migration or an Alembic revision (``revision``/``down_revision`` at module level):
        run once by a deploy, not on every request."""
        if "migrations" in self.path.split("/")[:-1]:
            return True
        bound = {target.id for statement in self.tree.body if isinstance(statement, (ast.Assign, ast.AnnAssign))
                 for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
                 if isinstance(target, ast.Name)}
        return {"revision", "down_revision"} <= bound

    @functools.cached_property
    def imported_roots(self) -> frozenset[str]:
        """Top-level packages the module imports at its top level (also under ``if``/``try``)."""
        roots: set[str] = set()
        statements: list[ast.stmt] = list(self.tree.body)
        for statement in self.tree.body:
            if isinstance(statement, (ast.If, ast.Try)):
                statements.extend(statement.body)
        for node in statements:
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                roots.add(node.module.split(".")[0])
        return frozenset(roots)

    # -- names -------------------------------------------------------------------------------

    def qualname(self, expr: ast.AST) -> str | None:
        """Qualified name of a name/attribute through imports (``fetch`` -> ``requests.get``)."""
        return self.scopes.qualname_of(expr)

    def in_project(self, root: str) -> bool:
        """``root`` (a top-level module name) is provided by the project's own files: what it
        defines is judged against the project, not the installed distributions. A True answer is
        recorded: the file's result now depends on that root existing (the cache checks it)."""
        if root in self.project_roots:
            self.project_roots_used.add(root)
            return True
        return False

    def call_name(self, call: ast.Call) -> str | None:
        """Qualified name of the callee; several rules ask it of each call, so it is resolved
        once per call and state of the bindings."""
        version = self.scopes.version
        cached = self._call_names.get(id(call))
        if cached is not None and cached[0] == version:
            return cached[1]
        name = self.scopes.qualname_of(call.func)
        self._call_names[id(call)] = (version, name)
        return name

    def binding(self, name: str) -> Binding | None:
        return self.scopes.lookup(name)

    def value_of(self, expr: ast.AST) -> ast.expr | None:
        """What a plain name was last assigned (through chains of names), else None."""
        return self.scopes.value_of(expr)

    def self_attributes(self) -> dict[str, list[ast.expr]]:
        """Values assigned to ``self.<attr>`` anywhere in the enclosing class's methods."""
        cls = self.enclosing(ast.ClassDef)
        if not isinstance(cls, ast.ClassDef):
            return {}
        cache: dict[Any, dict[str, list[ast.expr]]] = self._state.setdefault("<self-attributes>", {})
        if id(cls) not in cache:
            found: dict[str, list[ast.expr]] = {}
            # ast.walk's breadth-first order, through statements only: an assignment is one, and
            # no statement sits inside an expression.
            todo: deque[ast.AST] = deque([cls])
            while todo:
                node = todo.popleft()
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                                and target.value.id == "self"):
                            found.setdefault(target.attr, []).append(node.value)
                todo.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, STATEMENT_PARTS))
            cache[id(cls)] = found
        return cache[id(cls)]

    def constructor(self, expr: ast.AST) -> ast.Call | None:
        """The call that produced the value of ``expr``: itself, what its name was assigned, or
        what ``self.<attr>`` was assigned in the class (when every assignment is the same call)."""
        if isinstance(expr, ast.Call):
            return expr
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
            values = self.self_attributes().get(expr.attr, [])
            calls = [v for v in values if isinstance(v, ast.Call)]
            if calls and len(calls) == len(values) and len({self.call_name(c) for c in calls}) == 1:
                return calls[0]
            return None
        value = self.value_of(expr)
        if isinstance(value, ast.Await):
            value = value.value
        return value if isinstance(value, ast.Call) else None

    def constructor_name(self, expr: ast.AST) -> str | None:
        call = self.constructor(expr)
        return self.call_name(call) if call is not None else None

    @staticmethod
    def keyword(call: ast.Call, name: str) -> ast.keyword | None:
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword
        return None

    @staticmethod
    def has_splat(call: ast.Call) -> bool:
        """True when ``**kwargs`` or ``*args`` makes the arguments unknowable."""
        return any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args)

    @staticmethod
    def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
        keyword = FileContext.keyword(call, name)
        if keyword is not None:
            return keyword.value
        if position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
            return call.args[position]
        return None

    # -- structure ---------------------------------------------------------------------------

    def parent(self) -> ast.AST | None:
        return self.parents[-1] if self.parents else None

    def ancestors(self) -> Iterator[ast.AST]:
        return reversed(self.parents)

    def enclosing(self, *types: type) -> ast.AST | None:
        for node in reversed(self.parents):
            if isinstance(node, types):
                return node
        return None

    def function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        found = self.enclosing(*FUNCTION_TYPES)
        return found if isinstance(found, FUNCTION_TYPES) else None

    def in_async_function(self) -> bool:
        """True inside ``async def`` (and not inside a nested sync def or lambda)."""
        found = self.enclosing(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        return isinstance(found, ast.AsyncFunctionDef)

    def loops(self) -> list[ast.AST]:
        """Enclosing loops and comprehensions inside the current function, nearest first."""
        found: list[ast.AST] = []
        for node in reversed(self.parents):
            if isinstance(node, SCOPE_TYPES):
                break
            if isinstance(node, (*LOOP_TYPES, *COMPREHENSION_TYPES)):
                found.append(node)
        return found

    def decorators(self, function: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[str]:
        """Qualified names of a definition's decorators (calls are named by their callee)."""
        names = []
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            names.append(self.qualname(target) or ast.unparse(target))
        return names
