"""One entry point for rules that judge every binding of a value: `x = v` and `x: T = v` alike."""
from __future__ import annotations

import ast
from abc import abstractmethod

from prodgate.static.context import FileContext


class AssignmentVisits:
    """Mixin that hands each (target, value) of an assignment statement to `assignment`."""

    @abstractmethod
    def assignment(self, target: ast.expr, value: ast.expr, statement: ast.stmt, ctx: FileContext) -> None:
        """Judge the binding of `value` to `target` by `statement`."""

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        for target in node.targets:
            self.assignment(target, node.value, node, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is not None:
            self.assignment(node.target, node.value, node, ctx)
