"""GitHub Actions workflow commands: one annotation line per finding and per diagnostic."""

from __future__ import annotations

from collections.abc import Iterator

from prodgate.core.finding import Diagnostic, Finding
from prodgate.core.result import TOOL_NAME, RunResult
from prodgate.report.common import (
    diagnostic_level,
    level,
    rule_title,
    sorted_diagnostics,
    sorted_findings,
)

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (actions/toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: dict[str, object], message: str) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {fields}::{escape_data(message)}"


def _finding(result: RunResult, finding: Finding) -> str:
    return _command(_COMMANDS[level(finding.severity)], {
        "file": finding.path,
        "line": finding.line,
        "col": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
        "title": rule_title(result, finding.rule),
    }, finding.message)


def _diagnostic(diagnostic: Diagnostic) -> str:
    properties: dict[str, object] = {"file": diagnostic.path}
    if diagnostic.line:
        properties["line"] = diagnostic.line
        if diagnostic.column:
            properties["col"] = diagnostic.column
    properties["title"] = f"{TOOL_NAME} {diagnostic.kind}"
    return _command(diagnostic_level(diagnostic), properties, diagnostic.message)


def _lines(result: RunResult) -> Iterator[str]:
    yield from (_finding(result, f) for f in sorted_findings(result))
    yield from (_diagnostic(d) for d in sorted_diagnostics(result))


def render(result: RunResult) -> str:
    return "".join(line + "\n" for line in _lines(result))
