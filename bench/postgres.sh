# A throw-away PostgreSQL cluster for the benchmark (sourced by bench/run.sh): Debian's server
# binaries (.ci/install-postgres.sh installs them), 127.0.0.1 only, on a free port, with the
# durability settings of a production server (fsync and synchronous commit on), unlike the
# tests' cluster: a benchmark that skipped them would flatter PostgreSQL against SQLite.

PG_PID= PG_DIR= PG_PORT=

# pg_start DIR: a fresh cluster in DIR with a database "bench" owned by the role agent_auth.
# Sets PG_PORT; exports AGENT_AUTH_DB_PASSWORD for the servers and the seeding.
pg_start() {
  PG_DIR=$1
  bash .ci/install-postgres.sh
  local bin run_as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then   # initdb and postgres refuse to run as root
    chown postgres: "$PG_DIR"
    run_as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  fi
  export AGENT_AUTH_DB_PASSWORD
  AGENT_AUTH_DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  "${run_as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-instructions >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; echo "bench: initdb failed" >&2; exit 1; }
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${NICE[@]}" "${run_as[@]}" "$bin/postgres" -D "$PG_DIR/data" -c port="$PG_PORT" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories= -c max_connections=100 >"$PG_DIR/server.log" 2>&1 &
  PG_PID=$!
  local deadline=$(($(now_ms) + 60000))
  until "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "$PG_PID" 2>/dev/null || { cat "$PG_DIR/server.log" >&2; echo "bench: PostgreSQL did not start" >&2; exit 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: PostgreSQL did not answer within 60 s" >&2; exit 1; }
    sleep 0.1
  done
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt >/dev/null <<SQL
CREATE ROLE agent_auth LOGIN PASSWORD '$AGENT_AUTH_DB_PASSWORD';
CREATE DATABASE bench OWNER agent_auth;
SQL
}

# The postmaster and its children (backends, writers): their CPU time is the database's share.
# A backend that ended within a scenario takes its time with it; the pools keep theirs open.
pg_processes() { echo "$PG_PID" $(ps -o pid= --ppid "$PG_PID"); }

pg_stop() {
  [ -n "$PG_PID" ] || return 0
  # postgres runs under setpriv, which execs it: the PID is the server's own; SIGINT is its fast shutdown
  kill -INT "$PG_PID" 2>/dev/null || true
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=
}
