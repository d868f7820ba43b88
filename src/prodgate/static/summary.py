"""What one module contributes to the project index, gathered during the engine's single walk."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from prodgate.static.names import Scopes


@dataclass(slots=True)
class ValueFacts:
    """What is known about a value bound to a module-level name or returned by a function.

    ``constructor`` is the qualified name of the call that produced it; ``keywords`` the keyword
    arguments of that call; ``configured`` the attributes later assigned on it or methods called
    on it at module level (``session.mount``, ``client.timeout = 5``).
    """

    constructor: str | None
    keywords: tuple[str, ...] = ()
    configured: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FunctionSummary:
    qualname: str
    line: int
    params: tuple[str, ...]
    decorators: tuple[str, ...]
    is_async: bool
    calls: set[str] = field(default_factory=set)
    returns: list[ValueFacts] = field(default_factory=list)


@dataclass(slots=True)
class ClassSummary:
    qualname: str
    line: int
    bases: tuple[str, ...]
    methods: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ModuleSummary:
    module: str
    path: str
    is_package: bool
    imports: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    values: dict[str, ValueFacts] = field(default_factory=dict)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)


def value_facts(call: ast.Call, scopes: Scopes) -> ValueFacts:
    return ValueFacts(scopes.qualname_of(call.func), tuple(k.arg for k in call.keywords if k.arg))


class SummaryBuilder:
    """Fed by the engine's walk; never walks on its own."""

    def __init__(self, module: str, path: str, is_package: bool, scopes: Scopes):
        self.summary = ModuleSummary(module, path, is_package)
        self.scopes = scopes
        self.functions: list[FunctionSummary] = []

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[str]) -> None:
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        qualname = f"{self.summary.module}.{self.scopes.qualname}"
        function = FunctionSummary(qualname, node.lineno, params, tuple(decorators),
                                   isinstance(node, ast.AsyncFunctionDef))
        self.summary.functions[qualname] = function
        self.functions.append(function)

    def leave_function(self) -> None:
        self.functions.pop()

    def enter_class(self, node: ast.ClassDef) -> None:
        bases = tuple(self.scopes.qualname_of(b) or ast.unparse(b) for b in node.bases)
        qualname = f"{self.summary.module}.{self.scopes.qualname}"
        self.summary.classes[qualname] = ClassSummary(qualname, node.lineno, bases)

    def method(self, class_qualname: str, name: str) -> None:
        found = self.summary.classes.get(f"{self.summary.module}.{class_qualname}")
        if found is not None:
            found.methods.append(name)

    def call(self, node: ast.Call) -> None:
        callee = self.scopes.qualname_of(node.func)
        if self.functions and callee:
            self.functions[-1].calls.add(callee)
        elif not self.functions and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            facts = self.summary.values.get(node.func.value.id)
            if facts is not None:
                facts.configured.append(node.func.attr)

    def assign(self, node: ast.Assign) -> None:
        if self.functions or len(self.scopes.stack) > 1:
            return
        for target in node.targets:
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
                self.summary.values[target.id] = value_facts(node.value, self.scopes)
            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                facts = self.summary.values.get(target.value.id)
                if facts is not None:
                    facts.configured.append(target.attr)

    def import_(self, name: str, qualname: str) -> None:
        if not self.functions and len(self.scopes.stack) == 1:
            self.summary.imports[name] = qualname

    def return_(self, node: ast.Return) -> None:
        if not self.functions or node.value is None:
            return
        value = node.value
        if isinstance(value, ast.Name):
            value = self.scopes.value_of(value) or value
        if isinstance(value, ast.Call):
            self.functions[-1].returns.append(value_facts(value, self.scopes))
