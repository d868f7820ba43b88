"""Reports of a ``prodgate gate`` run: text, JSON, Markdown (a PR comment) and the GitHub step summary.

Findings are serialised exactly as ``prodgate check --format json`` does (``finding_object``);
provenance is shown for every change in every format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from prodgate.core.finding import Finding
from prodgate.core.result import TOOL_NAME
from prodgate.governance.gate import GateOutcome
from prodgate.governance.records import Attribution, Change
from prodgate.report.common import plural
from prodgate.report.json_report import finding_object

_MARK = {"pass": "\u2705 pass", "warn": "\u26a0\ufe0f warn", "fail": "\u274c fail"}


def provenance_text(change: Change) -> str:
    """``claude-code (score 85, 100% of changed lines)``, ``unknown`` or ``human (score 100)``."""
    found = change.provenance
    if found.is_ai:
        return f"{found.tool} (score {found.score}, {change.ai_share:.0%} of changed lines)"
    return f"{found.tool} (score {found.score})" if found.tool == "human" else "unknown"


def _attribution(found: Attribution, share: float) -> dict[str, Any]:
    return {"tool": found.tool, "ai": found.is_ai, "score": found.score, "signals": list(found.signals),
            "ai_share": share}


def render_json(outcome: GateOutcome) -> str:
    run = outcome.run
    report = {
        "tool": {"name": TOOL_NAME, "version": run.version},
        "verdict": run.verdict,
        "base": run.base,
        "head": run.head,
        "branch": run.properties.get("branch", ""),
        "commits": outcome.commits,
        "unmet": [{"condition": u.condition, "path": u.path, "rule": u.rule, "level": u.level, "message": u.message}
                  for u in outcome.unmet],
        "changes": [
            {"path": c.path, "tier": c.tier, "reasons": list(c.reasons),
             "provenance": _attribution(c.provenance, c.ai_share), "changed_lines": len(c.added_lines),
             "hunks": [{"start": h.start, "end": h.end, "tier": h.tier, "reasons": list(h.reasons)}
                       for h in outcome.risks[c.path].hunks]}
            for c in run.changes],
        "findings": [finding_object(f) for f in run.findings],
        "approvals": list(run.approvals),
        "duration_seconds": round(run.duration, 3),
    }
    return json.dumps(report, indent=2, ensure_ascii=False)


def _finding_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column} {finding.rule} {finding.severity} {finding.message}"


def render_text(outcome: GateOutcome) -> str:
    run = outcome.run
    lines = [f"prodgate gate: {run.verdict.upper()}  ({run.base[:10]}..{run.head[:10]}, "
             f"{plural(outcome.commits, 'commit')}, branch {run.properties.get('branch') or '?'})", ""]
    lines.append("changes:" if run.changes else "changes: none")
    width = max((len(c.path) for c in run.changes), default=0)
    for change in run.changes:
        lines.append(f"  {change.tier:<6}  {change.path:<{width}}  {provenance_text(change)}")
        lines += [f"          - {reason}" for reason in change.reasons]
    lines += ["", "findings on changed lines:" if run.findings else "findings on changed lines: none"]
    lines += [f"  {_finding_line(f)}" for f in run.findings]
    lines += ["", "unmet conditions:" if outcome.unmet else "unmet conditions: none"]
    lines += [f"  {u.level.upper():<4}  {u}" for u in outcome.unmet]
    lines += ["", "approvals: " + (", ".join(run.approvals) if run.approvals else "none")]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text.replace('`', chr(39))}`"


def render_markdown(outcome: GateOutcome, *, details: bool = False) -> str:
    run = outcome.run
    lines = [f"## prodgate gate: {_MARK[run.verdict]}", "",
             f"Range {_code(run.base[:10] + '..' + run.head[:10])} · {plural(outcome.commits, 'commit')} · "
             f"branch {_code(run.properties.get('branch') or '?')} · {plural(len(run.changes), 'changed file')} · "
             f"{plural(len(run.findings), 'finding')} on changed lines", ""]
    if outcome.unmet:
        lines += ["### Unmet conditions", "", "| level | file | unmet condition | rule |", "|---|---|---|---|"]
        lines += [f"| {u.level} | {_code(u.path)} | {_cell(u.message)} | {_code(u.rule)} |" for u in outcome.unmet]
        lines.append("")
    if run.changes:
        lines += ["### Changes", "", "| file | risk | provenance | reasons |", "|---|---|---|---|"]
        lines += [f"| {_code(c.path)} | {c.tier} | {_cell(provenance_text(c))} | {_cell('; '.join(c.reasons))} |"
                  for c in run.changes]
        lines.append("")
    if run.findings:
        lines += ["### Findings on changed lines", "", "| severity | rule | location | message |", "|---|---|---|---|"]
        lines += [f"| {f.severity} | {f.rule} | {_code(f'{f.path}:{f.line}')} | {_cell(f.message)} |" for f in run.findings]
        lines.append("")
    if details:
        for change in run.changes:
            if change.provenance.signals or outcome.risks[change.path].hunks:
                lines += [f"<details><summary>{_cell(change.path)}</summary>", ""]
                lines += [f"- evidence: {_cell(s)}" for s in change.provenance.signals]
                lines += [f"- lines {h.start}-{h.end}: {h.tier} ({_cell('; '.join(h.reasons) or 'no signal')})"
                          for h in outcome.risks[change.path].hunks]
                lines += ["", "</details>", ""]
    lines.append("**Approvals:** " + (", ".join(_cell(a) for a in run.approvals) if run.approvals else "none recorded"))
    return "\n".join(lines) + "\n"


def render_github_summary(outcome: GateOutcome) -> str:
    """The Markdown summary with each file's evidence and hunk tiers folded underneath."""
    return render_markdown(outcome, details=True)


GATE_FORMATS: dict[str, Callable[[GateOutcome], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "github-summary": render_github_summary,
}
