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


def test_an_input_that_kills_the_process_is_shrunk_to_the_smallest_one(project: Project) -> None:
    root = project({"settle.py": '''
        import ctypes
        import os


        def settle(amounts: list[int]) -> int:
            total = 0
            for amount in amounts:
                if amount > 100:
                    os._exit(0)  # even a clean exit status inside the call is a death
                total += amount
            return total


        def render(labels: list[str]) -> str:
            for label in labels:
                if len(label) > 3:
                    ctypes.string_at(0)  # reads address 0: SIGSEGV
            return ",".join(labels)
    '''})
    result = run_fuzz(root / "settle.py", root)
    assert by_function(result) == {"settle": [("PG901", "process-died")], "render": [("PG901", "process-died")]}
    inputs = {f.properties["function"]: f.properties["input"] for f in result.findings}
    # The first deaths were on settle(amounts=[3153863313]) and a six-label list; the edge strategy's
    # first integer past 100 is 2**31 - 1.
    assert inputs == {"settle:settle": "settle(amounts=[2147483647])", "settle:render": "render(labels=['0000'])"}
    render = next(f for f in result.findings if f.properties["function"] == "settle:render")
    assert "SIGSEGV" in render.message
    assert result.diagnostics == ()
