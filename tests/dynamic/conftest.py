"""Sample projects for the dynamic tests: real packages written to a temporary directory."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from prodgate.core.config import load_config
from prodgate.core.result import RunResult
from prodgate.dynamic.runner import fuzz
from prodgate.dynamic.settings import FuzzSettings

QUICK = FuzzSettings(max_examples=30, time_budget=3, call_timeout_ms=500, scaling=False, races=False)

Project = Callable[[dict[str, str]], Path]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Writes ``{relative path: source}`` under a project root with a pyproject.toml; returns the root."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        files = {"pyproject.toml": '[project]\nname = "sample"\n', **files}
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


def run_fuzz(target: Path | str, root: Path, settings: FuzzSettings = QUICK) -> RunResult:
    return fuzz([str(target)], load_config(root), settings=settings, jobs=2)


def by_function(result: RunResult) -> dict[str, list[tuple[str, str]]]:
    """``{qualname: [(rule, oracle), ...]}`` of a run's findings."""
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in result.findings:
        qualname = finding.properties["function"].partition(":")[2]
        found.setdefault(qualname, []).append((finding.rule, finding.properties["oracle"]))
    return {k: sorted(v) for k, v in found.items()}
