"""The rule engine: parse each file once, walk it once, dispatch nodes to the rules that asked.

Phase one runs per file (in worker processes, results cached by content): read, decode, parse,
one walk that feeds the rules' ``visit_<Node>``/``leave_<Node>`` methods, the name scopes and the
module summary. Phase two runs once: the project index is built from the summaries, deferred
findings are confirmed against it, and suppressions are applied.
"""

from __future__ import annotations

import ast
import gc
import os
import traceback
from ast import AST
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

from prodgate.core.discovery import SourceFile
from prodgate.core.finding import Diagnostic, Finding
from prodgate.core.registry import default_registry
from prodgate.core.rule import Rule
from prodgate.static.context import FileContext, RuleSettings
from prodgate.static.names import Binding, assignment_bindings, import_bindings, predeclare_module
from prodgate.static.parsing import parse, parse_fragment
from prodgate.static.source import SourceText, decode, read
from prodgate.static.summary import ModuleSummary, SummaryBuilder
from prodgate.static.suppression import Suppression, find_suppressions

Visitor = Callable[[ast.AST, FileContext], None]
LEAVE = object()
# Leaves that carry no name and no scope: the walk skips them unless a rule asks for one.
PASSIVE_LEAVES = tuple(cls for base in (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
                       for cls in base.__subclasses__())
PARALLEL_THRESHOLD = 24
# Parsing and the per-file results allocate millions of objects that live until the file (or the
# run) is done; at the default threshold (700) the collector keeps re-walking them. mypy raises
# the first threshold the same way.
COLLECTION_THRESHOLD = 100_000


@dataclass(frozen=True)
class Plan:
    """What phase one needs to know, small and picklable (sent to every worker)."""

    codes: tuple[str, ...]
    settings: Mapping[str, RuleSettings]
    target_version: tuple[int, int]
    max_file_size: int
    # The project's top-level module names (index.top_level_roots over the discovered files).
    roots: frozenset[str] = frozenset()


@dataclass
class FileResult:
    path: str
    lines: int = 0
    findings: list[Finding] = field(default_factory=list)
    pending: list[tuple[Finding, tuple[str, ...]]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    summary: ModuleSummary | None = None
    # The project roots phase one relied on (FileContext.in_project): the result holds only while they exist.
    project_roots: frozenset[str] = frozenset()


class Dispatch:
    """Node type name -> the (rule, bound method) pairs that asked for it."""

    def __init__(self, rules: Iterable[Rule]):
        self.rules = list(rules)
        self.enter: dict[str, list[tuple[Rule, Visitor]]] = {}
        self.leave: dict[str, list[tuple[Rule, Visitor]]] = {}
        for rule in self.rules:
            for attribute in dir(rule):
                if attribute.startswith("visit_"):
                    self.enter.setdefault(attribute[6:], []).append((rule, getattr(rule, attribute)))
                elif attribute.startswith("leave_"):
                    self.leave.setdefault(attribute[6:], []).append((rule, getattr(rule, attribute)))
        self.passive = frozenset(c for c in PASSIVE_LEAVES if c.__name__ not in self.enter and c.__name__ not in self.leave)


@lru_cache(maxsize=4)
def _dispatch(codes: tuple[str, ...]) -> Dispatch:
    registry = default_registry()
    return Dispatch(rule() for code in codes if (rule := registry.get(code)) is not None)


def _call_rules(handlers: list[tuple[Rule, Visitor]], node: ast.AST, ctx: FileContext, errors: list[str]) -> None:
    for rule, method in handlers:
        ctx.rule = rule
        try:
            method(node, ctx)
        except Exception as exc:  # one rule's bug must not cost the file its other findings
            errors.append(f"{rule.meta.code} failed at line {getattr(node, 'lineno', '?')}: "
                          f"{type(exc).__name__}: {exc} ({traceback.extract_tb(exc.__traceback__)[-1].lineno})")


class _Walker:
    """One walk of one tree: scopes, summary and rule dispatch, iteratively (no recursion limit)."""

    def __init__(self, ctx: FileContext, dispatch: Dispatch, summary: SummaryBuilder):
        self.ctx = ctx
        self.dispatch = dispatch
        self.summary = summary
        self.errors: list[str] = []

    def run(self) -> None:
        ctx, dispatch, parents = self.ctx, self.dispatch, self.ctx.parents
        enter, leave, passive, errors = dispatch.enter, dispatch.leave, dispatch.passive, self.errors
        enter_hooks, leave_hooks = self._enter_hooks, self._leave_hooks
        todo: list[object] = [ctx.tree]
        push = todo.append
        children: list[AST] = []
        while todo:
            node = todo.pop()
            if node is LEAVE:
                node = parents.pop()
                name = node.__class__.__name__
            else:
                assert isinstance(node, AST)
                name = node.__class__.__name__
                handlers = enter.get(name)
                if handlers:
                    _call_rules(handlers, node, ctx, errors)
                hook = enter_hooks.get(name)
                if hook is not None:
                    hook(node)
                # The children in source order (ast.iter_child_nodes, inlined), without the
                # operator and load/store leaves no rule and no scope needs.
                for attribute in node._fields:
                    value = getattr(node, attribute, None)
                    if value.__class__ is list:
                        children.extend(item for item in value if isinstance(item, AST) and item.__class__ not in passive)
                    elif isinstance(value, AST) and value.__class__ not in passive:
                        children.append(value)
                if children:
                    parents.append(node)
                    push(LEAVE)
                    children.reverse()
                    todo.extend(children)
                    children.clear()
                    continue
            handlers = leave.get(name)
            if handlers:
                _call_rules(handlers, node, ctx, errors)
            hook = leave_hooks.get(name)
            if hook is not None:
                hook(node)

    @property
    def _enter_hooks(self) -> dict[str, Callable[[ast.AST], None]]:
        return {"FunctionDef": self._enter_function, "AsyncFunctionDef": self._enter_function,
                "ClassDef": self._enter_class, "Lambda": self._enter_lambda,
                "Import": self._enter_import, "ImportFrom": self._enter_import,
                "With": self._bind_targets, "AsyncWith": self._bind_targets,
                "For": self._bind_targets, "AsyncFor": self._bind_targets,
                "Call": self._enter_call, "Return": self._enter_return}

    @property
    def _leave_hooks(self) -> dict[str, Callable[[ast.AST], None]]:
        return {"FunctionDef": self._leave_function, "AsyncFunctionDef": self._leave_function,
                "ClassDef": self._leave_scope, "Lambda": self._leave_scope,
                "Assign": self._leave_assign, "AnnAssign": self._bind_targets,
                "AugAssign": self._bind_targets, "NamedExpr": self._bind_targets}

    def _enter_function(self, node: ast.AST) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        scopes = self.ctx.scopes
        outer = scopes.qualname
        qualname = f"{scopes.module}.{outer + '.' if outer else ''}{node.name}"
        scopes.bind(node.name, Binding("def", qualname, node=node))
        decorators = self.ctx.decorators(node)
        if outer and f"{scopes.module}.{outer}" in self.summary.summary.classes:
            self.summary.method(outer, node.name)
        scopes.push(node.name)
        self.summary.enter_function(node, decorators)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                scopes.bind(arg.arg, Binding("param", value=arg.annotation, node=arg))

    def _enter_class(self, node: ast.AST) -> None:
        assert isinstance(node, ast.ClassDef)
        scopes = self.ctx.scopes
        outer = scopes.qualname
        scopes.bind(node.name, Binding("class", f"{scopes.module}.{outer + '.' if outer else ''}{node.name}", node=node))
        scopes.push(node.name)
        self.summary.enter_class(node)

    def _enter_lambda(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Lambda)
        scopes = self.ctx.scopes
        scopes.push("<lambda>")
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            scopes.bind(arg.arg, Binding("param", node=arg))

    def _enter_import(self, node: ast.AST) -> None:
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        scopes = self.ctx.scopes
        for local, binding in import_bindings(node, scopes.module, scopes.is_package):
            scopes.bind(local, binding)
            if binding.qualname:
                self.summary.import_(local, binding.qualname)

    def _bind_targets(self, node: ast.AST) -> None:
        # Entering with/for: the block's own statements already see what `with ... as x` /
        # `for x in ...` bound. Leaving an assignment: what follows sees its targets.
        for local, binding in assignment_bindings(node):
            self.ctx.scopes.bind(local, binding)

    def _enter_call(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Call)
        self.summary.call(node)

    def _enter_return(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Return)
        self.summary.return_(node)

    def _leave_function(self, node: ast.AST) -> None:
        self.ctx.scopes.pop()
        self.summary.leave_function()

    def _leave_scope(self, node: ast.AST) -> None:
        self.ctx.scopes.pop()

    def _leave_assign(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Assign)
        self._bind_targets(node)
        self.summary.assign(node)


def analyse_text(source: SourceText, plan: Plan) -> FileResult:
    """Phase one for one decoded file."""
    file = source.file
    result = FileResult(file.relative, lines=source.text.count("\n") + 1)
    result.suppressions = find_suppressions(source.text)
    try:
        tree = parse(source.text, file.relative)
    except SyntaxError as exc:
        result.diagnostics.append(Diagnostic(file.relative, "syntax-error", f"cannot parse: {exc.msg}",
                                             exc.lineno or 0, exc.offset or 0))
        fragment = parse_fragment(source.text, file.relative)
        if fragment is None:
            return result
        tree = fragment  # the file stays unanalysed; the statements that parse are still checked
    is_package = file.is_package
    ctx = FileContext(file.relative, file.module, is_package, source.text, tree, plan.settings, plan.target_version,
                      plan.roots)
    predeclare_module(tree, ctx.scopes)
    summary = SummaryBuilder(file.module, file.relative, is_package, ctx.scopes)
    walker = _Walker(ctx, _dispatch(plan.codes), summary)
    try:
        walker.run()
    except RecursionError:
        result.diagnostics.append(Diagnostic(file.relative, "internal-error", "nesting too deep to analyse"))
        return result
    for error in walker.errors:
        result.diagnostics.append(Diagnostic(file.relative, "internal-error", f"rule error: {error}"))
    result.findings = ctx.findings
    result.pending = ctx.pending
    result.summary = summary.summary
    result.summary.facts = ctx.facts
    result.project_roots = frozenset(ctx.project_roots_used)
    return result


def analyse_file(file: SourceFile, data: bytes | None, plan: Plan) -> FileResult:
    """Phase one for one file from disk (or from bytes already read)."""
    source = read(file, plan.max_file_size) if data is None else decode(file, data)
    if isinstance(source, Diagnostic):
        return FileResult(file.relative, diagnostics=[source])
    try:
        return analyse_text(source, plan)
    except Exception as exc:  # a prodgate bug on one file must not stop the scan of the others
        return FileResult(file.relative, diagnostics=[
            Diagnostic(file.relative, "internal-error", f"prodgate failed on this file: {type(exc).__name__}: {exc}")])


def _analyse_batch(batch: list[tuple[SourceFile, bytes | None]], plan: Plan) -> list[FileResult]:
    return [analyse_file(file, data, plan) for file, data in batch]


def _batches(items: list[tuple[SourceFile, bytes | None]], count: int) -> Iterator[list[tuple[SourceFile, bytes | None]]]:
    # Many small batches balance uneven file sizes across workers.
    size = max(1, min(64, len(items) // (count * 8) or 1))
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _collect_less() -> None:
    gc.set_threshold(COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def analyse_many(items: list[tuple[SourceFile, bytes | None]], plan: Plan, jobs: int,
                 progress: Callable[[int], None] | None = None) -> list[FileResult]:
    """Phase one over many files, in worker processes when it pays off."""
    workers = jobs or os.cpu_count() or 1
    threshold = gc.get_threshold()
    _collect_less()
    results = []
    try:
        if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
            for file, data in items:
                results.append(analyse_file(file, data, plan))
                if progress:
                    progress(1)
            return results
        with ProcessPoolExecutor(max_workers=workers, initializer=_collect_less) as pool:
            for batch_results in pool.map(_analyse_batch, _batches(items, workers), [plan] * len(items)):
                results.extend(batch_results)
                if progress:
                    progress(len(batch_results))
        return results
    finally:
        gc.set_threshold(*threshold)
