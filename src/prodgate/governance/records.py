"""The plain records a gate run produces: what the verdict rests on, and what the ledger stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from prodgate.core.finding import Finding


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who wrote a change: ``tool`` is an assistant id (``claude-code``, ``copilot``, ...), ``human``
    only when positively known, or ``unknown``; ``signals`` are the evidence, ``score`` 0-100."""

    tool: str
    score: int
    signals: tuple[str, ...] = ()

    @property
    def is_ai(self) -> bool:
        return self.tool not in ("human", "unknown")


@dataclass(frozen=True, slots=True)
class Change:
    """One changed file in the judged range, with its risk tier and provenance."""

    path: str
    tier: str  # "low" | "medium" | "high"
    reasons: tuple[str, ...]
    provenance: Attribution
    added_lines: tuple[int, ...] = ()
    ai_share: float = 0.0  # share (0-1) of the changed lines attributed to an assistant


@dataclass(frozen=True, slots=True)
class GateRun:
    """Everything one `prodgate gate` run decided, and the inputs it decided on."""

    base: str
    head: str
    version: str
    config_hash: str
    verdict: str  # "pass" | "warn" | "fail"
    unmet: tuple[str, ...]
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    approvals: tuple[str, ...]
    started_at: datetime
    duration: float
    repository: str = ""
    properties: dict[str, str] = field(default_factory=dict)
