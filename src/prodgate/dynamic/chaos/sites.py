"""Call sites: the innermost stack frame that is in the project's own code, as ``path:line``.

Project code is a file under the root that is not a test (``test_*.py``, ``*_test.py``,
``conftest.py``, anything under a ``tests``/``test`` directory), not installed into the
interpreter (``site-packages``), and not prodgate itself. Decisions are cached per file name.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path, PurePath
from types import FrameType

import prodgate

_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_file(path: str) -> bool:
    pure = PurePath(path)
    name = pure.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in _TEST_DIRS for part in pure.parts[:-1])


class SiteLocator:
    """Finds call sites and tells project code from tests, libraries and the interpreter."""

    def __init__(self, root: Path):
        self.root = str(root.resolve())
        self._prefix = self.root.rstrip(os.sep) + os.sep
        self._excluded = tuple({str(Path(p).resolve()) + os.sep for p in (
            sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
            os.path.dirname(prodgate.__file__), sys.prefix, sys.base_prefix) if p})
        self._project: dict[str, str | None] = {}
        self._code: dict[str, str | None] = {}

    def relative(self, filename: str) -> str | None:
        """The root-relative posix path of ``filename`` when it is under the root, else None."""
        if filename not in self._code:
            # "<frozen runpy>", "<string>": code with no file is never the project's.
            absolute = "" if not filename or filename.startswith("<") else os.path.realpath(filename)
            inside = absolute.startswith(self._prefix) and not any(
                absolute.startswith(e) for e in self._excluded if not self._prefix.startswith(e))
            self._code[filename] = PurePath(absolute[len(self._prefix):]).as_posix() if inside else None
        return self._code[filename]

    def project_path(self, filename: str) -> str | None:
        """The relative path of ``filename`` when it is project code (not a test), else None."""
        if filename not in self._project:
            rel = self.relative(filename)
            self._project[filename] = rel if rel is not None and not is_test_file(rel) else None
        return self._project[filename]

    def site(self, frame: FrameType | None) -> str | None:
        """``path:line`` of the innermost project frame from ``frame`` outwards, or None."""
        while frame is not None:
            filename = frame.f_code.co_filename
            rel = self._project[filename] if filename in self._project else self.project_path(filename)
            if rel is not None:
                return f"{rel}:{frame.f_lineno}"
            frame = frame.f_back
        return None
