"""Every format over the same fixed result, compared with its checked-in golden file.

After an intended change, regenerate with ``PRODGATE_UPDATE_GOLDENS=1 pytest tests/report`` and
review the diff of ``tests/report/goldens/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from prodgate.core.result import RunResult
from prodgate.report import render

GOLDENS = Path(__file__).resolve().parent / "goldens"
FILES = {
    "text": "report.txt",
    "json": "report.json",
    "sarif": "report.sarif",
    "markdown": "report.md",
    "junit": "report.xml",
    "github": "report.github.txt",
}


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_matches_golden(fmt: str, make_result: Callable[..., RunResult], source_root: Path) -> None:
    # Only the text report reads source lines; the others must not depend on the root's contents.
    result = make_result(root=str(source_root) if fmt == "text" else "/srv/app")
    rendered = render(result, fmt)
    golden = GOLDENS / FILES[fmt]
    if os.environ.get("PRODGATE_UPDATE_GOLDENS"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8", newline="\n")
    assert rendered == golden.read_text(encoding="utf-8")
