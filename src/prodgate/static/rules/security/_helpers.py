"""Small questions the security rules share: literal values, dev entry points, names of secrets."""

from __future__ import annotations

import ast
import re

from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.names import resolve_relative
from prodgate.static.nodes import name_of

# Hash constructors that take the algorithm's name as their first argument.
GENERIC_HASH_CONSTRUCTORS = frozenset({"hashlib.new"})
# Words in a name that say the value guards access: a token, a password, a key, a signature.
SECRET_NAME = re.compile(
    r"^key$|(?:^|_)(?:token|password|passwd|pwd|secret|apikey|nonce|salt|otp|csrf|sessionid|session_id|signature|"
    r"hmac|auth|credential|credentials|pin|passphrase|(?:api|secret|private|signing|access|encryption|license|"
    r"master|client|session)_?key)(?:_|s?$)",
)
# Names of functions that produce such values (``generate_token``, ``make_password``, ``new_api_key``).
SECRET_FUNCTION = re.compile(
    r"(?:token|password|passwd|secret|api_?key|nonce|salt|otp|csrf|session_?id|passphrase|credential|"
    r"(?:reset|verification|activation|invite|confirm|auth|login)_?code|(?:^|_)pin(?:_|$))",
)
# Names of functions that hash to protect something (``hash_password``, ``sign_payload``, ``verify_signature``).
PROTECTING_FUNCTION = re.compile(
    r"(?:token|password|passwd|secret|api_?key|signature|(?:^|_)sign(?:_|$)|hmac|passphrase|credential|(?:^|_)pin(?:_|$))",
)


def is_constant(node: ast.AST | None, value: object) -> bool:
    """True when ``node`` is the literal ``value`` (``True`` is not ``1``)."""
    return isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value


def keyword_is(call: ast.Call, name: str, value: object) -> bool:
    keyword = FileContext.keyword(call, name)
    return keyword is not None and is_constant(keyword.value, value)


WEB_APPS = frozenset({"flask.Flask", "quart.Quart", "sanic.Sanic"})


def is_web_app(receiver: ast.expr, ctx: FileContext) -> bool:
    """A web application object: made by ``Flask(...)``, or named like one (``app``, ``application``)."""
    if ctx.constructor_name(receiver) in WEB_APPS:
        return True
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return name in ("app", "application", "flask_app", "api", "server")


def is_main_guard(node: ast.AST) -> bool:
    """``if __name__ == "__main__":``"""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    operands = [node.test.left, *node.test.comparators]
    return (any(isinstance(o, ast.Name) and o.id == "__name__" for o in operands)
            and any(is_constant(o, "__main__") for o in operands))


def in_main_guard(ctx: FileContext) -> bool:
    """Inside ``if __name__ == "__main__":`` (a local development entry point), at any depth."""
    return any(is_main_guard(node) for node in ctx.parents)


def snake(name: str) -> str:
    """``resetToken`` -> ``reset_token``, lower-cased, so one pattern serves every spelling."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def names_secret(name: str) -> bool:
    return bool(name) and SECRET_NAME.search(snake(name)) is not None


def function_makes_secret(name: str) -> bool:
    return bool(name) and SECRET_FUNCTION.search(snake(name)) is not None


def function_protects(name: str) -> bool:
    return bool(name) and PROTECTING_FUNCTION.search(snake(name)) is not None


# Path parts that mark settings meant for a developer's machine, CI or tests.
NON_PRODUCTION_PARTS = frozenset({
    "dev", "devel", "develop", "development", "local", "test", "tests", "testing", "ci", "debug", "example",
    "examples", "sample", "samples", "demo", "docs", "doc", "tutorial", "scripts", "sandbox",
})
DJANGO_SETTING_NAMES = frozenset({"INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF", "SECRET_KEY", "DATABASES"})


def _path_words(path: str) -> set[str]:
    stem = path.rsplit(".", 1)[0]
    return {word for word in re.split(r"[/_.\-]+", stem.lower()) if word}


def production_settings(ctx: FileContext) -> bool:
    """The module is a Django settings module, and nothing in its path says it is for development or tests."""
    state = ctx.shared("django-settings")
    if "production" not in state:
        words = _path_words(ctx.path)
        named = "settings" in words
        defines = {
            target.id for statement in ctx.tree.body if isinstance(statement, ast.Assign)
            for target in statement.targets if isinstance(target, ast.Name)
        }
        looks_like = named or len(defines & DJANGO_SETTING_NAMES) >= 2
        state["production"] = looks_like and not (words & NON_PRODUCTION_PARTS) and not ctx.is_test_file
    return bool(state["production"])


SETTINGS_FACT = "django-setting"


def publish_setting(ctx: FileContext, name: str, safe: bool) -> None:
    """Tell the project index whether this settings module sets ``name`` safely."""
    ctx.publish(SETTINGS_FACT, f"{ctx.module}.{name}", safe)


def publish_star_import(node: ast.ImportFrom, ctx: FileContext) -> None:
    """Record ``from .base import *`` in a module: its settings extend (and override) ``base``'s."""
    if len(ctx.parents) == 1 and any(alias.name == "*" for alias in node.names):
        source = resolve_relative(ctx.module, ctx.is_package, node.level, node.module) if node.level else node.module
        ctx.publish(SETTINGS_FACT, f"{ctx.module}.*{source}", True)


def set_safely_downstream(index: ProjectIndex, module: str, name: str) -> bool:
    """A settings module that star-imports ``module`` (``production.py`` over ``base.py``) sets ``name`` safely."""
    for other in index.modules.values():
        facts = other.facts.get(SETTINGS_FACT, {})
        if facts.get(f"{other.module}.*{module}") and facts.get(f"{other.module}.{name}") is True:
            return True
    return False


def constructor_name(expr: ast.expr, ctx: FileContext) -> str | None:
    """``ctx.constructor_name``, also for names bound by an enclosing ``with Call() as name:``
    (the engine binds those only once the ``with`` statement is left)."""
    found = ctx.constructor_name(expr)
    if found is not None or not isinstance(expr, ast.Name):
        return found
    for node in ctx.ancestors():
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if (isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == expr.id
                        and isinstance(item.context_expr, ast.Call)):
                    return ctx.call_name(item.context_expr)
    return None


VERIFICATION_SWITCH = re.compile(r"verif|insecure|cert_reqs|check_hostname|assert_hostname|ssl|tls|validat", re.IGNORECASE)


def under_verification_switch(ctx: FileContext) -> bool:
    """Inside an ``if`` that tests a verification setting (``if not verify:``): the caller chose."""
    for node in ctx.ancestors():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        if isinstance(node, ast.If) and any(
                VERIFICATION_SWITCH.search(name_of(n)) for n in ast.walk(node.test)
                if isinstance(n, (ast.Name, ast.Attribute))):
            return True
    return False


def star_imported_names(expr: ast.AST, ctx: FileContext) -> list[str]:
    """What ``expr`` (``DES.new``) can name when its first name is bound nowhere in scope but the
    module star-imports packages (``from Crypto.Cipher import *``): one qualified name per package,
    for the caller to match against the names it knows (only a real export can match)."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name) or ctx.binding(expr.id) is not None:
        return []
    state = ctx.state()
    if "star-imports" not in state:
        state["star-imports"] = [
            node.module for node in ctx.tree.body
            if isinstance(node, ast.ImportFrom) and node.module and not node.level
            and any(alias.name == "*" for alias in node.names)
        ]
    dotted = ".".join([expr.id, *reversed(parts)])
    return [f"{module}.{dotted}" for module in state["star-imports"]]
