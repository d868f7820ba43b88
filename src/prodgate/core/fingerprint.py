"""Stable fingerprints: a finding keeps its identity across unrelated edits and moved lines.

The fingerprint hashes the rule, the file, the enclosing scope (function/class qualified name)
and the whitespace-normalised text of the flagged line, plus an occurrence counter among
identical tuples. Line numbers are deliberately left out.
"""

from __future__ import annotations

import hashlib


def normalise(text: str) -> str:
    return " ".join(text.split())


def fingerprint(rule: str, path: str, scope: str, line_text: str, occurrence: int) -> str:
    payload = "\x1f".join((rule, path, scope, normalise(line_text), str(occurrence)))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]
