"""The public API of installed packages, read statically with griffe and cached per distribution.

Each module file is visited once with ``griffe.visit`` (no import, no inspection), flattened into
plain records (modules, classes, functions with their parameters, attributes, aliases) and kept
in a JSON cache file per distribution name and version, so later runs read JSON instead of
source. Questions are answered lazily, following aliases, wildcard imports, submodules and base
classes across files. Anything dynamic (a module ``__getattr__``, ``globals()`` tricks, a
metaclass, an unresolvable base, a decorator that may change a signature, a C extension without
stubs) makes the answer *unknown*, never a guess.
"""

from __future__ import annotations

import ast
import builtins
import json
import logging
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import griffe

from prodgate.deps.discovered import BUILTIN_CATEGORIES as DEPRECATION_CATEGORIES
from prodgate.deps.discovered import function_deprecation, keyword_deprecations
from prodgate.deps.installed import EXTENSION_SUFFIXES
from prodgate.static.names import import_bindings, resolve_relative

Record = dict[str, Any]
FORMAT = 4  # bump when records change shape: old cache files are then ignored
MAX_DEPTH = 12
DYNAMIC_MARKERS = ("globals()[", "globals().update", "sys.modules[__name__]", "vars()[", "setattr(sys.modules",
                   "__getattr__ =", "lazy.attach", "lazy_loader")
# What a function that writes into its caller's module reads: ``sys._getframe(1).f_globals``.
FRAME_MARKERS = ("f_globals", "f_locals")
NAMESPACE_BUILTINS = frozenset({"globals", "locals", "vars"})
NAMESPACE_WRITERS = frozenset({"update", "setdefault", "__setitem__", "pop", "clear"})
SAFE_DECORATORS = frozenset({"staticmethod", "classmethod", "property", "cached_property", "abstractmethod",
                             "overload", "override", "final", "deprecated", "no_type_check", "setter",
                             "abstractproperty", "getter", "deleter"})
PARAMETER_KINDS = {"positional-only": "po", "positional or keyword": "pk", "variadic positional": "vp",
                   "keyword-only": "ko", "variadic keyword": "vk"}
BUILTIN_NAMES = frozenset(dir(builtins))
BUILTIN_TYPES = {name: value for name, value in vars(builtins).items() if isinstance(value, type)}
SIMPLE_BASES = frozenset({"typing.Generic", "typing.Protocol", "abc.ABC", "typing_extensions.Protocol"})
KWARG_METHODS = frozenset({"get", "pop", "setdefault"})

logging.getLogger("griffe").setLevel(logging.CRITICAL)


class Unknown(Exception):
    """The static answer is unknowable (dynamic code, unreadable source)."""


def _decorator_names(obj: griffe.Object) -> list[str]:
    return [str(d.callable_path).rsplit(".", 1)[-1] for d in getattr(obj, "decorators", ())]


def _store_names(tree: ast.Module) -> Iterator[str]:
    """Names a module binds outside classes and functions (loops, with, walrus), plus ``global``s."""
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Global):
            yield from node.names
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
            todo.extend(n for n in ast.walk(node) if isinstance(n, ast.Global))
            continue
        todo.extend(ast.iter_child_nodes(node))


