from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedXpathQuery(TaintRule):
    """
    ## What it does
    Finds untrusted input built into XPath expressions (`lxml.etree.XPath`, `.xpath()`,
    ElementTree `find`/`findall` paths).

    ## Why is this bad
    Quotes in the input close the literal and add predicates: `' or '1'='1` returns every
    employee record instead of one.

    ## Example
    ```python
    root.xpath(f"//employee[@id='{request.args['id']}']")
    ```

    ## Use instead
    ```python
    root.xpath("//employee[@id=$id]", id=request.args["id"])
    ```
    XPath variables keep input as data.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG705",
        name="tainted-xpath-query",
        category="security.injection.xpath",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.XPATH_INJECTION,),
        message="untrusted {source} reaches the XPath expression of `{sink}`, so an attacker can read any node of the document",
        tags=("taint",),
    )
    sink = "xpath"

    flagged = (
        """
        import lxml.etree
        from flask import request

        def employee(root):
            emp = request.args.get("id")
            query = lxml.etree.XPath(f"/Employees/Employee[@emplid='{emp}']")  # error: PG705
            return query(root)
        """,
    )
    clean = (
        """
        from flask import request

        def employee(root):
            return root.xpath("/Employees/Employee[@emplid=$emp]", emp=request.args.get("id"))
        """,
    )
