"""The project's production lessons: the failure classes that hurt it (from the ledger's incident groups),
each with a bad and a good example taken from the rules' own examples, or from the failing code itself
when no rule covers the class yet."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from prodgate.core.categories import CATEGORIES
from prodgate.core.registry import Registry
from prodgate.core.rule import Rule, Status
from prodgate.feedback.store import RecordedGroup

ANNOTATION = re.compile(r"\s*#\s*(error|todo-error|todo-ok):\s*PG\d{3}(?:\s*,\s*PG\d{3})*\s*$")
MAX_EXAMPLE_LINES = 20
CONTEXT_LINES = 2


@dataclass(frozen=True, slots=True)
class Lesson:
    category: str
    summary: str  # the taxonomy's one-line description
    incidents: int
    where: tuple[str, ...]  # "shop/api.py: create_order (KeyError)", most frequent first
    why: str  # the rule's "Why is this bad", first paragraph; else the incident's reason
    rule: str  # the rule whose examples are shown ("" when no rule covers the class)
    bad: str
    good: str


def _example(source: str) -> str:
    lines = [ANNOTATION.sub("", line) for line in source.strip("\n").splitlines()]
    if len(lines) > MAX_EXAMPLE_LINES:
        lines = [*lines[:MAX_EXAMPLE_LINES - 1], "# ..."]
    return "\n".join(lines).rstrip()


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _rule_for(category: str, caught_by: Iterable[str], registry: Registry) -> type[Rule] | None:
    candidates = [rule for rule in registry if rule.meta.category == category and rule.meta.status == Status.STABLE
                  and rule.flagged and rule.clean]
    caught = set(caught_by)
    candidates.sort(key=lambda rule: (rule.meta.code not in caught, rule.meta.code))
    return candidates[0] if candidates else None


def _failing_code(root: Path, group: RecordedGroup) -> str:
    if not group.path or not group.line:
        return ""
    try:
        lines = (root / group.path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    start = max(group.line - 1 - CONTEXT_LINES, 0)
    shown = lines[start:group.line + CONTEXT_LINES - 1]
    return "\n".join(shown).rstrip()


def lessons(groups: Sequence[RecordedGroup], registry: Registry, root: Path, limit: int) -> list[Lesson]:
    """One lesson per category that had incidents, the most incidents first, at most ``limit``."""
    by_category: dict[str, list[RecordedGroup]] = {}
    for group in groups:
        if group.recent:
            by_category.setdefault(group.category, []).append(group)
    ranked = sorted(by_category.items(), key=lambda item: (-sum(g.recent for g in item[1]), item[0]))
    found = []
    for category, members in ranked[:limit]:
        members.sort(key=lambda g: (-g.recent, g.path or "", g.function or ""))
        where = tuple(dict.fromkeys(f"{g.path or '(no project frame)'}: {g.function or '?'} ({g.type.rpartition('.')[2]})"
                                    for g in members))[:3]
        rule = _rule_for(category, (code for g in members for code in g.caught_by), registry)
        if rule is not None:
            flagged, clean = rule.examples()
            # The good example is analysed as the same file as the bad one: a clean example under another
            # name (a test, a local settings file) shows where the rule does not apply, not the fix.
            good = next((example for example in clean if example.path == flagged[0].path), clean[0])
            why = _first_paragraph(rule.sections().get("Why is this bad", "")) or members[0].reason
            found.append(Lesson(category, CATEGORIES.get(category, category), sum(g.recent for g in members), where,
                                why, rule.meta.code, _example(flagged[0].source), _example(good.source)))
        else:
            found.append(Lesson(category, CATEGORIES.get(category, category), sum(g.recent for g in members), where,
                                members[0].reason[:1].upper() + members[0].reason[1:] + ".", "",
                                _failing_code(root, members[0]), ""))
    return found
