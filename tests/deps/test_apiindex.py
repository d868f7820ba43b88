"""The installed-API index on a site-packages directory written by the test: what is provable
is answered, anything dynamic is unknown, and answers survive in the per-version cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.deps.apiindex import FORMAT, ApiIndex, Unknown

PACKAGE = {
    "acme/__init__.py": "from .client import Client, connect\nfrom ._compat import *\nfrom . import errors\n",
    "acme/_compat.py": "__all__ = ['compat_name']\ncompat_name = 1\n",
    "acme/errors.py": "class AcmeError(Exception):\n    pass\n",
    "acme/client.py": (
        "import functools\n\n"
        "class Base:\n"
        "    def close(self):\n        pass\n\n"
        "class Client(Base):\n"
        "    def __init__(self, url, *, timeout=None):\n        self.url = url\n\n"
        "    def request(self, method, url, *, json=None, headers=None):\n        pass\n\n"
        "    def get(self, url, **kwargs):\n        return self.request('GET', url, **kwargs)\n\n"
        "    @functools.lru_cache\n"
        "    def cached(self, key):\n        pass\n\n"
        "def connect(url, **options):\n"
        "    with Client(url) as client:\n        return client.request('GET', url, **options)\n\n"
        "def spread(**kwargs):\n    first(**kwargs)\n    second(**kwargs)\n"
    ),
    "lazy/__init__.py": "def __getattr__(name):\n    raise AttributeError(name)\n\nreal = 1\n",
    "proxied/__init__.py": "",
    "proxied/op.py": "from .operations import Operations\n\nOperations.install_proxy(globals(), locals())\n",
    "proxied/operations.py": "class Operations:\n    @classmethod\n    def install_proxy(cls, namespace, local):\n        pass\n",
    "aliased/__init__.py": "",
    "aliased/_lazy.py": (
        "import sys\n\n"
        "def set_aliases(aliases):\n"
        "    namespace = sys._getframe(1).f_globals\n"
        "    namespace['__getattr__'] = lambda name: aliases[name]\n"
    ),
    "aliased/abc.py": "from ._lazy import set_aliases\n\nclass Current:\n    pass\n\nset_aliases({'Old': 'aliased.abc.Current'})\n",
    "plain/__init__.py": (
        "import logging\nfrom .helpers import configure\n\nconfigure()\nlog = logging.getLogger(__name__)\n\n"
        "def __go(namespace):\n    configure()\n\n__go(locals())\n"
    ),
    "filled/__init__.py": "def __go(namespace):\n    namespace['extra'] = 1\n\n__go(locals())\n",
    "plain/helpers.py": "def configure():\n    pass\n",
    "meta/__init__.py": "class Registry(type):\n    pass\n\nclass Model(metaclass=Registry):\n    pass\n",
    "native/__init__.py": "from ._speedups import *\n",
    "native/_speedups.cpython-311-x86_64-linux-gnu.so": "",
}


TOP_LEVEL = frozenset(name.split("/", 1)[0] for name in PACKAGE)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site-packages"
    for name, text in PACKAGE.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def index(site: Path, cache: Path | None = None) -> ApiIndex:
    return ApiIndex((str(site),), lambda top: f"{top}-1.0" if top in TOP_LEVEL else None,
                    cache)


def answer(api: ApiIndex, path: str) -> str:
    try:
        return "exists" if api.resolve(path) is not None else "missing"
    except Unknown:
        return "unknown"


@pytest.mark.parametrize(("path", "expected"), [
    ("acme.Client", "exists"),
    ("acme.connect", "exists"),
    ("acme.compat_name", "exists"),
    ("acme.errors.AcmeError", "exists"),
    ("acme.errors.AcmeError.args", "exists"),
    ("acme.Client.close", "exists"),
    ("acme.Client.url", "exists"),
    ("acme.Client.fetch", "missing"),
    ("acme.fetch", "missing"),
    ("acme.errors.Missing", "missing"),
    ("acme.nosuchmodule", "missing"),
    ("lazy.real", "exists"),
    ("lazy.anything", "unknown"),
    ("proxied.op.alter_column", "unknown"),  # filled by the call that is handed globals()
    ("aliased.abc.Current", "exists"),
    ("aliased.abc.Old", "unknown"),  # added through the caller's frame by set_aliases
    ("plain.configure", "exists"),
    ("plain.missing", "missing"),  # calls on import that do not touch the caller leave it provable
    ("filled.extra", "unknown"),  # its own function writes into the namespace it is handed
    ("meta.Model.objects", "unknown"),
    ("native.fast", "unknown"),
    ("acme.connect.attribute", "unknown"),
    ("other.thing", "unknown"),
])
def test_existence(site: Path, path: str, expected: str) -> None:
    assert answer(index(site), path) == expected


def test_keywords_follow_signatures_and_forwarding(site: Path) -> None:
    api = index(site)
    assert api.keywords("acme.Client") == {"self", "url", "timeout"}
    assert {"json", "headers", "url"} <= api.keywords("acme.Client.get")  # type: ignore[operator]
    assert "timeout_seconds" not in api.keywords("acme.connect")  # type: ignore[operator]
    assert "json" in api.keywords("acme.connect")  # type: ignore[operator]
    assert api.keywords("acme.client.spread") is None
    with pytest.raises(Unknown):
        api.keywords("acme.Client.cached")


def test_answers_are_cached_per_distribution_version(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = index(site, cache)
    assert answer(first, "acme.Client.fetch") == "missing"
    first.save()
    stored = json.loads((cache / "api" / f"acme-1.0.v{FORMAT}.json").read_text())
    assert "acme.client" in stored["modules"] and "acme.client.Client" in stored["records"]
    (site / "acme" / "client.py").write_text("raise SystemExit('the cache must be used, not the source')\n")
    again = index(site, cache)
    assert answer(again, "acme.Client.fetch") == "missing"
    assert answer(again, "acme.Client.request") == "exists"


def test_unparsable_source_is_unknown(site: Path) -> None:
    (site / "acme" / "errors.py").write_text("class (:\n")
    assert answer(index(site), "acme.errors.Missing") == "unknown"
