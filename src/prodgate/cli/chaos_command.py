"""``prodgate chaos [PATH] [-- PYTEST ARGS]``: inject dependency faults into the project's tests, report what breaks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from prodgate.cli.arguments import add_report_options, positive
from prodgate.cli.output import finish, progress_bar
from prodgate.core.config import load_config
from prodgate.dynamic.chaos.plan import FaultPlan, load_plan
from prodgate.dynamic.chaos.runner import ChaosError, chaos

_seconds = positive(float, "a positive number of seconds")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "chaos", help="inject dependency faults (timeouts, resets, 5xx, bad bodies, DB and redis errors) into the tests",
        description="Run the tests under PATH once recording every outbound dependency call and its call site, then "
                    "re-run the tests that reach each site with one fault injected at the client library, and report "
                    "the faults the code does not handle. Arguments after -- go to pytest.")
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="the project directory (default: .)")
    parser.add_argument("--plan", metavar="FILE", type=Path, help="fault plan (TOML): sites, faults and budgets")
    parser.add_argument("--deadline", type=_seconds, metavar="S", help="seconds a test may run with a fault armed")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="pytest processes in parallel (0: one per CPU)")
    parser.add_argument("--python", metavar="EXE", help="interpreter that runs the tests (default: this one)")
    add_report_options(parser)
    parser.set_defaults(handler=run, pytest_args=[])
    parser.usage = "prodgate chaos [options] [PATH] [-- PYTEST ARGS]"
    parse_known_args = parser.parse_known_args

    def split_at_dashes(args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None,
                        ) -> tuple[argparse.Namespace, list[str]]:
        # Everything after the first -- belongs to pytest, options included.
        given = list(args or [])
        cut = given.index("--") if "--" in given else len(given)
        parsed, extras = parse_known_args(given[:cut], namespace)
        parsed.pytest_args = given[cut + 1:]
        return parsed, extras

    parser.parse_known_args = split_at_dashes


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise NotADirectoryError(f"{args.path}: not a directory")
    config = load_config(root, args.config)
    plan = (load_plan(args.plan) if args.plan else FaultPlan()).with_overrides(deadline=args.deadline, jobs=args.jobs)
    pytest_args = args.pytest_args
    try:
        with progress_bar("chaos", not args.no_progress) as progress:
            result = chaos(root, pytest_args, plan, config=config, python=args.python, fail_on=args.fail_on,
                           progress=progress)
    except ChaosError as exc:
        print(f"prodgate: error: {exc}", file=sys.stderr)
        return 2
    return finish(result, args)
