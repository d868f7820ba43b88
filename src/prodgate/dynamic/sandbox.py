"""Run one job of user code in a child process, with limits, and always come back.

The parent writes a JSON request into a fresh sandbox directory and starts
``python -m prodgate.dynamic.worker <dir>`` in its own process group, with a clean temporary
working directory. The child sets its own CPU (``RLIMIT_CPU``) and address-space
(``RLIMIT_AS``) limits and blocks the network before it imports any user code, and writes its
reply to ``reply.json``. Before every call of user code it records the call in ``current.json``,
so when the child dies (a hang killed at the wall-time limit, a segfault, ``os._exit``, the OOM
killer, output past the cap) the parent still knows which input did it.

The parent enforces what the child cannot: the wall-time limit (the whole process group is
killed) and the output cap (stdout and stderr are read through one pipe, at most
``output_bytes``; a child that prints more is killed).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import prodgate

REQUEST, REPLY, CURRENT = "request.json", "reply.json", "current.json"
TAIL_BYTES = 4096


@dataclass(frozen=True)
class Limits:
    """What one child may use. ``memory_bytes`` and ``cpu_seconds`` are enforced by the child's
    rlimits, ``wall_seconds`` and ``output_bytes`` by the parent."""

    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 2 * 1024**3
    output_bytes: int = 2_000_000
    allow_network: bool = False


@dataclass(frozen=True)
class ChildOutcome:
    """How a child ended.

    ``status`` is ``ok`` (a reply was written), ``timeout`` (killed at the wall-time limit),
    ``output-limit`` (killed for printing more than the cap) or ``died`` (exited without a reply:
    a signal, ``os._exit``, the OOM killer, an error in the worker). ``last_call`` is the call of
    user code that was running when the child stopped, if any.
    """

    status: str
    returncode: int | None
    reply: dict[str, Any] | None
    last_call: dict[str, Any] | None
    output_tail: str
    duration: float

    @property
    def signal_name(self) -> str | None:
        if self.returncode is not None and self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None

    def describe(self) -> str:
        """One phrase saying how the child ended, for messages."""
        if self.status == "timeout":
            return "ran past the wall-time limit and was killed"
        if self.status == "output-limit":
            return "printed more output than the sandbox allows and was killed"
        if self.signal_name == "SIGKILL":
            return "was killed with SIGKILL (usually the out-of-memory killer or the CPU limit)"
        if self.signal_name == "SIGXCPU":
            return "ran past the CPU-time limit"
        if self.signal_name:
            return f"was killed by {self.signal_name}"
        return f"exited with status {self.returncode} without finishing"


class _Reader(threading.Thread):
    """Drains the child's combined output, keeping a tail, and kills it past the cap."""

    def __init__(self, process: subprocess.Popen[bytes], cap: int):
        super().__init__(daemon=True)
        self.process, self.cap = process, cap
        self.total = 0
        self.tail = b""
        self.overflow = False

    def run(self) -> None:
        stream = self.process.stdout
        assert isinstance(stream, io.BufferedReader)
        while chunk := stream.read1(65536):
            self.total += len(chunk)
            self.tail = (self.tail + chunk)[-TAIL_BYTES:]
            if self.total > self.cap:
                self.overflow = True
                _kill_group(self.process)
                return


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # prodgate itself must import in the child even from a source tree that was never installed.
    here = str(Path(prodgate.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def run_in_sandbox(action: str, payload: dict[str, Any], limits: Limits, python: str | None = None) -> ChildOutcome:
    """Run worker ``action`` on ``payload`` in a fresh child process and report how it ended."""
    box = Path(tempfile.mkdtemp(prefix="prodgate-sandbox-"))
    try:
        work = box / "work"
        work.mkdir()
        request = {"action": action, "payload": payload, "limits": asdict(limits)}
        (box / REQUEST).write_text(json.dumps(request), encoding="utf-8")
        started = time.perf_counter()
        process = subprocess.Popen(
            [python or sys.executable, "-m", "prodgate.dynamic.worker", str(box)],
            cwd=work, env=_environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        reader = _Reader(process, limits.output_bytes)
        reader.start()
        timed_out = False
        try:
            process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
        # Kill the whole group either way: user code may have left children or threads behind.
        _kill_group(process)
        process.wait()
        reader.join(timeout=5)
        duration = time.perf_counter() - started
        reply = _read_json(box / REPLY)
        if reader.overflow:
            status = "output-limit"
        elif timed_out:
            status = "timeout"
        elif reply is not None and process.returncode == 0:
            status = "ok"
        else:
            status = "died"
        return ChildOutcome(status, process.returncode, reply if status == "ok" else None,
                            _read_json(box / CURRENT), reader.tail.decode("utf-8", "replace"), duration)
    finally:
        shutil.rmtree(box, ignore_errors=True)
