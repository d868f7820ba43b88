"""A thin, safe wrapper over the git command line: merge base, diff hunks, commits, blame, notes.

Every call passes a list of arguments (never a shell), runs with a timeout and a fixed locale, and
turns git's failures into ``GitError`` with a one-line reason. Paths are posix and relative to the
top of the work tree, exactly as git prints them; NUL-separated output is used wherever git offers
it, so spaces, quotes and non-ASCII characters in paths survive.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 120.0
NOTES_REF = "refs/notes/ai"
_FIELD = "\x1f"
_LOG_FORMAT = _FIELD.join(["%H", "%an", "%ae", "%cn", "%ce", "%B"])
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_SUBMODULE = "160000"


class GitError(Exception):
    """git could not answer: not a repository, an unknown revision, git missing, or a timeout."""


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``@@`` block of a zero-context diff: the removed text and the added lines by number."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    added: tuple[tuple[int, str], ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One changed file between two revisions; ``path`` is the new path (the old one when deleted)."""

    path: str
    status: str  # "added" | "modified" | "deleted" | "renamed" | "copied" | "type-changed"
    old_path: str | None = None
    binary: bool = False
    hunks: tuple[Hunk, ...] = ()

    @property
    def added_lines(self) -> tuple[int, ...]:
        return tuple(number for hunk in self.hunks for number, _ in hunk.added)


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    message: str

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@dataclass(frozen=True, slots=True)
class BlameLine:
    """Who last touched ``line`` of a file at the blamed revision, and where it was in that commit."""

    line: int
    sha: str
    original_path: str
    original_line: int


_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied", "T": "type-changed"}


