"""What a project declares: every format read from real files, nothing executed."""

from __future__ import annotations

from pathlib import Path

from packaging.version import Version

from prodgate.deps.declared import poetry_specifier, read_declared


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def test_pep621_groups_and_extras(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {"pyproject.toml": """
[project]
name = "Orders_Service"
dependencies = ["requests>=2.31,<3", "PyYAML"]
[project.optional-dependencies]
s3 = ["boto3>=1.34"]
[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
"""}))
    assert declared.declares and declared.project_name == "orders-service"
    assert set(declared.requirements) == {"requests", "pyyaml", "boto3", "pytest", "ruff"}
    assert declared.runtime == {"requests", "pyyaml"}
    assert Version("2.40") in declared.requirements["requests"]
    assert Version("3.0") not in declared.requirements["requests"]


def test_no_dependency_key_declares_nothing(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"}))
    assert not declared.declares and not declared.requirements


def test_poetry_constraints(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {"pyproject.toml": """
[tool.poetry]
name = "svc"
[tool.poetry.dependencies]
python = "^3.11"
pandas = "^2.1"
numpy = {version = "~1.26", optional = true}
[tool.poetry.group.dev.dependencies]
pytest = "*"
"""}))
    assert set(declared.requirements) == {"pandas", "numpy", "pytest"}
    assert declared.runtime == {"pandas"}
    assert Version("2.9") in declared.requirements["pandas"]
    assert Version("3.0") not in declared.requirements["pandas"]
    assert Version("1.27") not in declared.requirements["numpy"]


def test_poetry_caret_on_zero_major() -> None:
    assert Version("0.3.9") in poetry_specifier("^0.3")
    assert Version("0.4.0") not in poetry_specifier("^0.3")


def test_requirements_includes_and_pins(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {
        "requirements.txt": "-r requirements/base.txt\n--index-url https://example.invalid/simple\n"
                            "flask==3.0.3  # via app\n-e .\n",
        "requirements/base.txt": "-c ../constraints.txt\nsqlalchemy[asyncio]>=2\n",
        "constraints.txt": "sqlalchemy==2.0.30\n",
    }))
    assert set(declared.requirements) == {"flask", "sqlalchemy"}
    assert declared.pins == {"flask": Version("3.0.3"), "sqlalchemy": Version("2.0.30")}


def test_include_cycle_terminates(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {"requirements.txt": "-r requirements.txt\nattrs\n"}))
    assert set(declared.requirements) == {"attrs"}


def test_setup_cfg_and_setup_py_are_read_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    declared = read_declared(write(tmp_path, {
        "setup.cfg": "[metadata]\nname = legacy\n[options]\ninstall_requires =\n    click>=8\n"
                     "[options.extras_require]\nyaml = PyYAML\n",
        "setup.py": f"open({str(marker)!r}, 'w')\nfrom setuptools import setup\n"
                    "setup(install_requires=['httpx>=0.27'], extras_require={'redis': ['redis']})\n",
    }))
    assert set(declared.requirements) == {"click", "pyyaml", "httpx", "redis"}
    assert not marker.exists()


def test_lock_files_pin_versions(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {
        "uv.lock": 'version = 1\n[[package]]\nname = "Pandas"\nversion = "1.5.3"\n',
        "poetry.lock": '[[package]]\nname = "numpy"\nversion = "1.24.4"\n',
    }))
    assert declared.pins == {"pandas": Version("1.5.3"), "numpy": Version("1.24.4")}


def test_broken_files_are_ignored(tmp_path: Path) -> None:
    declared = read_declared(write(tmp_path, {"pyproject.toml": "[project\n", "setup.py": "def (:\n",
                                              "uv.lock": "nonsense = [\n"}))
    assert not declared.requirements and not declared.pins
