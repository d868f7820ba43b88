"""The project's own code at the current revision: which frames are in-app, and where a frame's
function and line are now (matched by file and function name, then the nearest line with the same
text, so frames from an older deployment still land on the right code)."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from prodgate.core.config import Config
from prodgate.core.discovery import discover
from prodgate.feedback.incident import Frame

LIBRARY_MARKERS = ("/site-packages/", "/dist-packages/", "/lib/python3", "/lib64/python3", "<frozen ", "/usr/lib/python")
ANONYMOUS = frozenset({"<module>", "<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})


@dataclass(frozen=True, slots=True)
class Definition:
    qualname: str
    name: str
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a frame is in the project now: file (relative, posix), enclosing function, line."""

    path: str
    function: str  # qualified name, or "<module>"
    line: int
    start: int  # the function's first and last lines (the file's for module level)
    end: int


def _definitions(tree: ast.AST) -> list[Definition]:
    found: list[Definition] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append(Definition(qualname, child.name, child.lineno, child.end_lineno or child.lineno))
                visit(child, f"{qualname}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


class Project:
    """The Python files under a project root, indexed by file name for matching deployed paths."""

    def __init__(self, config: Config):
        self.root = config.root
        self.files = sorted(source.relative for source in discover([config.root], config)
                            if source.relative.endswith(".py"))
        self._by_name: dict[str, list[str]] = defaultdict(list)
        for relative in self.files:
            self._by_name[PurePosixPath(relative).name].append(relative)

    def resolve(self, frame: Frame) -> str | None:
        """The project file a frame ran in, or None for library, stdlib and unknown code."""
        if frame.in_app is False:
            return None
        filename = frame.filename.replace("\\", "/")
        if not filename or filename.startswith("<") or any(marker in filename for marker in LIBRARY_MARKERS):
            return self._by_module(frame.module)
        parts = PurePosixPath(filename).parts
        best: str | None = None
        best_length = 0
        tied = False
        for candidate in self._by_name.get(parts[-1], ()):
            length = _common_suffix(parts, PurePosixPath(candidate).parts)
            if length > best_length:
                best, best_length, tied = candidate, length, False
            elif length == best_length:
                tied = True
        return None if tied else best

    def _by_module(self, module: str) -> str | None:
        if not module:
            return None
        relative = module.replace(".", "/")
        for candidate in (f"{relative}.py", f"{relative}/__init__.py"):
            if candidate in self._by_name.get(PurePosixPath(candidate).name, ()):
                return candidate
        return None

    def source(self, spot: Spot) -> str:
        """The current text of the function (or module) ``spot`` is in."""
        lines, _definitions = _parsed(self.root / spot.path, _mtime(self.root / spot.path))
        return "\n".join(lines[spot.start - 1:spot.end])

    def locate(self, relative: str, frame: Frame) -> Spot:
        """Where ``frame`` (which ran in ``relative``) is in the current code."""
        lines, definitions = _parsed(self.root / relative, _mtime(self.root / relative))
        fallback = frame.lineno or 1
        if frame.function == "<module>" or not definitions:
            return Spot(relative, "<module>", _same_text(lines, fallback, frame.code, 1, len(lines)), 1, max(len(lines), 1))
        named = [d for d in definitions if d.name == frame.function]
        if not named or frame.function in ANONYMOUS:
            named = [d for d in definitions if d.line <= fallback <= d.end_line] or named
        if not named:
            return Spot(relative, frame.function, fallback, fallback, fallback)
        chosen = min(named, key=lambda d: (not d.line <= fallback <= d.end_line, abs(d.line - fallback),
                                            -d.line))
        line = _same_text(lines, fallback, frame.code, chosen.line, chosen.end_line)
        return Spot(relative, chosen.qualname, line, chosen.line, chosen.end_line)


def _common_suffix(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    length = 0
    while length < min(len(left), len(right)) and left[-1 - length] == right[-1 - length]:
        length += 1
    return length


def _same_text(lines: list[str], wanted: int, code: str, start: int, end: int) -> int:
    """The line in ``start..end`` whose text is ``code``, nearest to ``wanted`` (else ``wanted`` clamped)."""
    if code:
        matches = [n for n in range(start, min(end, len(lines)) + 1) if lines[n - 1].strip() == code]
        if matches:
            return min(matches, key=lambda n: abs(n - wanted))
    return min(max(wanted, start), end) if start <= end else wanted


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=512)
def _parsed(path: Path, _mtime_ns: int) -> tuple[list[str], list[Definition]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [], []
    lines = text.splitlines()
    try:
        return lines, _definitions(ast.parse(text))
    except (SyntaxError, ValueError):
        return lines, []
