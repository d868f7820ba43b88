"""The git wrapper on real repositories: diffs with renames, deletions, binary and unicode paths."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodgate.governance.git import Git, GitError, line_ranges, parse_hunks, split_patch

from .conftest import Repo


def _by_path(git: Git, base: str) -> dict:
    return {d.path: d for d in git.diff(base, "HEAD")}


def test_added_and_modified_lines_are_numbered_on_the_new_side(repo: Repo) -> None:
    repo.write("app.py", "a = 1\nb = 2\nc = 3\nd = 4\n")
    base = repo.commit("start")
    repo.write("app.py", "a = 1\nB = 2\nc = 3\nd = 4\ne = 5\nf = 6\n")
    repo.commit("change")
    diff = _by_path(Git(repo.root), base)["app.py"]
    assert diff.status == "modified"
    assert diff.added_lines == (2, 5, 6)
    assert [h.removed for h in diff.hunks] == [("b = 2",), ()]
    assert [h.added for h in diff.hunks][1] == ((5, "e = 5"), (6, "f = 6"))


def test_rename_with_edit_keeps_the_old_path(repo: Repo) -> None:
    body = "".join(f"line_{i} = {i}\n" for i in range(30))
    repo.write("old name.py", body)
    base = repo.commit("start")
    (repo.root / "pkg").mkdir()
    repo.git("mv", "old name.py", "pkg/new näme.py")
    repo.write("pkg/new näme.py", body.replace("line_7 = 7", "line_7 = 70"))
    repo.commit("rename")
    diffs = Git(repo.root).diff(base, "HEAD")
    assert [(d.path, d.status, d.old_path, d.added_lines) for d in diffs] == [
        ("pkg/new näme.py", "renamed", "old name.py", (8,))]


def test_deletion_binary_and_unicode_paths(repo: Repo) -> None:
    repo.write("gone.py", "x = 1\ny = 2\n")
    repo.write("keep.txt", "k\n")
    base = repo.commit("start")
    (repo.root / "gone.py").unlink()
    (repo.root / "logo.png").write_bytes(b"\x89PNG\x00\x01\x02")
    repo.write("données/é t\"é.py", "z = 1\n")
    repo.commit("mixed")
    diffs = _by_path(Git(repo.root), base)
    assert diffs["gone.py"].status == "deleted" and diffs["gone.py"].added_lines == ()
    assert diffs["gone.py"].hunks[0].removed == ("x = 1", "y = 2")
    assert diffs["logo.png"].binary and diffs["logo.png"].hunks == ()
    assert diffs['données/é t"é.py'].added_lines == (1,)


def test_a_file_without_a_final_newline_and_a_pure_rename(repo: Repo) -> None:
    repo.write("a.py", "one\ntwo")
    repo.write("same.py", "".join(f"s{i}\n" for i in range(20)))
    base = repo.commit("start")
    repo.write("a.py", "one\nTWO")
    repo.git("mv", "same.py", "moved.py")
    repo.commit("edit")
    diffs = _by_path(Git(repo.root), base)
    assert diffs["a.py"].added_lines == (2,)
    assert (diffs["moved.py"].status, diffs["moved.py"].old_path, diffs["moved.py"].hunks) == ("renamed", "same.py", ())


def test_commits_blame_and_merge_base(repo: Repo) -> None:
    repo.write("m.py", "a\n")
    base = repo.commit("start")
    repo.branch("feature")
    repo.write("m.py", "a\nb\n")
    first = repo.commit("add b\n\nbody line\n\nCo-authored-by: Claude <noreply@anthropic.com>",
                        author="Robo Writer <robo@example.com>", committer="Cee <cee@example.com>")
    repo.write("m.py", "a\nb\nc\n")
    second = repo.commit("add c")
    git = Git(repo.root)
    assert git.default_branch() == "main"
    assert git.merge_base("main") == base
    commits = git.commits(base, "HEAD")
    assert [c.sha for c in commits] == [second, first]
    assert (commits[1].author_email, commits[1].committer_email) == ("robo@example.com", "cee@example.com")
    assert commits[1].message.endswith("Co-authored-by: Claude <noreply@anthropic.com>")
    blame = git.blame("HEAD", "m.py", [2, 3])
    assert [(b.line, b.sha, b.original_line) for b in blame] == [(2, first, 2), (3, second, 3)]
    assert git.commits_touching(base, "HEAD", "m.py") == [second, first]


def test_notes_under_refs_notes_ai(repo: Repo) -> None:
    repo.write("m.py", "a\n")
    sha = repo.commit("start")
    git = Git(repo.root)
    assert git.notes([sha]) == {}
    repo.git("notes", "--ref=refs/notes/ai", "add", "-m", "m.py\n  abc 1\n---\n{}", sha)
    assert git.notes([sha]) == {sha: "m.py\n  abc 1\n---\n{}\n"}


def test_errors_are_one_line_reasons(tmp_path: Path, repo: Repo) -> None:
    with pytest.raises(GitError, match="not a git repository"):
        Git(tmp_path)
    repo.commit("empty")
    git = Git(repo.root)
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        git.resolve("nope")
    with pytest.raises(GitError, match="invalid revision"):
        git.resolve("--output=/tmp/x")


def test_no_default_branch_is_reported(repo: Repo) -> None:
    repo.branch("topic")
    repo.commit("only")
    with pytest.raises(GitError, match="cannot tell the default branch"):
        Git(repo.root).default_branch()


def test_hunk_counts_decide_where_a_hunk_ends() -> None:
    patch = ("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n--- not a header\n+diff --git a/y b/y\n"
             "+++ also content\n\\ No newline at end of file\n")
    sections = split_patch(patch)
    assert len(sections) == 1
    binary, hunks = parse_hunks(sections[0])
    assert not binary
    assert hunks[0].removed == ("-- not a header",)
    assert hunks[0].added == ((1, "diff --git a/y b/y"), (2, "++ also content"))


@given(st.sets(st.integers(min_value=1, max_value=200)))
def test_line_ranges_cover_exactly_the_lines(lines: set[int]) -> None:
    ranges = line_ranges(lines)
    assert {n for start, end in ranges for n in range(start, end + 1)} == lines
    assert all(b[0] > a[1] + 1 for a, b in itertools.pairwise(ranges))


_LINE = st.sampled_from(["a", "b", "c", "x = 1", "", "  indented", "+plus", "-minus", "@@ at", "\\ back", "é"])


@settings(max_examples=40, deadline=None)
@given(st.lists(_LINE, max_size=12), st.lists(_LINE, max_size=12))
def test_hunks_parsed_from_real_git_rebuild_the_new_file(tmp_path_factory: pytest.TempPathFactory,
                                                          old: list[str], new: list[str]) -> None:
    folder = tmp_path_factory.mktemp("hunks")
    (folder / "old").write_text("".join(f"{line}\n" for line in old), encoding="utf-8")
    (folder / "new").write_text("".join(f"{line}\n" for line in new), encoding="utf-8")
    done = subprocess.run(["git", "diff", "--no-index", "--unified=0", "--no-color", "old", "new"],
                          cwd=folder, capture_output=True)
    sections = split_patch(done.stdout.decode("utf-8"))
    hunks = parse_hunks(sections[0])[1] if sections else []
    added = {number: text for hunk in hunks for number, text in hunk.added}
    removed_at = {hunk.old_start + i for hunk in hunks for i in range(len(hunk.removed))}
    kept = [line for number, line in enumerate(old, start=1) if number not in removed_at]
    assert [added[n] for n in sorted(added)] == [new[n - 1] for n in sorted(added)]
    assert [line for number, line in enumerate(new, start=1) if number not in added] == kept
    assert sum(len(h.removed) for h in hunks) == len(old) - len(kept)


def test_a_shallow_clone_says_how_to_fix_it(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    repo.branch("feature")
    repo.write("a.py", "a = 2\n")
    repo.commit("two")
    repo.git("checkout", "-q", "main")
    repo.write("b.py", "b = 1\n")
    repo.commit("three")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo.root}", str(clone)],
                   check=True, capture_output=True)
    git = Git(clone)
    git.run("checkout", "-q", "feature")
    with pytest.raises(GitError, match="a shallow clone: fetch the full history"):
        git.merge_base("origin/main")
