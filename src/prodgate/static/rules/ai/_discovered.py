"""PG822's second source: deprecations the installed library declares in its own code.

At visit time a call to a third-party callable (through an import, on an object built from one in
the same file, or on a receiver whose type PG822's data file knows) becomes a query naming the
callee and how each keyword is passed; in the project phase the API index says whether calling
it, or passing one of those keywords, always warns (``prodgate.deps.discovered``), and the
finding takes the library's own message.
"""

from __future__ import annotations

import ast
import re

from prodgate.deps.apiindex import Record
from prodgate.deps.environment import Environment
from prodgate.static.context import FileContext
from prodgate.static.rules.ai._deps import foreign, root_is_import
from prodgate.static.rules.ai._types import receiver_type

QUERY = "discovered"
FALSY = (None, False, 0, "", b"")
SILENCERS = frozenset({"warnings.catch_warnings", "pytest.warns", "pytest.deprecated_call"})
SINCE_CATEGORY = re.compile(r"Since(\d)(\d+)$")  # pydantic's PydanticDeprecatedSince20 -> 2.0


def callee(ctx: FileContext, call: ast.Call, types: dict[str, str]) -> str | None:
    """The qualified third-party callable ``call`` invokes, when it is known statically."""
    func = call.func
    if root_is_import(ctx, func):
        name = ctx.call_name(call)
        return name if foreign(ctx, name) else None
    if not isinstance(func, ast.Attribute) or func.attr.startswith("__"):
        return None
    constructor = ctx.constructor(func.value)
    owner = ctx.call_name(constructor) if constructor is not None and root_is_import(ctx, constructor.func) else None
    owner = owner or receiver_type(ctx, func.value, types)
    return f"{owner}.{func.attr}" if foreign(ctx, owner) else None


def _passed(value: ast.expr) -> str:
    """How a keyword's value can satisfy the library's test: ``none``, ``falsy`` or ``value``."""
    if isinstance(value, ast.Constant) and value.value is None:
        return "none"
    if isinstance(value, ast.Constant) and value.value in FALSY:
        return "falsy"
    return "value"


def query(call: ast.Call, name: str) -> tuple[str, ...]:
    keywords = [f"{k.arg}={_passed(k.value)}" for k in call.keywords if k.arg is not None]
    return (QUERY, name, *keywords)


def silenced(ctx: FileContext) -> bool:
    """Inside ``with warnings.catch_warnings()`` (or pytest's warning checks): handled on purpose."""
    return any(isinstance(parent, (ast.With, ast.AsyncWith)) and any(
        isinstance(item.context_expr, ast.Call) and ctx.call_name(item.context_expr) in SILENCERS
        for item in parent.items) for parent in ctx.ancestors())


def _triggers(found: Record, passed: str) -> bool:
    when = found.get("w")
    return not ((passed == "none" and when in ("notnone", "truthy")) or (passed == "falsy" and when == "truthy"))


def _version(found: Record) -> str:
    if found.get("v"):
        return str(found["v"])
    since = SINCE_CATEGORY.search(str(found.get("c", "")))
    return f"{since.group(1)}.{since.group(2)}" if since else ""


def message(environment: Environment, name: str, keywords: tuple[str, ...]) -> str | None:
    """The finding's message when calling ``name`` with ``keywords`` warns a deprecation, else None."""
    found = environment.api.deprecation(name)
    shown = f"{name}()"
    for keyword in keywords:
        arg, passed = keyword.split("=", 1)
        if found is not None:
            break
        candidate = environment.api.keyword_deprecation(name, arg)
        if candidate is not None and _triggers(candidate, passed):
            found, shown = candidate, f"{shown[:-1]}{arg}=)"
    if found is None:
        return None
    root = name.split(".", 1)[0]
    providers = sorted(environment.providers(root))
    installed = environment.distributions.get(providers[0]) if providers else None
    package = installed.name if installed is not None else root
    version = _version(found)
    when = f"since {package} {version}" if version else f"in the installed {package} {installed.version if installed else ''}".rstrip()
    said = found["m"] or "it warns a DeprecationWarning"
    return (f"`{shown}` is deprecated {when} (the library's own warning: \"{said}\"), so it warns today and breaks "
            "in the release that removes it")
