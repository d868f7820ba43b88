"""Parse source written for a newer Python with libcst and convert it to a stdlib ``ast`` tree.

The running interpreter's ``ast.parse`` rejects syntax newer than itself (PEP 701 f-strings,
PEP 695 type parameters, ``except*`` on 3.10, ...). libcst ships its own parser that accepts
that grammar, so :func:`parse_newer` parses with it and rebuilds the tree CPython's own parser
would have produced, node for node.

Positions come from one code-generation pass over the libcst tree (libcst guarantees that
code generation reproduces the source exactly): a custom ``CodegenState`` counts UTF-8 bytes
as tokens are emitted and records, for every libcst node, the byte offsets where its code
starts and ends, plus where its *syntactic* part starts (after leading blank lines,
decorators and indentation). Byte offsets become CPython positions (1-based line, 0-based
UTF-8 byte column) through a table of line starts. CPython conventions are then applied on
top: parentheses are excluded from spans (except a tuple's own), a compound statement ends
where its last body statement ends, and so on.

Node classes the running ``ast`` module lacks (``TypeAlias``, ``TypeVar``, ``TryStar``,
``TemplateStr``, ...) or fields it lacks (``type_params``, ``default_value``) are provided by
shim subclasses of ``ast.AST`` that carry the same class name and ``_fields``, so
``ast.NodeVisitor``, ``ast.walk`` and ``ast.dump`` handle them as usual. Nothing in the parsed
code is imported or executed: literal values are decoded with ``ast.literal_eval``.
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
import warnings
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

_PARSER_VERSIONS = ("3.14", "3.13", "3.12")
_DEEP_RECURSION_LIMIT = 10_000
_POSITION_ATTRIBUTES = ("lineno", "col_offset", "end_lineno", "end_col_offset")
_LINE_BREAK = re.compile(rb"\r\n?|\n")

_BINARY_OPERATORS = {
    "Add": ast.Add, "Subtract": ast.Sub, "Multiply": ast.Mult, "Divide": ast.Div,
    "FloorDivide": ast.FloorDiv, "Modulo": ast.Mod, "Power": ast.Pow,
    "LeftShift": ast.LShift, "RightShift": ast.RShift, "BitOr": ast.BitOr,
    "BitAnd": ast.BitAnd, "BitXor": ast.BitXor, "MatrixMultiply": ast.MatMult,
}  # fmt: skip
_AUGMENTED_OPERATORS = {name + "Assign": op for name, op in _BINARY_OPERATORS.items()}
_UNARY_OPERATORS = {
    "Plus": ast.UAdd, "Minus": ast.USub, "BitInvert": ast.Invert, "Not": ast.Not,
}  # fmt: skip
_COMPARISON_OPERATORS = {
    "Equal": ast.Eq, "NotEqual": ast.NotEq, "LessThan": ast.Lt, "LessThanEqual": ast.LtE,
    "GreaterThan": ast.Gt, "GreaterThanEqual": ast.GtE, "Is": ast.Is, "IsNot": ast.IsNot,
    "In": ast.In, "NotIn": ast.NotIn,
}  # fmt: skip
_CONSTANT_NAMES = {"None": None, "True": True, "False": False}

_SHIM_BASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "TypeAlias": ("stmt", ("name", "type_params", "value")),
    "TryStar": ("stmt", ("body", "handlers", "orelse", "finalbody")),
    "TypeVar": ("type_param", ("name", "bound", "default_value")),
    "ParamSpec": ("type_param", ("name", "default_value")),
    "TypeVarTuple": ("type_param", ("name", "default_value")),
    "TemplateStr": ("expr", ("values",)),
    "Interpolation": ("expr", ("value", "str", "conversion", "format_spec")),
}
_shim_cache: dict[tuple[str, tuple[str, ...]], type[ast.AST]] = {}


def _base_class(category: str) -> type[ast.AST]:
    base = getattr(ast, category, None)
    if isinstance(base, type) and issubclass(base, ast.AST):
        return base
    return ast.AST


def node_class(name: str, fields: Sequence[str]) -> type[ast.AST]:
    """The ``ast`` class ``name`` if it has all ``fields``, else a shim with those fields."""
    real = getattr(ast, name, None)
    real_fields: tuple[str, ...] = tuple(getattr(real, "_fields", ()))
    if isinstance(real, type) and set(fields) <= set(real_fields):
        return real
    key = (name, tuple(fields))
    shim = _shim_cache.get(key)
    if shim is None:
        if isinstance(real, type):
            base: type[ast.AST] = real
            all_fields = (*real_fields, *(f for f in fields if f not in real_fields))
        else:
            category, all_fields = _SHIM_BASES[name]
            base = _base_class(category)
        namespace = {"_fields": all_fields, "_attributes": _POSITION_ATTRIBUTES}
        shim = type(name, (base,), namespace)
        _shim_cache[key] = shim
    return shim


def make_node(class_name: str, /, **fields: Any) -> ast.AST:
    """Build node ``class_name``; fields set to ``None``/``[]`` never force a shim class."""
    wanted = [f for f, value in fields.items() if value is not None and value != []]
    return node_class(class_name, wanted)(**fields)


class _OffsetRecordingState(CodegenState):
    """Code generation that records the UTF-8 byte span of every node it emits."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        self.syntactic_starts: dict[int, int] = {}
        self._stack: list[int] = []

    def _advance(self, value: str) -> None:
        self.offset += (
            len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
        )

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        self.starts.setdefault(id(node), start)
        self.ends.setdefault(id(node), self.offset)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        self.syntactic_starts.setdefault(id(node), self.offset)
        yield


