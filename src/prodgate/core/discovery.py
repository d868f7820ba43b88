"""Which files a scan reads: include/exclude globs, .gitignore files, explicit paths."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import pathspec

from prodgate.core.config import DEFAULT_EXCLUDES, Config


@dataclass(frozen=True, slots=True)
class SourceFile:
    absolute: Path
    relative: str  # posix, relative to the project root

    @property
    def module(self) -> str:
        """The dotted module name the path suggests (``pkg/sub/mod.py`` -> ``pkg.sub.mod``)."""
        parts = self.relative.rsplit(".", 1)[0].split("/")
        if parts and parts[0] == "src" and len(parts) > 1:
            parts = parts[1:]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts) or "__main__"

    @property
    def is_package(self) -> bool:
        return self.relative.endswith(("__init__.py", "__init__.pyi"))


class _Ignores:
    """Gitignore specs of the directories walked so far, each matched relative to its directory."""

    def __init__(self, root: Path, patterns: Iterable[str], respect_gitignore: bool):
        self.root = root
        self.respect = respect_gitignore
        self.specs: list[tuple[str, pathspec.PathSpec]] = [("", pathspec.GitIgnoreSpec.from_lines(list(patterns)))]
        if respect_gitignore:
            self._load(root / ".git" / "info" / "exclude", "")

    def _load(self, file: Path, base: str) -> None:
        try:
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        self.specs.append((base, pathspec.GitIgnoreSpec.from_lines(lines)))

    def enter(self, directory: Path, relative: str) -> None:
        if self.respect:
            self._load(directory / ".gitignore", relative)

    def ignored(self, relative: str, is_dir: bool) -> bool:
        for base, spec in self.specs:
            if base and not relative.startswith(base + "/"):
                continue
            local = relative[len(base) + 1:] if base else relative
            if spec.match_file(local + "/" if is_dir else local):
                return True
        return False


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[Path], config: Config) -> list[SourceFile]:
    """Files to analyse under ``paths``, sorted, each once. Explicit file arguments are always kept."""
    root = config.root.resolve()
    excludes = list(config["exclude"] or DEFAULT_EXCLUDES) + list(config["extend-exclude"])
    ignores = _Ignores(root, excludes, config["respect-gitignore"])
    include = config["include"]
    found: dict[str, SourceFile] = {}
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if absolute.is_dir():
            for file in _walk(absolute, root, ignores, include):
                found.setdefault(file.relative, file)
        elif absolute.exists() or absolute.is_symlink():
            relative = _relative(absolute, root)
            found.setdefault(relative, SourceFile(absolute, relative))
        else:
            raise FileNotFoundError(f"{given}: no such file or directory")
    return sorted(found.values(), key=lambda f: f.relative)


def _walk(start: Path, root: Path, ignores: _Ignores, include: tuple[str, ...]) -> Iterator[SourceFile]:
    # Parents between the root and the start directory contribute their .gitignore files too.
    start_relative = _relative(start, root)
    if start_relative not in ("", ".") and not start_relative.startswith("/"):
        parts = start_relative.split("/")
        for depth in range(len(parts)):
            ignores.enter(root.joinpath(*parts[:depth]), "/".join(parts[:depth]))
    # os.walk does not follow directory symlinks, so symlink loops cannot trap it.
    for directory, dirnames, filenames in os.walk(start, followlinks=False):
        current = Path(directory)
        relative_dir = _relative(current, root)
        relative_dir = "" if relative_dir == "." else relative_dir
        ignores.enter(current, relative_dir)
        kept = []
        for name in sorted(dirnames):
            rel = f"{relative_dir}/{name}" if relative_dir else name
            if not ignores.ignored(rel, is_dir=True) and not (current / name).is_symlink():
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not any(fnmatch(name, pattern) for pattern in include):
                continue
            rel = f"{relative_dir}/{name}" if relative_dir else name
            if not ignores.ignored(rel, is_dir=False):
                yield SourceFile(current / name, rel)
