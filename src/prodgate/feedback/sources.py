"""Read incident files of any supported kind, deciding the kind from the content."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from prodgate.feedback.incident import Incident, Skipped
from prodgate.feedback.logs import read_log
from prodgate.feedback.otel import is_otlp, read_otlp
from prodgate.feedback.sentry import read_events


class SourceError(Exception):
    """An incident file that cannot be read at all (missing, a directory, unreadable)."""


def read_text(text: str, file: str) -> Iterator[Incident | Skipped]:
    """The incidents of one file's text: an OTLP or Sentry JSON document, else log lines."""
    name = Path(file).name
    head = text.lstrip()[:1]
    if head in ("{", "["):
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if document is not None:
            if is_otlp(document):
                yield from read_otlp(document, file, name)
            else:
                yield from read_events(document, file, name)
            return
    yield from read_log(text.splitlines(), file)


def read_source(path: Path, label: str | None = None) -> Iterator[Incident | Skipped]:
    """The incidents of the file at ``path`` (reported as ``label``, default the path as given)."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from None
    yield from read_text(data.decode("utf-8", errors="replace"), label or str(path))

