"""The terminal report: findings grouped by file with the offending source line underlined, a
summary by severity and rule, the files not analysed, and a one-line verdict.

Source lines are read from the scanned files (the one piece of I/O a reporter does, kept in
``_read_lines``). Lines a secrets finding points at are shown with their strings masked.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from prodgate.core.finding import Diagnostic, Finding, Severity
from prodgate.core.result import RunResult
from prodgate.report.common import (
    MaskedLine,
    is_secret,
    mask_secret_line,
    plural,
    rule_title,
    sorted_diagnostics,
    sorted_findings,
    verdict,
)

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
GUTTER = 6
CONTINUATION = " " * GUTTER + "   "


def _read_lines(root: str, path: str) -> list[str] | None:
    """The lines of a scanned file, or None when it cannot be read."""
    try:
        return (Path(root) / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, ValueError):
        return None


def _printable(text: str) -> str:
    """Replace control and format characters (terminal escapes, bidi overrides) one for one."""
    return "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\n" else ch for ch in text
    )


def _secret_lines(findings: Iterable[Finding]) -> set[int]:
    return {n for f in findings if is_secret(f) for n in range(f.line, f.end_line + 1)}


def _header(finding: Finding) -> Text:
    return Text.assemble(
        (f"{finding.path}:{finding.line}:{finding.column}", "bold"),
        (f"  {finding.rule}  ", "magenta"),
        (str(finding.severity), SEVERITY_STYLES[finding.severity]),
        "  " + _printable(finding.message).replace("\n", "\n" + CONTINUATION),
    )


def _span(finding: Finding, raw: str, shown: MaskedLine) -> tuple[int, int]:
    """The 0-based ``[start, end)`` of the finding on the shown line; a span that goes on to
    later lines runs to the end of this one."""
    end_column = finding.end_column if finding.end_line == finding.line else len(raw) + 1
    start = min(shown.column(finding.column), len(shown.text) + 1) - 1
    end = min(shown.column(end_column), len(shown.text) + 1) - 1
    return start, max(end, start + 1)


def _snippet(finding: Finding, lines: list[str], secret: set[int]) -> Iterator[Text]:
    """The finding's first line and a caret underline under its span on that line."""
    if not 1 <= finding.line <= len(lines):
        return
    raw = lines[finding.line - 1].replace("\t", " ")  # one for one, so columns still match
    shown = mask_secret_line(raw) if finding.line in secret else MaskedLine(raw, ())
    start, end = _span(finding, raw, shown)
    code = _printable(shown.text)
    yield Text.assemble((f"{finding.line:>{GUTTER}} | ", "dim"), code)
    underline = " " * cell_len(code[:start]) + "^" * max(cell_len(code[start:end]), 1)
    yield Text.assemble((" " * GUTTER + " | ", "dim"), (underline, SEVERITY_STYLES[finding.severity]))


def _details(finding: Finding) -> Iterator[Text]:
    pad = CONTINUATION[:-2] + "= "
    if finding.fix:
        yield Text(f"{pad}fix ({finding.fix.applicability.value}): {_printable(finding.fix.title)}", style="green")
    for number, step in enumerate(finding.flow, start=1):
        where = step.location
        yield Text(f"{pad}flow {number}: {where.path}:{where.line}:{where.column} {_printable(step.message)}")


def _file_section(result: RunResult, path: str, findings: list[Finding]) -> Iterator[RenderableType]:
    yield Text(f"{path} ({plural(len(findings), 'finding')})", style="bold underline")
    lines = _read_lines(result.root, path)
    secret = _secret_lines(findings)
    for finding in findings:
        yield _header(finding)
        if lines is not None:
            yield from _snippet(finding, lines, secret)
        yield from _details(finding)
    yield Text("")


def _table(title: str, key: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=title, title_justify="left")
    table.add_column(key)
    table.add_column("findings", justify="right")
    return table


def _summary(result: RunResult) -> Iterator[RenderableType]:
    severities = _table("by severity", "severity")
    for name, count in result.counts_by_severity().items():
        severities.add_row(Text(name, style=SEVERITY_STYLES[Severity.parse(name)]), str(count))
    yield severities
    yield Text("")
    if result.findings:
        rules = _table("by rule", "rule")
        for code, count in result.counts_by_rule().items():
            rules.add_row(rule_title(result, code), str(count))
        yield rules
        yield Text("")


def _diagnostic_line(diagnostic: Diagnostic) -> Text:
    where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
    return Text.assemble(
        (where, "bold"),
        (f"  {diagnostic.kind}", "red" if diagnostic.unanalysed else "yellow"),
        f"  {_printable(diagnostic.message)}",
    )


def _diagnostics(result: RunResult) -> Iterator[RenderableType]:
    diagnostics = sorted_diagnostics(result)
    for heading, unanalysed in (("not analysed", True), ("suppression problems", False)):
        chosen = [d for d in diagnostics if d.unanalysed is unanalysed]
        if chosen:
            yield Text(heading, style="bold")
            yield from (_diagnostic_line(d) for d in chosen)
            yield Text("")


def _verdict(result: RunResult) -> Text:
    style = "bold green" if result.passed else "bold red"
    return Text(f"prodgate: {verdict(result)}", style=style)


def _report(result: RunResult) -> Iterator[RenderableType]:
    for path, group in groupby(sorted_findings(result), key=lambda f: f.path):
        yield from _file_section(result, path, list(group))
    yield from _summary(result)
    yield from _diagnostics(result)
    yield _verdict(result)


def render(result: RunResult, *, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    for renderable in _report(result):
        console.print(renderable, soft_wrap=isinstance(renderable, Text))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
