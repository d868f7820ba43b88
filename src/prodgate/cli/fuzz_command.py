"""``prodgate fuzz PATH...``: run public functions on edge-case inputs in a sandbox, report what breaks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prodgate.cli.arguments import add_report_options, positive
from prodgate.cli.output import finish, progress_bar
from prodgate.core.config import load_config
from prodgate.dynamic.reproducers import write_tests
from prodgate.dynamic.runner import fuzz
from prodgate.dynamic.settings import FuzzSettings

_positive = positive(int, "a positive integer")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "fuzz", help="run functions on edge-case inputs in a sandbox and prove crashes, hangs, scaling and races",
        description="Fuzz the public functions and methods under PATH (files, directories or module:function) "
                    "with inputs built from their type hints, in sandboxed child processes.")
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files, directories or module:qualname (default: .)")
    parser.add_argument("--max-examples", type=_positive, metavar="N", help="inputs to try per function")
    parser.add_argument("--time-budget", type=_positive, metavar="S", help="seconds of fuzzing per function")
    parser.add_argument("--call-timeout-ms", type=_positive, metavar="MS", help="time one call may take")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="functions fuzzed in parallel (0: one per CPU)")
    parser.add_argument("--allow-network", action="store_true", default=None, help="let fuzzed code use the network")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling measurements")
    parser.add_argument("--no-races", action="store_true", help="skip the race probes")
    parser.add_argument("--write-tests", metavar="DIR", help="write a pytest reproducer file per module into DIR")
    add_report_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    first = Path(args.paths[0])
    config = load_config(first if first.exists() else Path("."), args.config)
    settings = FuzzSettings.from_table(config.section("fuzz")).with_overrides(
        max_examples=args.max_examples, time_budget=args.time_budget, call_timeout_ms=args.call_timeout_ms,
        allow_network=args.allow_network, scaling=False if args.no_scaling else None,
        races=False if args.no_races else None)
    jobs = None if args.jobs is None else (args.jobs or None)
    with progress_bar("fuzzing", not args.no_progress) as progress:
        result = fuzz(args.paths, config, settings=settings, jobs=jobs, fail_on=args.fail_on, progress=progress)
    if args.write_tests:
        written = write_tests(result, Path(args.write_tests))
        print(f"prodgate: wrote {len(written)} reproducer file(s) to {args.write_tests}", file=sys.stderr)
    return finish(result, args)
