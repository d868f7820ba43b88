"""The sandbox child: ``python -m prodgate.dynamic.worker SANDBOX_DIR``.

Reads ``request.json``, limits itself (CPU time, address space, no core files), blocks the
network unless allowed, puts the project's import roots on ``sys.path``, runs one action and
writes ``reply.json``. Only this process ever imports the code under test.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prodgate.dynamic.netguard import block_network
from prodgate.dynamic.sandbox import CURRENT, REPLY, REQUEST


class CallRecorder:
    """Records the call of user code in progress in ``current.json`` (read by the parent when the
    child dies) and clears it when the call returns."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    @contextmanager
    def calling(self, call: dict[str, Any]) -> Iterator[None]:
        data = json.dumps(call).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)
        try:
            yield
        finally:
            os.ftruncate(self.fd, 0)


Action = Callable[[dict[str, Any], CallRecorder], dict[str, Any]]


def _action(name: str) -> Action:
    if name == "discover":
        from prodgate.dynamic.targets import discover_in_child
        return discover_in_child
    if name == "fuzz":
        from prodgate.dynamic.fuzzer import fuzz_in_child
        return fuzz_in_child
    if name == "scale":
        from prodgate.dynamic.scaling import scale_in_child
        return scale_in_child
    if name == "race":
        from prodgate.dynamic.races import race_in_child
        return race_in_child
    raise SystemExit(f"prodgate worker: unknown action {name!r}")


def _limit(limits: dict[str, Any]) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def main(argv: list[str]) -> None:
    box = Path(argv[1])
    request = json.loads((box / REQUEST).read_text(encoding="utf-8"))
    _limit(request["limits"])
    if not request["limits"]["allow_network"]:
        block_network()
    payload = request["payload"]
    if payload.get("hypothesis_home"):
        # Hypothesis caches its unicode tables there; a fresh sandbox directory would rebuild them each run.
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = payload["hypothesis_home"]
    sys.path[:0] = payload.get("import_roots", [])
    action = _action(request["action"])
    reply = action(payload, CallRecorder(box / CURRENT))
    partial = box / (REPLY + ".part")
    partial.write_text(json.dumps(reply), encoding="utf-8")
    partial.replace(box / REPLY)
    sys.stdout.flush()
    sys.stderr.flush()
    # Threads or atexit handlers left by user code must not keep the child alive.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
