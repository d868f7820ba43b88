"""Which lines tests executed: a coverage.py data file (``.coverage``) or a Cobertura XML report.

Both are reduced to the same thing per file, relative to the repository top: the executable lines
and the executed ones. A ``.coverage`` file is read through coverage.py's public API
(``Coverage.load`` and ``analysis2``, which re-parses the measured source to know its statements),
so it must have been produced in this checkout; Cobertura XML carries its statements with it.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import coverage
from coverage.exceptions import CoverageException

_SQLITE_MAGIC = b"SQLite format 3\x00"


class CoverageError(Exception):
    """The coverage file cannot be read; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class FileCoverage:
    statements: frozenset[int]
    executed: frozenset[int]


@dataclass(frozen=True, slots=True)
class ChangedCoverage:
    """Coverage of a file's changed lines: how many are executable and how many tests ran."""

    executable: int
    covered: int

    @property
    def percent(self) -> float:
        return 100.0 if not self.executable else 100.0 * self.covered / self.executable


class LineCoverage:
    """Executed lines per file, looked up by repository-relative path."""

    def __init__(self, source: Path, files: dict[str, FileCoverage]):
        self.source = source
        self.files = files

    def lookup(self, path: str) -> FileCoverage | None:
        found = self.files.get(path)
        if found is not None:
            return found
        suffixed = [key for key in self.files if key.endswith("/" + path) or path.endswith("/" + key)]
        return self.files[suffixed[0]] if len(suffixed) == 1 else None

    def changed(self, path: str, lines: Iterable[int]) -> ChangedCoverage | None:
        """Coverage of ``lines`` of ``path``; None when the file was never measured."""
        data = self.lookup(path)
        if data is None:
            return None
        executable = data.statements.intersection(lines)
        return ChangedCoverage(len(executable), len(executable & data.executed))


def _relative(name: str, top: Path) -> str | None:
    candidate = Path(name)
    if not candidate.is_absolute():
        return candidate.as_posix()
    try:
        return Path(os.path.realpath(candidate)).relative_to(os.path.realpath(top)).as_posix()
    except ValueError:
        return None


def _read_coverage_py(path: Path, top: Path) -> dict[str, FileCoverage]:
    try:
        measured = coverage.Coverage(data_file=str(path), config_file=False)
        measured.load()
        names = measured.get_data().measured_files()
    except CoverageException as exc:
        raise CoverageError(f"{path}: not a readable coverage.py data file: {exc}") from None
    files = {}
    for name in names:
        relative = _relative(name, top)
        if relative is None:
            continue
        try:
            _, statements, _, missing, _ = measured.analysis2(name)
        except (CoverageException, OSError):
            continue  # the measured source is not in this checkout
        files[relative] = FileCoverage(frozenset(statements), frozenset(statements) - frozenset(missing))
    return files


def _read_cobertura(path: Path, top: Path) -> dict[str, FileCoverage]:
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        raise CoverageError(f"{path}: not valid XML: {exc}") from None
    if root.tag != "coverage":
        raise CoverageError(f"{path}: not a Cobertura report (root element <{root.tag}>, expected <coverage>)")
    sources = [s.text.strip() for s in root.iter("source") if s.text and s.text.strip()]
    statements: dict[str, set[int]] = {}
    executed: dict[str, set[int]] = {}
    for element in root.iter("class"):
        filename = element.get("filename", "")
        relative = None
        for source in sources:
            relative = _relative(str(Path(source) / filename), top)
            if relative is not None:
                break
        relative = relative or Path(filename).as_posix()
        for line in element.iter("line"):
            number, hits = line.get("number", ""), line.get("hits", "0")
            if not number.isdigit():
                continue
            statements.setdefault(relative, set()).add(int(number))
            if hits.isdigit() and int(hits) > 0:
                executed.setdefault(relative, set()).add(int(number))
    return {name: FileCoverage(frozenset(lines), frozenset(executed.get(name, ()))) for name, lines in statements.items()}


def read_coverage(path: Path, top: Path) -> LineCoverage:
    """Read ``path`` (coverage.py data or Cobertura XML) with file names made relative to ``top``."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise CoverageError(f"{path}: cannot read coverage data: {exc.strerror}") from None
    if head == _SQLITE_MAGIC:
        return LineCoverage(path, _read_coverage_py(path, top))
    if head.lstrip().startswith(b"<"):
        return LineCoverage(path, _read_cobertura(path, top))
    raise CoverageError(f"{path}: neither a coverage.py data file nor Cobertura XML")
