"""Run the project's pytest in a child process with the chaos plugin, a time limit and a JSON answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import prodgate
from prodgate.dynamic.chaos.plugin import DEADLINE_ENV, FAULT_ENV, RECORD_ENV

PLUGIN = "prodgate.dynamic.chaos.plugin"
TAIL_CHARS = 2000


@dataclass(frozen=True)
class PytestRun:
    """How one pytest child ended: its exit code (None when killed at the time limit), what the
    plugin wrote (None when it wrote nothing) and the end of its output."""

    returncode: int | None
    payload: dict[str, Any] | None
    output_tail: str


def _plugin_arguments(env: dict[str, str]) -> list[str]:
    autoloaded = not env.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD") and any(
        ep.name == "prodgate-chaos" for ep in entry_points(group="pytest11"))
    return [] if autoloaded else ["-p", PLUGIN]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (RECORD_ENV, FAULT_ENV, DEADLINE_ENV)}
    source = str(Path(prodgate.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    return env


def run_pytest(python: str, root: Path, pytest_args: Sequence[str], chaos_args: Sequence[str],
               timeout: float, select: Sequence[str] | None = None) -> PytestRun:
    """Run ``python -m pytest`` in ``root`` with the plugin recording into a temporary file."""
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="prodgate-chaos-") as scratch:
        record = Path(scratch, "record.json")
        # --option=value: pytest's early parse does not know the plugin's options yet and would take
        # a separate value for a path, moving the rootdir.
        command = [python, "-m", "pytest", *_plugin_arguments(env), "-p", "no:cacheprovider",
                   f"--prodgate-record={record}", f"--prodgate-root={root}", *chaos_args]
        if select is not None:
            listing = Path(scratch, "select.txt")
            listing.write_text("\n".join(select), encoding="utf-8")
            command.append(f"--prodgate-select={listing}")
        command += list(pytest_args)
        process = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
            returncode: int | None = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            returncode = None
        payload = json.loads(record.read_text(encoding="utf-8")) if record.exists() else None
    return PytestRun(returncode, payload, output.decode("utf-8", "replace")[-TAIL_CHARS:])
