"""Import and alias resolution: the questions every rule asks of a name."""

from __future__ import annotations

import ast
import textwrap

import pytest

from prodgate.static.context import FileContext
from prodgate.static.engine import Dispatch, _Walker
from prodgate.static.names import Scopes, assignment_bindings, predeclare_module, resolve_relative
from prodgate.static.summary import SummaryBuilder


def resolve_all_calls(source: str, module: str = "app.views", is_package: bool = False) -> dict[int, str | None]:
    """Walk like the engine does and record what each call's callee resolves to, by line."""
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    ctx = FileContext("app/views.py", module, is_package, text, tree, {}, (3, 12))
    predeclare_module(tree, ctx.scopes)
    seen: dict[int, str | None] = {}

    class Recorder:
        meta = None

        def visit_Call(self, node: ast.Call, context: FileContext) -> None:
            seen[node.lineno] = context.call_name(node)

    walker = _Walker(ctx, Dispatch([Recorder()]), SummaryBuilder(module, "app/views.py", is_package, ctx.scopes))  # type: ignore[list-item]
    walker.run()
    assert not walker.errors
    return seen


def test_aliases_resolve_to_qualified_names() -> None:
    seen = resolve_all_calls('''
        import numpy as np
        import os.path
        from requests import get as fetch
        from . import helpers
        from ..core.db import session as db

        fetch("u")
        np.array([])
        os.path.join("a")
        helpers.slugify("x")
        db.execute("q")
        open("f")
        unknown_thing()
    ''')
    assert seen == {
        8: "requests.get", 9: "numpy.array", 10: "os.path.join", 11: "app.helpers.slugify",
        12: "core.db.session.execute", 13: "open", 14: None,
    }


def test_local_definitions_shadow_imports_and_builtins() -> None:
    seen = resolve_all_calls('''
        from requests import get

        def handler():
            def get(url):
                return url
            get("x")
            return open("f")

        def open(path):
            return path
    ''')
    assert seen[7] == "app.views.handler.get"
    assert seen[8] == "app.views.open"


def test_use_before_top_level_import_still_resolves() -> None:
    seen = resolve_all_calls('''
        def later():
            return requests.get("u")

        import requests
    ''')
    assert seen[3] == "requests.get"


@pytest.mark.parametrize(("module", "is_package", "level", "name", "expected"), [
    ("pkg.mod", False, 1, "sub", "pkg.sub"),
    ("pkg", True, 1, "sub", "pkg.sub"),
    ("pkg.a.b", False, 2, None, "pkg"),
    ("top", False, 1, "x", "x"),
])
def test_relative_imports(module: str, is_package: bool, level: int, name: str | None, expected: str) -> None:
    assert resolve_relative(module, is_package, level, name) == expected


def test_value_of_follows_name_chains() -> None:
    tree = ast.parse("import requests\ns = requests.Session()\nt = s\n")
    scopes = Scopes("m", False)
    predeclare_module(tree, scopes)
    for statement in tree.body[1:]:
        for name, binding in assignment_bindings(statement):
            scopes.bind(name, binding)
    value = scopes.value_of(ast.Name("t"))
    assert isinstance(value, ast.Call) and scopes.qualname_of(value.func) == "requests.Session"


def test_standard_modules_resolve_in_snippets_whose_imports_were_cut_off() -> None:
    seen = resolve_all_calls('''
        def backup(folder, shell):
            os.system("tar czf b.tgz " + folder)
            shell.run(folder)
            sh.run(folder)

        def replay(subprocess):
            subprocess.run("ls")
    ''')
    assert seen[3] == "os.system"
    assert seen[4] is None
    assert seen[5] is None
    assert seen[8] is None
