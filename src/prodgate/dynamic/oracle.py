"""The oracle: is an exception a function raised on hinted input a defect, or correct behaviour?

Each verdict names the rule that decided, so a report can say why. Calls that do not return
in time are judged by ``hang_verdict``: ``call-timeout`` (a hang, PG902) when the input is
small, ``slow-on-large-input`` (not a defect here; the scaling check measures it) when the input
holds a number or a collection of at least ``LARGE_INPUT``: work proportional to a huge ``n`` is
the function's contract, not a hang. Exceptions are judged by ``classify``, in order:

``expected-by-config``
    the exception type is listed for this function in ``[tool.prodgate.fuzz] expected``: fine.
``network-blocked``
    the function tried to reach the network, which the sandbox blocks: reported (PG905).
``memory-limit``
    ``MemoryError`` under the sandbox's address-space limit: a crash.
``interpreter-exit``
    ``SystemExit``/``KeyboardInterrupt`` escaping a function: a crash.
``assertion``
    an ``AssertionError``: the function's own assumption does not hold for this input: a crash.
``call-rejected``
    the exception was raised while binding the arguments, before any line of the function
    ran (the generated call does not fit the signature): not a defect, the target is skipped.
``library-on-hinted-input``
    the innermost frame is outside the project (a library or the standard library): a crash,
    whatever the type, because the function passed it a value it does not accept.
``crash-type``
    ``IndexError``, ``KeyError``, ``ZeroDivisionError``, ``AttributeError``,
    ``UnboundLocalError``, ``NameError``, ``RecursionError``, ``StopIteration``,
    ``OverflowError``, ``UnicodeError`` ... raised in the project's code: a crash.
``deliberate-validation``
    a ``ValueError``/``TypeError`` raised by a ``raise`` statement in the project's code with
    a message, or an exception class that is not a builtin raised from the project's code:
    the function rejecting bad input on purpose: fine.
``builtin-on-hinted-input``
    a ``ValueError``/``TypeError`` raised by a builtin on a line of the project's code that is
    not a ``raise`` (``max([])``, ``int("")``): a crash.
``unexpected-exception``
    any other builtin exception from the project's code (``OSError``, ``NotImplementedError``):
    a crash.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

CRASH = "dynamic.crash"
HANG = "dynamic.hang"

CRASH_TYPES = frozenset({
    "IndexError", "KeyError", "ZeroDivisionError", "AttributeError", "UnboundLocalError",
    "NameError", "RecursionError", "StopIteration", "StopAsyncIteration", "OverflowError",
    "UnicodeError", "UnicodeEncodeError", "UnicodeDecodeError", "FloatingPointError",
    "LookupError", "ArithmeticError",
})
VALIDATION_TYPES = frozenset({"ValueError", "TypeError"})
EXIT_TYPES = frozenset({"SystemExit", "KeyboardInterrupt", "GeneratorExit"})
NETWORK_BLOCKED = "prodgate.dynamic.netguard.NetworkBlocked"


@dataclass(frozen=True)
class Frame:
    """One traceback frame below the harness: where, and whether it is the project's own code."""

    path: str
    line: int
    function: str
    text: str
    own: bool


@dataclass(frozen=True)
class RaisedError:
    """An exception as the child saw it, in plain data that crosses the process boundary.

    ``qualified`` is ``module.QualName`` of the exception class, ``lineage`` the qualified names
    of its classes from itself up to ``BaseException`` (so subclasses are recognised), ``frames``
    the traceback from the called function inward, innermost last.
    """

    qualified: str
    lineage: tuple[str, ...]
    message: str
    frames: tuple[Frame, ...]

    @property
    def type_name(self) -> str:
        return self.qualified.rpartition(".")[2]

    @property
    def builtin(self) -> bool:
        return self.qualified.startswith("builtins.")

    def is_a(self, names: Collection[str]) -> bool:
        """Whether the class or one of its bases is a builtin named in ``names``."""
        return any(q.startswith("builtins.") and q[9:] in names for q in self.lineage)


@dataclass(frozen=True)
class Verdict:
    defect: bool
    category: str
    rule: str
    reason: str


LARGE_INPUT = 10_000


def hang_verdict(magnitude: int) -> Verdict:
    """The verdict on a call that ran past its time limit on an input of this magnitude."""
    if magnitude >= LARGE_INPUT:
        return Verdict(False, HANG, "slow-on-large-input",
                       f"slow on an input of magnitude {magnitude}; only a hang on a small input is a defect")
    return Verdict(True, HANG, "call-timeout", "a call on a small input ran past the per-call time limit")


def _matches(error: RaisedError, expected: Collection[str]) -> bool:
    names = {error.type_name, error.qualified, *error.lineage, *(q.rpartition(".")[2] for q in error.lineage)}
    return any(e in names for e in expected)


def classify(error: RaisedError, expected: Collection[str] = ()) -> Verdict:
    """The oracle's verdict on ``error`` (see the module docstring for the rules)."""
    name = error.type_name
    innermost = error.frames[-1] if error.frames else None
    if expected and _matches(error, expected):
        return Verdict(False, CRASH, "expected-by-config", f"{name} is declared expected for this function")
    if NETWORK_BLOCKED in error.lineage:
        return Verdict(True, CRASH, "network-blocked", "it opens a network connection, which the sandbox blocks")
    if error.is_a({"MemoryError"}):
        return Verdict(True, CRASH, "memory-limit", "it exhausted the sandbox's memory limit")
    if error.is_a(EXIT_TYPES):
        return Verdict(True, CRASH, "interpreter-exit", f"{name} escapes the function and would stop the process")
    if error.is_a({"AssertionError"}):
        return Verdict(True, CRASH, "assertion", "an assertion of the code does not hold for this input")
    if innermost is None:
        return Verdict(False, CRASH, "call-rejected", f"the call was rejected before the function ran: {name}")
    if not innermost.own:
        return Verdict(True, CRASH, "library-on-hinted-input",
                       f"{name} raised inside {innermost.path} on a value the type hints allow")
    if error.is_a(CRASH_TYPES):
        return Verdict(True, CRASH, "crash-type", f"{name} is never a deliberate validation error")
    deliberate_line = innermost.text.lstrip().startswith("raise")
    if not error.builtin:
        return Verdict(False, CRASH, "deliberate-validation", f"{name} is the project's own exception")
    if error.is_a(VALIDATION_TYPES) and deliberate_line and error.message:
        return Verdict(False, CRASH, "deliberate-validation", f"{name} is raised deliberately with a message")
    if error.is_a(VALIDATION_TYPES):
        return Verdict(True, CRASH, "builtin-on-hinted-input",
                       f"{name} raised by a builtin, not by the function's own validation")
    return Verdict(True, CRASH, "unexpected-exception", f"{name} escapes the function")
