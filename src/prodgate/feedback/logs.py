"""Incidents in log files: plain tracebacks as ``logging`` prints them, tracebacks whose every line carries
the same prefix (syslog, journald, container runtimes, Docker's json-file lines), tracebacks inside JSON log lines (``exc_info``,
``exception``, ``stack_trace``, ``traceback`` fields), and out-of-memory kill markers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from prodgate.feedback.incident import Incident, Raised, Skipped
from prodgate.feedback.sentry import is_sentry_event, read_event
from prodgate.feedback.timestamps import find_timestamp, timestamp_of
from prodgate.feedback.tracebacks import (
    GROUP_HEADER,
    START,
    TracebackError,
    parse_traceback,
    read_traceback,
)

TRACEBACK_FIELDS = ("exc_info", "exception", "stack_trace", "traceback", "exc_text", "stack")
TIME_FIELDS = ("timestamp", "time", "@timestamp", "asctime", "ts", "created")
MESSAGE_FIELDS = ("message", "msg", "event")
OOM_MARKER = re.compile(r"^\s*Killed\s*$|Out of memory: Killed process|\bOOMKilled\b|: line \d+:\s+\d+ Killed\b"
                        r"|was sent SIGKILL! Perhaps out of memory")
OOM_TYPE = "OOMKilled"
MAX_TRACEBACK_LINES = 5000


def _json_incident(data: dict[str, Any], file: str, number: int) -> Incident | Skipped | None:
    field = next((name for name in TRACEBACK_FIELDS if isinstance(data.get(name), str) and data[name].strip()), None)
    if field is None:
        return None
    try:
        chain = parse_traceback(data[field])
    except TracebackError as exc:
        return Skipped(file, number, f"field {field!r}: {exc.args[0]}")
    moment = next((timestamp_of(data[name]) for name in TIME_FIELDS if name in data), None)
    context = next((str(data[name]) for name in MESSAGE_FIELDS if isinstance(data.get(name), str)), "")
    return Incident(chain, file, number, moment, context)


def _prefix_pattern(prefix: str) -> re.Pattern[str]:
    """What a prefix looks like on every line: the same text, any digits (times, ids, counters)."""
    parts = re.split(r"(\d+)", prefix)
    return re.compile("".join(r"\d+" if part.isdigit() else re.escape(part) for part in parts))


def _prefixed(lines: Sequence[str], index: int, file: str) -> tuple[Incident | Skipped, int]:
    """A traceback whose lines all carry a prefix (syslog, journald, container runtimes, compose), or
    one that follows a log message ending in the traceback header; returns it and the next index."""
    line = lines[index]
    prefix = line[:-len(START)]
    pattern = _prefix_pattern(prefix)
    stripped: list[str] = []
    end = index
    while end < len(lines) and end - index < MAX_TRACEBACK_LINES and (found := pattern.match(lines[end])):
        stripped.append(lines[end][found.end():])
        end += 1
    if len(stripped) == 1:  # only the header line is prefixed: the traceback follows as Python prints it
        stripped = [START, *lines[index + 1:index + MAX_TRACEBACK_LINES]]
    try:
        chain, used = read_traceback(stripped, 0)
    except TracebackError as exc:
        return Skipped(file, index + 1, exc.args[0]), index + 1
    before = lines[index - 1] if index else ""
    moment = find_timestamp(prefix) or find_timestamp(before)
    return Incident(chain, file, index + 1, moment, prefix.strip() or before.strip()), index + max(used, 1)


def _container_lines(lines: Sequence[str]) -> list[str] | None:
    """Docker's json-file log (``{"log": "...\\n", "stream": "stderr", "time": "..."}`` per line) as the
    text lines it holds, each behind its time; None when the file is not one. Line numbers stay the same."""
    first = next((line for line in lines if line.strip()), "")
    if not first.startswith('{"log":'):
        return None
    text = []
    for line in lines:
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("log"), str):
            held = data["log"].rstrip("\n")
            text.append(held if held.startswith("{") else f"{data.get('time', '')} {held}")
        else:
            text.append(line)
    return text


def read_log(lines: Sequence[str], file: str) -> Iterator[Incident | Skipped]:
    """Every incident of a log file's lines (without line ends); records are 1-based line numbers."""
    lines = _container_lines(lines) or lines
    index = 0
    total = len(lines)
    while index < total:
        line = lines[index]
        number = index + 1
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError as exc:
                yield Skipped(file, number, f"not valid JSON: {exc}")
            else:
                found = None
                if is_sentry_event(data):
                    found = read_event(data, file, number)
                elif isinstance(data, dict):
                    found = _json_incident(data, file, number)
                if found is not None:
                    yield found
            index += 1
        elif line == START or ("Exception Group" in line and GROUP_HEADER.match(line)):
            before = lines[index - 1] if index else ""
            try:
                chain, index = read_traceback(lines, index)
            except TracebackError as exc:
                yield Skipped(file, number, exc.args[0])
                index = max(index + 1, exc.args[1] if len(exc.args) > 1 else index + 1)
                continue
            yield Incident(chain, file, number, find_timestamp(before), before.strip())
        elif line.endswith(START) and "Traceback" in line:
            found_prefixed, index = _prefixed(lines, index, file)
            yield found_prefixed
        elif ("Killed" in line or "SIGKILL" in line) and OOM_MARKER.search(line):
            yield Incident((Raised(OOM_TYPE, line.strip()),), file, number, find_timestamp(line), line.strip())
            index += 1
        else:
            index += 1
