"""The ``prodgate incidents ingest`` report: JSON for machines, a table for people."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from prodgate.feedback.coverage import RuleCoverage
from prodgate.feedback.grouping import Group
from prodgate.feedback.ingest import Ingested


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _group(group: Group, coverage: RuleCoverage | None) -> dict[str, Any]:
    spot = group.spot
    return {
        "fingerprint": group.fingerprint, "category": group.category, "reason": group.failure.reason,
        "type": group.type, "message": group.message,
        "path": spot.path if spot else None, "function": spot.function if spot else None,
        "line": spot.line if spot else None, "count": group.count,
        "first_seen": _time(group.first_seen), "last_seen": _time(group.last_seen),
        "caught_by": sorted({f.rule for f in coverage.caught}) if coverage else None,
        "nearby": [{"rule": f.rule, "category": f.category, "path": f.path, "line": f.line}
                   for f in coverage.nearby] if coverage else None,
        "frames": [{"path": s.path, "function": s.function, "line": s.line} for s in group.frames],
        "sources": [{"file": s.file, "record": s.record} for s in group.sources],
    }


def as_json(ingested: Ingested, stored: int | None) -> str:
    groups = [_group(g, ingested.coverage.get(g.fingerprint)) for g in ingested.groups]
    analysed = bool(ingested.coverage)
    document = {
        "groups": groups,
        "skipped": [{"file": s.file, "record": s.record, "reason": s.reason} for s in ingested.skipped],
        "summary": {
            "incidents": ingested.incidents, "groups": len(groups), "skipped": len(ingested.skipped),
            "caught": sum(1 for c in ingested.coverage.values() if not c.is_gap) if analysed else None,
            "gaps": sum(1 for c in ingested.coverage.values() if c.is_gap) if analysed else None,
            "stored": stored,
        },
    }
    return json.dumps(document, indent=2)


def as_text(ingested: Ingested, stored: int | None) -> str:
    lines = [f"{ingested.incidents} incident(s) in {len(ingested.groups)} group(s)"
             + (f", {len(ingested.skipped)} record(s) skipped" if ingested.skipped else "")]
    if ingested.groups:
        lines.append("")
        lines.append(f"{'COUNT':>5}  {'CATEGORY':<30} {'WHERE':<44} {'EXCEPTION':<32} CAUGHT BY")
    for group in ingested.groups:
        spot = group.spot
        where = f"{spot.path}:{spot.line} {spot.function}" if spot else "(no project frame)"
        coverage = ingested.coverage.get(group.fingerprint)
        caught = ("-" if coverage is None else ", ".join(sorted({f.rule for f in coverage.caught})) or "gap: no rule")
        lines.append(f"{group.count:>5}  {group.category:<30} {where:<44} {group.type.rpartition('.')[2]:<32} {caught}")
    gaps = [g for g in ingested.groups if (c := ingested.coverage.get(g.fingerprint)) is not None and c.is_gap]
    if gaps:
        lines.append("")
        lines.append(f"{len(gaps)} group(s) no rule would have caught (rules to write):")
        lines.extend(f"  {g.category}: {g.type} in {g.spot.path if g.spot else '?'} ({g.failure.reason})" for g in gaps)
    for skipped in ingested.skipped[:20]:
        lines.append(f"skipped {skipped.file}:{skipped.record}: {skipped.reason}")
    if len(ingested.skipped) > 20:
        lines.append(f"... and {len(ingested.skipped) - 20} more skipped record(s) (--format json lists them all)")
    if stored is not None:
        lines.append(f"stored in the ledger: {stored} new incident(s)")
    return "\n".join(lines)
