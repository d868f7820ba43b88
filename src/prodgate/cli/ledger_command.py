"""``prodgate ledger list|show|export``: read the audit ledger of gate runs.

Exit codes: 0 done, 2 unknown run id, unreachable or unusable database (one line on stderr, the URL's
password masked).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from prodgate.cli.output import emit
from prodgate.core.config import load_config
from prodgate.governance.ledger import Ledger, LedgerError
from prodgate.governance.ledger_settings import DATABASE_URL_ENV
from prodgate.report.ledger import (
    count_text,
    export_document,
    render_list_json,
    render_list_text,
    render_run_json,
    render_run_text,
)

VERDICTS = ("pass", "warn", "fail")


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {number}")
    return number


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help=f"SQLAlchemy URL of the ledger (default: ${DATABASE_URL_ENV}, then "
                             "[tool.prodgate.ledger] url, then .prodgate/ledger.db in the project)")
    parser.add_argument("--config", metavar="FILE", type=Path, help="pyproject.toml or prodgate.toml to use")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ledger", help="list, show and export the recorded gate runs (the audit ledger)",
                                 description="Read the audit ledger that `prodgate gate` writes.")
    actions = parser.add_subparsers(dest="ledger_action", metavar="ACTION", parser_class=type(parser))
    parser.set_defaults(handler=lambda _args: _missing_action(parser))

    listing = actions.add_parser("list", help="the newest runs first")
    listing.add_argument("--limit", "-n", type=_count, default=20, metavar="N", help="at most N runs (default 20)")
    listing.add_argument("--offset", type=_count, default=0, metavar="N", help="skip the N newest runs")
    listing.add_argument("--verdict", choices=VERDICTS, help="only runs with this verdict")
    listing.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format")
    _common(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="one run in full: inputs, changes, findings, verdict, approvals")
    show.add_argument("id", type=_count, help="the run's id (from `prodgate ledger list`)")
    show.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format")
    _common(show)
    show.set_defaults(handler=run_show)

    export = actions.add_parser("export", help="every run as one JSON document (schema in docs/ledger.md)")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    _common(export)
    export.set_defaults(handler=run_export)


def _missing_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _open(args: argparse.Namespace) -> Ledger:
    return Ledger.for_config(load_config(Path("."), args.config), args.database)


def _fail(message: str) -> int:
    print(f"prodgate: error: {message}", file=sys.stderr)
    return 2


def run_list(args: argparse.Namespace) -> int:
    try:
        with _open(args) as ledger:
            summaries = ledger.runs(args.limit, args.offset, args.verdict)
            database = ledger.url
    except LedgerError as exc:
        return _fail(str(exc))
    emit(render_list_json(summaries) if args.format == "json" else render_list_text(summaries, database), None)
    return 0


def run_show(args: argparse.Namespace) -> int:
    try:
        with _open(args) as ledger:
            recorded = ledger.run(args.id)
            database = ledger.url
    except LedgerError as exc:
        return _fail(str(exc))
    if recorded is None:
        return _fail(f"no gate run with id {args.id} in the ledger {database}")
    emit(render_run_json(recorded) if args.format == "json" else render_run_text(recorded), None)
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        with _open(args) as ledger:
            document = export_document(ledger.export(), ledger.url)
    except LedgerError as exc:
        return _fail(str(exc))
    emit(json.dumps(document, indent=2, ensure_ascii=False), args.output)
    if args.output and args.output != "-":
        print(f"prodgate: exported {count_text(len(document['runs']))} to {args.output}", file=sys.stderr)
    return 0
