"""Parsing source text into an ``ast`` tree, whatever Python version the code was written for.

The running interpreter's ``ast.parse`` is used when it can read the file. Code written for a
newer Python (PEP 701 f-strings, PEP 695 type parameters, ...) is parsed by libcst's native
parser and converted to an equivalent ``ast`` tree (``cst_to_ast``). Nothing is executed.
"""

from __future__ import annotations

import ast
import io
import textwrap
import warnings

# Parses tried on one unparseable file before giving up on finding its parseable statements.
FRAGMENT_ATTEMPTS = 64


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


def parse_fragment(text: str, path: str) -> ast.Module | None:
    """The statements of an unparseable ``text`` that parse, with the line and column numbers they
    have in ``text``; None when none is found within ``FRAGMENT_ATTEMPTS`` parses.

    Code cut out of a larger file (a snippet pasted into a review or a prompt) starts inside a
    statement or a block and ends inside another. The text is split where the indentation falls
    below that of the piece's first line (the rest of a method body, then the next method), and
    in each piece the lines around each syntax error are dropped (from the front when the error
    is in the first half, from the back otherwise) until the rest, dedented, parses. The file
    itself still counts as unparseable.
    """
    lines = io.StringIO(text, newline="").readlines()  # the line breaks the parser counts
    budget = [FRAGMENT_ATTEMPTS]
    body = [node for start, end in _pieces(lines) for node in _parse_piece(lines, start, end, path, budget)]
    return ast.Module(body=body, type_ignores=[]) if body else None


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip())


def _pieces(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of lines none of which is indented less than the run's first line."""
    pieces: list[tuple[int, int]] = []
    start, floor = 0, -1
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        if floor < 0:
            start, floor = number, _indentation(line)
        elif _indentation(line) < floor:
            pieces.append((start, number))
            start, floor = number, _indentation(line)
    if floor >= 0:
        pieces.append((start, len(lines)))
    return pieces


def _parse_piece(lines: list[str], start: int, end: int, path: str, budget: list[int]) -> list[ast.stmt]:
    while budget[0] > 0:
        while start < end and not lines[start].strip():
            start += 1
        if start >= end:
            break
        budget[0] -= 1
        window = "".join(lines[start:end])
        body = textwrap.dedent(window)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(body, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            error = min(max((getattr(exc, "lineno", None) or 1) - 1, 0), end - start - 1) + start
            if error - start < end - error:
                start = error + 1
            else:
                end = error
            continue
        _move(tree, start, _indentation(lines[start]) - _indentation(body.splitlines()[0]))
        return tree.body
    return []


def _move(tree: ast.Module, lines: int, columns: int) -> None:
    ast.increment_lineno(tree, lines)
    for node in ast.walk(tree):
        for field in ("col_offset", "end_col_offset"):
            value = getattr(node, field, None)
            if value is not None:
                setattr(node, field, value + columns)
