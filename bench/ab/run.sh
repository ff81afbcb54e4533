#!/usr/bin/env bash
# Two builds side by side: one scenario against two jars (say, main and a change, or today's and
# an older release), each its own server and SQLite file, in alternating windows (A B B A A B ...)
# so a slow spell of the shared host falls on both alike. Agents are made through the admin API,
# so jars of different schema versions can be compared.
#   bench/ab/run.sh A.jar B.jar me|refresh|login_repeat|client_credentials
#   BENCH_ROUNDS (4), BENCH_DURATION (8s), BENCH_CONNECTIONS (16), BENCH_SERVER_FLAGS
#   BENCH_JAVA_OPTS_A, BENCH_JAVA_OPTS_B: JVM options per side (the recommended ones by default;
#   the same jar twice with two option sets compares the options)
#   BENCH_DB=postgres: each server on its own database of one throw-away PostgreSQL cluster
#   (bench/postgres.sh); its CPU per request is printed too (only one side runs at a time).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
source bench/postgres.sh
[ $# = 3 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
JAR[0]=$(realpath "$1") JAR[1]=$(realpath "$2") SCEN=$3
OUT=build/bench/ab WORK=build/bench/ab/work LOGIN_PATH=/login
rm -rf "$OUT" && mkdir -p "$WORK"
export BENCH_LUA=$PWD/bench/lua BENCH_THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-4} DURATION=${BENCH_DURATION:-8s} CONNECTIONS=${BENCH_CONNECTIONS:-16}
ensure_wrk
declare -a PIDS URLS
cleanup() {
  for p in "${PIDS[@]}"; do stop_server "$p"; done
  pg_stop
}
trap cleanup EXIT

agents() { # agents URL FILE N: N agents made through the admin API, "name secret" per line
  local token i
  token=$(first_token "$1" admin "$ADMIN_PASSWORD" | json_field access_token)
  for i in $(seq 1 "$3"); do
    local secret name="ab-$i"
    secret=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"username\":\"$name\",\"password\":\"$secret\",\"scopes\":[\"agent\"],\"enabled\":true}" "$1/admin/api/users"
    echo "$name $secret"
  done >"$2"
}
inputs() { # inputs SIDE FILE: what one window sends
  local url=${URLS[$1]} agents=$WORK/agents-$1.txt
  case $SCEN in
    me) while read -r n s; do post_form "$url/login" "username=$n&password=$s"; done <"$agents" | json_field access_token >"$2" ;;
    refresh) while read -r n s; do post_form "$url/login" "username=$n&password=$s"; done <"$agents" | json_field refresh_token >"$2" ;;
    *) cp "$agents" "$2" ;;
  esac
}
window() { # window SIDE NAME
  local side=$1 in=$WORK/in-$2.txt before after
  inputs "$side" "$in"
  local -a vars
  case $SCEN in
    me) vars=(BENCH_METHOD=GET BENCH_PATH=/me) script=bearer ;;
    refresh) vars=(BENCH_PATH=/refresh 'BENCH_BODY=refresh_token={refresh_token}') script=refresh ;;
    login_repeat) vars=(BENCH_MODE=repeat BENCH_PATH=/login 'BENCH_BODY=username={name}&password={secret}') script=post_agents ;;
    client_credentials) vars=(BENCH_MODE=repeat BENCH_PATH=/oauth/token
      'BENCH_BODY=grant_type=client_credentials&client_id={name}&client_secret={secret}') script=post_agents ;;
    *) echo "ab: unknown scenario $SCEN" >&2; exit 2 ;;
  esac
  before=$(cpu_seconds "${PIDS[$side]}") db_before=0
  [ -z "$PG_PID" ] || db_before=$(cpu_seconds $(pg_processes))
  env "${vars[@]}" BENCH_TOKENS="$in" BENCH_AGENTS="$in" BENCH_RESULT="$WORK/r-$2.json" \
    "${NICE[@]}" wrk -t"$BENCH_THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s "bench/lua/$script.lua" "${URLS[$side]}" >"$WORK/wrk-$2.txt"
  after=$(cpu_seconds "${PIDS[$side]}") db_after=0
  [ -z "$PG_PID" ] || db_after=$(cpu_seconds $(pg_processes))
  local rate errors
  rate=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$2.txt")
  errors=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$WORK/wrk-$2.txt" | grep -oE '[0-9]+$' || echo 0)
  awk -v n="$2" -v r="$rate" -v c="$(awk -v a="$after" -v b="$before" 'BEGIN {print a - b}')" \
    -v d="${DURATION%s}" -v e="$errors" -v l="$(cut -d' ' -f1 /proc/loadavg)" -v db="$(awk -v a="$db_after" -v b="$db_before" 'BEGIN {print a - b}')" \
    'BEGIN {printf "%-6s %9.0f req/s  %.3f ms CPU/req  %.3f ms db/req  non-2xx %s  load %s\n", n, r, 1000 * c / (r * d), 1000 * db / (r * d), e, l}' | tee -a "$OUT/windows.txt"
}

if [ "${BENCH_DB:-sqlite}" = postgres ]; then
  pg_start "$WORK/pg"
  export AGENT_AUTH_MASTER_KEY
  AGENT_AUTH_MASTER_KEY=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
  "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt \
    -c 'CREATE DATABASE ab0 OWNER agent_auth' -c 'CREATE DATABASE ab1 OWNER agent_auth' >/dev/null
fi
for side in 0 1; do
  [ -z "$PG_PID" ] || export SERVER_DB="postgresql://127.0.0.1:$PG_PORT/ab$side?user=agent_auth"
  opts_var=BENCH_JAVA_OPTS_$([ "$side" = 0 ] && echo A || echo B)
  SERVER_JAR=${JAR[$side]} start_server "$WORK/s$side" "${!opts_var:-$(recommended_java_opts)}" "${BENCH_SERVER_FLAGS:-}"
  PIDS[$side]=$SERVER_PID URLS[$side]=$BASE_URL
  agents "$BASE_URL" "$WORK/agents-$side.txt" 40
done
describe_machine 2>/dev/null | head -3 || true
echo "ab: $SCEN; A = ${JAR[0]}, B = ${JAR[1]}"
for w in 1 2; do window 0 "warmA$w"; window 1 "warmB$w"; done; : >"$OUT/windows.txt" # the JIT settles first
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="0 1"; else order="1 0"; fi
  for side in $order; do window "$side" "$([ "$side" = 0 ] && echo A || echo B)$r"; done
done
median_range() { sort -n | awk '{v[NR] = $1} END {printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR]}'; }
for x in A B; do
  echo "$x: $(grep "^$x[0-9]" "$OUT/windows.txt" | awk '{print $2}' | median_range) req/s," \
    "$(grep "^$x[0-9]" "$OUT/windows.txt" | awk '{print $4}' | median_range) ms CPU/req," \
    "$(grep "^$x[0-9]" "$OUT/windows.txt" | awk '{print $7}' | median_range) ms db/req (median, range)"
done
