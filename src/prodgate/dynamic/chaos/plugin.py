"""The pytest plugin: ``pytest -p prodgate.dynamic.chaos.plugin`` (entry point ``prodgate-chaos``).

Inert unless activated by ``--prodgate-record FILE`` or ``--prodgate-fault PATH:LINE:FAULT`` (or
the ``PRODGATE_CHAOS_RECORD`` / ``PRODGATE_CHAOS_FAULT`` environment variables): then it patches
the client libraries for the session (each once the project imports it), records every outbound call each test makes with its call
site, injects the one armed fault at that site only, gives each test a deadline, and writes what
happened as JSON. Every patch is removed when the session ends; faults fire only while a test runs.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from prodgate.dynamic.chaos import state as chaos_state
from prodgate.dynamic.chaos.clients import install_all
from prodgate.dynamic.chaos.outcome import describe
from prodgate.dynamic.chaos.sites import SiteLocator
from prodgate.dynamic.chaos.state import ArmedFault, ChaosState, DeadlineExceeded

RECORD_ENV, FAULT_ENV, DEADLINE_ENV = "PRODGATE_CHAOS_RECORD", "PRODGATE_CHAOS_FAULT", "PRODGATE_CHAOS_DEADLINE"
DEFAULT_DEADLINE = 10.0
FORMAT_VERSION = 1


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prodgate-chaos", "prodgate chaos: record dependency calls and inject faults")
    group.addoption("--prodgate-record", metavar="FILE", default=os.environ.get(RECORD_ENV),
                    help=f"record each test's outbound calls and outcome as JSON in FILE (env {RECORD_ENV})")
    group.addoption("--prodgate-fault", metavar="PATH:LINE:FAULT", action="append",
                    default=[os.environ[FAULT_ENV]] if os.environ.get(FAULT_ENV) else [],
                    help=f"inject FAULT into every call made at the call site PATH:LINE (env {FAULT_ENV}); "
                         "given several times, the selected tests run once under each fault in turn")
    group.addoption("--prodgate-deadline", metavar="SECONDS", type=float,
                    default=os.environ.get(DEADLINE_ENV) or DEFAULT_DEADLINE,
                    help=f"wall time a test may take while a fault is armed (default 10; env {DEADLINE_ENV})")
    group.addoption("--prodgate-root", metavar="DIR", default=None,
                    help="directory whose non-test files are the project's code (default: pytest's rootdir)")
    group.addoption("--prodgate-select", metavar="FILE", default=None,
                    help="run only the tests whose node ids are listed in FILE, one a line")


class ChaosSession:
    """The active plugin: owns the patches and the state for one pytest session."""

    def __init__(self, config: pytest.Config, arms: list[ArmedFault]):
        root = Path(config.getoption("prodgate_root") or config.rootpath)
        self.arms = arms
        self.state = ChaosState(SiteLocator(root), arms[0] if arms else None)
        self.output: str | None = config.getoption("prodgate_record")
        self.deadline: float = config.getoption("prodgate_deadline")
        self.runs: dict[str, dict[str, dict[str, Any]]] = {}
        self.tests = self._start_run()
        chaos_state.STATE = self.state
        self.undo: Callable[[], None] | None = install_all(self.state)

    def close(self) -> None:
        if self.undo is not None:
            self.undo()
            self.undo = None
        chaos_state.STATE = None

    def _start_run(self) -> dict[str, dict[str, Any]]:
        armed = self.state.armed
        return self.runs.setdefault(f"{armed.site}:{armed.fault}" if armed else "", {})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        """With several faults, run the selected tests once under each fault in turn."""
        if len(self.arms) < 2 or session.config.option.collectonly:
            return None
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            raise session.Interrupted(f"{session.testsfailed} error(s) during collection")
        items = session.items
        for number, armed in enumerate(self.arms):
            self.state.armed = armed
            self.tests = self._start_run()
            for index, item in enumerate(items):
                last_arm = number + 1 == len(self.arms)
                following = items[index + 1] if index + 1 < len(items) else (None if last_arm else items[0])
                if following is item:  # an item cannot follow itself: tear it down completely
                    following = None
                if number and isinstance(item, pytest.Function):
                    item._initrequest()  # fresh fixture values for the repeated run
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            self.write()
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        self.state.start_test(item.nodeid)
        entry = self.tests[item.nodeid] = {"outcome": "passed", "exception": None}
        try:
            return (yield)
        finally:
            self.state.end_test()
            record = self.state.records[item.nodeid]
            entry.update(injections=record.injections, unchecked_read=record.unchecked_read, hung=record.hung)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        if self.state.armed is None or threading.current_thread() is not threading.main_thread():
            return (yield)
        record = self.state.current

        def expire(signum: int, frame: FrameType | None) -> None:
            if record is not None:
                record.hung = True
            raise DeadlineExceeded(f"the test ran past its {self.deadline:g}s deadline")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, self.deadline)
        try:
            return (yield)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        entry = self.tests.setdefault(item.nodeid, {"outcome": "passed", "exception": None})
        if report.failed and entry["outcome"] != "failed":
            entry["outcome"] = "failed"
            if call.excinfo is not None:
                entry["exception"] = describe(call.excinfo.value, self.state.locator)
            entry["phase"] = report.when
        elif report.skipped and report.when != "teardown":
            entry["outcome"] = "skipped"
        return report

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        listing = config.getoption("prodgate_select")
        if not listing:
            return
        wanted = set(Path(listing).read_text(encoding="utf-8").split("\n"))
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in wanted])
        items[:] = [item for item in items if item.nodeid in wanted]

    def pytest_sessionfinish(self) -> None:
        self.write()

    def write(self) -> None:
        """Write what is known so far (after each fault of a batch, so a killed run keeps it)."""
        if self.output:
            Path(self.output).write_text(json.dumps(self.payload(), indent=1), encoding="utf-8")

    def payload(self) -> dict[str, Any]:
        """``runs`` maps ``PATH:LINE:FAULT`` (or ``""`` without a fault) to each test's outcome."""
        return {"version": FORMAT_VERSION, "root": self.state.locator.root,
                "calls": [{"test": test, "client": client, "site": site, "count": count}
                          for (test, client, site), count in sorted(self.state.calls.items())],
                "targets": [{"client": client, "site": site, "targets": sorted(targets)}
                            for (client, site), targets in sorted(self.state.targets.items())],
                "runs": self.runs}


_SESSION_KEY = pytest.StashKey[ChaosSession]()


def pytest_configure(config: pytest.Config) -> None:
    faults = config.getoption("prodgate_fault")
    if not faults and not config.getoption("prodgate_record"):
        return
    if getattr(config.option, "dist", "no") != "no":
        # xdist workers would each patch, record and write on their own, and the file would hold one of them.
        raise pytest.UsageError("prodgate chaos cannot run under pytest-xdist (-n, --dist): "
                                "leave -n out of the pytest arguments, or pass -n 0 to override addopts")
    try:
        arms = [ArmedFault.parse(fault) for fault in faults]
    except ValueError as exc:
        raise pytest.UsageError(f"--prodgate-fault: {exc}") from None
    session = ChaosSession(config, arms)
    config.stash[_SESSION_KEY] = session
    config.pluginmanager.register(session, "prodgate-chaos-session")


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION_KEY, None)
    if session is not None:
        session.close()
        del config.stash[_SESSION_KEY]
