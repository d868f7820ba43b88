"""Import names to the distributions that provide them, and back.

Installed distributions say what they provide (``top_level.txt``, ``RECORD``). For declared
distributions that are not installed, the well-known mismatches between a distribution's name
and its import name fill the gap (``yaml`` comes from ``PyYAML``, ``cv2`` from ``opencv-python``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from packaging.utils import canonicalize_name

from prodgate.deps.installed import Distribution

# import name -> distributions known to provide it under another name
KNOWN_PROVIDERS: Mapping[str, tuple[str, ...]] = {
    "yaml": ("pyyaml",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "PIL": ("pillow",),
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "bs4": ("beautifulsoup4",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("pyjwt",),
    "jose": ("python-jose",),
    "magic": ("python-magic",),
    "multipart": ("python-multipart",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "telegram": ("python-telegram-bot",),
    "socketio": ("python-socketio",),
    "engineio": ("python-engineio",),
    "slugify": ("python-slugify",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "OpenSSL": ("pyopenssl",),
    "nacl": ("pynacl",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "zmq": ("pyzmq",),
    "git": ("gitpython",),
    "github": ("pygithub",),
    "gitlab": ("python-gitlab",),
    "psycopg2": ("psycopg2-binary", "psycopg2"),
    "MySQLdb": ("mysqlclient",),
    "pymysql": ("pymysql",),
    "ldap": ("python-ldap",),
    "attr": ("attrs",),
    "google": ("protobuf", "google-api-core", "google-cloud-core", "googleapis-common-protos"),
    "grpc": ("grpcio",),
    "kafka": ("kafka-python",),
    "confluent_kafka": ("confluent-kafka",),
    "win32api": ("pywin32",),
    "win32con": ("pywin32",),
    "pythoncom": ("pywin32",),
    "markdown": ("markdown",),
    "fitz": ("pymupdf",),
    "tesserocr": ("tesserocr",),
    "sentry_sdk": ("sentry-sdk",),
    "typing_extensions": ("typing-extensions",),
    "pkg_resources": ("setuptools",),
    "_pytest": ("pytest",),
    "websocket": ("websocket-client",),
    "lxml": ("lxml",),
    "Levenshtein": ("python-levenshtein", "levenshtein"),
    "tomli_w": ("tomli-w",),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "mpl_toolkits": ("matplotlib",),
    "pylab": ("matplotlib",),
}


class ImportMap:
    """Which installed distributions provide a top-level import name."""

    def __init__(self, distributions: Iterable[Distribution]):
        self.providers: dict[str, set[str]] = defaultdict(set)
        for dist in distributions:
            for name in dist.top_level:
                self.providers[name].add(dist.name)

    def distributions_of(self, module: str) -> frozenset[str]:
        return frozenset(self.providers.get(module.split(".", 1)[0], ()))


def guessed_import_names(distribution: str) -> frozenset[str]:
    """Import names a declared but not installed distribution most likely provides."""
    canonical = canonicalize_name(distribution)
    names = {canonical.replace("-", "_")}
    for prefix in ("python-", "py-", "django-"):
        if canonical.startswith(prefix):
            names.add(canonical[len(prefix):].replace("-", "_"))
    names |= {module for module, providers in KNOWN_PROVIDERS.items() if canonical in providers}
    return frozenset(names)
