"""Questions the ai.placeholder rules share: comments near a node, and whether a class is a base class."""

from __future__ import annotations

import ast
import re

from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex

TODO_COMMENT = re.compile(
    r"#.*(?:\b(?:TODO|FIXME|XXX)\b|implement (?:me|this|later)\b|(?:not|to be) implemented|\bstub\b|\bplaceholder\b)",
    re.IGNORECASE,
)
ABSTRACT_BASES = frozenset({
    "abc.ABC", "abc.ABCMeta", "typing.Protocol", "typing_extensions.Protocol", "typing.Generic", "ABC", "Protocol",
    "zope.interface.Interface",
})
BASE_CLASS_NAME = re.compile(r"^(?:Base|Abstract)|(?:Base|Mixin|Interface|Protocol|ABC)$")


def comment_lines(ctx: FileContext, first: int, last: int) -> list[str]:
    """The source lines ``first``..``last`` that carry a TODO-style comment."""
    return [line for line in ctx.lines[first - 1:last] if "#" in line and TODO_COMMENT.search(line)]


def looks_like_base_class(cls: ast.ClassDef, ctx: FileContext) -> bool:
    """Declared abstract, a protocol, or named as a base class or mixin."""
    if BASE_CLASS_NAME.search(cls.name):
        return True
    for base in cls.bases:
        if (ctx.qualname(base) or ast.unparse(base)) in ABSTRACT_BASES:
            return True
    return any(k.arg == "metaclass" and (ctx.qualname(k.value) or "") == "abc.ABCMeta" for k in cls.keywords)


def is_subclassed(index: ProjectIndex, qualname: str) -> bool:
    """Some class of the project names ``qualname`` among its bases (through re-exports)."""
    module, _, name = qualname.rpartition(".")
    for cls in index.classes.values():
        for base in cls.bases:
            base = base.split("[", 1)[0]
            if base == qualname or index.resolve(base) == qualname or (
                    base == name and cls.qualname.startswith(f"{module}.")):
                return True
    return False


def name_for_value(node: ast.expr, ctx: FileContext) -> tuple[str, str]:
    """The name a literal is given, and how: ``assignment`` (variable, attribute or item), ``keyword``,
    ``key`` (of a dict), ``parameter`` (a default) or ``environment`` (``os.environ.get("API_URL", <node>)``).
    ``("", "")`` when it is given no name."""
    child: ast.AST = node
    for parent in ctx.ancestors():
        if isinstance(parent, ast.Call) and child is not parent.func:
            if len(parent.args) >= 2 and child is parent.args[1] and isinstance(parent.args[0], ast.Constant):
                return str(parent.args[0].value), "environment"
        elif isinstance(parent, ast.keyword) and parent.arg not in (None, "default"):
            return parent.arg or "", "keyword"
        elif isinstance(parent, ast.Dict):
            keys = [k for k, v in zip(parent.keys, parent.values, strict=True) if v is child]
            return (str(keys[0].value), "key") if keys and isinstance(keys[0], ast.Constant) else ("", "")
        elif isinstance(parent, ast.arguments):
            return _parameter_for_default(parent, child), "parameter"
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return next((_target_name(t) for t in targets if _target_name(t)), ""), "assignment"
        elif isinstance(parent, (ast.stmt, ast.Lambda, ast.comprehension, ast.Tuple, ast.List, ast.Set)):
            return "", ""
        child = parent
    return "", ""


def _target_name(target: ast.expr) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return str(target.slice.value)
    return ""


def _parameter_for_default(arguments: ast.arguments, default: ast.AST) -> str:
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is not None]
    return next((a.arg for a, d in pairs if d is default), "")
