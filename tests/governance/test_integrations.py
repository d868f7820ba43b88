"""The composite action's gate step runs for real; the example workflow and pre-commit hooks match the CLI."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from prodgate.cli.main import build_parser

from .conftest import Repo
from .test_gate_end_to_end import _project, _risky_change

REPO = Path(__file__).resolve().parents[2]


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_action_gate_step_runs_and_sets_outputs(repo: Repo, tmp_path: Path) -> None:
    _project(repo)
    _risky_change(repo)
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "gate")
    outputs, summary, temp = tmp_path / "output", tmp_path / "summary.md", tmp_path / "runner"
    temp.mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "INPUT_PATH": str(repo.root), "INPUT_BASE": "main", "INPUT_COVERAGE": "", "INPUT_DYNAMIC": "",
           "INPUT_APPROVED_BY": "", "INPUT_EVENT": "", "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
           "RUNNER_TEMP": str(temp)}
    env.pop("GITHUB_EVENT_PATH", None)
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo.root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "prodgate gate: fail",
        "  fail: payments/charge.py: PG101 (high, resilience.timeout) on changed line 10: high-risk AI-written changes "
        "allow no finding at or above medium [policy.high.fail-on]"]
    assert outputs.read_text().splitlines() == ["exit-code=1", f"report={temp}/prodgate-gate.json", "verdict=fail"]
    assert (temp / "prodgate-gate.sarif").is_file()
    assert summary.read_text().startswith("## prodgate gate: \u274c fail")

    env["INPUT_APPROVED_BY"] = "Grace Hopper\n"
    outputs.unlink()
    subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=repo.root, env=env, check=True,
                   capture_output=True, timeout=120)
    assert "approvals" in (temp / "prodgate-gate.json").read_text()
    assert '"Grace Hopper (--approved-by)"' in (temp / "prodgate-gate.json").read_text()


def test_the_example_workflow_uses_only_declared_inputs_and_never_runs_here() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "github" / "prodgate-gate.yml").read_text())
    inputs = set(_action()["inputs"])
    steps = workflow["jobs"]["gate"]["steps"]
    gate = next(s for s in steps if s.get("id") == "gate")
    assert set(gate["with"]) <= inputs
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert not (REPO / ".github" / "workflows" / "prodgate-gate.yml").exists()


def test_pre_commit_hooks_are_valid_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["prodgate", "prodgate-gate"]
    parser = build_parser()
    for hook in hooks:
        argv = shlex.split(hook["entry"])
        assert argv[0] == "prodgate"
        parser.parse_args([*argv[1:], *(["staged.py"] if hook.get("pass_filenames", True) else [])])
