"""Security scorecard: prodgate and bandit side by side on the labelled corpora in ../shared/bench.

    python benchmarks/bench_security.py                 # every corpus
    python benchmarks/bench_security.py --only owasp    # one corpus
    python benchmarks/bench_security.py --bandit /tmp/bandit312/bin/bandit

The OWASP Benchmark is written for Python 3.12 (PEP 701 f-strings): bandit reads files with the
interpreter it runs on, so a bandit installed under 3.11 cannot parse 37% of it. Point --bandit at
a bandit installed under 3.12 or newer (`python3.12 -m venv /tmp/bandit312 &&
/tmp/bandit312/bin/pip install bandit`) to compare with the figures in ../shared/bench/README.md.

Scoring follows ../shared/bench/README.md: one case is one file; a tool flags a case when it
reports, in that file, a finding whose CWE is in the same family as the case's label.
OWASP Benchmark: TPR, FPR and Youden per category, and the mean over categories (the
BenchmarkUtils convention); findings in helper modules do not count. Positive-only corpora:
recall. CWEval: TPR on the insecure references, FPR on the secure ones. A file a tool cannot
parse counts as not flagged. Needs `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"

# CWE families, lined up with ../shared/taxonomy.md categories.
FAMILIES: dict[str, set[int]] = {
    "command": {77, 78, 88}, "code": {94, 95, 96, 1336}, "sql": {89, 564}, "ldap": {90}, "xpath": {643, 91},
    "other-injection": {113, 117, 93, 943}, "path": {22, 23, 36, 73, 99}, "ssrf": {918}, "xss": {79, 80, 116},
    "redirect": {601}, "deserialization": {502}, "xml": {611, 776, 827}, "trust": {501}, "cookie": {614, 1004, 1275},
    "redos": {1333, 730, 400}, "upload": {434}, "tempfile": {377, 378}, "secrets": {798, 259, 321, 522},
    "hash": {327, 328, 326, 759, 760, 916}, "random": {330, 331, 338}, "tls": {295, 319},
    "sensitive-info": {200, 209, 215, 532}, "input-validation": {20}, "authz": {285, 287, 306, 347, 862, 863},
    "permissions": {732, 276}, "config": {489},
}
# The weak-hash and weak-random families share CWE-327 in some labels.
ALIASES = {327: {"hash", "random"}}


def families(cwe: int) -> set[str]:
    found = {name for name, members in FAMILIES.items() if cwe in members}
    return found | ALIASES.get(cwe, set())


def same_family(label: int, reported: set[int]) -> bool:
    wanted = families(label) or {f"cwe-{label}"}
    return any(wanted & (families(c) or {f"cwe-{c}"}) for c in reported)


@dataclass
class Case:
    path: str  # relative to the corpus directory
    cwe: int
    vulnerable: bool
    group: str  # OWASP category, or the corpus name


# -- corpora -------------------------------------------------------------------------------------

def owasp(target: Path) -> list[Case]:
    source = BENCH / "owasp-benchmark-python"
    shutil.copytree(source / "testcode", target / "testcode")
    shutil.copytree(source / "helpers", target / "helpers")
    cases = []
    for line in (source / "expectedresults-0.1.csv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, category, real, cwe = line.split(",")[:4]
        cases.append(Case(f"testcode/{name}.py", int(cwe), real == "true", category))
    return cases


def _jsonl(target: Path, file: Path, id_key: str, code_key: str, group: str) -> list[Case]:
    cases = []
    for line in file.read_text().splitlines():
        row = json.loads(line)
        ident = row[id_key]
        label = re.search(r"cwe[-_]?0*(\d+)", ident, re.IGNORECASE)
        if label is None:
            sys.exit(f"{file}: no CWE in the id {ident!r}")
        name = ident if ident.endswith(".py") else f"{ident}.py"
        (target / name).write_text(row[code_key], encoding="utf-8")
        cases.append(Case(name, int(label.group(1)), True, group))
    return cases


def securityeval(target: Path) -> list[Case]:
    return _jsonl(target, BENCH / "securityeval" / "dataset.jsonl", "ID", "Insecure_code", "securityeval")


def sallm(target: Path) -> list[Case]:
    return _jsonl(target, BENCH / "sallm" / "PythonDataset" / "dataset.jsonl", "id", "insecure_code", "sallm")


def cyberseceval(target: Path) -> list[Case]:
    rows = json.loads((BENCH / "cyberseceval-instruct-python" / "instruct_python.json").read_text())
    cases = []
    for index, row in enumerate(rows):
        name = f"case_{index:04d}.py"
        (target / name).write_text(row["origin_code"], encoding="utf-8")
        cases.append(Case(name, int(row["cwe_identifier"].split("-")[1]), True, "cyberseceval"))
    return cases


def cweval(target: Path) -> list[Case]:
    cases = []
    for file in sorted((BENCH / "cweval-py" / "benchmark" / "core" / "py").glob("*.py")):
        insecure = file.name.endswith("_test.py")
        # The insecure references live in the corpus's pytest files; tools that skip test files
        # would never look at them, so they are copied under a neutral name.
        name = file.name.replace("_test.py", "_insecure.py") if insecure else file.name
        shutil.copy(file, target / name)
        cases.append(Case(name, int(file.name.split("_")[1]), insecure, "cweval"))
    return cases


CORPORA: dict[str, Callable[[Path], list[Case]]] = {
    "owasp": owasp, "securityeval": securityeval, "sallm": sallm, "cyberseceval": cyberseceval, "cweval": cweval,
}


# -- tools ---------------------------------------------------------------------------------------

def _tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else (shutil.which(name) or sys.exit(f"{name} is not installed"))


def run_prodgate(directory: Path) -> tuple[dict[str, set[int]], set[str]]:
    (directory / "pyproject.toml").write_text("[tool.prodgate]\nfail-on-unanalysed = false\ncache = false\n")
    done = subprocess.run([_tool("prodgate"), "check", str(directory), "--format", "json", "--exit-zero", "--no-progress"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"prodgate failed: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    flagged: dict[str, set[int]] = defaultdict(set)
    for finding in report["findings"]:
        flagged[finding["path"]].update(finding["cwe"])
    broken = {d["path"] for d in report["diagnostics"] if d["kind"] == "syntax-error"}
    return flagged, broken


def run_bandit(directory: Path, executable: str) -> tuple[dict[str, set[int]], set[str]]:
    done = subprocess.run([executable, "-r", str(directory), "-f", "json", "-q"], capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    flagged: dict[str, set[int]] = defaultdict(set)
    for issue in report["results"]:
        relative = Path(issue["filename"]).resolve().relative_to(directory.resolve()).as_posix()
        flagged[relative].add(int(issue.get("issue_cwe", {}).get("id", 0)))
    broken = {Path(e["filename"]).resolve().relative_to(directory.resolve()).as_posix() for e in report["errors"]}
    return flagged, broken


# -- scoring -------------------------------------------------------------------------------------

def score_groups(cases: list[Case], flagged: dict[str, set[int]]) -> dict[str, tuple[int, int, int, int]]:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, fn, tn, fp
    for case in cases:
        hit = same_family(case.cwe, flagged.get(case.path, set()))
        counts = groups[case.group]
        if case.vulnerable:
            counts[0 if hit else 1] += 1
        else:
            counts[3 if hit else 2] += 1
    return {g: (c[0], c[1], c[2], c[3]) for g, c in sorted(groups.items())}


def rate(hit: int, miss: int) -> float:
    return hit / (hit + miss) if hit + miss else 0.0


def print_owasp(results: dict[str, dict[str, tuple[int, int, int, int]]]) -> None:
    tools = list(results)
    print("OWASP Benchmark for Python: TPR/FPR (Youden) per category")
    print(f"{'category':<17}{'#true/#false':>13}" + "".join(f"{t:>24}" for t in tools))
    means = {t: [0.0, 0.0] for t in tools}
    categories = sorted(next(iter(results.values())))
    for category in categories:
        tp, fn, tn, fp = results[tools[0]][category]
        row = f"{category:<17}{f'{tp + fn}/{tn + fp}':>13}"
        for tool in tools:
            tp, fn, tn, fp = results[tool][category]
            tpr, fpr = rate(tp, fn), rate(fp, tn)
            means[tool][0] += tpr / len(categories)
            means[tool][1] += fpr / len(categories)
            row += f"{f'{tpr:.2f}/{fpr:.2f} ({tpr - fpr:+.2f})':>24}"
        print(row)
    print(f"{'mean (category)':<30}" + "".join(f"{f'{m[0]:.3f}/{m[1]:.3f} ({m[0] - m[1]:+.3f})':>24}" for m in means.values()))


def print_recall(name: str, cases: list[Case], results: dict[str, dict[str, set[int]]]) -> None:
    tools = list(results)
    by_cwe: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_cwe[case.cwe].append(case)
    print(f"\n{name}: recall per CWE (family-matched), {len(cases)} cases")
    print(f"{'CWE':<10}{'n':>4}" + "".join(f"{t:>12}" for t in tools))
    totals = dict.fromkeys(tools, 0)
    for cwe in sorted(by_cwe):
        row = f"{f'CWE-{cwe}':<10}{len(by_cwe[cwe]):>4}"
        for tool in tools:
            hits = sum(same_family(c.cwe, results[tool].get(c.path, set())) for c in by_cwe[cwe])
            totals[tool] += hits
            row += f"{hits:>12}"
        print(row)
    print(f"{'recall':<14}" + "".join(f"{totals[t] / len(cases):>12.3f}" for t in tools))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CORPORA), action="append")
    parser.add_argument("--bandit", help="the bandit executable to compare with (default: the one beside this Python)")
    args = parser.parse_args()
    bandit = args.bandit or _tool("bandit")
    tools: dict[str, Callable[[Path], tuple[dict[str, set[int]], set[str]]]] = {
        "prodgate": run_prodgate, "bandit": lambda directory: run_bandit(directory, bandit)}
    for name in args.only or list(CORPORA):
        with tempfile.TemporaryDirectory(prefix=f"prodgate-{name}-") as temporary:
            directory = Path(temporary)
            cases = CORPORA[name](directory)
            flagged = {tool: run(directory) for tool, run in tools.items()}
            unparsed = {tool: len(result[1]) for tool, result in flagged.items()}
            if name == "owasp":
                print_owasp({tool: score_groups(cases, result[0]) for tool, result in flagged.items()})
            elif name == "cweval":
                print("\nCWEval (insecure / secure references): TPR / FPR / Youden")
                for tool, result in flagged.items():
                    tp, fn, tn, fp = next(iter(score_groups(cases, result[0]).values()))
                    print(f"  {tool:<10} {rate(tp, fn):.2f} / {rate(fp, tn):.2f} / {rate(tp, fn) - rate(fp, tn):+.2f}")
            else:
                print_recall(name, cases, {tool: result[0] for tool, result in flagged.items()})
            print("  files not parsed: " + ", ".join(f"{t} {n}" for t, n in unparsed.items()))


if __name__ == "__main__":
    main()
