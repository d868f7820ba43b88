"""Helpers for the chaos tests: where a call is in the test project, and the plugin's patches in-process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prodgate.dynamic.chaos import state as chaos_state
from prodgate.dynamic.chaos.clients import install_all
from prodgate.dynamic.chaos.sites import SiteLocator
from prodgate.dynamic.chaos.state import ArmedFault, ChaosState


def line_of(root: Path, function: str, text: str) -> str:
    """``calls.py:N`` of the first line containing ``text`` inside ``def function``."""
    lines = (root / "calls.py").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"def {function}(") or line.startswith(f"async def {function}("))
    offset = next(i for i, line in enumerate(lines[start:]) if text in line)
    return f"calls.py:{start + offset + 1}"


@contextmanager
def chaos(root: Path, site: str | None = None, fault: str | None = None) -> Iterator[ChaosState]:
    """The plugin's state and patches, in this process, with ``fault`` armed at ``site``."""
    state = ChaosState(SiteLocator(root), ArmedFault(site, fault) if site and fault else None)
    chaos_state.STATE = state
    undo = install_all(state)
    state.start_test("test")
    try:
        yield state
    finally:
        undo()
        chaos_state.STATE = None
