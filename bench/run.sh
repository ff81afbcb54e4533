#!/usr/bin/env bash
# The benchmark suite (issue 7). `./build.sh bench` builds the jar and runs this; see bench/README.md.
#   bench/run.sh [all]           the three runs below, one after the other
#   bench/run.sh sqlite          start agent-auth.jar on loopback with a fresh SQLite file and run everything
#   bench/run.sh postgres        the same on a throw-away PostgreSQL cluster (bench/postgres.sh)
#   bench/run.sh postgres-2      two instances on one PostgreSQL; each wrk thread loads one of them
#   BENCH_BASE_URL=... run.sh    run the HTTP scenarios against a server that is already running
# Results: a table on standard output and build/bench/results.json (plus a timestamped copy).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
source bench/postgres.sh

RUN=${1:-all}
case $RUN in
  all) for run in sqlite postgres postgres-2; do "$0" "$run"; done; exit 0 ;;
  sqlite | postgres) INSTANCES=1 ;;
  postgres-2) INSTANCES=2 ;;
  *) echo "bench: unknown run '$RUN' (use: all, sqlite, postgres, postgres-2)" >&2; exit 2 ;;
esac

OUT=build/bench
WORK=$OUT/work
rm -rf "$WORK" && mkdir -p "$WORK" "$OUT/parts"
rm -f "$OUT"/parts/*
export BENCH_LUA=$PWD/bench/lua BENCH_THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
AGENT_COUNT=${BENCH_AGENT_COUNT:-2000}
# The launch command docs/performance.md recommends (heap, GC and the class archive made by a
# training start); the suite measures exactly this unless BENCH_JAVA_OPTS says otherwise.
ARCHIVE=$OUT/agent-auth.jsa
JAVA_OPTS=${BENCH_JAVA_OPTS:-"$(recommended_java_opts) -XX:SharedArchiveFile=$ARCHIVE"}
SERVER_FLAGS=${BENCH_SERVER_FLAGS:-}

ensure_wrk
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

# Paths and bodies: agent-auth's by default, any server's through the environment (bench/README.md).
LOGIN_PATH=${BENCH_LOGIN_PATH:-/login}
LOGIN_BODY=${BENCH_LOGIN_BODY:-'username={name}&password={secret}'}
REFRESH_PATH=${BENCH_REFRESH_PATH:-/refresh}
REFRESH_BODY=${BENCH_REFRESH_BODY:-'refresh_token={refresh_token}'}
TOKEN_PATH=${BENCH_TOKEN_PATH:-/oauth/token}
CC_BODY=${BENCH_CC_BODY:-'grant_type=client_credentials&client_id={name}&client_secret={secret}'}
ME_PATH=${BENCH_ME_PATH:-/me}
INTROSPECT_PATH=${BENCH_INTROSPECT_PATH:-/oauth/introspect}
INTROSPECT_BODY=${BENCH_INTROSPECT_BODY:-'token={token}'}
JWKS_PATH=${BENCH_JWKS_PATH:-/.well-known/jwks.json}

SERVER_PID= SECOND_PID=
cleanup() {
  [ -z "$SERVER_PID" ] || stop_server "$SERVER_PID"
  [ -z "$SECOND_PID" ] || stop_server "$SECOND_PID"
  pg_stop
}
trap cleanup EXIT

if [ -z "${BENCH_BASE_URL:-}" ]; then
  [ -f agent-auth.jar ] || { echo "bench: agent-auth.jar is missing: run ./build.sh bench" >&2; exit 1; }
  compile_helpers
  if [ -z "${BENCH_JAVA_OPTS:-}" ]; then
    echo "bench: training start for the class archive $ARCHIVE ..."
    create_class_archive "$ARCHIVE"
    echo "bench: cold start without the class archive, 5 runs (for comparison) ..."
    cold_start_runs 5 "$(recommended_java_opts)" >"$OUT/parts/cold_start_no_archive.txt"
  fi
  if [ "$RUN" = sqlite ]; then
    echo "bench: cold start, 5 runs (fresh database each) ..."
    cold_start_runs 5 "$JAVA_OPTS" >"$OUT/parts/cold_start.txt"
    DB=$WORK/main/agent-auth.db
  else
    echo "bench: starting a throw-away PostgreSQL cluster ..."
    pg_start "$WORK/pg"   # sets PG_PORT, exports AGENT_AUTH_DB_PASSWORD
    DB="postgresql://127.0.0.1:$PG_PORT/bench?user=agent_auth"
    export AGENT_AUTH_MASTER_KEY   # instances on PostgreSQL share it through the environment
    AGENT_AUTH_MASTER_KEY=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
  fi

  echo "bench: starting the server: java $JAVA_OPTS -jar agent-auth.jar --db $DB $SERVER_FLAGS"
  SERVER_DB=$DB start_server "$WORK/main" "$JAVA_OPTS" "$SERVER_FLAGS"   # sets SERVER_PID and BASE_URL
  first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
  if [ "$INSTANCES" = 2 ]; then
    FIRST_PID=$SERVER_PID FIRST_URL=$BASE_URL
    # one issuer behind the load balancer, as docs/several-instances.md says
    SERVER_DB=$DB start_server "$WORK/second" "$JAVA_OPTS" "--issuer $FIRST_URL $SERVER_FLAGS"
    SECOND_PID=$SERVER_PID SERVER_PID=$FIRST_PID
    first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
    # wrk connects each thread to one instance (bench/lua/common.lua); tokens pass between them
    export BENCH_SPREAD="${FIRST_URL#http://},${BASE_URL#http://}"
    BASE_URL=$FIRST_URL
  fi
  sleep 2
  rss_kib "$SERVER_PID" >"$OUT/parts/rss_idle.txt"

  echo "bench: seeding $AGENT_COUNT agents with the configured Argon2 parameters ..."
  seed "$DB" "$AGENT_COUNT" bench-agent- agent "$WORK/agents.txt" "$SERVER_FLAGS"
  seed "$DB" 1 bench-intro- agent,introspect "$WORK/introspector.txt" "$SERVER_FLAGS"
  # Agents of their own for the warm-up before the first-time logins, so those stay first-time:
  # enough to log in a new one on every request of the warm-up (about 70/s for 5 s here).
  seed "$DB" 600 bench-warm- agent "$WORK/warm_agents.txt" "$SERVER_FLAGS"
  hash_time_ms "$SERVER_FLAGS" >"$OUT/parts/hash_ms.txt"
  AGENTS_FILE=$WORK/agents.txt
  INTROSPECTOR=$(head -1 "$WORK/introspector.txt")
else
  BASE_URL=${BENCH_BASE_URL%/}
  AGENTS_FILE=${BENCH_AGENTS_FILE:?BENCH_AGENTS_FILE (lines of "name secret") is required with BENCH_BASE_URL}
  INTROSPECTOR=${BENCH_INTROSPECTOR:-}   # "name secret" of a client allowed to introspect
fi

# 1. First-time logins: every agent at most once, Argon2 on every request. The warm-up logs in
# other agents the same way, so the JIT has compiled the hashing path too before the window
# (with 8 agents again and again, it compiled only the cached one: the JIT then took about 5 %
# of the window's CPU).
[ -z "${SERVER_PID:-}" ] ||
  warmup login_first post_agents "$WORK/warm_agents.txt" BENCH_MODE=once BENCH_PATH="$LOGIN_PATH" BENCH_BODY="$LOGIN_BODY"
scenario login_first post_agents "$AGENTS_FILE" BENCH_MODE=once BENCH_PATH="$LOGIN_PATH" BENCH_BODY="$LOGIN_BODY"

# Before the timed windows: one login per connection for the refresh chains, /me and introspection,
# plus two spare chains per wrk thread (wrk asks each thread for one request more than it sends).
# Agents from the end of the list: the repeated logins (from the start) reach the limit of 100
# live sessions per agent, and each login beyond it ends that agent's oldest session.
# A second set of chains is for the warm-up of the refresh scenario.
LOGINS=$((CONNECTIONS + 2 * BENCH_THREADS))
tail -n $((2 * LOGINS)) "$AGENTS_FILE" | while read -r name secret; do
  post_form "$BASE_URL$LOGIN_PATH" "$(fill "$LOGIN_BODY" "$name" "$secret")"
done >"$WORK/logins.json"
json_field refresh_token <"$WORK/logins.json" | head -n "$LOGINS" >"$WORK/warmup_refresh_tokens.txt"
json_field refresh_token <"$WORK/logins.json" | tail -n "$LOGINS" >"$WORK/refresh_tokens.txt"
json_field access_token <"$WORK/logins.json" | tail -n "$LOGINS" >"$WORK/access_tokens.txt"
[ "$(json_field refresh_token <"$WORK/logins.json" | wc -l)" = $((2 * LOGINS)) ] ||
  { echo "bench: the logins before the refresh scenario failed" >&2; exit 1; }

# 2. Rotating refresh: each connection chains its own tokens.
warmup refresh refresh "$WORK/warmup_refresh_tokens.txt" BENCH_PATH="$REFRESH_PATH" BENCH_BODY="$REFRESH_BODY"
scenario refresh refresh "$WORK/refresh_tokens.txt" BENCH_PATH="$REFRESH_PATH" BENCH_BODY="$REFRESH_BODY"

# 3. client_credentials, and repeated /login, of the same few agents (the verified-secret cache).
if endpoint_exists "$BASE_URL$TOKEN_PATH"; then
  warmup client_credentials post_agents "${BENCH_CC_AGENTS_FILE:-$AGENTS_FILE}" BENCH_MODE=repeat BENCH_PATH="$TOKEN_PATH" BENCH_BODY="$CC_BODY"
  scenario client_credentials post_agents "${BENCH_CC_AGENTS_FILE:-$AGENTS_FILE}" BENCH_MODE=repeat BENCH_PATH="$TOKEN_PATH" BENCH_BODY="$CC_BODY"
else
  skipped client_credentials "$TOKEN_PATH answers 404"
fi
warmup login_repeat post_agents "$AGENTS_FILE" BENCH_MODE=repeat BENCH_PATH="$LOGIN_PATH" BENCH_BODY="$LOGIN_BODY"
scenario login_repeat post_agents "$AGENTS_FILE" BENCH_MODE=repeat BENCH_PATH="$LOGIN_PATH" BENCH_BODY="$LOGIN_BODY"

# 4. GET /me with valid tokens.
warmup me bearer "$WORK/access_tokens.txt" BENCH_METHOD=GET BENCH_PATH="$ME_PATH"
scenario me bearer "$WORK/access_tokens.txt" BENCH_METHOD=GET BENCH_PATH="$ME_PATH"

# 5. Introspection of valid access tokens by a client holding "introspect".
if [ -n "$INTROSPECTOR" ] && endpoint_exists "$BASE_URL$INTROSPECT_PATH"; then
  basic="Basic $(printf '%s:%s' $INTROSPECTOR | base64 -w0)"
  warmup introspect bearer "$WORK/access_tokens.txt" BENCH_METHOD=POST BENCH_PATH="$INTROSPECT_PATH" \
    BENCH_BODY="$INTROSPECT_BODY" BENCH_AUTH="$basic"
  scenario introspect bearer "$WORK/access_tokens.txt" BENCH_METHOD=POST BENCH_PATH="$INTROSPECT_PATH" \
    BENCH_BODY="$INTROSPECT_BODY" BENCH_AUTH="$basic"
else
  skipped introspect "no introspecting client, or $INTROSPECT_PATH answers 404"
fi

# 6. The JWKS.
warmup jwks get /dev/null BENCH_PATH="$JWKS_PATH"
scenario jwks get /dev/null BENCH_PATH="$JWKS_PATH"

# The TokenVerifier library on one thread, with keys from this server (agent-auth tokens only).
if [ -n "$SERVER_PID" ]; then
  echo "bench: TokenVerifier, one thread ..."
  "${NICE[@]}" java -cp "$OUT/classes:agent-auth.jar" VerifierBench "$BASE_URL" "$WORK/access_tokens.txt" 5 \
    >"$OUT/parts/verifier.txt"
fi

if [ -n "$SERVER_PID" ]; then
  peak_kib "$SERVER_PID" >"$OUT/parts/rss_peak.txt"
  cpu_seconds $SERVER_PID $SECOND_PID >"$OUT/parts/cpu_total.txt"
  stop_server "$SERVER_PID"
  SERVER_PID=
fi

{ describe_machine "$JAVA_OPTS"; echo "store=$RUN"; echo "instances=$INSTANCES"; } >"$OUT/parts/machine.txt"
java -cp agent-auth.jar bench/Report.java "$OUT/parts" "$OUT/results.json"
cp "$OUT/results.json" "$OUT/results-$RUN-$(date -u +%Y%m%dT%H%M%SZ).json"

# DPoP refresh beside plain refresh (issue 17), on a server of its own: bench/dpop/run.sh
if [ "$RUN" = sqlite ] && [ -z "${BENCH_BASE_URL:-}" ] && [ "${BENCH_DPOP:-1}" != 0 ]; then
  bench/dpop/run.sh
fi
