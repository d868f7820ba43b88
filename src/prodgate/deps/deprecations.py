"""The versioned table of deprecated, removed and added APIs (``data/deprecations.toml``), indexed for lookups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from prodgate.deps.stdlib import load_data


@dataclass(frozen=True, slots=True)
class Deprecation:
    """One deprecated or removed API; versions are Python's when ``distribution`` is None."""

    deprecated_in: str | None
    removed_in: str | None
    replacement: str
    distribution: str | None = None
    context: str | None = None
    missing: str | None = None
    position: int = -1

    @property
    def where(self) -> str:
        return self.distribution or "Python"


@dataclass(frozen=True)
class Table:
    names: dict[str, Deprecation]
    members: dict[str, dict[str, Deprecation]]  # member -> receiver type -> entry
    self_members: dict[str, Deprecation]
    keywords: dict[str, dict[str, Deprecation]]  # call name -> keyword -> entry
    types: dict[str, str]
    last_names: frozenset[str]  # last components of ``names``: a cheap filter before resolving


def _entry(raw: dict[str, object]) -> Deprecation:
    position = raw.get("position", -1)
    return Deprecation(
        deprecated_in=str(raw["deprecated_in"]) if "deprecated_in" in raw else None,
        removed_in=str(raw["removed_in"]) if "removed_in" in raw else None,
        replacement=str(raw["replacement"]),
        distribution=str(raw["distribution"]) if "distribution" in raw else None,
        context=str(raw["context"]) if "context" in raw else None,
        missing=str(raw["missing"]) if "missing" in raw else None,
        position=position if isinstance(position, int) else -1,
    )


@lru_cache(maxsize=1)
def table() -> Table:
    data = load_data("deprecations.toml")
    names: dict[str, Deprecation] = {}
    members: dict[str, dict[str, Deprecation]] = defaultdict(dict)
    self_members: dict[str, Deprecation] = {}
    keywords: dict[str, dict[str, Deprecation]] = defaultdict(dict)
    for raw in data["api"]:
        entry = _entry(raw)
        if "keyword" in raw:
            for name in raw["name"]:
                for keyword in raw["keyword"]:
                    keywords[name][keyword] = entry
        elif "name" in raw:
            names.update(dict.fromkeys(raw["name"], entry))
        elif "receiver" in raw:
            for member in raw["member"]:
                members[member].update(dict.fromkeys(raw["receiver"], entry))
        else:
            self_members.update(dict.fromkeys(raw["self_member"], entry))
    return Table(names, dict(members), self_members, dict(keywords), dict(data["types"]),
                 frozenset(name.rsplit(".", 1)[-1] for name in names))


@dataclass(frozen=True, slots=True)
class Addition:
    """An API that exists only from ``added_in`` on; versions are Python's when ``distribution`` is None."""

    added_in: str
    distribution: str | None = None


@dataclass(frozen=True)
class Additions:
    names: dict[str, Addition]
    members: dict[str, dict[str, Addition]]  # member -> receiver type -> entry
    keywords: dict[str, dict[str, Addition]]  # call name -> keyword -> entry
    last_names: frozenset[str]


@lru_cache(maxsize=1)
def additions() -> Additions:
    names: dict[str, Addition] = {}
    members: dict[str, dict[str, Addition]] = defaultdict(dict)
    keywords: dict[str, dict[str, Addition]] = defaultdict(dict)
    for raw in load_data("deprecations.toml")["added"]:
        entry = Addition(str(raw["added_in"]), str(raw["distribution"]) if "distribution" in raw else None)
        if "keyword" in raw:
            for name in raw["name"]:
                keywords[name].update(dict.fromkeys(raw["keyword"], entry))
        elif "name" in raw:
            names.update(dict.fromkeys(raw["name"], entry))
        else:
            for member in raw["member"]:
                members[member].update(dict.fromkeys(raw["receiver"], entry))
    return Additions(names, dict(members), dict(keywords), frozenset(name.rsplit(".", 1)[-1] for name in names))


def admits_older(specifier: SpecifierSet, version: Version) -> bool:
    """True when some release older than ``version`` satisfies ``specifier`` (no lower bound counts).

    The versions a specifier set admits form intervals whose ends are its clauses' versions, so
    it is enough to try zero, every clause's version and the release just after it, and the
    release just before ``version``."""
    release = version.release
    before = (*release[:-1], release[-1] - 1, 99999) if release[-1] else (*release[:-1], 99999)
    candidates = {Version("0"), Version(".".join(str(p) for p in before))}
    for clause in specifier:
        text = clause.version.replace(".*", "")
        if not text[:1].isdigit():
            continue
        bound = Version(text)
        candidates |= {bound, Version(".".join(str(p) for p in (*bound.release, 1)))}
        if bound.release[-1]:
            candidates.add(Version(".".join(str(p) for p in (*bound.release[:-1], bound.release[-1] - 1, 99999))))
    return any(Version(c.base_version) < version and specifier.contains(c) for c in candidates)


def python_change(entry: Deprecation, target: tuple[int, int]) -> tuple[str, str] | None:
    """("removed"|"deprecated", version) when the targeted Python version is affected."""
    def reached(version: str | None) -> bool:
        return version is not None and target >= tuple(int(p) for p in version.split("."))[:2]

    if reached(entry.removed_in):
        return "removed", str(entry.removed_in)
    if reached(entry.deprecated_in):
        return "deprecated", str(entry.deprecated_in)
    return None


def range_reaches(specifier: SpecifierSet, version: Version) -> bool:
    """True when ``specifier`` admits ``version`` or some later release (no upper bound below it)."""
    if specifier.contains(version, prereleases=True):
        return True
    for clause in specifier:
        bound = Version(clause.version.replace(".*", "")) if clause.version.replace(".*", "")[:1].isdigit() else None
        if bound is None:
            continue
        if clause.operator == "<" and bound <= version:
            return False
        if clause.operator in ("<=", "==", "===") and bound < version:
            return False
        if clause.operator == "~=" and Version(".".join(str(p) for p in _tilde_upper(bound))) <= version:
            return False
    return True


def _tilde_upper(bound: Version) -> tuple[int, ...]:
    release = bound.release
    head = release[:-1] if len(release) > 1 else release
    return (*head[:-1], head[-1] + 1)
