"""Which changes AI assistants wrote, from what the assistants themselves write into git.

The signals and their weights follow ../shared/provenance.md and the CHAOSS ``disclosure``
detector: each piece of evidence adds points to one tool (capped at 100), and the tool with the most
points wins when it reaches ``min-score``. E-mails are matched whole (bots with their numeric id),
trailer keys and footers only at the start of a line, never display names or ordinary words
("Claude", "cursor" and "codex" are names and words). When nothing matches, the answer is
``unknown``, never ``human``; ``human`` needs a configured human identity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prodgate.core.config import CHECKS, ConfigError, Key
from prodgate.governance.git import BlameLine, Commit
from prodgate.governance.records import Attribution
from prodgate.governance.trailers import parse_trailers

UNKNOWN = Attribution("unknown", 0)
STRONG, MODEL_BONUS, WEAK = 75, 10, 40

# Co-author / author / committer e-mails the tools write (exact, case-insensitive).
KNOWN_EMAILS: Mapping[str, str] = {
    "noreply@anthropic.com": "claude-code",
    "209825114+claude[bot]@users.noreply.github.com": "claude-code",
    "208546643+claude-code-action[bot]@users.noreply.github.com": "claude-code",
    "198982749+copilot@users.noreply.github.com": "copilot",
    "223556219+copilot@users.noreply.github.com": "copilot",
    "copilot@github.com": "copilot",
    "aider@aider.chat": "aider",
    "noreply@aider.chat": "aider",
    "cursoragent@cursor.com": "cursor",
    "206951365+cursor[bot]@users.noreply.github.com": "cursor",
    "noreply@openai.com": "codex",
    "codex@openai.com": "codex",
    "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com": "codex",
    "215057067+openai-codex[bot]@users.noreply.github.com": "codex",
    "158243242+devin-ai-integration[bot]@users.noreply.github.com": "devin",
    "176961590+gemini-code-assist[bot]@users.noreply.github.com": "gemini",
    "161369871+google-labs-jules[bot]@users.noreply.github.com": "jules",
    "gemini-cli@google.com": "gemini",
    "noreply@opencode.ai": "opencode",
    "amp@ampcode.com": "amp",
}

# Names people put after Assisted-by:, Generated-by:, AI-Assisted: or in git-ai logs.
TOOL_ALIASES: Mapping[str, str] = {
    "claude": "claude-code", "claude-code": "claude-code", "claude code": "claude-code", "claude_code": "claude-code",
    "copilot": "copilot", "github copilot": "copilot", "github-copilot": "copilot", "copilot-swe-agent": "copilot",
    "aider": "aider", "cursor": "cursor", "cursor agent": "cursor", "codex": "codex", "openai codex": "codex",
    "devin": "devin", "gemini": "gemini", "gemini-cli": "gemini", "gemini cli": "gemini", "jules": "jules",
    "opencode": "opencode", "amp": "amp", "replit": "replit", "windsurf": "windsurf", "cline": "cline",
}

DEFAULT_BRANCH_PREFIXES = ("codex/", "claude/", "copilot/", "cursor/", "devin/", "cline/", "aider/", "gemini/")
_BRANCH_TOOLS = {"claude/": "claude-code"}
_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")
_CLAUDE_FOOTER = re.compile(r"^(?:\U0001F916\s*)?Generated with \[?Claude Code\]?", re.MULTILINE)
_NEGATIVE = frozenset({"no", "false", "none", "n/a", "0"})
_AFFIRMATIVE = frozenset({"yes", "true", "1"})

KEYS: tuple[Key, ...] = (
    Key("ai-identities", CHECKS["strings"], (),
        "Extra e-mails of assistants or bots, as `e-mail` or `tool=e-mail`; an author, committer or co-author with one is AI."),
    Key("human-identities", CHECKS["strings"], (),
        "E-mails of people; a commit by one of them with no AI evidence is attributed `human` instead of `unknown`."),
    Key("agent-branch-prefixes", CHECKS["strings"], DEFAULT_BRANCH_PREFIXES,
        "Branch-name prefixes agents use (the branch under review is read from git or $GITHUB_HEAD_REF)."),
    Key("min-score", CHECKS["int"], 50, "Points (0-100) of evidence needed to attribute a change to an assistant."),
)


@dataclass(frozen=True, slots=True)
class ProvenanceSettings:
    ai_identities: Mapping[str, str]
    human_identities: frozenset[str]
    branch_prefixes: tuple[str, ...]
    min_score: int

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> ProvenanceSettings:
        identities: dict[str, str] = {}
        for entry in section.get("ai-identities", ()):
            tool, _, email = entry.rpartition("=")
            if "@" not in email:
                raise ConfigError(f"tool.prodgate.provenance.ai-identities: expected `e-mail` or `tool=e-mail`, got {entry!r}")
            identities[email.strip().lower()] = tool.strip() or "configured-assistant"
        humans = frozenset(e.strip().lower() for e in section.get("human-identities", ()))
        return cls(identities, humans, tuple(section.get("agent-branch-prefixes", DEFAULT_BRANCH_PREFIXES)),
                   int(section.get("min-score", 50)))


DEFAULT_SETTINGS = ProvenanceSettings({}, frozenset(), DEFAULT_BRANCH_PREFIXES, 50)


def tool_name(text: str) -> str:
    """A tool id from free text such as ``Claude:claude-opus-4`` or ``GitHub Copilot``."""
    name = text.strip().split(":", 1)[0].split("(", 1)[0].strip().lower()
    name = re.split(r"\s+[\[<]", name, maxsplit=1)[0].strip()
    return TOOL_ALIASES.get(name, re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "assistant")


def email_of(value: str) -> str:
    found = _ADDRESS.search(value)
    return found.group(1).lower() if found else ""


class _Evidence:
    def __init__(self) -> None:
        self.points: dict[str, int] = {}
        self.signals: dict[str, list[str]] = {}

    def add(self, tool: str, points: int, signal: str) -> None:
        self.points[tool] = min(100, self.points.get(tool, 0) + points)
        self.signals.setdefault(tool, []).append(f"{signal} (+{points})")

    def verdict(self, min_score: int) -> Attribution | None:
        if not self.points:
            return None
        tool = max(self.points, key=lambda t: self.points[t])  # first seen wins a tie
        score = self.points[tool]
        signals = tuple(s for t in self.points for s in self.signals[t])
        return Attribution(tool if score >= min_score else "unknown", score, signals)


def _identity(email: str, settings: ProvenanceSettings) -> str | None:
    email = email.lower()
    return settings.ai_identities.get(email) or KNOWN_EMAILS.get(email)


def _trailer_evidence(key: str, value: str, settings: ProvenanceSettings, evidence: _Evidence) -> None:
    lowered = key.lower()
    if lowered == "co-authored-by":
        email = email_of(value)
        tool = _identity(email, settings)
        if tool:
            evidence.add(tool, STRONG, f"{key}: trailer names {email}")
            name = value[: value.rfind("<")].strip()
            if re.search(r"[\d(]", name):
                evidence.add(tool, MODEL_BONUS, f"{key}: trailer names the model ({name})")
    elif lowered in ("assisted-by", "generated-by", "co-authored-by-ai", "ai-assisted", "ai-tool"):
        word = value.strip().lower()
        if not word or word in _NEGATIVE:
            return
        tool = "assistant" if word in _AFFIRMATIVE else tool_name(value)
        evidence.add(tool, STRONG, f"{key}: {value.strip()}")
    elif lowered == "made-with" and value.strip().lower() == "cursor":
        evidence.add("cursor", STRONG, f"{key}: {value.strip()}")
    elif lowered == "claude-session" and value.strip().startswith("https://claude.ai/code/"):
        evidence.add("claude-code", STRONG, f"{key}: trailer")
    elif lowered == "agent-logs-url" and re.match(r"https://github\.com/[^/\s]+/[^/\s]+/sessions/", value.strip()):
        evidence.add("copilot", STRONG, f"{key}: trailer")
    elif lowered == "replit-commit-author" and value.strip().lower() in ("agent", "assistant"):
        evidence.add("replit", STRONG, f"{key}: {value.strip()}")
    elif lowered == "replit-commit-session-id":
        evidence.add("replit", WEAK, f"{key}: trailer")
    elif lowered == "entire-agent" and value.strip():
        evidence.add(tool_name(value), STRONG, f"{key}: {value.strip()}")
    elif lowered == "entire-session":
        evidence.add("entire", WEAK, f"{key}: trailer")


def attribute_commit(commit: Commit, settings: ProvenanceSettings = DEFAULT_SETTINGS, branch: str = "") -> Attribution:
    """The assistant (or ``human``/``unknown``) behind one commit, with the evidence."""
    evidence = _Evidence()
    for role, name, email in (("author", commit.author_name, commit.author_email),
                              ("committer", commit.committer_name, commit.committer_email)):
        tool = _identity(email, settings)
        if tool:
            evidence.add(tool, STRONG, f"{role} e-mail {email.lower()}")
        if name.endswith(" (aider)"):
            evidence.add("aider", STRONG, f"{role} name ends with (aider)")
    if commit.subject.startswith("aider: "):
        evidence.add("aider", STRONG, "subject starts with `aider: `")
    if _CLAUDE_FOOTER.search(commit.message):
        evidence.add("claude-code", STRONG, "`Generated with Claude Code` footer")
    for key, value in parse_trailers(commit.message):
        _trailer_evidence(key, value, settings, evidence)
    for prefix in settings.branch_prefixes:
        if branch.startswith(prefix):
            evidence.add(_BRANCH_TOOLS.get(prefix, tool_name(prefix.rstrip("/"))), STRONG, f"agent branch {branch}")
    found = evidence.verdict(settings.min_score)
    if found is not None and found.is_ai:
        return found
    if commit.author_email.lower() in settings.human_identities:
        return Attribution("human", 100, (f"author e-mail {commit.author_email.lower()} is a configured human identity",))
    return found or UNKNOWN


@dataclass(frozen=True, slots=True)
class AuthoredRange:
    start: int
    end: int
    tool: str
    model: str


def _ranges(text: str) -> list[tuple[int, int]]:
    spans = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            spans.append((int(first), int(last or first)))
    return spans


def parse_authorship_note(text: str) -> dict[str, list[AuthoredRange]]:
    """A git-ai ``authorship/`` log (refs/notes/ai) as AI-written line ranges per file path.

    Anything that is not such a log (no ``---`` separator, no ``authorship/`` schema) gives ``{}``.
    """
    attestation, separator, metadata = text.partition("\n---\n")
    if not separator:
        return {}
    try:
        meta = json.loads(metadata)
    except json.JSONDecodeError:
        return {}
    if not isinstance(meta, dict) or not str(meta.get("schema_version", "")).startswith("authorship/"):
        return {}
    prompts = meta.get("prompts")
    if not isinstance(prompts, dict):
        prompts = {}
    result: dict[str, list[AuthoredRange]] = {}
    path = ""
    for line in attestation.split("\n"):
        if not line.strip():
            continue
        if not line[0].isspace():
            path = line.strip().strip('"')
            continue
        session, _, spans = line.strip().partition(" ")
        agent = (prompts.get(session) or {}).get("agent_id") or {}
        tool = tool_name(str(agent.get("tool") or "assistant"))
        for start, end in _ranges(spans):
            result.setdefault(path, []).append(AuthoredRange(start, end, tool, str(agent.get("model") or "")))
    return result


def attribute_lines(blame: Sequence[BlameLine], commits: Mapping[str, Attribution],
                    notes: Mapping[str, Mapping[str, Sequence[AuthoredRange]]]) -> dict[int, Attribution]:
    """Each blamed line's attribution: the git-ai log of its commit when it covers the line, else the commit's."""
    result = {}
    for entry in blame:
        logged = notes.get(entry.sha, {}).get(entry.original_path, ())
        hit = next((r for r in logged if r.start <= entry.original_line <= r.end), None)
        if hit is not None:
            model = f" ({hit.model})" if hit.model else ""
            result[entry.line] = Attribution(hit.tool, STRONG, (f"git-ai authorship log in refs/notes/ai{model} (+{STRONG})",))
        else:
            result[entry.line] = commits.get(entry.sha, UNKNOWN)
    return result


def strongest(attributions: Iterable[Attribution]) -> Attribution:
    """The AI attribution with the most evidence; else ``human`` if any; else ``unknown``."""
    found = list(attributions)
    ai = [a for a in found if a.is_ai]
    if ai:
        return max(ai, key=lambda a: a.score)
    humans = [a for a in found if a.tool == "human"]
    return humans[0] if humans and len(humans) == len(found) else UNKNOWN


def attribute_file(lines: Mapping[int, Attribution]) -> tuple[Attribution, float]:
    """A file's strongest attribution and the share (0-1) of its changed lines written by an assistant."""
    if not lines:
        return UNKNOWN, 0.0
    ai_lines = sum(1 for a in lines.values() if a.is_ai)
    return strongest(lines.values()), ai_lines / len(lines)
