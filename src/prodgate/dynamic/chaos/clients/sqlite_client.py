"""sqlite3: connections made through ``sqlite3.connect`` get a recording connection and cursor class.

``sqlite3.Connection`` is a C type, so ``connect`` is wrapped to pass a ``factory`` subclass
(of the caller's own factory, if any) whose ``execute``/``executemany``/``executescript``/
``commit`` and cursors' ``execute*`` are boundaries. Faults raise ``sqlite3.OperationalError``
with SQLite's own messages and, where the interpreter has them, error codes. SQLAlchemy's SQLite
engines connect through ``sqlite3.dbapi2.connect`` (patched too) and are covered the same way. Connections opened
before the plugin was activated are not seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import wraps
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.state import ChaosState

ERRORS = {"db-locked": ("database is locked", 5, "SQLITE_BUSY"),
          "db-operational": ("disk I/O error", 10, "SQLITE_IOERR")}


def operational_error(fault: str) -> sqlite3.OperationalError:
    message, code, name = ERRORS[fault]
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


def install(state: ChaosState) -> list[Undo]:
    def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            with state.boundary("sqlite3") as fault:
                if fault is not None:
                    raise operational_error(fault)
                return method(self, *args, **kwargs)
        return call

    class ChaosCursor(sqlite3.Cursor):
        execute = guarded(sqlite3.Cursor.execute)
        executemany = guarded(sqlite3.Cursor.executemany)
        executescript = guarded(sqlite3.Cursor.executescript)

    factories: dict[type, type] = {}

    def connection_class(base: Any) -> type:
        if base not in factories:
            def cursor(self: Any, factory: Any = ChaosCursor) -> Any:
                if not (isinstance(factory, type) and issubclass(factory, ChaosCursor)):
                    factory = cursor_class(factory)
                return base.cursor(self, factory)
            # Connection.execute* create a cursor in C, bypassing cursor(); guard them too.
            factories[base] = type(base.__name__, (base,), {
                "cursor": cursor, "execute": guarded(base.execute), "executemany": guarded(base.executemany),
                "executescript": guarded(base.executescript), "commit": guarded(base.commit),
                "__module__": base.__module__})
        return factories[base]

    def cursor_class(factory: Any) -> Any:
        if isinstance(factory, type) and issubclass(factory, sqlite3.Cursor):
            return type(factory.__name__, (ChaosCursor, factory), {})
        return factory

    original = sqlite3.connect

    @wraps(original)
    def connect(*args: Any, **kwargs: Any) -> Any:
        kwargs["factory"] = connection_class(kwargs.get("factory") or sqlite3.Connection)
        return original(*args, **kwargs)

    # SQLAlchemy and other DB-API users call sqlite3.dbapi2.connect, the same function.
    return [patch(sqlite3, "connect", connect), patch(sqlite3.dbapi2, "connect", connect)]
