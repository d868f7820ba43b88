"""``--write-tests DIR``: one ready-to-run pytest file per module, a test per dynamic finding.

Each test calls the function on the shrunk input and fails while the defect is there: for a
crash, when the same exception class is raised (for a builtin ``ValueError``/``TypeError``, the
same class with the same message, so a fix that raises a deliberate validation error passes);
for a hang, a dead process or a memory blow-up, the call runs in a child Python with a time and
memory limit and must end normally; for a race among asyncio tasks (deterministic: tasks switch
only at ``await``), the same tasks run concurrently and one after another, each from a fresh
import, and must give the same results and final state. Network findings get no test: they
need an injected client, not a different input. Neither do races among threads (a forced order
needs prodgate's tracer, and whether switching threads hit the window is luck: a reproducer
must not be flaky), scaling findings, nor an input without a faithful Python literal (its
finding says ``exact_input: no``).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

from prodgate.core.finding import Finding
from prodgate.core.result import RunResult
from prodgate.dynamic.rules.crash_on_hinted_input import CrashOnHintedInput
from prodgate.dynamic.rules.hang_on_hinted_input import HangOnHintedInput
from prodgate.dynamic.rules.race_under_threads import RaceUnderThreads

ISOLATED_ORACLES = {"call-timeout", "wall-timeout", "process-died", "runaway-output", "memory-limit", "interpreter-exit"}
MESSAGE_MATTERS = {"builtins.ValueError", "builtins.TypeError"}
ISOLATED_TIMEOUT = 10

HEADER = '''"""Reproducers written by `prodgate fuzz` for {module}.

