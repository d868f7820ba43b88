"""The libcst fallback parser must build the same ``ast`` tree as CPython's own parser."""

from __future__ import annotations

import ast
import os
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

from prodgate.static.cst_to_ast import parse_newer

NATIVE_PEP_701 = sys.version_info >= (3, 12)

SAMPLES = {
    "imports": "import os, sys as system\nfrom . import a\nfrom ..x.y import (b as c, d)\nfrom m import *\n",
    "simple_statements": "x = 1; y: int = 2\nz += 3\na.b: str = 'x'\ndel x, y[0], a.b\ndel (p, q)\nassert x, 'msg'\npass;\n",
    "chained_assign": "a = b = c[1] = d.e = 5\na, *b = c\n[a, (b, c)] = d\n",
    "functions": (
        "@dec\n@dec2(1)\n"
        "def f(a, /, b: int = 1, *args: str, c, d=2, **kw) -> None:\n"
        "    global g\n    return a + b * -c\n"
        "def g(*, a): ...\n"
        "def h(a, b=1, /, c=2): nonlocal_x = lambda: (yield)\n"
    ),
    "async": (
        "async def g():\n    async with a as b, c:\n        await x\n"
        "    async for i in y:\n        yield i\n    return [i async for i in y]\n"
    ),
    "classes": "@d\nclass C(B, *bs, metaclass=M, **kws):\n    x: int\n    def m(self): return self\nclass D: pass\n",
    "if_elif_else": "if a:\n    pass\nelif b:\n    pass\nelif c: pass\nelse:\n    pass\n",
    "loops": "while x:\n    break\nelse:\n    continue\nfor i, (j, k) in z:\n    pass\nelse: x = 1\n",
    "try": (
        "try:\n    pass\nexcept E as e:\n    raise X from e\nexcept (A, B):\n    pass\n"
        "except:\n    raise\nelse:\n    pass\nfinally:\n    pass\n"
    ),
    "with": "with (open(x) as f, open(y) as g):\n    pass\nwith a, b as (c, d): pass\nwith (a): pass\n",
    "lambdas": "f = lambda x, *y, z=3, **k: x\ng = lambda: 0\nh = lambda a, /, b: a\n",
    "displays": "a = [1, 2, *b]\nb = {1: 2, **c}\nc = {1, 2}\nd = (1,)\ne = 1, 2\nf = ()\ng = (1, 2,)\nh = 1,\n",
    "comprehensions": (
        "f = [x for x in y if x if y for z in w]\ng = {k: v for k, v in x}\n"
        "h = (x for x in y)\nsum(x for x in y)\ns = {x async for x in y}\n"
    ),
    "slices": "i = x[1:2, ::3]\nj = x[1:2:3]\nk = x[:]\nl = x[a, b]\nm = x[a,]\no = x[()]\n",
    "operators": (
        "k = a if b else c\n(l := 10)\nm = a < b <= c is not d not in e\n"
        "n = a and b and c or d\no = not a\np = a @ b // c % d ** -e << f >> g | h & i ^ ~j\n"
        "q = a and (b and c)\n"
    ),
    "numbers": "p = 0x1F + 0o17 + 0b1 + 1_000 + 1.5e3 + 2j + 1E-5 + .5 + 5. + 0xdead_beef\n",
    "strings": "q = 'a' \"b\" 'c'\nr = b'x' b'y'\ns = u'x' 'y'\nt = r'\\d' '\\n'\nu = '''a\nb'''\n",
    "unicode": "t = 'é' + '日本' + x\nü = x.attr.ñ\nf(名前=1, ä=ö)\n",
    "calls": "v = f(a, *b, c=d, **e)\nf(x)(y)[z]\nf(\n    a,\n    b=(c),\n)\nf(*(a), **(b))\n",
    "parens": "w = (  # comment\n    a + b\n)\nx = ((a))\ny = ((1, 2))\nz = (a)(b)\n",
    "yield": "def f():\n    x = yield\n    y = yield 1\n    z = yield from g()\n    await_ = (yield)\n",
    "global_nonlocal": "def f():\n    global a, b\n    def g():\n        nonlocal c\n",
    "decorators": "@a.b.c\n@d[0]\n@(lambda f: f)\nasync def f(): pass\n",
    "match": (
        "match command.split():\n"
        "    case [action]:\n        pass\n"
        "    case [action, obj]:\n        pass\n"
        "    case Point(x=0, y=0) | Point(1, 2):\n        pass\n"
        "    case {'x': 1, 'y': y, **rest}:\n        pass\n"
        "    case [1, 2, *others] if others:\n        pass\n"
        "    case (1 | 2) as n:\n        pass\n"
        "    case None | True | False:\n        pass\n"
        "    case -1 | 1.5 | 2j | -3 + 4j | 'a' 'b' | b'x':\n        pass\n"
        "    case a.b.c:\n        pass\n"
        "    case [*_]:\n        pass\n"
        "    case (a, b, *c):\n        pass\n"
        "    case a, b:\n        pass\n"
        "    case ():\n        pass\n"
        "    case str() | bytes():\n        pass\n"
        "    case _:\n        pass\n"
    ),
    "semicolons": "if x: a; b;\nfor i in x: pass;\n",
    "line_continuation": "x = 1 + \\\n    2\nif a and \\\n   b:\n    pass\n",
    "tabs_and_crlf": "if x:\r\n\ty = 1\r\n\tz = 'é'\r\n",
    "fstrings": (
        "a = f'x{y!r:>{w}d}z'\nb = f'{x=}'\nc = f'{x = :>3}'\nd = 'a' f'b{x}' 'c' f'd'\n"
        "e = f'{{lit}}' f''\nf_ = f'''multi\n{x}\nline'''\ng = f'{x:}'\nh = rf'\\d{x}'\n"
        "i = f'é{x}日本{y!s}'\nk = f'{\"nested\"}' F'{x!a}'\n"
    ),
}


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


