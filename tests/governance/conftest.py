"""Real git repositories built by the tests: files, commits by people and by assistants."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .ledger_databases import _no_database_from_the_environment, ledger_url, postgres_url  # noqa: F401

if shutil.which("git") is None:  # pragma: no cover - git is part of every CI image
    pytest.skip("git is not installed", allow_module_level=True)


class Repo:
    """A throwaway git repository with a `main` branch and helpers to commit as anyone."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "user.name", "Test Setup")
        self.git("config", "user.email", "setup@example.com")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root), "LC_ALL": "C"}
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=env, check=True)
        return done.stdout

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, author: str = "Ada Lovelace <ada@example.com>",
               committer: str | None = None, paths: tuple[str, ...] = (".",)) -> str:
        self.git("add", "--all", *paths)
        name, email = author[: author.index("<")].strip(), author[author.index("<") + 1: -1]
        c_name, c_email = name, email
        if committer:
            c_name, c_email = committer[: committer.index("<")].strip(), committer[committer.index("<") + 1: -1]
        self.git("-c", f"user.name={c_name}", "-c", f"user.email={c_email}", "commit", "-q",
                 "--allow-empty", "--author", f"{name} <{email}>", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")
