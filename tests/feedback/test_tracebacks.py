"""Real tracebacks of Python 3.10-3.13: frames, caret lines, chains and exception groups."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodgate.feedback.incident import Incident, Skipped
from prodgate.feedback.sources import read_source, read_text
from prodgate.feedback.tracebacks import TracebackError, parse_traceback

from .conftest import PROD, VERSIONS, expected


def _incidents(path: Path) -> list[Incident]:
    found = list(read_source(path))
    assert not [item for item in found if isinstance(item, Skipped)]
    return [item for item in found if isinstance(item, Incident)]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_recorded_incident_of_each_version_is_read_at_its_record(version: str) -> None:
    wanted = {(e["file"], e["record"]) for e in expected() if e["python"] == version}
    found = set()
    for path in sorted((PROD / f"py{version}").rglob("*")):
        if path.is_file():
            found |= {(path.relative_to(PROD).as_posix(), item.record) for item in _incidents(path)}
    assert found == wanted


def _scenario(version: str, scenario: str) -> Incident:
    entry = next(e for e in expected() if e["python"] == version and e["scenario"] == scenario)
    return next(i for i in _incidents(PROD / entry["file"]) if i.record == entry["record"])


@pytest.mark.parametrize("version", VERSIONS)
def test_a_chained_exception_keeps_its_cause_first(version: str) -> None:
    incident = _scenario(version, "profile_chained")
    assert [r.type for r in incident.chain] == ["TimeoutError", "shop.clients.UpstreamError"]
    assert incident.final.message == "profile service unavailable"
    assert [f.function for f in incident.final.frames][-1] == "get_profile"
    assert incident.chain[0].frames[0].code.startswith("with urllib.request.urlopen(")


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_a_task_group_failure_is_a_group_with_its_member_and_frames(version: str) -> None:
    incident = _scenario(version, "taskgroup")
    group = incident.final
    assert group.type == "ExceptionGroup"
    assert group.message == "unhandled errors in a TaskGroup (1 sub-exception)"
    assert [m.type for m in group.members] == ["ZeroDivisionError"]
    assert group.members[0].frames[-1].function == "score_item"
    assert group.members[0].frames[-1].code == 'return item["revenue"] / item["visits"]'


def test_caret_lines_of_3_11_and_later_are_not_taken_for_code() -> None:
    incident = _scenario("3.13", "index_error")
    frame = incident.final.frames[-1]
    assert (frame.function, frame.code) == ("top_product", 'return ranked[0]["sku"]')
    assert all(set(f.code) - set("~^ ") for f in incident.final.frames if f.code)


def test_a_recursion_error_keeps_its_repeated_frames_out_of_the_message() -> None:
    incident = _scenario("3.12", "recursion")
    assert incident.final.type == "RecursionError"
    assert {f.function for f in incident.final.frames} >= {"category_depth"}


def test_the_timestamp_comes_from_the_log_line_before_the_traceback() -> None:
    incident = _scenario("3.11", "timeout_urlopen")
    assert incident.timestamp is not None and incident.timestamp.tzinfo is not None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups print with margins from Python 3.11")
def test_nested_exception_groups_of_the_running_interpreter(tmp_path: Path) -> None:
    script = tmp_path / "nested.py"
    script.write_text(textwrap.dedent("""\
        def inner(x):
            return [1][x]
        def work():
            try:
                inner(3)
            except IndexError as e:
                raise ExceptionGroup("batch failed", [e, ValueError("bad"), ExceptionGroup("nested", [KeyError("k")])])
        work()
        """), encoding="utf-8")
    text = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False).stderr
    chain = parse_traceback(text)
    assert [r.type for r in chain] == ["IndexError", "ExceptionGroup"]
    group = chain[-1]
    assert [m.type for m in group.members] == ["IndexError", "ValueError", "ExceptionGroup"]
    assert [f.function for f in group.members[0].frames] == ["work", "inner"]
    assert [m.type for m in group.members[2].members] == ["KeyError"]
    assert group.members[2].members[0].message == "'k'"


def test_a_traceback_cut_off_is_skipped_and_reading_goes_on() -> None:
    text = textwrap.dedent("""\
        2026-11-20 10:00:00,000 ERROR shop: failed
        Traceback (most recent call last):
          File "/srv/app/shop/api.py", line 8, in create_order
            quantity = request_data["quantity"]
        2026-11-20 10:00:01,000 ERROR shop: failed again
        Traceback (most recent call last):
          File "/srv/app/shop/api.py", line 8, in create_order
            quantity = request_data["quantity"]
        KeyError: 'quantity'
        Traceback (most recent call last):
          File "/srv/app/shop/api.py", line 8, in create_order
        """)
    found = list(read_text(text, "app.log"))
    skipped = [item for item in found if isinstance(item, Skipped)]
    incidents = [item for item in found if isinstance(item, Incident)]
    assert [(s.record, s.reason.split(":")[0]) for s in skipped] == [(2, "truncated traceback"), (10, "truncated traceback")]
    assert [(i.record, i.final.type, i.final.message) for i in incidents] == [(6, "KeyError", "'quantity'")]
    assert incidents[0].context == "2026-11-20 10:00:01,000 ERROR shop: failed again"


def test_json_log_lines_with_garbage_and_broken_tracebacks_are_counted() -> None:
    good = '{"time": "2026-11-20T10:00:00Z", "msg": "boom", "exception": "Traceback (most recent call last):\\n  File \\"/a/b.py\\", line 1, in f\\n    x()\\nValueError: bad\\n"}'
    lines = [
        good,
        '{"time": "2026-11-20T10:00:00Z", "msg": "cut", "stack_trace": "Traceback (most recent call last):\\n  File \\"/a/b.py\\", line 1, in f\\n"}',
        '{"level": "info", "msg": "no exception here"}',
        '{"unterminated": ',
        "\x00\x01\x02 binary junk",
        "plain text line",
    ]
    found = list(read_text("\n".join(lines), "app.jsonl"))
    assert [(type(i).__name__, i.record) for i in found] == [("Incident", 1), ("Skipped", 2), ("Skipped", 4)]
    first = found[0]
    assert isinstance(first, Incident) and first.final.type == "ValueError" and first.context == "boom"
    assert first.timestamp is not None and first.timestamp.isoformat() == "2026-11-20T10:00:00+00:00"


def test_an_out_of_memory_kill_is_an_incident() -> None:
    text = ("Nov 20 10:00:00 web-1 kernel: Out of memory: Killed process 4242 (gunicorn) total-vm:9000000kB\n"
            "/entrypoint.sh: line 3:    17 Killed                  python -m shop\n"
            "[2026-11-20 10:00:02 +0000] [1] [ERROR] Worker (pid:9) was sent SIGKILL! Perhaps out of memory?\n"
            "INFO user killed the job politely\n")
    found = list(read_text(text, "syslog"))
    assert [(i.record, i.final.type) for i in found if isinstance(i, Incident)] == [(1, "OOMKilled"), (2, "OOMKilled"),
                                                                                    (3, "OOMKilled")]


def test_text_without_a_traceback_is_an_error_for_a_field() -> None:
    with pytest.raises(TracebackError):
        parse_traceback("just words, no traceback here")


@pytest.mark.parametrize("prefix", [
    "2026-11-20T10:00:0{n}.12345678Z stderr F ",  # CRI (Kubernetes container logs)
    "web-1  | ",  # docker compose
    "Nov 20 10:00:0{n} shop-web-1 gunicorn[4{n}1]: ",  # syslog / journald
])
def test_tracebacks_whose_lines_carry_a_prefix(prefix: str) -> None:
    crash = (PROD / "py3.12" / "crash.log").read_text(encoding="utf-8").splitlines()
    start = crash.index("Traceback (most recent call last):")
    end = next(i for i in range(start + 1, len(crash)) if crash[i] and not crash[i].startswith(" "))
    traceback_lines = crash[start:end + 1]
    log = ["2026-11-20 10:00:00,000 INFO shop.http: GET /orders 200",
           *(prefix.format(n=n % 10) + line for n, line in enumerate(traceback_lines)),
           "2026-11-20 10:00:09,000 INFO shop.http: GET /health 200"]
    [incident] = read_text("\n".join(log), "container.log")
    [plain] = read_text("\n".join(traceback_lines), "plain.log")
    assert isinstance(incident, Incident) and isinstance(plain, Incident)
    assert incident.record == 2 and incident.chain == plain.chain


def test_a_log_message_ending_in_the_traceback_header() -> None:
    text = ("2026-11-20 10:00:00,000 ERROR shop: checkout failed Traceback (most recent call last):\n"
            '  File "/srv/app/shop/api.py", line 8, in create_order\n'
            '    quantity = request_data["quantity"]\n'
            "KeyError: 'quantity'\n")
    [incident] = read_text(text, "app.log")
    assert isinstance(incident, Incident) and incident.final.type == "KeyError"
    assert incident.timestamp is not None and incident.record == 1


def test_docker_json_file_logs_are_read_line_by_line() -> None:
    crash = (PROD / "py3.13" / "crash.log").read_text(encoding="utf-8").splitlines()
    [plain] = [i for i in read_text("\n".join(crash[:40]), "plain.log") if isinstance(i, Incident)][:1]
    docker = [json.dumps({"log": line + "\n", "stream": "stderr", "time": f"2026-11-20T10:00:{n % 60:02d}.{n:09d}Z"})
              for n, line in enumerate(crash[:40])]
    found = [i for i in read_text("\n".join(docker), "container-json.log") if isinstance(i, Incident)]
    assert found[0].record == plain.record and found[0].chain == plain.chain
    assert found[0].timestamp is not None and found[0].timestamp.isoformat().startswith("2026-11-20T10:00:")
    json_lines = (PROD / "py3.12" / "service.jsonl").read_text(encoding="utf-8").splitlines()
    wrapped = [json.dumps({"log": line + "\n", "stream": "stdout", "time": "2026-11-20T10:00:00Z"}) for line in json_lines]
    inner = [i for i in read_text("\n".join(wrapped), "c.log") if isinstance(i, Incident)]
    assert [i.chain for i in inner] == [i.chain for i in read_text("\n".join(json_lines), "s.jsonl") if isinstance(i, Incident)]
    assert inner
