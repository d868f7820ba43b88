"""The fuzzing loop, run in the sandbox child: Hypothesis drives calls, the oracle judges them.

Every call runs under a per-call alarm (``CallTimeout``) and is recorded in the sandbox's
``current.json`` while it runs, so a call that kills the process is still attributed. A call
the oracle judges a defect re-raises, so Hypothesis shrinks it; the last (smallest) failing call
of each distinct failure is kept. Runs are derandomized: the same code gives the same findings.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import linecache
import signal
import sys
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from prodgate.dynamic.isolation import death_of
from prodgate.dynamic.oracle import CRASH, HANG, Frame, RaisedError, Verdict, classify, hang_verdict
from prodgate.dynamic.pysource import call_source
from prodgate.dynamic.strategies import class_fields, for_hint
from prodgate.dynamic.targets import Target, import_module, targets_of
from prodgate.dynamic.worker import CallRecorder

HARNESS = str(Path(__file__).resolve().parent)
LIBRARY_PATHS = tuple({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")})
GENERATOR_LIMIT = 100_000


class CallTimeout(Exception):
    """A call of user code ran past the per-call time limit."""


class _BudgetSpent(BaseException):
    """Stops Hypothesis when the function's time budget is used up (a BaseException it lets through)."""


class _ProcessDeath(Exception):
    """A call killed its (forked) process; raised so Hypothesis shrinks the input that did it."""


class _Escaped(Exception):
    """Carries a SystemExit/KeyboardInterrupt from user code, which Hypothesis must not act on."""


@dataclass
class Call:
    instance_args: dict[str, Any] | None
    args: list[Any]
    kwargs: dict[str, Any]

    def source(self, target: Target) -> tuple[str, set[str], bool]:
        """The call as Python source over names imported from the target's module."""
        owner = target.owner.__qualname__ if target.owner else ""
        name = target.qualname.rpartition(".")[2]
        if target.binding == "method":
            made = call_source(owner, [], self.instance_args or {})
            rendered = call_source(f"{made.text}.{name}", self.args, self.kwargs)
            return rendered.text, made.imports | rendered.imports, made.exact and rendered.exact
        rendered = call_source(target.qualname, self.args, self.kwargs)
        return rendered.text, rendered.imports, rendered.exact


def _own(path: str, root: str) -> bool:
    if path.startswith(LIBRARY_PATHS) or "site-packages" in path or path.startswith("<"):
        return False
    try:
        return Path(path).resolve().is_relative_to(root)
    except OSError:
        return False


def summarise(exc: BaseException, root: str) -> RaisedError:
    """The exception as plain data, with the traceback from the called function inward."""
    frames: list[Frame] = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not code.co_filename.startswith(HARNESS):
            text = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            frames.append(Frame(code.co_filename, tb.tb_lineno, code.co_name, text, _own(code.co_filename, root)))
        tb = tb.tb_next
    lineage = tuple(f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__ if issubclass(c, BaseException))
    return RaisedError(lineage[0], lineage, str(exc)[:500], tuple(frames))


def magnitude(value: Any, depth: int = 0) -> int:
    """The largest integer (absolute) or collection length anywhere in ``value``."""
    if depth > 50 or isinstance(value, (bool, float)):
        return 0
    if isinstance(value, int):
        return abs(value)
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, dict):
        return max([len(value), *(magnitude(v, depth + 1) for v in (*value.keys(), *value.values()))])
    if isinstance(value, (list, tuple, set, frozenset)):
        return max([len(value), *(magnitude(v, depth + 1) for v in value)])
    fields = getattr(value, "__dict__", None)
    return magnitude(list(fields.values()), depth + 1) if isinstance(fields, dict) else 0


