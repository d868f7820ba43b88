"""Which rules run: select/ignore by code prefix, category prefix or ``ALL``.

flake8's DecisionEngine semantics: the longest matching entry decides, and when a select entry
and an ignore entry are equally specific the ignore wins. Preview rules run only with
``preview = true`` or when selected by their exact code. Entries are checked against every
registered rule, so one configuration serves every command; ``stage`` keeps the rules of one
command (``check`` unless told otherwise, ``fuzz``, ``chaos``).
"""

from __future__ import annotations

from collections.abc import Iterable

from prodgate.core.categories import CATEGORIES, matches_prefix
from prodgate.core.config import Config, ConfigError
from prodgate.core.registry import Registry
from prodgate.core.rule import STATIC_STAGE, Rule, Status


def _specificity(entry: str, rule: type[Rule]) -> int:
    """How precisely ``entry`` names ``rule`` (0: not at all)."""
    meta = rule.meta
    if entry == "ALL":
        return 1
    if entry.upper().startswith("PG") and meta.code.startswith(entry.upper()):
        return 100 + len(entry)
    if matches_prefix(meta.category, entry):
        return 10 + entry.count(".")
    if entry in meta.tags:
        return 5
    return 0


def _known(entry: str, registry: Registry) -> bool:
    if entry == "ALL" or any(matches_prefix(c, entry) for c in CATEGORIES):
        return True
    return any(_specificity(entry, rule) for rule in registry)


def validate_entries(key: str, entries: Iterable[str], registry: Registry) -> None:
    for entry in entries:
        if not _known(entry, registry):
            raise ConfigError(f"{key}: {entry!r} matches no rule code, category or tag")


def select_rules(
    registry: Registry,
    select: Iterable[str],
    ignore: Iterable[str],
    *,
    preview: bool = False,
    disabled: Iterable[str] = (),
    stage: str = STATIC_STAGE,
) -> list[type[Rule]]:
    select, ignore, off = list(select), list(ignore), set(disabled)
    validate_entries("select", select, registry)
    validate_entries("ignore", ignore, registry)
    chosen = []
    for rule in registry:
        if rule.meta.code in off or rule.stage != stage:
            continue
        chosen_by = max((_specificity(e, rule) for e in select), default=0)
        ignored_by = max((_specificity(e, rule) for e in ignore), default=0)
        if chosen_by == 0 or ignored_by >= chosen_by:
            continue
        exact = rule.meta.code in {e.upper() for e in select}
        if rule.meta.status is Status.PREVIEW and not (preview or exact):
            continue
        chosen.append(rule)
    return chosen


def configured_rules(registry: Registry, config: Config, stage: str, *, select: Iterable[str] | None = None,
                     ignore: Iterable[str] = ()) -> list[type[Rule]]:
    """The rules of ``stage`` that ``config`` (``select``, ``extend-select``, ``ignore``, ``preview``,
    ``enabled = false`` in a rule's table) and the command line's ``select``/``ignore`` leave on."""
    chosen = list(select) if select else [*config["select"], *config["extend-select"]]
    ignored = [*config["ignore"], *ignore]
    disabled = [code for code, table in config.rules.items() if table.get("enabled") is False]
    return select_rules(registry, chosen, ignored, preview=config["preview"], disabled=disabled, stage=stage)
