"""Helpers shared by the dependency and API rules (PG820+): where an import sits, and what it names."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from functools import lru_cache

from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex, top_level_roots

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException",
                           "builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.Exception",
                           "builtins.BaseException"})
RUNNING_STDLIB = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names) | {"__future__", "__main__"}
OPTIONAL_IMPORT = "optional-import"


def _catches(ctx: FileContext, handler: ast.ExceptHandler, errors: frozenset[str]) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((ctx.qualname(t) or ast.unparse(t)) in errors for t in types)


def in_try_catching(ctx: FileContext, node: ast.AST, errors: frozenset[str]) -> bool:
    """True when ``node`` runs inside the body of a ``try`` that catches one of ``errors``."""
    child = node
    for parent in ctx.ancestors():
        if isinstance(parent, ast.Try) and child in parent.body and any(_catches(ctx, h, errors) for h in parent.handlers):
            return True
        child = parent
    return False


def _is_type_checking(ctx: FileContext, test: ast.expr) -> bool:
    return (ctx.qualname(test) or ast.unparse(test)) in ("TYPE_CHECKING", "typing.TYPE_CHECKING",
                                                          "typing_extensions.TYPE_CHECKING")


def _is_version_check(ctx: FileContext, test: ast.expr) -> bool:
    return any(ctx.qualname(n) == "sys.version_info" for n in ast.walk(test) if isinstance(n, (ast.Name, ast.Attribute)))


def _fallback_or_type_checking(ctx: FileContext, parent: ast.AST, child: ast.AST) -> bool:
    if isinstance(parent, ast.ExceptHandler):
        return _catches(ctx, parent, IMPORT_ERRORS)
    if isinstance(parent, ast.Try) and child in parent.orelse:
        return any(_catches(ctx, h, IMPORT_ERRORS) for h in parent.handlers)
    return isinstance(parent, ast.If) and child is not parent.test and (
        _is_version_check(ctx, parent.test) or (child in parent.body and _is_type_checking(ctx, parent.test)))


def is_optional_import(ctx: FileContext, node: ast.stmt) -> bool:
    """An import that cannot break the program: guarded by ``except ImportError`` (or broader), the
    fallback in such a handler, the ``else`` that runs only when the guarded import succeeded, a
    branch of a ``sys.version_info`` check (a backport for other Python versions), or only for
    type checkers (``if TYPE_CHECKING:``)."""
    child: ast.AST = node
    for parent in ctx.ancestors():
        if isinstance(parent, ast.Try) and child in parent.body:
            if any(_catches(ctx, h, IMPORT_ERRORS) for h in parent.handlers):
                return True
        elif _fallback_or_type_checking(ctx, parent, child):
            return True
        child = parent
    return False


def third_party(qualname: str | None) -> bool:
    """A qualified name outside the running standard library (and not a dunder)."""
    return qualname is not None and qualname.split(".", 1)[0] not in RUNNING_STDLIB and "__" not in qualname


def foreign(ctx: FileContext, qualname: str | None) -> bool:
    """A third-party qualified name outside the project's own top-level packages and modules.

    What the project defines is dropped by the project phase anyway: not worth a candidate
    carried to it (a library's own source and tests mention its package on nearly every line)."""
    return third_party(qualname) and not ctx.in_project(str(qualname).split(".", 1)[0])


def root_is_import(ctx: FileContext, node: ast.expr) -> bool:
    """The leftmost name of ``node`` (``np`` in ``np.linalg.norm``) is bound by an import."""
    while isinstance(node, ast.Attribute):
        node = node.value
    binding = ctx.binding(node.id) if isinstance(node, ast.Name) else None
    return binding is not None and binding.kind == "import"


def imported_roots(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, ast.AST]]:
    """Top-level module names an absolute import statement loads (with the node to report at)."""
    if isinstance(node, ast.ImportFrom):
        if node.level == 0 and node.module:
            yield node.module.split(".", 1)[0], node
        return
    for alias in node.names:
        yield alias.name.split(".", 1)[0], alias


@lru_cache(maxsize=4)
def project_roots(index: ProjectIndex) -> frozenset[str]:
    """Top-level names the project's own (analysed) files are imported by (``top_level_roots``)."""
    return top_level_roots((m.module, m.path, m.is_package) for m in index.modules.values())


def project_defines(index: ProjectIndex, qualname: str) -> bool:
    """``qualname`` is rooted in one of the project's own top-level names (what ``foreign``
    leaves out in phase one, so a result from the cache is judged as a fresh one)."""
    return qualname.split(".", 1)[0] in project_roots(index)


def importer_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


@lru_cache(maxsize=4)
def optional_roots(index: ProjectIndex) -> frozenset[str]:
    """Top-level modules some file of the project imports optionally (``try/except ImportError``):
    the project treats them as optional everywhere (``if has_simplejson: from simplejson import ...``)."""
    return frozenset(root for module in index.modules.values() for root in module.facts.get(OPTIONAL_IMPORT, {}))


def candidate_imports(node: ast.Import | ast.ImportFrom, ctx: FileContext) -> list[tuple[str, ast.AST]]:
    """Third-party roots outside the project an import statement requires; optional ones are
    published, not returned."""
    roots = [(root, at) for root, at in imported_roots(node) if root not in RUNNING_STDLIB and not ctx.in_project(root)]
    if roots and is_optional_import(ctx, node):
        for root, _ in roots:
            ctx.publish(OPTIONAL_IMPORT, root, True)
        return []
    return roots
