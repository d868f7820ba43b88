"""Sources, sanitizers, propagation facts and sinks, declared as data in one place.

Qualified names are those ``names.Scopes.qualname_of`` produces. Sink ``kind`` values are the
keys rules select on (``sql``, ``command``, ...); a sanitizer lists the sink kinds it makes a
value safe for. ``[tool.prodgate.taint]`` extends these tables (see ``settings.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_SINKS = frozenset({
    "sql", "command", "code", "ldap", "xpath", "header", "log", "nosql", "path", "ssrf", "xss",
    "redirect", "deserialization", "trust-boundary", "regex", "weak-hash",
})
# Broken hash constructors, and generic factories taking the algorithm's name first.
WEAK_HASHES = frozenset({"hashlib.md5", "hashlib.sha1", "Crypto.Hash.MD5.new", "Crypto.Hash.SHA1.new",
                         "Cryptodome.Hash.MD5.new", "Cryptodome.Hash.SHA1.new"})
HASH_FACTORIES = frozenset({"hashlib.new"})
WEAK_HASH_NAMES = frozenset({"md5", "sha1", "MD5", "SHA1", "sha-1", "SHA-1"})

# Values of these qualified names are framework request objects: anything read from them is untrusted.
REQUEST_OBJECTS = frozenset({"flask.request", "quart.request", "bottle.request", "werkzeug.local.request"})
# Attributes of a request object that are not attacker-controlled data (Django's `get_host()` is
# the Host header validated against ALLOWED_HOSTS).
REQUEST_SAFE_ATTRIBUTES = frozenset({
    "get_host", "method", "user", "session", "is_secure", "is_json", "endpoint", "url_rule", "blueprint", "auth_user",
    "scheme", "environ", "app", "resolver_match", "content_length", "mimetype",
})
# Calls whose result is untrusted input.
SOURCE_CALLS = {
    "input": "input()",
    "raw_input": "raw_input()",
    "sys.stdin.read": "stdin",
    "sys.stdin.readline": "stdin",
    "sys.stdin.readlines": "stdin",
}
SOURCE_NAMES = {"sys.argv": "sys.argv"}
# Sinks where a parameter of an uncalled public function (an entry point of the project) counts as
# outside input: the interpreters whose injection is catastrophic, when the parameter is formatted
# into a statement whose constant text matches the pattern (a bare pass-through is a wrapper API).
PARAMETER_SINKS: dict[str, str] = {
    "sql": r"(?i)\b(select|insert|update|delete|replace|create|drop|alter|where|values|from)\b",
    "command": r"\w",
    "code": r"\w",
    "nosql": r"(?i)[=<>]\s*:\w|\b(and|or|begins_with|contains|attribute_exists)\b",
}
# Local input (command line, stdin) is typed by whoever runs the program: it is reported only where
# it crosses into an interpreter (a service that shells out, queries or unpickles what it is fed).
LOCAL_INPUT_SINKS = frozenset({"command", "sql", "deserialization"})
LOCAL_SOURCES = frozenset({*SOURCE_CALLS.values(), *SOURCE_NAMES.values()})
# The environment is set by whoever deploys or launches the process (a CI variable, a container's
# settings, a parent process): it holds commands and credentials by design, but a pickle read from
# it makes it a channel for code, so it is reported only where it is unpickled.
ENVIRONMENT_SOURCE = "environment variable"
ENVIRONMENT_CALLS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
ENVIRONMENT_NAMES = frozenset({"os.environ", "os.environb"})


@dataclass(frozen=True, slots=True)
class PayloadSource:
    """Objects that hand over data from another system. ``factories`` name the calls that create
    them (``<factory>.<method>`` for an object a method of another returns, as ``Session().get``);
    what their ``methods`` return, their ``attributes`` and their elements when iterated are
    untrusted ``name``, reported at the sink kinds in ``sinks``."""

    name: str
    factories: frozenset[str]
    methods: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    iterable: bool = False
    sinks: frozenset[str] = ALL_SINKS


HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
# Another service's response is trusted for what it says, not for what it makes this service run:
# its body matters where it is unpickled, evaluated or run as a command (following a link it
# returns is ordinary pagination, so not SSRF).
RESPONSE_SINKS = frozenset({"deserialization", "code", "command"})
PAYLOAD_SOURCES: tuple[PayloadSource, ...] = (
    PayloadSource("Kafka message", frozenset({"kafka.KafkaConsumer", "aiokafka.AIOKafkaConsumer"}),
                  methods=frozenset({"poll", "getone", "getmany"}), iterable=True),
    PayloadSource("Kafka message", frozenset({"confluent_kafka.Consumer", "confluent_kafka.DeserializingConsumer"}),
                  methods=frozenset({"poll", "consume"})),
    PayloadSource("SQS message", frozenset({"boto3.client", "boto3.session.Session.client"}),
                  methods=frozenset({"receive_message"})),
    PayloadSource("SQS message", frozenset({"boto3.resource.Queue", "boto3.resource.get_queue_by_name",
                                            "boto3.resource.get_queue_by_url"}), methods=frozenset({"receive_messages"})),
    PayloadSource(
        "response body of another service",
        frozenset({
            *(f"{module}.{verb}" for module in ("requests", "httpx") for verb in HTTP_VERBS),
            *(f"{client}.{verb}" for client in ("requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient",
                                                "aiohttp.ClientSession") for verb in HTTP_VERBS),
            "urllib.request.urlopen",
        }),
        methods=frozenset({"json", "read", "aread", "iter_lines", "iter_content", "iter_text", "iter_bytes", "text"}),
        attributes=frozenset({"text", "content", "raw"}),
        sinks=RESPONSE_SINKS,
    ),
)
PAYLOAD_FACTORIES = frozenset(f for source in PAYLOAD_SOURCES for f in source.factories)
# Sources reported at some sink kinds only; any other source is reported at every sink.
LIMITED_SOURCES: dict[str, frozenset[str]] = {
    **dict.fromkeys(LOCAL_SOURCES, LOCAL_INPUT_SINKS),
    ENVIRONMENT_SOURCE: frozenset({"deserialization"}),
    **{s.name: s.sinks for s in PAYLOAD_SOURCES if s.sinks != ALL_SINKS},
}


def reaches(source: str, sink: str) -> bool:
    """Whether input from ``source`` is reported when it reaches a sink of kind ``sink``."""
    return sink in LIMITED_SOURCES.get(source, ALL_SINKS)


# Parameters of handler functions that carry untrusted payloads, by decorator (qualified name suffix).
TASK_DECORATORS = ("task", "shared_task", "celery.task", "dramatiq.actor", "rq.job")
ROUTE_DECORATORS = ("route", "get", "post", "put", "patch", "delete", "api_route", "websocket")
LAMBDA_HANDLER_NAMES = ("handler", "lambda_handler", "main_handler")
# Parameters annotated with a server framework's request class are request objects. An annotation
# that resolves through the imports must name one of REQUEST_TYPES (a client's outgoing
# `requests.PreparedRequest` is not one); an unresolved one (imports cut off, a string) is judged
# by its last name.
REQUEST_TYPES = frozenset({
    "django.http.HttpRequest", "django.http.request.HttpRequest", "django.core.handlers.asgi.ASGIRequest",
    "django.core.handlers.wsgi.WSGIRequest", "rest_framework.request.Request", "flask.Request",
    "flask.wrappers.Request", "werkzeug.Request", "werkzeug.wrappers.Request", "werkzeug.wrappers.request.Request",
    "quart.Request", "quart.wrappers.Request", "starlette.requests.Request", "fastapi.Request",
    "fastapi.requests.Request", "aiohttp.web.Request", "aiohttp.web.BaseRequest", "aiohttp.web_request.Request",
    "sanic.Request", "sanic.request.Request", "litestar.Request", "tornado.httputil.HTTPServerRequest",
})
REQUEST_TYPE_NAMES = frozenset({"Request", "HttpRequest"})
# FastAPI serialises what a route returns as JSON unless the route names another response class;
# the web frameworks below take a returned string as the HTML body instead. A parameter whose
# default or `Annotated[...]` metadata is `Depends(...)` is injected by the application, not read
# from the request.
JSON_ROUTERS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter", "fastapi.applications.FastAPI",
                          "fastapi.routing.APIRouter"})
JSON_RESPONSE_CLASSES = frozenset({
    "fastapi.responses.JSONResponse", "fastapi.responses.ORJSONResponse", "fastapi.responses.UJSONResponse",
    "starlette.responses.JSONResponse",
})
TEXT_ROUTING_FRAMEWORKS = frozenset({"flask", "quart", "sanic", "bottle", "django", "aiohttp", "tornado"})
INJECTORS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
# Route converters (werkzeug `<int:id>`, Starlette `{id:int}`) and parameter annotations that leave
# a handler's argument a number or a UUID, which carries no markup, quote or path.
TYPED_CONVERTERS = frozenset({"int", "float", "uuid"})
TYPED_ANNOTATIONS = frozenset({
    "int", "float", "bool", "uuid.UUID", "decimal.Decimal", "datetime.date", "datetime.datetime",
    "pydantic.UUID1", "pydantic.UUID3", "pydantic.UUID4", "pydantic.UUID5", "pydantic.types.UUID4",
    "pydantic.PositiveInt", "pydantic.NonNegativeInt", "pydantic.StrictInt", "pydantic.StrictBool",
})

# Calls that make data safe for some sinks.
CONVERSIONS = frozenset({"int", "float", "bool", "complex", "len", "uuid.UUID", "decimal.Decimal", "ord",
                         "hash", "id", "abs", "round", "datetime.date.fromisoformat",
                         "datetime.datetime.fromisoformat", "ipaddress.ip_address"})
SANITIZERS: dict[str, frozenset[str]] = {
    "shlex.quote": frozenset({"command"}),
    "pipes.quote": frozenset({"command"}),
    "html.escape": frozenset({"xss"}),
    "markupsafe.escape": frozenset({"xss"}),
    "flask.escape": frozenset({"xss"}),
    "jinja2.escape": frozenset({"xss"}),
    "django.utils.html.escape": frozenset({"xss"}),
    "django.utils.html.format_html": frozenset({"xss"}),
    "bleach.clean": frozenset({"xss"}),
    "cgi.escape": frozenset({"xss"}),
    "xml.sax.saxutils.escape": frozenset({"xss", "xpath"}),
    "werkzeug.utils.secure_filename": frozenset({"path", "command"}),
    "os.path.basename": frozenset({"path"}),
    "flask.safe_join": frozenset({"path"}),
    "werkzeug.security.safe_join": frozenset({"path"}),
    "werkzeug.utils.safe_join": frozenset({"path"}),
    "django.utils._os.safe_join": frozenset({"path"}),
    "flask.url_for": frozenset({"redirect", "ssrf"}),
    # Autoescaping template rendering.
    "flask.render_template": frozenset({"xss"}),
    "django.template.loader.render_to_string": frozenset({"xss"}),
    "django.shortcuts.render": frozenset({"xss"}),
    "django.urls.reverse": frozenset({"redirect", "ssrf"}),
    "ldap3.utils.conv.escape_filter_chars": frozenset({"ldap"}),
    "ldap.filter.escape_filter_chars": frozenset({"ldap"}),
    "ldap3.utils.dn.escape_rdn": frozenset({"ldap"}),
    "re.escape": frozenset({"regex"}),
    "urllib.parse.quote": frozenset({"header", "redirect", "path", "ssrf", "xss"}),
    "urllib.parse.quote_plus": frozenset({"header", "redirect", "path", "ssrf", "xss"}),
    "json.dumps": frozenset({"header"}),
    # Bytes this process just pickled hold the object it pickled, and load back into that object.
    **dict.fromkeys(("pickle.dumps", "cPickle.dumps", "_pickle.dumps", "marshal.dumps", "dill.dumps",
                     "cloudpickle.dumps", "jsonpickle.encode"), frozenset({"deserialization"})),
    "hashlib.sha256": frozenset(ALL_SINKS),
    "hashlib.md5": frozenset(ALL_SINKS),
    "hashlib.sha1": frozenset(ALL_SINKS),
}
# Calls that build a file system path from their arguments.
PATH_BUILDERS = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.path.join", "os.path.abspath",
                           "os.path.realpath", "os.path.normpath", "os.path.expanduser"})
# Calls that open the file named by their first argument, and the methods that read what it holds.
FILE_OPENERS = frozenset({"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"})
FILE_READS = frozenset({"read", "readline", "readlines"})
# Deserializers that open the file (or database) named by their first argument themselves.
PATH_DESERIALIZERS = frozenset({"shelve.open", "pandas.read_pickle"})
# A parameter of these names carries what another system sent (an HTTP header mapping, a socket's
# packet, a queue's message): unpickling it runs the sender's code.
WIRE_PARAMETERS = frozenset({"headers", "packet", "datagram", "payload", "message", "msg", "body", "frame", "request"})
# Modules that receive requests or read sockets: a public function of theirs that unpickles its
# argument is likely handed what arrived.
SERVER_MODULES = frozenset({
    "flask", "django", "fastapi", "starlette", "aiohttp", "tornado", "bottle", "pyramid", "falcon", "sanic", "quart",
    "socket", "socketserver", "websockets", "zmq", "pika", "kafka", "aiokafka", "confluent_kafka",
})
# A query's result holds the database's rows (or is the cursor), not the parameters bound to it.
QUERY_METHODS = frozenset({"execute", "executemany"})
# Django templates autoescape what they render: `.render()` of a template these calls make, or of
# any template given a Context, is escaped HTML (the template's own source keeps its taint).
AUTOESCAPING_TEMPLATES = frozenset({
    "django.template.Template", "django.template.base.Template", "django.template.loader.get_template",
    "django.template.loader.select_template",
})
TEMPLATE_CONTEXTS = frozenset({
    "django.template.Context", "django.template.RequestContext", "django.template.context.Context",
    "django.template.context.RequestContext",
})


@dataclass(frozen=True, slots=True)
class SafeCallee:
    """A framework function that handles its arguments at ``args`` (every one when empty) safely
    for the ``sinks``, though its own code (when the framework itself is scanned) seems to hand
    them to such a sink."""

    callee: str
    sinks: frozenset[str]
    args: tuple[int, ...] = ()


SAFE_CALLEES: tuple[SafeCallee, ...] = (
    # Django's debug pages render what they show through the autoescaping DEBUG_ENGINE.
    SafeCallee("django.views.debug.technical_500_response", frozenset({"xss"})),
    SafeCallee("django.views.debug.technical_404_response", frozenset({"xss"})),
    # flash() queues a message for display, which nothing trusts.
    SafeCallee("flask.flash", frozenset({"trust-boundary"})),
    SafeCallee("flask.helpers.flash", frozenset({"trust-boundary"})),
    # The page to come back to goes into the login URL's query string; the login view checks it.
    SafeCallee("django.contrib.auth.views.redirect_to_login", frozenset({"redirect"}), args=(0,)),
)


def handled_safely(callee: str, position: int, sink: str) -> bool:
    """Whether ``callee`` handles its argument at ``position`` safely for ``sink`` (``SAFE_CALLEES``)."""
    return any(s.callee == callee and sink in s.sinks and (not s.args or position in s.args) for s in SAFE_CALLEES)


# A project function with one of these name shapes is taken for an escaper of that kind (the
# analysis cannot see through hand-written escaping loops).
ESCAPER_NAMES: dict[str, frozenset[str]] = {
    "html": frozenset({"xss"}),
    "sql": frozenset({"sql"}),
    "shell": frozenset({"command"}),
    "ldap": frozenset({"ldap"}),
    "xpath": frozenset({"xpath"}),
}
# Guard checks: `if not <check>(x): return` leaves x clean for these sinks afterwards.
GUARD_METHODS: dict[str, frozenset[str]] = {
    "startswith": frozenset({"path", "redirect", "ssrf"}),
    "endswith": frozenset(),
    "is_relative_to": frozenset({"path"}),
    "isalnum": frozenset(ALL_SINKS - {"trust-boundary"}),
    "isdigit": frozenset(ALL_SINKS - {"trust-boundary"}),
    "isnumeric": frozenset(ALL_SINKS - {"trust-boundary"}),
    "isidentifier": frozenset(ALL_SINKS - {"trust-boundary"}),
    "fullmatch": frozenset(ALL_SINKS - {"trust-boundary"}),
}
# Checks that together validate more than each alone: a value checked to start and end with a
# quote (and so be a plain literal) is safe to evaluate.
GUARD_COMBINATIONS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"startswith", "endswith"}), frozenset({"code"})),
)
GUARD_CALLS: dict[str, frozenset[str]] = {
    "os.path.commonpath": frozenset({"path"}),
    "django.utils.http.url_has_allowed_host_and_scheme": frozenset({"redirect", "ssrf"}),
    "django.utils.http.is_safe_url": frozenset({"redirect", "ssrf"}),
    "re.fullmatch": frozenset(ALL_SINKS - {"trust-boundary"}),
    "re.match": frozenset(ALL_SINKS - {"trust-boundary"}),
}
ALLOWLIST_SINKS = ALL_SINKS - {"trust-boundary"}
# A value that cannot contain a quote (checked, or quotes replaced) cannot leave a quoted literal.
QUOTES = frozenset({"'", '"'})
QUOTE_SENSITIVE = frozenset({"xpath", "sql"})
# `if TOKEN in x: reject` leaves x safe for these sinks.
DANGEROUS_TOKENS: dict[str, frozenset[str]] = {
    "'": QUOTE_SENSITIVE, '"': QUOTE_SENSITIVE, "..": frozenset({"path"}), "../": frozenset({"path"}),
    "..\\": frozenset({"path"}), "<": frozenset({"xss"}), "\n": frozenset({"header", "log"}),
    "\r\n": frozenset({"header", "log"}),
}
# Parsers whose result's parts (``urlparse(u).netloc``) validate the parsed variable when checked.
PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit"})


def sanitized_by(checks: set[str]) -> frozenset[str]:
    """The sink kinds a variable is safe for once all of ``checks`` hold on it."""
    sinks: set[str] = set()
    for check in checks:
        if check == "allowlist":
            sinks |= ALLOWLIST_SINKS
        elif check == "falsy":
            sinks |= ALL_SINKS
        elif check.startswith("sinks:"):
            sinks |= set(check[6:].split(","))
        elif check.startswith("without:"):
            sinks |= DANGEROUS_TOKENS.get(check[8:], frozenset())
        elif check == "allowlisted-url":
            sinks |= {"redirect", "ssrf"}
        else:
            sinks |= GUARD_METHODS.get(check) or GUARD_CALLS.get(check) or set()
    for combination, extra in GUARD_COMBINATIONS:
        if combination <= checks:
            sinks |= extra
    return frozenset(sinks)
# Library calls whose result carries the taint of their arguments (decided without the project phase).
PROPAGATORS = frozenset({
    "urllib.parse.unquote", "urllib.parse.unquote_plus", "urllib.parse.urlencode", "base64.b64decode",
    "base64.urlsafe_b64decode", "base64.b64encode", "codecs.decode", "codecs.encode", "json.loads", "json.load",
    "str.format", "textwrap.dedent", "os.path.join", "copy.copy", "copy.deepcopy", "html.unescape",
    "urllib.parse.urljoin", "urllib.parse.urlparse", "string.Template", "operator.itemgetter",
})
# Calls that return data unrelated to the taint of their arguments.
UNTAINTING_CALLS = frozenset({"isinstance", "hasattr", "callable", "type", "print", "logging.getLogger",
                              "os.path.exists", "os.path.isfile", "os.path.isdir", "time.time", "secrets.token_hex",
                              "secrets.token_urlsafe", "uuid.uuid4", "random.SystemRandom"})


@dataclass(frozen=True, slots=True)
class Sink:
    """A dangerous argument: ``callee`` is a qualified name, or ``method`` a method name on any
    receiver (with ``hint`` a regex the argument's constant text must match, to keep precision)."""

    kind: str
    callee: str | None = None
    method: str | None = None
    args: tuple[int, ...] = (0,)
    keywords: tuple[str, ...] = ()
    hint: str | None = None


SINKS: tuple[Sink, ...] = (
    *(Sink("sql", method=m, keywords=("sql", "query", "operation")) for m in ("execute", "executemany", "executescript", "mogrify")),
    Sink("sql", method="raw", hint=r"(?i)\b(select|insert|update|delete|with)\b"),
    Sink("sql", callee="sqlalchemy.text", keywords=("text",)),
    Sink("sql", callee="sqlalchemy.sql.text", keywords=("text",)),
    Sink("sql", callee="pandas.read_sql", keywords=("sql",)),
    Sink("sql", callee="pandas.read_sql_query", keywords=("sql",)),
    *(Sink("command", callee=c, keywords=("command", "cmd")) for c in (
        "os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "commands.getoutput",
        "asyncio.create_subprocess_shell", "os.popen2", "os.popen3", "os.popen4")),
    *(Sink("command", callee=f"os.{c}", args=(0, 1, 2, 3)) for c in (
        "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
        "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")),
    Sink("code", callee="eval", keywords=("source",)),
    Sink("code", callee="exec", keywords=("source",)),
    Sink("code", callee="compile", keywords=("source",)),
    Sink("code", callee="flask.render_template_string", keywords=("source",)),
    Sink("code", callee="jinja2.Template", keywords=("source",)),
    Sink("code", method="from_string", hint=r"\{[{%]"),
    Sink("ldap", method="search", args=(1,), keywords=("search_filter",), hint=r"\(.*="),
    *(Sink("ldap", method=m, args=(2,), keywords=("filterstr",)) for m in ("search_s", "search_st", "search_ext_s", "search_ext")),
    Sink("xpath", callee="lxml.etree.XPath", keywords=("path",)),
    Sink("xpath", callee="lxml.etree.ETXPath", keywords=("path",)),
    Sink("xpath", method="xpath", keywords=("_path",)),
    *(Sink("xpath", method=m, keywords=("path",), hint=r"^\s*[./]|\[@") for m in ("find", "findall", "iterfind", "findtext")),
    Sink("xpath", callee="elementpath.select", args=(1,), keywords=("path",)),
    *(Sink("path", callee=c, keywords=("file", "path", "filename", "src", "dst")) for c in (
        "open", "io.open", "codecs.open", "os.open", "os.remove", "os.unlink", "os.rmdir", "os.removedirs",
        "os.listdir", "os.scandir", "os.mkdir", "os.makedirs", "os.rename", "os.replace", "os.truncate", "os.chmod",
        "shutil.copy", "shutil.copyfile", "shutil.copy2", "shutil.move", "shutil.rmtree", "flask.send_file",
        "fileinput.input", "tarfile.open", "zipfile.ZipFile", "django.http.FileResponse",
        # Existence and metadata probes disclose which files exist outside the intended directory.
        "os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.getsize", "os.stat", "os.access")),
    Sink("path", callee="flask.send_from_directory", args=(0,)),
    Sink("path", callee="os.rename", args=(1,)),
    *(Sink("ssrf", callee=f"requests.{verb}", keywords=("url",)) for verb in (
        "get", "post", "put", "patch", "delete", "head", "options")),
    Sink("ssrf", callee="requests.request", args=(1,), keywords=("url",)),
    *(Sink("ssrf", callee=f"httpx.{verb}", keywords=("url",)) for verb in ("get", "post", "put", "patch", "delete", "head", "options", "stream")),
    Sink("ssrf", callee="urllib.request.urlopen", keywords=("url",)),
    Sink("ssrf", callee="urllib.request.Request", keywords=("url",)),
    Sink("ssrf", callee="urllib3.PoolManager.request", args=(1,), keywords=("url",)),
    *(Sink("redirect", callee=c, keywords=("location", "url", "redirect_to")) for c in (
        "flask.redirect", "werkzeug.utils.redirect", "django.shortcuts.redirect", "django.http.HttpResponseRedirect",
        "django.http.HttpResponsePermanentRedirect", "starlette.responses.RedirectResponse",
        "fastapi.responses.RedirectResponse")),
    *(Sink("deserialization", callee=c, keywords=("data", "file", "s")) for c in (
        "pickle.loads", "pickle.load", "cPickle.loads", "cPickle.load", "_pickle.loads", "marshal.loads",
        "marshal.load", "dill.loads", "dill.load", "jsonpickle.decode", "yaml.unsafe_load", "yaml.full_load",
        "pandas.read_pickle", "shelve.open", "cloudpickle.loads")),
    *(Sink("xss", callee=c, keywords=("response", "content")) for c in (
        "flask.make_response", "flask.Response", "werkzeug.wrappers.Response", "django.http.HttpResponse",
        "markupsafe.Markup", "flask.Markup", "django.utils.safestring.mark_safe", "starlette.responses.HTMLResponse",
        "fastapi.responses.HTMLResponse")),
    *(Sink("regex", callee=f"re.{f}", keywords=("pattern",)) for f in (
        "compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split")),
    *(Sink("log", callee=f"logging.{level}", keywords=("msg",)) for level in (
        "debug", "info", "warning", "error", "critical", "exception")),
)
# MongoDB collection methods and the positions of their query documents (the filter, or the
# aggregation pipeline), in modules that import a MongoDB driver (``str.find`` shares a name).
MONGO_MODULES = frozenset({"pymongo", "motor", "flask_pymongo", "mongomock", "mongomock_motor"})
NOSQL_QUERIES: dict[str, tuple[int, tuple[str, ...]]] = {
    **{m: (0, ("filter",)) for m in (
        "find", "find_one", "find_raw_batches", "count_documents", "delete_one", "delete_many", "update_one",
        "update_many", "replace_one", "find_one_and_update", "find_one_and_delete", "find_one_and_replace")},
    "aggregate": (0, ("pipeline",)),
    "distinct": (1, ("filter",)),
}
# Query operators that run their operand as JavaScript on the database server.
NOSQL_CODE_OPERATORS = frozenset({"$where", "$function", "$accumulator"})
# DynamoDB's expressions (boto3 `scan`, `query`, `update_item`...) are a query language in text:
# input in their text can change the condition, as in SQL (values belong in ExpressionAttributeValues).
DYNAMODB_EXPRESSIONS = ("FilterExpression", "KeyConditionExpression", "ConditionExpression", "UpdateExpression",
                        "ProjectionExpression")
# Request data that is always text (query string, form fields, headers, cookies, the path):
# it cannot carry a query operator object into a NoSQL query, only text.
TEXT_REQUEST_ATTRIBUTES = frozenset({
    "args", "form", "values", "headers", "cookies", "GET", "POST", "COOKIES", "META", "query_params", "path_params",
    "path", "full_path", "url", "base_url", "query_string", "match_info", "query", "rel_url",
})
# A route handler's parameter is a path or query parameter, so text, unless annotated otherwise
# (a dict or a model is a parsed body).
TEXT_ANNOTATIONS = frozenset({"str"})
# Parsers that turn text back into objects (dicts, lists), which can carry query operators again.
OBJECT_PARSERS = frozenset({"json.loads", "json.load", "ujson.loads", "orjson.loads", "simplejson.loads",
                            "bson.json_util.loads", "ast.literal_eval", "yaml.safe_load"})
# yaml.load is a sink unless its Loader is one of these.
SAFE_YAML_LOADERS = frozenset({"yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader"})
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "cmd", "cmd.exe", "powershell", "pwsh", "/bin/sh", "/bin/bash",
                    "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/env"})
SUBPROCESS_CALLS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                              "subprocess.Popen", "asyncio.create_subprocess_exec"})
SESSION_NAMES = ("session",)
HEADER_TARGETS = ("headers",)
SINK_METHOD_NAMES = frozenset(s.method for s in SINKS if s.method)
SINKS_BY_CALLEE: dict[str, tuple[Sink, ...]] = {}
for _sink in SINKS:
    if _sink.callee:
        SINKS_BY_CALLEE[_sink.callee] = (*SINKS_BY_CALLEE.get(_sink.callee, ()), _sink)
SINKS_BY_METHOD: dict[str, tuple[Sink, ...]] = {}
for _sink in SINKS:
    if _sink.method:
        SINKS_BY_METHOD[_sink.method] = (*SINKS_BY_METHOD.get(_sink.method, ()), _sink)
