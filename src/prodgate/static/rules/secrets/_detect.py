"""Secret detection for string literals: provider key formats from detect-secrets' regex plugins,
and high-entropy values bound to credential-like names. Values are never returned, only kinds."""

from __future__ import annotations

import ast
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins.base import RegexBasedDetector

from prodgate.static.nodes import name_of

BASIC_AUTH = "Basic Auth Credentials"
# Plugins whose matches are not credentials (addresses) are left out.
EXCLUDED_PLUGINS = frozenset({"IPPublicDetector"})
CREDENTIAL_NAME = re.compile(
    r"(?i)(pass(word|wd|phrase)?|pwd|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?token|"
    r"access[_-]?token|refresh[_-]?token|bearer|client[_-]?secret|signing[_-]?key|encryption[_-]?key|"
    r"secret[_-]?key|token|credential|dsn)$|(pass(word|wd)|secret|token|api[_-]?key)[_-]"
)
PLACEHOLDER = re.compile(
    r"(?i)^(x+|\*+|\.+|-+|0+|changeme|change[_-]?me|password|secret|token|test|testing|dummy|fake|example|sample|"
    r"placeholder|redacted|none|null|todo|tbd|default|admin|root|user(name)?|your.*|my.*|<.*>|\{.*\}|\$\{.*\}|"
    r"%\(.*\)s|.*(example|dummy|placeholder|changeme|not[_-]?a[_-]?real|fake|xxxx|\.\.\.).*)$"
)
# Names of fields, settings, cookies and classes, not secrets: lowercase or uppercase words joined
# by _ - . or :, camelCase or PascalCase words without digits (``refreshToken``, ``SecretMultiline``),
# and dotted import paths (``django.contrib.auth.tokens.PasswordResetTokenGenerator``).
IDENTIFIER = re.compile(
    r"[a-z_\-.:]+|[A-Z_\-.:]+|[a-z]*(?:[A-Z][a-z]+)+|[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*\.[A-Za-z_]\w*")
FORMAT = re.compile(r"%\(?\w*\)?[sdr]|\{\w*\}")
MIN_LENGTH = 8
MIN_ENTROPY = 3.0
# Names whose value is the credential itself (not `password_reset_url`; a bare `token` is as
# often a parser's token).
SECRET_VALUE_NAME = re.compile(
    r"(?i)(^|[_-])(pass(word|wd|phrase)?|pwd|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|"
    r"access[_-]?token|client[_-]?secret|secret[_-]?key)$"
)
PASSWORD_NAME = re.compile(r"(?i)(^|[_-])(pass(word|wd)?|pwd)$")
# Markers of text standing in for a value to be filled in (a template, a masked value), not a value.
STAND_IN = re.compile(r"(?i)^(<.*>|\$\{.*\}|\{.*\}|%\(.*\)s|x{3,}|\*+|\.{3,}|your[_-].*|.*changeme.*|.*change[_-]me.*)$")
# A value holding a whole alphabet in order is a character set (``SECRET_KEY_CHARSET``) or a dummy
# written by hand, never a generated secret.
ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Values a credential is compared with to test what kind it is, or whether it is set.
SENTINELS = frozenset({"none", "null", "nil", "undefined", "true", "false", "yes", "no", "bearer", "basic"})


@lru_cache(maxsize=1)
def _detectors() -> tuple[RegexBasedDetector, ...]:
    found: list[RegexBasedDetector] = []
    plugin: Any
    for plugin in get_mapping_from_secret_type_to_class().values():
        if issubclass(plugin, RegexBasedDetector) and plugin.__name__ not in EXCLUDED_PLUGINS:
            found.append(plugin())
    return tuple(found)


def provider_secret(value: str) -> str | None:
    """The kind of provider credential ``value`` contains (``AWS Access Key``...), if any. A URL
    whose password is no secret (``postgres://saleor:saleor@localhost/saleor``, a local default)
    holds none."""
    if len(value) < MIN_LENGTH or PLACEHOLDER.match(value):
        return None
    for detector in _detectors():
        for pattern in detector.denylist:
            if pattern.search(value):
                kind = str(detector.secret_type)
                return None if kind == BASIC_AUTH and not _url_password_is_secret(value) else kind
    return None


def _url_password_is_secret(value: str) -> bool:
    try:
        password = urlsplit(value.strip()).password
    except ValueError:
        return False
    return password is not None and not PLACEHOLDER.match(password) and looks_like_credential("password", password)


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_like_credential(name: str, value: str) -> bool:
    """A literal bound to a credential-like name that is not a placeholder, a format or a path."""
    if not CREDENTIAL_NAME.search(name) or len(value) < MIN_LENGTH or PLACEHOLDER.match(value):
        return False
    if any(c in value for c in " /\\{}") or FORMAT.search(value) or IDENTIFIER.fullmatch(value):
        return False
    if any(alphabet in value for alphabet in ALPHABETS):
        return False
    return entropy(value) >= MIN_ENTROPY


def accepted_literal(name: str, value: str) -> bool:
    """A literal a credential-named value is compared with: the one credential the check accepts."""
    value = value.strip()
    return (bool(SECRET_VALUE_NAME.search(name)) and len(value) >= 4 and value.lower() not in SENTINELS
            and not STAND_IN.match(value) and not value.isupper())  # NOTPROVIDED: a marker, not a password


def literal_password(name: str, value: str) -> bool:
    """A literal (empty included) passed as a password-named argument: a fixed login, however weak."""
    return bool(PASSWORD_NAME.search(name)) and not STAND_IN.match(value.strip())


def literal_secret(node: ast.Constant, parent: ast.AST | None) -> str | None:
    """What PG730 reports the string literal ``node`` (a child of ``parent``) as, or None."""
    assert isinstance(node.value, str)
    kind = provider_secret(node.value)
    if kind is not None:
        return f"a {kind}"
    if isinstance(parent, ast.keyword) and parent.arg and literal_password(parent.arg, node.value):
        return f"a fixed password passed as `{parent.arg}`"
    if isinstance(parent, ast.Compare):
        if len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.Eq, ast.NotEq)):
            other = parent.left if parent.comparators[0] is node else parent.comparators[0]
            if accepted_literal(name_of(other), node.value):
                return f"the value `{name_of(other)}` is checked against"
        return None
    name = _bound_name(node, parent)
    if name and looks_like_credential(name, node.value):
        return f"a literal value of `{name}`"
    return None


def _bound_name(node: ast.Constant, parent: ast.AST | None) -> str | None:
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return next((n for n in map(name_of, targets) if n), None)
    if isinstance(parent, ast.keyword) and parent.arg:
        return parent.arg
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values):
            if value is node and isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
    if isinstance(parent, ast.arguments):
        positional = [*parent.posonlyargs, *parent.args]
        for arg, default in zip(positional[len(positional) - len(parent.defaults):], parent.defaults):
            if default is node:
                return arg.arg
        for arg, kw_default in zip(parent.kwonlyargs, parent.kw_defaults):
            if kw_default is node:
                return arg.arg
    return None
