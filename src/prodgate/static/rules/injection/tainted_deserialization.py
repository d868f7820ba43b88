from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedDeserialization(TaintRule):
    """
    ## What it does
    Finds untrusted data loaded with `pickle`, `marshal`, `dill`, `jsonpickle`, `shelve` or
    `yaml.load` with an unsafe loader.

    ## Why is this bad
    These formats construct arbitrary objects and call arbitrary functions while loading: a
    crafted payload runs code on the server the moment it is read.

    ## Example
    ```python
    settings = pickle.loads(base64.b64decode(request.cookies["prefs"]))
    ```

    ## Use instead
    ```python
    settings = json.loads(request.cookies["prefs"])
    ```
    Use data-only formats (JSON, `yaml.safe_load`), or sign the payload and verify it first.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG712",
        name="tainted-deserialization",
        category="security.deserialization",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNSAFE_DESERIALIZATION,),
        message="untrusted {source} is deserialized by `{sink}`, so an attacker can execute code while it is loaded",
        tags=("taint",),
    )
    sink = "deserialization"

    flagged = (
        """
        import base64
        import pickle
        import yaml
        from flask import request

        def prefs():
            data = base64.b64decode(request.cookies.get("prefs"))
            settings = pickle.loads(data)  # error: PG712
            config = yaml.load(request.data, Loader=yaml.Loader)  # error: PG712
            return settings, config
        """,
    )
    clean = (
        """
        import json
        import yaml
        from flask import request

        def prefs():
            return json.loads(request.cookies.get("prefs")), yaml.load(request.data, Loader=yaml.SafeLoader)
        """,
    )
