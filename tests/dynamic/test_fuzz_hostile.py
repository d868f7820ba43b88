"""Hostile code under test: each becomes a finding, and prodgate finishes."""

from __future__ import annotations

import time
from pathlib import Path

from fuzz_support import Project, by_function, run_fuzz

HOSTILE = '''
import os
import signal
import socket
import sys
import time


def spin(n: int) -> int:
    while True:
        n += 1


def retry_forever(n: int) -> None:
    while True:  # swallows the sandbox's per-call alarm too: only the wall-time limit stops it
        try:
            time.sleep(0.01)
        except Exception:
            pass


def allocate(n: int) -> int:
    return len(bytearray(50 * 1024**3)) + n


def leave(code: int) -> None:
    os._exit(3)


def segfault(n: int) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def connect(host: str) -> bytes:
    with socket.create_connection(("example.com", 80), timeout=2) as conn:
        return conn.recv(10)


def chatter(n: int) -> None:
    while True:
        sys.stdout.write("x" * 65536)


def fine(n: int) -> int:
    return n + 1
'''


def test_every_hostile_function_is_a_finding_and_the_run_finishes(project: Project) -> None:
    root = project({"hostile.py": HOSTILE})
    started = time.monotonic()
    result = run_fuzz(root / "hostile.py", root)
    assert time.monotonic() - started < 90
    assert by_function(result) == {
        "spin": [("PG902", "call-timeout")],
        "retry_forever": [("PG902", "wall-timeout")],
        "allocate": [("PG901", "memory-limit")],
        "leave": [("PG901", "process-died")],
        "segfault": [("PG901", "process-died")],
        "connect": [("PG905", "network-blocked")],
        "chatter": [("PG901", "runaway-output")],
    }
    leave = next(f for f in result.findings if f.properties["function"] == "hostile:leave")
    assert leave.properties["input"] == "leave(code=0)"
    assert "exited with status 3" in leave.message
    segfault = next(f for f in result.findings if f.properties["function"] == "hostile:segfault")
    assert "SIGSEGV" in segfault.message
    assert result.diagnostics == ()


def test_the_network_guard_can_be_lifted(project: Project, tmp_path: Path) -> None:
    from fuzz_support import QUICK

    root = project({"net.py": '''
        import socket


        def resolve(port: int) -> str:
            try:
                socket.getaddrinfo("localhost", 80)
            except PermissionError as exc:
                return str(exc)
            return "resolved"
    '''})
    blocked = run_fuzz(root / "net.py", root)
    assert by_function(blocked) == {}  # the function handles the PermissionError itself
    allowed = run_fuzz(root / "net.py", root, QUICK.with_overrides(allow_network=True))
    assert allowed.findings == ()
