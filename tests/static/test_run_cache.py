"""The whole-run cache: an unchanged tree reuses the last result; any change to a file, to the
installed distributions or to the declared dependencies runs the project phase again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.api import check
from prodgate.cli.main import main
from prodgate.core.config import load_config
from prodgate.core.result import RunResult
from prodgate.deps.environment import Environment

PAYMENTS = """\
from .http import session

def refund(charge_id):
    return session.post(f"https://pay/refunds/{charge_id}")
"""
BARE_SESSION = "import requests\nsession = requests.Session()\n"
BOUNDED_SESSION = ("import functools, requests\nsession = requests.Session()\n"
                   "session.request = functools.partial(session.request, timeout=5)\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'svc'\nrequires-python = '>=3.11'\n"
                                             "dependencies = ['requests']\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "payments.py").write_text(PAYMENTS)
    (tmp_path / "app" / "http.py").write_text(BARE_SESSION)
    (tmp_path / "app" / "storage.py").write_text("import boto3\n")
    return tmp_path


def scan(capsys: pytest.CaptureFixture[str], project: Path, select: str = "PG101,PG821") -> dict:
    main(["check", str(project), "--select", select, "--format", "json", "--exit-zero"])
    return json.loads(capsys.readouterr().out)


def codes(report: dict) -> list[tuple[str, str]]:
    return [(f["path"], f["rule"]) for f in report["findings"]]


def test_unchanged_tree_reuses_the_whole_result(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cold = scan(capsys, project)
    warm = scan(capsys, project)
    assert codes(cold) == [("app/payments.py", "PG101"), ("app/storage.py", "PG821")]
    assert warm["findings"] == cold["findings"]
    assert warm["summary"]["cached_files"] == warm["summary"]["files"] == 4
    assert len(list((project / ".prodgate_cache").rglob("runs/*.json"))) == 1


def test_a_change_in_another_module_reaches_the_unchanged_one(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    scan(capsys, project)
    (project / "app" / "http.py").write_text(BOUNDED_SESSION)
    assert ("app/payments.py", "PG101") not in codes(scan(capsys, project))
    (project / "app" / "http.py").write_text(BARE_SESSION)
    assert ("app/payments.py", "PG101") in codes(scan(capsys, project))


def test_declared_dependencies_are_part_of_the_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scan(capsys, project)
    (project / "requirements.txt").write_text("boto3>=1.28\n")
    assert ("app/storage.py", "PG821") not in codes(scan(capsys, project))


def test_a_nested_projects_declarations_are_part_of_the_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worker = project / "examples" / "worker"
    (worker / "src" / "task_app").mkdir(parents=True)
    (worker / "pyproject.toml").write_text("[project]\nname = 'worker'\ndependencies = []\n")
    (worker / "src" / "task_app" / "__init__.py").write_text("from acme_task_queue import Queue\n")
    assert codes(scan(capsys, project, "PG820")) == [("examples/worker/src/task_app/__init__.py", "PG820")]
    (worker / "pyproject.toml").write_text("[project]\nname = 'worker'\ndependencies = ['acme-task-queue']\n")
    assert codes(scan(capsys, project, "PG820")) == []


def test_installed_distributions_are_part_of_the_key(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = project.parent / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = Environment(project).fingerprint()
    assert Environment(project).fingerprint() == before
    (site / "newlib-1.0.dist-info").mkdir()
    upgraded = Environment(project).fingerprint()
    assert upgraded != before
    (site / "newlib-1.0.dist-info").rename(site / "newlib-1.1.dist-info")
    assert Environment(project).fingerprint() not in (before, upgraded)


def test_imports_of_a_deleted_module_are_reported_again(tmp_path: Path) -> None:
    # Phase one carries no candidate for a name the project provides, so the importing file's
    # cached result holds only while that module exists, though the file itself is unchanged.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'svc'\nrequires-python = '>=3.11'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "jobs.py").write_text("import billing_rates\n\nRATE = billing_rates.DEFAULT\n")
    (tmp_path / "billing_rates.py").write_text("DEFAULT = 0.2\n")

    def run() -> RunResult:
        return check([tmp_path], load_config(tmp_path), select=["PG820", "PG823"], use_cache=True, jobs=1)

    assert run().findings == ()
    (tmp_path / "billing_rates.py").unlink()
    again = run()
    assert [(f.path, f.rule) for f in again.findings] == [("app/jobs.py", "PG820")]
    assert again.cached_files == 1  # app/__init__.py; app/jobs.py was analysed again
