"""Helpers every reporter shares: ordering, levels, titles, the verdict line and secret masking."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prodgate.core.finding import Diagnostic, Finding, Severity
from prodgate.core.result import RunResult

SECRETS_CATEGORY = "security.secrets"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

# A quoted string on one line: the opening quote, its body, and the closing quote or the end of
# the line (a string continued on the next line is masked to the end of this one).
_STRING = re.compile(r"""(?P<quote>'''|\"\"\"|'|")(?P<body>(?:\\.|(?!(?P=quote)).)*)(?:(?P=quote)|$)""")
MASK = "***"


def sorted_findings(result: RunResult) -> list[Finding]:
    return sorted(result.findings, key=Finding.sort_key)


def sorted_diagnostics(result: RunResult) -> list[Diagnostic]:
    return sorted(result.diagnostics, key=lambda d: (d.path, d.line, d.column, d.kind, d.message))


def level(severity: Severity) -> str:
    """The SARIF level of a severity: error (critical, high), warning (medium), note (low, info)."""
    return _LEVELS[severity]


def diagnostic_level(diagnostic: Diagnostic) -> str:
    """A file not analysed is an error; a misused suppression is a warning."""
    return "error" if diagnostic.unanalysed else "warning"


def rule_title(result: RunResult, code: str) -> str:
    """``PG101 http-call-without-timeout``, or the bare code when the rule's metadata is unknown."""
    meta = result.rule_meta(code)
    return f"{code} {meta.name}" if meta else code


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def verdict(result: RunResult) -> str:
    """One line: ``passed`` or ``failed: 2 findings at or above high, 1 file not analysed``."""
    unanalysed = len({d.path for d in result.unanalysed})
    if result.passed:
        return f"passed, {plural(unanalysed, 'file')} not analysed" if unanalysed else "passed"
    reasons = []
    if result.failing:
        reasons.append(f"{plural(len(result.failing), 'finding')} at or above {result.fail_on}")
    if unanalysed:
        reasons.append(f"{plural(unanalysed, 'file')} not analysed")
    return "failed: " + ", ".join(reasons)


def is_secret(finding: Finding) -> bool:
    return finding.category == SECRETS_CATEGORY


@dataclass(frozen=True)
class MaskedLine:
    """A source line with the contents of its string literals replaced by ``***``.

    ``column`` maps a 1-based column of the original line to the masked one, so an underline
    drawn under the original span still lands under the (masked) code.
    """

    text: str
    edits: tuple[tuple[int, int], ...]

    def column(self, column: int) -> int:
        index = column - 1
        shift = 0
        for start, end in self.edits:
            if index >= end:
                shift += (end - start) - len(MASK)
            elif index > start:
                return start - shift + min(index - start, len(MASK) - 1) + 1
            else:
                break
        return index - shift + 1


def mask_strings(line: str) -> MaskedLine:
    """Hide what every quoted string on ``line`` holds (empty strings stay empty)."""
    edits = tuple(match.span("body") for match in _STRING.finditer(line) if match.group("body"))
    parts = []
    previous = 0
    for start, end in edits:
        parts.append(line[previous:start] + MASK)
        previous = end
    parts.append(line[previous:])
    return MaskedLine("".join(parts), edits)


def mask_secret_line(line: str) -> MaskedLine:
    """Mask a line a secrets finding points at: its strings, or all its code when it has none
    (a line inside a multi-line string)."""
    masked = mask_strings(line)
    if masked.edits or not line.strip():
        return masked
    indent = len(line) - len(line.lstrip())
    return MaskedLine(line[:indent] + MASK, ((indent, len(line)),))
