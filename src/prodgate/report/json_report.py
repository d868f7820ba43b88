"""The JSON report: the machine-readable contract of ``prodgate check --format json``."""

from __future__ import annotations

import json
from typing import Any

from prodgate.core.finding import Diagnostic, Finding, Fix, FlowStep
from prodgate.core.result import TOOL_NAME, RunResult
from prodgate.report.common import sorted_diagnostics, sorted_findings


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {"title": fix.title, "applicability": fix.applicability.value, "replacement": fix.replacement}


def _step(step: FlowStep) -> dict[str, Any]:
    where = step.location
    return {"path": where.path, "line": where.line, "column": where.column, "message": step.message}


def finding_object(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": str(finding.severity),
        "confidence": str(finding.confidence),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "cwe": list(finding.cwe),
        "fix": _fix(finding.fix),
        "fingerprint": finding.fingerprint,
        "flow": [_step(step) for step in finding.flow],
        "properties": dict(sorted(finding.properties.items())),
    }


def diagnostic_object(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "path": diagnostic.path,
        "kind": diagnostic.kind,
        "message": diagnostic.message,
        "line": diagnostic.line,
        "column": diagnostic.column,
    }


def summary_object(result: RunResult) -> dict[str, Any]:
    return {
        "files": result.files,
        "lines": result.lines,
        "duration_seconds": round(result.duration, 3),
        "findings": len(result.findings),
        "by_severity": result.counts_by_severity(),
        "by_category": result.counts_by_category(),
        "by_rule": result.counts_by_rule(),
        "unanalysed_files": len({d.path for d in result.unanalysed}),
        "cached_files": result.cached_files,
        "passed": result.passed,
        "fail_on": str(result.fail_on),
    }


def render(result: RunResult) -> str:
    report = {
        "tool": {"name": TOOL_NAME, "version": result.version},
        "findings": [finding_object(f) for f in sorted_findings(result)],
        "diagnostics": [diagnostic_object(d) for d in sorted_diagnostics(result)],
        "summary": summary_object(result),
    }
    return json.dumps(report, indent=2)
