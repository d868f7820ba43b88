"""Scanning helpers shared by the resource, memory, performance, concurrency, data and serverless rules.

They answer questions about one function body (its own statements, not nested definitions),
about module-level mutable collections, and about which functions are entry points (request
handlers, tasks, serverless handlers). Results are cached per file in the calling rule's state.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodgate.static.context import FileContext
from prodgate.static.taint.spec import ROUTE_DECORATORS

NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
MUTABLE_FACTORIES = frozenset({
    "dict", "list", "set", "collections.defaultdict", "collections.OrderedDict", "collections.deque",
    "collections.Counter",
})
# Verbs of route decorators that say which HTTP methods a handler serves (``@app.post``, ``@bp.route``).
ROUTE_METHODS = frozenset(ROUTE_DECORATORS) - {"websocket"}
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Decorator names that say a handler checks its caller (``@login_required``, ``@jwt_required()``).
AUTH_DECORATOR = re.compile(r"(?i)(login|auth|permission|token|jwt|admin|staff|role|scope|signed|verified)")
# Names of the functions a FastAPI dependency authenticates with (``Depends(get_current_user)``).
AUTH_DEPENDENCY = re.compile(
    r"(?i)(current_?\w*user|superuser|admin|staff|permission|role|scope|authenticate|auth|token|login|verify|require)")
# Parameter names that hold the caller (``current_user: CurrentUser``, ``token: TokenDep``); a body
# model whose class name says token (``uses: CreateInviteToken``) is not the caller.
CALLER_PARAMETER = re.compile(r"(?i)(user|auth|token|principal|identity|caller)")
INJECTOR_NAMES = ("Depends", "Security")
CATALOG_SQL = re.compile(
    r"\b(?:sqlite_master|sqlite_schema|information_schema|pg_catalog|pg_\w+|sys\.\w+)\b"
    r"|^\s*(?:pragma|show|describe)\b",
    re.IGNORECASE,
)
CLI_DIRECTORIES = frozenset({"management", "scripts", "bin", "tools", "command", "commands"})
# Names of per-request data values: ids, emails, tokens, URLs, dates... (an unbounded key space).
DATA_KEY = re.compile(
    r"(?:^|_)(?:id|ids|uuid|email|token|url|uri|query|sku|date|day|timestamp|ts|amount|address|phone|ip|"
    r"payload|body|username|zip|postcode|iban)$",
    re.IGNORECASE,
)
CONCURRENT_MODULES = frozenset({
    "threading", "concurrent", "flask", "django", "fastapi", "starlette", "celery", "aiohttp", "tornado", "sanic",
    "falcon", "rq", "dramatiq", "gunicorn", "bottle", "pyramid", "quart", "litestar", "grpc", "kafka", "asyncio",
})
TASK_DECORATORS = ("task", "shared_task", "actor", "job")


def chain(expr: ast.expr) -> list[str]:
    """Method and attribute names along a call chain, innermost first (``a.b(x).c()`` -> [b, c])."""
    names: list[str] = []
    while True:
        if isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            names.append(expr.attr)
            expr = expr.value
        else:
            return names[::-1]


def sql_text(expr: ast.expr) -> str | None:
    """The literal text of a SQL argument: a string, or the constant parts of an f-string or ``%``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        return "".join(v.value for v in expr.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return sql_text(expr.left)
    return None


def is_catalog_sql(sql: str) -> bool:
    """Queries on the database's own catalog (schema introspection), not on application tables."""
    return CATALOG_SQL.search(sql) is not None


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function's body, not descending into nested functions, lambdas or classes."""
    todo: list[ast.AST] = list(getattr(function, "body", []))
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, NESTED_SCOPES):
                todo.append(child)


def source_lines(ctx: FileContext, node: ast.AST) -> str:
    """The source lines a definition spans (cheaper than ``ctx.segment`` on large files)."""
    start = getattr(node, "lineno", 1) - 1
    end = getattr(node, "end_lineno", None) or start + 1
    return "\n".join(ctx.lines[start:end])


def function_nodes(ctx: FileContext, function: ast.AST) -> list[ast.AST]:
    """``own_nodes`` of a function, cached in the current rule's per-file state."""
    cache = ctx.state().setdefault("<own-nodes>", {})
    if id(function) not in cache:
        cache[id(function)] = list(own_nodes(function))
    return cache[id(function)]


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def module_mutables(ctx: FileContext) -> dict[str, ast.expr]:
    """Module-level names bound once to a mutable collection (``CACHE = {}``, ``SEEN = set()``)."""
    state = ctx.state()
    if "<module-mutables>" not in state:
        found: dict[str, ast.expr] = {}
        counts: dict[str, int] = {}
        for statement in ctx.tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(statement, ast.Assign):
                targets, value = statement.targets, statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                targets, value = [statement.target], statement.value
            for target in targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    if value is not None and is_mutable_collection(ctx, value):
                        found[target.id] = value
        state["<module-mutables>"] = {k: v for k, v in found.items() if counts[k] == 1}
    return state["<module-mutables>"]


def is_mutable_collection(ctx: FileContext, value: ast.expr) -> bool:
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    return isinstance(value, ast.Call) and ctx.call_name(value) in MUTABLE_FACTORIES


def is_module_name(ctx: FileContext, node: ast.expr, function: ast.AST) -> str | None:
    """The name when ``node`` is a plain name that refers to a module-level mutable collection."""
    if not isinstance(node, ast.Name) or node.id not in module_mutables(ctx):
        return None
    if local_names(ctx, function) & {node.id}:
        return None
    return node.id


