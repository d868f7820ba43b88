"""Speed and memory of `prodgate check` against bandit on the same large real codebase.

Prints lines/second for both tools and the ratio, prodgate's cold and warm (unchanged tree)
wall time, and the peak memory of each tool's whole process tree.

    python benchmarks/bench_speed.py                    # the running Python's standard library
    python benchmarks/bench_speed.py --path DIR         # any tree, e.g. an unpacked Django sdist
    python benchmarks/bench_speed.py --runs 3

Both tools read the same copy of the tree (copied to a temporary directory, so prodgate's cache
starts empty and nothing is written into the source). Needs `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SKIP_DIRS = {"site-packages", "__pycache__", ".git", ".venv", "venv", ".tox", "build", "dist"}


@dataclass
class Sample:
    seconds: float
    peak_mib: float
    returncode: int


def copy_tree(source: Path, target: Path) -> tuple[int, int]:
    """Copy the .py files of ``source`` under ``target``; return (files, lines)."""
    files = lines = 0
    for directory, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        relative = Path(directory).relative_to(source)
        for name in filenames:
            if not name.endswith(".py"):
                continue
            data = (Path(directory) / name).read_bytes()
            destination = target / relative / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
            files += 1
            lines += data.count(b"\n")
    return files, lines


def measure(command: list[str], cwd: Path) -> Sample:
    """Wall time and peak RSS summed over the process and all its children, sampled every 20 ms."""
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({process.returncode}): {err.decode(errors='replace')[-2000:]}")
    return Sample(elapsed, peak / 2**20, process.returncode)


def tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else (shutil.which(name) or sys.exit(f"{name} is not installed"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--runs", type=int, default=1, help="repetitions of each measurement (medians are shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prodgate-bench-") as temporary:
        tree = Path(temporary) / "tree"
        files, lines = copy_tree(args.path.resolve(), tree)
        (tree / "pyproject.toml").write_text("[tool.prodgate]\nfail-on-unanalysed = false\n")
        prodgate = [tool("prodgate"), "check", str(tree), "--format", "json", "--no-progress",
                    "--cache-dir", str(Path(temporary) / "cache")]
        bandit = [tool("bandit"), "-r", str(tree), "-q", "-f", "json", "-o", os.devnull]

        cold, warm, peer = [], [], []
        for _ in range(args.runs):
            shutil.rmtree(Path(temporary) / "cache", ignore_errors=True)
            cold.append(measure(prodgate, tree))
            warm.append(measure(prodgate, tree))
            peer.append(measure(bandit, tree))

    def median(samples: list[Sample]) -> Sample:
        return Sample(statistics.median(s.seconds for s in samples), max(s.peak_mib for s in samples), samples[0].returncode)

    c, w, b = median(cold), median(warm), median(peer)
    print(f"corpus: {args.path} ({files:,} files, {lines:,} lines), {os.cpu_count()} CPUs, {args.runs} run(s), Python {sys.version.split()[0]}")
    print(f"{'tool':<22}{'wall s':>9}{'lines/s':>12}{'peak MiB':>10}")
    print(f"{'bandit':<22}{b.seconds:>9.2f}{lines / b.seconds:>12,.0f}{b.peak_mib:>10.0f}")
    print(f"{'prodgate (cold)':<22}{c.seconds:>9.2f}{lines / c.seconds:>12,.0f}{c.peak_mib:>10.0f}")
    print(f"{'prodgate (warm)':<22}{w.seconds:>9.2f}{lines / w.seconds:>12,.0f}{w.peak_mib:>10.0f}")
    print(f"cold speed ratio prodgate/bandit: {b.seconds / c.seconds:.2f}x")
    print(f"warm re-scan of the unchanged tree: {w.seconds:.2f} s")


if __name__ == "__main__":
    main()
