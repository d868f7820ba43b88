"""``prodgate guidance``: write the project's production lessons into the files AI coding assistants read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prodgate.core.config import load_config
from prodgate.core.registry import default_registry
from prodgate.feedback.guidance import GuidanceError, render, target_files, updated, write
from prodgate.feedback.lessons import lessons
from prodgate.feedback.store import existing_ledger, recorded
from prodgate.governance.ledger import LedgerError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "guidance", help="tell AI coding assistants this project's production lessons",
        description="Write or update the prodgate section of AGENTS.md, CLAUDE.md, .github/copilot-instructions.md "
                    "or .cursor/rules/*.mdc with the failure classes that reached production, each with a bad and "
                    "a good example. Text outside the section is never touched.")
    parser.add_argument("--project", metavar="PATH", type=Path, default=Path("."), help="the project (default: .)")
    parser.add_argument("--config", metavar="FILE", type=Path, help="pyproject.toml or prodgate.toml to use")
    parser.add_argument("--file", metavar="FILE", action="append", dest="files",
                        help="write this file, relative to the project (repeatable; default: "
                             "[tool.prodgate.feedback] guidance-files, else the assistant files that exist, else AGENTS.md)")
    parser.add_argument("--database", metavar="URL", help="the ledger to read the incidents from (see docs/ledger.md)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is not current")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.project.is_dir():
        print(f"prodgate: error: --project {args.project}: not a directory", file=sys.stderr)
        return 2
    config = load_config(args.project, args.config)
    settings = config.section("feedback")
    try:
        ledger = existing_ledger(config, args.database)
        groups = []
        if ledger is not None:
            with ledger:
                groups = recorded(ledger)
    except LedgerError as exc:
        print(f"prodgate: error: {exc}", file=sys.stderr)
        return 2
    section = render(lessons(groups, default_registry(), config.root, int(settings.get("guidance-lessons", 8))))
    stale = []
    for path in target_files(config.root, args.files or settings.get("guidance-files") or ()):
        name = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)
        try:
            if args.check:
                current = path.read_text(encoding="utf-8") if path.is_file() else ""
                if updated(current, section) != current:
                    stale.append(name)
                continue
            existed = path.exists()
            changed = write(path, section)
        except (GuidanceError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"prodgate: error: {name}: {reason}", file=sys.stderr)
            return 2
        print(f"{name}: {'unchanged' if not changed else 'updated' if existed else 'created'}")
    for name in stale:
        print(f"{name}: not current (run `prodgate guidance`)")
    return 1 if stale else 0
