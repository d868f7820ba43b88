"""Argument types several commands share."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from prodgate.core.finding import Severity
from prodgate.report import FORMATS

Number = TypeVar("Number", int, float)


def positive(convert: Callable[[str], Number], what: str) -> Callable[[str], Number]:
    """An argparse type accepting only numbers above zero, with ``what`` naming them in errors."""

    def parse(text: str) -> Number:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that produces a report takes: format, output, threshold, config."""
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="text", help="report format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--fail-on", metavar="SEVERITY", type=Severity.parse,
                        help="lowest severity that fails the run: critical, high, medium, low, info")
    parser.add_argument("--config", metavar="FILE", type=Path, help="pyproject.toml or prodgate.toml to use")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail the run")
    parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