def local_names(ctx: FileContext, function: ast.AST) -> set[str]:
    """Names a function binds locally (parameters and assignments, minus ``global`` ones)."""
    cache = ctx.state().setdefault("<local-names>", {})
    if id(function) not in cache:
        bound: set[str] = set()
        declared: set[str] = set()
        args = getattr(function, "args", None)
        if isinstance(args, ast.arguments):
            bound |= {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
        for node in function_nodes(ctx, function):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                declared.update(node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
        cache[id(function)] = bound - declared
    return cache[id(function)]


def is_command_line_code(ctx: FileContext) -> bool:
    """Management commands and scripts: run by one operator at a time, not by concurrent workers."""
    return any(part in CLI_DIRECTORIES for part in ctx.path.split("/")[:-1])


def imports_concurrency(ctx: FileContext) -> bool:
    """The module imports (at top level) a web framework, a task queue or a threading API: its
    functions can run in several threads at once."""
    return bool(ctx.imported_roots & CONCURRENT_MODULES)


def decorator_tails(ctx: FileContext, function: FunctionNode) -> list[str]:
    return [name.rsplit(".", 1)[-1] for name in ctx.decorators(function)]


def route_path(function: FunctionNode) -> str | None:
    """The literal path of a Flask/FastAPI route decorator (``@app.post("/webhooks/stripe")``)."""
    for decorator in function.decorator_list:
        if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in ROUTE_DECORATORS and decorator.args
                and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str)):
            return decorator.args[0].value
    return None


def route_of(decorator: ast.expr) -> tuple[str, set[str]] | None:
    """``(path, methods)`` of a route decorator such as ``@app.post("/x")`` or ``@bp.route("/x", methods=[...])``."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return None
    verb = decorator.func.attr
    if verb not in ROUTE_METHODS or not decorator.args or not isinstance(decorator.args[0], ast.Constant):
        return None
    path = str(decorator.args[0].value)
    if path and not path.startswith("/"):
        return None  # a URL rule starts with "/" (or is empty under a prefix): `@mock.patch("builtins.input")` is not one
    methods = {"GET"} if verb in ("route", "api_route") else {verb.upper()}
    for keyword in decorator.keywords:
        if keyword.arg == "methods" and isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
            methods = {str(e.value).upper() for e in keyword.value.elts if isinstance(e, ast.Constant)}
    return path, methods


def is_task(ctx: FileContext, function: FunctionNode) -> bool:
    return any(tail in TASK_DECORATORS for tail in decorator_tails(ctx, function))


def parameter_names(function: FunctionNode) -> list[str]:
    args = function.args
    return [a.arg for a in [*args.posonlyargs, *args.args]]


def is_serverless_handler(ctx: FileContext, function: FunctionNode) -> bool:
    """AWS Lambda ``handler(event, context)``, Google ``@functions_framework.http``, Azure functions."""
    if any(name.startswith("functions_framework.") for name in ctx.decorators(function)):
        return True
    params = parameter_names(function)
    if "handler" in function.name.lower() and params[:2] == ["event", "context"]:
        return True
    annotations = [a.annotation for a in function.args.args if a.annotation is not None]
    return any((ctx.qualname(a) or "").startswith("azure.functions.") for a in annotations)


def is_view(function: FunctionNode) -> bool:
    """A Django-style view: first parameter ``request`` (or ``self, request``)."""
    params = parameter_names(function)
    return params[:1] == ["request"] or params[:2] == ["self", "request"]


def is_request_handler(ctx: FileContext, function: FunctionNode) -> bool:
    return route_path(function) is not None or is_view(function)


def authenticates_caller(function: FunctionNode) -> bool:
    """The handler checks who calls it: a login decorator, an authenticating dependency in its
    route's ``dependencies=[...]``, a parameter default or ``Annotated`` metadata, or an alias
    annotation named for the caller on a parameter named for the caller (``current_user: CurrentUser``)."""
    for decorator in function.decorator_list:
        if route_of(decorator) is None:
            if AUTH_DECORATOR.search(ast.unparse(decorator)):
                return True
        elif isinstance(decorator, ast.Call) and declares_auth_dependencies(decorator):
            return True
    args = function.args
    if any(_auth_dependency(default) for default in [*args.defaults, *args.kw_defaults] if default is not None):
        return True
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.annotation is None:
            continue
        if _auth_dependency(arg.annotation) or (
                isinstance(arg.annotation, (ast.Name, ast.Attribute))
                and AUTH_DEPENDENCY.search(ast.unparse(arg.annotation)) and CALLER_PARAMETER.search(arg.arg)):
            return True
    return False


def declares_auth_dependencies(call: ast.Call) -> bool:
    """A route decorator or a router/app constructor declares an authenticating ``dependencies=[...]``."""
    dependencies = FileContext.keyword(call, "dependencies")
    return dependencies is not None and _auth_dependency(dependencies.value)


def _auth_dependency(expr: ast.expr) -> bool:
    """``expr`` holds ``Depends(f)``/``Security(f)`` of an authenticating ``f`` (``Depends()`` of a
    form class, ``Annotated[OAuth2PasswordRequestForm, Depends()]``, authenticates nobody)."""
    return any(isinstance(node, ast.Call) and ast.unparse(node.func).rsplit(".", 1)[-1] in INJECTOR_NAMES
               and any(AUTH_DEPENDENCY.search(ast.unparse(a)) for a in [*node.args, *node.keywords])
               for node in ast.walk(expr))
