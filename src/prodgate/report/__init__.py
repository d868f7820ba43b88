"""Reporters: pure functions from a RunResult to each output format.

Each format is a module with ``render(result) -> str``. Formats are found through the
``prodgate.reporters`` entry-point group (name -> callable); the built-ins are registered there
too and load through the same path, with a fallback when the package metadata is missing (a
source tree that was never installed). A plugin cannot replace a built-in format's name.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points

from prodgate.core.result import RunResult

ENTRY_POINT_GROUP = "prodgate.reporters"
BUILTIN_FORMATS = {
    "text": "prodgate.report.text:render",
    "json": "prodgate.report.json_report:render",
    "sarif": "prodgate.report.sarif:render",
    "markdown": "prodgate.report.markdown:render",
    "junit": "prodgate.report.junit:render",
    "github": "prodgate.report.github:render",
}

Renderer = Callable[..., str]


class ReporterError(Exception):
    """An unknown format was asked for."""


def _entry_points() -> dict[str, EntryPoint]:
    chosen: dict[str, EntryPoint] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        chosen.setdefault(ep.name, ep)
    for name, value in BUILTIN_FORMATS.items():
        # No installed metadata (a source tree), or a plugin claiming a built-in's name.
        if name not in chosen or chosen[name].value != value:
            chosen[name] = EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)
    return dict(sorted(chosen.items()))


def load_formats() -> dict[str, Renderer]:
    """Every installed format by name, built-ins included."""
    return {name: ep.load() for name, ep in _entry_points().items()}


FORMATS: dict[str, Renderer] = load_formats()


def render(result: RunResult, fmt: str, **options: object) -> str:
    """The report of ``result`` in format ``fmt``; ``options`` go to the renderer (``color`` for text)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ReporterError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(result, **options)
