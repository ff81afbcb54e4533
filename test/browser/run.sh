#!/usr/bin/env bash
# Browser tests of the admin page: starts agent-auth.jar on a free loopback port with a fresh
# database, drives headless Chromium through the page, and stops the server again.
# Called by `./build.sh test` from the repo root once agent-auth.jar is built.
# Last line: "browser: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "browser tests: $*" >&2; echo "browser: 0 passed, 1 failed"; exit 1; }

[ -f agent-auth.jar ] || fail "agent-auth.jar is missing: run ./build.sh first"
if [ ! -x /usr/bin/chromium ] || [ ! -d test/browser/node_modules/playwright-core ]; then
  .ci/install-browser.sh || fail "could not install chromium or the Node packages"
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'cleanup; rm -rf "$tmp"' EXIT

export AGENT_AUTH_ADMIN_PASSWORD="browser-test-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"

# suite NAME SCRIPT FLAGS...: one server with a fresh database and those flags, one test script
# against it; its counts are added to the totals.
passed=0 failed=0
suite() {
  local name=$1 script=$2 log=$tmp/$1.log url="" rc
  shift 2
  : >"$log" # exists before the background job opens it, for the grep below
  java -jar agent-auth.jar --host 127.0.0.1 --port 0 --db "$tmp/$name.db" "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 1800); do # up to 180 s for the server to start (as JarProcess: a loaded machine)
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/admin/' "$log" | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    sed 's/^/    server: /' "$log" >&2
    echo "browser tests: the $name server did not log its admin page URL" >&2
    failed=$((failed + 1))
    cleanup
    return
  fi
  AGENT_AUTH_URL="${url%/admin/}" timeout 600 node "test/browser/$script" | tee "$tmp/$name.out" | grep -v '^browser: '
  rc=${PIPESTATUS[0]}
  if [ "$rc" != 0 ]; then
    echo "    (server log: last 20 lines)" >&2
    tail -20 "$log" | sed 's/^/    server: /' >&2
  fi
  local counts
  counts=$(sed -nE 's/^browser: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$tmp/$name.out")
  [ -n "$counts" ] || counts="0 1"
  passed=$((passed + ${counts% *})) failed=$((failed + ${counts#* }))
  cleanup
}

# A short access-token lifetime: the page's tokens really expire during the suite, so its refresh
# after a 401 runs too. Its refresh ahead of expiry follows the page's clock, which the tests
# hold still and move themselves (harness.mjs), so no test depends on when that refresh happens.
suite admin admin.test.mjs --access-ttl 12s
# The page under DPoP required with server nonces: it makes its own proofs (issue 17). Its
# tests check the login's token on later calls, so that token must outlive a slow run.
suite dpop dpop.test.mjs --access-ttl 120s --dpop required --dpop-nonce required
echo "browser: $passed passed, $failed failed"
[ "$failed" = 0 ]
