"""PG822's second source end to end: a library installed in a real virtual environment declares its own
deprecations (``warnings.warn(..., DeprecationWarning)``, ``@deprecated``, a deprecated keyword), and a
project calling it is told so in the library's own words; warnings that are not deprecations stay silent."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest
import typing_extensions

from prodgate.api import check

LIBRARY = {
    "legacylib/__init__.py": "from legacylib._api import Client, fetch, noisy, old_fetch, soon, tidy, typed_only\n",
    "legacylib/_api.py": '''\
import warnings

from typing_extensions import deprecated


def fetch(url, timeout=None, retries=None):
    """Fetch ``url``."""
    if retries is not None:
        warnings.warn("retries= is deprecated since 2.1; pass Client(retry=...) instead.", DeprecationWarning,
                      stacklevel=2)
    return url


def old_fetch(url):
    warnings.warn("old_fetch() is deprecated since legacylib 2.0. Use fetch().", DeprecationWarning, stacklevel=2)
    return fetch(url)


@deprecated("tidy() is going away, use Client.close()")
def tidy():
    return None


@deprecated("typed_only() is discouraged", category=None)
def typed_only():
    return None


def soon(url):
    warnings.warn("soon() will be deprecated in 3.0", PendingDeprecationWarning, stacklevel=2)
    return url


def noisy(url):
    warnings.warn("noisy() is slow", UserWarning, stacklevel=2)
    return url


def maybe(url, flag=False):
    if flag:
        return url
    warnings.warn("maybe() is deprecated", DeprecationWarning, stacklevel=2)
    return url


class Client:
    def __init__(self, url):
        self.url = url

    def get(self, path):
        warnings.warn(f"Client.get({path!r}) is deprecated; use Client.request('GET', ...)", FutureWarning,
                      stacklevel=2)
        return path
''',
}
PROJECT = '[project]\nname = "svc"\nrequires-python = ">=3.10"\ndependencies = ["legacylib>=2"]\n'
CODE = '''\
import warnings

import legacylib
from legacylib import Client
from legacylib._api import maybe


def go(url):
    first = legacylib.old_fetch(url)
    second = legacylib.fetch(url, retries=3)
    third = legacylib.fetch(url, retries=None, timeout=5)
    fourth = legacylib.soon(url) + legacylib.noisy(url) + maybe(url) + str(legacylib.typed_only())
    fifth = Client(url).get("/health")
    legacylib.tidy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        legacylib.old_fetch(url)
    return first, second, third, fourth, fifth
'''


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter whose site-packages holds ``legacylib`` 2.3, installed as a distribution."""
    root = tmp_path_factory.mktemp("env")
    venv.create(root, with_pip=False)
    interpreter = root / "bin" / "python"
    site = Path(subprocess.run([str(interpreter), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    for name, text in LIBRARY.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    (site / "typing_extensions.py").write_text(Path(typing_extensions.__file__).read_text())
    info = site / "legacylib-2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: legacylib\nVersion: 2.3\n")
    (info / "RECORD").write_text("legacylib/__init__.py,,\nlegacylib/_api.py,,\ntyping_extensions.py,,\n")
    return str(interpreter)


def _warned(python: str, call: str) -> str:
    """What calling ``call`` on the installed library really warns (category: message), or ""."""
    probe = ("import warnings, legacylib\nwith warnings.catch_warnings(record=True) as seen:\n"
             f"    warnings.simplefilter('always')\n    legacylib.{call}\n"
             "print('; '.join(f'{w.category.__name__}: {w.message}' for w in seen))")
    return subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()


def test_the_librarys_own_deprecations_are_reported_in_its_words(python: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / "app.py").write_text(CODE)
    findings = check([tmp_path], select=["PG822"], use_cache=False, python=python).findings
    by_line = {f.location.line: f.message for f in findings}
    assert sorted(by_line) == [9, 10, 13, 14]
    assert _warned(python, "old_fetch('u')").startswith("DeprecationWarning: old_fetch() is deprecated")
    assert "since legacylib 2.0" in by_line[9] and '"old_fetch() is deprecated since legacylib 2.0."' in by_line[9]
    assert _warned(python, "fetch('u', retries=3)").startswith("DeprecationWarning: retries=")
    assert "`legacylib.fetch(retries=)`" in by_line[10] and "since legacylib 2.1" in by_line[10]
    assert _warned(python, "Client('u').get('/h')").startswith("FutureWarning:")
    assert "Client.get()` is deprecated in the installed legacylib 2.3" in by_line[13]
    assert "Client.get({path}) is deprecated" in by_line[13]  # the f-string as written, holes named
    assert _warned(python, "tidy()").startswith("DeprecationWarning: tidy() is going away")
    assert '"tidy() is going away, use Client.close()"' in by_line[14]


def test_warnings_that_are_not_deprecations_are_not_reported(python: str) -> None:
    assert _warned(python, "soon('u')").startswith("PendingDeprecationWarning:")
    assert _warned(python, "noisy('u')").startswith("UserWarning:")
    assert _warned(python, "fetch('u', retries=None)") == ""
    assert _warned(python, "_api.maybe('u', flag=True)") == ""
    assert _warned(python, "typed_only()") == ""
