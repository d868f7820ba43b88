"""The project index: every module's summary, merged, with cross-module lookups rules query."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from prodgate.static.summary import ClassSummary, FunctionSummary, ModuleSummary, ValueFacts


def top_level_roots(modules: Iterable[tuple[str, str, bool]]) -> frozenset[str]:
    """Top-level names the project's files are imported by, from each file's (module, path, is package).

    Besides the modules' first names, every file provides the outermost package directory
    holding it, or itself when its directory is no package, wherever it sits: an example's own
    pyproject, a test runner's rootdir or a fixture puts nested directories on ``sys.path``
    (``examples/tutorial/flaskr/auth.py`` provides ``flaskr``, ``tests/test_apps/cliapp/app.py``
    provides ``cliapp``). Known from the file list alone, so phase one can use it too."""
    modules = list(modules)
    packages = {posixpath.dirname(path) for _, path, is_package in modules if is_package}
    roots = {name.split(".", 1)[0] for name, _, _ in modules}
    for _, path, _ in modules:
        directory = posixpath.dirname(path)
        if directory not in packages:
            roots.add(posixpath.basename(path).split(".", 1)[0])
            continue
        while posixpath.dirname(directory) in packages and posixpath.dirname(directory) != directory:
            directory = posixpath.dirname(directory)
        roots.add(posixpath.basename(directory))
    return frozenset(roots - {"", "__init__"})


class ProjectIndex:
    def __init__(self, modules: Iterable[ModuleSummary]):
        self.modules: dict[str, ModuleSummary] = {m.module: m for m in modules}
        self.functions: dict[str, FunctionSummary] = {}
        self.classes: dict[str, ClassSummary] = {}
        self.callers: dict[str, set[str]] = defaultdict(set)
        for module in self.modules.values():
            self.functions.update(module.functions)
            self.classes.update(module.classes)
        for function in self.functions.values():
            for callee in function.calls:
                self.callers[self.resolve(callee)].add(function.qualname)

    def resolve(self, qualname: str, _depth: int = 0) -> str:
        """Follow re-exports: ``pkg.Client`` -> ``pkg.client.Client`` when ``pkg`` imports it."""
        if _depth > 16:
            return qualname
        module_name, _, name = qualname.rpartition(".")
        module = self.modules.get(module_name)
        if module is not None and name in module.imports:
            target = module.imports[name]
            if target != qualname:
                return self.resolve(target, _depth + 1)
        return qualname

    def is_project_module(self, qualname: str) -> bool:
        parts = qualname.split(".")
        return any(".".join(parts[:i]) in self.modules for i in range(len(parts), 0, -1))

    def function(self, qualname: str) -> FunctionSummary | None:
        return self.functions.get(self.resolve(qualname))

    def fact(self, kind: str, qualname: str) -> Any:
        """A fact a rule published about ``qualname`` (a function, class or value of a module)."""
        resolved = self.resolve(qualname)
        parts = resolved.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is not None:
                return module.facts.get(kind, {}).get(resolved)
        return None

    def value(self, qualname: str) -> ValueFacts | None:
        """Facts about a module-level value (``app.http.session``) or a function's return value."""
        resolved = self.resolve(qualname)
        module_name, _, name = resolved.rpartition(".")
        module = self.modules.get(module_name)
        if module is not None and name in module.values:
            return module.values[name]
        return None
