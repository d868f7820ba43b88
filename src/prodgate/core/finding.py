"""The one result type of every check: ``Finding``, and the plain values it is made of."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How bad a finding is if it is true. Ordered: ``Severity.HIGH > Severity.LOW``."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of {names}") from None


class Confidence(enum.IntEnum):
    """How likely the rule is right about this finding."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Confidence:
        try:
            return cls[value.upper()]
        except KeyError:
            names = ", ".join(c.name.lower() for c in cls)
            raise ValueError(f"unknown confidence {value!r}; expected one of {names}") from None


class Applicability(enum.Enum):
    """Whether a fix may be applied without review (Ruff's safe / unsafe / display-only)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Location:
    """A span in a file; lines are 1-based, columns 1-based (as SARIF and editors count)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def as_data(self) -> dict[str, object]:
        """The location as plain JSON-able data (the cache and the ledger store it so)."""
        return {"path": self.path, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Location:
        return cls(data["path"], data["line"], data["column"], data["end_line"], data["end_column"])


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed change: a title for humans and, where known, the replacement text of a span."""

    title: str
    applicability: Applicability
    location: Location | None = None
    replacement: str | None = None


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One step of a dataflow path (source, propagation, sink) shown with a taint finding."""

    location: Location
    message: str


class Properties(Mapping[str, str]):
    """An immutable, hashable, picklable str -> str mapping (findings cross process boundaries)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | None = None):
        self._items = dict(items or {})

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._items.items())))

    def __repr__(self) -> str:
        return f"Properties({self._items!r})"

    def __reduce__(self) -> tuple[type[Properties], tuple[dict[str, str]]]:
        return (Properties, (self._items,))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one check, complete and immutable.

    ``properties`` holds check-specific facts that reports pass through unchanged
    (for example ``fault`` and ``test`` for chaos findings, ``function`` and ``input`` for fuzzing).
    """

    rule: str
    category: str
    severity: Severity
    confidence: Confidence
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    cwe: tuple[int, ...]
    fingerprint: str
    fix: Fix | None = None
    flow: tuple[FlowStep, ...] = ()
    properties: Properties = field(default_factory=Properties)

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column, self.end_line, self.end_column)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something that stopped prodgate from analysing (part of) a file, or a misused suppression.

    ``kind`` is one of ``DIAGNOSTIC_KINDS``. A file that was not analysed is never a pass.
    """

    path: str
    kind: str
    message: str
    line: int = 0
    column: int = 0

    @property
    def unanalysed(self) -> bool:
        return self.kind in UNANALYSED_KINDS


# ``import-error`` (a module ``prodgate fuzz`` could not import) and ``fuzz-error`` (the sandbox died
# outside a call of user code) leave code unanalysed; ``fuzz-skipped`` (a function without the hints
# to generate inputs from) is reported but does not fail the run.
UNANALYSED_KINDS = frozenset({"syntax-error", "binary", "decode-error", "too-large", "unreadable", "internal-error",
                              "import-error", "fuzz-error"})
DIAGNOSTIC_KINDS = UNANALYSED_KINDS | {"suppression-without-reason", "unused-suppression", "unknown-rule-in-suppression",
                                       "fuzz-skipped"}