def _raise_timeout(signum: int, frame: Any) -> None:
    raise CallTimeout("call ran past the per-call time limit")


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def invoke(target: Target, call: Call) -> Any:
    """Call the target once (awaiting coroutines, draining generators)."""
    if target.binding == "method":
        assert target.owner is not None
        function = getattr(target.owner(**(call.instance_args or {})), target.function.__name__)
    elif target.binding == "classmethod":
        function = getattr(target.owner, target.function.__name__)
    else:
        function = target.function
    result = function(*call.args, **call.kwargs)
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    if inspect.isgenerator(result):
        result = list(itertools.islice(result, GENERATOR_LIMIT))
    return result


def call_strategy(target: Target) -> st.SearchStrategy[Call]:
    params = {p.name: for_hint(p.hint) for p in target.params}
    positional = [p.name for p in target.params if p.positional]
    instance: st.SearchStrategy[dict[str, Any] | None] = st.none()
    if target.binding == "method":
        assert target.owner is not None
        fields = class_fields(target.owner, 0) or {}
        owner = target.owner

        @st.composite
        def buildable(draw: st.DrawFn) -> dict[str, Any]:
            kwargs = {name: draw(strategy) for name, strategy in fields.items()}
            try:
                owner(**kwargs)
            except Exception:
                reject()  # the constructor's own validation rejects these arguments
            return kwargs

        instance = buildable()

    order = [p.name for p in target.params]

    def assemble(values: dict[str, Any], made: dict[str, Any] | None) -> Call:
        return Call(made, [values[n] for n in positional], {n: values[n] for n in order if n not in positional})

    return st.builds(assemble, st.fixed_dictionaries(params), instance)


@dataclass
class Failure:
    verdict: Verdict
    exception: str
    message: str
    call: str
    imports: list[str]
    exact: bool
    frame_path: str
    frame_line: int
    magnitude: int
    examples_to_find: int


