"""Write throughput of the audit ledger: gate runs recorded per second by concurrent writer processes.

Each writer is a process that opens the same fresh ledger at the same moment (so they also race to
create its schema) and records gate runs of 3 changes and 3 findings, one transaction each. Prints the
wall time, runs per second and the row counts found afterwards (which must be exact).

    python benchmarks/bench_ledger.py                          # SQLite, 1 and 8 writers x 200 runs
    python benchmarks/bench_ledger.py --url postgresql://prodgate:prodgate@127.0.0.1/prodgate_bench
    python benchmarks/bench_ledger.py --writers 16 --runs 100

A PostgreSQL database given with --url should be empty (its tables are emptied after each round).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from datetime import datetime, timezone
from multiprocessing.synchronize import Barrier
from pathlib import Path

from sqlalchemy import delete

from prodgate.core.finding import Confidence, Finding, Severity
from prodgate.governance.ledger import Ledger
from prodgate.governance.ledger_schema import GateRunRow
from prodgate.governance.records import Attribution, Change, GateRun


def _run(writer: int, sequence: int) -> GateRun:
    findings = tuple(
        Finding("PG101", "resilience.timeout", Severity.HIGH, Confidence.HIGH, f"app/service_{n}.py", 10 + n, 5,
                10 + n, 40, "`requests.get` in `load` has no timeout, so a slow API hangs the worker.", (400,),
                f"{writer:04d}{sequence:06d}{n:02d}" + "0" * 20) for n in range(3))
    changes = tuple(
        Change(f"app/service_{n}.py", "high", ("path matches `app/`",),
               Attribution("claude-code", 75, ("Co-Authored-By: trailer names noreply@anthropic.com (+75)",)),
               tuple(range(10, 30)), 1.0) for n in range(3))
    return GateRun("a" * 40, "b" * 40, "bench", "c0ffee", "fail", ("policy.high.fail-on",), changes, findings, (),
                   datetime.now(timezone.utc), 1.0, "acme/bench", {"writer": str(writer), "sequence": str(sequence)})


def _write(url: str, root: str, writer: int, runs: int, start: Barrier) -> None:
    start.wait()
    with Ledger.open(url, Path(root)) as ledger:
        for sequence in range(runs):
            ledger.record(_run(writer, sequence))


def _round(url: str, root: Path, writers: int, runs: int) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(writers + 1)
    processes = [context.Process(target=_write, args=(url, str(root), w, runs, start)) for w in range(writers)]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - began
    with Ledger.open(url, root) as ledger:
        counts = ledger.count()
        ledger.write(lambda session: session.execute(delete(GateRunRow)))
    total = writers * runs
    exact = counts == {"runs": total, "changes": 3 * total, "findings": 3 * total}
    print(f"  {writers:>2} writers x {runs} runs: {elapsed:6.1f} s, {total / elapsed:6.1f} runs/s, "
          f"{counts['runs']} runs / {counts['changes']} changes / {counts['findings']} findings "
          f"({'exact' if exact else 'LOST OR DUPLICATED ROWS'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="ledger URL (default: a fresh SQLite file per round)")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(f"ledger write throughput ({args.url or 'SQLite'}; wall time includes opening the ledger)")
    for writers in args.writers:
        with tempfile.TemporaryDirectory() as directory:
            url = args.url or f"sqlite:///{Path(directory) / 'ledger.db'}"
            _round(url, Path(directory), writers, args.runs)


if __name__ == "__main__":
    main()
