"""Which modules ``prodgate fuzz PATH`` covers, and how the child imports them (parent side; no import).

A file's module name comes from its package directories (those with ``__init__.py``); the
directory above the topmost package is the import root put on the child's ``sys.path``.
``module:qualname`` names one function of an importable module (looked up under the current
directory, its ``src/`` and the project root); ``path/to/file.py:qualname`` one function of a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from prodgate.core.config import Config
from prodgate.core.discovery import discover

NOT_FUZZED = ("test_*.py", "*_test.py", "conftest.py", "setup.py", "__main__.py", "*.pyi")


@dataclass(frozen=True)
class ModuleRef:
    name: str
    path: str  # absolute
    import_root: str
    only: str | None = None  # one qualname, from ``module:qualname``


def module_of(file: Path) -> ModuleRef:
    """The dotted name and import root of a Python file."""
    file = file.resolve()
    parts = [] if file.name == "__init__.py" else [file.stem]
    directory = file.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ModuleRef(".".join(parts), str(file), str(directory))


def _is_spec(target: str) -> bool:
    module, _, qualname = target.partition(":")
    return bool(qualname) and all(p.isidentifier() for p in (*module.split("."), *qualname.split(".")))


def resolve(target: str, config: Config) -> list[ModuleRef]:
    """The modules to fuzz for one command-line target: a file, a directory or ``module:qualname``."""
    path = Path(target)
    named_file, _, one = target.rpartition(":")
    if not path.exists() and named_file.endswith(".py") and Path(named_file).is_file():
        ref = module_of(Path(named_file))
        return [ModuleRef(ref.name, ref.path, ref.import_root, one)]
    if not path.exists() and _is_spec(target):
        module, _, qualname = target.partition(":")
        for root in (Path.cwd(), Path.cwd() / "src", config.root, config.root / "src"):
            candidate = root.joinpath(*module.split("."))
            for file in (candidate.with_suffix(".py"), candidate / "__init__.py"):
                if file.is_file():
                    ref = module_of(file)
                    return [ModuleRef(ref.name, ref.path, ref.import_root, qualname)]
        raise FileNotFoundError(f"{target}: no module {module!r} under {Path.cwd()} or {config.root}")
    refs = []
    for source in discover([path], config):
        fuzzable = source.absolute.suffix == ".py" and not any(fnmatch(source.absolute.name, p) for p in NOT_FUZZED)
        in_tests = "tests" in Path(source.relative).parts[:-1] and path.resolve() != source.absolute.resolve()
        if fuzzable and not in_tests:
            refs.append(module_of(source.absolute))
    return refs
