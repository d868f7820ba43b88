from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.rules import FUZZ_STAGE


class NetworkAccessWhileFuzzing(Rule):
    """
    ## What it does
    Reports a function that opened a network connection while it was fuzzed. The sandbox blocks
    connections (unless `allow-network = true`), so the function could not be tested in
    isolation.

    ## Why is this bad
    A function that reaches a real service from inside its logic cannot be tested without that
    service, hides its timeouts and failures from its callers, and sends test traffic to
    production when its tests run somewhere with network access.

    ## Example
    ```python
    def service_is_up() -> bool:
        with socket.create_connection(("status.example.com", 443), timeout=2):
            return True
    ```

    ## Use instead
    ```python
    def service_is_up(connect: Callable[[], socket.socket]) -> bool:
        with connect():
            return True
    ```
    Pass the client (or the connection factory) in, so tests give a fake and production the
    real one.

    ## Known limitations
    The guard replaces the `socket` functions; code that reaches the network through `_socket`,
    ctypes or a subprocess is not seen.
    """

    meta = RuleMeta(
        code="PG905", name="network-access-while-fuzzing", category="dynamic.crash", severity=Severity.LOW,
        confidence=Confidence.HIGH, cwe=(),
        message="{function} opens a network connection, so it cannot be fuzzed in isolation", tags=("fuzz",),
    )
    stage = FUZZ_STAGE
    flagged = (
        """
        import socket


        def service_is_up() -> bool:  # error: PG905
            with socket.create_connection(("status.example.com", 443), timeout=2):
                return True
        """,
    )
    clean = (
        """
        def health_url(host: str, port: int = 443) -> str:
            return f"https://{host}:{port}/health"
        """,
    )
