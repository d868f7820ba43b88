"""Race probes, run in the sandbox child: concurrent calls against sequential runs of the same calls.

A candidate touches shared state (``targets.shared_state``): it rebinds a module global,
mutates a module-level container, or is a method that assigns attributes (one instance is
shared by the callers). The probe runs the same calls twice sequentially (from fresh state: the
module is re-imported, the instance rebuilt) and then concurrently; a result multiset, an
exception or a final state (module globals or instance attributes) that no sequential run
produced is a race. Functions whose two sequential runs already differ (clocks, randomness) are
not judged.

Plain functions first run as two threads of one call each under a line tracer that forces the
order: thread 1 stops before the first run of its second distinct line of the function's code,
thread 2 runs its whole call, then thread 1 goes on; then the same stopping before the third
distinct line, and so on (``Preemption``). CPython switches threads only at calls and backward
jumps, so a read and a write on two lines with neither between them never interleave on their
own; a stop between every pair of lines opens each such window once, deterministically, and the
breaking run's interleaving is shown. A thread 2 that makes no progress while thread 1 is stopped
(it waits for a lock thread 1 holds) lets thread 1 go on after ``STALL`` seconds, so locks cost
a pause, never a deadlock. Races inside one line (``counter += f(x)``) need a switch inside a
line: ``THREADS x CALLS`` calls then run from threads with the interpreter's switch interval cut
to a microsecond, up to ``ATTEMPTS`` times. Async functions run as concurrent asyncio tasks,
whose interleaving at ``await`` points is deterministic: the probe tries 2, 4 and 8 tasks of one
call each, then ``THREADS x CALLS``, and for the smallest run that breaks it records which task
ran which line of the function, in order (the interleaving).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import random
import sys
import threading
import types
from collections import Counter
from collections.abc import Callable, Coroutine
from types import FrameType, ModuleType
from typing import Any

from prodgate.dynamic.pysource import call_source
from prodgate.dynamic.samples import constructor_arguments, scalar
from prodgate.dynamic.targets import Target, codes_of, import_module, targets_of
from prodgate.dynamic.worker import CallRecorder

THREADS, CALLS, ATTEMPTS = 8, 200, 20
STOPS, STALL = 100, 0.05
TASK_SHAPES = ((2, 1), (4, 1), (8, 1), (THREADS, CALLS))
STATE_REPR = 300
Outcome = tuple[Counter[str], Counter[str], dict[str, str]]


def _snapshot(module: ModuleType, instance: Any) -> dict[str, str]:
    if instance is not None:
        return {k: repr(v)[:STATE_REPR] for k, v in sorted(vars(instance).items())}
    state = {}
    for name, value in sorted(vars(module).items()):
        if not name.startswith("__") and isinstance(value, (int, float, str, list, dict, set, tuple)) and not isinstance(value, bool):
            state[name] = repr(value)[:STATE_REPR]
    return state


class Interleaving:
    """Records, while installed, which asyncio task ran which line of the target's code."""

    def __init__(self, code: types.CodeType):
        # Matched by place, not identity: every fresh run re-imports the module and makes new code objects.
        self.codes = {(c.co_filename, c.co_firstlineno, c.co_name) for c in codes_of(code)}
        self.steps: list[tuple[str, int]] = []

    def who(self) -> str:
        task = asyncio.current_task()
        return task.get_name() if task else "main"

    def _line(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event == "line":
            self.steps.append((self.who(), frame.f_lineno))
        return self._line

    def _call(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        code = frame.f_code
        return self._line if (code.co_filename, code.co_firstlineno, code.co_name) in self.codes else None

    def __enter__(self) -> Interleaving:
        sys.settrace(self._call)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)

    def describe(self) -> str:
        """``task 1: lines 12-13; task 2: lines 12-13; task 1: line 14; ...``"""
        runs: list[tuple[str, list[int]]] = []
        for task, line in self.steps:
            if runs and runs[-1][0] == task:
                runs[-1][1].append(line)
            else:
                runs.append((task, [line]))
        parts = []
        for task, lines in runs:
            span = f"line {lines[0]}" if min(lines) == max(lines) else f"lines {min(lines)}-{max(lines)}"
            parts.append(f"{task}: {span}")
        return "; ".join(parts)


class Preemption(Interleaving):
    """Forces one order on two threads' calls and records which thread ran which line of the
    target's code: ``thread 1`` stops before the first run of the ``stop + 1``-th distinct line
    it reaches until ``thread 2`` has returned from its call, or has made no progress for
    ``STALL`` seconds (it waits for a lock thread 1 holds). Traces the threads started while it
    is installed."""

    def __init__(self, code: types.CodeType, stop: int):
        super().__init__(code)
        self.stop = stop
        self.seen: set[int] = set()
        self.stopped = False
        self.start = threading.Event()  # thread 2 may call
        self.done = threading.Event()  # thread 2 has returned

    def who(self) -> str:
        return threading.current_thread().name

    def _line(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event == "line":
            who = self.who()
            if who == "thread 1" and not self.stopped and frame.f_lineno not in self.seen:
                self.seen.add(frame.f_lineno)
                if len(self.seen) > self.stop:
                    self.stopped = True
                    self._wait_for_thread_2()
            self.steps.append((who, frame.f_lineno))
        return self._line

    def _wait_for_thread_2(self) -> None:
        self.start.set()
        progress = -1  # thread 2 gets two periods to start
        while not self.done.wait(STALL) and len(self.steps) != progress:
            progress = len(self.steps)

    def __enter__(self) -> Preemption:
        self.previous = threading.gettrace()
        threading.settrace(self._call)
        return self

    def __exit__(self, *exc: object) -> None:
        threading.settrace(self.previous)


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

    def _one(self, function: Any, calls: int, results: list[str], errors: list[str]) -> None:
        for _ in range(calls):
            try:
                results.append(repr(function(**self.args))[:STATE_REPR])
            except Exception as exc:
                errors.append(type(exc).__name__)

    def run(self, threaded: bool, threads: int = THREADS, calls: int = CALLS) -> Outcome:
        module, instance, function = self._fresh()
        results: list[str] = []
        errors: list[str] = []
        if threaded:
            interval = sys.getswitchinterval()
            sys.setswitchinterval(1e-6)
            try:
                workers = [threading.Thread(target=self._one, args=(function, calls, results, errors)) for _ in range(threads)]
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join()
            finally:
                sys.setswitchinterval(interval)
        else:
            for _ in range(threads):
                self._one(function, calls, results, errors)
        return Counter(results), Counter(errors), _snapshot(module, instance)

    def run_preempted(self, trace: Preemption) -> Outcome:
        """One call from each of two threads, in the order ``trace`` forces."""
        module, instance, function = self._fresh()
        results: list[str] = []
        errors: list[str] = []

        def first() -> None:
            try:
                self._one(function, 1, results, errors)
            finally:
                trace.start.set()

        def second() -> None:
            trace.start.wait()
            try:
                self._one(function, 1, results, errors)
            finally:
                trace.done.set()

        with trace:
            workers = [threading.Thread(target=first, name="thread 1"), threading.Thread(target=second, name="thread 2")]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        return Counter(results), Counter(errors), _snapshot(module, instance)

    async def _task(self, function: Callable[..., Coroutine[Any, Any, Any]], calls: int,
                    results: list[str], errors: list[str]) -> None:
        for _ in range(calls):
            try:
                results.append(repr(await function(**self.args))[:STATE_REPR])
            except Exception as exc:
                errors.append(type(exc).__name__)

    def run_tasks(self, tasks: int, calls: int, concurrent: bool, trace: Interleaving | None = None) -> Outcome:
        module, instance, function = self._fresh()
        results: list[str] = []
        errors: list[str] = []

        async def main() -> None:
            if concurrent:
                await asyncio.gather(*(asyncio.create_task(self._task(function, calls, results, errors), name=f"task {i}")
                                       for i in range(1, tasks + 1)))
            else:
                for i in range(1, tasks + 1):
                    await asyncio.create_task(self._task(function, calls, results, errors), name=f"task {i}")

        if trace is None:
            asyncio.run(main())
        else:
            with trace:
                asyncio.run(main())
        return Counter(results), Counter(errors), _snapshot(module, instance)


def _difference(sequential: Outcome, concurrent: Outcome, by: str = "threads") -> str | None:
    results, errors, state = sequential
    t_results, t_errors, t_state = concurrent
    if t_errors != errors:
        return f"{by} raised {dict(t_errors - errors) or dict(t_errors)}; sequential calls raised {dict(errors) or 'nothing'}"
    if t_state != state:
        changed = sorted(k for k in set(state) | set(t_state) if state.get(k) != t_state.get(k))
        name = changed[0]
        return f"final {name} is {t_state.get(name)} after {by}, {state.get(name)} after sequential calls"
    if t_results != results:
        repeated = [r for r, count in (t_results - results).items()][:3]
        return f"{by} returned {len(t_results)} distinct results instead of {len(results)}, e.g. {', '.join(repeated)}"
    return None


def _race_threads(probe: Probe, shown: str) -> dict[str, Any]:
    first, second = probe.run(threaded=False, threads=2, calls=1), probe.run(threaded=False, threads=2, calls=1)
    if first != second:
        return {"skipped": "sequential runs differ (clock or randomness); not judged"}
    code = inspect.unwrap(probe.target.function).__code__
    for stop in range(1, STOPS + 1):
        trace = Preemption(code, stop)
        broken = _difference(first, probe.run_preempted(trace))
        if broken:
            return {"race": broken, "call": f"2 threads x 1 call of {shown}", "attempt": stop, "interleaving": trace.describe()}
        if not trace.stopped:
            break  # thread 1 ran out of lines before the stop
    call = f"{THREADS} threads x {CALLS} calls of {shown}"
    first, second = probe.run(threaded=False), probe.run(threaded=False)
    if first != second:
        return {"skipped": "sequential runs differ (clock or randomness); not judged"}
    for attempt in range(1, ATTEMPTS + 1):
        broken = _difference(first, probe.run(threaded=True))
        if broken:
            return {"race": broken, "call": call, "attempt": attempt}
    return {"race": None}


def _race_tasks(probe: Probe, shown: str) -> dict[str, Any]:
    for attempt, (tasks, calls) in enumerate(TASK_SHAPES, start=1):
        first, second = probe.run_tasks(tasks, calls, concurrent=False), probe.run_tasks(tasks, calls, concurrent=False)
        if first != second:
            return {"skipped": "sequential runs differ (clock or randomness); not judged"}
        broken = _difference(first, probe.run_tasks(tasks, calls, concurrent=True), "concurrent tasks")
        if broken:
            trace = Interleaving(inspect.unwrap(probe.target.function).__code__)
            if _difference(first, probe.run_tasks(tasks, calls, concurrent=True, trace=trace), "concurrent tasks") != broken:
                trace.steps.clear()  # tracing changed the outcome: no interleaving to show
            call = f"{tasks} asyncio tasks x {calls} call{'s' if calls > 1 else ''} of {shown}"
            return {"race": broken, "call": call, "attempt": attempt, "interleaving": trace.describe(),
                    "replay": {**_replay(probe), "tasks": tasks, "calls": calls}}
    return {"race": None}


def _replay(probe: Probe) -> dict[str, Any]:
    """The probed callable and its call as source over the target's module, for a reproducer."""
    target = probe.target
    owner, _, name = target.qualname.rpartition(".")
    if target.binding == "method":
        made = call_source(owner, [], probe.init)
        function, imports, exact = f"{made.text}.{name}", made.imports, made.exact
    else:
        function, imports, exact = target.qualname, set(), True
    call = call_source("target", [], probe.args)
    return {"function": function, "call": call.text, "imports": sorted(imports | call.imports), "exact": exact and call.exact}


def race_in_child(payload: dict[str, Any], recorder: CallRecorder) -> dict[str, Any]:
    """Worker action: probe one target for races."""
    module = import_module(payload["module"], recorder)
    found = [t for t in targets_of(module) if t.qualname == payload["qualname"]]
    if not found or found[0].skipped:
        return {"skipped": "not fuzzable"}
    target = found[0]
    probe = Probe(target, recorder)
    shown = call_source(target.qualname, [], probe.args).text
    with recorder.calling({"phase": "race", "call": f"concurrent calls of {shown}"[:2000]}):
        return _race_tasks(probe, shown) if target.is_async else _race_threads(probe, shown)
