"""The pull-request comment: verdict heading, severity table, escaped and capped findings table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from prodgate.core.result import RunResult
from prodgate.report import markdown


def test_heading_verdict_and_severity_table(run_result: RunResult) -> None:
    lines = markdown.render(run_result).splitlines()
    assert lines[:11] == [
        "## prodgate: failed",
        "",
        "failed: 3 findings at or above high, 6 files not analysed (12 files, 3456 lines)",
        "",
        "| severity | findings |",
        "|---|---|",
        "| critical | 1 |",
        "| high | 2 |",
        "| medium | 1 |",
        "| low | 1 |",
        "| info | 1 |",
    ]


def test_findings_most_severe_first_with_escaped_cells(run_result: RunResult) -> None:
    lines = markdown.render(run_result).splitlines()
    start = lines.index("### Findings (6)")
    assert lines[start + 2:start + 10] == [
        "| severity | rule | location | message |",
        "|---|---|---|---|",
        "| critical | PG720 hardcoded-secret | svc/payments.py:3 | a credential is assigned to `API_KEY` in source code |",
        "| high | PG601 tainted-sql-query | svc/db.py:24 | request data reaches the SQL string of `cursor.execute` |",
        "| high | PG101 http-call-without-timeout | svc/payments.py:6 | `requests.post` has no timeout, so one "
        "unresponsive server blocks this worker forever |",
        "| medium | PG302 module-cache-without-eviction | svc/cache.py:4 | cache `größe\\|size` grows 100%: "
        "unbounded,<br>evict entries |",
        "| low | PG210 exception-swallowed | svc/utils.py:9 | the exception is dropped, so failures in `load` go unseen |",
        "| info | PG850 placeholder-left-in-code | svc/utils.py:2 | placeholder `TODO` left in a production path |",
    ]


def test_cell_escaping() -> None:
    assert markdown.cell("a|b\r\nc\rd\ne") == "a\\|b<br>c<br>d<br>e"


def test_rows_are_capped(run_result: RunResult, make_result: Callable[..., RunResult]) -> None:
    template = run_result.findings[0]
    many = tuple(replace(template, line=n, fingerprint=f"{n:032d}") for n in range(1, markdown.MAX_ROWS + 6))
    lines = markdown.render(make_result(findings=many, diagnostics=())).splitlines()
    rows = [line for line in lines if line.startswith("| medium | PG302")]
    assert len(rows) == markdown.MAX_ROWS
    assert rows[-1].startswith(f"| medium | PG302 module-cache-without-eviction | svc/cache.py:{markdown.MAX_ROWS} |")
    assert lines[-1] == "and 5 more findings"


def test_diagnostics_tables(run_result: RunResult) -> None:
    lines = markdown.render(run_result).splitlines()
    start = lines.index("### Suppression problems (3)")
    assert lines[start + 2:] == [
        "| kind | location | message |",
        "|---|---|---|",
        "| suppression-without-reason | svc/payments.py:12 | suppression of PG101 gives no reason |",
        "| unused-suppression | svc/utils.py:5 | suppression of PG302 suppresses nothing |",
        "| unknown-rule-in-suppression | svc/utils.py:7 | PG999 is not a rule |",
    ]
    assert "| binary | assets/logo.py | file is binary |" in lines


def test_passing_run_has_no_findings_table(make_result: Callable[..., RunResult]) -> None:
    output = markdown.render(make_result(findings=(), diagnostics=()))
    assert output.splitlines()[0] == "## prodgate: passed"
    assert output.splitlines()[2] == "passed (12 files, 3456 lines)"
    assert not any(line.startswith("### ") for line in output.splitlines())
