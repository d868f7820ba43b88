"""The base of every taint rule: run the interpreter once per function, report one sink kind.

Each taint rule module declares its metadata, documentation, examples and the ``sink`` kind it
reports (``sql``, ``command``, ...); the analysis itself runs once per function and is shared
by all of them through ``ctx.shared``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from prodgate.core.finding import Confidence, FlowStep, Location
from prodgate.core.rule import Rule
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.taint import spec
from prodgate.static.taint.interpreter import FunctionTaint, Interpreter, SinkHit
from prodgate.static.taint.values import Origin, Step, Value

FACT = "taint"


def _deps(value: Value) -> list[str]:
    found = []
    for origin in value.origins:
        if origin.kind == "source":
            found.append("source")
        elif origin.kind == "param":
            found.append(f"param:{origin.index}")
        elif origin.kind == "self":
            found.append(f"self:{origin.name}")
        elif origin.kind == "call":
            found.append(f"call:{origin.name}")
    return sorted(set(found))


def analyse(node: ast.AST, ctx: FileContext) -> FunctionTaint:
    """The taint analysis of a function (or module body), computed once per file and node."""
    cache: dict[int, FunctionTaint] = ctx.shared("taint")
    done = ctx.shared("taint-done")
    key = id(node)
    if key not in done:
        result = Interpreter(ctx, node, cache).run()
        cache[key] = result
        done[key] = True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            qualname = ".".join(filter(None, [ctx.module, ctx.scopes.qualname, node.name]))
            summary: dict[str, Any] = {}
            if result.returned.origins:
                summary["returns"] = _deps(result.returned)
                summary["clean"] = sorted(result.returned.clean_for)
            if node.name == "__init__" and result.self_attrs:
                summary["self"] = {k: _deps(v) for k, v in result.self_attrs.items() if v.origins}
            sinks = sorted({(o.index, hit.kind, hit.callee) for hit in result.hits for o in hit.value.origins
                            if o.kind == "param" and hit.kind not in hit.value.clean_for})
            if sinks:
                summary["sinks"] = [list(entry) for entry in sinks]
            if summary:
                ctx.publish(FACT, qualname, summary)
    return cache[key]


def reported_source(value: Value) -> bool:
    """The value carries outside input the taint rules report at once (not only command-line or
    stdin input, and not only data whose taint the project phase has yet to confirm)."""
    return any(o.kind == "source" and o.name not in spec.LOCAL_SOURCES for o in value.origins)


def _flow(ctx: FileContext, steps: Iterable[Step]) -> tuple[FlowStep, ...]:
    return tuple(FlowStep(Location(ctx.path, s.line, s.column, s.end_line, s.end_column), s.text) for s in steps)


@dataclass(frozen=True, slots=True)
class EntryParameter:
    """A parameter taken for outside input at a sink: the first step of the flow, the source the
    message names, and what the project phase must confirm (None: nothing)."""

    origin: Origin
    step: str
    source: str
    requires: tuple[str, ...] | None


def _source_name(value: Value) -> str:
    sources = sorted((o for o in value.origins if o.kind == "source"), key=lambda o: (o.line, o.column))
    if sources:
        return sources[0].name
    calls = sorted((o for o in value.origins if o.kind == "call"), key=lambda o: (o.line, o.column))
    if calls:
        return f"data returned by `{calls[0].name.split('|', 1)[0]}`"
    return "request data" if value.kind == "request" else "data"


class TaintRule(Rule):
    """Shared detection logic of the taint rules; subclasses set ``meta``, docs, examples, ``sink``.

    Test files are not analysed: the request data of a test is the test's own, and the views a
    test suite defines serve only its test client."""

    sink: ClassVar[str]

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        if not ctx.is_test_file:
            self._report(analyse(node, ctx), ctx, None)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if not ctx.is_test_file:
            self._report(analyse(node, ctx), ctx, node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _report(self, result: FunctionTaint, ctx: FileContext,
                function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        reported: set[tuple[int, int]] = ctx.state().setdefault("reported", set())
        self._report_outgoing(result, ctx)
        for hit in result.hits:
            if hit.kind != self.sink:
                continue
            if not any(o.kind in ("source", "call") for o in hit.value.origins):
                self._report_entry_point(hit, ctx, function, reported)
                continue
            sources = [o for o in hit.value.origins if o.kind in ("source", "call")]
            if not any(o.kind == "call" or spec.reaches(o.name, self.sink) for o in sources):
                continue  # input limited to other sinks (typed by whoever runs the program, say), joined with a parameter
            where = (getattr(hit.node, "lineno", 0), getattr(hit.node, "col_offset", 0))
            if where in reported:
                continue
            reported.add(where)
            flow = _flow(ctx, hit.value.steps)
            source = _source_name(hit.value)
            if any(o.kind == "source" for o in hit.value.origins):
                ctx.report(hit.node, flow=flow, source=source, sink=hit.callee)
            else:
                calls = tuple(sorted(o.name for o in hit.value.origins if o.kind == "call"))
                ctx.report(hit.node, flow=flow, requires=("taint", *calls), source=source, sink=hit.callee)

    def _report_outgoing(self, result: FunctionTaint, ctx: FileContext) -> None:
        """Outside input passed to a function of another module: reported at the call when the
        callee's published summary shows that argument reaching this rule's sink."""
        reported: set[tuple[int, int]] = ctx.state().setdefault("outgoing", set())
        for call, callee, arguments in result.outgoing:
            where = (call.lineno, call.col_offset)
            if where in reported or "." not in callee:
                continue
            tainted = [(i, v) for i, v in sorted(arguments.items())
                       if v.tainted_for(self.sink) and not spec.handled_safely(callee, i, self.sink)]
            if not tainted:
                continue
            reported.add(where)
            # Arguments tainted at once (request data) are checked against the callee first; an
            # argument tainted only by another call's result needs that call confirmed as well.
            direct = [(i, v) for i, v in tainted if v.kind == "request" or any(o.kind == "source" for o in v.origins)]
            chosen = sorted(direct or tainted, key=lambda item: (not reported_source(item[1]), item[0]))
            value = chosen[0][1]
            step = FlowStep(ctx.location(call, "").location, f"passed to `{callee}`, which uses it unchecked")
            flow = (*_flow(ctx, value.steps), step)
            requires: tuple[str, ...] = ("sink", callee, ",".join(str(i) for i in sorted(i for i, _ in chosen)))
            if not direct:
                requires += tuple(sorted({o.name for _, v in tainted for o in v.origins if o.kind == "call"}))
            ctx.report(call, flow=flow, requires=requires, source=_source_name(value), sink=callee)

    def _report_entry_point(self, hit: SinkHit, ctx: FileContext,
                            function: ast.FunctionDef | ast.AsyncFunctionDef | None, reported: set[tuple[int, int]]) -> None:
        """A parameter reaching the sink, reported with medium confidence when ``_entry_parameter``
        takes it for outside input."""
        entry = None if function is None else self._entry_parameter(hit, ctx, function)
        if entry is None:
            return
        where = (getattr(hit.node, "lineno", 0), getattr(hit.node, "col_offset", 0))
        if where in reported:
            return
        reported.add(where)
        origin = entry.origin
        step = FlowStep(Location(ctx.path, origin.line, origin.column, origin.line, origin.column + len(origin.name)),
                        entry.step)
        ctx.report(hit.node, flow=(step, *_flow(ctx, hit.value.steps)), confidence=Confidence.MEDIUM,
                   requires=entry.requires, source=entry.source, sink=hit.callee)

    def _entry_parameter(self, hit: SinkHit, ctx: FileContext,
                         function: ast.FunctionDef | ast.AsyncFunctionDef) -> EntryParameter | None:
        """A parameter of a public module-level function reaching an interpreter sink, kept once
        the project phase shows nothing in the project calls it, so its arguments come from outside."""
        params = sorted((o for o in hit.value.origins if o.kind == "param"), key=lambda o: o.index)
        hint = spec.PARAMETER_SINKS.get(self.sink)
        if (not params or hint is None or not re.search(hint, hit.value.text)
                or function.name.startswith("_") or ctx.scopes.qualname):
            return None
        origin = params[0]
        return EntryParameter(origin, f"parameter `{origin.name}` of `{function.name}`, called from outside the project",
                              f"parameter `{origin.name}` of the entry point `{function.name}`",
                              ("entry", f"{ctx.module}.{function.name}"))

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        if query[0] == "entry":
            return not index.callers.get(query[1])
        if query[0] == "sink":
            callee, positions = query[1], _marks(query[2])
            if not any(_passes_to_sink(index, callee, position, self.sink) for position in positions):
                return False
            return len(query) == 3 or any(_call_returns_taint(index, name, self.sink) for name in query[3:])
        return any(_call_returns_taint(index, name, self.sink) for name in query[1:])


def _passes_to_sink(index: ProjectIndex, callee: str, position: int, sink: str) -> bool:
    function = index.function(callee)
    if function is None:
        return False
    summary = index.fact(FACT, function.qualname) or {}
    return any(param == position and kind == sink for param, kind, _ in summary.get("sinks", ()))


def _marks(text: str, sink: str | None = None, requests: bool = True) -> set[int]:
    """Argument positions listed in ``text`` (``0!,2~xss+sql``: 0 is the request object itself, 2
    was sanitised for XSS and SQL): those whose taint reaches ``sink`` when one is given, and
    without the request objects unless ``requests``."""
    found = set()
    for mark in text.split(","):
        head, _, clean = mark.strip().partition("~")
        position = head.rstrip("!")
        if position.isdigit() and (sink is None or sink not in clean.split("+")) and (requests or head == position):
            found.add(int(position))
    return found


def _call_returns_taint(index: ProjectIndex, name: str, sink: str, depth: int = 0) -> bool:
    """Whether the call described by a ``call`` origin returns tainted data, given its callee's summary."""
    parts = name.split("|")
    qualname = parts[0]
    args_text = parts[1] if len(parts) > 1 else ""
    self_text = parts[2][5:] if len(parts) > 2 and parts[2].startswith("self:") else ""
    args, self_marks = _marks(args_text, sink), _marks(self_text, sink)
    is_method = len(parts) > 2
    function = index.function(qualname)
    if function is None:
        # A library: its result carries the taint of the data it is given. Given the request object
        # itself, it reads what it needs and the framework validates it (get_current_site(request)).
        return bool(_marks(args_text, sink, requests=False) or _marks(self_text, sink, requests=False))
    summary = index.fact(FACT, function.qualname) or {}
    if sink in summary.get("clean", ()):
        return False
    init = (index.fact(FACT, qualname.rsplit(".", 1)[0] + ".__init__") or {}) if is_method else {}
    offset = 1 if is_method else 0
    for dep in summary.get("returns", ()):
        kind, _, detail = dep.partition(":")
        if kind == "source":
            return True
        if kind == "param" and detail.isdigit() and int(detail) - offset in args:
            return True
        if kind == "self":
            for origin in init.get("self", {}).get(detail, ()):
                okind, _, odetail = origin.partition(":")
                if okind == "source" or (okind == "param" and odetail.isdigit() and int(odetail) - 1 in self_marks):
                    return True
        if kind == "call" and depth < 3 and _call_returns_taint(index, detail, sink, depth + 1):
            return True
    return False

