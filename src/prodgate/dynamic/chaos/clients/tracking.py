"""Responses that notice whether the project reads an error body without checking the status.

An injected error response (5xx, 429) is given a subclass of the library's own response class
(still an instance of ``requests.Response`` / ``httpx.Response``). Reading the status from project
code marks it checked; reading the body from project code before that marks the test as having
used an unchecked answer, which is what makes a failing assertion a corrupt result.
"""

from __future__ import annotations

import sys
from typing import Any

from prodgate.dynamic.chaos import state as chaos_state

STATUS_ATTRIBUTES = ("status_code", "ok", "is_success", "is_error", "raise_for_status", "status")
BODY_ATTRIBUTES = ("json", "text", "content", "iter_content", "iter_lines", "iter_bytes", "read")


def _from_project(depth: int = 2) -> bool:
    active = chaos_state.STATE
    if active is None:
        return False
    return active.locator.project_path(sys._getframe(depth).f_code.co_filename) is not None


def tracked_class(base: type) -> type:
    """A subclass of ``base`` whose status and body accessors report to the chaos state."""

    def getattribute(self: Any, name: str) -> Any:
        if name in STATUS_ATTRIBUTES or name in BODY_ATTRIBUTES:
            active = chaos_state.STATE
            if active is not None and _from_project():
                flags = object.__getattribute__(self, "__dict__")
                if name in STATUS_ATTRIBUTES:
                    flags["_prodgate_checked"] = True
                else:
                    active.note_body_read(flags.get("_prodgate_checked", False))
        return object.__getattribute__(self, name)

    return type(base.__name__, (base,), {"__getattribute__": getattribute, "__module__": base.__module__,
                                         "__qualname__": base.__qualname__})
