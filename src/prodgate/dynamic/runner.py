"""``fuzz(paths)``: the Python API of ``prodgate fuzz``, returning a ``RunResult`` like ``check``.

Discovery runs one sandbox child per module; fuzzing, scaling and race probes one child per
function, ``jobs`` at a time. Nothing here imports the code under test.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from os import PathLike
from pathlib import Path
from typing import Any

from prodgate.core.config import Config, load_config
from prodgate.core.finding import Diagnostic, Finding, Severity
from prodgate.core.result import RunResult
from prodgate.dynamic.findings import (
    DEATHS,
    TargetInfo,
    died_in_call,
    from_failure,
    from_growth,
    from_outcome,
    from_race,
    relative,
)
from prodgate.dynamic.modules import ModuleRef, resolve
from prodgate.dynamic.rules import FUZZ_STAGE
from prodgate.dynamic.sandbox import ChildOutcome, Limits, run_in_sandbox
from prodgate.dynamic.scaling import MEMORY_FLOOR, NOISE_FLOOR, fit_growth
from prodgate.dynamic.settings import FuzzSettings
from prodgate.dynamic.stage import StageRules

Progress = Callable[[int, int], None]
STARTUP_SECONDS = 10.0
SCALING_SECONDS = 10
RACE_SECONDS = 30.0
DISCOVERY_SECONDS = 60.0


def hypothesis_home() -> str:
    """Where sandbox children keep Hypothesis's caches (its unicode tables take seconds to build):
    one directory per user, shared by every project and run."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "prodgate" / "hypothesis")


def _limits(settings: FuzzSettings, wall: float) -> Limits:
    return Limits(wall_seconds=wall, cpu_seconds=int(wall) + 5, memory_bytes=settings.memory_limit_mb * 1024**2,
                  output_bytes=settings.output_limit_kb * 1024, allow_network=settings.allow_network)


def _discover(ref: ModuleRef, settings: FuzzSettings, root: Path) -> tuple[list[TargetInfo], list[Diagnostic]]:
    payload = {"import_roots": [ref.import_root], "modules": [{"name": ref.name, "only": ref.only}]}
    outcome = run_in_sandbox("discover", payload, _limits(settings, DISCOVERY_SECONDS))
    path = relative(ref.path, root)
    if outcome.reply is None:
        tail = " ".join(outcome.output_tail.strip().splitlines()[-1:])[:300]
        return [], [Diagnostic(path, "import-error", f"importing {ref.name}: the sandbox process {outcome.describe()}"
                               + (f": {tail}" if tail else ""))]
    module = outcome.reply["modules"][0]
    if "error" in module:
        return [], [Diagnostic(path, "import-error", f"importing {ref.name} failed: {module['error']}")]
    targets = [TargetInfo(t["module"], t["qualname"], t["path"], t["line"], t["binding"], ref.import_root,
                          t["skipped"], tuple(t["notes"]), tuple(t["params"]), t["scalable"], t["shared_state"])
               for t in module["targets"]]
    if ref.only and not targets:
        return [], [Diagnostic(path, "fuzz-skipped", f"{ref.name}:{ref.only} is not a public function or method")]
    return targets, []


def _fuzz_one(target: TargetInfo, settings: FuzzSettings, root: Path, home: str) -> tuple[list[Finding], list[Diagnostic], int]:
    payload: dict[str, Any] = {
        "import_roots": [target.import_root], "project_root": str(root), "module": target.module,
        "qualname": target.qualname, "max_examples": settings.max_examples, "time_budget": settings.time_budget,
        "call_timeout": settings.call_timeout_ms / 1000, "expected": list(settings.expected_for(target.module, target.qualname)),
        "hypothesis_home": home,
    }
    wall = settings.time_budget + 6 * settings.call_timeout_ms / 1000 + STARTUP_SECONDS
    outcome: ChildOutcome = run_in_sandbox("fuzz", payload, _limits(settings, wall))
    if outcome.reply is None and died_in_call(outcome):
        # Fuzz again with every call in a fork, so the input that kills the process can be shrunk.
        isolated = run_in_sandbox("fuzz", {**payload, "isolate": True, "output_bytes": settings.output_limit_kb * 1024},
                                  _limits(settings, wall))
        failures = (isolated.reply or {}).get("failures") or []
        if any(f["verdict"]["rule"] in DEATHS for f in failures):
            outcome = isolated
    if outcome.reply is None:
        made = from_outcome(target, outcome, root)
        return ([made], [], 0) if isinstance(made, Finding) else ([], [made], 0)
    reply = outcome.reply
    findings = [from_failure(target, failure, root) for failure in reply.get("failures", [])]
    diagnostics = []
    if reply.get("skipped"):
        diagnostics.append(Diagnostic(relative(target.path, root), "fuzz-skipped",
                                      f"{target.function}: {reply['skipped']}", target.line))
    return findings, diagnostics, int(reply.get("examples", 0))


