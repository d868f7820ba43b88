"""Scaling fits and race probes: on synthetic measurements, and on real functions in a sandbox."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fuzz_support import QUICK, Project, by_function, run_fuzz

from prodgate.dynamic.scaling import fit_growth

SIZES = [8 * 2**k for k in range(10)]


@pytest.mark.parametrize(("cost", "model"), [
    (lambda n: 1e-6 * n * n, "quadratic"),
    (lambda n: 2e-6 * n, "linear"),
    (lambda n: 1e-7 * n * math.log2(n), "n log n"),
    (lambda n: 1e-9 * n**3, "cubic"),
])
def test_the_fit_names_the_growth(cost: object, model: str) -> None:
    noise = np.random.default_rng(0).uniform(0.9, 1.1, len(SIZES))
    growth = fit_growth(SIZES, [cost(n) * e for n, e in zip(SIZES, noise)])  # type: ignore[operator]
    assert growth is not None and growth.model == model
    assert growth.confident_super_linear == (model in ("quadratic", "cubic"))


def test_the_prediction_extrapolates_the_model() -> None:
    growth = fit_growth(SIZES, [1e-6 * n * n for n in SIZES])
    assert growth is not None
    assert growth.predict(100_000) == pytest.approx(1e4, rel=0.05)


def test_too_few_measurable_points_give_no_fit() -> None:
    assert fit_growth([8, 16, 32, 64], [1e-7, 1e-7, 3e-5, 1e-7]) is None


SOURCE = '''
import threading

_lock = threading.Lock()
_counter = 0
_safe_counter = 0


def _label(prefix: str, number: int) -> str:
    return f"{prefix.strip()}-{number}"


def unique_quadratic(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def unique_linear(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def next_label(prefix: str) -> str:
    global _counter
    current = _counter
    label = _label(prefix, current)
    _counter = current + 1
    return label


def next_safe_label(prefix: str) -> str:
    global _safe_counter
    with _lock:
        current = _safe_counter
        label = _label(prefix, current)
        _safe_counter = current + 1
    return label
'''


def test_quadratic_growth_and_a_lost_update_are_findings(project: Project) -> None:
    root = project({"shared.py": SOURCE})
    result = run_fuzz(root / "shared.py", root, QUICK.with_overrides(scaling=True, races=True))
    assert by_function(result) == {
        "unique_quadratic": [("PG903", "growth-fit")],
        "next_label": [("PG904", "threads-vs-sequential")],
    }
    scaling = next(f for f in result.findings if f.rule == "PG903")
    assert scaling.properties["growth"] in ("quadratic", "cubic")
    assert float(scaling.properties["predicted_seconds"]) > 1
    race = next(f for f in result.findings if f.rule == "PG904")
    assert "final _counter is" in race.properties["difference"]


ASYNC_SOURCE = '''
import asyncio

_balance = 1_000
_safe_balance = 1_000
_atomic_balance = 1_000
_lock = asyncio.Lock()


async def _audit(amount: int) -> None:
    await asyncio.sleep(0)


async def withdraw(amount: int) -> int:
    global _balance
    current = _balance
    await _audit(amount)
    _balance = current - 1 - abs(amount) % 10
    return _balance


async def withdraw_locked(amount: int) -> int:
    global _safe_balance
    async with _lock:
        current = _safe_balance
        await _audit(amount)
        _safe_balance = current - 1 - abs(amount) % 10
        return _safe_balance


async def withdraw_atomic(amount: int) -> int:
    global _atomic_balance
    await _audit(amount)
    _atomic_balance -= 1 + abs(amount) % 10
    return _atomic_balance


class Wallet:
    def __init__(self) -> None:
        self.spent = 0

    async def spend(self, amount: int) -> int:
        before = self.spent
        await asyncio.sleep(0)
        self.spent = before + abs(amount) % 10 + 1
        return self.spent
'''


def test_async_lost_updates_are_races_among_tasks_with_their_interleaving(project: Project) -> None:
    root = project({"wallet.py": ASYNC_SOURCE})
    result = run_fuzz(root / "wallet.py", root, QUICK.with_overrides(races=True))
    assert by_function(result) == {
        "withdraw": [("PG904", "tasks-vs-sequential")],
        "Wallet.spend": [("PG904", "tasks-vs-sequential")],
    }
    race = next(f for f in result.findings if f.properties["function"].endswith(":withdraw"))
    assert race.properties["input"].startswith("2 asyncio tasks x 1 call of withdraw(")
    assert "final _balance is" in race.properties["difference"]
    # Both tasks read the balance and await (lines 15-16) before either writes it back (line 17).
    assert race.properties["interleaving"] == "task 1: lines 15-16; task 2: lines 15-16; task 1: lines 17-18; task 2: lines 17-18"


MEMORY_SOURCE = '''
def reachable_pairs(edges: list[tuple[int, int]]) -> int:
    size = len(edges)
    matrix = bytearray(size * size)  # one byte per pair of nodes
    for a, b in edges:
        matrix[(a % size) * size + b % size] = 1
    return sum(matrix)


def out_degrees(edges: list[tuple[int, int]]) -> dict[int, int]:
    degrees: dict[int, int] = {}
    for a, _ in edges:
        degrees[a] = degrees.get(a, 0) + 1
    return degrees
'''


def test_peak_memory_that_grows_quadratically_past_its_budget_is_a_finding(project: Project) -> None:
    root = project({"graph.py": MEMORY_SOURCE})
    result = run_fuzz(root / "graph.py", root, QUICK.with_overrides(scaling=True))
    memory = [f for f in result.findings if f.properties.get("oracle") == "memory-growth-fit"]
    assert [f.properties["function"] for f in memory] == ["graph:reachable_pairs"]
    assert memory[0].properties["growth"] == "quadratic"
    assert int(memory[0].properties["predicted_bytes"]) > 1024**3  # 100,000**2 bytes is 9.3 GiB
    assert "peak memory grows quadratic" in memory[0].message
    assert "graph:out_degrees" not in {f.properties["function"] for f in result.findings}
    roomy = run_fuzz(root / "graph.py", root, QUICK.with_overrides(scaling=True, scaling_memory_budget_mb=20_000))
    assert not [f for f in roomy.findings if f.properties.get("oracle") == "memory-growth-fit"]


BOOKING_SOURCE = '''
import threading

_holders: dict[str, str] = {}
_safe_holders: dict[str, str] = {}
_lock = threading.Lock()


def claim_last_seat(order: str) -> bool:
    if "last-seat" in _holders:
        return False
    _holders["last-seat"] = order
    return True


def claim_last_seat_locked(order: str) -> bool:
    with _lock:
        if "last-seat" in _safe_holders:
            return False
        _safe_holders["last-seat"] = order
        return True


class PageCounter:
    def __init__(self) -> None:
        self.views = 0

    def record_view(self) -> int:
        views = self.views + 1
        self.views = views
        return views
'''


def test_a_window_between_lines_without_a_switch_point_is_forced_open_by_preempting_a_thread(project: Project) -> None:
    # Neither window holds a call or a backward jump, where CPython switches threads: without
    # a forced preemption between the check (or read) and the write, threads never interleave there.
    root = project({"booking.py": BOOKING_SOURCE})
    result = run_fuzz(root / "booking.py", root, QUICK.with_overrides(races=True))
    assert by_function(result) == {
        "claim_last_seat": [("PG904", "threads-vs-sequential")],
        "PageCounter.record_view": [("PG904", "threads-vs-sequential")],
    }
    claim = next(f for f in result.findings if f.properties["function"].endswith(":claim_last_seat"))
    assert claim.properties["input"].startswith("2 threads x 1 call of claim_last_seat(")
    assert claim.properties["difference"].startswith("threads returned")
    # Thread 1 checked (line 9) and stopped before claiming (line 11); thread 2 claimed the seat too.
    assert claim.properties["interleaving"] == "thread 1: line 9; thread 2: lines 9-12; thread 1: lines 11-12"
    views = next(f for f in result.findings if f.rule == "PG904" and "record_view" in f.properties["function"])
    assert "final views is 1" in views.properties["difference"]
