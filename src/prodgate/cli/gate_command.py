"""``prodgate gate [PATH]``: judge a branch's changes (findings on changed lines, provenance, risk, policy).

Exit codes: 0 pass or warn, 1 fail, 2 usage or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from prodgate.cli.output import emit
from prodgate.core.config import load_config
from prodgate.feedback.weights import raise_for_incidents
from prodgate.governance.gate import GateError, GateOptions, GateOutcome, record_in_ledger, run_gate
from prodgate.governance.git import GitError
from prodgate.report import render
from prodgate.report.gate import GATE_FORMATS, render_github_summary

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "gate", help="judge a branch's changes: findings on changed lines, provenance, risk tiers, policy",
        description="Judge the changes from the merge base with the default branch (or --base) to HEAD against "
                    "[tool.prodgate.policy]. Exit 0 on pass or warn, 1 on fail, 2 on errors.")
    parser.add_argument("path", nargs="?", default=".", help="a directory inside the repository (default: .)")
    parser.add_argument("--base", metavar="REF", help="compare with the merge base of REF and HEAD "
                                                      "(default: origin/HEAD, $GITHUB_BASE_REF, main or master); "
                                                      "the checked-out HEAD is judged")
    parser.add_argument("--format", "-f", choices=sorted(GATE_FORMATS), default="text", help="report format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--sarif", metavar="FILE", help="also write the findings on changed lines as SARIF to FILE")
    parser.add_argument("--github-step-summary", metavar="FILE", nargs="?", const="",
                        help=f"append the Markdown summary to FILE (default ${STEP_SUMMARY_ENV}); "
                             f"done anyway when ${STEP_SUMMARY_ENV} is set")
    parser.add_argument("--config", metavar="FILE", type=Path, help="pyproject.toml or prodgate.toml to use")
    parser.add_argument("--coverage", metavar="FILE", type=Path,
                        help="coverage data: a coverage.py .coverage file or Cobertura XML")
    parser.add_argument("--approved-by", metavar="NAME", action="append", default=[],
                        help="a human approval recorded by CI (repeatable)")
    parser.add_argument("--github-event", metavar="FILE", type=Path,
                        help="a GitHub event payload or reviews list (e.g. $GITHUB_EVENT_PATH) to read approvals from")
    parser.add_argument("--dynamic-report", metavar="FILE", type=Path,
                        help="the JSON report of a prodgate dynamic run; required by rules with require-dynamic")
    parser.add_argument("--branch", metavar="NAME", help="the branch under review (default: $GITHUB_HEAD_REF or git's)")
    parser.add_argument("--baseline", metavar="FILE", type=Path,
                        help="judge only findings not in this baseline (`prodgate baseline create`), for legacy trees")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (0: one per CPU)")
    parser.add_argument("--no-cache", action="store_true", help="analyse every file even if unchanged")
    parser.add_argument("--no-ledger", action="store_true", help="do not record the run in the audit ledger")
    parser.set_defaults(handler=run)


def _step_summary_file(args: argparse.Namespace) -> str | None:
    if args.github_step_summary:
        return str(args.github_step_summary)
    if args.github_step_summary == "" and not os.environ.get(STEP_SUMMARY_ENV):
        raise GateError(f"--github-step-summary needs FILE or ${STEP_SUMMARY_ENV}")
    return os.environ.get(STEP_SUMMARY_ENV) or None


def _write_extras(args: argparse.Namespace, outcome: GateOutcome, summary_file: str | None) -> None:
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(render_github_summary(outcome))
    if args.sarif:
        emit(render(outcome.analysis, "sarif"), args.sarif)


def run(args: argparse.Namespace) -> int:
    config = load_config(Path(args.path), args.config)
    options = GateOptions(
        path=Path(args.path), base=args.base, branch=args.branch, coverage=args.coverage,
        approved_by=tuple(args.approved_by), github_event=args.github_event, dynamic_report=args.dynamic_report,
        jobs=args.jobs, use_cache=False if args.no_cache else None, weigh=raise_for_incidents,
        baseline=args.baseline)
    try:
        summary_file = _step_summary_file(args)
        outcome = run_gate(config, options)
        if outcome.uncommitted:
            print(f"prodgate: warning: uncommitted edits in {', '.join(outcome.uncommitted)}; "
                  "findings are for the working tree, lines and provenance for HEAD", file=sys.stderr)
        emit(GATE_FORMATS[args.format](outcome), args.output)
        _write_extras(args, outcome, summary_file)
        if not args.no_ledger:
            record_in_ledger(outcome.run, config)
    except (GitError, GateError, OSError) as exc:
        print(f"prodgate: error: {exc}", file=sys.stderr)
        return 2
    return outcome.exit_code
