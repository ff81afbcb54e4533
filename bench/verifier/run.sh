#!/usr/bin/env bash
# TokenVerifier on one thread (bench/verifier/VerifierBench.java) with each class path in turn,
# in alternating rounds, so that a change in the machine's load touches every variant alike.
#   bench/verifier/run.sh [ROUNDS] [SECONDS] [NAME=CLASSPATH]...        (defaults: 3 rounds, 5 s)
# Without NAME=CLASSPATH, the two ways a service runs the verifier:
#   client-jar     agent-auth-client.jar alone: ES256 by the JDK
#   client-jar+bc  the same with Bouncy Castle beside it: ES256 by Bouncy Castle
# A server started from agent-auth.jar (fresh database, loopback, any free port) supplies the
# keys and 20 client_credentials tokens. Prints each run, then the range per variant.
# BENCH_NICE=-10 (root) runs the measured JVMs at that priority on a host shared with other work.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f agent-auth-client.jar ] || { echo "run ./build.sh first" >&2; exit 1; }
# shellcheck source=../lib.sh
source bench/lib.sh

rounds=${1:-3}
seconds=${2:-5}
shift $(($# < 2 ? $# : 2))
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=("client-jar=agent-auth-client.jar"
  "client-jar+bc=agent-auth-client.jar:$(ls lib/bcprov-*.jar)")

OUT=build/bench-verifier
rm -rf "$OUT" && mkdir -p "$OUT"
# Compiled against each variant: a jar from another commit may differ in binary API.
for i in "${!variants[@]}"; do
  mkdir -p "$OUT/classes-$i"
  javac --release 17 -encoding UTF-8 -cp "${variants[$i]#*=}" -d "$OUT/classes-$i" bench/verifier/VerifierBench.java
done

SERVER_PID=
trap '[ -z "$SERVER_PID" ] || stop_server "$SERVER_PID"' EXIT
start_server "$OUT/server" "-Xmx128m" "--argon2-memory 1024 --access-ttl 1h"
for i in $(seq 1 20); do
  curl -sf -u "admin:$ADMIN_PASSWORD" -d grant_type=client_credentials "$BASE_URL/oauth/token" |
    sed -E 's/.*"access_token":"([^"]+)".*/\1/'
  echo
done >"$OUT/tokens.txt"
[ "$(grep -c . "$OUT/tokens.txt")" = 20 ] || { echo "bench: could not get 20 tokens" >&2; exit 1; }

echo "nproc: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -version 2>&1 | head -1
for round in $(seq 1 "$rounds"); do
  for i in "${!variants[@]}"; do
    name=${variants[$i]%%=*}
    cp=${variants[$i]#*=}
    result=$("${NICE[@]}" java -cp "$OUT/classes-$i:$cp" VerifierBench "$BASE_URL" "$OUT/tokens.txt" "$seconds" \
      2>"$OUT/stderr.txt" | tr '\n' ' ') || true
    [ -n "$result" ] || { cat "$OUT/stderr.txt" >&2; exit 1; }
    echo "round $round  $name  $result  ($(grep -o 'es256=[a-z]*' "$OUT/stderr.txt" || echo 'es256=bouncycastle'))"
    echo "$name $result" >>"$OUT/results.txt"
  done
done
echo "ranges (tokens/s, one thread):"
for v in "${variants[@]}"; do
  name=${v%%=*}
  awk -v n="$name" '$1 == n {
      s = $3; f = $5
      if (!c++ || s < smin) smin = s; if (s > smax) smax = s
      if (c == 1 || f < fmin) fmin = f; if (f > fmax) fmax = f
    } END { printf "  %-16s seen %d-%d   first_seen %d-%d\n", n, smin, smax, fmin, fmax }' "$OUT/results.txt"
done
