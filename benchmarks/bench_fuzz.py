"""Benchmark `prodgate fuzz` on benchmarks/fuzz_corpus, and `hypothesis write` on the same functions.

    .venv/bin/python benchmarks/bench_fuzz.py [--jobs 2] [--max-examples 200] [--no-ghostwriter]

Every corpus function is fuzzed on its own (``module:qualname``) so its wall time is its cost.
A defect counts as found when prodgate reports a finding of the expected category on it (a
hang that exhausts memory first may surface as a crash); any finding on a robust function is
a false positive. The ghostwriter comparison writes `hypothesis write module.function` tests and
runs each with pytest (60 s limit): a failing test counts as found.

``--evalplus DIR`` (default: /work/shared/bench/evalplus when present) also measures the
false-positive trap: GPT-4's typed HumanEval solutions, split by whether they pass HumanEval+'s
extended tests, fuzzed with prodgate (findings on passing solutions are inputs outside the
documented contract) next to the plain ``st.from_type`` results stored with the data.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prodgate.core.config import load_config
from prodgate.dynamic.runner import fuzz
from prodgate.dynamic.settings import FuzzSettings

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
CRASH, HANG, SCALING, RACE = "dynamic.crash", "dynamic.hang", "dynamic.scaling", "dynamic.race"
EXPECTED: dict[str, str | None] = {
    "orders.pricing:average_order_value": CRASH,
    "orders.pricing:median": CRASH,
    "orders.pricing:percent_change": CRASH,
    "orders.pricing:normalize_scores": CRASH,
    "orders.pricing:to_cents": CRASH,
    "orders.pricing:progress_bar": CRASH,
    "orders.parsing:parse_key_value": CRASH,
    "orders.parsing:initials": CRASH,
    "orders.parsing:first_sentence": CRASH,
    "orders.parsing:decode_token": CRASH,
    "orders.parsing:deep_get": CRASH,
    "orders.parsing:ascii_name": CRASH,
    "orders.catalog:hex_for": CRASH,
    "orders.catalog:format_address": CRASH,
    "orders.catalog:weekday_name": CRASH,
    "orders.catalog:merge_config": CRASH,
    "orders.catalog:tree_depth": CRASH,
    "orders.catalog:Inventory.remove": CRASH,
    "orders.batching:chunk": CRASH,
    "orders.batching:collatz_steps": HANG,
    "orders.batching:strip_prefixes": HANG,
    "orders.batching:page_offsets": HANG,
    "orders.batching:dedupe": SCALING,
    "orders.batching:common_tags": SCALING,
    "orders.batching:next_invoice_number": RACE,
    "robust.stats:safe_average": None,
    "robust.stats:median": None,
    "robust.stats:percent_change": None,
    "robust.stats:to_cents": None,
    "robust.stats:clamp": None,
    "robust.text:parse_key_value": None,
    "robust.text:slugify": None,
    "robust.text:user_email": None,
    "robust.text:dedupe": None,
    "robust.structures:chunk": None,
    "robust.structures:merge_config": None,
    "robust.structures:tree_depth": None,
    "robust.structures:collatz_steps": None,
    "robust.structures:Inventory.remove": None,
    "robust.structures:next_invoice_number": None,
}
ACCEPTED = {HANG: {HANG, CRASH}}


def run_prodgate(function: str, settings: FuzzSettings) -> tuple[str, set[str], float]:
    started = time.perf_counter()
    module, _, qualname = function.partition(":")
    target = f"{CORPUS / module.replace('.', '/')}.py:{qualname}"
    result = fuzz([target], load_config(CORPUS), settings=settings, jobs=1)
    return function, {f.category for f in result.findings}, time.perf_counter() - started


def run_ghostwriter(function: str, directory: Path) -> tuple[str, str]:
    env = {**os.environ, "PYTHONPATH": str(CORPUS)}
    dotted = function.replace(":", ".")
    written = subprocess.run([str(Path(sys.executable).parent / "hypothesis"), "write", dotted],
                             capture_output=True, text=True, env=env, cwd=directory, timeout=120)
    if written.returncode != 0 or "def test_" not in written.stdout:
        return function, "not written"
    test = directory / f"test_ghost_{dotted.replace('.', '_')}.py"
    test.write_text(written.stdout, encoding="utf-8")
    try:
        ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", str(test)],
                             capture_output=True, text=True, env=env, cwd=directory, timeout=60)
    except subprocess.TimeoutExpired:
        return function, "timeout"
    return function, "failed" if ran.returncode == 1 else ("passed" if ran.returncode == 0 else "error")


EVALPLUS = Path("/work/shared/bench/evalplus")


def run_evalplus(directory: Path, jobs: int, settings: FuzzSettings) -> None:
    stored = json.loads((directory / "reflexion_gpt4_hypothesis_fromtype_results.json").read_text(encoding="utf-8"))
    typed = {r["task_id"]: r for r in stored if r["status"] in ("ok", "crash")}
    with tempfile.TemporaryDirectory() as tmp, (directory / "reflexion_gpt4_humaneval_solutions.jsonl").open() as lines:
        modules: dict[str, dict[str, object]] = {}
        for line in lines:
            task = json.loads(line)
            if task["task_id"] in typed:
                name = "he_" + task["task_id"].split("/")[1]
                source = task["solution"] if "def " in task["solution"] else task["prompt"] + task["solution"]
                (Path(tmp) / f"{name}.py").write_text(source, encoding="utf-8")
                modules[name] = typed[task["task_id"]]
        quick = settings.with_overrides(scaling=False, races=False)
        result = fuzz([tmp], load_config(Path(tmp)), settings=quick, jobs=jobs)
    flagged = {f.properties["function"].partition(":")[0] for f in result.findings}
    passing = [m for m, r in modules.items() if not r["plus_fail"]]
    failing = [m for m, r in modules.items() if r["plus_fail"]]
    print(f"HumanEval+ trap ({len(modules)} typed GPT-4 solutions; {len(passing)} pass HumanEval+, {len(failing)} fail it):")
    print(f"  prodgate fuzz flags {sum(m in flagged for m in passing)} passing and {sum(m in flagged for m in failing)} failing solutions "
          f"({sum(f.rule == 'PG902' for f in result.findings)} hangs)")
    print(f"  st.from_type flagged {sum(modules[m]['status'] == 'crash' for m in passing)} passing and "
          f"{sum(modules[m]['status'] == 'crash' for m in failing)} failing solutions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="functions benchmarked at once")
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--time-budget", type=int, default=20)
    parser.add_argument("--no-ghostwriter", action="store_true")
    parser.add_argument("--evalplus", type=Path, default=EVALPLUS if EVALPLUS.is_dir() else None, metavar="DIR",
                        help="EvalPlus data directory for the false-positive trap measurement")
    args = parser.parse_args()
    settings = FuzzSettings.from_table({}).with_overrides(max_examples=args.max_examples, time_budget=args.time_budget)
    functions = list(EXPECTED)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(lambda f: run_prodgate(f, settings), functions))
    total = time.perf_counter() - started
    defects = [f for f in functions if EXPECTED[f]]
    robust = [f for f in functions if not EXPECTED[f]]
    found, false_positives = [], []
    print(f"{'function':45} {'expected':16} {'prodgate found':30} {'seconds':>8}")
    for function, categories, seconds in outcomes:
        expected = EXPECTED[function]
        hit = bool(expected and categories & ACCEPTED.get(expected, {expected}))
        if hit:
            found.append(function)
        if not expected and categories:
            false_positives.append(function)
        print(f"{function:45} {expected or '-':16} {', '.join(sorted(categories)) or '-':30} {seconds:8.1f}")
    median = statistics.median(seconds for _, _, seconds in outcomes)
    print()
    print(f"prodgate fuzz: found {len(found)}/{len(defects)} defects ({100 * len(found) / len(defects):.0f}%), "
          f"{len(false_positives)} false positives on {len(robust)} robust functions, "
          f"median {median:.1f} s per function ({total:.0f} s wall with {args.jobs} jobs)")
    missed = [f for f in defects if f not in found]
    if missed:
        print("  missed:", ", ".join(missed))
    if false_positives:
        print("  false positives:", ", ".join(false_positives))
    if args.evalplus:
        run_evalplus(args.evalplus, args.jobs, settings.with_overrides(max_examples=100, time_budget=5))
    if args.no_ghostwriter:
        return
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        ghost = dict(pool.map(lambda f: run_ghostwriter(f, Path(tmp)), functions))
    ghost_found = [f for f in defects if ghost[f] == "failed"]
    ghost_timeouts = [f for f in defects if ghost[f] == "timeout"]
    ghost_fp = [f for f in robust if ghost[f] in ("failed", "timeout")]
    unwritten = [f for f in functions if ghost[f] == "not written"]
    print(f"hypothesis write: found {len(ghost_found)}/{len(defects)} defects ({100 * len(ghost_found) / len(defects):.0f}%) "
          f"by a failing test, {len(ghost_timeouts)} more left the test run hanging (killed at 60 s), "
          f"{len(ghost_fp)} false positives on robust functions, {len(unwritten)} functions it could not write a test for")
    if ghost_fp:
        print("  ghostwriter false positives:", ", ".join(ghost_fp))


if __name__ == "__main__":
    main()
