"""Name resolution inside one module: imports and aliases to qualified names, and local bindings.

``from requests import get as fetch; fetch(u)`` resolves to ``requests.get``; ``import numpy as
np; np.float`` to ``numpy.float``; relative imports resolve against the module's package. Local
bindings remember the last value assigned to a name in a scope, so rules can ask what a variable
holds (``s = requests.Session(); s.get(...)``). Flow-insensitive by design: cheap and predictable.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass

BUILTINS = frozenset(dir(builtins))
# Standard modules a snippet refers to by name when its imports were cut off (code pasted out of a
# larger file): with no binding anywhere, ``os.system`` can only mean the module.
IMPLICIT_MODULES = frozenset({
    "os", "sys", "subprocess", "hashlib", "hmac", "pickle", "marshal", "random", "shlex", "ssl", "socket",
    "tempfile", "shutil", "shelve",
})


@dataclass(slots=True)
class Binding:
    """What a name is bound to in a scope.

    ``kind`` is ``import`` (``qualname`` is the imported name), ``def``/``class`` (``qualname`` is
    the definition's qualified name), ``assign`` (``value`` is the assigned expression) or
    ``param`` (``value`` is the annotation, if any).
    """

    kind: str
    qualname: str | None = None
    value: ast.expr | None = None
    node: ast.AST | None = None


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if name:
        return f"{base}.{name}" if base else name
    return base


def import_bindings(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[tuple[str, Binding]]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, Binding("import", alias.name, node=node)
            else:
                top = alias.name.split(".", 1)[0]
                yield top, Binding("import", top, node=node)
        return
    source = node.module or ""
    if node.level:
        source = resolve_relative(module, is_package, node.level, node.module)
    for alias in node.names:
        if alias.name == "*":
            continue
        qualname = f"{source}.{alias.name}" if source else alias.name
        yield alias.asname or alias.name, Binding("import", qualname, node=node)


def _target_names(target: ast.expr) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def assignment_bindings(node: ast.AST) -> Iterator[tuple[str, Binding]]:
    """Bindings made by an assignment-like statement (single-name targets keep their value)."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                yield target.id, Binding("assign", value=node.value, node=node)
            else:
                for name in _target_names(target):
                    yield name.id, Binding("assign", node=node)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
        value = node.value if isinstance(node, ast.AnnAssign) else None
        annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
        yield node.target.id, Binding("assign", value=value, node=node, qualname=None if annotation is None else "")
    elif isinstance(node, ast.NamedExpr):
        yield node.target.id, Binding("assign", value=node.value, node=node)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                for name in _target_names(item.optional_vars):
                    value = item.context_expr if isinstance(item.optional_vars, ast.Name) else None
                    yield name.id, Binding("assign", value=value, node=node)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        for name in _target_names(node.target):
            yield name.id, Binding("assign", node=node)


class Scopes:
    """The stack of scopes at the current point of the walk (module scope at the bottom)."""

    def __init__(self, module: str, is_package: bool):
        self.module = module
        self.is_package = is_package
        self.stack: list[dict[str, Binding]] = [{}]
        self.names: list[str] = []  # qualified-name parts of enclosing defs
        self.version = 0  # changes whenever a binding or scope changes (keys resolution caches)

    def push(self, name: str) -> None:
        self.stack.append({})
        self.names.append(name)
        self.version += 1

    def pop(self) -> None:
        self.stack.pop()
        self.names.pop()
        self.version += 1

    @property
    def qualname(self) -> str:
        return ".".join(self.names)

    def bind(self, name: str, binding: Binding) -> None:
        self.stack[-1][name] = binding
        self.version += 1

    def bind_module(self, name: str, binding: Binding) -> None:
        self.stack[0].setdefault(name, binding)
        self.version += 1

    def lookup(self, name: str) -> Binding | None:
        for scope in reversed(self.stack):
            found = scope.get(name)
            if found is not None:
                return found
        return None

    def qualname_of(self, expr: ast.AST) -> str | None:
        """The dotted qualified name an expression refers to, through imports and definitions."""
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id)
            if binding is None:
                return expr.id if expr.id in BUILTINS or expr.id in IMPLICIT_MODULES else None
            if binding.kind in ("import", "def", "class"):
                return binding.qualname
            return None
        if isinstance(expr, ast.Attribute):
            base = self.qualname_of(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def value_of(self, expr: ast.AST) -> ast.expr | None:
        """The expression last assigned to a plain name, following chains of plain names."""
        seen = 0
        while isinstance(expr, ast.Name) and seen < 8:
            binding = self.lookup(expr.id)
            if binding is None or binding.kind != "assign" or binding.value is None:
                return None
            expr = binding.value
            seen += 1
        return expr if seen and isinstance(expr, ast.expr) else None


def predeclare_module(tree: ast.Module, scopes: Scopes) -> None:
    """Bind the module's top-level imports and definitions before the walk (any order of use)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, binding in import_bindings(node, scopes.module, scopes.is_package):
                scopes.bind_module(name, binding)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scopes.bind_module(node.name, Binding("def", f"{scopes.module}.{node.name}", node=node))
        elif isinstance(node, ast.ClassDef):
            scopes.bind_module(node.name, Binding("class", f"{scopes.module}.{node.name}", node=node))
        elif isinstance(node, ast.If):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            pending.extend(node.body + node.orelse + node.finalbody)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                pending.extend(handler.body)
