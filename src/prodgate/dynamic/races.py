"""Race probes, run in the sandbox child: many threads against sequential runs of the same calls.

A candidate touches shared state (``targets.shared_state``): it rebinds a module global,
mutates a module-level container, or is a method that assigns attributes (one instance is
shared by the threads). The probe runs ``THREADS x CALLS`` identical calls twice sequentially
(from fresh state: the module is re-imported, the instance rebuilt) and, with the interpreter's
switch interval cut to a microsecond so threads interleave inside the function, up to
``ATTEMPTS`` times from threads. A result multiset, an exception or a final state (module
globals or instance attributes) that no sequential run produced is a race. Functions whose two
sequential runs already differ (clocks, randomness) are not judged.
"""

from __future__ import annotations

import importlib
import random
import sys
import threading
from collections import Counter
from types import ModuleType
from typing import Any

from prodgate.dynamic.pysource import call_source
from prodgate.dynamic.samples import constructor_arguments, scalar
from prodgate.dynamic.targets import Target, import_module, targets_of
from prodgate.dynamic.worker import CallRecorder

THREADS, CALLS, ATTEMPTS = 8, 200, 20
STATE_REPR = 300


def _snapshot(module: ModuleType, instance: Any) -> dict[str, str]:
    if instance is not None:
        return {k: repr(v)[:STATE_REPR] for k, v in sorted(vars(instance).items())}
    state = {}
    for name, value in sorted(vars(module).items()):
        if not name.startswith("__") and isinstance(value, (int, float, str, list, dict, set, tuple)) and not isinstance(value, bool):
            state[name] = repr(value)[:STATE_REPR]
    return state


class Probe:
    def __init__(self, target: Target, recorder: CallRecorder):
        self.target, self.recorder = target, recorder
        rng = random.Random(0)
        self.args = {p.name: scalar(p.hint, rng) for p in target.params}
        self.init: dict[str, Any] = {}
        if target.binding == "method" and target.owner is not None:
            self.init = constructor_arguments(target.owner, rng)

    def _fresh(self) -> tuple[ModuleType, Any, Any]:
        module = importlib.reload(self.target.module)
        self.target.module = module
        owner = getattr(module, self.target.owner.__name__) if self.target.owner else None
        name = self.target.qualname.rpartition(".")[2]
        if self.target.binding == "method":
            assert owner is not None
            instance = owner(**self.init)
            return module, instance, getattr(instance, name)
        return module, None, getattr(owner, name) if owner else getattr(module, name)

    def _one(self, function: Any, results: list[str], errors: list[str]) -> None:
        for _ in range(CALLS):
            try:
                results.append(repr(function(**self.args))[:STATE_REPR])
            except Exception as exc:
                errors.append(type(exc).__name__)

    def run(self, threaded: bool) -> tuple[Counter[str], Counter[str], dict[str, str]]:
        module, instance, function = self._fresh()
        results: list[str] = []
        errors: list[str] = []
        if threaded:
            interval = sys.getswitchinterval()
            sys.setswitchinterval(1e-6)
            try:
                workers = [threading.Thread(target=self._one, args=(function, results, errors)) for _ in range(THREADS)]
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join()
            finally:
                sys.setswitchinterval(interval)
        else:
            for _ in range(THREADS):
                self._one(function, results, errors)
        return Counter(results), Counter(errors), _snapshot(module, instance)


def _difference(sequential: tuple[Counter[str], Counter[str], dict[str, str]],
                threaded: tuple[Counter[str], Counter[str], dict[str, str]]) -> str | None:
    results, errors, state = sequential
    t_results, t_errors, t_state = threaded
    if t_errors != errors:
        return f"threads raised {dict(t_errors - errors) or dict(t_errors)}; sequential calls raised {dict(errors) or 'nothing'}"
    if t_state != state:
        changed = sorted(k for k in set(state) | set(t_state) if state.get(k) != t_state.get(k))
        name = changed[0]
        return f"final {name} is {t_state.get(name)} after threads, {state.get(name)} after sequential calls"
    if t_results != results:
        repeated = [r for r, count in (t_results - results).items()][:3]
        return f"threads returned {len(t_results)} distinct results instead of {len(results)}, e.g. {', '.join(repeated)}"
    return None


def race_in_child(payload: dict[str, Any], recorder: CallRecorder) -> dict[str, Any]:
    """Worker action: probe one target for races."""
    module = import_module(payload["module"], recorder)
    found = [t for t in targets_of(module) if t.qualname == payload["qualname"]]
    if not found or found[0].skipped:
        return {"skipped": "not fuzzable"}
    probe = Probe(found[0], recorder)
    call = f"{THREADS} threads x {CALLS} calls of {call_source(found[0].qualname, [], probe.args).text}"
    with recorder.calling({"phase": "race", "call": call[:2000]}):
        first, second = probe.run(threaded=False), probe.run(threaded=False)
        if first != second:
            return {"skipped": "sequential runs differ (clock or randomness); not judged"}
        for attempt in range(1, ATTEMPTS + 1):
            broken = _difference(first, probe.run(threaded=True))
            if broken:
                return {"race": broken, "call": call, "attempt": attempt}
    return {"race": None}
