"""Benchmark the cost of `prodgate chaos` recording: the example order service's test suite with
and without the plugin recording (no fault injected). Goal: at most +20% wall time.

    .venv/bin/python benchmarks/bench_chaos.py [--runs 7] [--repeat 20]

Each run is a fresh `python -m pytest` process in examples/order-service (plugin autoload off in
both, so only the chaos plugin differs). ``--repeat`` runs the example's tests that many times in
one process (pytest's own ``--count`` needs a plugin, so the test module is parametrized through
``PRODGATE_BENCH_REPEAT`` in a generated conftest), which weighs the per-call recording cost
against the fixed interpreter start-up. Prints the median wall and CPU time of each and the overheads.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "order-service"
REPEAT_CONFTEST = '''
import os

def pytest_generate_tests(metafunc):
    rounds = int(os.environ.get("PRODGATE_BENCH_REPEAT", "1"))
    if rounds > 1:
        metafunc.fixturenames.append("bench_round")
        metafunc.parametrize("bench_round", range(rounds))
'''


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(project: Path, extra: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one pytest process: on a shared machine the CPU time is the steadier."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd=project,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    elapsed, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"the example's tests failed:\n{done.stdout.decode()[-2000:]}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="pytest processes per variant (median reported)")
    parser.add_argument("--repeat", type=int, default=20, help="times each example test runs in one process")
    args = parser.parse_args()
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PRODGATE_BENCH_REPEAT": str(args.repeat)}
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch, "order-service")
        shutil.copytree(EXAMPLE, project)
        (project / "tests" / "conftest.py").write_text(
            (EXAMPLE / "tests" / "conftest.py").read_text(encoding="utf-8") + REPEAT_CONFTEST, encoding="utf-8")
        record = Path(scratch, "record.json")
        plain, recording = [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            plain.append(_run(project, [], env))
            recording.append(_run(project, ["-p", "prodgate.dynamic.chaos.plugin", f"--prodgate-record={record}"], env))
        calls = record.read_text(encoding="utf-8").count('"site"')
    base, chaos = statistics.median(w for w, _ in plain), statistics.median(w for w, _ in recording)
    base_cpu, chaos_cpu = statistics.median(c for _, c in plain), statistics.median(c for _, c in recording)
    print(f"example suite: {3 * args.repeat} tests per run, {args.runs} runs per variant, {calls} recorded (test, site) pairs; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"without plugin   median {base:.3f}s wall (min {min(w for w, _ in plain):.3f}s), {base_cpu:.3f}s CPU")
    print(f"recording        median {chaos:.3f}s wall (min {min(w for w, _ in recording):.3f}s), {chaos_cpu:.3f}s CPU")
    print(f"overhead         {100 * (chaos - base) / base:+.1f}% wall, {100 * (chaos_cpu - base_cpu) / base_cpu:+.1f}% CPU "
          "(goal: at most +20% wall)")


if __name__ == "__main__":
    main()
