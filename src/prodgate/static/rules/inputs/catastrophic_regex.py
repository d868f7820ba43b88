from __future__ import annotations

import ast
import sys

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

if sys.version_info >= (3, 11):
    from re import _constants as constants
    from re import _parser as parser
else:  # pragma: no cover - exercised on 3.10 only
    import sre_constants as constants
    import sre_parse as parser

REGEX_CALLS = frozenset(f"re.{f}" for f in ("compile", "match", "search", "fullmatch", "findall", "finditer",
                                            "sub", "subn", "split"))
REPEATS = (constants.MAX_REPEAT, constants.MIN_REPEAT)
UNBOUNDED = constants.MAXREPEAT


ASCII = frozenset(range(128))
CATEGORIES = {
    constants.CATEGORY_DIGIT: frozenset(range(48, 58)),
    constants.CATEGORY_SPACE: frozenset(map(ord, " \t\n\r\f\v")),
    constants.CATEGORY_WORD: frozenset(c for c in range(128) if chr(c).isalnum() or c == 95),
}
CATEGORIES[constants.CATEGORY_NOT_DIGIT] = ASCII - CATEGORIES[constants.CATEGORY_DIGIT]
CATEGORIES[constants.CATEGORY_NOT_SPACE] = ASCII - CATEGORIES[constants.CATEGORY_SPACE]
CATEGORIES[constants.CATEGORY_NOT_WORD] = ASCII - CATEGORIES[constants.CATEGORY_WORD]


def _chars(op: object, value: object) -> frozenset[int] | None:
    """The ASCII characters a single-character element matches (None for other elements)."""
    if op == constants.LITERAL:
        return frozenset({value}) if isinstance(value, int) and value < 128 else frozenset()
    if op == constants.NOT_LITERAL:
        return ASCII - {value}
    if op == constants.ANY:
        return ASCII - {10}
    if op == constants.IN:
        found: set[int] = set()
        negate = False
        for item_op, item in value:  # type: ignore[attr-defined]
            if item_op == constants.NEGATE:
                negate = True
            elif item_op == constants.LITERAL:
                found.add(item)
            elif item_op == constants.RANGE:
                found.update(range(item[0], min(item[1], 127) + 1))
            elif item_op == constants.CATEGORY:
                found.update(CATEGORIES.get(item, ASCII))
        return ASCII - found if negate else frozenset(found)
    return None


def _all_chars(items: object) -> frozenset[int]:
    """Every character any element inside ``items`` can match."""
    found: set[int] = set()
    for op, value in items:  # type: ignore[attr-defined]
        chars = _chars(op, value)
        if chars is not None:
            found |= chars
        elif op in REPEATS:
            found |= _all_chars(value[2])
        elif op == constants.SUBPATTERN:
            found |= _all_chars(value[-1])
        elif op == constants.BRANCH:
            for branch in value[1]:
                found |= _all_chars(branch)
    return frozenset(found)


def _separated(body: object, inner: frozenset[int]) -> bool:
    """The repeated body has a mandatory character the inner repetition cannot match, so each
    round of the outer repeat is anchored and backtracking stays polynomial."""
    for op, value in body:  # type: ignore[attr-defined]
        chars = _chars(op, value)
        if chars is not None and not chars & inner:
            return True
        if op in REPEATS and value[0] >= 1:
            sub = _chars(*value[2][0]) if len(value[2]) == 1 else None
            if sub is not None and not sub & inner:
                return True
    return False


def _inner_unbounded(items: object) -> list[frozenset[int]]:
    """Character sets of the unbounded repeats directly or indirectly inside ``items``."""
    found = []
    for op, value in items:  # type: ignore[attr-defined]
        if op in REPEATS:
            if value[1] == UNBOUNDED:
                found.append(_all_chars(value[2]))
            found.extend(_inner_unbounded(value[2]))
        elif op == constants.SUBPATTERN:
            found.extend(_inner_unbounded(value[-1]))
        elif op == constants.BRANCH:
            for branch in value[1]:
                found.extend(_inner_unbounded(branch))
    return found


def _nested_unbounded(items: object) -> bool:
    """True when an unbounded repeat contains another unbounded repeat over overlapping
    characters with nothing mandatory between rounds (``(a+)+$``, ``(\\w+\\s?)*x``): the shape
    that backtracks exponentially on a near-miss."""
    for op, value in items:  # type: ignore[attr-defined]
        if op in REPEATS:
            body = value[2]
            if value[1] == UNBOUNDED:
                body_items = body[0][1][-1] if len(body) == 1 and body[0][0] == constants.SUBPATTERN else body
                if any(not _separated(body_items, inner) for inner in _inner_unbounded(body_items)):
                    return True
            children = [body]
        elif op == constants.SUBPATTERN:
            children = [value[-1]]
        elif op == constants.BRANCH:
            children = list(value[1])
        else:
            continue
        if any(_nested_unbounded(child) for child in children):
            return True
    return False


def catastrophic(pattern: str) -> bool:
    try:
        return _nested_unbounded(parser.parse(pattern))
    except (constants.error, RecursionError, OverflowError, ValueError):
        return False


class CatastrophicRegex(Rule):
    """
    ## What it does
    Finds regular expressions with nested unbounded quantifiers (`(a+)+`, `(\\w+\\s*)*`,
    `(x*y*)*`) passed to the `re` module.

    ## Why is this bad
    Python's regex engine backtracks: on an input that almost matches, these shapes try an
    exponential number of ways before failing. One request with a few dozen crafted characters
    pins a worker's CPU for minutes, and a handful of them takes the service down.

    ## Example
    ```python
    EMAIL = re.compile(r"^([a-zA-Z0-9]+\\.?)+@example\\.com$")
    ```

    ## Use instead
    ```python
    EMAIL = re.compile(r"^[a-zA-Z0-9]+(\\.[a-zA-Z0-9]+)*@example\\.com$")
    ```
    Make each repetition consume characters the others cannot, bound the input length before
    matching, or use a linear-time engine (`re2`).

    ## Known limitations
    Only nesting is detected; overlapping alternatives under one quantifier (`(a|a)*`) are not.
    """

    meta = RuleMeta(
        code="PG716",
        name="catastrophic-regex",
        category="security.redos",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.REDOS,),
        message="the regular expression nests unbounded quantifiers, so a crafted near-match input backtracks for minutes",
        tags=("regex", "dos"),
    )

    flagged = (
        """
        import re

        EMAIL = re.compile(r"^([a-zA-Z0-9]+\\.?)+@example\\.com$")  # error: PG716

        def is_valid_name(name):
            return re.fullmatch(r"(\\w+\\s*)*", name) is not None  # error: PG716
        """,
    )
    clean = (
        """
        import re

        EMAIL = re.compile(r"^[a-zA-Z0-9]+(\\.[a-zA-Z0-9]+)*@example\\.com$")

        def is_valid_name(name):
            return re.fullmatch(r"\\w+(\\s\\w+){0,5}", name) is not None
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.call_name(node) not in REGEX_CALLS or not node.args:
            return
        pattern = node.args[0]
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str) and catastrophic(pattern.value):
            ctx.report(pattern)
