"""The examples of the fuzz rules are their tests: run through ``prodgate fuzz``, line-exact.

A flagged example is a module the fuzzer must prove defective on the annotated ``def`` lines
(``# error: PG901``), a clean one a module it must find nothing in. All examples are fuzzed in
one run (one module each, small budgets) and each is judged on its own.
"""

from __future__ import annotations

from collections import Counter

import pytest

from prodgate.core.config import load_config
from prodgate.core.registry import default_registry
from prodgate.core.result import RunResult
from prodgate.core.rule import Example, Rule, expected_annotations
from prodgate.dynamic.rules import FUZZ_STAGE
from prodgate.dynamic.runner import fuzz
from prodgate.dynamic.settings import FuzzSettings

EXAMPLE_SETTINGS = FuzzSettings(max_examples=40, time_budget=4, call_timeout_ms=300)
RULES = default_registry().of_stage(FUZZ_STAGE)


def _examples() -> list[tuple[str, type[Rule], Example, bool]]:
    cases = []
    for rule in RULES:
        flagged, clean = rule.examples()
        cases += [(f"{rule.meta.code}-flagged-{i}", rule, e, True) for i, e in enumerate(flagged, 1)]
        cases += [(f"{rule.meta.code}-clean-{i}", rule, e, False) for i, e in enumerate(clean, 1)]
    return cases


CASES = _examples()


def _module(case_id: str) -> str:
    return "example_" + case_id.lower().replace("-", "_") + ".py"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("fuzz-examples")
    (root / "pyproject.toml").write_text("[project]\nname = 'examples'\n", encoding="utf-8")
    for case_id, _, example, _ in CASES:
        (root / _module(case_id)).write_text(example.source, encoding="utf-8")
    return fuzz([str(root)], load_config(root), settings=EXAMPLE_SETTINGS, jobs=2)


def test_every_fuzz_rule_has_examples_of_both_kinds() -> None:
    assert [r.meta.code for r in RULES] == ["PG901", "PG902", "PG903", "PG904", "PG905"]
    for rule in RULES:
        flagged, clean = rule.examples()
        assert flagged and clean, rule.meta.code


@pytest.mark.parametrize(("case_id", "rule", "example", "is_flagged"), CASES, ids=[c[0] for c in CASES])
def test_example(example_run: RunResult, case_id: str, rule: type[Rule], example: Example, is_flagged: bool) -> None:
    assert not example_run.unanalysed, [d.message for d in example_run.unanalysed]
    module = _module(case_id)
    found = Counter((f.line, f.rule) for f in example_run.findings if f.path == module)
    wanted = Counter(pair for pair in expected_annotations(example.source)["error"] if pair[1] == rule.meta.code)
    assert bool(wanted) == is_flagged, "flagged examples (only) carry `# error:` annotations"
    assert found == wanted, f"expected {sorted(wanted.elements())}, found {sorted(found.elements())}"
