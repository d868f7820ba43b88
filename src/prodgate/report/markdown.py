"""The Markdown report, for a pull-request comment: verdict, counts by severity, a capped table
of findings (most severe first) and the diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prodgate.core.finding import Diagnostic, Finding
from prodgate.core.result import TOOL_NAME, RunResult
from prodgate.report.common import plural, rule_title, sorted_diagnostics, sorted_findings, verdict

MAX_ROWS = 200


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, line breaks as ``<br>``."""
    return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---" for _ in header) + "|"
    for row in rows:
        yield "| " + " | ".join(cell(value) for value in row) + " |"


def _finding_row(result: RunResult, finding: Finding) -> tuple[str, ...]:
    return (str(finding.severity), rule_title(result, finding.rule), f"{finding.path}:{finding.line}",
            finding.message)


def _findings(result: RunResult) -> Iterator[str]:
    ordered = sorted(sorted_findings(result), key=lambda f: -f.severity)
    yield f"### Findings ({len(ordered)})"
    yield ""
    yield from _table(("severity", "rule", "location", "message"),
                      (_finding_row(result, f) for f in ordered[:MAX_ROWS]))
    if len(ordered) > MAX_ROWS:
        yield ""
        yield f"and {plural(len(ordered) - MAX_ROWS, 'more finding')}"


def _diagnostic_row(diagnostic: Diagnostic) -> tuple[str, ...]:
    where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
    return (diagnostic.kind, where, diagnostic.message)


def _diagnostics(result: RunResult) -> Iterator[str]:
    diagnostics = sorted_diagnostics(result)
    for heading, unanalysed in (("Not analysed", True), ("Suppression problems", False)):
        chosen = [d for d in diagnostics if d.unanalysed is unanalysed]
        if chosen:
            yield ""
            yield f"### {heading} ({len(chosen)})"
            yield ""
            yield from _table(("kind", "location", "message"), (_diagnostic_row(d) for d in chosen))


def _report(result: RunResult) -> Iterator[str]:
    yield f"## {TOOL_NAME}: {'passed' if result.passed else 'failed'}"
    yield ""
    yield f"{verdict(result)} ({plural(result.files, 'file')}, {plural(result.lines, 'line')})"
    yield ""
    yield from _table(("severity", "findings"),
                      ((name, str(count)) for name, count in result.counts_by_severity().items()))
    if result.findings:
        yield ""
        yield from _findings(result)
    yield from _diagnostics(result)


def render(result: RunResult) -> str:
    return "\n".join(_report(result)) + "\n"
