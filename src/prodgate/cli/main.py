"""``prodgate`` entry point: parse arguments, run a command, map outcomes to exit codes.

Exit codes (design.md): 0 nothing at or above the failing threshold, 1 failing findings (or files
not analysed), 2 usage, configuration or internal error, with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from prodgate import __version__
from prodgate.cli import baseline_command, chaos_command, check_command, fuzz_command, gate_command, ledger_command, rules_command
from prodgate.core.config import ConfigError
from prodgate.core.registry import RegistryError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
COMMANDS = (check_command, rules_command, gate_command, ledger_command, fuzz_command, baseline_command, chaos_command)


class UsageError(Exception):
    """Bad command-line input; reported as one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="prodgate", description="Catch how AI-written Python breaks in production, before it ships.")
    parser.add_argument("--version", action="version", version=f"prodgate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        return int(args.handler(args))
    except (UsageError, ConfigError, RegistryError, FileNotFoundError, NotADirectoryError) as exc:
        print(f"prodgate: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("prodgate: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("PRODGATE_DEBUG"):
            raise
        print(f"prodgate: internal error: {type(exc).__name__}: {exc} (set PRODGATE_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())
