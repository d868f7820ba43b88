"""Helpers the fuzz tests share (a module with its own name: every test directory has a conftest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prodgate.core.config import load_config
from prodgate.core.result import RunResult
from prodgate.dynamic.runner import fuzz
from prodgate.dynamic.settings import FuzzSettings

QUICK = FuzzSettings(max_examples=30, time_budget=3, call_timeout_ms=500, scaling=False, races=False)

Project = Callable[[dict[str, str]], Path]


def run_fuzz(target: Path | str, root: Path, settings: FuzzSettings = QUICK) -> RunResult:
    return fuzz([str(target)], load_config(root), settings=settings, jobs=2)


def by_function(result: RunResult) -> dict[str, list[tuple[str, str]]]:
    """``{qualname: [(rule, oracle), ...]}`` of a run's findings."""
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in result.findings:
        qualname = finding.properties["function"].partition(":")[2]
        found.setdefault(qualname, []).append((finding.rule, finding.properties["oracle"]))
    return {k: sorted(v) for k, v in found.items()}
