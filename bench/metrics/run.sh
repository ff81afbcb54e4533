#!/usr/bin/env bash
# The cost of metrics (issue 19): the refresh scenario against two servers of the same jar, one
# without metrics and one with --metrics-port and a scrape every second (BENCH_SCRAPE_EVERY;
# Prometheus scrapes every 15 s by default), measured in alternating windows in one run (A B B A A B B A ...), so a slow
# spell of the host falls on both alike. Prints each window, then per server the median and range
# of requests/s, p99 and server CPU per request; JSON in build/bench/metrics-cost.json.
#   bench/metrics/run.sh        (after ./build.sh; BENCH_ROUNDS=4 pairs of windows by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

OUT=build/bench/metrics-cost
WORK=$OUT/work
rm -rf "$OUT" && mkdir -p "$WORK" "$OUT/parts"
export BENCH_LUA=$PWD/bench/lua BENCH_THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
ROUNDS=${BENCH_ROUNDS:-4}
SCRAPE_EVERY=${BENCH_SCRAPE_EVERY:-1} # seconds between scrapes of the 'on' server
JAVA_OPTS=$(recommended_java_opts)
LOGIN_PATH=/login
LOGINS=$((CONNECTIONS + 2 * BENCH_THREADS))
AGENTS=$(((2 * ROUNDS + 1) * LOGINS))

ensure_wrk
[ -f agent-auth.jar ] || { echo "metrics bench: agent-auth.jar is missing: run ./build.sh" >&2; exit 1; }
compile_helpers
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A PID URL
SCRAPER=
cleanup() {
  [ -z "$SCRAPER" ] || kill "$SCRAPER" 2>/dev/null || true
  for s in "${!PID[@]}"; do stop_server "${PID[$s]}"; done
}
trap cleanup EXIT

for s in off on; do
  flags=""
  [ $s = on ] && flags="--metrics-port 0"
  echo "metrics bench: server '$s': java $JAVA_OPTS -jar agent-auth.jar $flags"
  start_server "$WORK/$s" "$JAVA_OPTS" "$flags"
  PID[$s]=$SERVER_PID URL[$s]=$BASE_URL
  first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
  seed "$WORK/$s/agent-auth.db" "$AGENTS" "bench-$s-" agent "$WORK/agents-$s.txt" ""
done
METRICS_URL=$(sed -nE 's#.*metrics on (http://127\.0\.0\.1:[0-9]+/metrics).*#\1#p' "$WORK/on/server.log" | head -1)
[ -n "$METRICS_URL" ] || { echo "metrics bench: the metrics listener did not start" >&2; exit 1; }
(while true; do curl -s -o /dev/null "$METRICS_URL"; sleep "$SCRAPE_EVERY"; done) &
SCRAPER=$!

# tokens SERVER N FILE: logs in the next N agents of that server, one refresh chain each
declare -A NEXT=([off]=1 [on]=1)
tokens() {
  sed -n "${NEXT[$1]},$((NEXT[$1] + $2 - 1))p" "$WORK/agents-$1.txt" | while read -r name secret; do
    post_form "${URL[$1]}$LOGIN_PATH" "username=$name&password=$secret"
  done | json_field refresh_token >"$3"
  NEXT[$1]=$((NEXT[$1] + $2))
  [ "$(wc -l <"$3")" = "$2" ] || { echo "metrics bench: logins on '$1' failed" >&2; exit 1; }
}

# window SERVER NAME: one timed refresh run on that server
window() {
  local s=$1 name=$2
  tokens "$s" "$LOGINS" "$WORK/tokens-$name.txt"
  SERVER_PID=${PID[$s]} BASE_URL=${URL[$s]}
  cut -d' ' -f1 /proc/loadavg >"$OUT/parts/load-$name.txt"
  scenario "$name" refresh "$WORK/tokens-$name.txt" BENCH_PATH=/refresh BENCH_BODY='refresh_token={refresh_token}'
}

for s in off on; do # the JIT compiles the refresh path on both before any window counts
  tokens "$s" "$LOGINS" "$WORK/warm-$s.txt"
  SERVER_PID=${PID[$s]} BASE_URL=${URL[$s]}
  warmup "refresh-$s" refresh "$WORK/warm-$s.txt" BENCH_PATH=/refresh BENCH_BODY='refresh_token={refresh_token}'
done
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="off on"; else order="on off"; fi
  for s in $order; do window "$s" "$s-$r"; done
done

# Each window: requests/s, p99 ms, errors, server CPU ms per request, load average before it
summary=$OUT/windows.txt
window_table "$summary"
stats() { # stats SERVER COLUMN: median (min-max) of that column over the server's windows
  grep "^$1-" "$summary" | awk -v c="$2" '{print $c}' | sort -n |
    awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f (%.3f-%.3f)", m, v[1], v[NR]}'
}
{
  echo "metrics   req/s median (range)        p99 ms median (range)   cpu ms/req median (range)"
  for s in off on; do
    printf "%-8s  %-28s %-23s %s\n" "$s" "$(stats "$s" 2)" "$(stats "$s" 3)" "$(stats "$s" 5)"
  done
  echo "load average at start $LOAD_AT_START, at end $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores;" \
    "$ROUNDS windows of $DURATION per server, $CONNECTIONS connections; scrape every $SCRAPE_EVERY s on 'on'"
} | tee "$OUT/summary.txt"
{
  printf '{"date":"%s","duration":"%s","connections":%d,"rounds":%d,"load_at_start":"%s","load_at_end":"%s","windows":[' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$DURATION" "$CONNECTIONS" "$ROUNDS" "$LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
  sort -t- -k2,2n -k1,1 "$summary" | awk '{sep = NR > 1 ? "," : ""; printf "%s{\"window\":\"%s\",\"rps\":%s,\"p99_ms\":%s,\"errors\":%s,\"cpu_ms_per_request\":%s,\"load\":%s}", sep, $1, $2, $3, $4, $5, $6}'
  echo ']}'
} >build/bench/metrics-cost.json
