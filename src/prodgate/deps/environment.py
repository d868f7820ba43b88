"""One analysed project's dependency world: target interpreter, installed and declared distributions.

Rules decide in the project phase (``confirm``) against the *active* environment, which
``prodgate.api`` sets for the duration of a run (``with using(Environment(...))``). Everything is
computed lazily, on the first question a rule asks, so runs without the ai rules pay nothing.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from prodgate.deps.apiindex import ApiIndex
from prodgate.deps.declared import PROJECT_FILES, Declared, declaring_files, read_declared
from prodgate.deps.importmap import KNOWN_PROVIDERS, ImportMap, guessed_import_names
from prodgate.deps.installed import (
    Distribution,
    Interpreter,
    current_interpreter,
    installed_distributions,
    modules_on_path,
    probe_interpreter,
)
from prodgate.deps.stdlib import ever_stdlib, stdlib_modules

SOURCE_DIRS = ("", "src", "lib", "python")


class Environment:
    """What the project at ``root`` declares and what the interpreter ``python`` has installed."""

    def __init__(self, root: Path, python: str | None = None, target_version: tuple[int, int] | None = None,
                 cache_dir: Path | None = None):
        self.root = root
        self.python = python
        self._target_version = target_version
        self.cache_dir = cache_dir
        self._nested: dict[str, frozenset[str]] = {}
        self._is_project: dict[str, bool] = {}

    @cached_property
    def interpreter(self) -> Interpreter:
        return probe_interpreter(self.python) if self.python else current_interpreter()

    def probe(self) -> Interpreter:
        """The target interpreter, probed now (so a bad ``--python`` fails before the scan)."""
        return self.interpreter

    @property
    def target_version(self) -> tuple[int, int]:
        return self._target_version or self.interpreter.version

    @cached_property
    def stdlib(self) -> frozenset[str]:
        return stdlib_modules(self.interpreter.stdlib, self.target_version) | {"__future__", "__main__"}

    @cached_property
    def any_stdlib(self) -> frozenset[str]:
        return ever_stdlib(self.interpreter.stdlib)

    @cached_property
    def distributions(self) -> dict[str, Distribution]:
        return installed_distributions(self.interpreter.path)

    @cached_property
    def import_map(self) -> ImportMap:
        return ImportMap(self.distributions.values())

    @cached_property
    def importable(self) -> frozenset[str]:
        return modules_on_path(self.interpreter.path)

    @cached_property
    def declared(self) -> Declared:
        return read_declared(self.root)

    @cached_property
    def declared_modules(self) -> frozenset[str]:
        """Import names the declared distributions provide (installed metadata, else the usual names)."""
        return self._modules_of(self.declared)

    def _modules_of(self, declared: Declared) -> frozenset[str]:
        names: set[str] = set()
        for name in {*declared.requirements, *declared.pins}:
            dist = self.distributions.get(name)
            names |= dist.top_level if dist is not None else guessed_import_names(name)
        return frozenset(names)

    def declared_nearby(self, module: str, importer_dir: str) -> bool:
        """A nested project holding the importer (``examples/celery`` with its own pyproject.toml)
        declares a distribution that provides ``module``."""
        return any(module in self._nested_modules(d) for d in self.nested_projects([importer_dir]))

    def nested_projects(self, directories: Iterable[str]) -> list[str]:
        """The directories holding any of ``directories`` (relative to the root, the root aside)
        that are projects of their own: a pyproject.toml, setup.cfg or setup.py is in them."""
        found: set[str] = set()
        for directory in directories:
            while directory:
                if directory not in self._is_project:
                    self._is_project[directory] = any((self.root / directory / name).is_file() for name in PROJECT_FILES)
                if self._is_project[directory]:
                    found.add(directory)
                directory = directory.rpartition("/")[0]
        return sorted(found)

    def _nested_modules(self, directory: str) -> frozenset[str]:
        if directory not in self._nested:
            self._nested[directory] = self._modules_of(read_declared(self.root / directory))
        return self._nested[directory]

    @cached_property
    def complete(self) -> bool:
        """Every runtime dependency is installed, so what they pull in is installed too."""
        return all(name in self.distributions for name in self.declared.runtime)

    def is_local(self, module: str, importer_dir: str = "") -> bool:
        """A module or package on disk in the project (source roots, namespace dirs, sibling files)."""
        for base in {*SOURCE_DIRS, importer_dir}:
            directory = self.root / base
            if (directory / module).is_dir() or any((directory / f"{module}{s}").is_file() for s in (".py", ".pyi")):
                return True
        return False

    def is_available(self, module: str) -> bool:
        """Importable in the target environment: standard library, installed or declared."""
        return (module in self.any_stdlib or module in self.importable or bool(self.import_map.distributions_of(module))
                or module in self.declared_modules)

    def providers(self, module: str) -> frozenset[str]:
        return self.import_map.distributions_of(module)

    def is_declared_module(self, module: str) -> bool:
        providers = self.providers(module) or frozenset(KNOWN_PROVIDERS.get(module, ()))
        return any(self.declared.is_declared(p) for p in providers) or module in self.declared_modules

    def version_of(self, distribution: str) -> Version | None:
        """The installed version, else the version a lock file pins."""
        dist = self.distributions.get(canonicalize_name(distribution))
        if dist is not None:
            try:
                return Version(dist.version)
            except InvalidVersion:
                return None
        return self.declared.pins.get(canonicalize_name(distribution))

    def declared_range(self, distribution: str) -> SpecifierSet | None:
        return self.declared.requirements.get(canonicalize_name(distribution))

    def installed_as_declared(self, distribution: str) -> bool:
        """The installed version of ``distribution`` is one the project's declared range accepts
        (or the project declares no range, or it is not installed): otherwise this environment is
        not the one the project runs in, and its installed API says nothing about the code."""
        declared = self.declared_range(distribution)
        if declared is None or canonicalize_name(distribution) not in self.distributions:
            return True
        installed = self.version_of(distribution)
        return installed is None or declared.contains(installed, prereleases=True)

    def runs_here(self, module: str) -> bool:
        """Every installed distribution providing ``module`` is ``installed_as_declared``."""
        return all(self.installed_as_declared(distribution) for distribution in self.providers(module))

    def api_key(self, module: str) -> str | None:
        """The API-index cache key of a top-level module: its distribution and version (or Python's)."""
        providers = sorted(self.providers(module))
        if providers:
            dist = self.distributions[providers[0]]
            return f"{dist.name}-{dist.version}"
        if module in self.stdlib:
            return "python-{}.{}".format(*self.interpreter.version)
        return None

    def fingerprint(self, directories: Iterable[str] = ()) -> str:
        """A digest of everything the project phase's answers depend on besides the analysed files.

        The interpreter and its version, every ``sys.path`` directory's entries (installed
        distributions carry their versions in their names), the files that declare dependencies
        (the project's, and those of the nested projects holding ``directories``, the analysed
        files' directories), and which source directories exist: a run whose inputs and
        fingerprint are unchanged has the same result.
        """
        digest = hashlib.blake2b(repr((self.interpreter.path, self.interpreter.version, self.target_version)).encode(),
                                 digest_size=20)
        for directory in self.interpreter.path:
            try:
                digest.update("\0".join(sorted(os.listdir(directory))).encode("utf-8", "surrogatepass"))
            except OSError:
                digest.update(b"\1")
        nested = [path for directory in self.nested_projects(directories) for path in declaring_files(self.root / directory)]
        for path in [*declaring_files(self.root), *nested]:
            digest.update(str(path).encode("utf-8", "surrogatepass"))
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"\1")
        digest.update(repr([(self.root / base).is_dir() for base in SOURCE_DIRS]).encode())
        return digest.hexdigest()

    @cached_property
    def api(self) -> ApiIndex:
        return ApiIndex(self.interpreter.path, self.api_key, self.cache_dir)

    def close(self) -> None:
        """Persist what was learnt about installed APIs (only if a rule asked)."""
        if "api" in self.__dict__:
            self.api.save()


_ACTIVE: contextvars.ContextVar[Environment | None] = contextvars.ContextVar("prodgate_environment", default=None)


@contextmanager
def using(environment: Environment) -> Iterator[Environment]:
    """Make ``environment`` the one rules consult until the block ends."""
    token = _ACTIVE.set(environment)
    try:
        yield environment
    finally:
        _ACTIVE.reset(token)
        environment.close()


def active() -> Environment:
    """The environment of the current run (the working directory's, with this interpreter, outside a run)."""
    found = _ACTIVE.get()
    if found is None:
        found = Environment(Path.cwd())
        _ACTIVE.set(found)
    return found
