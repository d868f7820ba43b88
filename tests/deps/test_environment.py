"""The target environment: standard library per version, installed distributions, import names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from prodgate.core.config import ConfigError
from prodgate.deps.environment import Environment
from prodgate.deps.importmap import guessed_import_names
from prodgate.deps.installed import current_interpreter, probe_interpreter
from prodgate.deps.stdlib import stdlib_modules


def test_stdlib_follows_the_target_version() -> None:
    base = frozenset(sys.stdlib_module_names)
    assert "distutils" in stdlib_modules(base, (3, 11))
    assert "distutils" not in stdlib_modules(base, (3, 12))
    assert "tomllib" not in stdlib_modules(base, (3, 10))
    assert "tomllib" in stdlib_modules(base, (3, 11))
    assert "cgi" in stdlib_modules(base, (3, 12)) and "cgi" not in stdlib_modules(base, (3, 13))


def test_installed_distributions_and_import_names(tmp_path: Path) -> None:
    environment = Environment(tmp_path)
    assert environment.providers("yaml") == {"pyyaml"}
    assert environment.providers("_pytest") == {"pytest"}
    assert environment.is_available("yaml") and environment.is_available("json")
    assert not environment.is_available("requests_retry_helper")


def test_declared_but_not_installed_uses_known_names(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("opencv-python-headless\npython-dateutil\nacme-client\n")
    environment = Environment(tmp_path)
    assert {"cv2", "dateutil", "acme_client"} <= environment.declared_modules
    assert "cv2" in guessed_import_names("opencv-python")


def test_local_modules_on_disk(tmp_path: Path) -> None:
    (tmp_path / "src" / "billing").mkdir(parents=True)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "helpers.py").write_text("")
    environment = Environment(tmp_path)
    assert environment.is_local("billing")
    assert environment.is_local("helpers", "scripts") and not environment.is_local("helpers")


def test_probe_of_another_interpreter_matches_this_one() -> None:
    probed = probe_interpreter(sys.executable)
    here = current_interpreter()
    assert probed.version == here.version
    assert probed.stdlib == here.stdlib
    assert set(probed.path) <= set(here.path) | set(probed.path)
    assert any("site-packages" in p for p in probed.path)


def test_probe_of_a_non_interpreter_is_a_config_error(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho not json\n")
    fake.chmod(0o755)
    with pytest.raises(ConfigError, match="not a Python interpreter"):
        probe_interpreter(str(fake))
    with pytest.raises(ConfigError, match="cannot run it"):
        probe_interpreter(str(tmp_path / "missing"))


def test_missing_runtime_dependency_makes_the_environment_incomplete(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pyyaml"]\n'
                                             '[dependency-groups]\ndocs = ["acme-docs-theme"]\n')
    assert Environment(tmp_path).complete
    (tmp_path / "requirements.txt").write_text("acme-internal-sdk==2.0\n")
    assert not Environment(tmp_path).complete
