"""Sample projects for the dynamic tests: real packages written to a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from fuzz_support import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Writes ``{relative path: source}`` under a project root with a pyproject.toml; returns the root."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        files = {"pyproject.toml": '[project]\nname = "sample"\n', **files}
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make