def _scale_one(target: TargetInfo, settings: FuzzSettings, root: Path) -> list[Finding]:
    budget = min(settings.time_budget, SCALING_SECONDS)
    payload = {"import_roots": [target.import_root], "module": target.module, "qualname": target.qualname, "budget": budget}
    outcome = run_in_sandbox("scale", payload, _limits(settings, budget + STARTUP_SECONDS + 10))
    reply = outcome.reply or {}
    points = reply.get("points") or []
    sizes = [p[0] for p in points]
    found = []
    for resource, column, floor, limit in (("time", 1, NOISE_FLOOR, settings.scaling_budget_ms / 1000),
                                           ("memory", 2, MEMORY_FLOOR, settings.scaling_memory_budget_mb * 1024**2)):
        growth = fit_growth(sizes, [p[column] for p in points], floor)
        if growth is not None and growth.confident_super_linear and growth.predict(settings.production_size) > limit:
            found.append(from_growth(target, growth, resource, reply["parameters"], points, settings.production_size,
                                     limit, root))
    return found


def _race_one(target: TargetInfo, settings: FuzzSettings, root: Path) -> list[Finding]:
    payload = {"import_roots": [target.import_root], "module": target.module, "qualname": target.qualname}
    outcome = run_in_sandbox("race", payload, _limits(settings, RACE_SECONDS))
    reply = outcome.reply or {}
    return [from_race(target, reply, root)] if reply.get("race") else []


def _probe(target: TargetInfo, settings: FuzzSettings, root: Path, home: str) -> tuple[list[Finding], list[Diagnostic], int]:
    """Fuzz one target, then measure its scaling and probe it for races where that applies."""
    findings, diagnostics, examples = _fuzz_one(target, settings, root, home)
    if settings.scaling and target.scalable:
        findings.extend(_scale_one(target, settings, root))
    if settings.races and target.shared_state:
        findings.extend(_race_one(target, settings, root))
    return findings, diagnostics, examples


def _parallel(jobs: int, work: Callable[[Any], Any], items: Sequence[Any], done: Callable[[], None]) -> list[Any]:
    def run(item: Any) -> Any:
        try:
            return work(item)
        finally:
            done()

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(run, items))


def _lines(paths: Iterable[str]) -> int:
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += Path(path).read_bytes().count(b"\n")
    return total


def fuzz(
    paths: Sequence[str | PathLike[str]],
    config: Config | None = None,
    *,
    settings: FuzzSettings | None = None,
    jobs: int | None = None,
    fail_on: Severity | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Fuzz the public functions and methods under ``paths`` (files, directories or ``module:qualname``)."""
    started = time.perf_counter()
    targets_given = [str(p) for p in paths] or ["."]
    if config is None:
        config = load_config(Path(targets_given[0]) if Path(targets_given[0]).exists() else Path("."))
    settings = settings or FuzzSettings.from_table(config.section("fuzz"))
    root = config.root
    workers = jobs if jobs is not None else (config["jobs"] or os.cpu_count() or 1)
    refs = [ref for given in targets_given for ref in resolve(given, config)]
    diagnostics: list[Diagnostic] = []
    targets: list[TargetInfo] = []
    for found, problems in _parallel(workers, lambda ref: _discover(ref, settings, root), refs, lambda: None):
        targets.extend(found)
        diagnostics.extend(problems)
    for target in targets:
        if target.skipped:
            diagnostics.append(Diagnostic(relative(target.path, root), "fuzz-skipped",
                                          f"{target.function}: {target.skipped}", target.line))
    runnable = [t for t in targets if not t.skipped]
    units = settings.max_examples
    finished = [0]

    def advance() -> None:
        finished[0] += 1
        if progress:
            progress(finished[0] * units, len(runnable) * units)

    raw: list[Finding] = []
    examples = 0
    home = hypothesis_home()
    for found, problems, count in _parallel(workers, lambda t: _probe(t, settings, root, home), runnable, advance):
        raw.extend(found)
        diagnostics.extend(problems)
        examples += count
    stage = StageRules.configured(config, FUZZ_STAGE)
    findings, problems = stage.settle(raw, {relative(ref.path, root) for ref in refs})
    diagnostics.extend(problems)
    return RunResult(
        command="fuzz", root=str(root),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: (d.path, d.line, d.kind, d.message))),
        rules=stage.metas, files=len(refs), lines=_lines(r.path for r in refs),
        duration=time.perf_counter() - started, fail_on=fail_on or config["fail-on"],
        fail_on_unanalysed=config["fail-on-unanalysed"],
        extra={"functions": len(targets), "fuzzed": len(runnable), "examples": examples},
    )
