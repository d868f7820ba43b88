from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.taint import spec
from prodgate.static.taint.interpreter import SinkHit
from prodgate.static.taint.rule import EntryParameter, TaintRule
from prodgate.static.taint.values import Origin


def _path_names(node: ast.expr, assigned: dict[str, list[ast.expr]], ctx: FileContext, depth: int = 0) -> set[str]:
    """The names a path expression is built from: joined, concatenated or formatted, and through
    local assignments (a name that only goes into another call, `self._file_for(key)`, does not name the file)."""
    if isinstance(node, ast.Name):
        found = {node.id}
        if depth < 3:
            for value in assigned.get(node.id, ()):
                found |= _path_names(value, assigned, ctx, depth + 1)
        return found
    if isinstance(node, ast.BinOp):
        return _path_names(node.left, assigned, ctx, depth) | _path_names(node.right, assigned, ctx, depth)
    if isinstance(node, ast.JoinedStr):
        return {name for part in node.values if isinstance(part, ast.FormattedValue)
                for name in _path_names(part.value, assigned, ctx, depth)}
    if isinstance(node, ast.Call) and ctx.call_name(node) in {*spec.PATH_BUILDERS, "str"}:
        return {name for arg in node.args for name in _path_names(arg, assigned, ctx, depth)}
    return set()


def _opened_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> set[str]:
    """Parameters of ``function`` that name a file it opens (or a database a deserializer opens)."""
    assigned: dict[str, list[ast.expr]] = {}
    opened: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.Call) and node.args and ctx.call_name(node) in spec.FILE_OPENERS | spec.PATH_DESERIALIZERS:
            opened.append(node.args[0])
    names = {name for path in opened for name in _path_names(path, assigned, ctx)}
    arguments = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    return names & {a.arg for a in arguments}


