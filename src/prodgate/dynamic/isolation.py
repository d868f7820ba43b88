"""Run one call of user code in a forked copy of the sandbox child, to learn whether it kills its process.

Used while shrinking an input that took the sandbox child down (a segfault, ``os._exit``, the
OOM killer, a hang that swallows the per-call alarm, runaway output): each candidate input runs
in a fork, so its death is an ordinary failure in the child that Hypothesis can shrink, and the
child lives on. The fork's output goes to a scratch file capped at the sandbox's output limit
(``RLIMIT_FSIZE``; past it the fork dies of ``SIGXFSZ``), and a fork still running after
``wall_seconds`` is killed.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import tempfile
import time
from collections.abc import Callable

from prodgate.dynamic.sandbox import ChildOutcome

POLL_SECONDS = 0.005


def _run_child(work: Callable[[], object], output_bytes: int, finished: int) -> None:
    """In the fork: cap and redirect output, run ``work``, say it finished, and leave without cleaning up."""
    try:
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; a runaway writer must die of it
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
        with tempfile.TemporaryFile() as scratch:
            os.dup2(scratch.fileno(), 1)
            os.dup2(scratch.fileno(), 2)
            work()
    except BaseException:  # an ordinary error is not a death: the in-process call judges it
        pass
    os.write(finished, b"1")
    os._exit(0)


def death_of(work: Callable[[], object], wall_seconds: float, output_bytes: int) -> ChildOutcome | None:
    """How a fork running ``work`` died, or None if it ended normally (returned or raised)."""
    started = time.monotonic()
    # The fork writes to this pipe once work ends: exiting with status 0 from inside it (os._exit(0)) is a death too.
    readable, finished = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(readable)
        _run_child(work, output_bytes, finished)
    os.close(finished)
    try:
        return _wait(pid, readable, started, wall_seconds)
    finally:
        os.close(readable)


def _wait(pid: int, readable: int, started: float, wall_seconds: float) -> ChildOutcome | None:
    deadline = started + wall_seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return ChildOutcome("timeout", -signal.SIGKILL, None, None, "", time.monotonic() - started)
        time.sleep(POLL_SECONDS)
    code = os.waitstatus_to_exitcode(status)
    os.set_blocking(readable, False)  # a process the code left behind may still hold the pipe open
    with contextlib.suppress(BlockingIOError):
        if os.read(readable, 1) == b"1":
            return None
    kind = "output-limit" if code == -signal.SIGXFSZ else "died"
    return ChildOutcome(kind, code, None, None, "", time.monotonic() - started)
