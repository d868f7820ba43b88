"""GitHub workflow commands: exact lines, escaped per the actions/toolkit rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from prodgate.core.result import RunResult
from prodgate.report import github


def test_one_line_per_finding_then_diagnostics(run_result: RunResult) -> None:
    lines = github.render(run_result).splitlines()
    assert len(lines) == 6 + 9
    assert lines[:6] == [
        "::warning file=svc/cache.py,line=4,col=1,endLine=4,endColumn=13,title=PG302 module-cache-without-eviction"
        "::cache `größe|size` grows 100%25: unbounded,%0Aevict entries",
        "::error file=svc/db.py,line=24,col=5,endLine=24,endColumn=25,title=PG601 tainted-sql-query"
        "::request data reaches the SQL string of `cursor.execute`",
        "::error file=svc/payments.py,line=3,col=1,endLine=3,endColumn=41,title=PG720 hardcoded-secret"
        "::a credential is assigned to `API_KEY` in source code",
        "::error file=svc/payments.py,line=6,col=12,endLine=6,endColumn=44,title=PG101 http-call-without-timeout"
        "::`requests.post` has no timeout, so one unresponsive server blocks this worker forever",
        "::notice file=svc/utils.py,line=2,col=3,endLine=2,endColumn=7,title=PG850 placeholder-left-in-code"
        "::placeholder `TODO` left in a production path",
        "::notice file=svc/utils.py,line=9,col=2,endLine=10,endColumn=13,title=PG210 exception-swallowed"
        "::the exception is dropped, so failures in `load` go unseen",
    ]


def test_diagnostics_as_errors_and_warnings(run_result: RunResult) -> None:
    lines = github.render(run_result).splitlines()[6:]
    assert lines[0] == "::error file=assets/logo.py,title=prodgate binary::file is binary"
    assert lines[3] == "::error file=svc/broken.py,line=3,col=5,title=prodgate syntax-error::invalid syntax (line 3, column 5)"
    assert lines[5] == ("::warning file=svc/payments.py,line=12,col=30,title=prodgate suppression-without-reason"
                        "::suppression of PG101 gives no reason")


def test_properties_escape_colon_and_comma(run_result: RunResult, make_result: Callable[..., RunResult]) -> None:
    finding = replace(run_result.findings[1], path="a,b:c%d.py", message="50% done\r\nnext")
    (line,) = github.render(make_result(findings=(finding,), diagnostics=())).splitlines()
    assert line == ("::error file=a%2Cb%3Ac%25d.py,line=6,col=12,endLine=6,endColumn=44,"
                    "title=PG101 http-call-without-timeout::50%25 done%0D%0Anext")


def test_escape_functions() -> None:
    assert github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


def test_nothing_to_say(make_result: Callable[..., RunResult]) -> None:
    assert github.render(make_result(findings=(), diagnostics=())) == ""
