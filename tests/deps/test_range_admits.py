"""PG824: a declared range (``requires-python`` or a dependency's) that admits versions older than the
one that added an API the code uses; the range arithmetic, where ranges are read from, and the rule
through the Python API on a real project with the real pandas and pydantic installed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pydantic
import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from prodgate.api import check
from prodgate.deps.declared import read_declared
from prodgate.deps.deprecations import additions, admits_older

CODE = '''\
import pandas as pd
import pydantic


class Order(pydantic.BaseModel):
    amount: float


def report(path, order: Order):
    frame = pd.read_csv(path).map(str)
    label = "v1-report".removeprefix("v1-")
    return frame, order.model_dump(), label
'''


@pytest.mark.parametrize(("specifier", "added", "older"), [
    (">=1.8", "2.0", True),
    (">1.10", "2.0", True),
    (">=1.8,<2", "2.0", True),
    ("!=1.9", "2.0", True),
    ("", "2.0", True),
    ("~=1.10", "2.0", True),
    (">=2.0", "2.0", False),
    (">=2", "2.0", False),
    ("~=2.1", "2.0", False),
    ("==2.*", "2.0", False),
    (">=3.9", "3.9", False),
    (">=3.8", "3.9", True),
    (">=3.8.1", "3.9", True),
    (">3.8.99999", "3.9", True),
    ("==2.2.0", "2.1", False),
    (">=2.1.0rc1", "2.1", False),  # a pre-release of the adding version has the API
])
def test_a_range_admits_older_versions(specifier: str, added: str, older: bool) -> None:
    assert admits_older(SpecifierSet(specifier), Version(added)) is older


def test_the_data_file_knows_what_it_claims() -> None:
    data = additions()
    assert data.members["map"]["pandas.DataFrame"].added_in == "2.1" and hasattr(pd.DataFrame, "map")
    assert data.members["model_dump"]["pydantic.BaseModel"].distribution == "pydantic"
    assert hasattr(pydantic.BaseModel, "model_dump")
    assert data.members["removeprefix"]["str"] == data.names["zoneinfo"]  # both Python 3.9
    assert data.names["zoneinfo"].distribution is None


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.8"\n'}, ">=3.8"),
    ({"pyproject.toml": '[tool.poetry]\nname = "a"\n[tool.poetry.dependencies]\npython = "^3.9"\n'}, "<4,>=3.9"),
    ({"setup.cfg": "[metadata]\nname = a\n[options]\npython_requires = >=3.10\n"}, ">=3.10"),
    ({"pyproject.toml": '[project]\nname = "a"\nrequires-python = "not a range"\n'}, None),
    ({"requirements.txt": "requests\n"}, None),
])
def test_requires_python_is_read_where_projects_declare_it(tmp_path: Path, files: dict[str, str],
                                                           expected: str | None) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = read_declared(tmp_path).requires_python
    assert (str(found) if found is not None else None) == (str(SpecifierSet(expected)) if expected else None)


def _pg824(root: Path, pyproject: str) -> dict[int, str]:
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / "report.py").write_text(CODE, encoding="utf-8")
    return {f.location.line: f.message for f in check([root], select=["PG824"], use_cache=False).findings}


def test_old_lower_bounds_are_reported_with_the_bound_to_require(tmp_path: Path) -> None:
    found = _pg824(tmp_path, '[project]\nname = "r"\nrequires-python = ">=3.8"\n'
                             'dependencies = ["pandas>=1.5", "pydantic>=1.8,<3"]\n')
    assert sorted(found) == [10, 11, 12]
    assert "`DataFrame.map` was added in pandas 2.1" in found[10] and "require `pandas>=2.1`" in found[10]
    assert "`requires-python = \">=3.8\"`" in found[11] and "require `requires-python = \">=3.9\"`" in found[11]
    assert "pydantic>=1.8,<3" in found[12] or "pydantic<3,>=1.8" in found[12]
    assert "AttributeError" in found[12]


def test_ranges_that_start_late_enough_are_clean(tmp_path: Path) -> None:
    assert _pg824(tmp_path, '[project]\nname = "r"\nrequires-python = ">=3.10"\n'
                            'dependencies = ["pandas~=2.2", "pydantic>=2"]\n') == {}


def test_python_apis_are_not_judged_without_requires_python(tmp_path: Path) -> None:
    assert _pg824(tmp_path, '[project]\nname = "r"\ndependencies = ["pandas>=2.1", "pydantic>=2"]\n') == {}
