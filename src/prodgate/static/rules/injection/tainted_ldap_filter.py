from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedLdapFilter(TaintRule):
    """
    ## What it does
    Finds untrusted input built into an LDAP search filter (ldap3 `Connection.search`, python-
    ldap `search_s`).

    ## Why is this bad
    Characters such as `*`, `(`, `)` and `|` rewrite the filter: `*)(uid=*` lists every user,
    and login checks built on a search can be bypassed.

    ## Example
    ```python
    conn.search("ou=users,dc=corp", f"(uid={request.form['user']})")
    ```

    ## Use instead
    ```python
    from ldap3.utils.conv import escape_filter_chars
    conn.search("ou=users,dc=corp", f"(uid={escape_filter_chars(user)})")
    ```
    ```python
    ```

    ## Known limitations
    The filter must be recognisable as one (it contains `(` and `=`) when the receiver's type is unknown.
    """

    meta = RuleMeta(
        code="PG704",
        name="tainted-ldap-filter",
        category="security.injection.ldap",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.LDAP_INJECTION,),
        message="untrusted {source} reaches the LDAP filter of `{sink}`, so an attacker can change which directory entries match",
        tags=("taint",),
    )
    sink = "ldap"

    flagged = (
        """
        from flask import request

        def lookup(conn):
            user = request.form.get("user")
            conn.search("ou=users,dc=corp", f"(&(objectClass=person)(uid={user}))")  # error: PG704
        """,
    )
    clean = (
        """
        from flask import request
        from ldap3.utils.conv import escape_filter_chars

        def lookup(conn):
            user = escape_filter_chars(request.form.get("user"))
            conn.search("ou=users,dc=corp", f"(&(objectClass=person)(uid={user}))")
        """,
    )
