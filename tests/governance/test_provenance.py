"""Attribution of commits and lines to assistants, and the traps that must stay `unknown`."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodgate.core.config import ConfigError
from prodgate.governance.git import BlameLine, Commit
from prodgate.governance.provenance import (
    DEFAULT_SETTINGS,
    AuthoredRange,
    ProvenanceSettings,
    attribute_commit,
    attribute_file,
    attribute_lines,
    parse_authorship_note,
    tool_name,
)
from prodgate.governance.records import Attribution
from prodgate.governance.trailers import parse_trailers


def _commit(message: str, author: str = "Ada <ada@example.com>", committer: str | None = None) -> Commit:
    name, email = author[: author.index("<")].strip(), author[author.index("<") + 1: -1]
    c_name, c_email = name, email
    if committer:
        c_name, c_email = committer[: committer.index("<")].strip(), committer[committer.index("<") + 1: -1]
    return Commit("0" * 40, name, email, c_name, c_email, message)


@pytest.mark.parametrize(("message", "author", "tool", "score"), [
    ("Fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "Ada <ada@example.com>", "claude-code", 75),
    ("Fix\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>", "Ada <ada@example.com>", "claude-code", 85),
    ("Fix\n\n\U0001F916 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
     "Co-Authored-By: Claude <noreply@anthropic.com>", "Ada <ada@example.com>", "claude-code", 100),
    ("Fix\n\nClaude-Session: https://claude.ai/code/session_01abc", "Ada <ada@example.com>", "claude-code", 75),
    ("Fix", "Copilot <198982749+Copilot@users.noreply.github.com>", "copilot", 100),
    ("Fix\n\nAgent-Logs-Url: https://github.com/o/r/sessions/5f0c\nCo-authored-by: Ada <ada@example.com>",
     "Ada <ada@example.com>", "copilot", 75),
    ("Fix\n\nCo-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>",
     "Ada <ada@example.com>", "aider", 85),
    ("Fix", "Ada Lovelace (aider) <ada@example.com>", "aider", 100),
    ("aider: fix the parser", "Ada <ada@example.com>", "aider", 75),
    ("Fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\nMade-with: Cursor", "Ada <ada@example.com>", "cursor", 100),
    ("Fix\n\nCo-authored-by: Codex <noreply@openai.com>", "Ada <ada@example.com>", "codex", 75),
    ("Fix", "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "devin", 100),
    ("Fix\n\nAssisted-by: Claude:claude-3-opus coccinelle\nSigned-off-by: Ada <ada@example.com>",
     "Ada <ada@example.com>", "claude-code", 75),
    ("Fix\n\nGenerated-by: GitHub Copilot", "Ada <ada@example.com>", "copilot", 75),
    ("Fix\n\nAI-Assisted: yes", "Ada <ada@example.com>", "assistant", 75),
    ("Fix\n\nReplit-Commit-Author: Agent\nReplit-Commit-Session-Id: 1f2e", "Ada <ada@example.com>", "replit", 100),
])
def test_assistant_evidence_is_scored(message: str, author: str, tool: str, score: int) -> None:
    found = attribute_commit(_commit(message, author))
    assert (found.tool, found.score) == (tool, score)
    assert found.is_ai


@pytest.mark.parametrize(("message", "author"), [
    ("Paint water lilies", "Claude Monet <claude@monet.example>"),
    ("Fix\n\nCo-authored-by: Claude Monet <claude.monet@example.org>", "Ada <ada@example.com>"),
    ("Move the cursor to the end; use codex and amp.", "Devin Jules <devin@example.com>"),
    ("Fix", "Octocat <583231+octocat@users.noreply.github.com>"),
    ("Fix\n\nThis mentions Co-authored-by: Claude <noreply@anthropic.com> mid-sentence", "Ada <ada@example.com>"),
    ("Fix\n\nAI-Assisted: no", "Ada <ada@example.com>"),
    ("Fix\n\nWe no longer say Generated with Claude Code anywhere", "Ada <ada@example.com>"),
    ("Fix\n\nAgent-Logs-Url: https://example.com/logs", "Ada <ada@example.com>"),
    ("Fix", "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"),
])
def test_false_positive_traps_stay_unknown(message: str, author: str) -> None:
    assert attribute_commit(_commit(message, author)).tool == "unknown"


def test_weak_evidence_alone_is_not_enough() -> None:
    found = attribute_commit(_commit("Fix\n\nReplit-Commit-Session-Id: 1f2e"))
    assert found == Attribution("unknown", 40, ("Replit-Commit-Session-Id: trailer (+40)",))


def test_configured_identities_and_branches() -> None:
    settings = ProvenanceSettings.from_config({
        "ai-identities": ["internal-agent=agent@corp.example", "bot@corp.example"],
        "human-identities": ["Ada@Example.com"],
        "agent-branch-prefixes": ["claude/", "codex/"], "min-score": 50})
    assert attribute_commit(_commit("x", "Agent <agent@corp.example>"), settings).tool == "internal-agent"
    assert attribute_commit(_commit("x\n\nCo-authored-by: B <bot@corp.example>"), settings).tool == "configured-assistant"
    human = attribute_commit(_commit("x"), settings)
    assert (human.tool, human.signals) == ("human", ("author e-mail ada@example.com is a configured human identity",))
    assert attribute_commit(_commit("x"), settings, branch="claude/fix-login").tool == "claude-code"
    assert attribute_commit(_commit("x"), settings, branch="codex/task").tool == "codex"
    assert attribute_commit(_commit("x", "Bob <bob@example.com>")).tool == "unknown"
    with pytest.raises(ConfigError, match="ai-identities"):
        ProvenanceSettings.from_config({"ai-identities": ["not-an-email"]})


def test_ai_evidence_beats_a_configured_human() -> None:
    settings = ProvenanceSettings.from_config({"human-identities": ["ada@example.com"]})
    found = attribute_commit(_commit("x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), settings)
    assert found.tool == "claude-code"


def test_trailer_block_rules() -> None:
    assert parse_trailers("Fix: the parser") == ()
    assert parse_trailers("Subject\n\nBody text.\n\nReviewed-by: A <a@x>\nSee-also: y\n") == (
        ("Reviewed-by", "A <a@x>"), ("See-also", "y"))
    assert parse_trailers("Subject\n\nKey: value\n  continued\n") == (("Key", "value continued"),)
    assert parse_trailers("Subject\n\nSigned-off-by: A <a@x>\nfree text\nmore text\nand more\nand yet more\n") == ()
    assert parse_trailers("Subject\n\nSigned-off-by: A <a@x>\nfree text\n") == (("Signed-off-by", "A <a@x>"),)
    assert parse_trailers("Subject\n\nNot: trailers here\nbecause this line is prose\n") == ()
    assert parse_trailers("Subject\n\nA: 1\n\nbody after\n") == ()


_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True)
_VALUE = st.from_regex(r"[A-Za-z0-9<>@. +-]{1,30}", fullmatch=True).map(str.strip).filter(bool)


@given(st.lists(st.tuples(_KEY, _VALUE), min_size=1, max_size=6), st.text(alphabet="abc xyz.", min_size=1).map(str.strip).filter(bool))
def test_trailers_round_trip(trailers: list[tuple[str, str]], body: str) -> None:
    message = "Subject\n\n" + body + "\n\n" + "\n".join(f"{k}: {v}" for k, v in trailers) + "\n"
    assert parse_trailers(message) == tuple(trailers)


NOTE = """src/pay.py
  d9978a8723e02b52 1-4,9-10,12
  0000000000000000 20
