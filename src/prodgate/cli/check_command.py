"""``prodgate check PATH...``: static analysis and a report."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from prodgate.api import check
from prodgate.cli.arguments import add_report_options
from prodgate.cli.output import finish, progress_bar
from prodgate.core.config import load_config
from prodgate.deps.online import DEFAULT_INDEX
from prodgate.governance.baseline import BaselineError, filter_new, load_baseline


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("check", help="analyse Python code statically (never runs it)",
                                 description="Analyse Python files for production failure classes.")
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes, code prefixes or categories to run")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes, code prefixes or categories to skip")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (0: one per CPU)")
    parser.add_argument("--no-cache", action="store_true", help="analyse every file even if unchanged")
    parser.add_argument("--cache-dir", metavar="DIR", help="where to keep the cache (default: .prodgate_cache in the project)")
    parser.add_argument("--baseline", metavar="FILE", type=Path,
                        help="report only findings not in this baseline (`prodgate baseline create`)")
    parser.add_argument("--python", metavar="PATH", help="judge imports and APIs against this interpreter's "
                        "installed packages (default: the running one)")
    parser.add_argument("--online", metavar="URL", nargs="?", const=DEFAULT_INDEX,
                        help=f"ask the package index about imports nothing provides (default URL: {DEFAULT_INDEX})")
    add_report_options(parser)
    parser.set_defaults(handler=run)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def run(args: argparse.Namespace) -> int:
    config = load_config(Path(args.paths[0]), args.config)
    if args.cache_dir:
        config = config.with_overrides(cache_dir=str(Path(args.cache_dir).resolve()))
    try:
        baseline = load_baseline(args.baseline) if args.baseline else None
    except BaselineError as exc:
        print(f"prodgate: error: {exc}", file=sys.stderr)
        return 2
    with progress_bar("analysing", not args.no_progress) as progress:
        result = check(args.paths, config, select=_split(args.select), ignore=_split(args.ignore),
                       fail_on=args.fail_on, jobs=args.jobs, use_cache=False if args.no_cache else None,
                       progress=progress, python=args.python, online=args.online)
    if baseline is not None:
        result = dataclasses.replace(result, findings=filter_new(result.findings, baseline))
    return finish(result, args)
