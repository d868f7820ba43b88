"""Target discovery: what is fuzzed, what is skipped and why, and values rendered as source."""

from __future__ import annotations

import math
from typing import Any

from fuzz_support import Project, run_fuzz
from hypothesis import given
from hypothesis import strategies as st

from prodgate.dynamic.pysource import to_source

MODULE = '''
import dataclasses
from collections.abc import Iterable
from typing import Protocol

from .helpers import imported_helper

__all__ = ["listed", "Account", "untyped", "partly_typed", "Store", "Shape", "broken_hint"]


def listed(xs: list[int], scale=2, label=None) -> int:
    return sum(xs) * scale


def not_listed(x: int) -> int:
    return x


def _private(x: int) -> int:
    return x


def untyped(x):
    return x


def partly_typed(a: int, b) -> int:
    return a


def broken_hint(a: "Missing") -> int:
    return 1


@dataclasses.dataclass
class Account:
    owner: str
    balance: int = 0

    def deposit(self, amount: int) -> int:
        self.balance += amount
        return self.balance

    @staticmethod
    def parse(text: str) -> int:
        return int(text or "0")

    @classmethod
    def make(cls, owner: str) -> "Account":
        return cls(owner)

    @property
    def rich(self) -> bool:
        return self.balance > 100

    def _internal(self) -> None:
        pass


class Store:
    def __init__(self, backend):
        self.backend = backend

    def get(self, key: str) -> str:
        return key


class Shape(Protocol):
    def area(self) -> float: ...
'''


def test_discovery_fuzzes_public_targets_and_reports_every_skip(project: Project) -> None:
    root = project({"pkg/__init__.py": "", "pkg/helpers.py": "def imported_helper(x: int) -> int:\n    return x\n",
                    "pkg/core.py": MODULE})
    result = run_fuzz(root / "pkg" / "core.py", root)
    assert result.extra["functions"] == 9
    assert result.extra["fuzzed"] == 4  # listed, Account.deposit, Account.parse, Account.make
    skips = sorted(d.message for d in result.diagnostics if d.kind == "fuzz-skipped")
    assert skips == [
        "pkg.core:Shape.area: Shape is abstract; no instance to call the method on",
        "pkg.core:Store.get: cannot build Store: parameter 'backend' has no type hint and no default in __init__",
        "pkg.core:broken_hint: type hints cannot be resolved: NameError: name 'Missing' is not defined",
        "pkg.core:partly_typed: parameter 'b' has no type hint and no default",
        "pkg.core:untyped: parameter 'x' has no type hint and no default",
    ]
    crashes = {f.properties["function"]: f.properties["input"] for f in result.findings}
    assert crashes == {"pkg.core:Account.parse": "Account.parse(text=' ')"}
    assert all(f.path == "pkg/core.py" for f in result.findings)


def test_module_colon_function_fuzzes_one_target(project: Project, monkeypatch: Any) -> None:
    root = project({"src/tools/__init__.py": "", "src/tools/text.py": '''
        def head(text: str) -> str:
            return text[0]


        def tail(text: str) -> str:
            return text[-1]
    '''})
    monkeypatch.chdir(root)
    result = run_fuzz("tools.text:tail", root)
    assert [(f.properties["function"], f.properties["input"], f.path, f.line) for f in result.findings] == [
        ("tools.text:tail", "tail(text='')", "src/tools/text.py", 5)]


def test_file_colon_function_fuzzes_one_target_of_a_file(project: Project) -> None:
    root = project({"calc.py": "def half(x: int) -> int:\n    return 10 // x\n\n\ndef same(x: int) -> int:\n    return 1 // x\n"})
    result = run_fuzz(f"{root / 'calc.py'}:same", root)
    assert [f.properties["input"] for f in result.findings] == ["same(x=0)"]
    assert result.extra["functions"] == 1


def test_an_unimportable_module_is_a_diagnostic_not_a_crash(project: Project) -> None:
    root = project({"bad.py": "import does_not_exist_anywhere\n", "good.py": "def f(x: int) -> int:\n    return 1 // x\n"})
    result = run_fuzz(root, root)
    assert [(d.path, d.kind) for d in result.diagnostics] == [("bad.py", "import-error")]
    assert "ModuleNotFoundError" in result.diagnostics[0].message
    assert [f.properties["input"] for f in result.findings] == ["f(x=0)"]


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary() | st.complex_numbers(),
    lambda inner: st.lists(inner) | st.tuples(inner, inner) | st.dictionaries(st.text(), inner)
    | st.frozensets(st.integers()),
    max_leaves=10,
)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    if isinstance(left, complex):
        return isinstance(right, complex) and _same(left.real, right.real) and _same(left.imag, right.imag)
    if isinstance(left, (list, tuple)):
        return type(left) is type(right) and len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict):
        return type(right) is dict and left.keys() == right.keys() and all(_same(v, right[k]) for k, v in left.items())
    return type(left) is type(right) and left == right


@given(values)
def test_values_render_as_source_that_evaluates_back(value: Any) -> None:
    rendered = to_source(value)
    assert rendered.exact
    assert _same(value, eval(rendered.text))
