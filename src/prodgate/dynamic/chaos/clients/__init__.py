"""Patches at each client library's boundary: record the call, inject the armed fault.

Each module here has ``install(state) -> list of undo callables`` and installs nothing when its
library is not importable. ``install_all`` patches every library present; calling the returned
``undo`` restores every original attribute.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from prodgate.dynamic.chaos.state import ChaosState

Undo = Callable[[], None]
MODULES = ("urllib3_client", "requests_client", "httpx_client", "aiohttp_client", "urllib_client", "botocore_client",
           "sqlite_client", "psycopg_client", "redis_client", "socket_client")


def patch(owner: Any, name: str, replacement: Any) -> Undo:
    """Set ``owner.name`` to ``replacement``; the returned callable puts the original back."""
    had_own = name in vars(owner)
    original = vars(owner).get(name)
    setattr(owner, name, replacement)

    def undo() -> None:
        if had_own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)
    return undo


def install_all(state: ChaosState) -> Undo:
    undos: list[Undo] = []
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        undos.extend(module.install(state))

    def undo_all() -> None:
        for undo in reversed(undos):
            undo()
    return undo_all
