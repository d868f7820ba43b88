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
    return any(
        base == qualname or index.resolve(base) == qualname
        for cls in index.classes.values() for base in cls.bases
    )
