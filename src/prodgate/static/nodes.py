"""Small questions about single AST nodes that rules of several families ask."""

from __future__ import annotations

import ast


def name_of(node: ast.AST | None) -> str:
    """The last identifier of a name, attribute, constant subscript key or argument
    (``self.reset_token`` -> ``reset_token``, ``settings["API_KEY"]`` -> ``API_KEY``); else ``""``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.arg):
        return node.arg
    return ""
