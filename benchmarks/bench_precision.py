"""Finding density of `prodgate check` on real, mature codebases: findings per 1,000 lines.

    python benchmarks/bench_precision.py /tmp/corpus/requests /tmp/corpus/flask /tmp/corpus/django-5.2.19
    python benchmarks/bench_precision.py --markdown DIR ...      # the same tables as markdown
    python benchmarks/bench_precision.py --findings out.jsonl DIR ...   # every finding, to judge by hand
    python benchmarks/bench_precision.py --sample 30 --taint-sample 20 DIR ...   # what to judge

Each path is one corpus (an unpacked repository or sdist), scanned whole with
`prodgate check --format json --no-cache`. Printed per corpus and overall: lines, findings,
findings/KLOC, taint findings and taint findings/KLOC; then findings per rule. A taint finding is
one of a `security.*` rule that carries a source-to-sink path (`flow`): only the taint engine
reports flows. Mature libraries are mostly correct code, so a high density here is mostly noise.
A sample is systematic (evenly spaced over the findings in report order), so the same tree gives
the same findings to judge.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Corpus:
    name: str
    lines: int = 0
    files: int = 0
    unanalysed: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def taint(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if is_taint(f)]


def is_taint(finding: dict[str, Any]) -> bool:
    return str(finding["category"]).startswith("security.") and bool(finding.get("flow"))


def per_kloc(count: int, lines: int) -> float:
    return 1000 * count / lines if lines else 0.0


def _prodgate() -> str:
    found = Path(sys.executable).parent / "prodgate"
    return str(found) if found.exists() else (shutil.which("prodgate") or sys.exit("prodgate is not installed"))


def scan(path: Path) -> Corpus:
    done = subprocess.run(
        [_prodgate(), "check", str(path), "--format", "json", "--no-cache", "--exit-zero", "--no-progress"],
        capture_output=True, text=True, check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"prodgate failed on {path}: {done.stderr[-2000:]}")
    summary = report["summary"]
    return Corpus(path.name, summary["lines"], summary["files"], summary["unanalysed_files"], report["findings"])


def rows(corpora: list[Corpus]) -> tuple[list[list[str]], list[list[str]]]:
    total = Corpus("overall", sum(c.lines for c in corpora), sum(c.files for c in corpora),
                   sum(c.unanalysed for c in corpora), [f for c in corpora for f in c.findings])
    density = [
        [c.name, str(c.files), str(c.lines), str(len(c.findings)), f"{per_kloc(len(c.findings), c.lines):.3f}",
         str(len(c.taint)), f"{per_kloc(len(c.taint), c.lines):.3f}"]
        for c in [*corpora, total]
    ]
    categories = {f["rule"]: f["category"] for f in total.findings}
    by_rule = Counter(f["rule"] for f in total.findings)
    per_corpus = {c.name: Counter(f["rule"] for f in c.findings) for c in corpora}
    rules = [
        [code, categories[code], *(str(per_corpus[c.name][code]) for c in corpora), str(count),
         f"{per_kloc(count, total.lines):.3f}", "yes" if any(is_taint(f) for f in total.findings if f["rule"] == code) else ""]
        for code, count in sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))
    ]
    return density, rules


def sample(findings: list[dict[str, Any]], size: int) -> list[list[str]]:
    chosen = [findings[i * len(findings) // size] for i in range(size)] if len(findings) > size else findings
    return [[str(n), f["rule"], f"{f['corpus']}/{f['path']}:{f['line']}", f["message"]] for n, f in enumerate(chosen, 1)]


def render(header: list[str], body: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in body)])
    widths = [max(len(cell) for cell in column) for column in zip(header, *body)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in [header, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", nargs="+", type=Path, help="one directory per corpus")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    parser.add_argument("--findings", type=Path, help="write every finding (with its corpus) as JSON lines")
    parser.add_argument("--sample", type=int, default=0, help="print this many findings to judge by hand")
    parser.add_argument("--taint-sample", type=int, default=0, help="print this many taint findings to judge by hand")
    args = parser.parse_args()
    corpora = [scan(path) for path in args.corpora]
    density, rules = rows(corpora)
    print(render(["corpus", "files", "lines", "findings", "per KLOC", "taint", "taint per KLOC"], density, args.markdown))
    print()
    print(render(["rule", "category", *(c.name for c in corpora), "total", "per KLOC", "taint"], rules, args.markdown))
    unanalysed = sum(c.unanalysed for c in corpora)
    if unanalysed:
        print(f"\n{unanalysed} file(s) could not be analysed (see `prodgate check` diagnostics)")
    findings = [{"corpus": c.name, **f} for c in corpora for f in c.findings]
    for title, size, pool in (("findings", args.sample, findings),
                              ("taint findings", args.taint_sample, [f for f in findings if is_taint(f)])):
        if size:
            print(f"\nsample of {title} to judge:")
            print(render(["#", "rule", "location", "message"], sample(pool, size), args.markdown))
    if args.findings:
        with args.findings.open("w") as out:
            out.writelines(json.dumps(finding) + "\n" for finding in findings)


if __name__ == "__main__":
    main()
