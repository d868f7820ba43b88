"""Dependencies a project declares (PEP 621, Poetry, requirements files, setup.cfg, setup.py) and
the versions its lock files pin (uv.lock, poetry.lock, pdm.lock, pip-compile output).

Nothing here executes project code: ``setup.py`` is parsed, never run.
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

REQUIREMENT_GLOBS = ("requirements*.txt", "requirements/*.txt", "requirements*.in", "requirements/*.in",
                     "*/requirements*.txt", "*/requirements/*.txt")
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock")
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
POETRY_CARET = re.compile(r"^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
POETRY_TILDE = re.compile(r"^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


@dataclass
class Declared:
    """Declared requirements by canonical distribution name, and pinned versions from lock files.

    ``declares`` is True when the project declares its dependencies anywhere (so an import of an
    undeclared distribution is a mismatch, not just an undocumented project).
    """

    requirements: dict[str, SpecifierSet] = field(default_factory=dict)
    pins: dict[str, Version] = field(default_factory=dict)
    project_name: str | None = None
    declares: bool = False
    sources: list[str] = field(default_factory=list)
    runtime: set[str] = field(default_factory=set)  # what an install of the project itself pulls in
    requires_python: SpecifierSet | None = None  # the Python versions the project says it supports

    def set_requires_python(self, text: object) -> None:
        if isinstance(text, str) and self.requires_python is None:
            with contextlib.suppress(InvalidSpecifier):
                self.requires_python = SpecifierSet(text.strip())

    def add(self, text: str, runtime: bool = False) -> None:
        requirement = parse_requirement(text)
        if requirement is not None:
            self.add_specifier(requirement.name, requirement.specifier, runtime)

    def add_specifier(self, name: str, specifier: SpecifierSet, runtime: bool = False) -> None:
        key = canonicalize_name(name)
        self.requirements[key] = self.requirements.get(key, SpecifierSet()) & specifier
        if runtime:
            self.runtime.add(key)

    def is_declared(self, distribution: str) -> bool:
        return canonicalize_name(distribution) in self.requirements


def parse_requirement(text: str) -> Requirement | None:
    """A PEP 508 requirement, or None for lines that are not one (options, URLs, blanks)."""
    text = text.split(" #", 1)[0].strip()
    if not text or text.startswith(("#", "-", "git+", "http:", "https:", "file:", ".", "/")):
        return None
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


def poetry_specifier(value: Any) -> SpecifierSet:
    """Poetry's constraint syntax (``^1.2``, ``~1.2``, ``1.2.*``, ``>=1,<2``) as a PEP 440 set."""
    if isinstance(value, dict):
        value = value.get("version", "*")
    if not isinstance(value, str) or value.strip() in ("", "*"):
        return SpecifierSet()
    value = value.strip()
    caret = POETRY_CARET.match(value)
    if caret:
        parts = [int(p) for p in caret.groups() if p is not None]
        bump = next((i for i, p in enumerate(parts) if p), len(parts) - 1)
        upper = [*parts[:bump], parts[bump] + 1]
        return SpecifierSet(f">={'.'.join(map(str, parts))},<{'.'.join(map(str, upper))}")
    tilde = POETRY_TILDE.match(value)
    if tilde:
        parts = [int(p) for p in tilde.groups() if p is not None]
        upper = [parts[0] + 1] if len(parts) == 1 else [parts[0], parts[1] + 1]
        return SpecifierSet(f">={'.'.join(map(str, parts))},<{'.'.join(map(str, upper))}")
    if value[0].isdigit():
        value = "==" + value
    try:
        return SpecifierSet(value)
    except InvalidSpecifier:
        return SpecifierSet()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _pyproject(path: Path, declared: Declared) -> None:
    document = _read_toml(path)
    project = document.get("project", {})
    if isinstance(project.get("name"), str):
        declared.project_name = canonicalize_name(project["name"])
    if "dependencies" in project or "optional-dependencies" in project:
        declared.declares = True
    declared.set_requires_python(project.get("requires-python"))
    for text in _strings(project.get("dependencies")):
        declared.add(text, runtime=True)
    for group in (project.get("optional-dependencies") or {}).values():
        for text in _strings(group):
            declared.add(text)
    for group in (document.get("dependency-groups") or {}).values():
        for text in _strings(group):
            declared.add(text)
    tool = document.get("tool", {})
    for text in _strings(tool.get("uv", {}).get("dev-dependencies")):
        declared.add(text)
    for group in (tool.get("pdm", {}).get("dev-dependencies") or {}).values():
        for text in _strings(group):
            declared.add(text)
    _poetry(tool.get("poetry", {}), declared)


