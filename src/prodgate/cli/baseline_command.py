"""``prodgate baseline create [PATH]``: record today's findings as known, so checks report only new ones.

Exit codes: 0 written, 2 usage or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prodgate.api import check
from prodgate.cli.output import progress_bar
from prodgate.core.config import load_config
from prodgate.governance.baseline import DEFAULT_PATH, baseline_of, write_baseline
from prodgate.report.common import plural


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("baseline", help="record the current findings as known debt (see check --baseline)",
                                 description="Baselines for teams starting on a legacy tree.")
    actions = parser.add_subparsers(dest="baseline_action", metavar="ACTION", parser_class=type(parser))
    parser.set_defaults(handler=lambda _args: _missing_action(parser))
    create = actions.add_parser("create", help="analyse PATH and write every finding's fingerprint to the baseline",
                                description="Analyse PATH like `prodgate check` and write the fingerprints of its "
                                            "findings; `prodgate check --baseline FILE` and `prodgate gate "
                                            "--baseline FILE` then report only findings not in it.")
    create.add_argument("path", nargs="?", default=".", help="file or directory to analyse (default: .)")
    create.add_argument("--output", "-o", metavar="FILE", type=Path,
                        help=f"where to write the baseline (default: {DEFAULT_PATH.as_posix()} in the project)")
    create.add_argument("--config", metavar="FILE", type=Path, help="pyproject.toml or prodgate.toml to use")
    create.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (0: one per CPU)")
    create.add_argument("--no-cache", action="store_true", help="analyse every file even if unchanged")
    create.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    create.set_defaults(handler=run_create)


def _missing_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_create(args: argparse.Namespace) -> int:
    config = load_config(Path(args.path), args.config)
    with progress_bar("analysing", not args.no_progress) as progress:
        result = check([args.path], config, jobs=args.jobs, use_cache=False if args.no_cache else None,
                       progress=progress)
    baseline = baseline_of(result.findings)
    output = args.output or config.root / DEFAULT_PATH
    try:
        write_baseline(baseline, output)
    except OSError as exc:
        print(f"prodgate: error: {output}: cannot write the baseline: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"prodgate: wrote a baseline of {plural(baseline.findings, 'finding')} to {output}", file=sys.stderr)
    if result.unanalysed:
        print(f"prodgate: warning: {plural(len({d.path for d in result.unanalysed}), 'file')} could not be analysed; "
              "their findings are not in the baseline", file=sys.stderr)
    return 0
