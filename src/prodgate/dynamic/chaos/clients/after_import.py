"""Run a callback right after a module is first imported (a post-import hook).

The chaos plugin patches a client library only once the project imports it: importing every
supported library up front (aiohttp, botocore, psycopg, redis) costs each recorded test session
about a second the project never asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


class _ThenCall(Loader):
    """The module's own loader, followed by the callback once the module has run."""

    def __init__(self, loader: Loader, callback: Callable[[], None]):
        self.loader = loader
        self.callback = callback

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # The module keeps its real loader, which resource readers and reloads ask for.
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        # The import system binds a submodule to its package only after this returns; the callback
        # may already reach it through the package (urllib.request).
        package, _, name = module.__name__.rpartition(".")
        if package:
            setattr(sys.modules[package], name, module)
        self.callback()


class AfterImport(MetaPathFinder):
    """Calls ``callbacks[name]()`` after module ``name`` is executed by its first import."""

    def __init__(self, callbacks: dict[str, Callable[[], None]]):
        self.callbacks = callbacks

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        callback = self.callbacks.pop(fullname, None)
        if callback is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ThenCall(spec.loader, callback)
                return spec
        return None
