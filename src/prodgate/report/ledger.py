"""Reports of the audit ledger: the run list, one run, and the export document (schema in docs/ledger.md).

Findings are serialised as ``prodgate check --format json`` does (``finding_object``); the ledger does
not store a fix's replacement text, so it is always null here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from prodgate import __version__
from prodgate.core.result import TOOL_NAME
from prodgate.governance.ledger import RecordedRun, RunSummary
from prodgate.governance.records import Change
from prodgate.report.common import plural
from prodgate.report.gate import provenance_text
from prodgate.report.json_report import finding_object

EXPORT_SCHEMA = "prodgate-ledger-export/1"


def _time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _range(base: str, head: str) -> str:
    return f"{base[:10]}..{head[:10]}"


def change_object(change: Change) -> dict[str, Any]:
    found = change.provenance
    return {"path": change.path, "tier": change.tier, "reasons": list(change.reasons),
            "provenance": {"tool": found.tool, "ai": found.is_ai, "score": found.score,
                           "signals": list(found.signals), "ai_share": change.ai_share},
            "added_lines": list(change.added_lines)}


def run_object(recorded: RecordedRun) -> dict[str, Any]:
    run = recorded.run
    return {
        "id": recorded.id,
        "recorded_at": _time(recorded.recorded_at),
        "repository": run.repository,
        "base": run.base,
        "head": run.head,
        "prodgate_version": run.version,
        "config_hash": run.config_hash,
        "started_at": _time(run.started_at),
        "duration_seconds": run.duration,
        "verdict": run.verdict,
        "unmet": list(run.unmet),
        "approvals": list(run.approvals),
        "properties": dict(sorted(run.properties.items())),
        "changes": [change_object(c) for c in run.changes],
        "findings": [finding_object(f) for f in run.findings],
    }


def summary_object(summary: RunSummary) -> dict[str, Any]:
    return {"id": summary.id, "repository": summary.repository, "base": summary.base, "head": summary.head,
            "prodgate_version": summary.version, "verdict": summary.verdict,
            "started_at": _time(summary.started_at), "duration_seconds": summary.duration,
            "changes": summary.changes, "findings": summary.findings, "unmet": summary.unmet}


def export_document(runs: Iterable[RecordedRun], database: str) -> dict[str, Any]:
    """Every run, oldest first, with the tool and the (password-masked) database it came from."""
    return {"schema": EXPORT_SCHEMA, "tool": {"name": TOOL_NAME, "version": __version__},
            "exported_at": _time(datetime.now(timezone.utc)), "database": database,
            "runs": [run_object(r) for r in runs]}


def render_list_json(summaries: Sequence[RunSummary]) -> str:
    return json.dumps([summary_object(s) for s in summaries], indent=2, ensure_ascii=False)


def render_list_text(summaries: Sequence[RunSummary], database: str) -> str:
    if not summaries:
        return f"no gate runs recorded in {database}\n"
    header = ("ID", "STARTED (UTC)", "VERDICT", "REPOSITORY", "RANGE", "CHANGES", "FINDINGS", "UNMET")
    rows = [header] + [
        (str(s.id), s.started_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), s.verdict,
         s.repository or "-", _range(s.base, s.head), str(s.changes), str(s.findings), str(s.unmet))
        for s in summaries]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in rows)


def render_run_json(recorded: RecordedRun) -> str:
    return json.dumps(run_object(recorded), indent=2, ensure_ascii=False)


def render_run_text(recorded: RecordedRun) -> str:
    run = recorded.run
    lines = [f"gate run {recorded.id}: {run.verdict.upper()}  {run.repository or '-'} {_range(run.base, run.head)}",
             f"  started {_time(run.started_at)}, took {run.duration:.2f} s, recorded {_time(recorded.recorded_at)}",
             f"  prodgate {run.version}, configuration {run.config_hash}"]
    lines += [f"  {key}: {value}" for key, value in sorted(run.properties.items())]
    lines += ["", f"changes ({len(run.changes)}):" if run.changes else "changes: none"]
    width = max((len(c.path) for c in run.changes), default=0)
    for change in run.changes:
        lines.append(f"  {change.tier:<6}  {change.path:<{width}}  {provenance_text(change)}")
        lines += [f"          - {reason}" for reason in change.reasons]
    lines += ["", f"findings ({len(run.findings)}):" if run.findings else "findings: none"]
    lines += [f"  {f.path}:{f.line}:{f.column} {f.rule} {f.severity} {f.message}" for f in run.findings]
    lines += ["", f"unmet conditions ({len(run.unmet)}):" if run.unmet else "unmet conditions: none"]
    lines += [f"  {condition}" for condition in run.unmet]
    lines += ["", "approvals: " + (", ".join(run.approvals) if run.approvals else "none")]
    return "\n".join(lines) + "\n"


def count_text(count: int) -> str:
    return plural(count, "gate run")
