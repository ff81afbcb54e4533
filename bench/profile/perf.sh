#!/usr/bin/env bash
# CPU profile of one scenario in steady state, native code and kernel included (Linux perf):
#   bench/profile/perf.sh refresh|login_repeat|me [seconds]
#   bench/profile/perf.sh client_credentials|jwks [seconds]
#   PROFILER=jfr bench/profile/perf.sh ...   Java frames instead (JFR, summarized by JfrTop.java)
#   BENCH_DB=postgres bench/profile/perf.sh ...   on a throw-away PostgreSQL cluster (bench/postgres.sh)
# Starts its own server, seeds 40 agents, runs the scenario twice to warm the JIT, then records
# the third run with perf and prints the split by library and the top symbols.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
source bench/postgres.sh
OUT=build/bench WORK=build/bench/work/profile LOGIN_PATH=/login REFRESH_PATH=/refresh JWKS_PATH=/.well-known/jwks.json ME_PATH=/me
SERVER_FLAGS= BENCH_THREADS=${BENCH_THREADS:-2}
export BENCH_LUA=$PWD/bench/lua BENCH_THREADS
PROFILER=${PROFILER:-perf}
[ "$PROFILER" = jfr ] || command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 1; }
scenario=$1 seconds=${2:-10}
rm -rf "$WORK" && mkdir -p "$WORK"
[ -d "$OUT/classes" ] || compile_helpers
SERVER_PID=
trap '[ -z "$SERVER_PID" ] || stop_server "$SERVER_PID"; pg_stop' EXIT
if [ "${BENCH_DB:-sqlite}" = postgres ]; then
  pg_start "$WORK/pg"
  export AGENT_AUTH_MASTER_KEY SERVER_DB="postgresql://127.0.0.1:$PG_PORT/bench?user=agent_auth"
  AGENT_AUTH_MASTER_KEY=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
fi
start_server "$WORK/server" "$(recommended_java_opts)" ""
first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
seed "${SERVER_DB:-$WORK/server/agent-auth.db}" 40 p- agent "$WORK/agents.txt" ""
run() {
  case $scenario in
    refresh)
      tail -20 "$WORK/agents.txt" | while read -r n s; do post_form "$BASE_URL/login" "username=$n&password=$s"; done |
        json_field refresh_token >"$WORK/tokens.txt"
      BENCH_TOKENS=$WORK/tokens.txt BENCH_PATH=/refresh BENCH_BODY='refresh_token={refresh_token}' script=refresh ;;
    client_credentials) BENCH_AGENTS=$WORK/agents.txt BENCH_MODE=repeat BENCH_PATH=/oauth/token script=post_agents \
      BENCH_BODY='grant_type=client_credentials&client_id={name}&client_secret={secret}' ;;
    jwks) BENCH_METHOD=GET BENCH_PATH=/.well-known/jwks.json script=get ;;
    login_repeat) BENCH_AGENTS=$WORK/agents.txt BENCH_MODE=repeat BENCH_PATH=/login BENCH_BODY='username={name}&password={secret}' script=post_agents ;;
    me)
      tail -20 "$WORK/agents.txt" | while read -r n s; do post_form "$BASE_URL/login" "username=$n&password=$s"; done |
        json_field access_token >"$WORK/tokens.txt"
      BENCH_TOKENS=$WORK/tokens.txt BENCH_METHOD=GET BENCH_PATH=/me script=bearer ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  local before after
  before=$(cpu_seconds "$SERVER_PID")
  env BENCH_TOKENS="${BENCH_TOKENS:-}" BENCH_AGENTS="${BENCH_AGENTS:-}" BENCH_MODE="${BENCH_MODE:-}" BENCH_PATH="$BENCH_PATH" \
    BENCH_BODY="${BENCH_BODY:-}" BENCH_METHOD="${BENCH_METHOD:-}" BENCH_RESULT="$WORK/result.json" \
    "${NICE[@]}" wrk -t"$BENCH_THREADS" -c16 -d"${seconds}s" -s "bench/lua/$script.lua" "$BASE_URL" >"$WORK/wrk.txt"
  after=$(cpu_seconds "$SERVER_PID")
  echo "$(grep 'requests in' "$WORK/wrk.txt") server CPU $(awk -v a="$after" -v b="$before" 'BEGIN {print a - b}') s"
}
run; run
if [ "$PROFILER" = jfr ]; then
  jcmd "$SERVER_PID" JFR.start name=p settings=profile filename="$PWD/$WORK/profile.jfr" >/dev/null
  run
  jcmd "$SERVER_PID" JFR.stop name=p >/dev/null
  java bench/profile/JfrTop.java "$WORK/profile.jfr" ${JFR_FILTER:+"$JFR_FILTER"}
  exit 0
fi
perf record -F 999 -g -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep $((seconds - 2)) >/dev/null 2>&1 &
perf_pid=$!
run
wait "$perf_pid" || true
jcmd "$SERVER_PID" Compiler.perfmap >/dev/null
perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -vE '^#|^$' | head -8
perf report -i "$WORK/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -vE '^#|^$' | head -30 | cut -c1-160
