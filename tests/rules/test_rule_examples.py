"""Every rule's examples are its tests: exact (line, code) pairs, nothing missing, nothing extra."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from prodgate.api import check
from prodgate.core.config import load_config
from prodgate.core.registry import default_registry
from prodgate.core.rule import STATIC_STAGE, Example, Rule, expected_annotations


def _cases() -> list[object]:
    cases = []
    for rule in default_registry().of_stage(STATIC_STAGE):  # dynamic stages run their examples in their own tests
        flagged, clean = rule.examples()
        cases += [pytest.param(rule, e, True, id=f"{rule.meta.code}-flagged-{i}") for i, e in enumerate(flagged, 1)]
        cases += [pytest.param(rule, e, False, id=f"{rule.meta.code}-clean-{i}") for i, e in enumerate(clean, 1)]
    return cases


def run_example(rule: type[Rule], example: Example, tmp_path: Path) -> list[tuple[int, str]]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'example'\nrequires-python = '>=3.10'\n")
    for name, text in {**example.files, example.path: example.source}.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = check([tmp_path], load_config(tmp_path), select=[rule.meta.code], use_cache=False, jobs=1)
    assert not result.unanalysed, [d.message for d in result.unanalysed]
    return [(f.line, f.rule) for f in result.findings if f.path == example.path]


@pytest.mark.parametrize(("rule", "example", "is_flagged"), _cases())
def test_example(rule: type[Rule], example: Example, is_flagged: bool, tmp_path: Path) -> None:
    found = Counter(run_example(rule, example, tmp_path))
    expected = expected_annotations(example.source)
    code = rule.meta.code
    wanted = Counter(pair for pair in expected["error"] if pair[1] == code)
    tolerated = {pair for kind in ("todo-error", "todo-ok") for pair in expected[kind] if pair[1] == code}
    if not is_flagged:
        assert not wanted, "clean examples carry no `# error:` annotations"
    relevant = Counter({pair: n for pair, n in found.items() if pair not in tolerated})
    assert relevant == wanted, f"expected {sorted(wanted.elements())}, found {sorted(relevant.elements())}"
    if is_flagged:
        assert wanted or any(kind == "todo-error" for kind in expected), "a flagged example must expect a finding"
