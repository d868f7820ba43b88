"""Reproducer files: they fail while the defects are there and pass once the code is fixed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fuzz_support import QUICK, Project, run_fuzz

from prodgate.dynamic.reproducers import write_tests

BROKEN = '''
import enum
import os


class Unit(enum.Enum):
    KG = "kg"
    LB = "lb"


def average(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def biggest(xs: list[int]) -> int:
    return max(xs)


def convert(weight: float, unit: Unit) -> float:
    factors = {Unit.KG: 1.0}
    return weight * factors[unit]


def countdown(n: int) -> int:
    while n != 0:
        n -= 2
    return n


def shutdown(code: int) -> None:
    if code == 0:
        os._exit(1)
'''

FIXED = '''
import enum


class Unit(enum.Enum):
    KG = "kg"
    LB = "lb"


def average(xs: list[float]) -> float:
    if not xs:
        raise ValueError("average of no values")
    return sum(xs) / len(xs)


def biggest(xs: list[int]) -> int:
    return max(xs, default=0)


def convert(weight: float, unit: Unit) -> float:
    factors = {Unit.KG: 1.0, Unit.LB: 0.4536}
    return weight * factors[unit]


def countdown(n: int) -> int:
    while n > 0:
        n -= 2
    return n


def shutdown(code: int) -> None:
    return None
'''


def _pytest(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           str(directory)], capture_output=True, text=True, timeout=120)


def test_written_tests_fail_before_the_fix_and_pass_after(project: Project, tmp_path: Path) -> None:
    root = project({"inventory/__init__.py": "", "inventory/weights.py": BROKEN})
    result = run_fuzz(root / "inventory", root)
    inputs = sorted(f.properties["input"] for f in result.findings)
    assert inputs == ["average(xs=[])", "biggest(xs=[])", "convert(weight=0.0, unit=inventory.weights.Unit.LB)",
                      "countdown(n=1)", "shutdown(code=0)"]
    written = write_tests(result, tmp_path / "repro", timeout=3)
    assert [p.name for p in written] == ["test_prodgate_inventory_weights.py"]
    before = _pytest(tmp_path / "repro")
    assert before.returncode == 1, before.stdout
    assert "5 failed" in before.stdout, before.stdout
    (root / "inventory" / "weights.py").write_text(FIXED, encoding="utf-8")
    after = _pytest(tmp_path / "repro")
    assert after.returncode == 0, after.stdout
    assert "5 passed" in after.stdout


TICKETS = '''
import asyncio


class Venue:
    def __init__(self, seats: int = 10) -> None:
        self.seats = seats
        self.sold = 0

    async def sell(self, buyer: str) -> int:
        sold = self.sold
        await asyncio.sleep(0)  # {pause}
        self.sold = sold + 1
        return self.sold


_issued = 0


async def issue_ticket(event: str) -> str:
    global _issued
    number = _issued
    await asyncio.sleep(0)  # {pause}
    _issued = number + 1
    return f"{{event.strip()}}-{{number}}"
'''


def test_written_race_tests_replay_the_tasks_and_pass_once_the_update_is_atomic(project: Project, tmp_path: Path) -> None:
    root = project({"tickets.py": TICKETS.format(pause="writes back after the pause")})
    result = run_fuzz(root / "tickets.py", root, QUICK.with_overrides(races=True))
    assert sorted(f.properties["function"] for f in result.findings) == ["tickets:Venue.sell", "tickets:issue_ticket"]
    written = write_tests(result, tmp_path / "repro")
    before = _pytest(tmp_path / "repro")
    assert "2 failed" in before.stdout, before.stdout
    # The fix: read and write with no await in between.
    fixed = TICKETS.format(pause="").replace("        sold = self.sold\n        await asyncio.sleep(0)  # \n",
                                             "        await asyncio.sleep(0)\n        sold = self.sold\n")
    fixed = fixed.replace("    number = _issued\n    await asyncio.sleep(0)  # \n", "    await asyncio.sleep(0)\n    number = _issued\n")
    assert fixed.count("await asyncio.sleep(0)\n") == 2
    (root / "tickets.py").write_text(fixed, encoding="utf-8")
    after = _pytest(tmp_path / "repro")
    assert after.returncode == 0 and "2 passed" in after.stdout, after.stdout
    assert [p.name for p in written] == ["test_prodgate_tickets.py"]