class _Flattener:
    """One module file's griffe tree (plus an AST pass for imports and bindings) as flat records."""

    def __init__(self, module: str, is_package: bool, code: str, tree: ast.Module):
        self.module = module
        self.is_package = is_package
        self.lines = code.splitlines()
        self.tree = tree
        self.records: dict[str, Record] = {}
        self.scope: dict[str, str] = {}  # module-level import aliases: local name -> target
        self.defs = frozenset(_module_level_defs(tree))
        self.nodes = {min([node.lineno, *(d.lineno for d in node.decorator_list)]): node for node in ast.walk(tree)
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}  # griffe's lineno

    def run(self, parsed: griffe.Module, code: str) -> dict[str, Record]:
        members: dict[str, str | None] = {}
        wildcards: list[str] = []
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for local, binding in import_bindings(node, self.module, self.is_package):
                    if binding.qualname and local not in self.scope:
                        self.scope[local] = binding.qualname
                if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                    source: str | None = (resolve_relative(self.module, self.is_package, node.level, node.module)
                                          if node.level else node.module)
                    if source:
                        wildcards.append(source)
        for name in _store_names(self.tree):
            members.setdefault(name, None)
        for name, target in self.scope.items():
            members[name] = target
        for name, member in parsed.members.items():
            if "/" in name or member.is_alias:
                continue
            members[name] = None
            self._object(f"{self.module}.{name}", member)
        dynamic = ("__getattr__" in members or any(marker in code for marker in DYNAMIC_MARKERS)
                   or _hands_out_namespace(self.tree))
        for name, alias in members.items():
            path = f"{self.module}.{name}"
            if alias is not None:
                self.records[path] = {"k": "alias", "t": alias}
            else:
                self.records.setdefault(path, {"k": "attr"})
        self.records[self.module] = {"k": "module", "members": sorted(members), "dyn": dynamic,
                                     "wild": wildcards, "pkg": self.is_package,
                                     "calls": sorted(self._imported_calls()),
                                     "frames": any(marker in code for marker in FRAME_MARKERS)}
        return self.records

    def _imported_calls(self) -> set[str]:
        """Functions of its own package the module calls while it is imported (outside functions and
        classes): a package may fill its modules that way, another library's function does not."""
        called = set()
        package = self.module.split(".", 1)[0]
        todo: list[ast.AST] = list(self.tree.body)
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Call):
                head = node.func
                while isinstance(head, ast.Attribute):
                    head = head.value
                target = self._qualify(node.func)
                if isinstance(head, ast.Name) and head.id in self.scope and target and target.split(".", 1)[0] == package:
                    called.add(target)
            todo.extend(ast.iter_child_nodes(node))
        return called

    def _object(self, path: str, obj: Any) -> None:
        if obj.is_alias:
            return
        if obj.is_class:
            self._class(path, obj)
        elif obj.is_function:
            self.records[path] = self._function(obj, path)
        else:
            self.records[path] = {"k": "attr"}

    def _class(self, path: str, cls: griffe.Class) -> None:
        bases = []
        for base in cls.bases:
            text = str(base)
            head, _, rest = text.partition(".")
            if head in self.scope:
                bases.append(f"{self.scope[head]}.{rest}" if rest else self.scope[head])
            elif head in self.defs:
                bases.append(f"{self.module}.{text}")
            elif text in BUILTIN_TYPES:
                bases.append(f"builtins.{text}")
            else:
                bases.append("?" + text)
        keywords = {key: str(value) for key, value in (getattr(cls, "keywords", {}) or {}).items()}
        dynamic_meta = any(key != "metaclass" or value.rsplit(".", 1)[-1] != "ABCMeta" for key, value in keywords.items())
        members = sorted({*cls.members, *(getattr(cls, "overloads", None) or {})})
        self.records[path] = {"k": "class", "members": members, "bases": bases,
                              "dyn": dynamic_meta or "__getattr__" in members or "__getattribute__" in members,
                              "new": "__new__" in members or bool(keywords)
                              or any(name not in SAFE_DECORATORS for name in _decorator_names(cls))}
        self._deprecation(self.records[path], cls)
        for name, member in cls.members.items():
            self._object(f"{path}.{name}", member)
        for name in getattr(cls, "overloads", None) or {}:
            self.records.setdefault(f"{path}.{name}", {"k": "function", "params": [], "deco": True})

    def _function(self, fn: griffe.Function, path: str) -> Record:
        params = [[p.name, PARAMETER_KINDS.get(p.kind.value if p.kind else "", "pk")] for p in fn.parameters]
        record: Record = {"k": "function", "params": params,
                          "deco": any(name not in SAFE_DECORATORS for name in _decorator_names(fn))}
        variadic = next((name for name, kind in params if kind == "vk"), None)
        if variadic is not None and not record["deco"]:
            record["fwd"] = self._forwarding(fn, variadic, path)
        self._deprecation(record, fn)
        return record

    def _deprecation(self, record: Record, obj: griffe.Function | griffe.Class) -> None:
        """Add what the library's own source says is deprecated: ``dep`` (using it), ``dkw`` (keywords)."""
        node = self.nodes.get(obj.lineno or 0)
        if node is None or node.name != obj.name:
            return
        found = function_deprecation(node, self._qualify)
        if found is not None:
            record["dep"] = found
        if not isinstance(node, ast.ClassDef):
            keywords = keyword_deprecations(node, self._qualify)
            if keywords:
                record["dkw"] = keywords

    def _qualify(self, expr: ast.expr) -> str | None:
        """The qualified name a module-level name or dotted name refers to in this file."""
        if isinstance(expr, ast.Attribute):
            owner = self._qualify(expr.value)
            return f"{owner}.{expr.attr}" if owner else None
        if not isinstance(expr, ast.Name):
            return None
        if expr.id in self.scope:
            return self.scope[expr.id]
        if expr.id in self.defs:
            return f"{self.module}.{expr.id}"
        return f"builtins.{expr.id}" if expr.id in BUILTIN_NAMES else None

    def _forwarding(self, fn: griffe.Function, variadic: str, path: str) -> Record | None:
        """Where ``**kwargs`` goes: the one call it is forwarded to, and keys read from it, else None."""
        source = "\n".join(self.lines[(fn.lineno or 1) - 1:fn.endlineno or fn.lineno])
        try:
            tree = ast.parse(textwrap.dedent(source))
        except SyntaxError:
            return None
        consumed: list[str] = []
        targets: list[ast.expr] = []
        locals_: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                locals_[node.targets[0].id] = node.value
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                locals_[node.optional_vars.id] = node.context_expr
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == variadic for k in node.keywords):
                    targets.append(node.func)
                func = node.func
                if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == variadic
                        and func.attr in KWARG_METHODS and node.args and isinstance(node.args[0], ast.Constant)):
                    consumed.append(str(node.args[0].value))
        uses = sum(1 for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == variadic)
        if len(targets) != 1 or uses != len(consumed) + 1:
            return None
        target = self._callee(targets[0], locals_, path)
        return {"to": target, "keys": consumed} if target else None

    def _callee(self, func: ast.expr, locals_: dict[str, ast.expr], path: str) -> str | None:
        if isinstance(func, ast.Name):
            if func.id in self.scope:
                return self.scope[func.id]
            return f"{self.module}.{func.id}" if func.id in self.defs else None
        if not isinstance(func, ast.Attribute):
            return None
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "self":
            return f"{path.rsplit('.', 1)[0]}.{func.attr}"
        if isinstance(owner, ast.Name) and owner.id in self.scope:
            return f"{self.scope[owner.id]}.{func.attr}"
        value = locals_.get(owner.id) if isinstance(owner, ast.Name) else None
        if isinstance(value, ast.Call):
            constructor = self._callee(value.func, {}, path)
            return f"{constructor}.{func.attr}" if constructor else None
        return None