def _identifier(name: str) -> str:
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _literal(text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.literal_eval(text)


def _string_prefix(quoted: str) -> str:
    return quoted[: len(quoted) - len(quoted.lstrip("rRbBuUfFtT"))]


def _decode_text(raw: str, prefix: str, quote: str) -> Any:
    """Value of literal text found between braces of an f-string (``{{`` means ``{``)."""
    text = raw.replace("{{", "{").replace("}}", "}")
    prefix = prefix.lower().replace("f", "").replace("t", "")
    if "r" in prefix:
        return text
    if text.endswith(quote[0]):
        body = text[:-1]
        if (len(body) - len(body.rstrip("\\"))) % 2 == 0:
            text = body + "\\" + quote[0]
    try:
        return _literal(prefix + quote + text + quote)
    except SyntaxError:
        return _literal(prefix + quote + text + "\\" + quote)


def _ctx(ctx: type[ast.expr_context], node: ast.expr) -> ast.expr:
    """Give a target expression (and the elements of a target tuple/list) context ``ctx``."""
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        node.ctx = ctx()
    elif isinstance(node, ast.Starred):
        node.ctx = ctx()
        _ctx(ctx, node.value)
    elif isinstance(node, (ast.Tuple, ast.List)):
        node.ctx = ctx()
        for element in node.elts:
            _ctx(ctx, element)
    return node


class _Converter:
    """Converts one libcst module to ``ast``; one ``_<LibcstClassName>`` method per node type."""

    def __init__(self, module: cst.Module) -> None:
        state = _OffsetRecordingState(module)
        module._codegen(state)
        # Lines are counted in the generated code, which equals the source except where
        # libcst drops insignificant whitespace (``except E :``); drift stays within a line.
        self._starts = state.starts
        self._ends = state.ends
        self._syntactic_starts = state.syntactic_starts
        data = "".join(state.tokens).encode("utf-8", "surrogatepass")
        self._code = data
        self._line_starts = [0, *(match.end() for match in _LINE_BREAK.finditer(data))]
        self._methods: dict[type, Callable[[Any], Any]] = {}
        self._block_ends: dict[int, int] = {}

    # -- positions ---------------------------------------------------------------------------

    def _start(self, node: cst.CSTNode) -> int:
        return self._starts[id(node)]

    def _end(self, node: cst.CSTNode) -> int:
        return self._ends[id(node)]

    def _inner(self, node: cst.CSTNode) -> tuple[int, int]:
        """Span of ``node`` without the parentheses around it."""
        lpar: Sequence[cst.LeftParen] = getattr(node, "lpar", ())
        rpar: Sequence[cst.RightParen] = getattr(node, "rpar", ())
        start = self._end(lpar[-1]) if lpar else self._start(node)
        end = self._start(rpar[0]) if rpar else self._end(node)
        return start, end

    def code_between(self, start: int, end: int) -> str:
        return self._code[start:end].decode("utf-8", "surrogatepass")

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1]

    def _place(self, node: ast.AST, start: int, end: int) -> ast.AST:
        node.lineno, node.col_offset = self._line_col(start)  # type: ignore[attr-defined]
        node.end_lineno, node.end_col_offset = self._line_col(end)  # type: ignore[attr-defined]
        return node

    def _new(self, class_name: str, span: tuple[int, int], /, **fields: Any) -> Any:
        return self._place(make_node(class_name, **fields), *span)

    @staticmethod
    def _copy_span(node: ast.AST, start_from: ast.AST, end_from: ast.AST) -> None:
        node.lineno = start_from.lineno  # type: ignore[attr-defined]
        node.col_offset = start_from.col_offset  # type: ignore[attr-defined]
        node.end_lineno = end_from.end_lineno  # type: ignore[attr-defined]
        node.end_col_offset = end_from.end_col_offset  # type: ignore[attr-defined]

    # -- dispatch ----------------------------------------------------------------------------

    def convert(self, node: cst.CSTNode) -> Any:
        method = self._methods.get(type(node))
        if method is None:
            method = getattr(self, "_" + type(node).__name__)
            self._methods[type(node)] = method
        return method(node)

    def expr(self, node: cst.CSTNode) -> ast.expr:
        result: ast.expr = self.convert(node)
        return result

    def opt_expr(self, node: cst.CSTNode | None) -> ast.expr | None:
        return None if node is None else self.expr(node)

    def target(self, node: cst.CSTNode, ctx: type[ast.expr_context] = ast.Store) -> ast.expr:
        return _ctx(ctx, self.expr(node))

    # -- module and blocks -------------------------------------------------------------------

    def module(self, module: cst.Module) -> ast.Module:
        return ast.Module(body=self.statements(module.body), type_ignores=[])

    def statements(self, nodes: Sequence[cst.CSTNode]) -> list[ast.stmt]:
        result: list[ast.stmt] = []
        for node in nodes:
            if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                result.extend(self.small_statement(small) for small in node.body)
            else:
                result.append(self.convert(node))
        return result

    def block(self, node: cst.BaseSuite) -> list[ast.stmt]:
        if isinstance(node, cst.SimpleStatementSuite):
            return [self.small_statement(small) for small in node.body]
        return self.statements(node.body)

    def orelse(self, node: cst.CSTNode | None) -> list[ast.stmt]:
        if node is None:
            return []
        if isinstance(node, cst.If):
            return [self._If(node)]
        return self.block(node.body)  # type: ignore[attr-defined]

    def small_statement(self, node: cst.BaseSmallStatement) -> ast.stmt:
        result: ast.stmt = self.convert(node)
        start = self._start(node)
        semicolon = node.semicolon
        if isinstance(semicolon, cst.Semicolon):
            self._place(result, start, self._start(semicolon))
            self._block_ends[id(result)] = self._end(semicolon.whitespace_before) + 1
        else:
            self._place(result, start, self._end(node))
            self._block_ends[id(result)] = self._end(node)
        return result

    def compound(
        self, kind: str, node: cst.CSTNode, last: Sequence[ast.AST], /, **fields: Any
    ) -> Any:
        """A compound statement: from its keyword to the end of its last body statement.

        A trailing semicolon after that last statement counts, as in CPython.
        """
        end = self._block_ends[id(last[-1])]
        result = self._new(kind, (self._syntactic_starts[id(node)], end), **fields)
        self._block_ends[id(result)] = end
        return result

    # -- simple statements -------------------------------------------------------------------

    def _Expr(self, node: cst.Expr) -> ast.stmt:
        return ast.Expr(value=self.expr(node.value))

    def _Assign(self, node: cst.Assign) -> ast.stmt:
        targets = [self.target(t.target) for t in node.targets]
        return ast.Assign(targets=targets, value=self.expr(node.value), type_comment=None)

    def _AnnAssign(self, node: cst.AnnAssign) -> ast.stmt:
        simple = int(isinstance(node.target, cst.Name) and not node.target.lpar)
        return make_node(  # type: ignore[return-value]
            "AnnAssign",
            target=self.target(node.target),
            annotation=self.expr(node.annotation.annotation),
            value=self.opt_expr(node.value),
            simple=simple,
        )

    def _AugAssign(self, node: cst.AugAssign) -> ast.stmt:
        op = _AUGMENTED_OPERATORS[type(node.operator).__name__]()
        target = self.target(node.target)
        return make_node("AugAssign", target=target, op=op, value=self.expr(node.value))  # type: ignore[return-value]

    def _Return(self, node: cst.Return) -> ast.stmt:
        return ast.Return(value=self.opt_expr(node.value))

    def _Raise(self, node: cst.Raise) -> ast.stmt:
        cause = node.cause.item if node.cause is not None else None
        return ast.Raise(exc=self.opt_expr(node.exc), cause=self.opt_expr(cause))

    def _Assert(self, node: cst.Assert) -> ast.stmt:
        return ast.Assert(test=self.expr(node.test), msg=self.opt_expr(node.msg))

    def _Del(self, node: cst.Del) -> ast.stmt:
        target = node.target
        if isinstance(target, cst.Tuple) and not target.lpar:
            targets = [self.target(element.value, ast.Del) for element in target.elements]
        else:
            targets = [self.target(target, ast.Del)]
        return ast.Delete(targets=targets)

    def _Pass(self, node: cst.Pass) -> ast.stmt:
        return ast.Pass()

    def _Break(self, node: cst.Break) -> ast.stmt:
        return ast.Break()

    def _Continue(self, node: cst.Continue) -> ast.stmt:
        return ast.Continue()

    def _Global(self, node: cst.Global) -> ast.stmt:
        return ast.Global(names=[_identifier(item.name.value) for item in node.names])

    def _Nonlocal(self, node: cst.Nonlocal) -> ast.stmt:
        return ast.Nonlocal(names=[_identifier(item.name.value) for item in node.names])

    def dotted_name(self, node: cst.BaseExpression) -> str:
        if isinstance(node, cst.Attribute):
            return self.dotted_name(node.value) + "." + _identifier(node.attr.value)
        assert isinstance(node, cst.Name)
        return _identifier(node.value)

    def alias(self, node: cst.ImportAlias) -> ast.alias:
        asname = node.asname.name if node.asname is not None else None
        end_node = asname if asname is not None else node.name
        result = ast.alias(
            name=self.dotted_name(node.name),
            asname=_identifier(asname.value) if isinstance(asname, cst.Name) else None,
        )
        self._place(result, self._start(node.name), self._end(end_node))
        return result

    def _Import(self, node: cst.Import) -> ast.stmt:
        return ast.Import(names=[self.alias(name) for name in node.names])

    def _ImportFrom(self, node: cst.ImportFrom) -> ast.stmt:
        if isinstance(node.names, cst.ImportStar):
            star = ast.alias(name="*", asname=None)
            self._place(star, *self._inner(node.names))
            names = [star]
        else:
            names = [self.alias(name) for name in node.names]
        module = self.dotted_name(node.module) if node.module is not None else None
        level = len(node.relative)
        return ast.ImportFrom(module=module, names=names, level=level)

    def _TypeAlias(self, node: cst.TypeAlias) -> ast.stmt:
        result: ast.stmt = make_node(  # type: ignore[assignment]
            "TypeAlias",
            name=self.target(node.name),
            type_params=self.type_params(node.type_parameters),
            value=self.expr(node.value),
        )
        return result

    # -- type parameters ---------------------------------------------------------------------

    def type_params(self, node: cst.TypeParameters | None) -> list[ast.AST]:
        return [] if node is None else [self.type_param(param) for param in node.params]

    def type_param(self, node: cst.TypeParam) -> ast.AST:
        param = node.param
        name = _identifier(param.name.value)
        default = self.opt_expr(node.default)
        if default is not None and node.star:
            span = (self._end(node.equal), self._end(node.default))  # type: ignore[arg-type]
            default = self._new("Starred", span, value=default, ctx=ast.Load())
        start = self._start(param)
        end = self._end(node.default) if node.default is not None else self._end(param)
        if isinstance(param, cst.TypeVar):
            bound = self.opt_expr(param.bound)
            result = make_node("TypeVar", name=name, bound=bound, default_value=default)
        else:
            result = make_node(type(param).__name__, name=name, default_value=default)
        return self._place(result, start, end)

    # -- compound statements -----------------------------------------------------------------

    def _If(self, node: cst.If) -> ast.stmt:
        body = self.block(node.body)
        orelse = self.orelse(node.orelse)
        return self.compound(
            "If", node, orelse or body, test=self.expr(node.test), body=body, orelse=orelse
        )

    def _While(self, node: cst.While) -> ast.stmt:
        body = self.block(node.body)
        orelse = self.orelse(node.orelse)
        return self.compound(
            "While", node, orelse or body, test=self.expr(node.test), body=body, orelse=orelse
        )

    def _For(self, node: cst.For) -> ast.stmt:
        body = self.block(node.body)
        orelse = self.orelse(node.orelse)
        name = "AsyncFor" if node.asynchronous is not None else "For"
        return self.compound(
            name, node, orelse or body,
            target=self.target(node.target), iter=self.expr(node.iter),
            body=body, orelse=orelse, type_comment=None,
        )  # fmt: skip

    def withitem(self, node: cst.WithItem) -> ast.withitem:
        variable = self.target(node.asname.name) if node.asname is not None else None
        return ast.withitem(context_expr=self.expr(node.item), optional_vars=variable)

    def _With(self, node: cst.With) -> ast.stmt:
        body = self.block(node.body)
        name = "AsyncWith" if node.asynchronous is not None else "With"
        items = [self.withitem(item) for item in node.items]
        return self.compound(name, node, body, items=items, body=body, type_comment=None)

    def handler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> ast.excepthandler:
        body = self.block(node.body)
        name = node.name.name if node.name is not None else None
        return self.compound(
            "ExceptHandler", node, body,
            type=self.opt_expr(node.type),
            name=_identifier(name.value) if isinstance(name, cst.Name) else None,
            body=body,
        )  # fmt: skip

    def try_statement(self, name: str, node: cst.Try | cst.TryStar) -> ast.stmt:
        body = self.block(node.body)
        handlers = [self.handler(handler) for handler in node.handlers]
        orelse = self.orelse(node.orelse)
        finalbody = self.block(node.finalbody.body) if node.finalbody is not None else []
        return self.compound(
            name, node, finalbody or orelse or handlers or body,
            body=body, handlers=handlers, orelse=orelse, finalbody=finalbody,
        )  # fmt: skip

    def _Try(self, node: cst.Try) -> ast.stmt:
        return self.try_statement("Try", node)

    def _TryStar(self, node: cst.TryStar) -> ast.stmt:
        return self.try_statement("TryStar", node)

    def _FunctionDef(self, node: cst.FunctionDef) -> ast.stmt:
        body = self.block(node.body)
        kind = "AsyncFunctionDef" if node.asynchronous is not None else "FunctionDef"
        returns = node.returns.annotation if node.returns is not None else None
        result = self.compound(
            kind, node, body,
            name=_identifier(node.name.value),
            args=self.arguments(node.params),
            body=body,
            decorator_list=[self.expr(d.decorator) for d in node.decorators],
            returns=self.opt_expr(returns),
            type_comment=None,
            type_params=self.type_params(node.type_parameters),
        )  # fmt: skip
        return result

    def _ClassDef(self, node: cst.ClassDef) -> ast.stmt:
        body = self.block(node.body)
        bases, keywords = self.call_arguments([*node.bases, *node.keywords])
        return self.compound(
            "ClassDef", node, body,
            name=_identifier(node.name.value),
            bases=bases,
            keywords=keywords,
            body=body,
            decorator_list=[self.expr(d.decorator) for d in node.decorators],
            type_params=self.type_params(node.type_parameters),
        )  # fmt: skip

    def _Match(self, node: cst.Match) -> ast.stmt:
        cases = [self.match_case(case) for case in node.cases]
        return self.compound(
            "Match", node, cases[-1].body, subject=self.expr(node.subject), cases=cases
        )

    def match_case(self, node: cst.MatchCase) -> ast.match_case:
        return ast.match_case(
            pattern=self.convert(node.pattern),
            guard=self.opt_expr(node.guard),
            body=self.block(node.body),
        )

    # -- function parameters -----------------------------------------------------------------

    def arg(self, node: cst.Param) -> ast.arg:
        annotation = node.annotation.annotation if node.annotation is not None else None
        end_node = annotation if annotation is not None else node.name
        result = ast.arg(
            arg=_identifier(node.name.value),
            annotation=self.opt_expr(annotation),
            type_comment=None,
        )
        self._place(result, self._start(node.name), self._end(end_node))
        return result

    def arguments(self, node: cst.Parameters) -> ast.arguments:
        positional = [*node.posonly_params, *node.params]
        defaults = [self.expr(p.default) for p in positional if p.default is not None]
        star_arg = node.star_arg
        star_kwarg = node.star_kwarg
        return ast.arguments(
            posonlyargs=[self.arg(p) for p in node.posonly_params],
            args=[self.arg(p) for p in node.params],
            vararg=self.arg(star_arg) if isinstance(star_arg, cst.Param) else None,
            kwonlyargs=[self.arg(p) for p in node.kwonly_params],
            kw_defaults=[self.opt_expr(p.default) for p in node.kwonly_params],
            kwarg=self.arg(star_kwarg) if star_kwarg is not None else None,
            defaults=defaults,
        )

    # -- patterns ----------------------------------------------------------------------------

    def pattern(self, class_name: str, node: cst.CSTNode, /, **fields: Any) -> Any:
        return self._new(class_name, self._inner(node), **fields)

    def _MatchValue(self, node: cst.MatchValue) -> ast.pattern:
        value = node.value
        if isinstance(value, cst.Name) and value.value in _CONSTANT_NAMES:
            return self.pattern("MatchSingleton", value, value=_CONSTANT_NAMES[value.value])
        return self.pattern("MatchValue", value, value=self.expr(value))

    def _MatchSingleton(self, node: cst.MatchSingleton) -> ast.pattern:
        value = _CONSTANT_NAMES[node.value.value]
        return self.pattern("MatchSingleton", node, value=value)

    def sequence_patterns(self, elements: Sequence[cst.CSTNode]) -> list[ast.pattern]:
        return [
            self.convert(e.value if isinstance(e, cst.MatchSequenceElement) else e)
            for e in elements
        ]

    def _MatchList(self, node: cst.MatchList) -> ast.pattern:
        return self.pattern("MatchSequence", node, patterns=self.sequence_patterns(node.patterns))

    def _MatchTuple(self, node: cst.MatchTuple) -> ast.pattern:
        span = (
            (self._start(node.lpar[-1]), self._end(node.rpar[0]))
            if node.lpar
            else self._inner(node)
        )
        return self._new("MatchSequence", span, patterns=self.sequence_patterns(node.patterns))

    def _MatchStar(self, node: cst.MatchStar) -> ast.pattern:
        name = _identifier(node.name.value) if node.name is not None else None
        end = self._end(node.whitespace_before_name) + 1
        if node.name is not None:
            end = self._end(node.name)
        return self._new("MatchStar", (self._start(node), end), name=name)

    def _MatchMapping(self, node: cst.MatchMapping) -> ast.pattern:
        return self.pattern(
            "MatchMapping", node,
            keys=[self.expr(element.key) for element in node.elements],
            patterns=[self.convert(element.pattern) for element in node.elements],
            rest=_identifier(node.rest.value) if node.rest is not None else None,
        )  # fmt: skip

    def _MatchClass(self, node: cst.MatchClass) -> ast.pattern:
        return self.pattern(
            "MatchClass", node,
            cls=self.expr(node.cls),
            patterns=self.sequence_patterns(node.patterns),
            kwd_attrs=[_identifier(kwd.key.value) for kwd in node.kwds],
            kwd_patterns=[self.convert(kwd.pattern) for kwd in node.kwds],
        )  # fmt: skip

    def _MatchAs(self, node: cst.MatchAs) -> ast.pattern:
        pattern = self.convert(node.pattern) if node.pattern is not None else None
        name = _identifier(node.name.value) if node.name is not None else None
        return self.pattern("MatchAs", node, pattern=pattern, name=name)

    def _MatchOr(self, node: cst.MatchOr) -> ast.pattern:
        patterns = [self.convert(element.pattern) for element in node.patterns]
        return self.pattern("MatchOr", node, patterns=patterns)

    # -- atoms -------------------------------------------------------------------------------

    def _Name(self, node: cst.Name) -> ast.expr:
        if node.value in _CONSTANT_NAMES:
            return self._new(
                "Constant", self._inner(node), value=_CONSTANT_NAMES[node.value], kind=None
            )
        return self._new("Name", self._inner(node), id=_identifier(node.value), ctx=ast.Load())

    def _Ellipsis(self, node: cst.Ellipsis) -> ast.expr:
        return self._new("Constant", self._inner(node), value=..., kind=None)

    def number(self, node: cst.Integer | cst.Float | cst.Imaginary) -> ast.expr:
        return self._new("Constant", self._inner(node), value=_literal(node.value), kind=None)

    _Integer = _Float = _Imaginary = number

    def _SimpleString(self, node: cst.SimpleString) -> ast.expr:
        kind = "u" if node.value[:1] in "uU" else None
        return self._new("Constant", self._inner(node), value=_literal(node.value), kind=kind)

    # -- operators ---------------------------------------------------------------------------

    def _BinaryOperation(self, node: cst.BinaryOperation) -> ast.expr:
        op = _BINARY_OPERATORS[type(node.operator).__name__]()
        return self._new(
            "BinOp",
            self._inner(node),
            left=self.expr(node.left),
            op=op,
            right=self.expr(node.right),
        )

    def _UnaryOperation(self, node: cst.UnaryOperation) -> ast.expr:
        op = _UNARY_OPERATORS[type(node.operator).__name__]()
        return self._new("UnaryOp", self._inner(node), op=op, operand=self.expr(node.expression))

    def _BooleanOperation(self, node: cst.BooleanOperation) -> ast.expr:
        operator = type(node.operator)
        operands: list[cst.BaseExpression] = [node.right]
        left = node.left
        while (
            isinstance(left, cst.BooleanOperation)
            and isinstance(left.operator, operator)
            and not left.lpar
        ):
            operands.append(left.right)
            left = left.left
        operands.append(left)
        op = ast.And() if operator is cst.And else ast.Or()
        values = [self.expr(operand) for operand in reversed(operands)]
        return self._new("BoolOp", self._inner(node), op=op, values=values)

    def _Comparison(self, node: cst.Comparison) -> ast.expr:
        return self._new(
            "Compare", self._inner(node),
            left=self.expr(node.left),
            ops=[_COMPARISON_OPERATORS[type(c.operator).__name__]() for c in node.comparisons],
            comparators=[self.expr(c.comparator) for c in node.comparisons],
        )  # fmt: skip

    def _IfExp(self, node: cst.IfExp) -> ast.expr:
        return self._new(
            "IfExp", self._inner(node),
            test=self.expr(node.test), body=self.expr(node.body), orelse=self.expr(node.orelse),
        )  # fmt: skip

    def _NamedExpr(self, node: cst.NamedExpr) -> ast.expr:
        return self._new(
            "NamedExpr",
            self._inner(node),
            target=self.target(node.target),
            value=self.expr(node.value),
        )

    def _Await(self, node: cst.Await) -> ast.expr:
        return self._new("Await", self._inner(node), value=self.expr(node.expression))

    def _Yield(self, node: cst.Yield) -> ast.expr:
        value = node.value
        if isinstance(value, cst.From):
            return self._new("YieldFrom", self._inner(node), value=self.expr(value.item))
        return self._new("Yield", self._inner(node), value=self.opt_expr(value))

    def _Lambda(self, node: cst.Lambda) -> ast.expr:
        return self._new(
            "Lambda", self._inner(node), args=self.arguments(node.params), body=self.expr(node.body)
        )

    # -- attribute, subscript, call ----------------------------------------------------------

    def _Attribute(self, node: cst.Attribute) -> ast.expr:
        return self._new(
            "Attribute", self._inner(node),
            value=self.expr(node.value), attr=_identifier(node.attr.value), ctx=ast.Load(),
        )  # fmt: skip

    def subscript_element(self, node: cst.SubscriptElement) -> ast.expr:
        item = node.slice
        if isinstance(item, cst.Index):
            value = self.expr(item.value)
            if item.star is None:
                return value
            return self._new(
                "Starred", (self._start(item), self._end(item.value)), value=value, ctx=ast.Load()
            )
        assert isinstance(item, cst.Slice)
        return self._new(
            "Slice", (self._start(item), self._end(item)),
            lower=self.opt_expr(item.lower), upper=self.opt_expr(item.upper), step=self.opt_expr(item.step),
        )  # fmt: skip

    def elements_end(self, elements: Sequence[Any]) -> int:
        """End of an unparenthesized element list: its last value, or its trailing comma."""
        last = elements[-1]
        comma = last.comma
        if isinstance(comma, cst.Comma):
            return self._end(comma.whitespace_before) + 1
        value = last.slice if isinstance(last, cst.SubscriptElement) else last.value
        return self._end(value)

    def _Subscript(self, node: cst.Subscript) -> ast.expr:
        elements = node.slice
        items = [self.subscript_element(element) for element in elements]
        if (
            len(items) == 1
            and not isinstance(elements[0].comma, cst.Comma)
            and not isinstance(items[0], ast.Starred)
        ):
            index = items[0]
        else:
            end = self.elements_end(elements)
            index = self._new("Tuple", (self._start(elements[0]), end), elts=items, ctx=ast.Load())
        return self._new(
            "Subscript", self._inner(node), value=self.expr(node.value), slice=index, ctx=ast.Load()
        )

    def call_arguments(self, args: Sequence[cst.Arg]) -> tuple[list[ast.expr], list[ast.keyword]]:
        positional: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for arg in args:
            value = self.expr(arg.value)
            span = (self._start(arg), self._end(arg.value))
            if arg.keyword is not None:
                keyword = ast.keyword(arg=_identifier(arg.keyword.value), value=value)
                keywords.append(self._place(keyword, *span))  # type: ignore[arg-type]
            elif arg.star == "**":
                keywords.append(self._place(ast.keyword(arg=None, value=value), *span))  # type: ignore[arg-type]
            elif arg.star == "*":
                positional.append(self._new("Starred", span, value=value, ctx=ast.Load()))
            else:
                positional.append(value)
        return positional, keywords

    def _Call(self, node: cst.Call) -> ast.expr:
        args, keywords = self.call_arguments(node.args)
        span = self._inner(node)
        if (
            len(node.args) == 1
            and isinstance(node.args[0].value, cst.GeneratorExp)
            and not node.args[0].value.lpar
        ):
            self._place(args[0], self._end(node.whitespace_after_func), span[1])
        return self._new("Call", span, func=self.expr(node.func), args=args, keywords=keywords)

    # -- displays and comprehensions ---------------------------------------------------------

    def element(self, node: cst.BaseElement) -> ast.expr:
        if isinstance(node, cst.StarredElement):
            return self._StarredElement(node)
        return self.expr(node.value)

    def _StarredElement(self, node: cst.StarredElement) -> ast.expr:
        span = (self._inner(node)[0], self._end(node.value))
        return self._new("Starred", span, value=self.expr(node.value), ctx=ast.Load())

    def _Tuple(self, node: cst.Tuple) -> ast.expr:
        if node.lpar:
            span = (self._start(node.lpar[-1]), self._end(node.rpar[0]))
        else:
            span = (self._inner(node)[0], self.elements_end(node.elements))
        elts = [self.element(element) for element in node.elements]
        return self._new("Tuple", span, elts=elts, ctx=ast.Load())

    def _List(self, node: cst.List) -> ast.expr:
        elts = [self.element(element) for element in node.elements]
        return self._new("List", self._inner(node), elts=elts, ctx=ast.Load())

    def _Set(self, node: cst.Set) -> ast.expr:
        elts = [self.element(element) for element in node.elements]
        return self._new("Set", self._inner(node), elts=elts)

    def _Dict(self, node: cst.Dict) -> ast.expr:
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                keys.append(self.expr(element.key))
            else:
                keys.append(None)
            values.append(self.expr(element.value))
        return self._new("Dict", self._inner(node), keys=keys, values=values)

    def generators(self, node: cst.CompFor | None) -> list[ast.comprehension]:
        result: list[ast.comprehension] = []
        while node is not None:
            result.append(
                ast.comprehension(
                    target=self.target(node.target),
                    iter=self.expr(node.iter),
                    ifs=[self.expr(condition.test) for condition in node.ifs],
                    is_async=int(node.asynchronous is not None),
                )
            )
            node = node.inner_for_in
        return result

    def _ListComp(self, node: cst.ListComp) -> ast.expr:
        return self._new(
            "ListComp",
            self._inner(node),
            elt=self.expr(node.elt),
            generators=self.generators(node.for_in),
        )

    def _SetComp(self, node: cst.SetComp) -> ast.expr:
        return self._new(
            "SetComp",
            self._inner(node),
            elt=self.expr(node.elt),
            generators=self.generators(node.for_in),
        )

    def _GeneratorExp(self, node: cst.GeneratorExp) -> ast.expr:
        span = (
            (self._start(node.lpar[-1]), self._end(node.rpar[0]))
            if node.lpar
            else self._inner(node)
        )
        return self._new(
            "GeneratorExp", span, elt=self.expr(node.elt), generators=self.generators(node.for_in)
        )

    def _DictComp(self, node: cst.DictComp) -> ast.expr:
        return self._new(
            "DictComp", self._inner(node),
            key=self.expr(node.key), value=self.expr(node.value), generators=self.generators(node.for_in),
        )  # fmt: skip

    # -- strings -----------------------------------------------------------------------------

    def _ConcatenatedString(self, node: cst.ConcatenatedString) -> ast.expr:
        return _StringBuilder(self, node).build()

    def _FormattedString(self, node: cst.FormattedString) -> ast.expr:
        return _StringBuilder(self, node).build()

    def _TemplatedString(self, node: cst.CSTNode) -> ast.expr:
        return _StringBuilder(self, node).build()


