"""Which failure class (taxonomy category) an incident is: a data table of exception types, messages
and where they were raised, read top to bottom; the first entry that matches any exception of the
chain wins."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prodgate.feedback.incident import Raised

HTTP_CALL = r"urlopen|requests\.|httpx\.|\bsession\.(get|post|put|patch|delete|request)\(|\.(get|post|request)\(\s*f?[\"']https?:|http\.client|aiohttp"
REQUEST_DATA = (r"\b(request|req|params|payload|body|form|query|args|headers|request_data|data|event|message|kwargs"
                r"|upload|uploaded|cookie|cookies)\b")
HANDLER = r"webhook|task|handler|handle_|consumer|consume|job|worker|on_[a-z]|process_|callback|subscriber"
RETRY = r"retr(y|ies)|attempt|backoff"
HTTP_LIBRARIES = r"/(requests|urllib3|httpx|aiohttp|http/client\.py|urllib/request\.py)"
CLIENT_LIBRARIES = r"/(requests|urllib3|httpx|aiohttp|psycopg2?|pymysql|redis|sqlalchemy|botocore|boto3|kombu|pika|grpc)/"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the table looks at for one exception of an incident."""

    raised: Raised
    app_code: str  # the source lines printed at the exception's in-app frames
    app_functions: str  # the in-app function names and their current source text
    library_files: str  # the file names of the frames outside the project
    context: str  # the log message, transaction or span name


@dataclass(frozen=True, slots=True)
class FailureClass:
    category: str
    reason: str  # says why, completing "classified as <category>: ..."
    types: tuple[str, ...]  # exception class names (the last dotted part), any of them
    message: str = ""  # a regular expression the message must match
    near: str = ""  # a regular expression the in-app code, function names or context must match
    library: str = ""  # a regular expression the library frames' files must match

    def matches(self, evidence: Evidence) -> bool:
        if self.types and evidence.raised.short_type not in self.types:
            return False
        if self.message and not re.search(self.message, evidence.raised.message, re.IGNORECASE):
            return False
        around = f"{evidence.app_code}\n{evidence.app_functions}\n{evidence.context}"
        if self.near and not re.search(self.near, around, re.IGNORECASE):
            return False
        return not self.library or bool(re.search(self.library, evidence.library_files))


TIMEOUTS = ("ReadTimeout", "ConnectTimeout", "Timeout", "TimeoutError", "timeout", "ReadTimeoutError",
            "ConnectTimeoutError", "TimeoutException", "WriteTimeout", "PoolTimeout", "ConnectionTimeout",
            "TimeoutExpired")
CONNECTION = ("ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "ConnectError", "MaxRetryError",
              "NewConnectionError", "RemoteDisconnected", "ProtocolError", "ServerDisconnectedError", "BrokenPipeError")
DECODE = ("JSONDecodeError", "ContentTypeError", "DecodingError")
CRASHES = ("RecursionError", "ZeroDivisionError", "IndexError", "KeyError", "AttributeError", "TypeError",
           "ValueError", "AssertionError", "UnboundLocalError", "OverflowError", "StopIteration", "NameError",
           "LookupError", "ArithmeticError", "UnicodeDecodeError", "UnicodeEncodeError")

TABLE: tuple[FailureClass, ...] = (
    FailureClass("memory.unbounded", "the process ran out of memory", ("MemoryError", "OOMKilled")),
    FailureClass("memory.unbounded", "the process ran out of memory", ("OSError",), message=r"cannot allocate memory|errno 12\b"),
    FailureClass("resource.leak", "the connection pool was exhausted by connections never returned",
                 ("TimeoutError",), message=r"QueuePool limit|pool.*(exhausted|timed out)"),
    FailureClass("resource.leak", "the process ran out of file descriptors", ("OSError",),
                 message=r"too many open files|errno 24\b"),
    FailureClass("resilience.timeout", "an outbound call timed out and the timeout escaped", TIMEOUTS),
    FailureClass("resilience.timeout", "an outbound call timed out and the timeout escaped", ("URLError", "OSError"),
                 message=r"timed out"),
    FailureClass("data.idempotency", "a redelivered message or webhook repeated an insert",
                 ("IntegrityError", "UniqueViolation"), message=r"unique|duplicate", near=HANDLER),
    FailureClass("concurrency.race", "the database was locked by a concurrent writer", ("OperationalError",),
                 message=r"database is locked|database table is locked|deadlock|could not serialize"),
    FailureClass("concurrency.race", "concurrent writers raced to insert the same row",
                 ("IntegrityError", "UniqueViolation"), message=r"unique|duplicate"),
    FailureClass("concurrency.race", "concurrent transactions conflicted",
                 ("SerializationFailure", "DeadlockDetected", "LockNotAvailable")),
    FailureClass("resilience.unchecked-response", "a response body was decoded without checking it",
                 DECODE, library=HTTP_LIBRARIES),
    FailureClass("resilience.unchecked-response", "a response body was decoded without checking it",
                 DECODE, near=HTTP_CALL),
    FailureClass("resilience.unchecked-response", "a response was indexed without checking its shape",
                 ("KeyError", "TypeError", "IndexError"), near=r"\.json\(\)\s*\[|\b(response|resp)\.json"),
    FailureClass("resilience.retry", "a retry loop gave up on a connection failure", CONNECTION, near=RETRY),
    FailureClass("security.deserialization", "untrusted data was deserialized",
                 ("UnpicklingError", "ConstructorError", "UnmarshalError")),
    FailureClass("ai.hallucinated-import", "code imported a module that is not installed",
                 ("ModuleNotFoundError", "ImportError")),
    FailureClass("ai.hallucinated-api", "code called an attribute the library does not have", ("AttributeError",),
                 message=r"^module '[\w.]+' has no attribute"),
    FailureClass("ai.hallucinated-api", "code passed a keyword argument the function does not take", ("TypeError",),
                 message=r"unexpected keyword argument"),
    FailureClass("ai.placeholder", "a placeholder that was never implemented ran in production",
                 ("NotImplementedError",)),
    FailureClass("security.input-validation", "an input was converted without validating it", ("ValueError",),
                 message=r"invalid literal for int|could not convert string to float|invalid isoformat"),
    FailureClass("security.input-validation", "request data was used without validating it",
                 ("KeyError", "TypeError", "ValueError", "UnicodeDecodeError", "ValidationError", *DECODE),
                 near=REQUEST_DATA),
    FailureClass("dynamic.fault-unhandled", "a dependency failure escaped unhandled", CONNECTION),
    FailureClass("dynamic.fault-unhandled", "a dependency failure escaped unhandled", (), library=CLIENT_LIBRARIES),
    FailureClass("dynamic.crash", "an input made the code raise an unintended exception", CRASHES),
)
FALLBACK = FailureClass("dynamic.crash", "an exception escaped unhandled", ())


def classify(evidence: Sequence[Evidence]) -> tuple[FailureClass, int]:
    """The failure class of an incident and the position in ``evidence`` of the exception it is about."""
    for entry in TABLE:
        for position, item in enumerate(evidence):
            if entry.matches(item):
                return entry, position
    return FALLBACK, len(evidence) - 1
