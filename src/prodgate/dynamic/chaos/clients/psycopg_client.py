"""psycopg 3: faults at ``Cursor.execute``/``executemany`` and ``Connection.execute`` (sync and async).

``db-locked`` raises ``psycopg.errors.LockNotAvailable`` (SQLSTATE 55P03, what a
``lock_timeout`` produces) and ``db-operational`` raises ``psycopg.OperationalError`` as a lost
server connection does. SQLAlchemy engines on psycopg execute through these cursors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.state import ChaosState


def install(state: ChaosState) -> list[Undo]:
    try:
        import psycopg
        from psycopg import errors
    except ImportError:
        return []

    def failure(fault: str) -> Exception:
        if fault == "db-locked":
            return errors.LockNotAvailable("canceling statement due to lock timeout")
        return psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")

    def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            with state.boundary("psycopg") as fault:
                if fault is not None:
                    raise failure(fault)
                return method(self, *args, **kwargs)
        return call

    def guarded_async(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            with state.boundary("psycopg") as fault:
                if fault is not None:
                    raise failure(fault)
                return await method(self, *args, **kwargs)
        return call

    undos = []
    for owner, names, wrap in ((psycopg.Cursor, ("execute", "executemany"), guarded),
                               (psycopg.Connection, ("execute",), guarded),
                               (psycopg.AsyncCursor, ("execute", "executemany"), guarded_async),
                               (psycopg.AsyncConnection, ("execute",), guarded_async)):
        for name in names:
            undos.append(patch(owner, name, wrap(getattr(owner, name))))
    return undos
