"""Recall and precision of the dependency rules (PG820-PG823) on their corpus, and what they cost.

    python benchmarks/bench_deps.py              # corpus figures and the 300-file timing
    python benchmarks/bench_deps.py --files 600  # a bigger generated project
    python benchmarks/bench_deps.py --runs 5     # median of 5 runs (shared machines are noisy)

The corpus is tests/deps/corpus (LLM-style snippets against requests, PyYAML, pandas, numpy,
SQLAlchemy, pydantic and Flask; every case is proven against the real library by
tests/deps/test_corpus.py). Known misses (``todo`` cases) count against recall.

The timing generates a project of N modules that use pandas, numpy and SQLAlchemy and runs
`prodgate check --no-cache` (no per-file cache: every file analysed) three ways: without the
ai dependency rules, with them and an empty API cache (first run for these library versions),
and with them and the API index already cached (every later run).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from deps.corpus import load_cases, run_corpus, score  # noqa: E402

MODULE = '''"""Report {n}: orders, prices and a database, the way a model writes it."""

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from project.models import Order

engine = create_engine("sqlite://", pool_pre_ping=True)


def load_{n}(path):
    frame = pd.read_csv(path, sep=";")
    frame["amount"] = frame["amount"].astype(np.float64)
    frame = frame.merge(pd.DataFrame({{"id": [1, 2]}}), on="id", how="left")
    return frame.groupby("region", as_index=False).agg(total=("amount", "sum"))


def stats_{n}(values):
    array = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng({n})
    return np.mean(array), np.percentile(array, 95), rng.integers(0, 10), np.linalg.norm(array)


def orders_{n}(limit):
    with Session(engine) as session:
        rows = session.execute(select(Order).limit(limit)).scalars().all()
        first = session.get(Order, 1)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM orders")).scalar_one()
    return rows, first, count


def export_{n}(rows):
    frame = pd.DataFrame.from_records([dict(id=r.id) for r in rows])
    return frame.to_dict(orient="records"), pd.concat([frame, frame], ignore_index=True)
'''

MODELS = '''from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(20))
'''

PYPROJECT = ('[project]\nname = "project"\nrequires-python = ">=3.10"\n'
             'dependencies = ["pandas>=2", "numpy>=2", "SQLAlchemy>=2"]\n')


def corpus_figures() -> None:
    cases = load_cases()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        found = run_corpus(cases, Path(directory))
    figures = score(cases, found)
    positives = sum(1 for c in cases if c.positive)
    print(f"corpus: {len(cases)} cases ({positives} positive, {len(cases) - positives} negative), "
          f"{figures.expected} expected findings, {figures.reported} reported, {figures.correct} correct "
          f"({time.perf_counter() - started:.1f} s)")
    print(f"  recall    {figures.recall:.1%}  (goal >= 90%)")
    print(f"  precision {figures.precision:.1%}  (goal >= 95%)")
    for case in cases:
        if found[case.id] != case.expect:
            print(f"  {'known miss' if case.todo else 'MISMATCH'}: {case.id}")


def generate(root: Path, files: int) -> None:
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    package = root / "project"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "models.py").write_text(MODELS, encoding="utf-8")
    for n in range(files - 2):
        (package / f"report_{n}.py").write_text(MODULE.format(n=n), encoding="utf-8")


def timed_check(root: Path, cache: Path, *extra: str) -> tuple[Timing, str]:
    command = [sys.executable, "-m", "prodgate", "check", str(root), "--no-cache", "--no-progress",
               "--exit-zero", "--format", "json", "--cache-dir", str(cache), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Timing(time.perf_counter() - started, cpu), done.stdout


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system seconds of the whole process tree: steadier on a busy machine


def timing(files: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "project-root"
        root.mkdir()
        generate(root, files)
        cache = Path(directory) / "cache"
        cold, _ = timed_check(root, cache)
        pairs = [(timed_check(root, cache, "--ignore", "PG820,PG821,PG822,PG823")[0], timed_check(root, cache))
                 for _ in range(runs)]
        output = pairs[-1][1][1]
        findings = [f for f in json.loads(output)["findings"] if f["rule"] in ("PG820", "PG821", "PG822", "PG823")]
        api_files = sorted(p.name for p in (cache / "api").glob("*.json"))
    without = Timing(statistics.median(p[0].wall for p in pairs), statistics.median(p[0].cpu for p in pairs))
    warm = Timing(statistics.median(p[1][0].wall for p in pairs), statistics.median(p[1][0].cpu for p in pairs))
    print(f"cold scan of a {files}-file project using pandas, numpy and SQLAlchemy (no per-file cache; "
          f"median of {runs} alternating runs; wall / CPU seconds):")
    print(f"  without the dependency rules        {without.wall:6.2f} / {without.cpu:6.2f}")
    print(f"  with them, API index not yet cached {cold.wall:6.2f} / {cold.cpu:6.2f}  "
          f"(+{cold.wall - without.wall:.2f} / +{cold.cpu - without.cpu:.2f}, once per library version)")
    print(f"  with them, API index cached         {warm.wall:6.2f} / {warm.cpu:6.2f}  "
          f"(+{warm.wall - without.wall:.2f} / +{warm.cpu - without.cpu:.2f}; goal < 3 s)")
    print(f"  API index cache files: {', '.join(api_files)}")
    print(f"  dependency-rule findings on the generated project: {len(findings)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=300, help="modules in the generated project (default 300)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each configuration (median)")
    parser.add_argument("--skip-corpus", action="store_true", help="only the timing")
    args = parser.parse_args()
    if not args.skip_corpus:
        corpus_figures()
    timing(args.files, args.runs)


if __name__ == "__main__":
    main()
