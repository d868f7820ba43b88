"""The plain data every incident source is parsed into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Frame:
    """One stack frame as the source reported it; ``code`` is the source line it printed, if any."""

    filename: str
    lineno: int | None
    function: str
    code: str = ""
    module: str = ""
    in_app: bool | None = None  # what the source said (Sentry's in_app); None: decide from the path


@dataclass(frozen=True, slots=True)
class Raised:
    """One exception with its frames (oldest call first) and, for an exception group, its members."""

    type: str  # qualified as the traceback prints it: `requests.exceptions.ReadTimeout`, `KeyError`
    message: str
    frames: tuple[Frame, ...] = ()
    members: tuple[Raised, ...] = ()

    @property
    def short_type(self) -> str:
        return self.type.rpartition(".")[2]

    def walk(self) -> tuple[Raised, ...]:
        """This exception and every member of it, depth first."""
        found: list[Raised] = [self]
        for member in self.members:
            found.extend(member.walk())
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Incident:
    """One production failure: its exception chain (the first cause first, the one that escaped last)."""

    chain: tuple[Raised, ...]
    file: str
    record: int | str  # line number in a log file, or the event's file name (with `#index` in an export)
    timestamp: datetime | None = None
    context: str = ""  # the log message, transaction or span name around it

    @property
    def final(self) -> Raised:
        return self.chain[-1]

    def exceptions(self) -> tuple[Raised, ...]:
        """Every exception of the chain and of its groups, causes first."""
        return tuple(item for raised in self.chain for item in raised.walk())


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that could not be read as an incident, and why."""

    file: str
    record: int | str
    reason: str
