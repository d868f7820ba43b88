"""Commit-message trailers (``Key: value`` lines in the last paragraph), parsed as git does.

The rules follow ``git interpret-trailers``: the trailer block is the last paragraph of the
message, never the subject paragraph; a line is a trailer when it starts with a token of letters,
digits and hyphens followed by a colon; indented lines continue the previous trailer; and the
paragraph counts as a block when every line is a trailer, or at least a quarter of them are and one
has a key git itself writes (``Signed-off-by``, ``(cherry picked from``) or a well-known co-author key.
"""

from __future__ import annotations

import re

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]?(.*)$")
_WELL_KNOWN = frozenset({"signed-off-by", "co-authored-by", "reviewed-by", "acked-by", "tested-by"})


def _last_paragraph(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip():
        start -= 1
    if start == 0:  # the only paragraph is the subject, which is never a trailer block
        return []
    return lines[start:end]


def parse_trailers(message: str) -> tuple[tuple[str, str], ...]:
    """The trailers of ``message`` as (key, value) in order; keys keep their spelling."""
    lines = [line for line in message.replace("\r\n", "\n").split("\n") if not line.startswith("#")]
    block = _last_paragraph(lines)
    trailers: list[list[str]] = []
    others = 0
    well_known = False
    for line in block:
        if line[:1] in (" ", "\t") and trailers:
            trailers[-1][1] = f"{trailers[-1][1]} {line.strip()}".strip()
            continue
        match = _TRAILER.match(line)
        if match:
            trailers.append([match.group(1), match.group(2).strip()])
            well_known = well_known or match.group(1).lower() in _WELL_KNOWN
        else:
            others += 1
            well_known = well_known or line.startswith("(cherry picked from commit ")
    if not trailers:
        return ()
    if others and not (well_known and len(trailers) * 3 >= others):
        return ()
    return tuple((key, value) for key, value in trailers)
