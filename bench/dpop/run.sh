#!/usr/bin/env bash
# The cost of DPoP (issue 17): the refresh scenario on one server, plain (bearer sessions) and
# DPoP (sessions bound at login, a fresh proof with every refresh: one more signature check and
# one replay record), measured in alternating windows in one run (P D D P P D ...), so a slow
# spell of the host falls on both alike. wrk cannot sign, so the proofs of each DPoP window are
# signed just before it (bench/dpop/DpopChains.java) and sent one per request. Prints each
# window, then per mode the median and range of requests/s, p99 and server CPU per request, and
# DPoP's rate as a share of the plain one (target: at least 75%), and what one proof costs a
# verifier (bench/dpop/ProofCheckBench.java, Bouncy Castle's and the JDK's ECDSA); JSON of the
# windows in build/bench/dpop-cost.json.
#   bench/dpop/run.sh        (after ./build.sh; BENCH_ROUNDS=3 pairs of windows by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

OUT=build/bench/dpop-cost
WORK=$OUT/work
rm -rf "$OUT" && mkdir -p "$WORK" "$OUT/parts"
export BENCH_LUA=$PWD/bench/lua BENCH_THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
ROUNDS=${BENCH_ROUNDS:-3}
PROOFS=${BENCH_DPOP_PROOFS:-30000} # per DPoP window: more than it can send (a proof short is an error)
JAVA_OPTS=$(recommended_java_opts)
LOGIN_PATH=/login
LOGINS=$((CONNECTIONS + 2 * BENCH_THREADS))
AGENTS=$(((2 * ROUNDS + 2) * LOGINS))

ensure_wrk
[ -f agent-auth.jar ] || { echo "dpop bench: agent-auth.jar is missing: run ./build.sh" >&2; exit 1; }
compile_helpers
javac --release 17 -encoding UTF-8 -Xlint:all -Werror -cp agent-auth.jar -d "$OUT/classes" bench/dpop/*.java
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

SERVER_PID=
trap '[ -z "$SERVER_PID" ] || stop_server "$SERVER_PID"' EXIT
echo "dpop bench: java $JAVA_OPTS -jar agent-auth.jar (--dpop optional, the default)"
start_server "$WORK/server" "$JAVA_OPTS" ""
first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
seed "$WORK/server/agent-auth.db" "$AGENTS" bench- agent "$WORK/agents.txt" ""

# chains MODE FILE [PROOFS_FILE]: logs in the next LOGINS agents (with DPoP: bound, and the proofs signed)
NEXT=1
chains() {
  if [ "$1" = dpop ]; then
    java -cp "$OUT/classes" DpopChains "$BASE_URL" "$WORK/agents.txt" "$NEXT" "$LOGINS" "$2" "$PROOFS" "$3"
  else
    sed -n "${NEXT},$((NEXT + LOGINS - 1))p" "$WORK/agents.txt" | while read -r name secret; do
      post_form "$BASE_URL/login" "username=$name&password=$secret"
    done | json_field refresh_token >"$2"
  fi
  NEXT=$((NEXT + LOGINS))
  [ "$(wc -l <"$2")" = "$LOGINS" ] || { echo "dpop bench: logins ($1) failed" >&2; exit 1; }
}

# window MODE NAME: one timed refresh run
window() {
  local mode=$1 name=$2
  chains "$mode" "$WORK/tokens-$name.txt" "$WORK/proofs-$name.txt"
  cut -d' ' -f1 /proc/loadavg >"$OUT/parts/load-$name.txt"
  if [ "$mode" = dpop ]; then
    scenario "$name" dpop_refresh "$WORK/tokens-$name.txt" BENCH_PROOFS="$WORK/proofs-$name.txt"
  else
    scenario "$name" refresh "$WORK/tokens-$name.txt" BENCH_PATH=/refresh BENCH_BODY='refresh_token={refresh_token}'
  fi
}

# The JIT compiles both paths before any window counts
chains plain "$WORK/warm-plain.txt"
warmup refresh-plain refresh "$WORK/warm-plain.txt" BENCH_PATH=/refresh BENCH_BODY='refresh_token={refresh_token}'
chains dpop "$WORK/warm-dpop.txt" "$WORK/warm-proofs.txt"
warmup refresh-dpop dpop_refresh "$WORK/warm-dpop.txt" BENCH_PROOFS="$WORK/warm-proofs.txt"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="plain dpop"; else order="dpop plain"; fi
  for m in $order; do window "$m" "$m-$r"; done
done

# Each window: requests/s, p99 ms, errors, server CPU ms per request, load average before it
summary=$OUT/windows.txt
window_table "$summary"
median() { # median MODE COLUMN
  grep "^$1-" "$summary" | awk -v c="$2" '{print $c}' | sort -n |
    awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
range() { grep "^$1-" "$summary" | awk -v c="$2" '{print $c}' | sort -n | awk 'NR == 1 {a = $1} {b = $1} END {printf "%s-%s", a, b}'; }
{
  echo "refresh   req/s median (range)     p99 ms median (range)   cpu ms/req median (range)"
  for m in plain dpop; do
    printf "%-8s  %-26s %-23s %s\n" "$m" "$(median "$m" 2) ($(range "$m" 2))" "$(median "$m" 3) ($(range "$m" 3))" \
      "$(median "$m" 5) ($(range "$m" 5))"
  done
  awk -v d="$(median dpop 2)" -v p="$(median plain 2)" 'BEGIN {printf "DPoP refresh rate = %.0f%% of the plain one (target: at least 75%%)\n", 100 * d / p}'
  echo "load average at start $LOAD_AT_START, at end $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores;" \
    "$ROUNDS windows of $DURATION per mode, $CONNECTIONS connections"
} | tee "$OUT/summary.txt"
echo "A verifier's cost per proof (DpopProofCheck, one thread, replay record left out):" | tee -a "$OUT/summary.txt"
for engine in default jdk; do
  java -Dagentauth.client.es256="$engine" -cp "agent-auth.jar:$OUT/classes" ProofCheckBench | tail -1 |
    sed "s/^/  es256 engine $engine: /" | tee -a "$OUT/summary.txt"
done
{
  printf '{"date":"%s","duration":"%s","connections":%d,"rounds":%d,"load_at_start":"%s","load_at_end":"%s","windows":[' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$DURATION" "$CONNECTIONS" "$ROUNDS" "$LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
  sort -t- -k2,2n -k1,1 "$summary" | awk '{sep = NR > 1 ? "," : ""; printf "%s{\"window\":\"%s\",\"rps\":%s,\"p99_ms\":%s,\"errors\":%s,\"cpu_ms_per_request\":%s,\"load\":%s}", sep, $1, $2, $3, $4, $5, $6}'
  echo ']}'
} >build/bench/dpop-cost.json
