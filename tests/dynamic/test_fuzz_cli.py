"""``prodgate fuzz`` end to end: reports in every format, exit codes, configuration, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fuzz_support import Project

from prodgate.cli.main import main
from prodgate.core.config import load_config
from prodgate.dynamic.runner import fuzz
from prodgate.report import FORMATS, render

SOURCE = '''
def ratio(done: int, total: int) -> float:
    return done / total


def lookup(table: dict[str, int], key: str) -> int:
    return table[key]


def checked(table: dict[str, int], key: str) -> int:
    if key not in table:
        raise ValueError(f"unknown key {key!r}")
    return table[key]
'''

CONFIG = '''
[project]
name = "sample"

[tool.prodgate.fuzz]
max-examples = 25
time-budget = 3
call-timeout-ms = 500
scaling = false
races = false
expected = { "stats:lookup" = ["KeyError"] }
'''


@pytest.fixture
def sample(project: Project) -> Path:
    return project({"pyproject.toml": CONFIG, "stats.py": SOURCE})


def test_json_report_exit_code_and_configured_expectations(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fuzz", str(sample / "stats.py"), "--format", "json", "--no-progress", "--jobs", "2"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["rule"], f["category"], f["path"], f["line"], f["properties"]["function"], f["properties"]["input"],
             f["properties"]["oracle"]) for f in report["findings"]] == [
        ("PG901", "dynamic.crash", "stats.py", 1, "stats:ratio", "ratio(done=0, total=0)", "crash-type")]


def test_every_report_format_and_the_reproducers(sample: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fuzz", str(sample), "--no-progress", "--write-tests", str(tmp_path / "repro"),
                 "--format", "sarif", "--output", str(tmp_path / "report.sarif"), "--exit-zero"])
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "repro").iterdir()) == ["test_prodgate_stats.py"]
    assert "wrote 1 reproducer file(s)" in capsys.readouterr().err
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PG901"]
    result = fuzz([str(sample / "stats.py")], load_config(sample))
    for fmt in sorted(FORMATS):
        text = render(result, fmt)
        assert "stats.py" in text, fmt


@pytest.mark.parametrize(("argv", "message"), [
    (["fuzz", "does/not/exist.py"], "does/not/exist.py: no such file or directory"),
    (["fuzz", "nosuchmodule:func"], "no module 'nosuchmodule'"),
    (["fuzz", ".", "--max-examples", "0"], "expected a positive integer"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
                                          sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_bad_fuzz_setting_names_the_key(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    root = project({"pyproject.toml": "[tool.prodgate.fuzz]\nmax-examples = 0\n", "m.py": "x = 1\n"})
    assert main(["fuzz", str(root / "m.py")]) == 2
    assert "tool.prodgate.fuzz.max-examples: expected a positive integer" in capsys.readouterr().err


QUICK_TABLE = "\n[tool.prodgate.fuzz]\nmax-examples = 10\ntime-budget = 2\nscaling = false\nraces = false\n"


def test_an_unimportable_module_fails_the_run_and_a_skipped_function_does_not(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    root = project({"pyproject.toml": '[project]\nname = "s"\n' + QUICK_TABLE,
                    "bad.py": "import does_not_exist_anywhere\n", "loose.py": "def echo(x):\n    return x\n"})
    argv = ["fuzz", str(root), "--no-progress", "--format", "json"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["findings"] == []
    assert sorted((d["path"], d["kind"]) for d in report["diagnostics"]) == [
        ("bad.py", "import-error"), ("loose.py", "fuzz-skipped")]
    assert "1 file(s) could not be analysed" in captured.err
    (root / "bad.py").unlink()
    assert main(argv) == 0  # a function without hints is reported, not failed
    capsys.readouterr()
    (root / "bad.py").write_text("import does_not_exist_anywhere\n", encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "s"\n\n[tool.prodgate]\nfail-on-unanalysed = false\n'
                                         + QUICK_TABLE, encoding="utf-8")
    assert main(argv) == 0
