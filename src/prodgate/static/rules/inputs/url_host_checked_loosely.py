from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.inputs._helpers import REQUEST_DATA, input_read
from prodgate.static.taint import spec

# Top-level domains common enough to identify a host name; file extensions that look like one
# (`.py`, `.gz`, `.app`, `.in`) are left out.
TLDS = ("com", "org", "net", "edu", "gov", "io", "co", "uk", "de", "fr", "jp", "cn", "ru", "us", "eu", "info",
        "biz", "dev", "tv", "xyz", "ca", "au")
_TLD = "(?:" + "|".join(TLDS) + ")"
URL = re.compile(rf"(?i)^(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>(?:[a-z0-9-]+\.)+{_TLD})(?::\d+)?(?P<slash>/)?$")
# In a pattern, after a label: a dot and a top-level domain that ends the host.
TLD_AFTER_DOT = re.compile(rf"(?i)\.{_TLD}(?![a-z0-9-])")
MATCH_CALLS = frozenset({"re.match", "re.search", "re.fullmatch"})
MATCH_METHODS = frozenset({"match", "search", "fullmatch"})
VERBOSE_FLAGS = frozenset({"re.VERBOSE", "re.X"})
VERBOSE_COMMENT = re.compile(r"(?<!\\)#.*$", re.MULTILINE)
# Calls a URL check typically guards: redirects and outbound requests.
URL_SINKS = frozenset(sink.callee for sink in spec.SINKS if sink.kind in ("redirect", "ssrf") and sink.callee)
# The last word of a variable's name that says it holds one URL or host (not a collection of them).
URL_WORDS = frozenset({"url", "uri", "link", "href", "target", "redirect", "next", "host", "hostname", "netloc",
                       "origin", "referer", "referrer", "domain", "location", "callback", "destination", "dest"})


def _unescaped_host_dot(pattern: str) -> bool:
    """``pattern`` has a host whose dot before the top-level domain is unescaped (outside a set)."""
    depth = 0
    escaped = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        elif (char == "." and not depth and index and pattern[index - 1].isalnum()
              and TLD_AFTER_DOT.match(pattern, index)):
            return True
    return False


def _verbose(compiled: ast.Call, ctx: FileContext) -> bool:
    flags = ctx.argument(compiled, 1, "flags")
    return flags is not None and any(ctx.qualname(n) in VERBOSE_FLAGS for n in ast.walk(flags))


def _guarding(check: ast.expr, checked: ast.expr, ctx: FileContext) -> bool:
    """The check decides something a URL check protects: it is what a function returns (a
    validator), the condition of a branch that redirects or fetches, or it looks at request data."""
    current: ast.AST = check
    for parent in ctx.ancestors():
        if isinstance(parent, (ast.Compare, ast.UnaryOp, ast.BoolOp)) or (
                isinstance(parent, ast.Call) and ctx.call_name(parent) == "bool"):
            current = parent
            continue
        if isinstance(parent, ast.Return):
            return True
        if isinstance(parent, (ast.If, ast.While)) and parent.test is current and any(
                isinstance(n, ast.Call) and ctx.call_name(n) in URL_SINKS for n in ast.walk(parent)):
            return True
        break
    return input_read(checked, ctx) == REQUEST_DATA