Each test fails while its defect is there and passes once the function handles the input
(returning, or rejecting it with a deliberate error of its own). Rerun: pytest {filename}
"""

from __future__ import annotations

import asyncio
import importlib
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

IMPORT_ROOT = str((Path(__file__).resolve().parent / {import_root!r}).resolve())
if IMPORT_ROOT not in sys.path:
    sys.path.insert(0, IMPORT_ROOT)

{imports}

def _is_the_crash(exc: BaseException, qualified: str, message: str | None) -> bool:
    found = f"{{type(exc).__module__}}.{{type(exc).__qualname__}}"
    return found == qualified and (message is None or str(exc) == message)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _ends_normally(code: str, timeout: float = {timeout}) -> str | None:
    """Run ``code`` in a child Python with a time and memory limit; why it did not end normally, or None."""
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=IMPORT_ROOT, timeout=timeout,
                              capture_output=True, text=True, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        return f"still running after {{timeout}} s"
    if done.returncode != 0:
        return f"exit status {{done.returncode}}: {{done.stderr.strip()[-500:]}}"
    return None


def _task_outcome(module_name: str, function: str, call: str, tasks: int, calls: int, concurrent: bool) -> Any:
    """Sorted results (or exception names) and final state of ``tasks`` asyncio tasks making ``calls``
    calls each, run concurrently or one after another, from a fresh import of the module."""
    module = importlib.reload(importlib.import_module(module_name))
    namespace = {{**globals(), **vars(module)}}  # the file's imports name the classes of enum and model arguments
    namespace["target"] = eval(function, namespace)

    async def task() -> list[str]:
        done = []
        for _ in range(calls):
            try:
                done.append(repr(await eval(call, namespace)))
            except Exception as exc:
                done.append(type(exc).__name__)
        return done

    async def run() -> list[list[str]]:
        if concurrent:
            return list(await asyncio.gather(*(task() for _ in range(tasks))))
        return [await task() for _ in range(tasks)]

    results = sorted(r for done in asyncio.run(run()) for r in done)
    owner = getattr(namespace["target"], "__self__", None)
    if owner is not None and not isinstance(owner, type):
        state = {{k: repr(v) for k, v in vars(owner).items()}}
    else:
        state = {{k: repr(v) for k, v in vars(module).items() if not k.startswith("__")
                 and isinstance(v, (int, float, str, list, dict, set, tuple)) and not isinstance(v, bool)}}
    return results, state
'''


def _name(finding: Finding, taken: set[str]) -> str:
    qualname = finding.properties["function"].partition(":")[2]
    what = finding.properties.get("exception", "").rpartition(".")[2] or finding.properties.get("oracle", "defect")
    base = re.sub(r"\W+", "_", f"test_{qualname}_{what}".lower()).strip("_")
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    taken.add(name)
    return name


def _in_process(finding: Finding, name: str) -> str:
    call = finding.properties["input"]
    qualified = finding.properties["exception"]
    message = finding.properties["error"] if qualified in MESSAGE_MATTERS else None
    doc = f"{finding.rule} ({finding.properties['oracle']}): {qualified.rpartition('.')[2]} at {finding.properties.get('raised_at', '?')}"
    return f'''

def {name}() -> None:
    {doc!r}
    try:
        {call}
    except Exception as exc:
        if _is_the_crash(exc, {qualified!r}, {message!r}):
            pytest.fail(repr(exc) + " from " + {call!r})
'''


def _isolated(finding: Finding, name: str, module: str) -> str:
    call = finding.properties["input"]
    first = call.partition("(")[0].partition(".")[0]
    imports = "".join(f"import {m}\n" for m in filter(None, finding.properties.get("imports", "").split(",")))
    code = f"{imports}from {module} import {first}\ntry:\n    {call}\nexcept Exception:\n    pass\n"
    doc = f"{finding.rule} ({finding.properties['oracle']}): {finding.properties.get('error') or finding.message}"
    return f'''

def {name}() -> None:
    {doc!r}
    problem = _ends_normally({code!r})
    assert problem is None, str(problem) + " on " + {call!r}
'''


def _tasks(finding: Finding, name: str, module: str) -> str:
    p = finding.properties
    doc = f"{finding.rule} ({p['oracle']}): {p['difference']}; interleaving: {p.get('interleaving') or '?'}"
    arguments = f"{module!r}, {p['replay_function']!r}, {p['replay_call']!r}, {p['tasks']}, {p['calls']}"
    return f'''

def {name}() -> None:
    {doc!r}
    concurrent = _task_outcome({arguments}, concurrent=True)
    sequential = _task_outcome({arguments}, concurrent=False)
    assert concurrent == sequential, {p["input"]!r}
'''


def module_file(module: str, findings: list[Finding], directory: Path, root: Path, timeout: float) -> str:
    import_root = Path(os.path.relpath(root / findings[0].properties["import_root"], directory)).as_posix()
    names = sorted({f.properties["input"].partition("(")[0].partition(".")[0] for f in findings
                    if f.rule != RaceUnderThreads.meta.code})
    extra = sorted({m for f in findings for m in f.properties.get("imports", "").split(",") if m})
    imports = "".join(f"import {m}  # noqa: E402\n" for m in extra)
    if names:
        imports += f"from {module} import {', '.join(names)}  # noqa: E402\n"
    text = HEADER.format(module=module, filename=f"test_prodgate_{module.replace('.', '_')}.py",
                         import_root=import_root, imports=imports, timeout=timeout)
    taken: set[str] = set()
    for finding in findings:
        name = _name(finding, taken)
        if finding.rule == RaceUnderThreads.meta.code:
            text += _tasks(finding, name, module)
        elif finding.properties["oracle"] in ISOLATED_ORACLES:
            text += _isolated(finding, name, module)
        else:
            text += _in_process(finding, name)
    return text


def write_tests(result: RunResult, directory: Path, timeout: float = ISOLATED_TIMEOUT) -> list[Path]:
    """Write ``test_prodgate_<module>.py`` files for the findings of ``result`` into ``directory``.

    ``timeout`` is how long a reproducer of a hang or a process death waits for the call to end.
    """
    by_module: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        reproducible = (finding.rule in (CrashOnHintedInput.meta.code, HangOnHintedInput.meta.code)
                        or (finding.rule == RaceUnderThreads.meta.code and "replay_call" in finding.properties))
        if reproducible and finding.properties.get("input") and finding.properties.get("exact_input") == "yes":
            by_module[finding.properties["function"].partition(":")[0]].append(finding)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for module, findings in sorted(by_module.items()):
        path = directory / f"test_prodgate_{module.replace('.', '_')}.py"
        path.write_text(module_file(module, findings, directory.resolve(), Path(result.root), timeout), encoding="utf-8")
        written.append(path)
    return written
