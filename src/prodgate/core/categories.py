"""The failure taxonomy (shared/taxonomy.md): the stable category ids every finding carries."""

from __future__ import annotations

from types import MappingProxyType

# id -> one-line description, in the order of the taxonomy.
_STATIC = {
    "resilience.timeout": "an outbound call can block forever",
    "resilience.retry": "a retry loop without bound, backoff or jitter, or retrying a non-idempotent call",
    "resilience.unchecked-response": "a response from another service is used without checking status or shape",
    "errors.swallowed": "an exception is caught and dropped",
    "errors.lost-context": "an error is re-raised or logged without its cause or traceback",
    "resource.leak": "a file, socket, connection, cursor, session or pool is not reliably closed",
    "memory.unbounded": "a whole dataset, response or stream is loaded into memory, or a collection grows without bound",
    "performance.n-plus-one": "a query or remote call inside a loop over the results of another query",
    "concurrency.race": "check-then-act or read-modify-write on shared state without a lock or atomic operation",
    "concurrency.async-blocking": "a blocking call inside async def stalls the event loop",
    "data.transaction": "dependent writes without a transaction, or a transaction never committed or rolled back",
    "data.idempotency": "a handler performs a side effect with no idempotency key or dedup check",
    "serverless.state": "a FaaS handler relies on module state, local disk, or per-invocation clients",
    "security.injection.sql": "untrusted data reaches a SQL string",
    "security.injection.command": "untrusted data reaches a shell or process command",
    "security.injection.code": "untrusted data reaches eval/exec/compile or a template engine's code path",
    "security.injection.ldap": "untrusted data reaches an LDAP filter or DN",
    "security.injection.xpath": "untrusted data reaches an XPath expression",
    "security.injection.other": "untrusted data reaches a NoSQL query, HTTP header, log line or other interpreter",
    "security.path-traversal": "untrusted data reaches a file path",
    "security.ssrf": "untrusted data chooses the host or URL of an outbound request",
    "security.xss": "untrusted data reaches HTML output without escaping",
    "security.open-redirect": "untrusted data chooses a redirect target",
    "security.deserialization": "untrusted data reaches pickle, marshal, unsafe YAML or similar",
    "security.xml": "XML parsed with entity expansion or external entities enabled",
    "security.trust-boundary": "untrusted data is stored in a trusted place without validation",
    "security.cookie": "a session or auth cookie set without Secure, HttpOnly or SameSite",
    "security.redos": "a regular expression with catastrophic backtracking applied to untrusted input",
    "security.upload": "an uploaded file's name, type or size is trusted",
    "security.tempfile": "a predictable temporary file name",
    "security.secrets": "a credential, key or token is written into source code or config",
    "security.crypto": "a weak hash, cipher, mode or non-cryptographic random used for security",
    "security.tls": "certificate or hostname verification disabled",
    "security.authz": "missing authentication/authorization, or a token accepted without verification",
    "security.sensitive-logging": "a secret or personal data is written to a log, exception or response",
    "security.input-validation": "external input is used without validation",
    "security.config": "insecure production configuration",
    "ai.hallucinated-import": "an import that no installed or declared distribution provides",
    "ai.hallucinated-api": "a call to an API that does not exist in the installed library version",
    "ai.deprecated-api": "an API deprecated or removed in the targeted versions",
    "ai.dependency-mismatch": "an import not declared in the project's dependencies, or a range excluding the API",
    "ai.placeholder": "generated scaffolding left in a production path",
}
_DYNAMIC = {
    "dynamic.crash": "an input the type hints allow makes the function raise an unintended exception",
    "dynamic.hang": "an input or a fault makes the code run past its deadline",
    "dynamic.scaling": "time or memory grows super-linearly with input size",
    "dynamic.fault-unhandled": "an injected dependency fault escapes as an unhandled low-level exception",
    "dynamic.race": "concurrent execution produces a result no sequential order could produce",
}

CATEGORIES: MappingProxyType[str, str] = MappingProxyType({**_STATIC, **_DYNAMIC})


def is_category(value: str) -> bool:
    return value in CATEGORIES


def matches_prefix(category: str, prefix: str) -> bool:
    """True when ``prefix`` names ``category`` or one of its dotted ancestors (``security.injection``)."""
    return category == prefix or category.startswith(prefix + ".")
