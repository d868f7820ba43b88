"""The rule registry: built from the ``prodgate.rules`` entry points (built-ins included) at start-up.

Each entry point names a package of rule modules. The built-in packages are the static rules
and the rules of the dynamic stages; every registered rule is known to ``explain``, ``rules``,
select/ignore and suppressions, and each command runs the rules of its own ``stage``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

from prodgate.core.rule import Rule

BUILTIN_RULES = ("prodgate.static.rules", "prodgate.dynamic.rules", "prodgate.dynamic.chaos.rules")
ENTRY_POINT_GROUP = "prodgate.rules"

# Codes are never reused: a renamed or merged rule's old code maps to its new one, so existing
# suppressions and baselines keep working. Add an entry whenever a code changes.
REDIRECTS: dict[str, str] = {}


class RegistryError(Exception):
    """Two rules share a code or name, or a rule's metadata breaks the contract."""


def _walk_module(package: ModuleType) -> Iterator[ModuleType]:
    yield package
    if hasattr(package, "__path__"):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)


def _rules_in(module: ModuleType) -> Iterator[type[Rule]]:
    for _, value in inspect.getmembers(module, inspect.isclass):
        if issubclass(value, Rule) and value.__module__ == module.__name__ and "meta" in value.__dict__:
            yield value


def _plugin_modules() -> list[str]:
    names = [ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)]
    # Running from a source tree without (up-to-date) installed metadata: the built-ins still load.
    missing = [name for name in BUILTIN_RULES if name not in names]
    return [*missing, *names]


class Registry:
    """All known rules by code, in code order."""

    def __init__(self, rules: Iterable[type[Rule]]):
        self._by_code: dict[str, type[Rule]] = {}
        names: dict[str, str] = {}
        for rule in rules:
            meta = rule.meta
            problems = meta.problems()
            if problems:
                raise RegistryError(f"{rule.__module__}.{rule.__name__}: " + "; ".join(problems))
            if meta.code in self._by_code:
                other = self._by_code[meta.code]
                raise RegistryError(f"{meta.code} is declared by both {other.__module__} and {rule.__module__}")
            if meta.name in names:
                raise RegistryError(f"rule name {meta.name!r} is used by both {names[meta.name]} and {meta.code}")
            self._by_code[meta.code] = rule
            names[meta.name] = meta.code
        self._by_code = dict(sorted(self._by_code.items()))
        self._by_name = {rule.meta.name: rule for rule in self._by_code.values()}

    def __iter__(self) -> Iterator[type[Rule]]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code_or_name: str) -> type[Rule] | None:
        return self._by_code.get(code_or_name.upper()) or self._by_name.get(code_or_name)

    @property
    def codes(self) -> list[str]:
        return list(self._by_code)

    def of_stage(self, stage: str) -> list[type[Rule]]:
        """The rules the command ``stage`` reports (``check`` for the static rules)."""
        return [rule for rule in self._by_code.values() if rule.stage == stage]


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    rules: list[type[Rule]] = []
    for module_name in _plugin_modules():
        for module in _walk_module(importlib.import_module(module_name)):
            rules.extend(_rules_in(module))
    return Registry(rules)
