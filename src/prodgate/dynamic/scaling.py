"""How cost grows with input size: measured in the sandbox child, fitted in the parent.

The child calls the function on inputs of 8, 16, 32, ... items (every collection parameter
grows together; strings when there is no collection), timing each size (the best of a few
repeats) and its peak memory (``tracemalloc``), until one call takes ``STOP_SECONDS``, the
largest size is reached or the budget is spent. The parent fits constant, logarithmic, linear,
n log n, quadratic, cubic and exponential models by least squares on relative error (numpy),
takes the best, and reports ``dynamic.scaling`` when it is super-linear with high confidence
(log-log slope >= 1.5, R^2 >= 0.9 over at least five timed sizes) and the model's cost at the
production size passes the budget. Peak memory is fitted the same way, against its own budget.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from prodgate.dynamic.fuzzer import Call, CallTimeout, alarm, invoke
from prodgate.dynamic.samples import constructor_arguments, scalar, scaled_parameters, sized
from prodgate.dynamic.targets import Target, import_module, targets_of
from prodgate.dynamic.worker import CallRecorder

START, MAX_SIZE = 8, 2**17
STOP_SECONDS = 0.25
NOISE_FLOOR = 2e-5
MEMORY_FLOOR = 4096  # bytes: below this, peak memory is the interpreter's own bookkeeping
MIN_POINTS = 5
MODELS = {
    "constant": lambda n: np.ones_like(n),
    "logarithmic": lambda n: np.log2(n),
    "linear": lambda n: n,
    "n log n": lambda n: n * np.log2(n),
    "quadratic": lambda n: n**2,
    "cubic": lambda n: n**3,
    "exponential": lambda n: np.exp2(np.minimum(n, 1000.0)),
}
SUPER_LINEAR = ("quadratic", "cubic", "exponential")


def _call(target: Target, grown: list[str], n: int, rng: random.Random) -> Call:
    values = {p.name: sized(p.hint, n, rng) if p.name in grown else scalar(p.hint, rng) for p in target.params}
    positional = [p.name for p in target.params if p.positional]
    instance = None
    if target.binding == "method" and target.owner is not None:
        instance = constructor_arguments(target.owner, rng)
    return Call(instance, [values[n] for n in positional], {k: v for k, v in values.items() if k not in positional})


def _time(target: Target, make: Any) -> float:
    best = float("inf")
    spent = 0.0
    for _ in range(5):
        call = make()
        started = time.perf_counter()
        invoke(target, call)
        elapsed = time.perf_counter() - started
        best, spent = min(best, elapsed), spent + elapsed
        if spent > 0.05:
            break
    return best


def _peak(target: Target, call: Call) -> int:
    tracemalloc.start()
    try:
        invoke(target, call)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(target: Target, budget: float, recorder: CallRecorder) -> dict[str, Any]:
    grown = scaled_parameters(target.params)
    if not grown:
        return {"skipped": "no collection or string parameter"}
    points: list[list[float]] = []
    deadline = time.monotonic() + budget
    n, stopped = START, "largest size reached"
    while n <= MAX_SIZE:
        if time.monotonic() > deadline:
            stopped = "budget spent"
            break
        size = n
        make = partial(_call, target, grown, size, random.Random(size))
        try:
            with recorder.calling({"phase": "scale", "call": f"{target.qualname} at n={size}"}), alarm(STOP_SECONDS * 8):
                seconds = _time(target, make)
                peak = _peak(target, make()) if seconds < STOP_SECONDS / 2 else 0
        except CallTimeout:
            stopped = f"a call at n={size} ran past {STOP_SECONDS * 8:g} s"
            break
        except Exception as exc:
            stopped = f"{type(exc).__name__} at n={size}"
            break
        points.append([size, seconds, peak])
        if seconds > STOP_SECONDS:
            stopped = f"a call at n={size} took {seconds:.2f} s"
            break
        n *= 2
    return {"parameters": grown, "points": points, "stopped": stopped}


def scale_in_child(payload: dict[str, Any], recorder: CallRecorder) -> dict[str, Any]:
    """Worker action: measure time and peak memory of one target at growing sizes."""
    module = import_module(payload["module"], recorder)
    found = [t for t in targets_of(module) if t.qualname == payload["qualname"]]
    if not found or found[0].skipped:
        return {"skipped": "not fuzzable"}
    return measure(found[0], float(payload["budget"]), recorder)


@dataclass(frozen=True)
class Growth:
    model: str
    slope: float  # log-log exponent
    r2: float
    points: int
    coefficients: tuple[float, float]

    @property
    def confident_super_linear(self) -> bool:
        return self.model in SUPER_LINEAR and self.slope >= 1.5 and self.r2 >= 0.9 and self.points >= MIN_POINTS

    def predict(self, n: float) -> float:
        scale, offset = self.coefficients
        return float(scale * MODELS[self.model](np.array([float(n)]))[0] + offset)


def fit_growth(sizes: list[float], costs: list[float], floor: float = NOISE_FLOOR) -> Growth | None:
    """The best growth model of ``costs`` over ``sizes``, or None with too few measurable points."""
    n = np.array([s for s, c in zip(sizes, costs) if c >= floor], dtype=float)
    y = np.array([c for c in costs if c >= floor], dtype=float)
    if len(n) < 3:
        return None
    slope, intercept = np.polyfit(np.log(n), np.log(y), 1)
    predicted = slope * np.log(n) + intercept
    residual = np.sum((np.log(y) - predicted) ** 2)
    total = np.sum((np.log(y) - np.log(y).mean()) ** 2)
    r2 = 1.0 - residual / total if total > 0 else 0.0
    best: tuple[float, str, tuple[float, float]] | None = None
    for name, model in MODELS.items():
        features = np.column_stack([model(n), np.ones_like(n)]) / y[:, None]  # relative error
        solution, *_ = np.linalg.lstsq(features, np.ones_like(y), rcond=None)
        if solution[0] < 0:
            continue
        error = float(np.sum((features @ solution - 1.0) ** 2))
        if best is None or error < best[0] * 0.8:  # a more complex model must fit clearly better
            best = (error, name, (float(solution[0]), float(solution[1])))
    assert best is not None
    return Growth(best[1], float(slope), float(r2), len(n), best[2])
