"""Knowledge about third-party and standard-library APIs that several rules share.

Qualified names as ``names.Scopes.qualname_of`` produces them. Keep each table to one fact
("these calls perform HTTP requests"); rules combine them.
"""

from __future__ import annotations

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# Module-level functions that perform an HTTP request and accept ``timeout=``.
REQUESTS_FUNCTIONS = frozenset(f"requests.{verb}" for verb in HTTP_VERBS) | frozenset(
    f"requests.api.{verb}" for verb in HTTP_VERBS
)
HTTPX_FUNCTIONS = frozenset(f"httpx.{verb}" for verb in (*HTTP_VERBS, "stream"))

# Constructors of client objects whose methods perform requests.
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
AIOHTTP_SESSIONS = frozenset({"aiohttp.ClientSession"})

# Every call that sends an HTTP request synchronously (used for loops and async code).
SYNC_HTTP_FUNCTIONS = REQUESTS_FUNCTIONS | frozenset(f"httpx.{verb}" for verb in HTTP_VERBS) | frozenset(
    {"urllib.request.urlopen", "urllib3.request", "http.client.HTTPConnection.request"}
)


# Calls that open a connection to a database server (or file) through a synchronous DB-API driver.
SYNC_DB_CONNECT_FUNCTIONS = frozenset({
    "sqlite3.connect", "psycopg2.connect", "psycopg.connect", "psycopg.Connection.connect", "pymysql.connect",
    "MySQLdb.connect", "mysql.connector.connect", "cx_Oracle.connect", "oracledb.connect", "pyodbc.connect",
})

# Constructors of clients for remote services that are costly to create (TLS, auth, pools).
SERVICE_CLIENT_CONSTRUCTORS = frozenset({
    "boto3.client", "boto3.resource", "boto3.session.Session", "boto3.Session", "redis.Redis", "redis.StrictRedis",
    "redis.from_url", "pymongo.MongoClient", "sqlalchemy.create_engine", "stripe.StripeClient",
    "google.cloud.storage.Client", "google.cloud.firestore.Client", "google.cloud.bigquery.Client",
})

# Blocking standard-library calls that stall an event loop (besides HTTP and DB connects).
BLOCKING_STDLIB_CALLS = frozenset({
    "time.sleep", "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    "os.system", "input", "socket.create_connection", "smtplib.SMTP", "smtplib.SMTP_SSL", "urllib.request.urlopen",
})


def is_http_verb(attribute: str) -> bool:
    return attribute in HTTP_VERBS
