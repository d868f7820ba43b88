"""Standard-library module names for a Python version.

The target interpreter's ``sys.stdlib_module_names`` is the base; ``data/stdlib.toml`` names the
modules removed or added by each version, so a project that targets 3.12 does not get
``distutils`` and one that targets 3.10 does not get ``tomllib``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

Version = tuple[int, int]


def parse_version(text: str) -> Version:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


@lru_cache(maxsize=8)
def load_data(name: str) -> dict[str, Any]:
    """A TOML data file shipped in ``prodgate/deps/data``."""
    return tomllib.loads(resources.files("prodgate.deps").joinpath("data").joinpath(name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class RemovedModule:
    name: str
    deprecated_in: Version
    removed_in: Version
    replacement: str


@lru_cache(maxsize=1)
def removed_modules() -> dict[str, RemovedModule]:
    return {
        name: RemovedModule(name, parse_version(entry["deprecated_in"]), parse_version(entry["removed_in"]),
                            entry["replacement"])
        for name, entry in load_data("stdlib.toml")["removed"].items()
    }


@lru_cache(maxsize=1)
def added_modules() -> dict[str, Version]:
    return {name: parse_version(version) for name, version in load_data("stdlib.toml")["added"].items()}


def stdlib_modules(base: frozenset[str], version: Version) -> frozenset[str]:
    """Top-level standard-library modules of Python ``version``, from another version's list."""
    names = set(base)
    for name, removal in removed_modules().items():
        if version >= removal.removed_in:
            names.discard(name)
        else:
            names.add(name)
    for name, added in added_modules().items():
        if version >= added:
            names.add(name)
        else:
            names.discard(name)
    return frozenset(names)


def ever_stdlib(base: frozenset[str]) -> frozenset[str]:
    """Every name that is or was a standard-library module (3.x), whatever the version targeted."""
    return base | frozenset(removed_modules()) | frozenset(added_modules())
