"""What a failed test's exception says about the code under test (computed in the test process).

``kind`` is one of:

* ``deadline``: the test ran past its deadline;
* ``assertion``: the test's own check failed (an ``AssertionError``, ``pytest.fail``, or any
  exception raised in test code);
* ``domain``: the project raised its own error (a class defined in project code, or a ``raise``
  statement in project code);
* ``project-crash``: project code failed implicitly (a ``KeyError`` or ``TypeError`` on a value);
* ``library``: a library's exception escaped (``requests.ConnectTimeout``,
  ``sqlite3.OperationalError``, ``json.JSONDecodeError``, a socket ``TimeoutError``, ...).
"""

from __future__ import annotations

import linecache
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

import prodgate
from prodgate.dynamic.chaos.sites import SiteLocator
from prodgate.dynamic.chaos.state import DeadlineExceeded

_PRODGATE = str(Path(prodgate.__file__).resolve().parent)
MESSAGE_LIMIT = 300


def _frames(tb: TracebackType | None) -> list[tuple[str, int]]:
    frames = []
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith(_PRODGATE):
            frames.append((filename, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _defined_in_project(cls: type, locator: SiteLocator) -> bool:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    return isinstance(filename, str) and locator.project_path(filename) is not None


def describe(exc: BaseException, locator: SiteLocator) -> dict[str, Any]:
    """The exception's type, message, kind, origin (innermost project frame) and escape frame."""
    frames = _frames(exc.__traceback__)
    project = [(locator.project_path(f), line) for f, line in frames]
    project_frames = [f"{path}:{line}" for path, line in project if path is not None]
    cls = type(exc)
    innermost = frames[-1] if frames else ("", 0)
    inner_project = locator.project_path(innermost[0])
    if isinstance(exc, DeadlineExceeded):
        kind = "deadline"
    elif isinstance(exc, AssertionError) or cls.__module__.startswith("_pytest"):
        kind = "assertion"
    elif _defined_in_project(cls, locator):
        kind = "domain"
    elif cls.__module__ != "builtins":
        kind = "library"
    elif inner_project is not None:
        statement = linecache.getline(innermost[0], innermost[1]).strip()
        kind = "domain" if statement.startswith("raise") else "project-crash"
    elif locator.relative(innermost[0]) is not None:
        kind = "assertion"
    else:
        kind = "library"
    return {"type": f"{cls.__module__}.{cls.__qualname__}".removeprefix("builtins."),
            "message": str(exc)[:MESSAGE_LIMIT], "kind": kind,
            "origin": project_frames[-1] if project_frames else "",
            "escaped_at": project_frames[0] if project_frames else ""}
