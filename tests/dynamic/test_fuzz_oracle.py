"""The oracle on real exceptions raised by real code (a module written to disk and imported here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from prodgate.dynamic.fuzzer import summarise
from prodgate.dynamic.oracle import LARGE_INPUT, classify, hang_verdict

CODE = '''
import json


class CartError(Exception):
    pass


def empty_mean(xs):
    return sum(xs) / len(xs)


def missing_key(d):
    return d["id"]


def no_attribute(x):
    return x.strip()


def unbound(flag):
    if flag:
        value = 1
    return value


def recurse(n):
    return recurse(n + 1)


def own_assert(xs):
    assert xs, "need items"
    return xs[0]


def validates(xs):
    if not xs:
        raise ValueError("xs must not be empty")
    return xs[0]


def validates_type(x):
    if not isinstance(x, int):
        raise TypeError(f"expected int, got {type(x).__name__}")
    return x


def bare_raise(xs):
    raise ValueError


def custom(xs):
    raise CartError


def builtin_max(xs):
    return max(xs)


def builtin_int(text):
    return int(text)


def library(text):
    return json.loads(text)


def not_implemented(x):
    raise NotImplementedError


def exits(x):
    raise SystemExit(2)


def too_big(n):
    return bytearray(50 * 1024**4)
'''


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    root = tmp_path_factory.mktemp("oracle")
    path = root / "oracle_sample.py"
    path.write_text(CODE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("oracle_sample", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["oracle_sample"] = module
    spec.loader.exec_module(module)
    return module, str(root)


def verdict_of(sample: tuple[Any, str], name: str, argument: Any, expected: tuple[str, ...] = ()) -> tuple[bool, str]:
    module, root = sample
    try:
        getattr(module, name)(argument)
    except BaseException as exc:
        verdict = classify(summarise(exc, root), expected)
        return verdict.defect, verdict.rule
    raise AssertionError(f"{name}({argument!r}) did not raise")


@pytest.mark.parametrize(("name", "argument", "expected"), [
    ("empty_mean", [], (True, "crash-type")),
    ("missing_key", {}, (True, "crash-type")),
    ("no_attribute", None, (True, "crash-type")),
    ("unbound", False, (True, "crash-type")),
    ("recurse", 0, (True, "crash-type")),
    ("own_assert", [], (True, "assertion")),
    ("validates", [], (False, "deliberate-validation")),
    ("validates_type", "1", (False, "deliberate-validation")),
    ("bare_raise", [], (True, "builtin-on-hinted-input")),
    ("custom", [], (False, "deliberate-validation")),
    ("builtin_max", [], (True, "builtin-on-hinted-input")),
    ("builtin_int", "", (True, "builtin-on-hinted-input")),
    ("library", "", (True, "library-on-hinted-input")),
    ("not_implemented", 0, (True, "unexpected-exception")),
    ("exits", 0, (True, "interpreter-exit")),
])
def test_oracle_rules(sample: tuple[Any, str], name: str, argument: Any, expected: tuple[bool, str]) -> None:
    assert verdict_of(sample, name, argument) == expected


def test_memory_error_under_a_limit_is_a_crash(sample: tuple[Any, str]) -> None:
    assert verdict_of(sample, "too_big", 0) == (True, "memory-limit")


def test_configured_exceptions_are_expected_by_name_or_base(sample: tuple[Any, str]) -> None:
    assert verdict_of(sample, "missing_key", {}, ("KeyError",)) == (False, "expected-by-config")
    assert verdict_of(sample, "missing_key", {}, ("LookupError",)) == (False, "expected-by-config")
    assert verdict_of(sample, "missing_key", {}, ("IndexError",)) == (True, "crash-type")


def test_frames_start_at_the_called_function(sample: tuple[Any, str]) -> None:
    module, root = sample
    try:
        module.library("{")
    except ValueError as exc:
        error = summarise(exc, root)
    assert error.qualified == "json.decoder.JSONDecodeError"
    assert "builtins.ValueError" in error.lineage
    calling, called = error.frames[0], error.frames[1]  # this test, then the function it called
    assert not calling.own and called.function == "library" and called.own
    assert not error.frames[-1].own and Path(error.frames[-1].path).name == "decoder.py"


def test_hangs_count_only_on_small_inputs() -> None:
    assert hang_verdict(3).defect and hang_verdict(3).rule == "call-timeout"
    assert not hang_verdict(LARGE_INPUT).defect
    assert hang_verdict(LARGE_INPUT).rule == "slow-on-large-input"
