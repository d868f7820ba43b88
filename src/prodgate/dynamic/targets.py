"""The functions and methods ``prodgate fuzz`` calls, found by importing modules in the child only.

A target is a public function defined in the module (``__all__`` when it is declared), or a
public method of a public class defined there. Its parameters come with the type hints
``typing.get_type_hints`` resolves; a parameter without a hint takes the type of its default.
A target whose parameters cannot all be generated is kept with a ``skipped`` reason, so the
report says what was not fuzzed instead of leaving it out silently.
"""

from __future__ import annotations

import collections
import dis
import importlib
import inspect
import linecache
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from prodgate.dynamic.samples import scaled_parameters
from prodgate.dynamic.worker import CallRecorder

VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


@dataclass
class Parameter:
    name: str
    kind: inspect._ParameterKind
    hint: Any
    source: str  # "annotation", "default" or "left-default" (not fuzzed, the default is used)

    @property
    def positional(self) -> bool:
        return self.kind is inspect.Parameter.POSITIONAL_ONLY


@dataclass
class Target:
    module: ModuleType
    qualname: str
    function: Any  # the plain function (unwrapped from staticmethod/classmethod)
    owner: type | None
    binding: str  # "function", "method", "classmethod" or "staticmethod"
    params: list[Parameter] = field(default_factory=list)
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.module.__name__}:{self.qualname}"

    @property
    def path(self) -> str:
        return inspect.getsourcefile(self.function) or getattr(self.module, "__file__", "") or ""

    @property
    def line(self) -> int:
        code = getattr(inspect.unwrap(self.function), "__code__", None)
        if code is None:
            return 1
        number = code.co_firstlineno
        for offset in range(50):  # skip decorators: report the ``def`` line
            text = linecache.getline(code.co_filename, number + offset).lstrip()
            if text.startswith(("def ", "async def ")):
                return number + offset
        return number

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.function)

    def describe(self) -> dict[str, Any]:
        return {
            "module": self.module.__name__, "qualname": self.qualname, "path": self.path, "line": self.line,
            "binding": self.binding, "skipped": self.skipped, "notes": self.notes,
            "params": [{"name": p.name, "hint": _hint_text(p.hint), "source": p.source} for p in self.params],
            "scalable": bool(scaled_parameters(self.params)), "shared_state": shared_state(self),
        }


MUTABLE = (list, dict, set, bytearray, collections.deque)


def codes_of(code: types.CodeType) -> Iterator[types.CodeType]:
    """``code`` and every code object nested in it (comprehensions, inner functions, lambdas)."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from codes_of(const)


def shared_state(target: Target) -> bool:
    """Whether the target rebinds a global, uses a module-level mutable container, or (a method)
    assigns attributes: state that threads calling it would share."""
    code = getattr(inspect.unwrap(target.function), "__code__", None)
    if code is None:
        return False
    names = vars(target.module)
    for inner in codes_of(code):
        for instruction in dis.get_instructions(inner):
            if instruction.opname in ("STORE_GLOBAL", "DELETE_GLOBAL"):
                return True
            if instruction.opname == "LOAD_GLOBAL" and isinstance(names.get(instruction.argval), MUTABLE):
                return True
            if target.binding == "method" and instruction.opname in ("STORE_ATTR", "STORE_SUBSCR"):
                return True
    return False


def _hint_text(hint: Any) -> str:
    if hint is None:
        return "-"
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__qualname__
    return repr(hint).replace("typing.", "")


def read_parameters(function: Any, skip_first: bool) -> tuple[list[Parameter], list[str], str | None]:
    """The fuzzable parameters of ``function``, notes about the others, and why it cannot be fuzzed."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as exc:
        return [], [], f"no signature: {exc}"
    try:
        hints = typing.get_type_hints(function)
    except Exception as exc:
        return [], [], f"type hints cannot be resolved: {type(exc).__name__}: {exc}"
    params: list[Parameter] = []
    notes: list[str] = []
    listed = list(signature.parameters.values())[1 if skip_first else 0:]
    for param in listed:
        if param.kind in VARIADIC:
            notes.append(f"{param.name}: variadic parameter left empty")
        elif param.name in hints:
            params.append(Parameter(param.name, param.kind, hints[param.name], "annotation"))
        elif param.default is not inspect.Parameter.empty and param.default is not None:
            params.append(Parameter(param.name, param.kind, type(param.default), "default"))
            notes.append(f"{param.name}: no type hint, inferred {type(param.default).__name__} from its default")
        elif param.default is not inspect.Parameter.empty:
            notes.append(f"{param.name}: no type hint and a None default, left at its default")
        else:
            return params, notes, f"parameter {param.name!r} has no type hint and no default"
    return params, notes, None


def _public(name: str) -> bool:
    return not name.startswith("_")


def _method_target(module: ModuleType, owner: type, name: str, raw: Any) -> Target | None:
    qualname = f"{owner.__qualname__}.{name}"
    if isinstance(raw, staticmethod):
        function, binding = raw.__func__, "staticmethod"
    elif isinstance(raw, classmethod):
        function, binding = raw.__func__, "classmethod"
    elif inspect.isfunction(raw):
        function, binding = raw, "method"
    else:
        return None  # properties, nested classes, constants
    params, notes, skipped = read_parameters(function, skip_first=binding != "staticmethod")
    target = Target(module, qualname, function, owner, binding, params, skipped, notes)
    if binding == "method" and target.skipped is None:
        if inspect.isabstract(owner) or getattr(owner, "_is_protocol", False):
            target.skipped = f"{owner.__qualname__} is abstract; no instance to call the method on"
        else:
            init = vars(owner).get("__init__")
            _, _, reason = read_parameters(init, skip_first=True) if init is not None else ([], [], None)
            if reason:
                target.skipped = f"cannot build {owner.__qualname__}: {reason} in __init__"
    return target


def targets_of(module: ModuleType, only: str | None = None) -> list[Target]:
    """The targets defined in ``module`` (or just ``only``, a qualname)."""
    names = getattr(module, "__all__", None)
    found: list[Target] = []
    for name, value in vars(module).items():
        if not _public(name) or (names is not None and name not in names):
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue  # imported, not defined here
        if inspect.isfunction(value):
            params, notes, skipped = read_parameters(value, skip_first=False)
            found.append(Target(module, value.__qualname__, value, None, "function", params, skipped, notes))
        elif inspect.isclass(value) and not issubclass(value, BaseException):
            for attribute, raw in vars(value).items():
                if _public(attribute):
                    target = _method_target(module, value, attribute, raw)
                    if target is not None:
                        found.append(target)
    if only is not None:
        found = [t for t in found if t.qualname == only]
    return found


def import_module(name: str, recorder: CallRecorder) -> ModuleType:
    with recorder.calling({"phase": "import", "module": name}):
        return importlib.import_module(name)


def discover_in_child(payload: dict[str, Any], recorder: CallRecorder) -> dict[str, Any]:
    """Worker action: import each module and describe its targets, or why it could not be imported."""
    modules: list[dict[str, Any]] = []
    for ref in payload["modules"]:
        try:
            module = import_module(ref["name"], recorder)
        except BaseException as exc:  # a module that cannot be imported is reported, not fatal
            modules.append({"name": ref["name"], "error": f"{type(exc).__name__}: {exc}"})
            continue
        modules.append({"name": ref["name"], "targets": [t.describe() for t in targets_of(module, ref.get("only"))]})
    return {"modules": modules}