def _normalized(tree: ast.AST) -> ast.AST:
    """Erase the f-string details in which older CPythons differ from 3.13.

    Before 3.12 f-string parts were positioned differently, so only the rest is compared;
    3.12 ends a format spec whose last part is a replacement field with an empty Constant.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            if not NATIVE_PEP_701:
                node.values = []
            elif sys.version_info < (3, 13):
                node.values = [
                    value
                    for value in node.values
                    if not (isinstance(value, ast.Constant) and value.value == "")
                ]
    return tree


def _native_and_converted(source: str) -> tuple[str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        native = ast.parse(source)
    return _dump(_normalized(native)), _dump(_normalized(parse_newer(source)))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_matches_native_parser(name: str) -> None:
    native, converted = _native_and_converted(SAMPLES[name])
    assert converted == native


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs 3.11 to parse natively")
def test_except_star_matches_native_parser() -> None:
    source = "try:\n    pass\nexcept* ValueError as e:\n    pass\nexcept* (A, B):\n    pass\n"
    native, converted = _native_and_converted(source)
    assert converted == native


@pytest.mark.skipif(sys.version_info < (3, 13), reason="3.11 grammar; 3.12 adds an empty Constant")
@pytest.mark.parametrize("source", ["n = x[*a]\n", "j = f'{x:{y}.{z}}'\n"])
def test_newer_samples_match_native_parser(source: str) -> None:
    native, converted = _native_and_converted(source)
    assert converted == native


# Files whose difference comes from libcst itself, not from the conversion.
LIBCST_LIMITATIONS = {
    "test_grammar.py": "libcst rejects a parenthesized annotated assignment target",
    "ann_module.py": "libcst rejects a parenthesized annotated assignment target",
    "test_fstring.py": "libcst drops whitespace after an f-string conversion (f'{x!s  }')",
    "topics.py": "a giant implicit concatenation exceeds the C recursion limit on 3.12",
}


def _stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        Path(directory, name)
        for directory, _, names in os.walk(root)
        if "site-packages" not in directory
        for name in names
        if name.endswith(".py")
    )


def _stdlib_mismatch(path: Path) -> str | None:
    try:
        source = path.read_text(encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None
    try:
        native, converted = _native_and_converted(source)
    except (SyntaxError, RecursionError) as exc:
        return f"{path}: {type(exc).__name__}: {exc}"
    return None if native == converted else f"{path}: trees differ"


# Every file takes about 10 minutes on two cores; the suite checks an evenly spread sample of
# STDLIB_SAMPLE files and PRODGATE_FULL_STDLIB=1 checks all of them.
STDLIB_SAMPLE = 250


@pytest.mark.slow
def test_standard_library_matches_native_parser() -> None:
    files = _stdlib_files()
    if not os.environ.get("PRODGATE_FULL_STDLIB"):
        files = files[:: max(1, len(files) // STDLIB_SAMPLE)]
    mismatches = [
        problem
        for path in files
        if path.name not in LIBCST_LIMITATIONS and (problem := _stdlib_mismatch(path)) is not None
    ]
    assert not mismatches, "\n".join(mismatches)


def _first_statement(source: str) -> ast.stmt:
    return parse_newer(source).body[0]


def _fields_at(node: ast.AST) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


def _check_native(source: str, version: tuple[int, int]) -> None:
    if sys.version_info >= version:
        assert _dump(parse_newer(source)) == _dump(ast.parse(source))


def test_pep701_nested_quotes_in_fstring() -> None:
    source = 'x = f"{d["k"]}é{y!r:>{w}}"\n'
    value = _first_statement(source).value  # type: ignore[attr-defined]
    assert type(value).__name__ == "JoinedStr"
    first, text, second = value.values
    assert isinstance(first, ast.FormattedValue) and first.conversion == -1
    assert isinstance(first.value, ast.Subscript)
    assert isinstance(first.value.slice, ast.Constant) and first.value.slice.value == "k"
    assert _fields_at(first) == (1, 6, 1, 14)
    assert isinstance(text, ast.Constant) and text.value == "é"
    assert _fields_at(text) == (1, 14, 1, 16)
    assert isinstance(second, ast.FormattedValue) and second.conversion == ord("r")
    assert isinstance(second.format_spec, ast.JoinedStr)
    _check_native(source, (3, 13))  # 3.12 ends a nested format spec with an empty Constant


def test_pep701_multiline_expression_and_comment() -> None:
    source = 'x = f"{\n    a  # comment\n    + b\n}"\n'
    value = _first_statement(source).value  # type: ignore[attr-defined]
    (part,) = value.values
    assert isinstance(part.value, ast.BinOp)
    assert _fields_at(part.value) == (2, 4, 3, 7)
    _check_native(source, (3, 12))


def test_pep695_type_alias() -> None:
    source = "type Pair[T: int, *Ts, **P] = tuple[T, T]\n"
    alias = _first_statement(source)
    assert type(alias).__name__ == "TypeAlias"
    assert isinstance(alias, ast.stmt)
    assert isinstance(alias.name, ast.Name) and isinstance(alias.name.ctx, ast.Store)  # type: ignore[attr-defined]
    kinds = [type(param).__name__ for param in alias.type_params]  # type: ignore[attr-defined]
    assert kinds == ["TypeVar", "TypeVarTuple", "ParamSpec"]
    assert alias.type_params[0].bound.id == "int"  # type: ignore[attr-defined]
    assert isinstance(alias.value, ast.Subscript)  # type: ignore[attr-defined]
    assert _fields_at(alias) == (1, 0, 1, 41)
    _check_native(source, (3, 12))


def test_pep695_generic_function_and_class() -> None:
    source = "def f[T](x: T) -> T:\n    return x\nclass C[K, V](Base[K]):\n    pass\n"
    function, klass = parse_newer(source).body
    assert isinstance(function, ast.FunctionDef) and isinstance(klass, ast.ClassDef)
    assert [p.name for p in function.type_params] == ["T"]  # type: ignore[attr-defined]
    assert "type_params" in type(function)._fields
    assert [p.name for p in klass.type_params] == ["K", "V"]  # type: ignore[attr-defined]
    names = {type(node).__name__ for node in ast.walk(klass)}
    assert "TypeVar" in names
    _check_native(source, (3, 12))


def test_pep696_type_parameter_defaults() -> None:
    source = "type A[T = int, *Ts = *tuple[int], **P = [int]] = T\n"
    alias = _first_statement(source)
    defaults = [param.default_value for param in alias.type_params]  # type: ignore[attr-defined]
    assert isinstance(defaults[0], ast.Name) and defaults[0].id == "int"
    assert isinstance(defaults[1], ast.Starred)
    assert isinstance(defaults[2], ast.List)
    _check_native(source, (3, 13))


def test_except_star_structure() -> None:
    source = "try:\n    pass\nexcept* ValueError as e:\n    pass\n"
    statement = _first_statement(source)
    assert type(statement).__name__ == "TryStar"
    (handler,) = statement.handlers  # type: ignore[attr-defined]
    assert isinstance(handler, ast.ExceptHandler) and handler.name == "e"
    assert _fields_at(handler) == (3, 0, 4, 8)
    _check_native(source, (3, 11))


def test_pep750_template_string() -> None:
    value = _first_statement('x = t"hi {name!r:>{w}}"\n').value  # type: ignore[attr-defined]
    assert type(value).__name__ == "TemplateStr"
    text, interpolation = value.values
    assert isinstance(text, ast.Constant) and text.value == "hi "
    assert type(interpolation).__name__ == "Interpolation"
    assert interpolation.str == "name" and interpolation.conversion == ord("r")
    assert isinstance(interpolation.value, ast.Name)
    assert isinstance(interpolation.format_spec.values[1], ast.FormattedValue)
    assert _fields_at(interpolation) == (1, 9, 1, 22)


def test_visitor_dispatches_to_shim_classes() -> None:
    seen: list[str] = []

    class Visitor(ast.NodeVisitor):
        def visit_TypeAlias(self, node: ast.AST) -> None:
            seen.append("TypeAlias")
            self.generic_visit(node)

        def visit_TypeVar(self, node: ast.AST) -> None:
            seen.append("TypeVar")

    Visitor().visit(parse_newer("type X[T] = list[T]\n"))
    assert seen == ["TypeAlias", "TypeVar"]


def test_invalid_source_raises_syntax_error() -> None:
    with pytest.raises(SyntaxError) as info:
        parse_newer("x = (1,\ny = 2\n", "bad.py")
    assert info.value.lineno is not None and info.value.msg
    assert info.value.filename == "bad.py"


def test_large_file_converts() -> None:
    source = "".join(
        f"def f{i}(a, b=1):\n    return f'{{a}}' + str(b) * {i}\n" for i in range(2500)
    )
    tree = parse_newer(source)
    assert len(tree.body) == 2500
    assert tree.body[-1].lineno == 4999
