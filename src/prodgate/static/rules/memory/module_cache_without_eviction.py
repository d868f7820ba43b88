from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import DATA_KEY, is_command_line_code, is_module_name

CACHE_NAME = re.compile(r"cache|memo|seen|sessions|results", re.IGNORECASE)
CONSTRUCTORS = frozenset({"__init__", "__new__", "__init_subclass__", "__set_name__"})
EVICTIONS = frozenset({"pop", "popitem", "clear", "expire", "evict", "remove", "discard", "move_to_end"})


class ModuleCacheWithoutEviction(Rule):
    """
    ## What it does
    Finds a module-level dict whose name says it is a cache (`CACHE`, `_memo`, `seen_tokens`,
    `results`) that a function adds entries to under a key built from per-request data
    (`CACHE[customer_id] = value`, `CACHE.setdefault((token, day), ...)`) while nothing in the module ever removes entries (no `pop`,
    `popitem`, `clear`, `del CACHE[...]`, no size check with `len(CACHE)`).

    ## Why is this bad
    The cache lives as long as the worker process and gets one entry per distinct key: per
    customer, per order, per request token. Memory grows with traffic and never shrinks, until
    the container is OOM-killed and restarts (often every few hours, which looks like a random
    crash). Stale entries are also served forever after the source data changes.

    ## Example
    ```python
    _customer_cache = {}

    def get_customer(customer_id):
        if customer_id not in _customer_cache:
            _customer_cache[customer_id] = fetch_customer(customer_id)
        return _customer_cache[customer_id]
    ```

    ## Use instead
    ```python
    from cachetools import TTLCache

    _customer_cache = TTLCache(maxsize=10_000, ttl=300)
    ```
    Or `functools.lru_cache(maxsize=...)` on the loader, or an external cache with expiry.

    ## Known limitations
    The dict is recognised by its name and the key by the names it is built from (`*_id`,
    `email`, `token`, `url`, `date`, ...): caches keyed by code-defined values (class names,
    file names, patterns, object identities such as `id(func)`) are bounded in practice and not
    reported, and a data key with
    another name is missed. Eviction anywhere in the module counts. Constructors (`__init__`) are skipped: they run once per configured
    object, which is how registries of named backends fill their slots. Test files, management commands and scripts are not checked.
    """

    meta = RuleMeta(
        code="PG353",
        name="module-cache-without-eviction",
        category="memory.unbounded",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.RESOURCE_WITHOUT_LIMITS,),
        message="module-level cache `{name}` only ever grows (no eviction, no size bound), so the "
                "worker's memory grows with traffic until it is killed",
        tags=("caching",),
    )

    flagged = (
        """
        _customer_cache = {}

        def get_customer(customer_id):
            if customer_id not in _customer_cache:
                _customer_cache[customer_id] = fetch_customer(customer_id)  # error: PG353
            return _customer_cache[customer_id]
        """,
        """
        from collections import defaultdict

        RESULTS = defaultdict(list)

        def record_payment(order_id, payment):
            RESULTS.setdefault(order_id, []).append(payment)  # error: PG353
        """,
    )
    clean = (
        """
        _customer_cache = {}

        def get_customer(customer_id):
            if len(_customer_cache) > 10_000:
                _customer_cache.clear()
            _customer_cache[customer_id] = fetch_customer(customer_id)
            return _customer_cache[customer_id]
        """,
        """
        HANDLERS = {}
        _settings_cache = {}

        def register(name, handler):
            HANDLERS[name] = handler

        _lexer_cache = {}

        def find_lexer(name):
            _lexer_cache[name] = load_lexer(name)

        def configure():
            _settings_cache["loaded"] = True

        def forget(token):
            del _settings_cache[token]

        _endpoint_context_cache = {}

        def endpoint_context(func):
            func_id = id(func)
            if func_id in _endpoint_context_cache:
                return _endpoint_context_cache[func_id]
            _endpoint_context_cache[func_id] = context = {"name": func.__name__}
            return context
        """,
    )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                self._check(node, target.value, target.slice, ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "setdefault" and node.args:
            self._check(node, func.value, node.args[0], ctx)

    def _check(self, node: ast.AST, collection: ast.expr, key: ast.expr, ctx: FileContext) -> None:
        if not (isinstance(collection, ast.Name) and CACHE_NAME.search(collection.id)):
            return
        function = ctx.function()
        if function is None or function.name in CONSTRUCTORS or ctx.is_test_file or is_command_line_code(ctx):
            return
        if not any(DATA_KEY.search(name) for name in _key_names(key, _identities(function))):
            return
        name = is_module_name(ctx, collection, function)
        if name is not None and name not in self._bounded(ctx):
            ctx.report(node, name=name)

    @staticmethod
    def _bounded(ctx: FileContext) -> set[str]:
        """Names the module evicts from, measures, or rebinds from inside a function."""
        state = ctx.state()
        if "bounded" not in state:
            found: set[str] = set()
            for node in ast.walk(ctx.tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    if isinstance(func, ast.Attribute) and func.attr in EVICTIONS and isinstance(func.value, ast.Name):
                        found.add(func.value.id)
                    elif isinstance(func, ast.Name) and func.id == "len" and node.args:
                        found.update(n.id for n in ast.walk(node.args[0]) if isinstance(n, ast.Name))
                elif isinstance(node, ast.Delete):
                    found.update(t.value.id for t in node.targets
                                 if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name))
                elif isinstance(node, ast.Global):
                    found.update(node.names)
            state["bounded"] = found
        return state["bounded"]


def _key_names(key: ast.AST, identities: frozenset[str]) -> Iterator[str]:
    """Names a key is built from (``customer_id``, ``(user_id, day)``), leaving out object identities
    (``id(func)``, or a local assigned from one): those count live objects, not requests."""
    if _is_identity(key) or (isinstance(key, ast.Name) and key.id in identities):
        return
    if isinstance(key, ast.Name):
        yield key.id
    elif isinstance(key, ast.Attribute):
        yield key.attr
    for child in ast.iter_child_nodes(key):
        yield from _key_names(child, identities)


def _is_identity(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"


def _identities(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Locals of ``function`` assigned only from ``id(...)``."""
    assigned: dict[str, bool] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = assigned.get(target.id, True) and _is_identity(node.value)
    return frozenset(name for name, identity in assigned.items() if identity)
