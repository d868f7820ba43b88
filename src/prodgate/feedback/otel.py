"""OpenTelemetry exception span events in OTLP JSON: ``resourceSpans[].scopeSpans[].spans[].events[]``
named ``exception`` with the ``exception.type``, ``exception.message`` and ``exception.stacktrace``
attributes (the stacktrace is the Python traceback text the SDK recorded)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodgate.feedback.incident import Incident, Raised, Skipped
from prodgate.feedback.timestamps import timestamp_of
from prodgate.feedback.tracebacks import TracebackError, parse_traceback


def is_otlp(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("resourceSpans"), list)


def _attributes(items: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str) and isinstance(item.get("value"), dict):
            value = item["value"]
            found[item["key"]] = next(iter(value.values()), None) if value else None
    return found


def _spans(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for resource in data["resourceSpans"]:
        if not isinstance(resource, dict):
            continue
        service = str(_attributes((resource.get("resource") or {}).get("attributes")).get("service.name") or "")
        for scope in resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans") or []:
            for span in (scope.get("spans") or []) if isinstance(scope, dict) else []:
                if isinstance(span, dict):
                    yield service, span


def _event(service: str, span: dict[str, Any], event: dict[str, Any], file: str, record: str) -> Incident | Skipped:
    found = _attributes(event.get("attributes"))
    kind, message, stack = found.get("exception.type"), found.get("exception.message"), found.get("exception.stacktrace")
    if not isinstance(kind, str) or not kind:
        return Skipped(file, record, "exception event without `exception.type`")
    chain: tuple[Raised, ...] = (Raised(kind, str(message or "")),)
    if isinstance(stack, str) and stack.strip():
        try:
            chain = parse_traceback(stack)
        except TracebackError as exc:
            return Skipped(file, record, f"exception.stacktrace: {exc.args[0]}")
    context = " ".join(part for part in (service, str(span.get("name") or "")) if part)
    return Incident(chain, file, record, timestamp_of(event.get("timeUnixNano") or span.get("endTimeUnixNano")), context)


def read_otlp(data: dict[str, Any], file: str, name: str) -> Iterator[Incident | Skipped]:
    """Every exception event of an OTLP JSON export; records are ``name#span/event`` positions."""
    for position, (service, span) in enumerate(_spans(data)):
        for number, event in enumerate(span.get("events") or []):
            if isinstance(event, dict) and event.get("name") == "exception":
                yield _event(service, span, event, file, f"{name}#{position}.{number}")
