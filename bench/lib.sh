# Functions for bench/run.sh: the server's lifecycle, measurements from /proc, and one wrk run
# per scenario. Sourced, not run.

ADMIN_PASSWORD=bench-admin-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

# The launch command docs/performance.md gives: a heap capped for a small service, Serial GC
# (no GC threads, no regions to grow), and small thread stacks; see the measurements there.
recommended_java_opts() {
  echo "-Xms16m -Xmx64m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m"
}

# BENCH_NICE=-10 runs the server and wrk at that priority: on a host shared with other work
# (the numbers then say so), it keeps the measurement about this server, not about the others.
NICE=()
[ -z "${BENCH_NICE:-}" ] || NICE=(nice -n "$BENCH_NICE")

ensure_wrk() {
  command -v wrk >/dev/null && return 0
  echo "bench: installing wrk (Debian package) ..."
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null
  command -v wrk >/dev/null || { echo "bench: wrk is missing and could not be installed" >&2; exit 1; }
}

compile_helpers() {
  rm -rf "$OUT/classes" && mkdir -p "$OUT/classes"
  javac --release 17 -encoding UTF-8 -Xlint:all -Werror -cp agent-auth.jar -d "$OUT/classes" bench/seed/*.java bench/verifier/*.java
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# start_server DIR JAVA_OPTS FLAGS: logs and a fresh SQLite file in DIR (or the database
# SERVER_DB names, a file or a postgresql:// URL), any free loopback port.
# Sets SERVER_PID and BASE_URL once the server logged that it listens.
start_server() {
  local dir=$1 opts=$2 flags=$3
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  AGENT_AUTH_ADMIN_PASSWORD=$ADMIN_PASSWORD "${NICE[@]}" java $opts -jar "${SERVER_JAR:-agent-auth.jar}" --host 127.0.0.1 --port 0 \
    --db "${SERVER_DB:-$dir/agent-auth.db}" $flags >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  local port= deadline=$(($(now_ms) + 60000))
  while [ -z "$port" ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log" >&2; echo "bench: the server did not start" >&2; exit 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: the server did not listen within 60 s" >&2; exit 1; }
    port=$(sed -nE 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$dir/server.log" | head -1)
    [ -n "$port" ] || sleep 0.005
  done
  BASE_URL=http://127.0.0.1:$port
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# first_token URL NAME SECRET: logs in until the answer is 200, prints the token response.
first_token() {
  local code i
  for i in $(seq 1 2000); do
    code=$(curl -s -o "$WORK/first_token.json" -w '%{http_code}' --data-urlencode "username=$2" \
      --data-urlencode "password=$3" "$1$LOGIN_PATH" || true)
    [ "$code" = 200 ] && { cat "$WORK/first_token.json"; return 0; }
    sleep 0.005
  done
  echo "bench: no token from $1 (last status $code)" >&2
  exit 1
}

# AppCDS (JDK 12+): a training start records the classes loaded and stops; later starts map them
# from the archive instead of loading and verifying them one by one (docs/performance.md).
create_class_archive() {
  local archive=$1
  rm -f "$archive"
  start_server "$WORK/training" "$(recommended_java_opts) -XX:ArchiveClassesAtExit=$archive" "$SERVER_FLAGS"
  first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >"$WORK/training.json"
  curl -s -o /dev/null "$BASE_URL$JWKS_PATH"
  curl -s -o /dev/null -H "Authorization: Bearer $(json_field access_token <"$WORK/training.json")" "$BASE_URL$ME_PATH"
  post_form "$BASE_URL$REFRESH_PATH" "refresh_token=$(json_field refresh_token <"$WORK/training.json")" >/dev/null
  stop_server "$SERVER_PID"
  SERVER_PID=
  [ -f "$archive" ] || { echo "bench: the training start wrote no class archive" >&2; exit 1; }
}

# Launch to first token, fresh database each run: prints "milliseconds cpu-seconds" per run
# (the CPU time the server used until then, which other load on the host does not inflate much).
cold_start_runs() {
  local i t0
  for i in $(seq 1 "$1"); do
    t0=$(now_ms)
    start_server "$WORK/cold$i" "$2" "$SERVER_FLAGS"
    first_token "$BASE_URL" admin "$ADMIN_PASSWORD" >/dev/null
    echo "$(($(now_ms) - t0)) $(cpu_seconds "$SERVER_PID")"
    stop_server "$SERVER_PID"
    SERVER_PID=
  done
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
# User + system CPU time of processes (the servers), in seconds.
cpu_seconds() {
  local pid
  for pid in "$@"; do cat "/proc/$pid/stat"; done |
    awk -v hz="$(getconf CLK_TCK)" '{t += $14 + $15} END {printf "%.2f\n", t / hz}'
}

# seed DB COUNT PREFIX SCOPES FILE FLAGS: agents through the Users service (bench/seed/Seed.java).
seed() {
  # shellcheck disable=SC2086
  java -cp "$OUT/classes:agent-auth.jar" Seed "$5" "$2" "$3" "$4" --db "$1" $6 2>>"$WORK/seed.log"
}

hash_time_ms() {
  # shellcheck disable=SC2086
  java -cp "$OUT/classes:agent-auth.jar" HashTime 25 $1 2>>"$WORK/seed.log"
}

fill() { local s=${1//\{name\}/$2}; echo "${s//\{secret\}/$3}"; }

post_form() {
  curl -s -H "Content-Type: ${BENCH_CONTENT_TYPE:-application/x-www-form-urlencoded}" --data-binary "$2" "$1"
  echo
}

json_field() { grep -oE "\"$1\" *: *\"[^\"]+\"" | sed -E 's/.*"([^"]+)"$/\1/'; }

endpoint_exists() { [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$1")" != 404 ]; }

# warmup NAME SCRIPT INPUT [VAR=VALUE...]: the same run for BENCH_WARMUP, not recorded, so the
# timed window measures compiled code rather than the JIT at work.
warmup() {
  local name=$1 script=$2 input=$3
  shift 3
  [ "${BENCH_WARMUP:-5s}" != 0 ] || return 0
  env "$@" BENCH_AGENTS="$input" BENCH_TOKENS="$input" BENCH_RESULT="$WORK/warmup-$name.json" \
    "${NICE[@]}" wrk -t"$BENCH_THREADS" -c"$CONNECTIONS" -d"${BENCH_WARMUP:-5s}" --timeout 5s -s "bench/lua/$script.lua" "$BASE_URL" \
    >"$WORK/warmup-$name.txt"
}

# scenario NAME SCRIPT INPUT [VAR=VALUE...]: one bounded wrk run; the result as JSON in parts/.
scenario() {
  local name=$1 script=$2 input=$3 before=0
  shift 3
  echo "bench: $name ($CONNECTIONS connections, $DURATION) ..."
  [ -n "$SERVER_PID" ] && before=$(cpu_seconds $SERVER_PID ${SECOND_PID:-})
  local db_before=0
  [ -z "${PG_PID:-}" ] || db_before=$(cpu_seconds $(pg_processes))
  env "$@" BENCH_AGENTS="$input" BENCH_TOKENS="$input" BENCH_RESULT="$OUT/parts/scenario-$name.json" \
    "${NICE[@]}" wrk -t"$BENCH_THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s "bench/lua/$script.lua" "$BASE_URL" \
    >"$WORK/wrk-$name.txt"
  if [ -n "$SERVER_PID" ]; then
    echo "$(cpu_seconds $SERVER_PID ${SECOND_PID:-}) $before" | awk '{printf "%.2f\n", $1 - $2}' >"$OUT/parts/cpu-$name.txt"
  fi
  if [ -n "${PG_PID:-}" ]; then # PostgreSQL's own CPU time: where the rest of a request's time goes
    echo "$(cpu_seconds $(pg_processes)) $db_before" | awk '{printf "%.2f\n", $1 - $2}' >"$OUT/parts/cpu-db-$name.txt"
  fi
}

skipped() {
  echo "bench: $1 skipped: $2"
  echo "$2" >"$OUT/parts/skipped-$1.txt"
}

describe_machine() {
  echo "cores=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory_mib=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "java=$(java -version 2>&1 | head -2 | tail -1)"
  echo "java_opts=$1"
  echo "jar_bytes=$(stat -c %s agent-auth.jar 2>/dev/null || echo 0)"
  echo "load_average=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "load_average_at_start=$LOAD_AT_START"
  echo "nice=${BENCH_NICE:-0}"
  echo "base_url=$BASE_URL"
  echo "duration=$DURATION"
  echo "connections=$CONNECTIONS"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# window_table SUMMARY: one line per timed window of $OUT/parts (scenario-NAME.json, cpu-NAME.txt,
# load-NAME.txt) into SUMMARY: name, requests/s, p99 ms, errors, server CPU ms per request, load
# average before it; then prints the table sorted by round. For the alternating-window benches.
window_table() {
  local summary=$1 f name req us p99 err
  : >"$summary"
  for f in "$OUT"/parts/scenario-*.json; do
    name=$(basename "$f" .json); name=${name#scenario-}
    req=$(grep -oE '"requests":[0-9]+' "$f" | cut -d: -f2)
    us=$(grep -oE '"duration_us":[0-9]+' "$f" | cut -d: -f2)
    p99=$(grep -oE '"p99":[0-9]+' "$f" | cut -d: -f2)
    err=$(grep -oE '"(connect|read|write|status|timeout)":[0-9]+' "$f" | cut -d: -f2 | paste -sd+ | bc)
    awk -v n="$name" -v r="$req" -v us="$us" -v p="$p99" -v e="$err" -v c="$(cat "$OUT/parts/cpu-$name.txt")" \
      -v l="$(cat "$OUT/parts/load-$name.txt")" \
      'BEGIN {printf "%-8s %8.0f %8.1f %6d %8.3f %6s\n", n, r / (us / 1e6), p / 1000, e, c * 1000 / r, l}' >>"$summary"
  done
  echo
  echo "window      req/s   p99 ms errors cpu ms/r  load"
  sort -t- -k2,2n -k1,1 "$summary"
  echo
}
