"""Parsing source text into an ``ast`` tree, whatever Python version the code was written for.

The running interpreter's ``ast.parse`` is used when it can read the file. Code written for a
newer Python (PEP 701 f-strings, PEP 695 type parameters, ...) is parsed by libcst's native
parser and converted to an equivalent ``ast`` tree (``cst_to_ast``). Nothing is executed.
"""

from __future__ import annotations

import ast
import warnings


def parse(text: str, path: str) -> ast.Module:
    """Parse ``text``; raise ``SyntaxError`` (from the interpreter) when no parser accepts it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text, filename=path)
        except SyntaxError as native_error:
            # Imported here: libcst is only needed for the rare file the interpreter cannot read.
            from prodgate.static.cst_to_ast import parse_newer

            try:
                return parse_newer(text, path)
            except SyntaxError:
                raise native_error from None
        except (ValueError, RecursionError, MemoryError) as exc:
            # NUL bytes (ValueError before 3.12) and pathologically deep nesting.
            raise SyntaxError(str(exc) or type(exc).__name__) from None