class Fuzzer:
    def __init__(self, target: Target, payload: dict[str, Any], recorder: CallRecorder):
        self.target, self.recorder = target, recorder
        self.root = payload["project_root"]
        self.expected = payload.get("expected", [])
        self.call_timeout = float(payload["call_timeout"])
        self.limit = self.call_timeout  # lowered while a hang is shrunk; the result is confirmed at 5x the full limit
        self.first_hang: Failure | None = None
        self.budget = float(payload["time_budget"])
        self.deadline: float | None = None  # the clock starts at the first call, not during setup
        self.max_examples = int(payload["max_examples"])
        self.failures: dict[tuple[str, ...], Failure] = {}
        self.examples = 0
        self.slow_on_large = 0
        # Set when an earlier child died inside a call: every call first runs in a fork, so the death can be shrunk.
        self.isolate = bool(payload.get("isolate"))
        self.output_bytes = int(payload.get("output_bytes", 0))

    def _record(self, key: tuple[str, ...], verdict: Verdict, call: Call, exception: str, message: str,
                where: tuple[str, int]) -> None:
        text, imports, exact = call.source(self.target)
        first = self.failures[key].examples_to_find if key in self.failures else self.examples
        self.failures[key] = Failure(verdict, exception, message, text, sorted(imports), exact, where[0], where[1],
                                     magnitude([call.args, call.kwargs, call.instance_args]), first)

    def check(self, call: Call) -> None:
        if self.deadline is None:
            self.deadline = time.monotonic() + self.budget
        elif time.monotonic() > self.deadline:
            raise _BudgetSpent
        self.examples += 1
        text, _, _ = call.source(self.target)
        if self.isolate:
            self._check_isolated(call)
        try:
            with self.recorder.calling({"phase": "call", "call": text[:20000]}), alarm(self.limit):
                invoke(self.target, call)
        except CallTimeout:
            verdict = hang_verdict(magnitude([call.args, call.kwargs, call.instance_args]))
            if not verdict.defect:
                self.slow_on_large += 1
                return
            self._record(("hang",), verdict, call, "CallTimeout", f"no result after {self.call_timeout:g} s",
                         (self.target.path, self.target.line))
            if self.first_hang is None:
                self.first_hang = self.failures[("hang",)]
                self.limit = max(0.05, self.call_timeout / 10)
            raise
        except BaseException as exc:
            error = summarise(exc, self.root)
            verdict = classify(error, self.expected)
            if not verdict.defect:
                return
            frame = error.frames[-1] if error.frames else Frame(self.target.path, self.target.line, "", "", True)
            self._record((verdict.rule, error.qualified, frame.path, str(frame.line)), verdict, call,
                         error.qualified, error.message, (frame.path, frame.line))
            if isinstance(exc, Exception):
                raise
            raise _Escaped(repr(exc)) from None

    def _check_isolated(self, call: Call) -> None:
        def work() -> None:
            with alarm(self.limit):
                invoke(self.target, call)

        death = death_of(work, self.limit * 3, self.output_bytes)
        if death is None:
            return
        if death.status == "timeout":
            verdict = Verdict(True, HANG, "wall-timeout", "the call swallows the per-call alarm and never returns")
        else:
            oracle = "runaway-output" if death.status == "output-limit" else "process-died"
            verdict = Verdict(True, CRASH, oracle, f"the call takes the process down: it {death.describe()}")
        self._record((verdict.rule,), verdict, call, "", death.describe(), (self.target.path, self.target.line))
        raise _ProcessDeath(death.describe())

    def _still_hangs(self, failure: Failure) -> bool:
        namespace: dict[str, Any] = {}
        try:
            for name in failure.imports:
                namespace[name.partition(".")[0]] = __import__(name)
            namespace.update(vars(self.target.module))
            with self.recorder.calling({"phase": "call", "call": failure.call}), alarm(self.call_timeout * 5):
                eval(failure.call, namespace)  # the call, rebuilt from its source
        except CallTimeout:
            return True
        except BaseException:
            return False  # it ends, with an error: the crash side of the oracle judges errors
        return False

    def confirm_hang(self) -> None:
        """Keep a hang only if it outlasts 5x the full limit: slowness under load is not a hang.

        The shrunk call was found with a lowered limit; if it finishes, the first hang (found at
        the full limit) is tried instead.
        """
        shrunk = self.failures.pop(("hang",), None)
        for failure in (shrunk, self.first_hang):
            if failure is not None and self._still_hangs(failure):
                self.failures[("hang",)] = failure
                return

    def run(self) -> str | None:
        """Fuzz until ``max_examples`` or the time budget; returns why inputs could not be generated, if so."""
        strategy = call_strategy(self.target)

        @settings(max_examples=self.max_examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=True, print_blob=False)
        @given(strategy)
        def probe(call: Call) -> None:
            self.check(call)

        try:
            probe()
        except _BudgetSpent:
            pass
        except BaseException as exc:
            if not self.failures:
                if isinstance(exc, HypothesisException):
                    return f"inputs cannot be generated from the type hints: {type(exc).__name__}: {exc}"[:400]
                if not isinstance(exc, Exception):
                    raise
                return f"inputs cannot be generated: {type(exc).__name__}: {exc}"[:400]
        return None


def fuzz_in_child(payload: dict[str, Any], recorder: CallRecorder) -> dict[str, Any]:
    """Worker action: fuzz one target and return its failures."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    module = import_module(payload["module"], recorder)
    found = [t for t in targets_of(module) if t.qualname == payload["qualname"]]
    if not found:
        return {"skipped": f"{payload['module']}:{payload['qualname']} is not a public function or method"}
    target = found[0]
    if target.skipped:
        return {"skipped": target.skipped}
    fuzzer = Fuzzer(target, payload, recorder)
    unusable = fuzzer.run()
    fuzzer.confirm_hang()
    return {
        "skipped": unusable,
        "examples": fuzzer.examples,
        "slow_on_large_input": fuzzer.slow_on_large,
        "failures": [{**asdict(f), "verdict": asdict(f.verdict)} for f in fuzzer.failures.values()],
    }