def _hands_out_namespace(tree: ast.Module) -> bool:
    """Whether the module passes its own namespace (``globals()``, ``locals()``) to a call that may
    fill it: anything imported (``Operations.install_proxy(globals())``), or a function of the
    module that writes into its parameters (``__go(locals())`` that only reads them does not)."""
    local = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(
                isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id in NAMESPACE_BUILTINS
                and not arg.args for arg in node.args):
            callee = local.get(node.func.id) if isinstance(node.func, ast.Name) else None
            if callee is None or _writes_into_parameters(callee):
                return True
    return False


def _writes_into_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    parameters = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    for node in ast.walk(function):
        written = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            written = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in NAMESPACE_WRITERS):
            written = node.func.value
        if isinstance(written, ast.Name) and written.id in parameters:
            return True
    return False


def _module_level_defs(tree: ast.Module) -> Iterator[str]:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name


class ApiIndex:
    """Questions about installed APIs: does ``a.b.c`` exist, which keywords does a callable take."""

    def __init__(self, path: tuple[str, ...], owner: Callable[[str], str | None], cache_dir: Path | None):
        self.path = path
        self.owner = owner  # top-level module -> "name-version" of the distribution, or None
        self.cache_dir = cache_dir
        self.records: dict[str, dict[str, Record]] = {}  # cache key -> path -> record
        self.loaded: dict[str, set[str]] = {}  # cache key -> module files visited
        self.dirty: set[str] = set()
        self.keys: dict[str, str | None] = {}
        self.answers: dict[str, Record | Unknown | None] = {}

    # -- storage -----------------------------------------------------------------------------

    def _key(self, module: str) -> str | None:
        top = module.split(".", 1)[0]
        if top not in self.keys:
            self.keys[top] = self.owner(top)
        return self.keys[top]

    def _bucket(self, key: str) -> dict[str, Record]:
        if key not in self.records:
            self.records[key], self.loaded[key] = {}, set()
            file = self._cache_file(key)
            if file is not None and file.is_file():
                try:
                    data = json.loads(file.read_text(encoding="utf-8"))
                    self.records[key], self.loaded[key] = data["records"], set(data["modules"])
                except (OSError, ValueError, KeyError):
                    pass
        return self.records[key]

    def _cache_file(self, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / "api" / f"{key}.v{FORMAT}.json"

    def save(self) -> None:
        """Write the records of every distribution visited this run (one JSON file each)."""
        for key in self.dirty:
            file = self._cache_file(key)
            if file is None:
                continue
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
                temporary = file.with_suffix(".tmp")
                temporary.write_text(json.dumps({"modules": sorted(self.loaded[key]), "records": self.records[key]}),
                                     encoding="utf-8")
                temporary.replace(file)
            except OSError:
                continue
        self.dirty.clear()

    # -- loading -----------------------------------------------------------------------------

    def _find(self, module: str) -> tuple[Path | None, bool, bool]:
        """(source file, is package, exists at all) for a dotted module name on the target path."""
        parts = module.split(".")
        for directory in self.path:
            base = Path(directory, *parts[:-1])
            last = parts[-1]
            for candidate, is_package in ((base / last / "__init__.py", True), (base / f"{last}.py", False),
                                          (base / last / "__init__.pyi", True), (base / f"{last}.pyi", False)):
                if candidate.is_file():
                    return candidate, is_package, True
            if (base / last).is_dir():
                return None, True, True
            if base.is_dir() and any(p.name.startswith(f"{last}.") and p.name.endswith(EXTENSION_SUFFIXES)
                                     for p in base.iterdir()):
                return None, False, True
        return None, False, False

    def module(self, module: str) -> Record | None:
        """The record of a module, visiting its file on first use; None when it does not exist."""
        key = self._key(module)
        if key is None:
            raise Unknown(module)
        bucket = self._bucket(key)
        if module in self.loaded[key]:
            return bucket.get(module)
        self.loaded[key].add(module)
        self.dirty.add(key)
        file, is_package, exists = self._find(module)
        if not exists:
            return None
        if file is None:
            bucket[module] = {"k": "module", "members": [], "dyn": True, "wild": [], "pkg": is_package, "nosrc": True}
        else:
            bucket.update(self._visit(module, file, is_package))
        if is_package:
            directory = (file.parent if file is not None else None)
            bucket[module]["subs"] = sorted(self._submodules(directory)) if directory else []
        return bucket.get(module)

    @staticmethod
    def _submodules(directory: Path) -> set[str]:
        names = set()
        for entry in directory.iterdir():
            stem = entry.name.split(".", 1)[0]
            if entry.is_dir() or entry.name.endswith((".py", ".pyi", *EXTENSION_SUFFIXES)):
                names.add(stem)
        return names

    @staticmethod
    def _visit(module: str, file: Path, is_package: bool) -> dict[str, Record]:
        try:
            code = file.read_text(encoding="utf-8")
            tree = ast.parse(code)
            parsed = griffe.visit(module, filepath=file, code=code)
        except Exception:  # unreadable or unparsable source: everything in it is unknown
            return {module: {"k": "module", "members": [], "dyn": True, "wild": [], "pkg": is_package, "nosrc": True}}
        return _Flattener(module, is_package, code, tree).run(parsed, code)

    # -- questions ---------------------------------------------------------------------------

    def resolve(self, path: str, depth: int = 0) -> Record | None:
        """The record ``path`` names (following aliases); None when provably absent; raises Unknown.

        Answers are remembered for the run (projects ask the same questions in many files)."""
        if path in self.answers:
            answer = self.answers[path]
            if isinstance(answer, Unknown):
                raise answer
            return answer
        try:
            self.answers[path] = self._resolve(path, depth)
        except Unknown as exc:
            self.answers[path] = exc
            raise
        return self.answers[path]  # type: ignore[return-value]

    def _resolve(self, path: str, depth: int) -> Record | None:
        if depth > MAX_DEPTH:
            raise Unknown(path)
        parts = path.split(".")
        if parts[0] == "builtins" and len(parts) == 2 and parts[1] in BUILTIN_TYPES:
            return {"k": "class", "builtin": parts[1]}
        record = self.module(parts[0])
        if record is None:
            return None
        current = parts[0]
        for part in parts[1:]:
            record = self._member(record, current, part, depth)
            if record is None:
                return None
            current = f"{current}.{part}"
            if record.get("k") == "alias":
                target = record["t"]
                record = self.resolve(target, depth + 1)
                if record is None:
                    raise Unknown(target)
                current = str(record.get("path", target))
        return record

    def _member(self, record: Record, path: str, name: str, depth: int) -> Record | None:
        kind = record.get("k")
        if kind == "module":
            return self._module_member(record, path, name, depth)
        if kind == "class":
            return self._class_member(record, path, name, depth)
        raise Unknown(f"{path}.{name}")

    def _module_member(self, record: Record, path: str, name: str, depth: int) -> Record | None:
        bucket = self._bucket(self._key(path) or "")
        if name in record["members"]:
            found = dict(bucket.get(f"{path}.{name}", {"k": "attr"}))
            is_self = found.get("k") == "alias" and found["t"] == f"{path}.{name}"
            if (found.get("k") == "attr" or is_self) and name in record.get("subs", ()):
                return self._submodule(path, name)
            found.setdefault("path", f"{path}.{name}")
            return found
        if name in record.get("subs", ()):
            return self._submodule(path, name)
        for source in record["wild"]:
            target = self.resolve(source, depth + 1)
            if target is None or target.get("k") != "module" or target.get("nosrc"):
                raise Unknown(source)
            exported = self._module_member({**target, "dyn": False}, target.get("path", source), name, depth + 1)
            if exported is not None:
                return exported
        if record["dyn"] or self._filled_by_callee(record, depth):
            raise Unknown(f"{path}.{name}")
        return None

    def _filled_by_callee(self, record: Record, depth: int) -> bool:
        """Whether a function the module calls on import reaches into its caller's frame (and may add names)."""
        for called in record.get("calls", ()):
            try:
                function = self.resolve(called, depth + 1)
            except Unknown:
                continue
            if function is None or function.get("k") != "function":
                continue
            home = self.module(str(function.get("path", called)).rsplit(".", 1)[0])
            if home is not None and home.get("frames"):
                return True
        return False

    def _submodule(self, path: str, name: str) -> Record:
        found = self.module(f"{path}.{name}")
        if found is None:
            raise Unknown(f"{path}.{name}")
        return {**found, "path": f"{path}.{name}"}

    def _class_member(self, record: Record, path: str, name: str, depth: int) -> Record | None:
        if "builtin" in record:
            if hasattr(BUILTIN_TYPES[record["builtin"]], name):
                return {"k": "attr"}
            return None
        if record["dyn"]:
            raise Unknown(f"{path}.{name}")
        if name in record["members"]:
            bucket = self._bucket(self._key(path) or "")
            found = dict(bucket.get(f"{path}.{name}", {"k": "attr"}))
            found.setdefault("path", f"{path}.{name}")
            return found
        for base in record["bases"]:
            if base in SIMPLE_BASES:
                continue
            if base.startswith("?"):
                raise Unknown(base)
            resolved = self.resolve(base, depth + 1)
            if resolved is None or resolved.get("k") != "class":
                raise Unknown(base)
            inherited = self._class_member(resolved, resolved.get("path", base), name, depth + 1)
            if inherited is not None:
                return inherited
        if hasattr(object, name):
            return {"k": "attr"}
        return None

    def keywords(self, path: str, depth: int = 0) -> frozenset[str] | None:
        """Keyword names a callable accepts, or None when any keyword may be accepted or it is unknown."""
        if depth > 4:
            raise Unknown(path)
        record = self.resolve(path)
        if record is None:
            raise Unknown(path)
        owner = record.get("path", path)
        if record.get("k") == "class":
            return self._constructor_keywords(record, owner, depth)
        if record.get("k") != "function" or record.get("deco"):
            raise Unknown(path)
        names = frozenset(name for name, kind in record["params"] if kind in ("pk", "ko"))
        if not any(kind == "vk" for _, kind in record["params"]):
            return names
        forward = record.get("fwd")
        if not forward:
            return None
        forwarded = self.keywords(forward["to"], depth + 1)
        return None if forwarded is None else names | forwarded | frozenset(forward["keys"])

    def _constructor_keywords(self, record: Record, path: str, depth: int) -> frozenset[str] | None:
        if "builtin" in record or record["dyn"] or record.get("new"):
            raise Unknown(path)
        if "__init__" in record["members"]:
            return self.keywords(f"{path}.__init__", depth + 1)
        for base in record["bases"]:
            if base.startswith("?") or base.startswith("builtins.") or base in SIMPLE_BASES:
                raise Unknown(base)
            resolved = self.resolve(base)
            if resolved is None or resolved.get("k") != "class":
                raise Unknown(base)
            return self._constructor_keywords(resolved, resolved.get("path", base), depth + 1)
        raise Unknown(path)

    # -- deprecations the library's own source declares ------------------------------------------

    def deprecation(self, path: str) -> Record | None:
        """What calling ``path`` warns (``{"m", "v", "c"}``), when the library's source says it always
        warns a deprecation; None otherwise. A class warns when it is marked or its ``__init__`` warns."""
        record = self._declared(path)
        if record is None:
            return None
        found = record.get("dep")
        if found is None and record.get("k") == "class" and "builtin" not in record:
            init = self.resolve(f"{record.get('path', path)}.__init__")
            found = init.get("dep") if init is not None else None
        return found if found is not None and self.is_deprecation_category(found["c"]) else None

    def keyword_deprecation(self, path: str, keyword: str) -> Record | None:
        """What passing ``keyword`` to the function ``path`` warns (``{"m", "v", "c", "w"}``), else None."""
        record = self._declared(path)
        if record is not None and record.get("k") == "class" and "builtin" not in record:
            record = self._declared(f"{record.get('path', path)}.__init__")
        found = (record or {}).get("dkw", {}).get(keyword)
        return found if found is not None and self.is_deprecation_category(found["c"]) else None

    def _declared(self, path: str) -> Record | None:
        """The record of ``path``, also when it is defined in the body of a class whose other members
        are dynamic (a metaclass, ``__getattr__``): what a class body defines is there regardless."""
        try:
            return self.resolve(path)
        except Unknown:
            owner, _, name = path.rpartition(".")
            record = self.resolve(owner) if owner else None
            if record is None or record.get("k") != "class" or name not in record.get("members", ()):
                raise
            owner = record.get("path", owner)
            found = dict(self._bucket(self._key(owner) or "").get(f"{owner}.{name}", {"k": "attr"}))
            found.setdefault("path", f"{owner}.{name}")
            return found

    def is_deprecation_category(self, path: str, depth: int = 0) -> bool:
        """``path`` ("" for a builtin one) names a class derived from a builtin deprecation warning."""
        if not path:
            return True
        if depth > MAX_DEPTH:
            return False
        record = self.resolve(path)
        if record is None or record.get("k") != "class" or "builtin" in record:
            return False
        for base in record["bases"]:
            if base in DEPRECATION_CATEGORIES or (
                    not base.startswith(("?", "builtins.")) and self.is_deprecation_category(base, depth + 1)):
                return True
        return False
