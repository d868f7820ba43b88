from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import is_constant

LXML_PARSERS = frozenset({"lxml.etree.XMLParser", "lxml.etree.XMLPullParser", "lxml.etree.iterparse"})
# lxml parser options that open the door to entity attacks, and the value that does it.
UNSAFE_OPTIONS = (("resolve_entities", True), ("no_network", False), ("huge_tree", True))
EXTERNAL_FEATURES = frozenset({
    "xml.sax.handler.feature_external_ges", "xml.sax.handler.feature_external_pes",
})
EXTERNAL_FEATURE_URIS = frozenset({
    "http://xml.org/sax/features/external-general-entities",
    "http://xml.org/sax/features/external-parameter-entities",
})


class XmlParserResolvesEntities(Rule):
    """
    ## What it does
    Finds XML parsers configured to expand entities or fetch external resources: lxml's
    `XMLParser` (or `iterparse`) with `resolve_entities=True`, `no_network=False` or
    `huge_tree=True`, and SAX parsers given `setFeature(feature_external_ges, True)` (or the
    parameter-entity feature).

    ## Why is this bad
    An external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) makes the parser read local
    files or call internal URLs (XXE, server-side request forgery) and put the result in the
    parsed document, which is then stored or echoed back. `huge_tree=True` removes libxml2's
    limits on entity expansion, so a kilobyte "billion laughs" document exhausts memory.

    ## Example
    ```python
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    statement = etree.fromstring(upload.read(), parser)
    ```

    ## Use instead
    ```python
    statement = defusedxml.lxml.fromstring(upload.read())
    ```
    Or build the parser with `resolve_entities=False` and the network off (the defaults since
    lxml 5.2 keep external entities off but still expand internal ones).

    ## References
    - https://lxml.de/parsing.html#parser-options
    - https://docs.python.org/3/library/xml.html#xml-vulnerabilities
    - https://github.com/tiran/defusedxml
    """

    meta = RuleMeta(
        code="PG630",
        name="xml-parser-resolves-entities",
        category="security.xml",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.XXE, cwe.XML_ENTITY_EXPANSION),
        message="`{call}` is configured with {option}, so a crafted document can read local files, reach "
                "internal URLs or exhaust memory",
        tags=("xml",),
    )

    flagged = (
        """
        from lxml import etree

        def parse_statement(upload):
            parser = etree.XMLParser(resolve_entities=True, no_network=False)  # error: PG630
            return etree.fromstring(upload.read(), parser)
        """,
        """
        import xml.sax
        from xml.sax.handler import feature_external_ges

        def read_settlement(stream, handler):
            parser = xml.sax.make_parser()
            parser.setContentHandler(handler)
            parser.setFeature(feature_external_ges, True)  # error: PG630
            parser.parse(stream)
        """,
    )
    clean = (
        """
        from lxml import etree

        SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

        def parse_statement(upload):
            return etree.fromstring(upload.read(), SAFE_PARSER)
        """,
        """
        import xml.sax
        from xml.sax.handler import feature_external_ges

        def read(stream, handler):
            parser = xml.sax.make_parser()
            parser.setFeature(feature_external_ges, False)
            parser.parse(stream)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "setFeature" and len(node.args) == 2:
            feature, enabled = node.args
            if is_constant(enabled, True) and self._external_feature(feature, ctx):
                ctx.report(node, call="setFeature", option="external entities enabled")
            return
        name = ctx.call_name(node)
        if name not in LXML_PARSERS:
            return
        unsafe = [f"`{option}={value}`" for option, value in UNSAFE_OPTIONS
                  if (keyword := ctx.keyword(node, option)) is not None and is_constant(keyword.value, value)]
        if unsafe:
            ctx.report(node, call=name.rsplit(".", 1)[-1], option=" and ".join(unsafe))

    @staticmethod
    def _external_feature(feature: ast.expr, ctx: FileContext) -> bool:
        if isinstance(feature, ast.Constant):
            return feature.value in EXTERNAL_FEATURE_URIS
        return ctx.qualname(feature) in EXTERNAL_FEATURES
