"""Generated documentation is current: rule pages and the configuration reference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_generated_docs_are_current() -> None:
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "generate_docs.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + "\nrun: python scripts/generate_docs.py"
