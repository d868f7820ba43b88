"""The corpus: every case proven against the real library, and every non-todo case found exactly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deps.corpus import Case, load_cases, probe_problem, run_corpus, score

CASES = load_cases()


def test_corpus_is_large_enough() -> None:
    positives = [c for c in CASES if c.positive]
    assert len(positives) >= 60 and len(CASES) - len(positives) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_probe_agrees_with_the_real_library(case: Case) -> None:
    if sys.version_info[:2] < case.python:
        pytest.skip(f"the probe proves this case on Python {case.python[0]}.{case.python[1]} or later")
    assert probe_problem(case) is None


def test_rules_find_exactly_the_expected_findings(tmp_path: Path) -> None:
    found = run_corpus(CASES, tmp_path)
    wrong = {case.id: (sorted(case.expect.elements()), sorted(found[case.id].elements()))
             for case in CASES if not case.todo and found[case.id] != case.expect}
    assert not wrong
    figures = score(CASES, found)
    assert figures.recall >= 0.9 and figures.precision >= 0.95
