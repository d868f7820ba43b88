"""``prodgate incidents ingest FILE...``: production incidents grouped, mapped to code, categories and rules,
and stored in the ledger."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prodgate.cli.output import emit
from prodgate.core.config import load_config
from prodgate.feedback.ingest import ingest
from prodgate.feedback.report import as_json, as_text
from prodgate.feedback.sources import SourceError
from prodgate.feedback.store import store
from prodgate.governance.ledger import Ledger, LedgerError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("incidents", help="learn from production incidents",
                                 description="Read production incidents and map them to code, failure classes and rules.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    ingest_parser = actions.add_parser(
        "ingest", help="group tracebacks, Sentry events and OpenTelemetry exception events",
        description="Read Python tracebacks (plain or JSON log lines), Sentry events and OTLP JSON exports, group "
                    "them, map them to the project's code and failure classes, and store them in the ledger.")
    ingest_parser.add_argument("files", nargs="+", metavar="FILE", help="log files, Sentry event JSON, OTLP JSON")
    ingest_parser.add_argument("--project", metavar="PATH", type=Path, default=Path("."),
                               help="the project the incidents come from (default: .)")
    ingest_parser.add_argument("--config", metavar="FILE", type=Path, help="pyproject.toml or prodgate.toml to use")
    ingest_parser.add_argument("--format", "-f", choices=("text", "json"), default="text", help="report format")
    ingest_parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    ingest_parser.add_argument("--no-ledger", action="store_true", help="do not store the groups in the ledger")
    ingest_parser.add_argument("--database", metavar="URL", help="the ledger's SQLAlchemy URL (see docs/ledger.md)")
    ingest_parser.add_argument("--no-check", action="store_true",
                               help="skip the static analysis that tells which rules would have caught each group")
    ingest_parser.set_defaults(handler=run_ingest)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_ingest(args: argparse.Namespace) -> int:
    if not args.project.is_dir():
        print(f"prodgate: error: --project {args.project}: not a directory", file=sys.stderr)
        return 2
    config = load_config(args.project, args.config)
    missing = [name for name in args.files if not Path(name).is_file()]
    if missing:
        print(f"prodgate: error: {missing[0]}: no such file", file=sys.stderr)
        return 2
    try:
        ledger = None if args.no_ledger else Ledger.for_config(config, args.database)
        try:
            ingested = ingest([Path(name) for name in args.files], config, analyse=not args.no_check)
            stored = store(ledger, ingested) if ledger is not None else None
        finally:
            if ledger is not None:
                ledger.close()
    except (SourceError, LedgerError) as exc:
        print(f"prodgate: error: {exc}", file=sys.stderr)
        return 2
    emit(as_json(ingested, stored) if args.format == "json" else as_text(ingested, stored), args.output)
    return 0
