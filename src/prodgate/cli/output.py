"""Where command output goes: stdout or a file, and progress on a terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prodgate.core.result import RunResult
from prodgate.report import render

PROGRESS_MINIMUM = 200


def finish(result: RunResult, args: argparse.Namespace) -> int:
    """Render ``result`` as the options asked, write it, and return the exit code."""
    options = {"color": sys.stdout.isatty() and not args.output} if args.format == "text" else {}
    emit(render(result, args.format, **options), args.output)
    if result.unanalysed and result.fail_on_unanalysed:
        print(f"prodgate: {len(result.unanalysed)} file(s) could not be analysed; a file not analysed is not a pass",
              file=sys.stderr)
    return 0 if result.passed or args.exit_zero else 1


def emit(text: str, output: str | None) -> None:
    if output and output != "-":
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing on stderr when it is a terminal and the work is long."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            if total >= PROGRESS_MINIMUM:
                bar.update(task, completed=done, total=total)

        yield update
