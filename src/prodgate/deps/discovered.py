"""Deprecations a library declares in its own source, read from the syntax tree (never imported).

A function, method or class is deprecated when calling it always warns: it is decorated with a
deprecation decorator (PEP 702 ``typing_extensions.deprecated`` / ``warnings.deprecated``, the
``deprecated`` package, ``deprecation.deprecated``), or its body calls ``warnings.warn`` with a
deprecation category (``DeprecationWarning``, ``FutureWarning``, or a library class derived
from one: checked later, against the index) before any statement
that could return, raise or branch around it. A keyword argument is deprecated when a top-level
``if`` that tests only that parameter (``if timeout is not None:``, ``if legacy:``, ``if
"legacy" in kwargs:``) warns the same way at the top of its body: passing the keyword (with a
value the test lets through) warns, not passing it does not. Anything else is not a deprecation,
``PendingDeprecationWarning`` included: it announces a deprecation still to come and is silent
by default.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

Record = dict[str, Any]
Resolver = Callable[[ast.expr], str | None]

CATEGORIES = frozenset({"DeprecationWarning", "FutureWarning"})
BUILTIN_CATEGORIES = frozenset(f"builtins.{name}" for name in CATEGORIES)
PEP702 = frozenset({"typing_extensions.deprecated", "warnings.deprecated"})
DECORATORS = PEP702 | {"deprecated.deprecated", "deprecated.classic.deprecated", "deprecated.sphinx.deprecated",
                       "deprecation.deprecated"}
WARN = frozenset({"warnings.warn"})
VERSION_KEYWORDS = ("deprecated_in", "version")
MESSAGE_KEYWORDS = ("reason", "details", "message")
SINCE = re.compile(r"deprecated\s+(?:in|since|as of)\s+(?:[A-Za-z][\w-]*\s+)?(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)",
                   re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s")
EXITS = (ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await, ast.Break, ast.Continue)


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def stated_version(message: str) -> str:
    found = SINCE.search(message)
    return found.group(1) if found else ""


def _text(node: ast.expr | None, assigned: dict[str, ast.expr]) -> str:
    """The literal text of a message expression (f-string holes shown as ``{...}``), else ""."""
    if isinstance(node, ast.Name) and node.id in assigned:
        node = assigned[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                       for v in node.values if isinstance(v, (ast.Constant, ast.FormattedValue)))
    if isinstance(node, ast.BinOp):
        return _text(node.left, assigned)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _text(node.func.value, assigned)
    return ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _warning(stmt: ast.stmt, resolve: Resolver, assigned: dict[str, ast.expr]) -> Record | None:
    """``{"m": message, "c": category}`` when ``stmt`` is a ``warnings.warn`` of a deprecation category."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if resolve(call.func) not in WARN or not call.args:
        return None
    message: ast.expr | None = call.args[0]
    category = call.args[1] if len(call.args) > 1 else _keyword(call, "category")
    if category is None and isinstance(message, ast.Call):
        category, message = message.func, (message.args[0] if message.args else None)
    path = resolve(category) if category is not None else None
    if path is None or not (path in BUILTIN_CATEGORIES or not path.startswith("builtins.")):
        return None
    return {"m": first_sentence(_text(message, assigned)), "c": "" if path in BUILTIN_CATEGORIES else path}


def _decorator(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, resolve: Resolver) -> Record | None:
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        path = resolve(call.func if call is not None else decorator)
        if path not in DECORATORS:
            continue
        if call is None:
            return {"m": "", "v": "", "c": ""}
        if path in PEP702:
            category = _keyword(call, "category")
            if isinstance(category, ast.Constant) and category.value is None:
                return None  # only for type checkers: nothing warns at run time
        message = next((m for m in (*call.args[:1], *(_keyword(call, k) for k in MESSAGE_KEYWORDS)) if m), None)
        text = _text(message, {})
        version = next((_text(v, {}) for v in (_keyword(call, k) for k in VERSION_KEYWORDS) if v is not None), "")
        return {"m": first_sentence(text), "v": version or stated_version(text), "c": ""}
    return None


def _exits(stmt: ast.stmt) -> bool:
    """``stmt`` may leave the function, or skip what follows, on some path."""
    todo: list[ast.AST] = [stmt]
    while todo:
        node = todo.pop()
        if isinstance(node, EXITS):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]
    return body


def _assigned_names(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _with_version(warning: Record) -> Record:
    return {**warning, "v": stated_version(warning["m"])}


def function_deprecation(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, resolve: Resolver) -> Record | None:
    """``{"m": message, "v": version, "c": category}`` when using ``node`` always warns, else None."""
    if any(resolve(d) in ("typing.overload", "typing_extensions.overload") for d in node.decorator_list):
        return None
    found = _decorator(node, resolve)
    if found is not None or isinstance(node, ast.ClassDef):
        return found
    assigned: dict[str, ast.expr] = {}
    for stmt in _body(node):
        warning = _warning(stmt, resolve, assigned)
        if warning is not None:
            return _with_version(warning)
        if _exits(stmt) or isinstance(stmt, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While,
                                            ast.Match)):
            return None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            assigned[stmt.targets[0].id] = stmt.value
    return None


def _tested_parameter(test: ast.expr, parameters: set[str]) -> tuple[str, str] | None:
    """(parameter, when) for a test on one parameter: ``notnone``, ``truthy`` or ``passed``."""
    if isinstance(test, ast.Name) and test.id in parameters:
        return test.id, "truthy"
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)
            and test.left.id in parameters):
        right = test.comparators[0]
        if isinstance(test.ops[0], ast.IsNot):
            if isinstance(right, ast.Constant) and right.value is None:
                return test.left.id, "notnone"
            return test.left.id, "passed"
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)
            and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str)
            and isinstance(test.comparators[0], ast.Name) and test.comparators[0].id in parameters):
        return test.left.value, "passed"
    return None


def keyword_deprecations(node: ast.FunctionDef | ast.AsyncFunctionDef, resolve: Resolver) -> dict[str, Record]:
    """Keyword name -> ``{"m", "v", "c", "w"}`` for keywords whose passing always warns."""
    arguments = node.args
    parameters = {a.arg for a in (*arguments.args, *arguments.kwonlyargs)}
    if arguments.kwarg is not None:
        parameters.add(arguments.kwarg.arg)
    found: dict[str, Record] = {}
    reassigned: set[str] = set()
    for stmt in _body(node):
        tested = _tested_parameter(stmt.test, parameters - reassigned) if isinstance(stmt, ast.If) else None
        if isinstance(stmt, ast.If) and tested is not None:
            assigned: dict[str, ast.expr] = {}
            for inner in stmt.body:
                warning = _warning(inner, resolve, assigned)
                if warning is not None:
                    found.setdefault(tested[0], {**_with_version(warning), "w": tested[1]})
                    break
                if _exits(inner) or not isinstance(inner, (ast.Expr, ast.Assign)):
                    break
                if isinstance(inner, ast.Assign) and len(inner.targets) == 1 and isinstance(inner.targets[0], ast.Name):
                    assigned[inner.targets[0].id] = inner.value
        elif _exits(stmt):
            break
        reassigned |= _assigned_names(stmt)
    return found
