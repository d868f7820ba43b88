"""``prodgate guidance``: the marked section of assistant files, idempotent, never touching other text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodgate.cli.main import main
from prodgate.feedback.guidance import END, START, GuidanceError, render, updated

from .conftest import PROD

HAND_WRITTEN = "# Shop\r\n\r\nHouse rules:\r\n- run `make test`\r\n- no force pushes\r\n"


def _ingested(service: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    files = [str(p) for p in sorted(PROD.glob("py3.1*/service.log")) + sorted(PROD.glob("py3.1*/crash.log"))]
    assert main(["incidents", "ingest", *files, "--project", str(service)]) == 0
    capsys.readouterr()
    return service


def _guidance(service: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["guidance", "--project", str(service), *extra])
    return code, capsys.readouterr().out


def test_the_section_lists_the_lessons_with_rule_examples(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ingested(service, capsys)
    assert _guidance(service, capsys) == (0, "AGENTS.md: created\n")
    text = (service / "AGENTS.md").read_text(encoding="utf-8")
    assert text.startswith(START) and text.endswith(END + "\n")
    assert "### resilience.timeout: an outbound call can block forever" in text
    assert "Bad (flagged by PG101):" in text
    assert 'return requests.post("https://pay.example/charges", json=payload)\n' in text
    assert "# error:" not in text
    assert "### dynamic.crash:" in text and "Bad (flagged by PG901):" in text  # proven by `prodgate fuzz`
    assert "`shop/api.py: create_order (KeyError)`" in text
    # Good examples show the fix, never a test where the rule does not apply.
    assert "payload = request.get_json(silent=True) or {}" in text and "def test_" not in text


def test_existing_files_are_updated_byte_for_byte_outside_the_section(service: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (service / "CLAUDE.md").write_bytes(HAND_WRITTEN.encode())
    (service / ".github").mkdir()
    tail = "\n\nMore notes after the section.\n"
    (service / ".github" / "copilot-instructions.md").write_text(f"Intro\n\n{START}\nold lessons\n{END}{tail}",
                                                                   encoding="utf-8")
    assert _guidance(service, capsys) == (0, "CLAUDE.md: updated\n.github/copilot-instructions.md: updated\n")
    claude = (service / "CLAUDE.md").read_bytes()
    copilot = (service / ".github" / "copilot-instructions.md").read_bytes()
    assert claude.startswith(HAND_WRITTEN.encode() + b"\r\n" + START.encode() + b"\r\n")
    assert copilot.startswith(b"Intro\n\n" + START.encode()) and copilot.endswith(END.encode() + tail.encode())
    assert b"old lessons" not in copilot and not (service / "AGENTS.md").exists()

    _ingested(service, capsys)
    assert _guidance(service, capsys) == (0, "CLAUDE.md: updated\n.github/copilot-instructions.md: updated\n")
    claude_after = (service / "CLAUDE.md").read_bytes()
    assert claude_after.startswith(HAND_WRITTEN.encode() + b"\r\n" + START.encode())
    assert b"### resilience.timeout" in claude_after and b"\n" not in claude_after.replace(b"\r\n", b"")
    assert (service / ".github" / "copilot-instructions.md").read_bytes().endswith(END.encode() + tail.encode())

    before = {p: p.read_bytes() for p in (service / "CLAUDE.md", service / ".github" / "copilot-instructions.md")}
    assert _guidance(service, capsys) == (0, "CLAUDE.md: unchanged\n.github/copilot-instructions.md: unchanged\n")
    assert {p: p.read_bytes() for p in before} == before
    assert _guidance(service, capsys, "--check") == (0, "")


def test_check_names_stale_files_and_writes_nothing(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (service / "AGENTS.md").write_text("# Agents\n", encoding="utf-8")
    code, out = _guidance(service, capsys, "--check")
    assert (code, out) == (1, "AGENTS.md: not current (run `prodgate guidance`)\n")
    assert (service / "AGENTS.md").read_text(encoding="utf-8") == "# Agents\n"


def test_cursor_rules_get_their_own_rule_file(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (service / ".cursor" / "rules").mkdir(parents=True)
    (service / ".cursor" / "rules" / "style.mdc").write_text("---\nalwaysApply: true\n---\nUse black.\n", encoding="utf-8")
    assert _guidance(service, capsys) == (0, ".cursor/rules/prodgate-production-lessons.mdc: created\n")
    text = (service / ".cursor" / "rules" / "prodgate-production-lessons.mdc").read_text(encoding="utf-8")
    assert text.startswith("---\ndescription: Production lessons of this project, kept by prodgate\nalwaysApply: true\n---\n")
    assert (service / ".cursor" / "rules" / "style.mdc").read_text(encoding="utf-8") == "---\nalwaysApply: true\n---\nUse black.\n"


def test_configured_files_win(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (service / "CLAUDE.md").write_text("# Claude\n", encoding="utf-8")
    with (service / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[tool.prodgate.feedback]\nguidance-files = ["docs/assistants.md"]\n')
    assert _guidance(service, capsys) == (0, "docs/assistants.md: created\n")
    assert _guidance(service, capsys, "--file", "CLAUDE.md") == (0, "CLAUDE.md: updated\n")


@pytest.mark.parametrize("text", [f"{START}\nno end\n", f"{END}\n{START}\n", f"{START}\n{END}\n{START}\n{END}\n"])
def test_broken_markers_are_an_error_and_the_file_is_left_alone(text: str, service: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (service / "AGENTS.md").write_text(text, encoding="utf-8")
    assert main(["guidance", "--project", str(service)]) == 2
    assert "AGENTS.md: expected one" in capsys.readouterr().err
    assert (service / "AGENTS.md").read_text(encoding="utf-8") == text
    with pytest.raises(GuidanceError):
        updated(text, render([]))


@settings(max_examples=200, deadline=None)
@given(st.text().filter(lambda t: START not in t and END not in t), st.text().filter(lambda t: START not in t and END not in t))
def test_text_around_the_section_survives_any_update(before: str, after: str) -> None:
    original = f"{before}{START}\nold\n{END}{after}"
    once = updated(original, render([]))
    assert once.startswith(before) and once.endswith(after)
    assert updated(once, render([])) == once
    appended = updated(before, render([]))
    assert appended.startswith(before) and updated(appended, render([])) == appended
