"""Configuration: ``[tool.prodgate]`` in pyproject.toml, or ``prodgate.toml``, validated strictly.

Every key is declared once with its type, default and description (docs/configuration.md is
generated from these declarations). Unknown keys and bad values are rejected with the key's dotted
name and what was expected. Other stages declare their own sub-tables (``[tool.prodgate.policy]``)
as a tuple of ``Key`` exposed through the ``prodgate.config`` entry-point group, whose entry name is
the table name; core discovers them without importing any stage by name.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from prodgate.core.finding import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and what was expected."""


Check = Callable[[str, Any], Any]


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    return value


def _int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key}: expected a non-negative integer, got {value!r}")
    return value


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {value!r}")
    return value


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _severity(key: str, value: Any) -> Severity:
    try:
        return Severity.parse(_str(key, value))
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def _version(key: str, value: Any) -> tuple[int, int]:
    text = _str(key, value)
    parts = text.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or parts[0] != "3":
        raise ConfigError(f"{key}: expected a Python version such as \"3.12\", got {value!r}")
    return (3, int(parts[1]))


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    check: Check
    default: Any
    description: str


CHECKS: dict[str, Check] = {
    "bool": _bool, "int": _int, "str": _str, "strings": _strings,
    "severity": _severity, "version": _version,
}

TOP_LEVEL: tuple[Key, ...] = (
    Key("select", _strings, ("ALL",), "Rule codes, code prefixes, category ids or category prefixes to run; ALL for every stable rule."),
    Key("extend-select", _strings, (), "Added to `select` (use it to add preview rules by code)."),
    Key("ignore", _strings, (), "Rule codes or categories to leave out; the longer of a matching select and ignore entry wins."),
    Key("preview", _bool, False, "Also run rules whose status is preview."),
    Key("fail-on", _severity, Severity.HIGH, "The lowest severity that makes `prodgate check` exit 1."),
    Key("fail-on-unanalysed", _bool, True, "Exit 1 when a file could not be analysed (syntax error, binary, undecodable, too large; for fuzz, a module that cannot be imported or a sandbox that died outside a call)."),
    Key("include", _strings, ("*.py", "*.pyi"), "Glob patterns of files to analyse."),
    Key("exclude", _strings, (), "Gitignore-style patterns of paths to leave out (replaces the defaults)."),
    Key("extend-exclude", _strings, (), "Gitignore-style patterns added to the default exclusions."),
    Key("respect-gitignore", _bool, True, "Leave out what .gitignore files (and .git/info/exclude) ignore."),
    Key("max-file-size", _int, 5_000_000, "Files larger than this many bytes are reported as not analysed."),
    Key("cache", _bool, True, "Reuse results of unchanged files (keyed by content, prodgate version and configuration)."),
    Key("cache-dir", _str, ".prodgate_cache", "Where the cache lives, relative to the project root."),
    Key("jobs", _int, 0, "Worker processes; 0 means one per CPU."),
    Key("target-version", _version, None, "The Python version the project runs on (default: from requires-python, else the running interpreter)."),
)

DEFAULT_EXCLUDES = (
    ".git/", ".hg/", ".svn/", ".venv/", "venv/", ".tox/", ".nox/", "__pycache__/", "node_modules/",
    "build/", "dist/", ".eggs/", "*.egg-info/", ".mypy_cache/", ".ruff_cache/", ".pytest_cache/",
    ".prodgate_cache/", "site-packages/",
)

RULE_KEYS = ("severity", "enabled")

SECTIONS_GROUP = "prodgate.config"


@lru_cache(maxsize=1)
def sections() -> Mapping[str, tuple[Key, ...]]:
    """``[tool.prodgate.<name>]`` tables declared by the stages, by name."""
    found: dict[str, tuple[Key, ...]] = {}
    for entry in entry_points(group=SECTIONS_GROUP):
        keys = entry.load()
        if not (isinstance(keys, tuple) and all(isinstance(k, Key) for k in keys)):
            raise ConfigError(f"entry point {entry.name} = {entry.value} is not a tuple of config Keys")
        found[entry.name] = keys
    return found


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None
    values: Mapping[str, Any]
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tables: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    requires_python: str | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def section(self, name: str) -> Mapping[str, Any]:
        return self.tables.get(name, {})

    def fingerprint(self) -> str:
        """A hash of everything that changes analysis results (part of the cache key)."""
        relevant = {k: v for k, v in self.values.items() if k not in {"jobs", "cache", "cache-dir", "fail-on", "fail-on-unanalysed"}}
        payload = json.dumps([relevant, self.rules, self.tables, self.requires_python], sort_keys=True, default=str)
        return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()

    def with_overrides(self, **overrides: Any) -> Config:
        values = dict(self.values)
        values.update({k.replace("_", "-"): v for k, v in overrides.items() if v is not None})
        return Config(self.root, self.source, values, self.rules, self.tables, self.requires_python)


