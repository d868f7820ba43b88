"""The ledger works from a built wheel: its Alembic migrations are package data, not files of the source tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

MIGRATION_FILES = {
    "prodgate/governance/migrations/env.py",
    "prodgate/governance/migrations/script.py.mako",
    "prodgate/governance/migrations/versions/v0001_gate_runs.py",
}

USE_THE_WHEEL = """\
import sys
from datetime import datetime, timezone
from pathlib import Path

site, project = sys.argv[1], Path(sys.argv[2])
sys.path.insert(0, site)
import prodgate
from prodgate.governance.ledger import Ledger
from prodgate.governance.records import GateRun

assert prodgate.__file__.startswith(site), prodgate.__file__
run = GateRun("a" * 40, "b" * 40, prodgate.__version__, "c0ffee", "pass", (), (), (), (),
              datetime.now(timezone.utc), 0.5, "acme/shop")
with Ledger.open(None, project) as ledger:
    print(ledger.run(ledger.record(run)).run == run)
"""


def test_a_wheel_ships_the_migrations_and_its_ledger_migrates_a_fresh_database(repo_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(repo_root / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(repo_root / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                            str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp_path / "dist").glob("prodgate-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert set(archive.namelist()) >= MIGRATION_FILES
        archive.extractall(tmp_path / "site")

    project = tmp_path / "project"
    project.mkdir()
    used = subprocess.run([sys.executable, "-c", USE_THE_WHEEL, str(tmp_path / "site"), str(project)],
                          capture_output=True, text=True, timeout=120, cwd=project)
    assert (used.returncode, used.stdout) == (0, "True\n"), used.stderr[-2000:]
    assert (project / ".prodgate" / "ledger.db").is_file()
