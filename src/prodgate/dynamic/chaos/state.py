"""What the plugin knows while tests run: the current test, the armed fault, what was called.

Client patches (``clients``) call ``boundary(client)`` around each outbound call. The outermost
boundary of a thread records the call against the current test and its call site and returns the
fault to inject when one is armed for that site; nested boundaries (a socket opened inside an
HTTP call, in the same thread or task) neither record nor inject. A client that sends through
another patched library (botocore through urllib3) records the call at its own boundary and
hands the fault down (``hand_down``) to the boundary that injects it, once per attempt.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from prodgate.dynamic.chaos.faults import FAULTS, Answer, applicable
from prodgate.dynamic.chaos.sites import SiteLocator


class DeadlineExceeded(BaseException):
    """Raised in a faulted test that runs past its deadline (a BaseException, as ``except Exception`` must not swallow it)."""


@dataclass(frozen=True)
class ArmedFault:
    site: str
    fault: str

    @classmethod
    def parse(cls, text: str) -> ArmedFault:
        """``path:line:fault`` (the form ``--prodgate-fault`` takes)."""
        site, _, fault = text.rpartition(":")
        path, _, line = site.rpartition(":")
        if not path or not line.isdigit() or fault not in FAULTS:
            raise ValueError(f"expected PATH:LINE:FAULT with FAULT one of {', '.join(FAULTS)}, got {text!r}")
        return cls(site, fault)


@dataclass(frozen=True)
class HandedFault:
    """A fault decided at an outer client's boundary, for the inner library that sends the request.

    ``answer`` replaces the fault's default answer (status, reason, headers, body) when the outer
    client's dependency words its errors its own way (AWS error codes)."""

    fault: str
    client: str
    answer: Answer | None = None


@dataclass
class TestRecord:
    """What happened in one test under a fault."""

    injections: list[float] = field(default_factory=list)
    unchecked_read: bool = False
    hung: bool = False


class ChaosState:
    def __init__(self, locator: SiteLocator, armed: ArmedFault | None):
        self.locator = locator
        self.armed = armed
        self.test = ""
        self.calls: Counter[tuple[str, str, str]] = Counter()
        """(test, client, site) -> number of calls."""
        self.targets: dict[tuple[str, str], set[str]] = {}
        """(client, site) -> what the calls there address, for clients that name it (``s3.GetObject``)."""
        self.records: dict[str, TestRecord] = {}
        self._depth: ContextVar[int] = ContextVar("prodgate_chaos_depth", default=0)
        self._handed: ContextVar[HandedFault | None] = ContextVar("prodgate_chaos_handed", default=None)

    def start_test(self, nodeid: str) -> None:
        self.test = nodeid
        self.records[nodeid] = TestRecord()

    def end_test(self) -> None:
        self.test = ""

    @property
    def current(self) -> TestRecord | None:
        return self.records.get(self.test)

    @contextmanager
    def boundary(self, client: str, target: str | None = None) -> Iterator[str | None]:
        """Around one outbound call through ``client`` (addressing ``target``, when the client names
        one): yields the fault to inject, or None."""
        depth = self._depth.get()
        token = self._depth.set(depth + 1)
        try:
            yield self._enter(client, target) if depth == 0 else None
        finally:
            self._depth.reset(token)

    @contextmanager
    def hand_down(self, handed: HandedFault) -> Iterator[None]:
        """While the outer client sends, ``handed(handed.client)`` gives the inner boundary the fault."""
        token = self._handed.set(handed)
        try:
            yield
        finally:
            self._handed.reset(token)

    def handed(self, client: str) -> HandedFault | None:
        handed = self._handed.get()
        return handed if handed is not None and handed.client == client else None

    def _enter(self, client: str, target: str | None) -> str | None:
        if not self.test:
            return None
        site = self.locator.site(sys._getframe(1))
        if site is None:
            return None
        self.calls[(self.test, client, site)] += 1
        if target is not None:
            self.targets.setdefault((client, site), set()).add(target)
        armed = self.armed
        if armed is None or armed.site != site or armed.fault not in applicable(client):
            return None
        record = self.current
        if record is not None:
            record.injections.append(time.monotonic())
        return armed.fault

    def note_body_read(self, status_checked: bool) -> None:
        record = self.current
        if record is not None and not status_checked:
            record.unchecked_read = True


STATE: ChaosState | None = None
"""The active state while the plugin is activated in this process, else None."""
