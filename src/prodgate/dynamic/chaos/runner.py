"""``chaos(path)``: the Python API of ``prodgate chaos``, returning a ``RunResult`` like ``check``.

1. Run the project's tests once with the plugin recording: which tests call out, through which
   client, from which call site. Tests that fail without any fault are left out (a diagnostic).
2. For every recorded site the plan wants and every fault that applies to its clients, re-run
   only the tests that reach the site, in a child pytest, with that one fault armed there.
3. Judge each test's outcome (``classify``) and report one finding per (site, fault, verdict),
   naming the first test that shows it and the command that reproduces it. The configuration
   (select/ignore, per-rule severity) and ``# prodgate: ignore[PG95x]`` on the call site's line
   settle them (``dynamic.stage.StageRules``).
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodgate.core.config import Config, load_config
from prodgate.core.finding import Diagnostic, Finding, Properties, Severity
from prodgate.core.fingerprint import fingerprint
from prodgate.core.result import RunResult
from prodgate.dynamic.chaos.classify import Verdict, judge, storm
from prodgate.dynamic.chaos.faults import FAULTS, applicable
from prodgate.dynamic.chaos.plan import Budget, FaultPlan
from prodgate.dynamic.chaos.pytest_process import run_pytest
from prodgate.dynamic.chaos.rules import CHAOS_STAGE
from prodgate.dynamic.chaos.rules.error_answer_used_as_data import ErrorAnswerUsedAsData
from prodgate.dynamic.chaos.rules.fault_escapes_unhandled import FaultEscapesUnhandled
from prodgate.dynamic.chaos.rules.hang_under_fault import HangUnderFault
from prodgate.dynamic.chaos.rules.retry_storm_under_fault import RetryStormUnderFault
from prodgate.dynamic.stage import StageRules

Progress = Callable[[int, int], None]
RECORD_TIMEOUT = 1800.0
PROCESS_SLACK = 60.0
NO_TESTS = 5


class ChaosError(Exception):
    """The project's tests could not be run or recorded; the message says why, in one line."""


@dataclass(frozen=True)
class Pair:
    site: str
    fault: str
    tests: tuple[str, ...]
    target: str = ""
    """What the calls at the site address, when the client names it (``s3.GetObject``)."""


@dataclass(frozen=True)
class Recording:
    sites: dict[str, set[str]]
    """site -> clients called there."""
    calls: dict[tuple[str, str], int]
    """(site, test) -> calls."""
    failing: tuple[str, ...]
    targets: dict[str, set[str]]
    """site -> what the calls there address, for clients that name it (``s3.GetObject``)."""


