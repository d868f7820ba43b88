"""What a rule is: its frozen metadata, its examples, and the base class detection logic extends.

A rule module holds one ``Rule`` subclass with everything about the rule: ``meta``, the
documentation (the class docstring, in fixed sections), the examples (``flagged`` and
``clean``) and the visitor methods. Nothing else is edited to add a rule.

A rule's ``stage`` is the command that reports it: ``check`` (the default) for static rules,
whose visitors the rule engine runs, or a dynamic stage such as ``fuzz`` or ``chaos`` for rules
proven by running code. A dynamic rule has no visitors: its stage builds the findings, and its
examples are run through that stage's command by the stage's tests (see docs/writing-rules.md).
"""

from __future__ import annotations

import enum
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from prodgate.core.categories import is_category
from prodgate.core.finding import Confidence, Severity

CODE_PATTERN = re.compile(r"^PG\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
REQUIRED_SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead")
OPTIONAL_SECTIONS = ("Fix safety", "Options", "Known limitations", "References")


STATIC_STAGE = "check"


class FixAvailability(enum.Enum):
    NEVER = "never"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Status(enum.Enum):
    STABLE = "stable"
    PREVIEW = "preview"


@dataclass(frozen=True, slots=True)
class Option:
    """A per-rule setting read from ``[tool.prodgate.rules.<CODE>]``."""

    name: str
    default: Any
    description: str


@dataclass(frozen=True, slots=True)
class RuleMeta:
    code: str
    name: str
    category: str
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...]
    message: str
    tags: tuple[str, ...] = ()
    status: Status = Status.STABLE
    since: str = "0.1.0"
    fix: FixAvailability = FixAvailability.NEVER
    options: tuple[Option, ...] = ()

    def problems(self) -> list[str]:
        """Violations of the metadata contract (empty when valid)."""
        found = []
        if not CODE_PATTERN.match(self.code):
            found.append(f"code {self.code!r} is not PG followed by three digits")
        if not NAME_PATTERN.match(self.name):
            found.append(f"name {self.name!r} is not kebab-case")
        if not is_category(self.category):
            found.append(f"category {self.category!r} is not an id from the taxonomy")
        if self.category.startswith("security.") and not self.cwe:
            found.append("security rules must carry at least one CWE")
        if not self.message or self.message.endswith("."):
            found.append("message must be one sentence without a trailing period")
        return found


@dataclass(frozen=True, slots=True)
class Example:
    """A snippet a rule must flag on the annotated lines (or must not flag at all).

    Expected findings are trailing comments on the line: ``# error: PG101``. Known misses are
    ``# todo-error: PG101`` and known false positives ``# todo-ok: PG101``; both are documented
    limitations that do not fail the tests. ``fixed`` is the expected source after applying the
    rule's fixes. ``path`` is the file name the snippet is analysed as.
    """

    code: str
    fixed: str | None = None
    path: str = "example.py"
    files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")

    @property
    def fixed_source(self) -> str | None:
        return None if self.fixed is None else textwrap.dedent(self.fixed).lstrip("\n")


ANNOTATION = re.compile(r"#\s*(error|todo-error|todo-ok):\s*(PG\d{3}(?:\s*,\s*PG\d{3})*)")


def expected_annotations(source: str) -> dict[str, set[tuple[int, str]]]:
    """The (line, code) pairs an example's trailing comments announce, by kind."""
    result: dict[str, set[tuple[int, str]]] = {"error": set(), "todo-error": set(), "todo-ok": set()}
    for number, text in enumerate(source.splitlines(), start=1):
        for kind, codes in ANNOTATION.findall(text):
            for code in codes.split(","):
                result[kind].add((number, code.strip()))
    return result


def as_example(value: str | Example) -> Example:
    return value if isinstance(value, Example) else Example(value)


class Rule:
    """Base class of every rule.

    Subclasses set ``meta``, write the docstring in the required sections, give examples, and
    implement ``visit_<NodeType>(self, node, ctx)`` methods for the ``ast`` node types they want.
    ``ctx`` is a ``prodgate.static.context.FileContext``; ``ctx.report(node, **fields)`` reports.
    A rule that needs the whole project implements ``check_project(self, project)`` instead or
    as well. Rules keep no state on ``self``: per-file state lives in ``ctx.state(self)``.
    """

    meta: ClassVar[RuleMeta]
    stage: ClassVar[str] = STATIC_STAGE
    flagged: ClassVar[tuple[str | Example, ...]] = ()
    clean: ClassVar[tuple[str | Example, ...]] = ()

    @classmethod
    def documentation(cls) -> str:
        return textwrap.dedent(cls.__doc__ or "").strip()

    @classmethod
    def sections(cls) -> dict[str, str]:
        """The documentation split on its ``## Heading`` lines."""
        found: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in cls.documentation().splitlines():
            if line.startswith("## "):
                if current is not None:
                    found[current] = "\n".join(lines).strip()
                current, lines = line[3:].strip(), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            found[current] = "\n".join(lines).strip()
        return found

    @classmethod
    def examples(cls) -> tuple[list[Example], list[Example]]:
        return [as_example(e) for e in cls.flagged], [as_example(e) for e in cls.clean]

    def option(self, ctx_options: Mapping[str, Any], name: str) -> Any:
        for opt in self.meta.options:
            if opt.name == name:
                return ctx_options.get(name, opt.default)
        raise KeyError(f"{self.meta.code} has no option {name!r}")