def _string_pieces(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The literal tokens of an implicitly concatenated string, in source order."""
    pieces: list[cst.CSTNode] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.ConcatenatedString):
            pending += [current.right, current.left]
        else:
            pieces.append(current)
    return pieces


class _StringBuilder:
    """Builds the Constant, JoinedStr or TemplateStr for one (possibly concatenated) string."""

    def __init__(self, converter: _Converter, node: cst.CSTNode) -> None:
        self._conv = converter
        self._node = node
        self._values: list[ast.expr] = []
        self._text: list[str] = []
        self._text_span: tuple[int, int] = (0, 0)
        self._text_kind: str | None = None
        self._template = False

    def build(self) -> ast.expr:
        conv = self._conv
        pieces = _string_pieces(self._node)
        span = conv._inner(self._node)
        kinds = {type(piece).__name__ for piece in pieces}
        self._template = "TemplatedString" in kinds
        if kinds == {"SimpleString"}:
            first = pieces[0]
            assert isinstance(first, cst.SimpleString)
            values = [_literal(piece.value) for piece in pieces]  # type: ignore[attr-defined]
            kind = "u" if first.value[:1] in "uU" else None
            value = b"".join(values) if isinstance(values[0], bytes) else "".join(values)
            return conv._new("Constant", span, value=value, kind=kind)
        for piece in pieces:
            self.add_piece(piece)
        self.flush()
        name = "TemplateStr" if self._template else "JoinedStr"
        return conv._new(name, span, values=self._values)

    def add_piece(self, piece: cst.CSTNode) -> None:
        if isinstance(piece, cst.SimpleString):
            start, end = self._conv._inner(piece)
            kind = "u" if piece.value[:1] in "uU" else None
            self.add_text(_literal(piece.value), start, end, kind, keep_empty=True)
            return
        prefix = _string_prefix(piece.start)  # type: ignore[attr-defined]
        quote = piece.start[len(prefix) :]  # type: ignore[attr-defined]
        self.add_parts(piece.parts, prefix, quote)  # type: ignore[attr-defined]

    def add_parts(self, parts: Sequence[cst.CSTNode], prefix: str, quote: str) -> None:
        for part in parts:
            if isinstance(part, (cst.FormattedStringText, cst.TemplatedStringText)):
                value = _decode_text(part.value, prefix, quote)
                self.add_text(value, self._conv._start(part), self._conv._end(part))
            else:
                self.add_expression(part, prefix, quote)

    def add_text(
        self, value: str, start: int, end: int, kind: str | None = None, keep_empty: bool = False
    ) -> None:
        """Extend the pending literal run; a whole (even empty) string literal starts a run."""
        if not value and not keep_empty:
            return
        if not self._text:
            self._text_span = (start, end)
            self._text_kind = kind
        self._text.append(value)
        self._text_span = (self._text_span[0], end)

    def flush(self) -> None:
        value = "".join(self._text)
        if value:
            constant = self._conv._new(
                "Constant", self._text_span, value=value, kind=self._text_kind
            )
            self._values.append(constant)
        self._text = []

    def add_expression(self, part: Any, prefix: str, quote: str) -> None:
        conv = self._conv
        start, end = conv._start(part), conv._end(part)
        if part.equal is not None:
            debug_end = conv._end(part.equal)
            self.add_text(conv.code_between(start + 1, debug_end), start + 1, debug_end)
        self.flush()
        conversion = ord(part.conversion) if part.conversion else -1
        if part.equal is not None and conversion == -1 and part.format_spec is None:
            conversion = ord("r")
        format_spec = self.format_spec(part, prefix, quote)
        value = conv.expr(part.expression)
        if self._template:
            source = conv.code_between(conv._start(part.expression), conv._end(part.expression))
            fields: dict[str, Any] = {"value": value, "str": source}
            self._values.append(
                conv._new(
                    "Interpolation",
                    (start, end),
                    conversion=conversion,
                    format_spec=format_spec,
                    **fields,
                )
            )
        else:
            self._values.append(
                conv._new(
                    "FormattedValue",
                    (start, end),
                    value=value,
                    conversion=conversion,
                    format_spec=format_spec,
                )
            )

    def format_spec(self, part: Any, prefix: str, quote: str) -> ast.expr | None:
        if part.format_spec is None:
            return None
        conv = self._conv
        builder = _StringBuilder(conv, part)
        builder.add_parts(part.format_spec, prefix, quote)
        builder.flush()
        end = conv._end(part) - 1
        colon = conv._start(part.format_spec[0]) - 1 if part.format_spec else end - 1
        return conv._new("JoinedStr", (colon, end), values=builder._values)


def _parse_cst(source: str) -> cst.Module:
    last_error: Exception = ValueError("no parser version accepted")
    for version in _PARSER_VERSIONS:
        try:
            config = cst.PartialParserConfig(python_version=version)
        except ValueError as exc:
            last_error = exc
            continue
        return cst.parse_module(source, config=config)
    raise last_error


def parse_newer(source: str, filename: str = "<unknown>") -> ast.Module:
    """Parse ``source`` with libcst (newest grammar) and return the equivalent ``ast.Module``.

    Raises ``SyntaxError`` (with ``lineno``, ``offset`` and ``msg``) when libcst rejects it.
    """
    try:
        module = _parse_cst(source)
    except cst.ParserSyntaxError as exc:
        error = SyntaxError(exc.message)
        error.filename = filename
        error.lineno = exc.raw_line
        error.offset = exc.raw_column + 1
        lines = source.splitlines()
        error.text = lines[exc.raw_line - 1] if 0 < exc.raw_line <= len(lines) else None
        raise error from None
    with _recursion_limit(_DEEP_RECURSION_LIMIT):
        return _Converter(module).module(module)


@contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    """libcst generates code recursively: long implicit concatenations nest deeply."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
