from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import constructor_name

STDLIB_PARSE = frozenset({
    *(f"xml.etree.{module}.{name}" for module in ("ElementTree", "cElementTree")
      for name in ("fromstring", "parse", "XML", "iterparse", "fromstringlist")),
    "xml.dom.minidom.parse", "xml.dom.minidom.parseString", "xml.dom.pulldom.parse", "xml.dom.pulldom.parseString",
    "xml.sax.parse", "xml.sax.parseString",
})
LXML_PARSE = frozenset(f"lxml.etree.{name}" for name in ("fromstring", "parse", "XML", "fromstringlist"))
REQUEST_NAMES = frozenset({"request", "req"})
REQUEST_OBJECTS = frozenset({"flask.request", "quart.request", "bottle.request", "werkzeug.local.request"})
RESPONSE_BODIES = frozenset({"content", "text", "raw", "body"})
HTTP_CALLS = apis.SYNC_HTTP_FUNCTIONS | apis.HTTPX_FUNCTIONS | frozenset({"urllib.request.urlopen"})
HTTP_CLIENTS = apis.REQUESTS_SESSIONS | apis.HTTPX_CLIENTS | apis.AIOHTTP_SESSIONS


def _from_http(expr: ast.expr, ctx: FileContext) -> bool:
    """The value comes from an HTTP call: ``urlopen(...)``, ``requests.get(...)``, ``session.get(...)``."""
    name = constructor_name(expr, ctx)
    if name in HTTP_CALLS:
        return True
    call = ctx.constructor(expr)
    func = call.func if call is not None else None
    return (isinstance(func, ast.Attribute) and apis.is_http_verb(func.attr)
            and constructor_name(func.value, ctx) in HTTP_CLIENTS)


def untrusted_source(expr: ast.expr, ctx: FileContext, depth: int = 0) -> str:
    """Where an XML document comes from when it is outside the service's control (empty otherwise)."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and (node.id in REQUEST_NAMES or ctx.qualname(node) in REQUEST_OBJECTS):
            return "request data"
        if isinstance(node, ast.Attribute) and node.attr in RESPONSE_BODIES and _from_http(node.value, ctx):
            return "an HTTP response"
        if isinstance(node, (ast.Name, ast.Call)) and _from_http(node, ctx):
            return "an HTTP response"
        if isinstance(node, ast.Name) and depth < 3:
            value = ctx.value_of(node)
            if value is not None and (found := untrusted_source(value, ctx, depth + 1)):
                return found
    return ""


class UntrustedXmlParsedUnsafely(Rule):
    """
    ## What it does
    Finds XML from a request (`request.data`, `request.get_data()`, `request.body`, uploaded
    files) or from an HTTP response parsed with the standard library (`xml.etree`,
    `xml.dom.minidom`, `xml.dom.pulldom`, `xml.sax`) or with lxml's default parser, instead of
    `defusedxml`.

    ## Why is this bad
    XML is a format with macros: a few hundred bytes of nested entity definitions ("billion
    laughs", quadratic blowup) expand to gigabytes and take the worker down. The standard
    library is protected only when Python is linked against expat 2.4.1 or newer, which
    depends on the distribution's system library; lxml before 5.2 also resolves external
    entities by default, letting the document read local files (XXE). `defusedxml` rejects
    entity declarations outright, whatever the versions underneath.

    ## Example
    ```python
    root = ET.fromstring(request.get_data())
    ```

    ## Use instead
    ```python
    from defusedxml import ElementTree as SafeET

    root = SafeET.fromstring(request.get_data())
    ```
    For lxml, use `defusedxml.lxml` or pass `etree.XMLParser(resolve_entities=False,
    no_network=True)` explicitly.

    ## Known limitations
    Untrusted data is recognised by name (`request`, `req`, an HTTP response or `urlopen` result
    in the same function); XML from a queue, a file upload stored first, or a parameter is not
    followed. Whether the deployed expat or lxml is vulnerable is not checked, so the finding
    has medium confidence.

    ## References
    - https://docs.python.org/3/library/xml.html#xml-vulnerabilities
    - https://lxml.de/5.2/changes-5.2.0.html
    - https://github.com/tiran/defusedxml
    """

    meta = RuleMeta(
        code="PG631",
        name="untrusted-xml-parsed-unsafely",
        category="security.xml",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.XML_ENTITY_EXPANSION, cwe.XXE),
        message="`{call}` parses {source} without defusedxml, so a crafted document can exhaust memory with "
                "entity expansion or read local files",
        tags=("xml",),
    )

    flagged = (
        """
        import xml.dom.minidom
        import xml.etree.ElementTree as ET
        from flask import jsonify, request

        def legacy_gateway_notification():
            root = ET.fromstring(request.get_data())  # error: PG631
            return jsonify(batch=root.findtext("BatchId"))

        def import_bank_statement():
            doc = xml.dom.minidom.parseString(request.get_data())  # error: PG631
            return len(doc.getElementsByTagName("Ntry"))
        """,
        """
        import urllib.request
        from lxml import etree

        def fetch_legacy_settlement(url):
            with urllib.request.urlopen(url, timeout=15) as resp:
                tree = etree.parse(resp)  # error: PG631
            return [item.text for item in tree.getroot().iter("transaction")]
        """,
        """
        import requests
        from lxml import etree

        def fx_rates():
            resp = requests.get("https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml", timeout=10)
            body = resp.content
            return etree.fromstring(body)  # error: PG631
        """,
    )
    clean = (
        """
        from defusedxml import ElementTree as SafeET
        from flask import request
        from lxml import etree

        SAFE = etree.XMLParser(resolve_entities=False, no_network=True)

        def notification():
            root = SafeET.fromstring(request.get_data())
            other = etree.fromstring(request.get_data(), SAFE)
            return root, other
        """,
        Example(
            """
            import xml.etree.ElementTree as ET

            def load_fixture(path):
                return ET.parse(path)
            """,
            path="payments/fixtures.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name in LXML_PARSE:
            if ctx.argument(node, 1, "parser") is not None or ctx.has_splat(node):
                return
        elif name not in STDLIB_PARSE:
            return
        document = ctx.argument(node, 0, "source") or ctx.argument(node, 0, "text")
        if document is None or ctx.is_test_file:
            return
        source = untrusted_source(document, ctx)
        if source:
            ctx.report(node, call=name.rsplit(".", 1)[-1], source=source)
