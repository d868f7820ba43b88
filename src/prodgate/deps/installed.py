"""The target environment: its interpreter's version, ``sys.path`` and installed distributions.

By default the running interpreter. ``--python PATH`` runs that interpreter once, on a fixed
snippet that prints its version, ``sys.path`` and standard-library module names as JSON; that
is the only subprocess, and it never runs the analysed project's code. Distributions are then
read from the metadata on that ``sys.path``, in this process, without importing anything.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

from prodgate.core.config import ConfigError

PROBE = (
    "import json, sys; print(json.dumps({'version': list(sys.version_info[:2]), 'path': sys.path[1:], "
    "'stdlib': sorted(getattr(sys, 'stdlib_module_names', ())), 'builtin': sorted(sys.builtin_module_names)}))"
)
PROBE_TIMEOUT = 30
SOURCE_SUFFIXES = (".py", ".pyi")
EXTENSION_SUFFIXES = (".so", ".pyd")


class InterpreterError(ConfigError):
    """The interpreter given with ``--python`` cannot be probed."""


@dataclass(frozen=True, slots=True)
class Interpreter:
    version: tuple[int, int]
    path: tuple[str, ...]
    stdlib: frozenset[str]


@dataclass(frozen=True, slots=True)
class Distribution:
    name: str  # canonical
    display_name: str
    version: str
    top_level: frozenset[str]


def current_interpreter() -> Interpreter:
    path = tuple(p for p in sys.path if p and Path(p).is_dir())
    return Interpreter(sys.version_info[:2], path,
                       frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names))


def probe_interpreter(python: str) -> Interpreter:
    """Version, ``sys.path`` and standard library of another interpreter (one fixed subprocess)."""
    try:
        done = subprocess.run([python, "-I", "-c", PROBE], capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InterpreterError(f"--python {python}: cannot run it ({exc})") from None
    if done.returncode != 0:
        raise InterpreterError(f"--python {python}: exited with {done.returncode}: {done.stderr.strip()[-200:]}")
    try:
        data = json.loads(done.stdout)
        version = (int(data["version"][0]), int(data["version"][1]))
    except (ValueError, KeyError, IndexError, TypeError):
        raise InterpreterError(f"--python {python}: is not a Python interpreter") from None
    stdlib = frozenset(data.get("stdlib") or ()) | frozenset(data.get("builtin") or ())
    return Interpreter(version, tuple(p for p in data.get("path", []) if p and Path(p).is_dir()), stdlib)


def _names_from_record(dist: metadata.Distribution) -> set[str]:
    names: set[str] = set()
    for line in (dist.read_text("RECORD") or dist.read_text("installed-files.txt") or "").splitlines():
        parts = tuple(line.split(",", 1)[0].strip('"').split("/"))
        if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        if len(parts) > 1:
            names.add(parts[0])
        elif parts[0].endswith(SOURCE_SUFFIXES + EXTENSION_SUFFIXES):
            names.add(parts[0].split(".", 1)[0])
        elif parts[0].endswith(".pth"):
            names |= _editable_names(dist, parts[0])
    return {n for n in names if n.isidentifier()}


def _editable_names(dist: metadata.Distribution, pth: str) -> set[str]:
    """Top-level names of an editable install: the path a ``.pth`` adds, or a finder's mapping."""
    located = dist.locate_file(pth)
    names: set[str] = set()
    try:
        lines = Path(str(located)).read_text(encoding="utf-8").splitlines()
    except OSError:
        return names
    for line in lines:
        if line.startswith("import ") or not line.strip():
            finder = Path(str(located)).parent / f"{line.split()[1].split(';')[0]}.py" if line.startswith("import ") else None
            if finder is not None and finder.is_file():
                names |= _finder_mapping(finder)
            continue
        directory = Path(line.strip())
        if directory.is_dir():
            names |= {p.stem if p.is_file() else p.name for p in directory.iterdir()
                      if p.is_dir() or p.suffix in SOURCE_SUFFIXES}
    return names


def _finder_mapping(finder: Path) -> set[str]:
    try:
        tree = ast.parse(finder.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MAPPING" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return set()
            return {str(k) for k in value} if isinstance(value, dict) else set()
    return set()


def top_level_names(dist: metadata.Distribution) -> frozenset[str]:
    """Top-level import names: ``top_level.txt`` when the distribution has one, else its ``RECORD``."""
    text = dist.read_text("top_level.txt")
    names = {line.strip().split("/", 1)[0] for line in (text or "").splitlines() if line.strip()}
    return frozenset(n for n in (names or _names_from_record(dist)) if n.isidentifier())


def installed_distributions(path: tuple[str, ...]) -> dict[str, Distribution]:
    """Installed distributions on ``path`` by canonical name (the first one found wins, as in pip)."""
    found: dict[str, Distribution] = {}
    for dist in metadata.distributions(path=list(path)):
        fields = dist.metadata  # parsed once: each access to dist.metadata parses the file again
        raw = fields["Name"] if fields else None
        if not raw:
            continue
        name = canonicalize_name(raw)
        if name not in found:
            found[name] = Distribution(name, raw, fields["Version"] or "0", top_level_names(dist))
    return found


def modules_on_path(path: tuple[str, ...]) -> frozenset[str]:
    """Top-level module names importable from ``path`` (packages, modules, extensions)."""
    names: set[str] = set()
    for directory in path:
        try:
            entries = list(Path(directory).iterdir())
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir():
                if name.isidentifier():
                    names.add(name)
            elif name.endswith(SOURCE_SUFFIXES + EXTENSION_SUFFIXES):
                stem = name.split(".", 1)[0]
                if stem.isidentifier():
                    names.add(stem)
    return frozenset(names)
