"""Sentry events as JSON: one event per file, a list of events (an export), or ``{"events": [...]}``.

Each event's ``exception.values`` is the chain, causes first, each with ``stacktrace.frames`` oldest
call first, exactly the order of a Python traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodgate.feedback.incident import Frame, Incident, Raised, Skipped
from prodgate.feedback.timestamps import timestamp_of

BUILTIN_MODULES = frozenset({"", "builtins", "exceptions", "__main__"})


def is_sentry_event(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("exception"), (dict, list))


def _frame(data: Any) -> Frame:
    if not isinstance(data, dict):
        raise ValueError("a frame is not an object")
    line = data.get("lineno")
    in_app = data.get("in_app")
    return Frame(str(data.get("abs_path") or data.get("filename") or ""), line if isinstance(line, int) else None,
                 str(data.get("function") or ""), str(data.get("context_line") or "").strip(),
                 str(data.get("module") or ""), in_app if isinstance(in_app, bool) else None)


def _raised(data: Any) -> Raised:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str) or not data["type"]:
        raise ValueError("an exception value has no type")
    module = data.get("module") if isinstance(data.get("module"), str) else ""
    kind = data["type"] if module in BUILTIN_MODULES or "." in data["type"] else f"{module}.{data['type']}"
    frames = ((data.get("stacktrace") or {}).get("frames")) or []
    if not isinstance(frames, list):
        raise ValueError("stacktrace.frames is not a list")
    return Raised(kind, str(data.get("value") or ""), tuple(_frame(f) for f in frames))


def _nest(values: list[Any]) -> tuple[Raised, ...]:
    """The chain, with the values whose ``mechanism.parent_id`` names a group attached as its members."""
    raised = [_raised(value) for value in values]
    ids: dict[Any, int] = {}
    parents: list[Any] = []
    for position, value in enumerate(values):
        mechanism = value.get("mechanism") if isinstance(value.get("mechanism"), dict) else {}
        if "exception_id" in mechanism:
            ids[mechanism["exception_id"]] = position
        parents.append(mechanism.get("parent_id"))
    children: dict[int, list[int]] = {}
    for position, parent in enumerate(parents):
        if parent is not None and parent in ids:
            children.setdefault(ids[parent], []).append(position)

    def build(position: int, seen: frozenset[int]) -> Raised:
        if position in seen:
            raise ValueError("exception groups that contain themselves")
        own = raised[position]
        members = tuple(build(child, seen | {position}) for child in children.get(position, ()))
        return Raised(own.type, own.message, own.frames, members) if members else own

    return tuple(build(position, frozenset()) for position, parent in enumerate(parents)
                 if parent is None or parent not in ids)


def read_event(data: Any, file: str, record: int | str) -> Incident | Skipped:
    """One event, or why it cannot be read."""
    if not is_sentry_event(data):
        return Skipped(file, record, "not a Sentry event with an `exception`")
    exception = data["exception"]
    values = exception.get("values") if isinstance(exception, dict) else exception
    if not isinstance(values, list) or not values:
        return Skipped(file, record, "the event's exception has no values")
    try:
        chain = _nest(values)
    except (ValueError, AttributeError) as exc:
        return Skipped(file, record, f"malformed Sentry event: {exc}")
    context = str(data.get("transaction") or data.get("culprit") or data.get("message") or "")
    return Incident(chain, file, record, timestamp_of(data.get("timestamp")), context)


def read_events(data: Any, file: str, name: str) -> Iterator[Incident | Skipped]:
    """The events of a parsed JSON document: a single event (record: the file name) or an export."""
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        data = data["events"]
    if isinstance(data, list):
        for position, item in enumerate(data):
            yield read_event(item, file, f"{name}#{position}")
    else:
        yield read_event(data, file, name)
