"""Baselines: the known findings of a legacy tree, so only new ones are reported ("known debt", not comments).

A baseline is a JSON file of finding fingerprints, each with its rule, its path and how many findings
carry it. Fingerprints leave line numbers out (``prodgate.core.fingerprint``), so a baselined finding
stays matched when code moves or unrelated lines change; a finding whose fingerprint is not in the
baseline (or exceeds its count) is new. The file is written deterministically (sorted, no timestamps)
so it diffs cleanly when committed. The format is documented in docs/ledger.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodgate.core.finding import Finding

SCHEMA = "prodgate-baseline/1"
DEFAULT_PATH = Path(".prodgate") / "baseline.json"


class BaselineError(Exception):
    """A baseline file cannot be read or is not a prodgate baseline; one-line reason."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    path: str
    count: int


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]

    @property
    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for entry in self.entries:
            counts[entry.fingerprint] += entry.count
        return counts

    @property
    def findings(self) -> int:
        return sum(entry.count for entry in self.entries)


def baseline_of(findings: Iterable[Finding]) -> Baseline:
    """The baseline that marks every one of ``findings`` as known."""
    counts = Counter((f.fingerprint, f.rule, f.path) for f in findings)
    return Baseline(tuple(BaselineEntry(fp, rule, path, n)
                          for (fp, rule, path), n in sorted(counts.items(), key=lambda item: (item[0][2], item[0][1], item[0][0]))))


def filter_new(findings: Iterable[Finding], baseline: Baseline) -> tuple[Finding, ...]:
    """The findings the baseline does not know: each baseline entry absorbs up to ``count`` findings."""
    known = baseline.counts
    new = []
    for finding in findings:
        if known[finding.fingerprint] > 0:
            known[finding.fingerprint] -= 1
        else:
            new.append(finding)
    return tuple(new)


def dumps(baseline: Baseline) -> str:
    document = {"schema": SCHEMA, "findings": [
        {"fingerprint": e.fingerprint, "rule": e.rule, "path": e.path, "count": e.count} for e in baseline.entries]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(baseline: Baseline, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(baseline), encoding="utf-8")


def _entry(item: Any) -> BaselineEntry:
    if not isinstance(item, dict):
        raise TypeError(f"expected an object per finding, got {item!r}")
    fingerprint, rule, path, count = item["fingerprint"], item["rule"], item["path"], item.get("count", 1)
    if not all(isinstance(v, str) for v in (fingerprint, rule, path)):
        raise TypeError(f"fingerprint, rule and path must be strings in {item!r}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive integer in {item!r}")
    return BaselineEntry(fingerprint, rule, path, count)


def load_baseline(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a JSON baseline ({exc})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise BaselineError(f"{path}: not a prodgate baseline (expected \"schema\": \"{SCHEMA}\"; "
                            "create one with `prodgate baseline create`)")
    try:
        return Baseline(tuple(_entry(item) for item in document["findings"]))
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise BaselineError(f"{path}: invalid baseline entry: {detail}") from None
