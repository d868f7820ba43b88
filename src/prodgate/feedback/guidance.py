"""The marked section of the files AI coding assistants read (AGENTS.md, CLAUDE.md,
.github/copilot-instructions.md, .cursor/rules/*.mdc): the project's production lessons.

Only the text between ``<!-- prodgate:guidance:start -->`` and ``<!-- prodgate:guidance:end -->`` is
ever written; everything outside it stays byte for byte, and writing the same lessons again changes
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from prodgate.feedback.lessons import Lesson

START = "<!-- prodgate:guidance:start -->"
END = "<!-- prodgate:guidance:end -->"
ASSISTANT_FILES = ("AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md")
CURSOR_RULES = Path(".cursor") / "rules"
CURSOR_FILE = CURSOR_RULES / "prodgate-production-lessons.mdc"
CURSOR_HEADER = "---\ndescription: Production lessons of this project, kept by prodgate\nalwaysApply: true\n---\n"
DEFAULT_FILE = "AGENTS.md"


class GuidanceError(Exception):
    """A file whose guidance markers are broken; it is left as it is."""


def target_files(root: Path, configured: Sequence[str]) -> list[Path]:
    """The files to write: the configured ones, else the assistant files that exist, else AGENTS.md."""
    if configured:
        return [root / name for name in configured]
    found = [root / name for name in ASSISTANT_FILES if (root / name).is_file()]
    if (root / CURSOR_RULES).is_dir():
        found.append(root / CURSOR_FILE)
    return found or [root / DEFAULT_FILE]


def _fence(code: str) -> list[str]:
    return ["```python", *code.splitlines(), "```"]


def render(lessons: Sequence[Lesson]) -> str:
    """The section, markers included, with "\\n" line ends."""
    lines = [START, "## Production lessons (kept by prodgate)", "",
             "These failure classes reached this project's production. Code you write here must not repeat them. "
             "Regenerate with `prodgate guidance`; edit outside the markers only."]
    if not lessons:
        lines += ["", "No production incidents are recorded yet (`prodgate incidents ingest`)."]
    for lesson in lessons:
        noun = "incident" if lesson.incidents == 1 else "incidents"
        lines += ["", f"### {lesson.category}: {lesson.summary}", "",
                  f"{lesson.incidents} {noun} in production, at " + "; ".join(f"`{w}`" for w in lesson.where) + ".",
                  lesson.why]
        if lesson.rule:
            lines += ["", f"Bad (flagged by {lesson.rule}):", "", *_fence(lesson.bad), "", "Good:", "", *_fence(lesson.good)]
        elif lesson.bad:
            lines += ["", "No prodgate rule covers this yet. The code that failed:", "", *_fence(lesson.bad)]
    lines.append(END)
    return "\n".join(lines) + "\n"


def updated(original: str, section: str) -> str:
    """``original`` with its marked section replaced by ``section`` (appended when it has none).

    The section's line ends follow the file: those the existing section has, else CRLF when the file uses it.
    """
    starts, ends = original.count(START), original.count(END)
    if starts == 0 and ends == 0:
        newline = "\r\n" if "\r\n" in original else "\n"
        section = section.replace("\n", newline)
        if not original:
            return section
        separator = "" if original.endswith(newline + newline) else newline if original.endswith(newline) else newline * 2
        return original + separator + section
    begin, finish = original.find(START), original.find(END)
    if starts != 1 or ends != 1 or finish < begin:
        raise GuidanceError(f"expected one {START} before one {END}, found {starts} and {ends}")
    newline = "\r\n" if original.startswith("\r\n", begin + len(START)) else "\n"
    after = finish + len(END)
    if original.startswith(newline, after):
        after += len(newline)
    return original[:begin] + section.replace("\n", newline) + original[after:]


def write(path: Path, section: str) -> bool:
    """Write ``section`` into ``path`` (created when missing); True when the file changed."""
    try:
        original = path.read_bytes().decode("utf-8") if path.exists() else ""
    except UnicodeDecodeError:
        raise GuidanceError("not UTF-8 text") from None
    if not original and path.suffix == ".mdc":
        original = CURSOR_HEADER
    text = updated(original, section)
    if text == original:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return True
