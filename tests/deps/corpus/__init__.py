"""The dependency rules' corpus: LLM-style snippets calling real libraries (cases in ``*.toml``).

Each case names the findings it expects (``"PG823@4"``: code and line) and a ``probe``: Python
run against the real installed library that proves the case right. A positive's probe must fail
(AttributeError, ImportError, TypeError, or an assertion about the environment) or warn a
deprecation; a negative's must do neither. ``python`` names the first Python version on which
the probe can prove the case (``datetime.utcnow`` warns only from 3.12).
``todo`` marks a known miss, kept so the benchmark counts it. Used by tests/deps/test_corpus.py
and benchmarks/bench_deps.py.
"""

from __future__ import annotations

import sys
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from prodgate.api import check
from prodgate.core.config import load_config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

HERE = Path(__file__).parent
RULES = ("PG820", "PG821", "PG822", "PG823")
PROJECTS = {
    "default": '[project]\nname = "corpus"\nrequires-python = ">=3.12"\ndependencies = [\n'
               '  "requests>=2.31", "PyYAML>=6", "pandas>=2", "numpy>=2", "SQLAlchemy>=2", "pydantic>=2",\n'
               '  "flask>=3", "markupsafe>=2",\n]\n',
    "narrow": '[project]\nname = "narrow"\nrequires-python = ">=3.12"\ndependencies = ["requests>=2.31"]\n',
    "narrow-optional": '[project]\nname = "narrow"\nrequires-python = ">=3.12"\ndependencies = ["requests>=2.31"]\n',
}
FAILURES = (AttributeError, ImportError, TypeError, AssertionError)
DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    probe: str
    outcome: str
    expect: Counter[tuple[int, str]]
    project: str = "default"
    todo: bool = False
    files: dict[str, str] = field(default_factory=dict)
    python: tuple[int, int] = (3, 0)  # the probe proves the case only on this Python or later

    @property
    def positive(self) -> bool:
        return bool(self.expect)

    @property
    def path(self) -> str:
        return f"case_{self.id.replace('-', '_')}.py"


def _expectation(items: list[str]) -> Counter[tuple[int, str]]:
    return Counter((int(line), code) for code, line in (item.split("@") for item in items))


def load_cases() -> list[Case]:
    cases = []
    for file in sorted(HERE.glob("*.toml")):
        for raw in tomllib.loads(file.read_text(encoding="utf-8"))["case"]:
            cases.append(Case(raw["id"], raw["code"], raw["probe"], raw["outcome"], _expectation(raw.get("expect", [])),
                              raw.get("project", "default"), raw.get("todo", False), raw.get("files", {}),
                              tuple(int(p) for p in raw.get("python", "3.0").split("."))))  # type: ignore[arg-type]
    return cases


def _namespace() -> dict[str, object]:
    import flask
    import numpy as np
    import pandas as pd
    import pydantic
    import requests
    import sqlalchemy as sa
    import sqlalchemy.orm
    import yaml

    class Order(pydantic.BaseModel):
        id: int
        amount: float = 0.0

    return {"flask": flask, "np": np, "pd": pd, "pydantic": pydantic, "requests": requests, "sa": sa,
            "yaml": yaml, "Order": Order, "orm": sqlalchemy.orm}


def probe_problem(case: Case) -> str | None:
    """None when the real library agrees with the case, else what disagrees."""
    namespace = _namespace()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(case.probe, f"<probe {case.id}>", "exec"), namespace)
        except FAILURES as exc:
            failed: str | None = f"{type(exc).__name__}: {exc}"
        else:
            failed = None
    warned = [w for w in caught if issubclass(w.category, DEPRECATIONS)]
    broken = failed or (f"warns {warned[0].category.__name__}" if warned else None)
    if case.outcome == "fails" and broken is None:
        return "the probe works: the library has this API"
    if case.outcome == "works" and broken is not None:
        return f"the probe {broken}"
    return None


def run_corpus(cases: list[Case], root: Path) -> dict[str, Counter[tuple[int, str]]]:
    """The (line, code) findings of the dependency rules on every case, one project per config."""
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[case.project].append(case)
    found: dict[str, Counter[tuple[int, str]]] = {case.id: Counter() for case in cases}
    for project, members in groups.items():
        directory = root / project
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "pyproject.toml").write_text(PROJECTS[project], encoding="utf-8")
        by_path = {}
        for case in members:
            for name, text in {**case.files, case.path: case.code}.items():
                target = directory / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            by_path[case.path] = case.id
        result = check([directory], load_config(directory), select=list(RULES), use_cache=False)
        for finding in result.findings:
            if finding.path in by_path:
                found[by_path[finding.path]][(finding.line, finding.rule)] += 1
    return found


@dataclass(frozen=True)
class Score:
    expected: int
    reported: int
    correct: int

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0


def score(cases: list[Case], found: dict[str, Counter[tuple[int, str]]]) -> Score:
    expected = sum(sum(case.expect.values()) for case in cases)
    reported = sum(sum(found[case.id].values()) for case in cases)
    correct = sum(sum((found[case.id] & case.expect).values()) for case in cases)
    return Score(expected, reported, correct)