class TaintedDeserialization(TaintRule):
    """
    ## What it does
    Finds untrusted data loaded with `pickle`, `marshal`, `dill`, `jsonpickle`, `shelve` or
    `yaml.load` with an unsafe loader.

    Besides request data, other services' messages and the process's environment (which
    whoever deploys or launches it sets), a public function's or method's
    parameter counts as untrusted (reported with medium confidence) when it evidently comes from
    outside the process:
    - it names the file the function opens and unpickles (or the `shelve` database it opens):
      whoever chooses the path, or can write the file, chooses the code that runs;
    - its name says it is what another system sent (`headers`, `packet`, `payload`, `message`,
      `body`, `request`...);
    - the function is a module-level entry point nothing in the project calls, in a module that
      serves requests or reads sockets (Flask, Django, FastAPI, `socket`, a message queue...).

    ## Why is this bad
    These formats construct arbitrary objects and call arbitrary functions while loading: a
    crafted payload runs code on the server the moment it is read.

    ## Example
    ```python
    settings = pickle.loads(base64.b64decode(request.cookies["prefs"]))
    ```

    ## Use instead
    ```python
    settings = json.loads(request.cookies["prefs"])
    ```
    Use data-only formats (JSON, `yaml.safe_load`), or sign the payload and verify it first.

    ## Known limitations
    Bytes the program itself just pickled (`pickle.loads(pickle.dumps(obj))`, a deep copy) are
    not reported, nor are files at fixed paths the program keeps for itself, nor a method whose
    job is to unpickle what its caller hands it (a cache backend's `loads(self, data)`): the
    caller decides where those bytes come from, and is reported if they come from a request.
    """

    meta = RuleMeta(
        code="PG712",
        name="tainted-deserialization",
        category="security.deserialization",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNSAFE_DESERIALIZATION,),
        message="untrusted {source} is deserialized by `{sink}`, so an attacker can execute code while it is loaded",
        tags=("taint",),
    )
    sink = "deserialization"

    flagged = (
        """
        import base64
        import pickle
        import yaml
        from flask import request

        def prefs():
            data = base64.b64decode(request.cookies.get("prefs"))
            settings = pickle.loads(data)  # error: PG712
            config = yaml.load(request.data, Loader=yaml.Loader)  # error: PG712
            return settings, config
        """,
        """
        import base64
        import os
        import pickle
        import shelve

        class Vocabulary:
            def __init__(self, path):
                with open(os.path.join(path, "vocab.pkl"), "rb") as f:
                    self.words = pickle.load(f)  # error: PG712

            def playback(self, filename):
                return shelve.open(filename, flag="r")  # error: PG712

        def session_of(headers):
            return pickle.loads(base64.b64decode(headers["X-Session"]))  # error: PG712

        def skipped_tests():
            return pickle.loads(base64.b64decode(os.environ["SKIP_FILTER"]))  # error: PG712
        """,
        """
        import pickle
        from django.http import HttpResponse

        def restore(blob):
            return pickle.loads(blob)  # error: PG712

        def index(request):
            return HttpResponse("ok")
        """,
    )
    clean = (
        """
        import json
        import yaml
        from flask import request

        def prefs():
            return json.loads(request.cookies.get("prefs"), yaml.load(request.data, Loader=yaml.SafeLoader))
        """,
        """
        import pickle
        import zlib

        STATE = "state/scheduler.pickle"

        class PickleSerializer:
            def loads(self, data):
                return pickle.loads(data)

        class FileCache:
            def get(self, key):
                with open(self._file_for(key), "rb") as f:
                    return pickle.loads(zlib.decompress(f.read()))

        def clone(obj):
            return pickle.loads(pickle.dumps(obj))

        def load_state():
            with open(STATE, "rb") as f:
                return pickle.load(f)

        def _read(path):
            with open(path, "rb") as f:
                return pickle.load(f)
        """,
        Example(
            """
            import pickle

            def load_fixture(path):
                with open(path, "rb") as f:
                    return pickle.load(f)
            """,
            path="tests/test_model.py",
        ),
    )

    def _entry_parameter(self, hit: SinkHit, ctx: FileContext,
                         function: ast.FunctionDef | ast.AsyncFunctionDef) -> EntryParameter | None:
        """A parameter reaching the deserializer, taken for outside input when it evidently
        carries data from outside the process (see the rule's documentation)."""
        if not self._public(function, ctx):
            return None
        params = sorted((o for o in hit.value.origins if o.kind == "param" and o.name not in ("self", "cls")),
                        key=lambda o: o.index)
        if not params:
            return None
        top_level = not ctx.scopes.qualname
        found = self._outside(params, _opened_parameters(function, ctx), ctx, top_level, function.name)
        if found is None:
            return None
        origin, source = found
        requires = ("entry", f"{ctx.module}.{function.name}") if top_level else None
        return EntryParameter(origin, f"parameter `{origin.name}` of `{function.name}`", source, requires)

    @staticmethod
    def _outside(params: list[Origin], opened: set[str], ctx: FileContext, top_level: bool,
                 name: str) -> tuple[Origin, str] | None:
        for origin in params:
            if origin.name in opened:
                return origin, f"data in the file named by parameter `{origin.name}` of `{name}`"
        for origin in params:
            if origin.name in spec.WIRE_PARAMETERS:
                return origin, f"parameter `{origin.name}` of `{name}`, data another system sent,"
        if top_level and ctx.imported_roots & spec.SERVER_MODULES:
            return params[0], f"parameter `{params[0].name}` of `{name}`, an entry point of a module that serves requests,"
        return None

    @staticmethod
    def _public(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
        """A module-level function or a method of a module-level class, not private (a
        constructor is public): what code outside the module calls."""
        if function.name.startswith("_") and function.name != "__init__":
            return False
        scope = ctx.scopes.qualname
        if not scope:
            return True
        owner = ctx.enclosing(ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        return isinstance(owner, ast.ClassDef) and "." not in scope and not scope.startswith("_")
