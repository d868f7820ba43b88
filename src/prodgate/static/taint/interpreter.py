"""Flow-sensitive abstract interpretation of one function body for taint.

Statements are executed in order over an environment of abstract ``Value``s; branches whose
condition folds to a constant are taken alone, other branches are joined; loops run twice.
Containers keep their known elements, so ``lst.append(safe); lst.append(param); lst.pop(0)``
and dict/configparser look-ups by constant key resolve exactly. Calls to functions of the same
module use their summaries; calls into other project modules leave a ``call`` origin that the
project phase confirms against the callee's summary. Nothing is ever executed.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from prodgate.static.context import FileContext
from prodgate.static.taint import spec
from prodgate.static.taint.values import (
    CLEAN,
    MAX_ITEMS,
    UNKNOWN,
    Origin,
    Step,
    Value,
    collapse,
    combine,
    constant,
    container,
    container_like,
    join,
)

Env = dict[str, Value]
MAX_DEPTH = 3
MAX_STATEMENTS = 4000
REQUEST_PREFIXES = tuple(f"{name}." for name in spec.REQUEST_OBJECTS)
ROUTE_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>"
                            r"|\{(?P<starlette_name>\w+)(?::(?P<starlette_converter>\w+))?\}")
FIXED_HOST = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/{}]+/|/(?!/)|\./)")
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
STRING_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold", "replace", "format",
    "join", "encode", "decode", "removeprefix", "removesuffix", "zfill", "center", "ljust", "rjust",
    "expandtabs", "swapcase", "translate", "format_map",
})


class _Stop(Exception):
    """The function is too large to interpret; its result is unknown (and clean)."""


@dataclass(slots=True)
class SinkHit:
    kind: str
    node: ast.AST
    value: Value
    callee: str


@dataclass(slots=True)
class FunctionTaint:
    returned: Value = CLEAN
    hits: list[SinkHit] = field(default_factory=list)
    self_attrs: dict[str, Value] = field(default_factory=dict)
    # Calls into other modules that pass outside input: (call, callee, {argument index: value}).
    outgoing: list[tuple[ast.Call, str, dict[int, Value]]] = field(default_factory=list)


def _step(ctx: FileContext, node: ast.AST, label: str = "") -> Step:
    line = getattr(node, "lineno", 1)
    end_line = getattr(node, "end_lineno", line) or line
    text = label or " ".join(ctx.line(line).split())[:120]
    return Step(line, ctx.column(line, getattr(node, "col_offset", 0)), end_line,
                ctx.column(end_line, getattr(node, "end_col_offset", 0) or 0), text)


def _static_route(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The path of a route without variable parts (then ``request.path`` is that constant)."""
    paths = set()
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and decorator.args and isinstance(decorator.args[0], ast.Constant):
            rule = decorator.args[0].value
            if isinstance(rule, str) and rule.startswith("/"):
                paths.add(rule)
    if len(paths) == 1:
        path = paths.pop()
        if "<" not in path and "{" not in path:
            return path
    return None