def _validate_table(prefix: str, raw: Mapping[str, Any], keys: tuple[Key, ...]) -> dict[str, Any]:
    known = {k.name: k for k in keys}
    values = {k.name: k.default for k in keys}
    for name, value in raw.items():
        if name not in known:
            expected = ", ".join(sorted(known))
            raise ConfigError(f"{prefix}{name}: unknown key; expected one of: {expected}")
        values[name] = known[name].check(prefix + name, value)
    return values


def _validate_rules(raw: Any) -> dict[str, dict[str, Any]]:
    from prodgate.core.registry import default_registry

    if not isinstance(raw, dict):
        raise ConfigError(f"tool.prodgate.rules: expected a table of rule codes, got {raw!r}")
    registry = default_registry()
    result: dict[str, dict[str, Any]] = {}
    for code, table in raw.items():
        rule = registry.get(code)
        prefix = f"tool.prodgate.rules.{code}."
        if rule is None:
            raise ConfigError(f"tool.prodgate.rules.{code}: unknown rule code")
        if not isinstance(table, dict):
            raise ConfigError(f"tool.prodgate.rules.{code}: expected a table, got {table!r}")
        options = {o.name: o for o in rule.meta.options}
        entry: dict[str, Any] = {}
        for name, value in table.items():
            if name == "severity":
                entry[name] = _severity(prefix + name, value)
            elif name == "enabled":
                entry[name] = _bool(prefix + name, value)
            elif name in options:
                default = options[name].default
                if default is not None and not isinstance(value, type(default)):
                    raise ConfigError(f"{prefix}{name}: expected {type(default).__name__}, got {value!r}")
                entry[name] = tuple(value) if isinstance(value, list) else value
            else:
                expected = ", ".join(sorted([*RULE_KEYS, *options]))
                raise ConfigError(f"{prefix}{name}: unknown key; expected one of: {expected}")
        result[rule.meta.code] = entry
    return result


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def find_config(start: Path) -> tuple[Path, Path | None]:
    """The project root and its config file: the nearest directory with prodgate.toml or pyproject.toml."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / "prodgate.toml").is_file():
            return candidate, candidate / "prodgate.toml"
        if (candidate / "pyproject.toml").is_file():
            return candidate, candidate / "pyproject.toml"
        if (candidate / ".git").exists():
            return candidate, None
    return directory, None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    source: Path | None
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        root, source = explicit.resolve().parent, explicit.resolve()
    else:
        root, source = find_config(start)
    document = _read_toml(source) if source else {}
    requires_python = None
    if source is not None and source.name == "pyproject.toml":
        requires_python = document.get("project", {}).get("requires-python")
        raw = document.get("tool", {}).get("prodgate", {})
        prefix = "tool.prodgate."
    else:
        raw = document.get("tool", {}).get("prodgate", document)
        prefix = "tool.prodgate." if "tool" in document else ""
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix.rstrip('.')}: expected a table")
    top = {k: v for k, v in raw.items() if not isinstance(v, dict)}
    nested = {k: v for k, v in raw.items() if isinstance(v, dict)}
    values = _validate_table(prefix, top, TOP_LEVEL)
    rules = _validate_rules(nested.pop("rules", {}))
    tables = {}
    declared = sections()
    for name, table in nested.items():
        if name not in declared:
            expected = ", ".join(sorted([*(k.name for k in TOP_LEVEL), "rules", *declared]))
            raise ConfigError(f"{prefix}{name}: unknown key; expected one of: {expected}")
        tables[name] = _validate_table(f"{prefix}{name}.", table, declared[name])
    for name, keys in declared.items():
        tables.setdefault(name, _validate_table(f"{prefix}{name}.", {}, keys))
    return Config(root, source, values, rules, tables, requires_python)