---
""" + json.dumps({"schema_version": "authorship/3.0.0", "base_commit_sha": "abc",
                  "prompts": {"d9978a8723e02b52": {"agent_id": {"tool": "cursor", "id": "c1", "model": "gpt-5"}}}})


def test_authorship_note_and_line_attribution() -> None:
    ranges = parse_authorship_note(NOTE)
    assert ranges == {"src/pay.py": [AuthoredRange(1, 4, "cursor", "gpt-5"), AuthoredRange(9, 10, "cursor", "gpt-5"),
                                     AuthoredRange(12, 12, "cursor", "gpt-5"), AuthoredRange(20, 20, "assistant", "")]}
    assert parse_authorship_note("just a note") == {}
    assert parse_authorship_note("a\n---\n{\"schema_version\": \"other\"}") == {}
    human = Attribution("human", 100)
    blame = [BlameLine(5, "c1", "src/pay.py", 3), BlameLine(6, "c1", "src/pay.py", 5), BlameLine(7, "c2", "src/x.py", 1)]
    lines = attribute_lines(blame, {"c1": human}, {"c1": ranges})
    assert lines[5].tool == "cursor" and lines[5].signals == ("git-ai authorship log in refs/notes/ai (gpt-5) (+75)",)
    assert lines[6] == human
    assert lines[7].tool == "unknown"
    overall, share = attribute_file(lines)
    assert (overall.tool, round(share, 3)) == ("cursor", 0.333)
    assert attribute_file({1: human, 2: human}) == (human, 0.0)
    assert attribute_file({1: human, 2: Attribution("unknown", 0)})[0].tool == "unknown"


def test_tool_names() -> None:
    assert tool_name("Claude:claude-3-opus [coccinelle]") == "claude-code"
    assert tool_name("GitHub Copilot") == "copilot"
    assert tool_name("Some New Agent 2") == "some-new-agent-2"
    assert DEFAULT_SETTINGS.min_score == 50