def _last_line(text: str) -> str:
    """The line of pytest's output that says why it stopped: its last error line (a usage error is
    followed by the rootdir), else its last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower()]
    return (errors or lines or ["no output"])[-1]


def record(python: str, root: Path, pytest_args: Sequence[str]) -> Recording:
    run = run_pytest(python, root, pytest_args, [], RECORD_TIMEOUT)
    if run.returncode == NO_TESTS:
        raise ChaosError(f"pytest collected no tests in {root}")
    if run.payload is None or run.returncode not in (0, 1):
        raise ChaosError(f"pytest could not run the tests in {root} (exit {run.returncode}): {_last_line(run.output_tail)}")
    tests = run.payload["runs"].get("", {})
    failing = tuple(t for t, entry in tests.items() if entry["outcome"] == "failed")
    sites: dict[str, set[str]] = defaultdict(set)
    calls: dict[tuple[str, str], int] = defaultdict(int)
    for call in run.payload["calls"]:
        if call["test"] in failing:
            continue
        sites[call["site"]].add(call["client"])
        calls[(call["site"], call["test"])] += call["count"]
    targets: dict[str, set[str]] = defaultdict(set)
    for entry in run.payload.get("targets", []):
        targets[entry["site"]].update(entry["targets"])
    return Recording(dict(sites), dict(calls), failing, dict(targets))


def plan_pairs(recording: Recording, plan: FaultPlan) -> list[Pair]:
    pairs: list[Pair] = []
    for site in sorted(recording.sites, key=_site_key):
        if not plan.wants(site):
            continue
        faults = {f for client in recording.sites[site] for f in applicable(client)}
        tests = tuple(sorted(t for (s, t) in recording.calls if s == site))
        target = ", ".join(sorted(recording.targets.get(site, ())))
        pairs.extend(Pair(site, fault, tests, target) for fault in plan.faults_for(site) if fault in faults)
    return pairs


def _site_key(site: str) -> tuple[str, int]:
    path, _, line = site.rpartition(":")
    return path, int(line)


def _line_text(root: Path, site: str) -> str:
    path, line = _site_key(site)
    try:
        lines = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _finding(meta: Any, root: Path, pair: Pair, test: str, message: str, **properties: str) -> Finding:
    path, line = _site_key(pair.site)
    reproduce = f"python -m pytest '{test}' --prodgate-fault {pair.site}:{pair.fault}"
    return Finding(
        rule=meta.code, category=meta.category, severity=meta.severity, confidence=meta.confidence,
        path=path, line=line, column=1, end_line=line, end_column=1, message=message, cwe=meta.cwe,
        fingerprint=fingerprint(meta.code, path, pair.fault, _line_text(root, pair.site), 0),
        properties=Properties({"fault": pair.fault, "test": test, "site": pair.site, "reproduce": reproduce,
                               **({"target": pair.target} if pair.target else {}), **properties}))


def findings_for(pair: Pair, tests: dict[str, Any], recording: Recording, plan: FaultPlan,
                 root: Path) -> tuple[list[Finding], dict[str, int]]:
    """The findings of one (site, fault) from its tests' outcomes, and how many tests got each verdict.

    A test missing from ``tests`` was running when its process was killed at the time limit: hung.
    """
    budget = plan.budget_for(pair.site)
    seen: dict[Verdict, Finding] = {}
    counts: dict[str, int] = defaultdict(int)
    for test in pair.tests:
        entry = tests.get(test) or {"outcome": "failed", "hung": True, "injections": []}
        baseline = recording.calls.get((pair.site, test), 1)
        verdicts = judge(pair.fault, entry, baseline, budget)
        for verdict in verdicts:
            counts[verdict.value] += 1
            if verdict in seen or verdict in (Verdict.HANDLED, Verdict.NOT_REACHED):
                continue
            seen[verdict] = _verdict_finding(verdict, pair, test, entry, plan, root, budget, baseline)
    return list(seen.values()), dict(counts)


def _verdict_finding(verdict: Verdict, pair: Pair, test: str, entry: dict[str, Any], plan: FaultPlan,
                     root: Path, budget: Budget, baseline: int) -> Finding:
    exception = entry.get("exception") or {}
    described = FAULTS[pair.fault].description
    if verdict is Verdict.HUNG:
        return _finding(HangUnderFault.meta, root, pair, test,
                        f"The call at {pair.site} under {pair.fault} ({described}) keeps {test} running past its "
                        f"{plan.deadline:g}s deadline; pass a timeout to the client so a stalled dependency cannot hold a worker forever",
                        verdict=verdict.value)
    if verdict is Verdict.STORM:
        why = storm(entry.get("injections") or [], baseline, budget) or "too many attempts"
        return _finding(RetryStormUnderFault.meta, root, pair, test,
                        f"Under {pair.fault} the call at {pair.site} is retried in {test} with {why}; bound the retries "
                        f"and back off exponentially with jitter so a struggling dependency is not hammered",
                        verdict=verdict.value, attempts=str(len(entry.get("injections") or [])))
    where = exception.get("escaped_at") or pair.site
    details = {"verdict": verdict.value, "exception": exception.get("type", ""),
               "error": exception.get("message", ""), "escaped_at": where}
    if verdict is Verdict.CORRUPT:
        return _finding(ErrorAnswerUsedAsData.meta, root, pair, test,
                        f"Under {pair.fault} the error answer of the call at {pair.site} is read as data without a status "
                        f"check and {test} fails on the result ({exception.get('type', 'a failure')}); check the status before using the body",
                        **details)
    return _finding(FaultEscapesUnhandled.meta, root, pair, test,
                    f"{exception.get('type', 'An exception')} escapes {where} when the call at {pair.site} meets "
                    f"{pair.fault} ({described}); catch it there and turn it into a retry, a fallback or the project's own error",
                    **details)


def chaos(
    path: str | os.PathLike[str] = ".",
    pytest_args: Sequence[str] = (),
    plan: FaultPlan | None = None,
    *,
    config: Config | None = None,
    python: str | None = None,
    fail_on: Severity | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Record the tests under ``path``, inject each planned fault at each recorded call site, report what breaks."""
    started = time.perf_counter()
    root = Path(path).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"{path}: not a directory")
    config = config or load_config(root)
    plan = plan or FaultPlan()
    interpreter = python or sys.executable
    recording = record(interpreter, root, pytest_args)
    diagnostics = [Diagnostic(test.partition("::")[0], "chaos-baseline-failure",
                              f"{test} fails without any fault injected, so no fault was tried on it")
                   for test in recording.failing]
    pairs = plan_pairs(recording, plan)
    batches = [[p for p in pairs if p.site == site] for site in dict.fromkeys(p.site for p in pairs)]
    total_runs, done = sum(len(p.tests) for p in pairs), 0

    def run_site(batch: list[Pair]) -> list[tuple[Pair, dict[str, Any] | str]]:
        results: list[tuple[Pair, dict[str, Any] | str]] = []
        while batch:
            arms = [f"--prodgate-fault={p.site}:{p.fault}" for p in batch]
            timeout = plan.deadline * len(batch[0].tests) * len(batch) + PROCESS_SLACK
            run = run_pytest(interpreter, root, pytest_args, [*arms, f"--prodgate-deadline={plan.deadline}"],
                             timeout, select=batch[0].tests)
            runs = (run.payload or {}).get("runs", {})
            finished = [p for p in batch if f"{p.site}:{p.fault}" in runs]
            results.extend((p, runs[f"{p.site}:{p.fault}"]) for p in finished)
            rest = batch[len(finished):]
            if not rest:
                break
            if run.returncode is not None:
                results.extend((p, f"pytest exited {run.returncode}: {_last_line(run.output_tail)}") for p in rest)
                break
            # Killed at the time limit: the fault in progress hung its tests; run the rest afresh.
            results.append((rest[0], {}))
            batch = rest[1:]
        return results

    raw: list[Finding] = []
    verdicts: dict[str, int] = defaultdict(int)
    workers = plan.jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(run_site, batch) for batch in batches]):
            results = future.result()
            done += sum(len(pair.tests) for pair, _ in results)
            if progress:
                progress(done, total_runs)
            for pair, tests in results:
                if isinstance(tests, str):
                    path, line = _site_key(pair.site)
                    diagnostics.append(Diagnostic(path, "chaos-run-error", f"{pair.site}:{pair.fault}: {tests}", line))
                    continue
                found, counts = findings_for(pair, tests, recording, plan, root)
                raw.extend(found)
                for name, count in counts.items():
                    verdicts[name] += count
    stage = StageRules.configured(config, CHAOS_STAGE)
    findings, problems = stage.settle(raw, {_site_key(p.site)[0] for p in pairs})
    diagnostics.extend(problems)
    return RunResult(
        command="chaos", root=str(root), findings=tuple(sorted(findings, key=Finding.sort_key)),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: (d.path, d.line, d.kind, d.message))), rules=stage.metas,
        files=len({_site_key(p.site)[0] for p in pairs}),
        lines=0, duration=time.perf_counter() - started, fail_on=fail_on or config["fail-on"],
        fail_on_unanalysed=config["fail-on-unanalysed"],
        extra={"sites": len({p.site for p in pairs}), "runs": len(pairs), "verdicts": dict(sorted(verdicts.items()))})
