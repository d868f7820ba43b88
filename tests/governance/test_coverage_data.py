"""Changed-line coverage from a real coverage.py run: the .coverage file and its Cobertura XML agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prodgate.governance.coverage_data import ChangedCoverage, CoverageError, read_coverage

MODULE = """\
def sign(value):
    if value > 0:
        return 1
    if value < 0:
        return -1
    return 0
"""
TEST = """\
from pkg.mod import sign


def test_positive():
    assert sign(5) == 1
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("covered")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "mod.py").write_text(MODULE)
    (root / "test_mod.py").write_text(TEST)
    for command in (["-m", "coverage", "run", "--data-file=.coverage", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mod.py"],
                    ["-m", "coverage", "xml", "--data-file=.coverage", "-o", "coverage.xml"]):
        subprocess.run([sys.executable, *command], cwd=root, check=True, capture_output=True, timeout=120)
    return root


@pytest.mark.parametrize("name", [".coverage", "coverage.xml"])
def test_changed_lines_coverage(measured: Path, name: str) -> None:
    coverage = read_coverage(measured / name, measured)
    # sign(5) runs lines 2 and 3 (line 1 ran at import); 4, 5 and 6 never ran
    assert coverage.changed("pkg/mod.py", [2, 3, 4, 5, 6]) == ChangedCoverage(5, 2)
    assert coverage.changed("pkg/mod.py", [1]) == ChangedCoverage(1, 1)
    assert coverage.changed("pkg/mod.py", [7, 8]) == ChangedCoverage(0, 0)
    assert coverage.changed("pkg/mod.py", [7, 8]).percent == 100.0  # nothing executable changed
    assert coverage.changed("pkg/other.py", [1]) is None


def test_suffix_lookup_when_the_repository_is_above_the_project(measured: Path) -> None:
    coverage = read_coverage(measured / "coverage.xml", measured)
    assert coverage.lookup("service/pkg/mod.py") is coverage.lookup("pkg/mod.py") is not None


def test_bad_coverage_files(tmp_path: Path) -> None:
    (tmp_path / "junk.txt").write_text("hello")
    (tmp_path / "other.xml").write_text("<report/>")
    (tmp_path / "broken.xml").write_text("<coverage><class")
    with pytest.raises(CoverageError, match=r"neither a coverage\.py data file nor Cobertura XML"):
        read_coverage(tmp_path / "junk.txt", tmp_path)
    with pytest.raises(CoverageError, match=r"not a Cobertura report \(root element <report>"):
        read_coverage(tmp_path / "other.xml", tmp_path)
    with pytest.raises(CoverageError, match="not valid XML"):
        read_coverage(tmp_path / "broken.xml", tmp_path)
    with pytest.raises(CoverageError, match="cannot read coverage data"):
        read_coverage(tmp_path / "absent", tmp_path)