def _poetry(poetry: dict[str, Any], declared: Declared) -> None:
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [group.get("dependencies") for group in (poetry.get("group") or {}).values() if isinstance(group, dict)]
    if poetry.get("name") and declared.project_name is None:
        declared.project_name = canonicalize_name(str(poetry["name"]))
    for number, table in enumerate(tables):
        if not isinstance(table, dict):
            continue
        declared.declares = True
        for name, constraint in table.items():
            optional = isinstance(constraint, dict) and constraint.get("optional") is True
            if name.lower() != "python":
                declared.add_specifier(name, poetry_specifier(constraint), runtime=number == 0 and not optional)
            elif number == 0:
                declared.requires_python = declared.requires_python or poetry_specifier(constraint)


def requirement_lines(path: Path, seen: set[Path] | None = None) -> Iterator[str]:
    """Requirement lines of a requirements file, following ``-r``/``-c`` includes once each."""
    seen = set() if seen is None else seen
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        include = re.match(r"^(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)", line)
        if include:
            yield from requirement_lines(path.parent / include.group(1), seen)
        elif line and not line.startswith(("#", "-")):
            yield line


def _requirement_files(root: Path) -> list[Path]:
    return sorted({p for pattern in REQUIREMENT_GLOBS for p in root.glob(pattern) if p.is_file()})


def _requirements(root: Path, declared: Declared) -> None:
    for path in _requirement_files(root):
        declared.declares = True
        declared.sources.append(path.name)
        for line in requirement_lines(path):
            requirement = parse_requirement(line)
            if requirement is None:
                continue
            declared.add_specifier(requirement.name, requirement.specifier, runtime=path.name == "requirements.txt")
            pinned = [s.version for s in requirement.specifier if s.operator in ("==", "===") and "*" not in s.version]
            if len(pinned) == 1:
                _pin(declared, requirement.name, pinned[0])


def _pin(declared: Declared, name: str, version: str) -> None:
    with contextlib.suppress(InvalidVersion):
        declared.pins.setdefault(canonicalize_name(name), Version(version))


def _setup_cfg(path: Path, declared: Declared) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return
    if parser.has_option("metadata", "name") and declared.project_name is None:
        declared.project_name = canonicalize_name(parser.get("metadata", "name"))
    if parser.has_option("options", "python_requires"):
        declared.set_requires_python(parser.get("options", "python_requires"))
    lines: list[str] = []
    if parser.has_option("options", "install_requires"):
        declared.declares = True
        for line in parser.get("options", "install_requires").splitlines():
            declared.add(line, runtime=True)
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            lines += value.splitlines()
    for line in lines:
        declared.add(line)


def _setup_py(path: Path, declared: Declared) -> None:
    """Literal ``install_requires``/``extras_require`` of a ``setup(...)`` call, read from the AST."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in ("install_requires", "extras_require", "tests_require"):
                continue
            try:
                value = ast.literal_eval(keyword.value)
            except ValueError:
                continue
            declared.declares = True
            groups = value.values() if isinstance(value, dict) else [value]
            for group in groups:
                for text in _strings(list(group) if isinstance(group, (list, tuple)) else []):
                    declared.add(text, runtime=keyword.arg == "install_requires")


def _locks(root: Path, declared: Declared) -> None:
    for name in LOCK_FILES:
        path = root / name
        if not path.is_file():
            continue
        declared.sources.append(name)
        for package in _read_toml(path).get("package", []):
            if isinstance(package, dict) and isinstance(package.get("name"), str) and isinstance(package.get("version"), str):
                _pin(declared, package["name"], package["version"])


def declaring_files(root: Path) -> list[Path]:
    """Every file under ``root`` that ``read_declared`` reads (requirement includes aside)."""
    named = [root / name for name in (*PROJECT_FILES, *LOCK_FILES)]
    return [*(p for p in named if p.is_file()), *_requirement_files(root)]


def read_declared(root: Path) -> Declared:
    """Everything ``root`` declares about its dependencies (an empty result when it declares none)."""
    declared = Declared()
    readers: Iterable[tuple[str, Any]] = zip(PROJECT_FILES, (_pyproject, _setup_cfg, _setup_py), strict=True)
    for name, reader in readers:
        path = root / name
        if path.is_file():
            declared.sources.append(name)
            reader(path, declared)
    _requirements(root, declared)
    _locks(root, declared)
    return declared