def _typed_route_parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters every route of the handler converts to a number or a UUID (``<int:id>``, ``{id:int}``)."""
    typed: set[str] = set()
    untyped: set[str] = set()
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and decorator.args and isinstance(decorator.args[0], ast.Constant) \
                and isinstance(decorator.args[0].value, str):
            for match in ROUTE_VARIABLE.finditer(decorator.args[0].value):
                converter = match["converter"] or match["starlette_converter"] or ""
                name = match["name"] or match["starlette_name"]
                (typed if converter in spec.TYPED_CONVERTERS else untyped).add(name)
    return typed - untyped


def _is_route(decorators: list[str]) -> bool:
    return any(d.rsplit(".", 1)[-1] in spec.ROUTE_DECORATORS and "." in d for d in decorators)


def _returns_json(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """Every route decorator of the handler belongs to FastAPI and keeps the JSON response class.

    A receiver the file does not construct as a FastAPI app or router (one imported from another
    module, a project's own ``APIRouter`` subclass) counts as FastAPI's when the module imports
    FastAPI and no framework that sends returned text as HTML, or when the decorator names the
    ``response_model`` the return value is validated and serialised with."""
    routes = [d for d in node.decorator_list if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
              and d.func.attr in spec.ROUTE_DECORATORS]
    roots = ctx.imported_roots
    fastapi_module = "fastapi" in roots and not roots & spec.TEXT_ROUTING_FRAMEWORKS
    for decorator in routes:
        assert isinstance(decorator.func, ast.Attribute)
        if (not fastapi_module and ctx.keyword(decorator, "response_model") is None
                and ctx.constructor_name(decorator.func.value) not in spec.JSON_ROUTERS):
            return False
        response_class = ctx.keyword(decorator, "response_class")
        if response_class is not None and ctx.qualname(response_class.value) not in spec.JSON_RESPONSE_CLASSES:
            return False
    return bool(routes)


class Interpreter:
    """Interprets one function (or a module body) once; summaries of callees are shared via ``cache``."""

    def __init__(self, ctx: FileContext, function: ast.AST, cache: dict[int, FunctionTaint], depth: int = 0):
        self.ctx = ctx
        self.function = function
        self.cache = cache
        self.depth = depth
        self.result = FunctionTaint()
        self.budget = MAX_STATEMENTS
        self.is_route = False
        self.returns_json = False
        self.route_path: str | None = None
        self._is_method = False
        self.exits: list[tuple[list[Env], list[Env]]] = []  # per enclosing loop: (break, continue) envs
        self.derived: dict[str, str] = {}  # `url = urlparse(bar)`: checks on url.netloc validate bar

    # -- entry -------------------------------------------------------------------------------

    def run(self) -> FunctionTaint:
        env: Env = {}
        node = self.function
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            env = self._parameters(node)
            body = node.body
        else:
            body = getattr(node, "body", [])
        try:
            end = self._block(body, env)
        except (_Stop, RecursionError):
            return FunctionTaint()
        if end is not None:
            self.result.self_attrs.update({k[5:]: v for k, v in end.items() if k.startswith("self.")})
        return self.result

    def _parameters(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Env:
        decorators = self.ctx.decorators(node)
        self.is_route = _is_route(decorators)
        self.route_path = _static_route(node) if self.is_route else None
        self.returns_json = self.is_route and _returns_json(node, self.ctx)
        is_task = any(d.endswith(spec.TASK_DECORATORS) for d in decorators)
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        is_lambda = node.name in spec.LAMBDA_HANDLER_NAMES and len(args) == 2 and args[0].arg == "event"
        is_view = bool(args) and args[0].arg == "request" and self.ctx.enclosing(ast.ClassDef) is None
        self._is_method = bool(args) and args[0].arg == "self"
        env: Env = {}
        typed = _typed_route_parameters(node) if self.is_route else set()
        defaults = dict(zip(reversed([*node.args.posonlyargs, *node.args.args]), reversed(node.args.defaults)))
        defaults.update((a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None)
        for index, arg in enumerate(args):
            origin = Origin("param", arg.arg, arg.lineno, arg.col_offset + 1, index)
            value = Value(frozenset({origin}))
            converted = arg.arg in typed or self._annotated(arg.annotation, spec.TYPED_ANNOTATIONS, spec.TYPED_ANNOTATIONS)
            if self.is_route and self._injected(arg.annotation, defaults.get(arg)):
                pass  # the application's own object (a database session, the logged-in user)
            elif self._annotated(arg.annotation, spec.REQUEST_TYPES, spec.REQUEST_TYPE_NAMES) or (index == 0 and is_view):
                value = replace(value, kind="request")
            elif not converted and ((self.is_route and arg.arg not in ("self", "cls"))
                                    or (is_task and arg.arg not in ("self", "cls")) or (is_lambda and index == 0)):
                source = Origin("source", f"parameter `{arg.arg}` of handler `{node.name}`", arg.lineno, arg.col_offset + 1)
                value = Value(frozenset({origin, source}), steps=(_step(self.ctx, arg, f"untrusted parameter `{arg.arg}`"),))
                if self.is_route and (arg.annotation is None
                                      or self._annotated(arg.annotation, spec.TEXT_ANNOTATIONS, spec.TEXT_ANNOTATIONS)):
                    value = value.cleaned({"nosql"})  # a path or query parameter: text, unless typed as a body
            env[arg.arg] = value
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                env[extra.arg] = CLEAN
        return env

    def _injected(self, annotation: ast.expr | None, default: ast.expr | None) -> bool:
        """``= Depends(...)``, ``Annotated[T, Depends(...)]``, or a type alias of this module bound to one."""
        if isinstance(default, ast.Call) and self.ctx.qualname(default.func) in spec.INJECTORS:
            return True
        if isinstance(annotation, ast.Name):
            annotation = self.ctx.value_of(annotation)
        if not (isinstance(annotation, ast.Subscript) and self.ctx.qualname(annotation.value) in spec.ANNOTATED
                and isinstance(annotation.slice, ast.Tuple)):
            return False
        return any(isinstance(meta, ast.Call) and self.ctx.qualname(meta.func) in spec.INJECTORS
                   for meta in annotation.slice.elts[1:])

    def _annotated(self, annotation: ast.expr | None, qualnames: frozenset[str], names: frozenset[str]) -> bool:
        """The annotation names one of ``qualnames`` through the imports, or, unresolved, ends in one of ``names``."""
        if annotation is None:
            return False
        if (isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr)
                and isinstance(annotation.right, ast.Constant) and annotation.right.value is None):
            annotation = annotation.left  # ``UUID4 | None``: absent, or of the type
        qualname = self.ctx.qualname(annotation)
        if qualname is not None:
            return qualname in qualnames
        return ast.unparse(annotation).strip("'\"").rsplit(".", 1)[-1] in names

    # -- statements --------------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], env: Env | None) -> Env | None:
        for statement in body:
            if env is None:
                return None
            self.budget -= 1
            if self.budget < 0:
                raise _Stop
            env = self._statement(statement, env)
        return env

    def _statement(self, node: ast.stmt, env: Env) -> Env | None:
        method = getattr(self, f"_stmt_{node.__class__.__name__}", None)
        if method is not None:
            return method(node, env)  # type: ignore[no-any-return,unused-ignore]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            env = dict(env)
            env.pop(node.name, None)
            return env
        return env

    def _stmt_Expr(self, node: ast.Expr, env: Env) -> Env:
        env = dict(env)
        self._expr(node.value, env)
        return env

    def _stmt_Assign(self, node: ast.Assign, env: Env) -> Env:
        env = dict(env)
        value = self._expr(node.value, env).with_step(_step(self.ctx, node))
        for target in node.targets:
            self._assign(target, value, env)
        call = node.value
        if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(call, ast.Call)
                and len(call.args) == 1 and isinstance(call.args[0], ast.Name)
                and self._qualname(call.func, env) in spec.PARSERS):
            self.derived[node.targets[0].id] = call.args[0].id
        return env

    def _stmt_AnnAssign(self, node: ast.AnnAssign, env: Env) -> Env:
        env = dict(env)
        if node.value is not None:
            self._assign(node.target, self._expr(node.value, env).with_step(_step(self.ctx, node)), env)
        return env

    def _stmt_AugAssign(self, node: ast.AugAssign, env: Env) -> Env:
        env = dict(env)
        fake = ast.BinOp(left=_as_load(node.target), op=node.op, right=node.value)
        ast.copy_location(fake, node)
        self._assign(node.target, self._expr(fake, env).with_step(_step(self.ctx, node)), env)
        return env

    def _stmt_Return(self, node: ast.Return, env: Env) -> None:
        value = CLEAN if node.value is None else self._expr(node.value, env)
        body = _body(value)
        if (self.is_route and not self.returns_json and body.tainted_for("xss") and _is_text(body)
                and not _is_json(node.value, body)):
            self._hit("xss", node, body, "response body")
        self.result.returned = join(self.result.returned, value) if self.result.returned is not CLEAN else value
        return None

    def _stmt_Raise(self, node: ast.Raise, env: Env) -> None:
        if node.exc is not None:
            self._expr(node.exc, env)
        return None

    def _stmt_If(self, node: ast.If, env: Env) -> Env | None:
        test = self._expr(node.test, env)
        truth = _truth(test)
        if truth is True:
            return self._block(node.body, dict(env))
        if truth is False:
            return self._block(node.orelse, dict(env))
        when_true, when_false = self._guards(node.test)
        body_env = dict(env)
        else_env = dict(env)
        self._apply_guards(body_env, when_true)
        self._apply_guards(else_env, when_false)
        after_body = self._block(node.body, body_env)
        after_else = self._block(node.orelse, else_env)
        return _join_envs(after_body, after_else)

    def _stmt_While(self, node: ast.While, env: Env) -> Env | None:
        if _truth(self._expr(node.test, env)) is False:
            return self._block(node.orelse, dict(env))
        return self._loop(node.body, node.orelse, env, None)

    def _stmt_For(self, node: ast.For | ast.AsyncFor, env: Env) -> Env | None:
        element = self._elements(node.iter, self._expr(node.iter, env))
        return self._loop(node.body, node.orelse, env, (node.target, element))

    _stmt_AsyncFor = _stmt_For

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt], env: Env,
              binding: tuple[ast.expr, Value] | None) -> Env | None:
        """Run the body twice (enough for values to flow around once), joining every exit:
        falling out of the body, ``continue`` and ``break``."""
        current: Env | None = dict(env)
        merged: Env | None = dict(env)
        breaks: list[Env] = []
        self.exits.append((breaks, []))
        try:
            for _ in range(2):
                if current is None:
                    break
                current = dict(current)
                if binding is not None:
                    self._assign(binding[0], binding[1], current)
                current = self._block(body, current)
                for continued in self.exits[-1][1]:
                    current = _join_envs(current, continued) if current is not None else dict(continued)
                self.exits[-1][1].clear()
                merged = _join_envs(merged, current)
        finally:
            self.exits.pop()
        if orelse and merged is not None:
            merged = self._block(orelse, merged)
        for broken in breaks:
            merged = _join_envs(merged, broken) if merged is not None else dict(broken)
        return merged

    def _stmt_Break(self, node: ast.Break, env: Env) -> None:
        if self.exits:
            self.exits[-1][0].append(env)
        return None

    def _stmt_Continue(self, node: ast.Continue, env: Env) -> None:
        if self.exits:
            self.exits[-1][1].append(env)
        return None

    def _stmt_With(self, node: ast.With | ast.AsyncWith, env: Env) -> Env | None:
        env = dict(env)
        for item in node.items:
            value = self._expr(item.context_expr, env)
            if item.optional_vars is not None:
                self._assign(item.optional_vars, value, env)
        return self._block(node.body, env)

    _stmt_AsyncWith = _stmt_With

    def _stmt_Try(self, node: ast.Try, env: Env) -> Env | None:
        start = dict(env)
        after_body = self._block(node.body, dict(env))
        ends = [self._block(node.orelse, after_body) if after_body is not None else None]
        handler_start = _join_envs(start, after_body) or start
        for handler in node.handlers:
            handler_env = dict(handler_start)
            if handler.name:
                handler_env[handler.name] = CLEAN
            ends.append(self._block(handler.body, handler_env))
        merged: Env | None = None
        for end in ends:
            merged = _join_envs(merged, end) if merged is not None else end
        if node.finalbody:
            return self._block(node.finalbody, merged if merged is not None else dict(start)) if merged is not None else None
        return merged

    _stmt_TryStar = _stmt_Try

    def _stmt_Match(self, node: ast.Match, env: Env) -> Env | None:
        subject = self._expr(node.subject, env)
        merged: Env | None = None
        for case in node.cases:
            matched = _pattern_matches(case.pattern, subject.const) if subject.const is not UNKNOWN else None
            if matched is False:
                continue
            case_env = dict(env)
            for name in _pattern_names(case.pattern):
                case_env[name] = subject
            end = self._block(case.body, case_env)
            merged = end if merged is None else _join_envs(merged, end)
            if matched is True and case.guard is None:
                return merged
        return _join_envs(merged, env) if merged is not None else dict(env)

    def _stmt_Import(self, node: ast.Import | ast.ImportFrom, env: Env) -> Env:
        from prodgate.static.names import import_bindings

        env = dict(env)
        for name, binding in import_bindings(node, self.ctx.module, self.ctx.is_package):
            env[name] = Value(kind=f"module:{binding.qualname}")
        return env

    _stmt_ImportFrom = _stmt_Import

    def _stmt_Delete(self, node: ast.Delete, env: Env) -> Env:
        env = dict(env)
        for target in node.targets:
            if isinstance(target, ast.Name):
                env.pop(target.id, None)
        return env

    # -- assignment --------------------------------------------------------------------------

    def _assign(self, target: ast.expr, value: Value, env: Env) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            elements = value.items if value.items is not None and len(value.items) == len(target.elts) else None
            for index, element in enumerate(target.elts):
                if isinstance(element, ast.Starred):
                    self._assign(element.value, collapse(value), env)
                else:
                    self._assign(element, elements[index] if elements else collapse(value), env)
        elif isinstance(target, ast.Attribute):
            path = _path(target)
            if path:
                env[path] = value
            self._check_store(target, value)
        elif isinstance(target, ast.Subscript):
            self._store_item(target, value, env)

    def _store_item(self, target: ast.Subscript, value: Value, env: Env) -> None:
        self._check_store(target, value, env)
        path = _path(target.value)
        if not path or path not in env:
            return
        container = env[path]
        key = self._expr(target.slice, env)
        if container.entries is not None and key.const is not UNKNOWN and len(container.entries) < MAX_ITEMS:
            entries = dict(container.entries)
            entries[key.const] = value
            env[path] = container_like(container, entries=tuple(entries.items()))
        elif container.items is not None and isinstance(key.const, int) and -len(container.items) <= key.const < len(container.items):
            items = list(container.items)
            items[key.const] = value
            env[path] = container_like(container, items=tuple(items))
        else:
            env[path] = combine([container, value], kind=container.kind)

    def _check_store(self, target: ast.Attribute | ast.Subscript, value: Value, env: Env | None = None) -> None:
        """Stores that are sinks: session entries (trust boundary) and response headers (CRLF).
        For a session, an untrusted key is as bad as an untrusted value."""
        base = target.value if isinstance(target, ast.Subscript) else None
        if base is None:
            return
        if env is not None and isinstance(target, ast.Subscript):
            key = self._expr(target.slice, env)
            if key.tainted and not value.tainted:
                value = key
        if not value.tainted:
            return
        text = ast.unparse(base).lower()
        last = text.rsplit(".", 1)[-1]
        if any(last.endswith(name) for name in spec.SESSION_NAMES) and value.tainted_for("trust-boundary"):
            self._hit("trust-boundary", target, value, "session")
        elif any(last == name for name in spec.HEADER_TARGETS) and value.tainted_for("header"):
            self._hit("header", target, value, "response header")

    # -- expressions -------------------------------------------------------------------------

    def _expr(self, node: ast.expr, env: Env) -> Value:
        method = getattr(self, f"_expr_{node.__class__.__name__}", None)
        if method is None:
            return combine(self._expr(child, env) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
        return method(node, env)  # type: ignore[no-any-return,unused-ignore]

    def _expr_Constant(self, node: ast.Constant, env: Env) -> Value:
        return constant(node.value)

    def _expr_Name(self, node: ast.Name, env: Env) -> Value:
        if node.id in env:
            return env[node.id]
        qualname = self.ctx.qualname(node)
        named = self._named_input(node, qualname)
        if named is not None:
            return named
        if qualname:
            return Value(kind=f"module:{qualname}")
        return CLEAN

    def _named_input(self, node: ast.expr, qualname: str | None) -> Value | None:
        """The input a module-level name or attribute chain is (``flask.request``, ``sys.argv``,
        ``os.environ``), or None."""
        if qualname in spec.REQUEST_OBJECTS:
            return Value(kind="request")
        if qualname in spec.SOURCE_NAMES:
            return self._source(node, spec.SOURCE_NAMES[qualname], local=True)
        if qualname in spec.ENVIRONMENT_NAMES:
            return self._source(node, spec.ENVIRONMENT_SOURCE)
        return None

    def _qualname(self, node: ast.expr, env: Env) -> str | None:
        """The qualified name of a module-level name or attribute chain (None for values,
        including framework request objects, whose attributes are data)."""
        found = self._qualname_of(node, env)
        if found and found.startswith(REQUEST_PREFIXES):
            return None
        return found

    def _qualname_of(self, node: ast.expr, env: Env) -> str | None:
        if isinstance(node, ast.Name):
            value = env.get(node.id)
            if value is not None:
                return value.kind[7:] if value.kind.startswith("module:") else None
            return self.ctx.qualname(node)
        if isinstance(node, ast.Attribute):
            base = self._qualname_of(node.value, env)
            return f"{base}.{node.attr}" if base else None
        return None

    def _source(self, node: ast.AST, name: str, local: bool = False) -> Value:
        """A value read from outside. ``local`` input (command line, stdin) comes from whoever runs
        the program, so it only matters for the sinks in ``spec.LOCAL_INPUT_SINKS``; other
        limited sources (``spec.LIMITED_SOURCES``) matter for theirs."""
        line = getattr(node, "lineno", 1)
        origin = Origin("source", name, line, self.ctx.column(line, getattr(node, "col_offset", 0)))
        value = Value(frozenset({origin}), steps=(_step(self.ctx, node, f"untrusted input: {name}"),))
        sinks = spec.LOCAL_INPUT_SINKS if local else spec.LIMITED_SOURCES.get(name, spec.ALL_SINKS)
        return value.cleaned(spec.ALL_SINKS - sinks)

    def _payload(self, node: ast.AST, value: Value, member: str, called: bool) -> Value | None:
        """What reading ``member`` of an object from another system gives (``spec.PAYLOAD_SOURCES``):
        its untrusted data, another such object (``Session().get(...)``), or None."""
        if not value.kind.startswith("object:"):
            return None
        factory = value.kind[7:]
        for source in spec.PAYLOAD_SOURCES:
            if factory in source.factories and member in (source.methods if called else source.attributes):
                return self._source(node, source.name)
        made = f"{factory}.{member}"
        return Value(kind=f"object:{made}") if called and made in spec.PAYLOAD_FACTORIES else None

    def _elements(self, node: ast.expr, iterated: Value) -> Value:
        """An element of ``iterated``: the payload of a consumer iterated for its messages."""
        if iterated.kind.startswith("object:"):
            for source in spec.PAYLOAD_SOURCES:
                if source.iterable and iterated.kind[7:] in source.factories:
                    return self._source(node, source.name)
        return collapse(iterated)

    def _expr_Attribute(self, node: ast.Attribute, env: Env) -> Value:
        qualname = self._qualname(node, env)
        named = self._named_input(node, qualname)
        if named is not None:
            return named
        path = _path(node)
        if path and path in env:
            return env[path]
        if isinstance(node.value, ast.Name) and node.value.id == "self" and self._is_method:
            return Value(frozenset({Origin("self", node.attr, node.lineno, node.col_offset + 1)}))
        base = self._expr(node.value, env)
        payload = self._payload(node, base, node.attr, called=False)
        if payload is not None:
            return payload
        if base.kind == "request":
            if node.attr in spec.REQUEST_SAFE_ATTRIBUTES:
                return CLEAN
            if node.attr == "path" and self.route_path is not None:
                return constant(self.route_path)
            source = self._source(node, f"request.{node.attr}")
            return source.cleaned({"nosql"}) if node.attr in spec.TEXT_REQUEST_ATTRIBUTES else source
        if qualname:
            return Value(kind=f"module:{qualname}")
        found = base.attr(node.attr)
        if found is not None:
            return found
        if base.tainted:
            return combine([base])
        return CLEAN

    def _expr_Subscript(self, node: ast.Subscript, env: Env) -> Value:
        base = self._expr(node.value, env)
        key = self._expr(node.slice, env)
        if base.kind == "request":
            return self._source(node, f"request[{ast.unparse(node.slice)}]")
        if isinstance(node.slice, ast.Slice):
            if isinstance(base.const, (str, bytes, tuple)):
                lower, upper, step = (self._expr(p, env).const if p is not None else None
                                      for p in (node.slice.lower, node.slice.upper, node.slice.step))
                if all(v is None or isinstance(v, int) for v in (lower, upper, step)):
                    return constant(base.const[slice(lower, upper, step)])  # type: ignore[arg-type]
            return combine([base])
        if key.const is not UNKNOWN:
            found = base.lookup(key.const)
            if found is not None:
                return found
            if base.items is not None and isinstance(key.const, int) and -len(base.items) <= key.const < len(base.items):
                return base.items[key.const]
            if isinstance(base.const, (str, bytes, tuple, list, dict)):
                container_value: Any = base.const
                try:
                    return constant(container_value[key.const])
                except (IndexError, KeyError, TypeError):
                    return CLEAN
        return collapse(base)

    def _expr_JoinedStr(self, node: ast.JoinedStr, env: Env) -> Value:
        parts = [self._expr(v.value if isinstance(v, ast.FormattedValue) else v, env) for v in node.values]
        return self._concat(parts)

    def _concat(self, parts: list[Value]) -> Value:
        if all(p.const is not UNKNOWN for p in parts) and all(isinstance(p.const, str) for p in parts):
            return constant("".join(str(p.const) for p in parts))
        prefix = ""
        for part in parts:
            if part.tainted:
                break
            prefix += part.text if part.const is UNKNOWN else str(part.const)
        result = combine(parts, text="".join(p.text if p.const is UNKNOWN else str(p.const) for p in parts))
        if result.tainted and FIXED_HOST.match(prefix):
            result = result.cleaned({"ssrf", "redirect"})
        return result.cleaned({"nosql"})  # text cannot carry a query operator object

    def _expr_FormattedValue(self, node: ast.FormattedValue, env: Env) -> Value:
        return self._expr(node.value, env)

    def _expr_BinOp(self, node: ast.BinOp, env: Env) -> Value:
        left, right = self._expr(node.left, env), self._expr(node.right, env)
        folder = _BINOPS.get(type(node.op))
        if folder and left.const is not UNKNOWN and right.const is not UNKNOWN:
            try:
                folded = folder(left.const, right.const)
            except Exception:
                folded = UNKNOWN
            if isinstance(folded, (str, int, float, bytes)) and (not isinstance(folded, (str, bytes)) or len(folded) < 10_000):
                return constant(folded)
        if isinstance(node.op, ast.Add) and left.items is not None and right.items is not None:
            return Value(items=(left.items + right.items)[:MAX_ITEMS])
        if isinstance(node.op, (ast.Add, ast.Mod)):
            return self._concat([left, right])
        if isinstance(node.op, ast.Div) and (left.kind == "path" or left.kind.startswith("module:pathlib")):
            return combine([left, right], kind="path")
        if _is_number(left) and _is_number(right):
            return CLEAN
        return combine([left, right])

    def _expr_UnaryOp(self, node: ast.UnaryOp, env: Env) -> Value:
        operand = self._expr(node.operand, env)
        if isinstance(node.op, ast.Not):
            truth = _truth(operand)
            return constant(not truth) if truth is not None else CLEAN
        if isinstance(node.op, ast.USub) and isinstance(operand.const, (int, float)):
            return constant(-operand.const)
        return CLEAN if not operand.tainted else combine([operand])

    def _expr_BoolOp(self, node: ast.BoolOp, env: Env) -> Value:
        values = [self._expr(v, env) for v in node.values]
        truths = [_truth(v) for v in values]
        is_and = isinstance(node.op, ast.And)
        for value, truth in zip(values, truths):
            if truth is None:
                break
            if truth is (not is_and):
                return value
        else:
            return values[-1]
        return combine(values)

    def _expr_Compare(self, node: ast.Compare, env: Env) -> Value:
        left = self._expr(node.left, env)
        comparators = [self._expr(c, env) for c in node.comparators]
        result: object = True
        current = left
        for op, right in zip(node.ops, comparators):
            folder = _COMPARE.get(type(op))
            if folder is None or current.const is UNKNOWN or right.const is UNKNOWN:
                return CLEAN
            try:
                result = result and folder(current.const, right.const)
            except Exception:
                return CLEAN
            current = right
        return constant(bool(result))

    def _expr_IfExp(self, node: ast.IfExp, env: Env) -> Value:
        truth = _truth(self._expr(node.test, env))
        if truth is True:
            return self._expr(node.body, env)
        if truth is False:
            return self._expr(node.orelse, env)
        return join(self._expr(node.body, env), self._expr(node.orelse, env))

    def _expr_List(self, node: ast.List | ast.Tuple | ast.Set, env: Env) -> Value:
        items = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                return combine(self._expr(e, env) for e in node.elts)
            items.append(self._expr(element, env))
        consts = [i.const for i in items]
        if isinstance(node, ast.Tuple) and all(c is not UNKNOWN for c in consts):
            return Value(const=tuple(consts), items=tuple(items))
        return container(items=tuple(items[:MAX_ITEMS]))

    _expr_Tuple = _expr_List
    _expr_Set = _expr_List

    def _expr_Dict(self, node: ast.Dict, env: Env) -> Value:
        entries: list[tuple[object, Value]] | None = []
        parts = []
        for key, value in zip(node.keys, node.values):
            evaluated = self._expr(value, env)
            parts.append(evaluated)
            key_value = self._expr(key, env) if key is not None else CLEAN
            if key is None or key_value.const is UNKNOWN or not isinstance(key_value.const, (str, int, bytes, tuple)):
                entries = None
                # A key taken from input can name a query operator (`$where`, `$ne`), whatever its type.
                parts.append(replace(key_value, clean_for=key_value.clean_for - {"nosql"}))
            elif entries is not None:
                entries.append((key_value.const, evaluated))
        return combine(parts) if entries is None else container(entries=tuple(entries[:MAX_ITEMS]))

    def _expr_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp, env: Env) -> Value:
        inner = self._comprehension(node.generators, env)
        return combine([self._expr(node.elt, inner)])

    def _comprehension(self, generators: list[ast.comprehension], env: Env) -> Env:
        inner = dict(env)
        for generator in generators:
            self._assign(generator.target, self._elements(generator.iter, self._expr(generator.iter, inner)), inner)
            for condition in generator.ifs:
                self._expr(condition, inner)
        return inner

    _expr_SetComp = _expr_ListComp
    _expr_GeneratorExp = _expr_ListComp

    def _expr_DictComp(self, node: ast.DictComp, env: Env) -> Value:
        inner = self._comprehension(node.generators, env)
        return combine([self._expr(node.key, inner), self._expr(node.value, inner)])

    def _expr_Lambda(self, node: ast.Lambda, env: Env) -> Value:
        return CLEAN

    def _expr_Await(self, node: ast.Await, env: Env) -> Value:
        return self._expr(node.value, env)

    def _expr_NamedExpr(self, node: ast.NamedExpr, env: Env) -> Value:
        value = self._expr(node.value, env)
        env[node.target.id] = value
        return value

    def _expr_Starred(self, node: ast.Starred, env: Env) -> Value:
        return collapse(self._expr(node.value, env))

    # -- calls -------------------------------------------------------------------------------

    def _expr_Call(self, node: ast.Call, env: Env) -> Value:
        func = node.func
        qualname = self._qualname(func, env)
        args = [self._expr(a, env) for a in node.args]
        keywords = {k.arg: self._expr(k.value, env) for k in node.keywords}
        receiver = self._expr(func.value, env) if isinstance(func, ast.Attribute) and not qualname else None
        if qualname:
            self._check_call_sinks(node, qualname, args, keywords)
            result = self._known_call(node, qualname, args, keywords, env)
            if result is not None:
                return result
        if isinstance(func, ast.Attribute) and receiver is not None:
            self._check_method_sinks(node, func.attr, receiver, args, keywords)
            mutated = self._mutate(func, receiver, args, env)
            if mutated is not None:
                return mutated
            return self._method_result(node, func.attr, receiver, args, keywords)
        everything = [*args, *keywords.values()]
        return combine(everything) if any(v.tainted for v in everything) else CLEAN

    def _known_call(self, node: ast.Call, qualname: str, args: list[Value], keywords: dict[str | None, Value],
                    env: Env) -> Value | None:
        everything = [*args, *keywords.values()]
        if qualname in spec.SOURCE_CALLS:
            return self._source(node, spec.SOURCE_CALLS[qualname], local=True)
        if qualname in spec.ENVIRONMENT_CALLS:
            return self._source(node, spec.ENVIRONMENT_SOURCE)
        if qualname in spec.CONVERSIONS or qualname in spec.UNTAINTING_CALLS:
            return CLEAN
        if qualname in spec.SANITIZERS:
            return combine(everything).cleaned(spec.SANITIZERS[qualname])
        if qualname in ("str", "repr", "ascii", "format") and args:
            return self._concat(args[:1]) if args[0].const is UNKNOWN else constant(str(args[0].const))
        if qualname in ("list", "tuple", "set", "frozenset", "sorted", "reversed") and args:
            return args[0] if args[0].items is not None else combine(args[:1])
        if qualname == "dict":
            return Value(entries=()) if not everything else combine(everything)
        if qualname in spec.PATH_BUILDERS:
            return combine(everything, kind="path")
        if qualname == "configparser.ConfigParser":
            return Value(entries=())
        if qualname in spec.SUBPROCESS_CALLS:
            return CLEAN
        summary = self._summary_of(qualname, env)
        if summary is not None:
            return self._apply_summary(node, summary, args, keywords)
        return self._project_call(node, qualname, args, keywords)

    def _project_call(self, node: ast.Call, qualname: str, args: list[Value],
                      keywords: dict[str | None, Value]) -> Value:
        """A call resolved to a name outside this module: a library, or another project module.

        Known propagators keep the taint of their arguments. Anything else gets a ``call`` origin
        naming the callee and which arguments were tainted; the project phase confirms it with
        the callee's summary when the callee is project code, and by propagation when it is not.
        """
        everything = [*args, *keywords.values()]
        name = qualname.rsplit(".", 1)[-1].lower()
        for shape, sinks in spec.ESCAPER_NAMES.items():
            if "escape" in name and shape in name:
                return combine(everything).cleaned(sinks)
        if qualname in spec.PROPAGATORS or not any(_untrusted(v) for v in everything):
            result = combine(everything)
            if qualname in spec.OBJECT_PARSERS:
                result = replace(result, clean_for=result.clean_for - {"nosql"})
        else:
            marks = ",".join(_mark(str(i), a) for i, a in enumerate(args) if _untrusted(a))
            self.result.outgoing.append((node, qualname, {i: a for i, a in enumerate(args) if _untrusted(a)}))
            origin = Origin("call", f"{qualname}|{marks}", node.lineno, self.ctx.column(node.lineno, node.col_offset))
            base = combine(everything)
            # A parameter handed over as the whole request object taints the result only through
            # the call's origin, which the project phase judges (a library reads what it needs).
            params = {o for v in everything if not _whole_request(v) for o in v.origins if o.kind == "param"}
            result = replace(base, origins=frozenset({origin}) | params,
                             steps=base.steps or (_step(self.ctx, node, f"result of `{qualname}`"),))
        attrs = (*((f"__arg{i}", a) for i, a in enumerate(args)), *((f"__kw_{k}", v) for k, v in keywords.items() if k))
        return replace(result, kind=f"object:{qualname}", attrs=attrs)

    def _summary_of(self, qualname: str, env: Env) -> FunctionTaint | None:
        """Summary of a function defined in this module (computed once, bounded depth)."""
        if self.depth >= MAX_DEPTH or not qualname.startswith(self.ctx.module + "."):
            return None
        local = qualname[len(self.ctx.module) + 1:]
        binding = self.ctx.binding(local.split(".", 1)[0]) if "." not in local else None
        node = binding.node if binding is not None and binding.kind == "def" else None
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node is self.function:
            return None
        key = id(node)
        if key not in self.cache:
            self.cache[key] = FunctionTaint()  # recursion guard
            self.cache[key] = Interpreter(self.ctx, node, self.cache, self.depth + 1).run()
        return self.cache[key]

    def _apply_summary(self, node: ast.Call, summary: FunctionTaint, args: list[Value],
                       keywords: dict[str | None, Value]) -> Value:
        def actual(origin: Origin) -> Value | None:
            if origin.kind != "param":
                return None
            if 0 <= origin.index < len(args):
                return args[origin.index]
            return keywords.get(origin.name)

        call_step = _step(self.ctx, node)
        for hit in summary.hits:
            for origin in hit.value.origins:
                value = actual(origin)
                if value is not None and value.tainted_for(hit.kind) and hit.kind not in hit.value.clean_for:
                    carried = replace(value, steps=(*value.steps, call_step, *hit.value.steps)[-12:])
                    self.result.hits.append(SinkHit(hit.kind, hit.node, carried, hit.callee))
        returned = summary.returned
        parts = []
        for origin in returned.origins:
            value = actual(origin)
            if value is not None:
                parts.append(value.cleaned(returned.clean_for) if value.tainted else value)
            elif origin.kind == "source":
                parts.append(Value(frozenset({origin}), clean_for=returned.clean_for, steps=returned.steps))
        if not parts:
            return replace(returned, origins=frozenset(), steps=()) if returned.const is not UNKNOWN else CLEAN
        return combine(parts).with_step(call_step)

    def _mutate(self, func: ast.Attribute, receiver: Value, args: list[Value], env: Env) -> Value | None:
        """In-place container methods: update the container held by the receiver's name."""
        path = _path(func.value)
        if not path or path not in env:
            return None
        method = func.attr
        container = env[path]
        if method in ("append", "add") and args:
            if container.items is None:
                env[path] = combine([container, args[0]], kind=container.kind)
            else:
                env[path] = container_like(container, items=(*container.items, args[0])[:MAX_ITEMS])
            return CLEAN
        if method == "insert" and len(args) == 2 and container.items is not None and isinstance(args[0].const, int):
            items = list(container.items)
            items.insert(args[0].const, args[1])
            env[path] = container_like(container, items=tuple(items[:MAX_ITEMS]))
            return CLEAN
        if method == "extend" and args:
            if container.items is not None and args[0].items is not None:
                env[path] = container_like(container, items=(container.items + args[0].items)[:MAX_ITEMS])
            else:
                env[path] = combine([container, collapse(args[0])], kind=container.kind)
            return CLEAN
        if method == "pop" and container.items is not None:
            index = args[0].const if args else -1
            if isinstance(index, int) and -len(container.items) <= index < len(container.items):
                items = list(container.items)
                popped = items.pop(index)
                env[path] = container_like(container, items=tuple(items))
                return popped
        if method == "pop" and container.entries is not None and args and args[0].const is not UNKNOWN:
            entries = dict(container.entries)
            popped_entry = entries.pop(args[0].const, args[1] if len(args) > 1 else CLEAN)
            env[path] = container_like(container, entries=tuple(entries.items()))
            return popped_entry
        if method == "remove" and container.items is not None and args and args[0].const is not UNKNOWN:
            items = list(container.items)
            for index, item in enumerate(items):
                if item.const == args[0].const:
                    del items[index]
                    break
            env[path] = container_like(container, items=tuple(items))
            return CLEAN
        if method in ("update", "setdefault") and container.entries is not None:
            if method == "setdefault" and len(args) == 2 and args[0].const is not UNKNOWN:
                entries = dict(container.entries)
                entries.setdefault(args[0].const, args[1])
                env[path] = container_like(container, entries=tuple(entries.items()))
                return entries[args[0].const]
            if method == "update" and args and args[0].entries is not None:
                env[path] = container_like(container, entries=tuple({**dict(container.entries), **dict(args[0].entries)}.items()))
                return CLEAN
        if method == "set" and len(args) == 3 and container.entries is not None:
            key = (args[0].const, args[1].const)
            if UNKNOWN not in key:
                entries = dict(container.entries)
                entries[key] = args[2]
                env[path] = container_like(container, entries=tuple(entries.items()))
                return CLEAN
        if method in ("add_section", "clear", "sort", "reverse"):
            return CLEAN
        return None

    def _method_result(self, node: ast.Call, method: str, receiver: Value, args: list[Value],
                       keywords: dict[str | None, Value]) -> Value:
        payload = self._payload(node, receiver, method, called=True)
        if payload is not None:
            return payload
        if receiver.kind == "request":
            if method in spec.REQUEST_SAFE_ATTRIBUTES:
                return CLEAN
            return self._source(node, f"request.{method}()")
        converter = keywords.get("type")
        if method == "get" and converter is not None and converter.kind[7:] in spec.CONVERSIONS:
            return CLEAN  # werkzeug's `request.args.get("page", type=int)`
        if method in spec.QUERY_METHODS:
            return combine([receiver, *args[:1]])
        if method == "render" and (receiver.kind[7:] in spec.AUTOESCAPING_TEMPLATES
                                   or any(a.kind[7:] in spec.TEMPLATE_CONTEXTS for a in args)):
            return combine([receiver, *(a.cleaned({"xss"}) for a in [*args, *keywords.values()])])
        if method in ("get", "getint", "getboolean", "getfloat") and len(args) >= 2 and receiver.entries is not None:
            found = receiver.lookup((args[0].const, args[1].const))
            if found is not None:
                return found if method == "get" else CLEAN
        if method == "get" and args and args[0].const is not UNKNOWN and receiver.entries is not None:
            found = receiver.lookup(args[0].const)
            if found is not None:
                return found
            return args[1] if len(args) > 1 else CLEAN
        if method in ("keys", "values", "items", "copy") and receiver.entries is not None:
            return receiver
        if receiver.kind.startswith("object:") and receiver.attrs:
            qualname = receiver.kind[7:]
            marks = ",".join(_mark(k[5:], v) for k, v in receiver.attrs if k.startswith("__arg") and _untrusted(v))
            arg_marks = ",".join(_mark(str(i), a) for i, a in enumerate(args) if _untrusted(a))
            if marks or arg_marks:
                origin = Origin("call", f"{qualname}.{method}|{arg_marks}|self:{marks}", node.lineno,
                                self.ctx.column(node.lineno, node.col_offset))
                tainted_attrs = [v for k, v in receiver.attrs if v.tainted]
                base = combine([*tainted_attrs, *args, *keywords.values()])
                return replace(base, origins=frozenset({origin}),
                               steps=base.steps or (_step(self.ctx, node, f"result of `{qualname}.{method}`"),))
            if qualname in spec.FILE_OPENERS and method in spec.FILE_READS:
                return combine([receiver]).with_step(_step(self.ctx, node))  # the file a parameter names
            return CLEAN
        if method in STRING_METHODS or receiver.kind == "path":
            if receiver.const is not UNKNOWN and all(a.const is not UNKNOWN for a in args) and not keywords:
                try:
                    folded = getattr(receiver.const, method)(*(a.const for a in args))
                except Exception:
                    folded = UNKNOWN
                if isinstance(folded, (str, bytes, int)):
                    return constant(folded)
            parts = [receiver, *args, *keywords.values()]
            if method == "join" and args:
                parts = [receiver, collapse(args[0])]
            result = combine(parts, kind=receiver.kind if receiver.kind == "path" else "")
            if method == "replace" and args and args[0].const in spec.QUOTES and not args[1].possible() & spec.QUOTES:
                result = result.cleaned(spec.QUOTE_SENSITIVE)
            return result
        if method in ("split", "rsplit", "splitlines", "partition", "rpartition"):
            if receiver.const is not UNKNOWN and all(a.const is not UNKNOWN for a in args):
                try:
                    parts = getattr(receiver.const, method)(*(a.const for a in args))
                    return Value(items=tuple(constant(p) for p in parts[:MAX_ITEMS]))
                except Exception:
                    return CLEAN
            return combine([receiver])
        if receiver.tainted:
            return combine([receiver, *args, *keywords.values()], kind=receiver.kind if receiver.kind == "path" else "")
        return combine([*args, *keywords.values()]) if any(a.tainted for a in args) else CLEAN

    # -- sinks -------------------------------------------------------------------------------

    def _hit(self, kind: str, node: ast.AST, value: Value, callee: str) -> None:
        self.result.hits.append(SinkHit(kind, node, value.with_step(_step(self.ctx, node)), callee))

    def _argument(self, sink: spec.Sink, args: list[Value], keywords: dict[str | None, Value]) -> Iterator[Value]:
        for position in sink.args:
            if position < len(args):
                yield args[position]
        for name in sink.keywords:
            if name in keywords:
                yield keywords[name]

    def _check_call_sinks(self, node: ast.Call, qualname: str, args: list[Value], keywords: dict[str | None, Value]) -> None:
        for sink in spec.SINKS_BY_CALLEE.get(qualname, ()):
            for value in self._argument(sink, args, keywords):
                if sink.kind == "xss":
                    value = _body(value)
                if value.tainted_for(sink.kind):
                    self._hit(sink.kind, node, value, qualname)
                    break
        security_use = keywords.get("usedforsecurity", CLEAN).const is not False
        if security_use and qualname in spec.WEAK_HASHES and args and args[0].tainted_for("weak-hash"):
            self._hit("weak-hash", node, args[0], qualname)
        elif (security_use and qualname in spec.HASH_FACTORIES and len(args) > 1 and args[1].tainted_for("weak-hash")
              and args[0].possible() & spec.WEAK_HASH_NAMES):
            self._hit("weak-hash", node, args[1], qualname)
        if qualname in spec.SUBPROCESS_CALLS:
            self._check_subprocess(node, qualname, args, keywords)
        elif qualname in ("yaml.load", "yaml.load_all") and args and args[0].tainted_for("deserialization"):
            loader = keywords.get("Loader") or (args[1] if len(args) > 1 else None)
            loader_name = self._loader_name(node)
            if loader is None or loader_name not in spec.SAFE_YAML_LOADERS:
                self._hit("deserialization", node, args[0], qualname)

    def _loader_name(self, node: ast.Call) -> str | None:
        for keyword in node.keywords:
            if keyword.arg == "Loader":
                return self.ctx.qualname(keyword.value)
        return self.ctx.qualname(node.args[1]) if len(node.args) > 1 else None

    def _check_subprocess(self, node: ast.Call, qualname: str, args: list[Value], keywords: dict[str | None, Value]) -> None:
        command = args[0] if args else keywords.get("args")
        if command is None:
            return
        shell = keywords.get("shell")
        if shell is not None and shell.const is True:
            if command.tainted_for("command"):
                self._hit("command", node, command, qualname)
            return
        items = command.items or ()
        program = items[0].possible() if items else frozenset()
        if program and program <= spec.SHELLS:
            flags = [i for i, item in enumerate(items) if item.const in ("-c", "/c", "/C", "-Command")]
            for item in items[(flags[0] + 1 if flags else 1):]:
                if item.tainted_for("command"):
                    self._hit("command", node, item, qualname)
                    return

    def _check_method_sinks(self, node: ast.Call, method: str, receiver: Value, args: list[Value],
                            keywords: dict[str | None, Value]) -> None:
        if method == "update" and args and args[0].tainted_for("weak-hash") and _weak_hash(receiver):
            self._hit("weak-hash", node, args[0], receiver.kind[7:])
            return
        if receiver.kind == "path" and receiver.tainted_for("path") and method in (
                "open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "mkdir",
                "touch", "iterdir", "rename", "replace", "glob", "rglob", "exists", "is_file", "is_dir", "stat"):
            self._hit("path", node, receiver, f"Path.{method}")
            return
        expression = next((keywords[k] for k in spec.DYNAMODB_EXPRESSIONS if k in keywords and keywords[k].tainted_for("code")), None)
        if expression is not None:
            self._hit("nosql", node, expression, f".{method}")
            return
        if method in spec.NOSQL_QUERIES and self.ctx.imported_roots & spec.MONGO_MODULES:
            position, names = spec.NOSQL_QUERIES[method]
            query = args[position] if position < len(args) else next((keywords[k] for k in names if k in keywords), CLEAN)
            injected = _query_injection(query)
            if injected is not None:
                self._hit("nosql", node, injected, f".{method}")
                return
        for sink in spec.SINKS_BY_METHOD.get(method, ()):
            for value in self._argument(sink, args, keywords):
                if value.tainted_for(sink.kind) and (sink.hint is None or re.search(sink.hint, value.text)):
                    self._hit(sink.kind, node, value, f".{method}")
                    return

    # -- guards ------------------------------------------------------------------------------

    def _guards(self, test: ast.expr) -> tuple[Facts, Facts]:
        """Checks known to hold on each branch of ``test``: name -> names of the checks."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            when_true, when_false = self._guards(test.operand)
            return when_false, when_true
        if isinstance(test, ast.BoolOp):
            parts = [self._guards(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return _merge_facts(p[0] for p in parts), _either(
                    [_with_falsy(p[1], operand) for operand, p in zip(test.values, parts)])
            return _either([_with_falsy(p[0], operand, truthy=True) for operand, p in zip(test.values, parts)]), \
                _merge_facts(p[1] for p in parts)
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.NotIn, ast.NotEq)):
            negative = self._membership(test)
            if negative is not None and negative[1].startswith("contains:"):
                return {negative[0]: {"without:" + negative[1][9:]}}, {}
            return {}, ({negative[0]: {negative[1]}} if negative else {})
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In):
            quoted = self._membership(test)
            if quoted is not None and quoted[1].startswith("contains:"):
                return {}, {quoted[0]: {"without:" + quoted[1][9:]}}
        check = self._check(test)
        return ({check[0]: {check[1]}} if check else {}), {}

    def _check(self, test: ast.expr) -> tuple[str, str] | None:
        """``(variable, check)`` when ``test`` is a validating check of one variable."""
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.Eq)):
            found = self._membership(test)
            return None if found is not None and found[1].startswith("contains:") else found
        return self._call_check(test)

    def _membership(self, test: ast.Compare) -> tuple[str, str] | None:
        if isinstance(test.left, ast.Constant) and test.left.value in spec.DANGEROUS_TOKENS:
            name = _guarded_name(test.comparators[0])
            return (name, f"contains:{test.left.value}") if name else None
        name = _guarded_name(test.left)
        if name and isinstance(test.comparators[0], (ast.Name, ast.Attribute, ast.List, ast.Tuple, ast.Set, ast.Constant)):
            base = name.split(".", 1)[0]
            if base in self.derived and "." in name:
                return self.derived[base], "allowlisted-url"
            return name, "allowlist"
        return None

    def _call_check(self, test: ast.expr) -> tuple[str, str] | None:
        if not isinstance(test, ast.Call):
            return None
        func = test.func
        if isinstance(func, ast.Attribute) and func.attr in spec.GUARD_METHODS:
            name = _guarded_name(func.value) or (_guarded_name(test.args[0]) if test.args else None)
            return (name, func.attr) if name else None
        qualname = self.ctx.qualname(func)
        if qualname in spec.GUARD_CALLS:
            for arg in [*test.args, *(k.value for k in test.keywords)]:
                name = _guarded_name(arg)
                if name:
                    return name, qualname
        return None

    def _apply_guards(self, env: Env, facts: Facts) -> None:
        for name, checks in facts.items():
            if name in env:
                env[name] = env[name].cleaned(spec.sanitized_by(checks))


Facts = dict[str, set[str]]


def _with_falsy(facts: Facts, operand: ast.expr, truthy: bool = False) -> Facts:
    """``facts`` plus the variables that are empty whenever ``operand`` is false (``v``, or
    ``v or w``): an empty or None value carries nothing into a sink. With ``truthy`` the operand is
    known true instead, which says nothing about emptiness."""
    if truthy:
        return facts
    names = [operand] if not (isinstance(operand, ast.BoolOp) and isinstance(operand.op, ast.Or)) else operand.values
    found = {k: set(v) for k, v in facts.items()}
    for node in names:
        if isinstance(node, ast.Name):
            found.setdefault(node.id, set()).add("falsy")
    return found


def _either(alternatives: list[Facts]) -> Facts:
    """What holds whichever alternative happened: for each variable safe in every alternative, the
    sinks it is safe for in all of them."""
    if not alternatives:
        return {}
    shared = set.intersection(*(set(a) for a in alternatives))
    facts: Facts = {}
    for name in shared:
        sinks = frozenset.intersection(*(spec.sanitized_by(a[name]) for a in alternatives))
        if sinks:
            facts[name] = {"sinks:" + ",".join(sorted(sinks))}
    return facts


def _merge_facts(parts: Iterator[Facts] | list[Facts]) -> Facts:
    merged: Facts = {}
    for part in parts:
        for name, checks in part.items():
            merged.setdefault(name, set()).update(checks)
    return merged


def _guarded_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name) and node.func.id in ("str", "len"):
        node = node.args[0]
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "lower", "strip", "absolute"):
        node = node.func.value
    return _path(node)


def _path(node: ast.AST) -> str | None:
    """``a``, ``self.x`` or ``a.b.c`` as an environment key, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _path(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _as_load(target: ast.expr) -> ast.expr:
    """The augmented-assignment target read as a value (``x += 1`` reads ``x``)."""
    fields: dict[str, Any] = {f: getattr(target, f, None) for f in target._fields}
    copy = ast.copy_location(type(target)(**fields), target)
    if hasattr(copy, "ctx"):
        copy.ctx = ast.Load()
    return copy


def _truth(value: Value) -> bool | None:
    if value.tainted or value.const is UNKNOWN:
        if value.items is not None and not value.tainted:
            return bool(value.items)
        return None
    try:
        return bool(value.const)
    except Exception:
        return None


def _weak_hash(receiver: Value) -> bool:
    """A hash object made by an MD5/SHA-1 constructor (``hashlib.md5()``, ``hashlib.new("sha1")``)."""
    callee = receiver.kind[7:] if receiver.kind.startswith("object:") else ""
    marker = receiver.attr("__kw_usedforsecurity")
    if marker is not None and marker.const is False:
        return False
    if callee in spec.WEAK_HASHES:
        return True
    algorithm = receiver.attr("__arg0")
    return callee in spec.HASH_FACTORIES and algorithm is not None and bool(algorithm.possible() & spec.WEAK_HASH_NAMES)


def _untrusted(value: Value) -> bool:
    """Carries input from outside (not merely a parameter of the function being summarised)."""
    return value.kind == "request" or any(o.kind in ("source", "call") for o in value.origins)


def _whole_request(value: Value) -> bool:
    """The request object itself, not data read from it."""
    return value.kind == "request" and not any(o.kind == "source" for o in value.origins)


def _mark(position: str, value: Value) -> str:
    """An untrusted argument's position in a ``call`` origin, ``!`` when it is the request object
    itself, with the sinks it was sanitised for (``1~redirect+ssrf``): the callee's result carries
    its taint to the other sinks only."""
    head = f"{position}!" if _whole_request(value) else position
    return f"{head}~{'+'.join(sorted(value.clean_for))}" if value.clean_for else head


def _body(value: Value) -> Value:
    """The body of a response given as ``(body, status, headers)``."""
    return value.items[0] if value.items else value


def _is_number(value: Value) -> bool:
    return isinstance(value.const, (int, float)) and not value.tainted


def _is_text(value: Value) -> bool:
    return not isinstance(value.const, (int, float, bool)) and value.kind in ("", "path")


def _query_injection(query: Value) -> Value | None:
    """The part of a NoSQL query document through which input can add query operators (an object
    where a value was expected, a key) or JavaScript (the operand of `$where`), if any."""
    if query.entries is not None:
        for key, item in query.entries:
            if key in spec.NOSQL_CODE_OPERATORS and item.tainted_for("code"):
                return item
            found = _query_injection(item)
            if found is not None:
                return found
        return None
    if query.items is not None:
        return next((found for item in query.items if (found := _query_injection(item)) is not None), None)
    return query if query.tainted_for("nosql") else None


def _is_json(returned: ast.expr | None, body: Value) -> bool:
    """A dict or list a route returns (alone or with a status) is serialised as JSON, not HTML."""
    if isinstance(returned, ast.Tuple) and returned.elts:
        returned = returned.elts[0]
    return body.entries is not None or isinstance(returned, (ast.Dict, ast.DictComp, ast.List, ast.ListComp))


def _join_envs(a: Env | None, b: Env | None) -> Env | None:
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    merged: Env = {}
    for key in a.keys() | b.keys():
        left, right = a.get(key), b.get(key)
        if left is not None and right is not None:
            merged[key] = join(left, right)
        elif left is not None:
            merged[key] = left
        elif right is not None:
            merged[key] = right
    return merged


def _pattern_matches(pattern: ast.pattern, value: object) -> bool | None:
    if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant):
        return bool(pattern.value.value == value)
    if isinstance(pattern, ast.MatchSingleton):
        return pattern.value is value
    if isinstance(pattern, ast.MatchOr):
        results = [_pattern_matches(p, value) for p in pattern.patterns]
        return True if True in results else (None if None in results else False)
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
        return True
    return None


def _pattern_names(pattern: ast.pattern) -> list[str]:
    return [n.name for n in ast.walk(pattern) if isinstance(n, ast.MatchAs) and n.name]
