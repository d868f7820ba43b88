"""The terminal report: snippets with carets, masked secrets, summary and verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prodgate.core.finding import Confidence, Finding, Severity
from prodgate.core.result import RunResult
from prodgate.report import text

SECRET = "sk_live_4f9a8b7c6d5e4f3a2b1c"


def _finding(path: str, span: tuple[int, int, int, int], *, category: str = "resilience.timeout",
             message: str = "`fetch` has no timeout") -> Finding:
    line, column, end_line, end_column = span
    return Finding("PG101", category, Severity.HIGH, Confidence.HIGH, path, line, column, end_line, end_column,
                   message, (), "0" * 32)


def _section(output: str, header: str) -> list[str]:
    """The lines after ``header`` up to the next blank line."""
    lines = output.splitlines()
    start = lines.index(header)
    end = lines.index("", start)
    return lines[start + 1:end]


def test_snippet_with_caret_under_the_span(run_result: RunResult, make_result: Callable[..., RunResult],
                                           source_root: Path) -> None:
    output = text.render(make_result(root=str(source_root)))
    assert _section(output, "svc/payments.py (2 findings)") == [
        "svc/payments.py:3:1  PG720  critical  a credential is assigned to `API_KEY` in source code",
        '     3 | API_KEY = "***"',
        "       | ^^^^^^^^^^^^^^^",
        "svc/payments.py:6:12  PG101  high  `requests.post` has no timeout, so one unresponsive server "
        "blocks this worker forever",
        "     6 |     return requests.post(URL, json=payload)",
        "       |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "       = fix (safe): Add `timeout=`",
    ]
    assert SECRET not in output


def test_unreadable_file_has_no_snippet_but_keeps_the_flow(make_result: Callable[..., RunResult],
                                                           source_root: Path) -> None:
    output = text.render(make_result(root=str(source_root)))
    assert _section(output, "svc/db.py (1 finding)") == [
        "svc/db.py:24:5  PG601  high  request data reaches the SQL string of `cursor.execute`",
        "       = flow 1: svc/api.py:10:12 request data enters as `user_id`",
        "       = flow 2: svc/db.py:20:5 `user_id` is formatted into `query`",
        "       = flow 3: svc/db.py:24:5 `query` is executed",
    ]


def test_multiline_span_and_tabs(make_result: Callable[..., RunResult], source_root: Path) -> None:
    output = text.render(make_result(root=str(source_root)))
    assert _section(output, "svc/utils.py (2 findings)")[4:6] == [
        "     9 |  größe = 'x'; pass",
        "       |  ^^^^^^^^^^^^^^^^^",
    ]


def test_wide_characters_keep_the_caret_aligned(make_result: Callable[..., RunResult], tmp_path: Path) -> None:
    (tmp_path / "wide.py").write_text("名前 = fetch(url)\n", encoding="utf-8")
    output = text.render(make_result(root=str(tmp_path), findings=(_finding("wide.py", (1, 6, 1, 16)),),
                                     diagnostics=()))
    assert _section(output, "wide.py (1 finding)")[1:] == [
        "     1 | 名前 = fetch(url)",
        "       |        ^^^^^^^^^^",
    ]


def test_every_finding_on_a_secret_line_is_masked(make_result: Callable[..., RunResult], tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text(f"client = connect(token='{SECRET}', url=\"https://x\")\n", encoding="utf-8")
    secret = _finding("conf.py", (1, 18, 1, 54), category="security.secrets",
                      message="a credential is passed as `token`")
    other = _finding("conf.py", (1, 10, 1, 72))
    output = text.render(make_result(root=str(tmp_path), findings=(secret, other), diagnostics=()))
    assert _section(output, "conf.py (2 findings)") == [
        "conf.py:1:10  PG101  high  `fetch` has no timeout",
        "     1 | client = connect(token='***', url=\"***\")",
        "       |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "conf.py:1:18  PG101  high  a credential is passed as `token`",
        "     1 | client = connect(token='***', url=\"***\")",
        "       |                  ^^^^^^^^^^^",
    ]
    assert SECRET not in output


def test_control_characters_are_neutralised(make_result: Callable[..., RunResult], tmp_path: Path) -> None:
    (tmp_path / "evil.py").write_text("x = fetch('\x1b[2J')\n", encoding="utf-8")
    finding = _finding("evil.py", (1, 5, 1, 18), message="`fetch` \x1b[31mred\u202e")
    output = text.render(make_result(root=str(tmp_path), findings=(finding,), diagnostics=()))
    assert _section(output, "evil.py (1 finding)") == [
        "evil.py:1:5  PG101  high  `fetch` ?[31mred?",
        "     1 | x = fetch('?[2J')",
        "       |     ^^^^^^^^^^^^^",
    ]
    assert "\x1b" not in output


def test_summary_diagnostics_and_verdict(run_result: RunResult) -> None:
    output = text.render(run_result)
    lines = output.splitlines()
    assert lines[-1] == "prodgate: failed: 3 findings at or above high, 6 files not analysed"
    assert _section(output, "by severity")[2:] == [
        " critical          1", " high              2", " medium            1", " low               1",
        " info              1",
    ]
    assert _section(output, "not analysed")[3] == "svc/broken.py:3  syntax-error  invalid syntax (line 3, column 5)"
    assert _section(output, "suppression problems") == [
        "svc/payments.py:12  suppression-without-reason  suppression of PG101 gives no reason",
        "svc/utils.py:5  unused-suppression  suppression of PG302 suppresses nothing",
        "svc/utils.py:7  unknown-rule-in-suppression  PG999 is not a rule",
    ]


def test_clean_run(make_result: Callable[..., RunResult]) -> None:
    output = text.render(make_result(findings=(), diagnostics=()))
    assert output.splitlines()[-1] == "prodgate: passed"
    assert "by rule" not in output.splitlines()


def test_color_only_when_asked(run_result: RunResult) -> None:
    assert "\x1b[" not in text.render(run_result)
    assert text.render(run_result, color=True).count("\x1b[1;31mcritical\x1b[0m") == 2
