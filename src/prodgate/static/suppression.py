"""Inline suppressions: ``# prodgate: ignore[PG101] reason`` on the flagged line.

A suppression needs a reason; one without a reason does not take effect. Suppressions with a
reason that suppress nothing, and codes that name no rule, are reported as diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from prodgate.core.finding import Diagnostic, Finding

COMMENT = re.compile(r"#\s*prodgate:\s*ignore\[(?P<codes>[^\]]*)\](?P<reason>[^#]*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    column: int
    codes: tuple[str, ...]
    reason: str


def find_suppressions(text: str) -> list[Suppression]:
    if "prodgate" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "prodgate" not in line:
            continue
        for match in COMMENT.finditer(line):
            codes = tuple(c.strip().upper() for c in match["codes"].split(",") if c.strip())
            reason = match["reason"].strip(" \t:-")
            found.append(Suppression(number, match.start() + 1, codes, reason))
    return found


def apply_suppressions(path: str, findings: Iterable[Finding], suppressions: list[Suppression],
                       known: set[str], ran: set[str], redirects: dict[str, str]) -> tuple[list[Finding], list[Diagnostic]]:
    """Drop suppressed findings; report suppressions that are malformed or unused."""
    diagnostics: list[Diagnostic] = []
    by_line: dict[int, list[tuple[Suppression, set[str]]]] = {}
    for suppression in suppressions:
        codes = {redirects.get(c, c) for c in suppression.codes}
        unknown = sorted(c for c in codes if c not in known)
        if unknown:
            diagnostics.append(Diagnostic(path, "unknown-rule-in-suppression",
                                          f"suppression names unknown rule code(s): {', '.join(unknown)}",
                                          suppression.line, suppression.column))
        if not suppression.reason:
            diagnostics.append(Diagnostic(path, "suppression-without-reason",
                                          "suppression has no reason, so it does not take effect; write why after the codes",
                                          suppression.line, suppression.column))
            continue
        by_line.setdefault(suppression.line, []).append((suppression, codes))
    kept: list[Finding] = []
    used: set[tuple[int, str]] = set()
    for finding in findings:
        hit = next((codes for _, codes in by_line.get(finding.line, ()) if finding.rule in codes), None)
        if hit is None:
            kept.append(finding)
        else:
            used.add((finding.line, finding.rule))
    for line, entries in by_line.items():
        for suppression, codes in entries:
            unused = sorted(c for c in codes if c in ran and (line, c) not in used)
            if unused:
                diagnostics.append(Diagnostic(path, "unused-suppression",
                                              f"suppression of {', '.join(unused)} matches no finding on this line",
                                              suppression.line, suppression.column))
    return kept, diagnostics