def _names_one_url(node: ast.expr) -> bool:
    """A variable or attribute whose name ends in a word for one URL or host (`target_url`, `next`)."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name.lower().rsplit("_", 1)[-1] in URL_WORDS


class UrlHostCheckedLoosely(Rule):
    """
    ## What it does
    Finds checks of a URL or host name that an attacker's own domain passes.

    - a regular expression for a host whose dot is not escaped (`(www|beta).example.com`: the
      `.` matches any character, so `beta-example.com`, which anyone can register, passes);
    - a domain searched as a substring of the URL (`"example.com" in url`: so is
      `https://evil.net/?example.com` and `https://example.com.evil.net`);
    - a URL compared by its end with a host that has no leading dot (`url.endswith("example.com")`:
      so does `https://evil-example.com`), or by its start with a scheme and host and no `/`
      after it (`url.startswith("https://example.com")`: so does `https://example.com.evil.net`).

    A check is reported where it decides something: a function returns it (a validator), it
    is the condition of a branch that redirects or sends a request, or it looks at request data.

    ## Why is this bad
    These checks guard redirects, outbound requests, CORS origins and webhooks. Each one looks
    right in a test with the intended host and lets through a host the attacker controls, which
    turns into an open redirect, SSRF or a trusted origin.

    ## Example
    ```python
    if "example.com" in target:
        return redirect(target)
    ```

    ## Use instead
    ```python
    host = urlparse(target).hostname
    if host == "example.com" or (host or "").endswith(".example.com"):
        return redirect(target)
    ```
    Parse the URL and compare its host exactly, or against a suffix that starts with a dot;
    escape dots in host patterns (`re.escape`, `\\.`) and anchor them.

    ## Known limitations
    A URL matched only to route or parse it (which service a host belongs to) is not reported,
    nor is a check whose consequence is elsewhere (a flag the caller acts on). Substring checks
    are reported only when the variable's name says it holds one URL or host
    (`target_url`, `next`, `origin`), so `"example.com" in allowed_hosts` (a collection) is not.
    Test files are not checked.
    """

    meta = RuleMeta(
        code="PG771",
        name="url-host-checked-loosely",
        category="security.input-validation",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.IMPROPER_INPUT_VALIDATION,),
        message="{check}, so {bypass} passes the check",
        tags=("web", "validation", "url"),
    )

    flagged = (
        """
        import re
        from flask import Flask, redirect, request

        app = Flask(__name__)
        TRUSTED = re.compile("(www|beta).example.com/")

        @app.route("/go")
        def go():
            target = request.args.get("target", "")
            if TRUSTED.match(target):  # error: PG771
                return redirect(target)
            if "example.com" in target:  # error: PG771
                return redirect(target)
            return "Invalid target"

        def allowed_callback(callback_url):
            return (callback_url.endswith("example.com/")  # error: PG771
                    or callback_url.startswith("https://partner.example.org"))  # error: PG771
        """,
    )
    clean = (
        """
        import re
        from urllib.parse import urlparse

        TRUSTED = re.compile(r"^(www|beta)\\.example\\.com/")
        ALLOWED_HOSTS = {"example.com", "www.example.com"}

        def allowed(target_url, allowed_hosts):
            host = urlparse(target_url).hostname or ""
            if "example.com" in allowed_hosts or host in ALLOWED_HOSTS:
                return True
            return host.endswith(".example.com") or target_url.startswith("https://example.com/")

        def is_archive(filename):
            return filename.endswith("backup.tar.gz") or filename.endswith("setup.py")
        """,
        """
        import re

        ROUTES = [("s3", re.compile(r"https?://s3.amazonaws.com"))]

        def backend_for(host):
            for name, pattern in ROUTES:
                if pattern.match(f"http://{host}"):
                    return name
            return None

        def bucket_of(netloc):
            if netloc.endswith("amazonaws.com") and "amazonaws.com" in netloc:
                return netloc.split(".", 1)[0]
            return None
        """,
        Example(
            """
            def test_redirect_target(client):
                response = client.get("/go?target=https://example.com/")
                assert "example.com" in response.location
            """,
            path="tests/test_redirect.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        name = ctx.call_name(node)
        if name in MATCH_CALLS and len(node.args) > 1:
            self._regex_check(node, node.args[0], node.args[1], ctx)
            return
        if not isinstance(node.func, ast.Attribute) or len(node.args) != 1:
            return
        if node.func.attr in MATCH_METHODS:
            compiled = ctx.value_of(node.func.value)
            if isinstance(compiled, ast.Call) and ctx.call_name(compiled) == "re.compile" and compiled.args:
                self._regex_check(node, compiled.args[0], node.args[0], ctx, _verbose(compiled, ctx))
            return
        pattern = node.args[0]
        if node.func.attr not in ("startswith", "endswith") or not isinstance(pattern, ast.Constant) \
                or not isinstance(pattern.value, str):
            return
        found = URL.match(pattern.value)
        if found is None or not _guarding(node, node.func.value, ctx):
            return
        if node.func.attr == "endswith" and not found["scheme"]:
            ctx.report(node, check=f"`endswith({pattern.value!r})` has no dot before the host",
                       bypass=f"`evil-{found['host']}`, which anyone can register,")
        elif node.func.attr == "startswith" and found["scheme"] and not found["slash"]:
            ctx.report(node, check=f"`startswith({pattern.value!r})` does not end the host with `/`",
                       bypass=f"`{found['scheme']}{found['host']}.evil.net`")

    def visit_Compare(self, node: ast.Compare, ctx: FileContext) -> None:
        if ctx.is_test_file or len(node.ops) != 1 or not isinstance(node.ops[0], (ast.In, ast.NotIn)):
            return
        literal, checked = node.left, node.comparators[0]
        if (isinstance(literal, ast.Constant) and isinstance(literal.value, str) and URL.match(literal.value)
                and _names_one_url(checked) and _guarding(node, checked, ctx)):
            ctx.report(node, check=f"`{literal.value!r} in {ast.unparse(checked)}` searches the host anywhere in the URL",
                       bypass=f"`https://evil.net/?{literal.value}`")

    @staticmethod
    def _regex_check(node: ast.Call, pattern: ast.expr, checked: ast.expr, ctx: FileContext, verbose: bool = False) -> None:
        if not isinstance(pattern, ast.Constant) or not isinstance(pattern.value, str):
            return
        text = VERBOSE_COMMENT.sub("", pattern.value) if verbose else pattern.value
        if _unescaped_host_dot(text) and _guarding(node, checked, ctx):
            ctx.report(node, check=f"the host pattern `{pattern.value}` leaves a dot unescaped, which matches any character",
                       bypass="a host with `-` or a letter for that dot, which anyone can register,")
