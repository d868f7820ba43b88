"""``prodgate`` entry point: parse arguments, run a command, map outcomes to exit codes.

Exit codes (design.md): 0 nothing at or above the failing threshold, 1 failing findings (or files
not analysed), 2 usage, configuration or internal error, with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from prodgate import __version__
from prodgate.core.config import ConfigError
from prodgate.core.registry import RegistryError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
# Command name -> the module that registers it. Only the module of the command being run is
# imported, so `prodgate check` never pays for SQLAlchemy, Hypothesis or numpy.
COMMANDS: dict[str, str] = {
    "check": "prodgate.cli.check_command",
    "rules": "prodgate.cli.rules_command",
    "explain": "prodgate.cli.rules_command",
    "gate": "prodgate.cli.gate_command",
    "ledger": "prodgate.cli.ledger_command",
    "baseline": "prodgate.cli.baseline_command",
    "fuzz": "prodgate.cli.fuzz_command",
    "chaos": "prodgate.cli.chaos_command",
    "incidents": "prodgate.cli.incidents_command",
    "guidance": "prodgate.cli.guidance_command",
}


class UsageError(Exception):
    """Bad command-line input; reported as one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with only the command named in ``argv`` registered (all of them for help)."""
    parser = _Parser(prog="prodgate", description="Catch how AI-written Python breaks in production, before it ships.")
    parser.add_argument("--version", action="version", version=f"prodgate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    named = next((a for a in (argv or ()) if not a.startswith("-")), None)
    modules = [COMMANDS[named]] if named in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
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
