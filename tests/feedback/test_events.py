"""Sentry events and OpenTelemetry (OTLP JSON) exception events, recorded and malformed."""

from __future__ import annotations

import json
from pathlib import Path

from prodgate.feedback.incident import Incident, Skipped
from prodgate.feedback.sources import read_source, read_text

from .conftest import PROD


def test_a_sentry_event_reads_its_chain_modules_and_frames() -> None:
    [incident] = read_source(PROD / "py3.12" / "events" / "profile_chained.json")
    assert isinstance(incident, Incident)
    assert incident.record == "profile_chained.json"
    assert [r.type for r in incident.chain] == ["TimeoutError", "shop.clients.UpstreamError"]
    assert incident.chain[0].frames[-1].filename.startswith("/root/.pyenv/versions/3.12.1/lib/python3.12/")
    assert [f.function for f in incident.final.frames if f.in_app] == ["get_profile"]
    assert incident.context == "profile_chained" and incident.timestamp is not None


def test_sentry_exception_group_members_are_attached_by_parent_id() -> None:
    [incident] = read_source(PROD / "py3.12" / "events" / "taskgroup.json")
    assert isinstance(incident, Incident)
    assert [r.type for r in incident.chain] == ["ExceptionGroup"]
    assert [m.type for m in incident.final.members] == ["ZeroDivisionError"]
    assert incident.final.members[0].frames[-1].function == "score_item"


def test_a_sentry_export_is_read_event_by_event_and_bad_events_are_skipped(tmp_path: Path) -> None:
    events = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((PROD / "py3.11" / "events").glob("*.json"))]
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"events": [*events, {"exception": {"values": [{"value": "no type"}]}},
                                             {"message": "not an error event"}, 17]}), encoding="utf-8")
    found = list(read_source(export))
    assert [i.record for i in found if isinstance(i, Incident)] == [f"export.json#{n}" for n in range(len(events))]
    skipped = [(s.record, s.reason) for s in found if isinstance(s, Skipped)]
    assert skipped == [(f"export.json#{len(events)}", "malformed Sentry event: an exception value has no type"),
                       (f"export.json#{len(events) + 1}", "not a Sentry event with an `exception`"),
                       (f"export.json#{len(events) + 2}", "not a Sentry event with an `exception`")]


def test_an_otlp_export_reads_the_exception_event_and_its_stacktrace() -> None:
    path = next((PROD / "py3.12" / "otel").glob("*.json"))
    [incident] = read_source(path)
    assert isinstance(incident, Incident)
    assert incident.record == f"{path.name}#0.0"
    assert incident.context.startswith("shop ")
    assert incident.final.frames and incident.timestamp is not None


def test_otlp_events_without_a_type_or_with_a_cut_stacktrace_are_skipped() -> None:
    def attribute(key: str, value: str) -> dict[str, object]:
        return {"key": key, "value": {"stringValue": value}}

    events = [
        {"name": "exception", "attributes": [attribute("exception.message", "no type")]},
        {"name": "exception", "attributes": [attribute("exception.type", "ValueError"),
                                             attribute("exception.stacktrace", "Traceback (most recent call last):\n")]},
        {"name": "exception", "timeUnixNano": "1763632800000000000",
         "attributes": [attribute("exception.type", "builtins.KeyError"), attribute("exception.message", "'id'")]},
        {"name": "log", "attributes": []},
    ]
    document = {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [{"name": "GET /orders", "events": events}]}]}]}
    found = list(read_text(json.dumps(document), "spans.json"))
    assert [(type(i).__name__, i.record) for i in found] == [
        ("Skipped", "spans.json#0.0"), ("Skipped", "spans.json#0.1"), ("Incident", "spans.json#0.2")]
    incident = found[2]
    assert isinstance(incident, Incident) and incident.final.type == "builtins.KeyError"
    assert incident.timestamp is not None and incident.timestamp.year == 2025


def test_a_truncated_json_document_is_skipped_not_fatal() -> None:
    text = (PROD / "py3.10" / "otel").glob("*.json").__next__().read_text(encoding="utf-8")
    found = list(read_text(text[: len(text) // 2], "cut.json"))
    assert all(isinstance(item, Skipped) for item in found) and len(found) == 1
