"""The rule contract: metadata, documentation sections, examples and fix claims."""

from __future__ import annotations

import pytest

from prodgate.core.categories import CATEGORIES
from prodgate.core.registry import default_registry
from prodgate.core.rule import (
    OPTIONAL_SECTIONS,
    REQUIRED_SECTIONS,
    STATIC_STAGE,
    FixAvailability,
    Rule,
)

RULES = list(default_registry())


@pytest.mark.parametrize("rule", RULES, ids=[r.meta.code for r in RULES])
def test_documentation_has_required_sections(rule: type[Rule]) -> None:
    sections = rule.sections()
    missing = [s for s in REQUIRED_SECTIONS if not sections.get(s)]
    assert not missing, f"{rule.meta.code} documentation lacks sections: {missing}"
    unknown = [s for s in sections if s not in (*REQUIRED_SECTIONS, *OPTIONAL_SECTIONS)]
    assert not unknown, f"{rule.meta.code} has unknown sections: {unknown}"
    if rule.meta.fix is not FixAvailability.NEVER:
        assert sections.get("Fix safety"), f"{rule.meta.code} offers a fix but documents no Fix safety"


@pytest.mark.parametrize("rule", RULES, ids=[r.meta.code for r in RULES])
def test_examples_exist_and_fix_claim_matches(rule: type[Rule]) -> None:
    flagged, clean = rule.examples()
    assert flagged, f"{rule.meta.code} has no flagged example"
    assert clean, f"{rule.meta.code} has no clean example"
    has_fixed = any(e.fixed is not None for e in flagged)
    assert has_fixed == (rule.meta.fix is not FixAvailability.NEVER), \
        f"{rule.meta.code}: fix availability {rule.meta.fix.value} disagrees with the examples"


@pytest.mark.parametrize("rule", RULES, ids=[r.meta.code for r in RULES])
def test_metadata_contract(rule: type[Rule]) -> None:
    assert rule.meta.problems() == []
    assert rule.meta.category in CATEGORIES


def test_codes_and_names_are_unique_and_grouped_by_family() -> None:
    families = {
        "1": ("resilience.",), "2": ("errors.",), "3": ("resource.", "memory.", "performance."),
        "4": ("concurrency.",), "5": ("data.", "serverless."), "6": ("security.",), "7": ("security.",),
        "8": ("ai.",),
    }
    for rule in RULES:
        digit = rule.meta.code[2]
        # PG9xx: rules proven by running the code (fuzz, chaos), whatever their category.
        assert (digit == "9") == (rule.stage != STATIC_STAGE), f"{rule.meta.code} is in the wrong family for its stage"
        if digit == "9":
            continue
        assert rule.meta.category.startswith(families[digit]), \
            f"{rule.meta.code} ({rule.meta.category}) is outside its family {families[digit]}"
