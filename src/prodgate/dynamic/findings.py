"""Dynamic findings: from a child's reply (or its death) to regular prodgate ``Finding``s."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodgate.core.finding import Confidence, Diagnostic, Finding, Properties
from prodgate.core.fingerprint import fingerprint
from prodgate.core.rule import RuleMeta
from prodgate.dynamic.rules.crash_on_hinted_input import CrashOnHintedInput
from prodgate.dynamic.rules.hang_on_hinted_input import HangOnHintedInput
from prodgate.dynamic.rules.network_access_while_fuzzing import NetworkAccessWhileFuzzing
from prodgate.dynamic.rules.race_under_threads import RaceUnderThreads
from prodgate.dynamic.rules.super_linear_scaling import SuperLinearScaling
from prodgate.dynamic.sandbox import ChildOutcome

INPUT_PREVIEW = 80


@dataclass(frozen=True)
class TargetInfo:
    """A target as the parent knows it (from the discovery child's description)."""

    module: str
    qualname: str
    path: str
    line: int
    binding: str
    import_root: str
    skipped: str | None = None
    notes: tuple[str, ...] = ()
    params: tuple[dict[str, str], ...] = field(default_factory=tuple)
    scalable: bool = False
    shared_state: bool = False

    @property
    def function(self) -> str:
        return f"{self.module}:{self.qualname}"


def relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, root)).as_posix()


def _preview(source: str) -> str:
    return source if len(source) <= INPUT_PREVIEW else source[:INPUT_PREVIEW - 3] + "..."


def make_finding(meta: RuleMeta, target: TargetInfo, root: Path, message: str, key: str,
                 confidence: Confidence | None = None, **properties: str) -> Finding:
    path = relative(target.path, root)
    return Finding(
        rule=meta.code, category=meta.category, severity=meta.severity,
        confidence=confidence if confidence is not None else meta.confidence,
        path=path, line=target.line, column=1, end_line=target.line, end_column=1,
        message=message, cwe=meta.cwe, fingerprint=fingerprint(meta.code, path, target.qualname, key, 0),
        properties=Properties({"function": target.function, "import_root": relative(target.import_root, root),
                               **properties}),
    )


def from_failure(target: TargetInfo, failure: dict[str, Any], root: Path) -> Finding:
    """A finding from one failure the fuzzing child recorded and shrank."""
    verdict = failure["verdict"]
    exception = failure["exception"].rpartition(".")[2]
    call = failure["call"]
    raised_at = f"{relative(failure['frame_path'], root)}:{failure['frame_line']}"
    common = {"input": call, "oracle": verdict["rule"], "exception": failure["exception"],
              "error": failure["message"], "raised_at": raised_at, "imports": ",".join(failure["imports"]),
              "exact_input": "yes" if failure["exact"] else "no", "examples": str(failure["examples_to_find"])}
    if verdict["rule"] in DEATHS:
        return _death(target, root, verdict["rule"], call, failure["message"], exact_input=common["exact_input"],
                      imports=common["imports"], examples=common["examples"])
    if verdict["rule"] == "network-blocked":
        meta, message = NetworkAccessWhileFuzzing.meta, f"{target.function} opens a network connection on {_preview(call)}, which the sandbox blocks; inject the client so it can be tested without a network"
    elif verdict["category"] == "dynamic.hang":
        meta, message = HangOnHintedInput.meta, f"{target.function} does not return within the call time limit on {_preview(call)}"
    else:
        meta = CrashOnHintedInput.meta
        message = f"{target.function} raises {exception} at {raised_at} on {_preview(call)} ({verdict['reason']})"
    return make_finding(meta, target, root, message, f"{verdict['rule']}:{failure['exception']}", **common)


