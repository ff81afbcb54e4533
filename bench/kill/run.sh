#!/usr/bin/env bash
# The kill switch, measured (issue 16); on demand, not part of ./build.sh test or bench:
#   bench/kill/run.sh [KILLS]          (default 20; 0 measures the conditional GETs only)
# 1. kill-to-refusal: KILLS kills against a server started from agent-auth.jar (fresh database,
#    loopback, the launch docs/performance.md recommends), each timed from the admin's request to
#    the first refusal by a TokenVerifier with its DEFAULT settings (bench/kill/KillDelay.java);
# 2. the rate of conditional GET /revocations (If-None-Match, answered 304) the server serves,
#    with wrk (Debian's package), BENCH_CONNECTIONS (16) connections, BENCH_THREADS (2) threads,
#    a BENCH_WARMUP (5s) warm-up, then BENCH_DURATION (20s).
# Prints the machine first: both figures depend on it.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f agent-auth.jar ] && [ -f agent-auth-client.jar ] || { echo "run ./build.sh first" >&2; exit 1; }
# shellcheck source=../lib.sh
source bench/lib.sh

kills=${1:-20}
OUT=build/bench-kill
rm -rf "$OUT" && mkdir -p "$OUT/classes"
javac --release 17 -encoding UTF-8 -Xlint:all -Werror -cp agent-auth-client.jar -d "$OUT/classes" bench/kill/KillDelay.java
ensure_wrk

SERVER_PID=
trap '[ -z "$SERVER_PID" ] || stop_server "$SERVER_PID"' EXIT
start_server "$OUT/server" "$(recommended_java_opts)" "${BENCH_SERVER_FLAGS:-}"

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1)"

if [ "$kills" -gt 0 ]; then
  echo "== kill-to-refusal, TokenVerifier defaults (target: all <= 10000 ms)"
  java -cp "$OUT/classes:agent-auth-client.jar" KillDelay "$BASE_URL" "$ADMIN_PASSWORD" "$kills" | tee "$OUT/kill-delay.txt"
fi

echo "== conditional GET /revocations (target: >= 20000 requests/s, all 304)"
etag=$(curl -s -D - -o /dev/null "$BASE_URL/revocations" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$BASE_URL/revocations")" = 304 ] ||
  { echo "bench: the list does not answer 304 to its ETag $etag" >&2; exit 1; }
wrk_args=(-t "${BENCH_THREADS:-2}" -c "${BENCH_CONNECTIONS:-16}" -H "If-None-Match: $etag" -s bench/kill/not_modified.lua)
[ "${BENCH_WARMUP:-5s}" = 0 ] || "${NICE[@]}" wrk "${wrk_args[@]}" -d "${BENCH_WARMUP:-5s}" "$BASE_URL/revocations" >/dev/null
"${NICE[@]}" wrk "${wrk_args[@]}" -d "${BENCH_DURATION:-20s}" --latency "$BASE_URL/revocations" | tee "$OUT/wrk.txt"
echo "server CPU time: $(cpu_seconds "$SERVER_PID") s, load after: $(cut -d' ' -f1-3 /proc/loadavg)"
