# Sourced by .ci/run before `make test`: install (if missing) and start a local PostgreSQL server for the
# ledger tests, create a role that may create databases, and export PRODGATE_TEST_POSTGRES_URL.
# Idempotent and quiet; Debian/Ubuntu (apt-get, pg_ctlcluster). Needs root.

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
if [ -z "$(pg_lsclusters -h)" ]; then
  pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main >/dev/null
fi
read -r pg_version pg_cluster pg_port pg_status _ <<<"$(pg_lsclusters -h | head -1)"
if [ "$pg_status" != "online" ]; then
  pg_ctlcluster "$pg_version" "$pg_cluster" start
fi
pg_psql() { su postgres -s /bin/sh -c "psql -q -p $pg_port -tAc \"$1\""; }
if [ -z "$(pg_psql "SELECT 1 FROM pg_roles WHERE rolname = 'prodgate'")" ]; then
  pg_psql "CREATE ROLE prodgate LOGIN PASSWORD 'prodgate' CREATEDB"
fi
if [ -z "$(pg_psql "SELECT 1 FROM pg_database WHERE datname = 'prodgate'")" ]; then
  pg_psql "CREATE DATABASE prodgate OWNER prodgate"
fi
export PRODGATE_TEST_POSTGRES_URL="postgresql://prodgate:prodgate@127.0.0.1:$pg_port/prodgate"
unset -f pg_psql
unset pg_version pg_cluster pg_port pg_status