def from_race(target: TargetInfo, reply: dict[str, Any], root: Path) -> Finding:
    tasks = "asyncio tasks" in reply["call"]
    message = (f"{target.function} is not safe under {'concurrent tasks' if tasks else 'threads'}: "
               f"{reply['race']} ({reply['call']})")
    properties = {"input": reply["call"], "oracle": "tasks-vs-sequential" if tasks else "threads-vs-sequential",
                  "difference": reply["race"], "attempt": str(reply["attempt"])}
    if reply.get("interleaving"):
        message += f"; interleaving: {reply['interleaving']}"
        properties["interleaving"] = reply["interleaving"]
    if reply.get("replay"):
        replay = reply["replay"]
        properties.update(replay_function=replay["function"], replay_call=replay["call"], imports=",".join(replay["imports"]),
                          exact_input="yes" if replay["exact"] else "no", tasks=str(replay["tasks"]), calls=str(replay["calls"]))
    return make_finding(RaceUnderThreads.meta, target, root, message, "race", None, **properties)


def from_growth(target: TargetInfo, growth: Any, resource: str, parameters: list[str], points: list[list[float]],
                production_size: int, budget: float, root: Path) -> Finding:
    """A scaling finding from a fitted ``scaling.Growth`` of ``resource`` (``time`` in seconds or ``memory`` in bytes)."""
    predicted = growth.predict(production_size)
    grown = ", ".join(parameters)
    fit = f"{growth.model} in the size of {grown} (n^{growth.slope:.1f}, R^2 {growth.r2:.2f})"
    if resource == "memory":
        message = (f"{target.function} peak memory grows {fit}: about {predicted / 1024**2:,.0f} MiB at "
                   f"{production_size:,} items, budget {budget / 1024**2:,.0f} MiB")
        measured = ";".join(f"{int(n)}:{int(b)}" for n, _, b in points)
        cost = {"oracle": "memory-growth-fit", "predicted_bytes": str(int(predicted))}
    else:
        message = (f"{target.function} time grows {fit}: about {predicted:,.1f} s at {production_size:,} items, "
                   f"budget {budget:g} s")
        measured = ";".join(f"{int(n)}:{t:.6f}" for n, t, _ in points)
        cost = {"oracle": "growth-fit", "predicted_seconds": f"{predicted:.3f}"}
    key = f"scaling:{growth.model}" if resource == "time" else f"scaling-memory:{growth.model}"
    return make_finding(SuperLinearScaling.meta, target, root, message, key, None, input=f"len({grown}) = n",
                        growth=growth.model, exponent=f"{growth.slope:.2f}", r2=f"{growth.r2:.3f}",
                        production_size=str(production_size), measured=measured, **cost)


DEATHS = ("wall-timeout", "runaway-output", "process-died")


def died_in_call(outcome: ChildOutcome) -> bool:
    """Whether the child stopped inside a call of user code (rather than while importing or setting up)."""
    return bool(outcome.last_call and outcome.last_call.get("phase") == "call")


def _death(target: TargetInfo, root: Path, oracle: str, call: str, how: str, **common: str) -> Finding:
    """A finding for a call that hung past every limit or took the sandbox process down."""
    if oracle == "wall-timeout":
        meta, message = HangOnHintedInput.meta, f"{target.function} does not return on {_preview(call)}: the sandbox process {how}"
    else:
        meta, message = CrashOnHintedInput.meta, f"{target.function} takes the process down on {_preview(call)}: it {how}"
    return make_finding(meta, target, root, message, oracle, None, input=call, oracle=oracle, exception="", error=how, **common)


def from_outcome(target: TargetInfo, outcome: ChildOutcome, root: Path) -> Finding | Diagnostic:
    """A finding when the child died inside a call of the target, else a diagnostic saying what happened."""
    call = (outcome.last_call or {}).get("call")
    if died_in_call(outcome) and call:
        oracle = {"timeout": "wall-timeout", "output-limit": "runaway-output"}.get(outcome.status, "process-died")
        return _death(target, root, oracle, call, outcome.describe(), exact_input="yes", imports="", examples="")
    phase = (outcome.last_call or {}).get("phase", "setup")
    tail = " ".join(outcome.output_tail.strip().splitlines()[-1:])[:300]
    return Diagnostic(relative(target.path, root), "fuzz-error",
                      f"{target.function}: the sandbox process {outcome.describe()} during {phase}" + (f": {tail}" if tail else ""),
                      target.line)
