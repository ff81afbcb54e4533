#!/usr/bin/env bash
# The memory of a plain `java -jar agent-auth.jar` (no JVM flags), with and without the server's
# own JVM tuning (src/agentauth/JvmMemory.java), alternated in one run on this machine:
#   bench/plain-launch.sh [ROUNDS]     (after ./build.sh; needs wrk: installed when missing)
# Each round starts a fresh server, bursts client_credentials and /login at it with wrk, and
# reports the peak RSS (VmHWM) and the RSS after 90 s idle (G1's periodic collection runs then).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench/plain-launch
WORK=$OUT/work
rm -rf "$OUT" && mkdir -p "$WORK"
LOGIN_PATH=/login
BENCH_THREADS=2
CONNECTIONS=${BENCH_CONNECTIONS:-64}
BURST=${BENCH_BURST:-30s}
IDLE=${BENCH_IDLE:-90}
ROUNDS=${1:-2}
export BENCH_LUA=$PWD/bench/lua BENCH_THREADS
source bench/lib.sh
ensure_wrk
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

burst() { # burst PATH BODY: wrk for $BURST with the admin's credentials
  printf "admin %s\nadmin %s\n" "$ADMIN_PASSWORD" "$ADMIN_PASSWORD" >"$WORK/admin.txt" # a line per wrk thread
  BENCH_AGENTS="$WORK/admin.txt" BENCH_MODE=repeat BENCH_REPEAT=1 BENCH_PATH="$1" BENCH_BODY="$2" \
    BENCH_RESULT="$WORK/burst.json" wrk -t$BENCH_THREADS -c"$CONNECTIONS" -d"$BURST" --timeout 5s \
    -s bench/lua/post_agents.lua "$BASE_URL" >>"$WORK/wrk.txt"
}

printf '%-8s %-6s %10s %10s %12s\n' variant round "peak MiB" "idle MiB" "requests"
for round in $(seq 1 "$ROUNDS"); do
  for variant in plain tuned; do
    opts=""
    [ $variant = plain ] && opts="-Dagentauth.jvm.keep=true" # JvmMemory leaves the JVM as it comes
    start_server "$WORK/$variant-$round" "$opts" ""
    first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
    : >"$WORK/wrk.txt"
    burst /oauth/token 'grant_type=client_credentials&client_id={name}&client_secret={secret}'
    burst /login 'username={name}&password={secret}'
    peak=$(peak_kib "$SERVER_PID")
    sleep "$IDLE" # idle on purpose: what the JVM gives back when nothing happens is the measurement
    idle=$(rss_kib "$SERVER_PID")
    requests=$(grep -oE '^ +[0-9]+ requests' "$WORK/wrk.txt" | awk '{s += $1} END {print s}')
    printf '%-8s %-6s %10d %10d %12s\n' $variant "$round" $((peak / 1024)) $((idle / 1024)) "$requests"
    stop_server "$SERVER_PID"
  done
done
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), \
$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo) MiB; $(java -version 2>&1 | head -1); \
load average at start $LOAD_AT_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
