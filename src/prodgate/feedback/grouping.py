"""Incidents grouped by a stable fingerprint, the way Sentry groups them: the exception types of the
chain plus the project's own frames as file and function names (never line numbers, never library
frames, consecutive recursion collapsed); without project frames, the library frames; without any
frame, the type and the message with its numbers, addresses and quoted values taken out."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from prodgate.feedback.classes import Evidence, FailureClass, classify
from prodgate.feedback.incident import Frame, Incident, Raised
from prodgate.feedback.project import Project, Spot

VARIABLE = re.compile(r"0x[0-9a-fA-F]+|\d+|'[^']*'|\"[^\"]*\"")
# Names of one exception class that differ between Python versions (aliases since 3.3 and 3.11).
TYPE_ALIASES = {
    "asyncio.exceptions.TimeoutError": "TimeoutError", "asyncio.TimeoutError": "TimeoutError",
    "concurrent.futures._base.TimeoutError": "TimeoutError", "socket.timeout": "TimeoutError",
    "socket.error": "OSError", "IOError": "OSError", "EnvironmentError": "OSError", "select.error": "OSError",
}


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    record: int | str


@dataclass
class Group:
    """Incidents with one fingerprint, mapped to the code and the failure class they belong to."""

    fingerprint: str
    type: str
    message: str
    failure: FailureClass
    spot: Spot | None  # where to fix it: the project frame nearest the failure
    frames: tuple[Spot, ...]  # the project frames of the exception the class is about, outermost first
    count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sources: list[Source] = field(default_factory=list)
    moments: list[datetime | None] = field(default_factory=list)  # each source's timestamp, if it had one

    @property
    def category(self) -> str:
        return self.failure.category

    def add(self, incident: Incident) -> None:
        self.count += 1
        self.sources.append(Source(incident.file, incident.record))
        moment = incident.timestamp
        self.moments.append(moment)
        if moment is not None:
            self.first_seen = moment if self.first_seen is None else min(self.first_seen, moment)
            self.last_seen = moment if self.last_seen is None else max(self.last_seen, moment)


class Grouper:
    """Groups incidents one at a time; frames are resolved against the project once each."""

    def __init__(self, project: Project):
        self.project = project
        self.groups: dict[str, Group] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}
        self._located: dict[tuple[str, Frame], Spot] = {}

    def _app(self, frame: Frame) -> Spot | None:
        key = (frame.filename, frame.module)
        if key not in self._resolved:
            self._resolved[key] = self.project.resolve(frame)
        relative = self._resolved[key]
        if relative is None:
            return None
        where = (relative, frame)
        if where not in self._located:
            self._located[where] = self.project.locate(relative, frame)
        return self._located[where]

    def _fingerprint(self, exceptions: Sequence[Raised]) -> str:
        """Exceptions without project frames count only when none has any (library internals of a chain
        differ between Python versions), except the one that escaped, whose type always counts."""
        apps = [[f"{spot.path}:{frame.function}" for frame in raised.frames if (spot := self._app(frame))]
                for raised in exceptions]
        anywhere = any(apps)
        parts: list[str] = []
        for position, (raised, app) in enumerate(zip(exceptions, apps)):
            if anywhere and not app and position != len(exceptions) - 1:
                continue
            names = app or [frame.function for frame in raised.frames]
            collapsed = [name for number, name in enumerate(names) if not number or names[number - 1] != name]
            parts.append(TYPE_ALIASES.get(raised.type, raised.type) + "|" + ("/".join(collapsed) or VARIABLE.sub("?", raised.message)))
        return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()

    def _evidence(self, raised: Raised, context: str) -> tuple[Evidence, list[Spot]]:
        spots: list[Spot] = []
        code: list[str] = []
        library: list[str] = []
        for frame in raised.frames:
            spot = self._app(frame)
            if spot is None:
                library.append(frame.filename)
            else:
                spots.append(spot)
                code.append(frame.code)
        functions = {f"{spot.function}\n{self.project.source(spot)}" for spot in spots[-2:]}
        return Evidence(raised, "\n".join(code), "\n".join(sorted(functions)), "\n".join(library), context), spots

    def add(self, incident: Incident) -> Group:
        exceptions = incident.exceptions()
        fingerprint = self._fingerprint(exceptions)
        group = self.groups.get(fingerprint)
        if group is None:
            gathered = [self._evidence(raised, incident.context) for raised in exceptions]
            failure, position = classify([evidence for evidence, _spots in gathered])
            spots = gathered[position][1] or next((s for _e, s in reversed(gathered) if s), [])
            group = Group(fingerprint, incident.final.type, incident.final.message, failure,
                          spots[-1] if spots else None, tuple(spots))
            self.groups[fingerprint] = group
        group.add(incident)
        return group