class Git:
    """Runs git in one work tree."""

    def __init__(self, directory: Path, timeout: float = TIMEOUT):
        self.timeout = timeout
        self._cwd = directory
        self.top = Path(self.run("rev-parse", "--show-toplevel").strip())
        self._cwd = self.top  # every path git prints or takes is relative to the top

    def run(self, *args: str, check: bool = True) -> str:
        env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"}
        command = ["git", "-c", "core.quotepath=off", "-c", "diff.noprefix=false", *args]
        try:
            done = subprocess.run(command, cwd=self._cwd, capture_output=True, env=env,
                                  timeout=self.timeout, check=False)
        except FileNotFoundError:
            raise GitError("git is not installed (no `git` on PATH)") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"`git {args[0]}` took longer than {self.timeout:.0f} s") from None
        if check and done.returncode != 0:
            raise GitError(_reason(args, done.stderr.decode("utf-8", "replace")))
        return done.stdout.decode("utf-8", "surrogateescape")

    def resolve(self, revision: str) -> str:
        """The full commit id of ``revision``."""
        if not revision or revision.startswith("-"):
            raise GitError(f"invalid revision {revision!r}")
        found = self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False).strip()
        if not found:
            raise GitError(f"unknown revision {revision!r} (not a commit in {self.top})")
        return found

    def has_ref(self, ref: str) -> bool:
        return bool(self.run("rev-parse", "--verify", "--quiet", ref, check=False).strip())

    def default_branch(self) -> str:
        """origin/HEAD, else the CI's base branch, else main or master (remote before local)."""
        symbolic = self.run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False).strip()
        if symbolic:
            return symbolic.removeprefix("refs/remotes/")
        candidates = []
        if os.environ.get("GITHUB_BASE_REF"):
            candidates.append(os.environ["GITHUB_BASE_REF"])
        candidates += ["main", "master"]
        for name in candidates:
            for ref in (f"refs/remotes/origin/{name}", f"refs/heads/{name}"):
                if self.has_ref(ref):
                    return ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
        raise GitError("cannot tell the default branch (no origin/HEAD, main or master); pass --base REF")

    def merge_base(self, revision: str, head: str = "HEAD") -> str:
        found = self.run("merge-base", self.resolve(revision), self.resolve(head), check=False).strip()
        if not found:
            shallow = self.run("rev-parse", "--is-shallow-repository", check=False).strip() == "true"
            hint = " (a shallow clone: fetch the full history, e.g. actions/checkout with fetch-depth: 0)" if shallow else ""
            raise GitError(f"{revision} and {head} have no common ancestor{hint}; pass --base REF")
        return found

    def current_branch(self) -> str:
        return self.run("rev-parse", "--abbrev-ref", "HEAD", check=False).strip()

    def diff(self, base: str, head: str) -> list[FileDiff]:
        """Files changed from ``base`` to ``head`` with their zero-context hunks (renames detected)."""
        entries = parse_raw(self.run("diff", "--raw", "-z", "-M", "--no-color", "--no-ext-diff", base, head, "--"))
        patch = self.run("diff", "--unified=0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                         base, head, "--")
        sections = split_patch(patch)
        if len(sections) != len(entries):
            raise GitError(f"cannot match the patch of {base}..{head} to its file list")
        result = []
        for (status, old, new, mode), section in zip(entries, sections, strict=True):
            if mode == _SUBMODULE:
                continue
            binary, hunks = parse_hunks(section)
            result.append(FileDiff(new, status, old if old != new else None, binary, tuple(hunks)))
        return result

    def uncommitted(self, paths: Sequence[str]) -> list[str]:
        """Those of ``paths`` whose working-tree content differs from HEAD."""
        if not paths:
            return []
        return [p for p in self.run("diff", "--name-only", "-z", "--no-ext-diff", "HEAD", "--", *paths).split("\0") if p]

    def commits(self, base: str, head: str) -> list[Commit]:
        """The commits in ``base..head``, newest first."""
        return parse_log(self.run("log", "-z", f"--format={_LOG_FORMAT}", f"{base}..{head}", "--"))

    def commits_by_id(self, shas: Iterable[str]) -> list[Commit]:
        wanted = sorted(set(shas))
        if not wanted:
            return []
        return parse_log(self.run("log", "-z", "--no-walk=unsorted", f"--format={_LOG_FORMAT}", *wanted, "--"))

    def commits_touching(self, base: str, head: str, path: str) -> list[str]:
        return self.run("log", "--format=%H", f"{base}..{head}", "--", path).split()

    def blame(self, revision: str, path: str, lines: Sequence[int]) -> list[BlameLine]:
        """The commit that last changed each of ``lines`` of ``path`` at ``revision``."""
        if not lines:
            return []
        ranges = [arg for start, end in line_ranges(lines) for arg in ("-L", f"{start},{end}")]
        return parse_blame(self.run("blame", "--line-porcelain", *ranges, revision, "--", path))

    def notes(self, shas: Iterable[str]) -> dict[str, str]:
        """The ``refs/notes/ai`` note of each commit that has one."""
        wanted = sorted(set(shas))
        if not wanted or not self.has_ref(NOTES_REF):
            return {}
        listed = self.run("notes", f"--ref={NOTES_REF}", "list").split()
        by_commit = dict(zip(listed[1::2], listed[0::2], strict=True))
        blobs = [(sha, by_commit[sha]) for sha in wanted if sha in by_commit]
        return {sha: self.run("cat-file", "blob", blob) for sha, blob in blobs}


def _reason(args: Sequence[str], stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else "")
    text = text.removeprefix("fatal: ").removeprefix("error: ")
    if "not a git repository" in text:
        return "not a git repository (or any parent up to the mount point); run inside a git work tree"
    return f"git {args[0]} failed: {text}" if text else f"git {args[0]} failed"


def parse_raw(output: str) -> list[tuple[str, str, str, str]]:
    """``git diff --raw -z`` as (status, old path, new path, new mode) per file."""
    fields = output.split("\0")
    entries = []
    index = 0
    while index < len(fields) and fields[index].startswith(":"):
        meta = fields[index][1:].split()
        old_mode, new_mode, letter = meta[0], meta[1], meta[4][0]
        if letter in "RC":
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old = new = fields[index + 1]
            index += 2
        mode = old_mode if letter == "D" else new_mode
        entries.append((_STATUS.get(letter, "modified"), old, new, mode))
    return entries


def split_patch(patch: str) -> list[list[str]]:
    """The patch cut into one list of lines per file, reading hunk bodies by their counts."""
    sections: list[list[str]] = []
    lines = patch.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("diff --git ") or line.startswith("diff --cc "):
            sections.append([line])
            continue
        if not sections:
            continue
        sections[-1].append(line)
        match = _HUNK.match(line)
        if match:
            old_count = int(match.group(2) if match.group(2) is not None else 1)
            new_count = int(match.group(4) if match.group(4) is not None else 1)
            body = old_count + new_count
            while body and index < len(lines):
                taken = lines[index]
                sections[-1].append(taken)
                index += 1
                if not taken.startswith("\\"):
                    body -= 1
            while index < len(lines) and lines[index].startswith("\\"):
                sections[-1].append(lines[index])
                index += 1
    return sections


def parse_hunks(section: Sequence[str]) -> tuple[bool, list[Hunk]]:
    """Whether the file section is binary, and its hunks (added lines numbered on the new side)."""
    hunks: list[Hunk] = []
    binary = any(line.startswith("Binary files ") or line == "GIT binary patch" for line in section
                 if not line.startswith(("+", "-", " ")))
    index = 0
    while index < len(section):
        match = _HUNK.match(section[index])
        index += 1
        if not match:
            continue
        old_start, new_start = int(match.group(1)), int(match.group(3))
        old_count = int(match.group(2) if match.group(2) is not None else 1)
        new_count = int(match.group(4) if match.group(4) is not None else 1)
        added: list[tuple[int, str]] = []
        removed: list[str] = []
        while index < len(section) and (len(added) < new_count or len(removed) < old_count):
            line = section[index]
            index += 1
            if line.startswith("+"):
                added.append((new_start + len(added), line[1:]))
            elif line.startswith("-"):
                removed.append(line[1:])
        hunks.append(Hunk(old_start, old_count, new_start, new_count, tuple(added), tuple(removed)))
    return binary, hunks


def parse_log(output: str) -> list[Commit]:
    commits = []
    for record in output.split("\0"):
        record = record.lstrip("\n")
        if not record:
            continue
        parts = record.split(_FIELD, 5)
        if len(parts) != 6:
            continue
        sha, author, author_email, committer, committer_email, message = parts
        commits.append(Commit(sha, author, author_email, committer, committer_email, message.rstrip("\n")))
    return commits


def parse_blame(output: str) -> list[BlameLine]:
    """``git blame --line-porcelain`` as one entry per line."""
    result = []
    sha, original_line, final_line, filename = "", 0, 0, ""
    for line in output.split("\n"):
        if line.startswith("\t"):
            result.append(BlameLine(final_line, sha, filename, original_line))
            continue
        head = line.split(" ")
        if len(head) >= 3 and len(head[0]) in (40, 64) and all(c in "0123456789abcdef" for c in head[0]):
            sha, original_line, final_line = head[0], int(head[1]), int(head[2])
        elif line.startswith("filename "):
            filename = line[len("filename "):]
    return result


def line_ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted line numbers folded into inclusive (start, end) runs."""
    ranges: list[tuple[int, int]] = []
    for number in sorted(set(lines)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges
