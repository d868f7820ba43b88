"""prodgate survives arbitrary Python, arbitrary bytes, symlink loops and huge files."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodgate.api import check_source
from prodgate.cli.main import main
from prodgate.core.config import load_config


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("robust")
    (root / "pyproject.toml").write_text("[tool.prodgate]\n")
    return load_config(root)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=hypothesmith.from_grammar())
def test_arbitrary_python_never_crashes(source: str, config) -> None:
    _, diagnostics = check_source(source, "generated.py", config)
    assert not [d for d in diagnostics if d.kind == "internal-error"], diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes, config) -> None:
    text = data.decode("latin-1")
    _, diagnostics = check_source(text, "noise.py", config)
    assert not [d for d in diagnostics if d.kind == "internal-error"], diagnostics


def test_hostile_tree_is_reported_not_fatal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(1234)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'hostile'\n")
    for index in range(30):
        (tmp_path / f"noise_{index}.py").write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000))))
    (tmp_path / "latin.py").write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path / "loop", tmp_path / "loop" / "again")
    os.symlink(tmp_path / "a.py", tmp_path / "b.py")
    os.symlink(tmp_path / "b.py", tmp_path / "a.py")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "missing.py")
    with (tmp_path / "huge.py").open("wb") as handle:
        handle.write(b"x = 1\n" * (50 * 1024 * 1024 // 6))
    (tmp_path / "good.py").write_text("import requests\nrequests.get('https://x')\n")

    code = main(["check", str(tmp_path), "--format", "json", "--no-cache", "--select", "PG101"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    report = json.loads(captured.out)
    kinds = {d["path"]: d["kind"] for d in report["diagnostics"]}
    assert kinds["huge.py"] == "too-large"
    assert kinds["nul.py"] == "binary"
    assert kinds["a.py"] == "unreadable" and kinds["dangling.py"] == "unreadable"
    assert "cookie.py" not in kinds  # a declared encoding is honoured
    assert kinds["latin.py"] == "decode-error"
    assert [f["path"] for f in report["findings"]] == ["good.py"]
