"""Patches at each client library's boundary: record the call, inject the armed fault.

Each module here has ``install(state) -> list of undo callables`` and installs nothing when its
library is not importable. ``install_all`` patches every library already imported, and every other
one right after the project first imports it; calling the returned ``undo`` restores every original
attribute.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from prodgate.dynamic.chaos.clients.after_import import AfterImport
from prodgate.dynamic.chaos.state import ChaosState

Undo = Callable[[], None]
MODULES = {  # patch module -> the library module whose import makes its patches needed
    "urllib3_client": "urllib3", "requests_client": "requests", "httpx_client": "httpx", "aiohttp_client": "aiohttp",
    "urllib_client": "urllib.request", "botocore_client": "botocore.client", "sqlite_client": "sqlite3",
    "psycopg_client": "psycopg", "redis_client": "redis", "socket_client": "socket"}


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


def _installer(module: ModuleType, state: ChaosState, undos: list[Undo]) -> Callable[[], None]:
    def install() -> None:
        undos.extend(module.install(state))
    return install


def install_all(state: ChaosState) -> Undo:
    undos: list[Undo] = []
    waiting: dict[str, Callable[[], None]] = {}
    for name, library in MODULES.items():
        module = importlib.import_module(f"{__name__}.{name}")
        if library in sys.modules:
            undos.extend(module.install(state))
        else:
            waiting[library] = _installer(module, state, undos)
    hook = AfterImport(waiting)
    sys.meta_path.insert(0, hook)

    def undo_all() -> None:
        sys.meta_path.remove(hook)
        for undo in reversed(undos):
            undo()
    return undo_all
