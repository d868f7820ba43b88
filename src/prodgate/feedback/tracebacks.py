"""Python tracebacks as CPython 3.10-3.13 print them: frames, 3.11+ caret lines, chained exceptions
("The above exception was the direct cause..." / "During handling of the above exception...") and
3.11+ exception groups with their ``| `` margins and ``+-+----`` member separators.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from prodgate.feedback.incident import Frame, Raised

START = "Traceback (most recent call last):"
GROUP_START = "Exception Group Traceback (most recent call last):"
CHAIN_MARKERS = frozenset({
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
})
GROUP_HEADER = re.compile(r"^( *)\+ Exception Group Traceback \(most recent call last\):$")
FRAME = re.compile(r'^  File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<function>.+))?$')
EXCEPTION_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::(?: (?P<message>.*))?)?$")
CARETS = frozenset("~^ ")
MEMBER_SEPARATOR = re.compile(r"-+ (?:\d+|\.\.\.) -+$")


class TracebackError(ValueError):
    """Text that starts like a traceback but is not a complete one; the message says what is missing."""


def _exception(line: str) -> tuple[str, str]:
    found = EXCEPTION_LINE.match(line)
    if found is None:
        raise TracebackError(f"truncated traceback: expected an exception line, found {line[:60]!r}")
    return found["type"], found["message"] or ""


def _segment(lines: Sequence[str]) -> Raised:
    """One exception: an optional header, its frames, then its ``Type: message`` line."""
    frames: list[Frame] = []
    index = 1 if lines and lines[0].strip() in (START, GROUP_START) else 0
    while index < len(lines):
        line = lines[index]
        found = FRAME.match(line)
        if found is None:
            if line.startswith(" ") or not line.strip():
                index += 1  # "[Previous line repeated N more times]", stray blank
                continue
            kind, message = _exception(line)
            return Raised(kind, message, tuple(frames))
        index += 1
        code = ""
        while index < len(lines) and lines[index].startswith("    "):
            text = lines[index].strip()
            if not code and not set(text) <= CARETS:
                code = text
            index += 1
        frames.append(Frame(found["file"], int(found["line"]), found["function"] or "", code))
    raise TracebackError("truncated traceback: it ends before its exception line")


def _group(lines: Sequence[str], column: int) -> Raised:
    """An exception group whose margin (``|`` or ``+``) is at ``column``, with its members."""
    own: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line[column:column + 3] == "+-+":
            break
        if line[column:column + 1] in ("|", "+"):
            own.append(line[column + 2:])
        elif line.strip():
            raise TracebackError(f"malformed exception group line {line[:60]!r}")
        index += 1
    head = _chain(own)[-1]
    members: list[Raised] = []
    inner = column + 2
    current: list[str] | None = [] if index < len(lines) else None
    for line in lines[index + 1:]:
        if line[inner:inner + 3] == "+--":
            if current:
                members.append(_group(current, inner))
            current = [] if MEMBER_SEPARATOR.search(line) else None
        elif current is not None and not line[inner + 2:].startswith("and "):
            current.append(line)
    if current:
        members.append(_group(current, inner))
    return Raised(head.type, head.message, head.frames, tuple(members))


def _chain(lines: Sequence[str]) -> tuple[Raised, ...]:
    """Every exception of a margin-free traceback text (no groups at this level), causes first."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if line in CHAIN_MARKERS:
            parts.append([])
        elif line.strip():
            parts[-1].append(line)
    chain = tuple(_segment(part) for part in parts if part)
    if not chain:
        raise TracebackError("empty traceback")
    return chain


def read_traceback(lines: Sequence[str], start: int) -> tuple[tuple[Raised, ...], int]:
    """The exception chain whose first line is ``lines[start]``, and the index of the line after it.

    Raises ``TracebackError`` (with the index where reading stopped in ``args[1]``) when the
    traceback is truncated or malformed.
    """
    chain: list[Raised] = []
    index = start
    total = len(lines)
    try:
        while True:
            header = GROUP_HEADER.match(lines[index]) if index < total else None
            if header is not None:
                column = len(header[1])
                end = index + 1
                while end < total and lines[end][:column].strip() == "" and lines[end][column:column + 1] in ("|", "+", " ") \
                        and lines[end].lstrip()[:1] in ("|", "+"):
                    end += 1
                chain.append(_group(lines[index:end], column))
            else:
                end = index + 1 if index < total and lines[index] == START else index
                while end < total and lines[end].startswith(" ") and lines[end].strip():
                    end += 1
                if end >= total:
                    raise TracebackError("truncated traceback: it ends before its exception line")
                chain.append(_segment(lines[index:end + 1]))
                end += 1
            index = end
            if index + 2 < total and not lines[index].strip() and lines[index + 1] in CHAIN_MARKERS \
                    and not lines[index + 2].strip():
                index += 3
                continue
            return tuple(chain), index
    except TracebackError as exc:
        raise TracebackError(str(exc), index) from None


def parse_traceback(text: str) -> tuple[Raised, ...]:
    """The exception chain of one traceback text (a JSON log field, an OpenTelemetry stacktrace)."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line == START or GROUP_HEADER.match(line)), None)
    if first is None:
        if len(lines) == 1 and EXCEPTION_LINE.match(lines[0]):
            return (Raised(*_exception(lines[0])),)
        raise TracebackError("no traceback in the text")
    chain, _end = read_traceback(lines, first)
    return chain
