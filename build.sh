#!/usr/bin/env bash
# Builds agent-auth with nothing but a JDK.
#   ./build.sh          compile src/ and package agent-auth.jar (runtime jars + web/ merged in)
#                       and agent-auth-client.jar (the client library alone, JDK only)
#   ./build.sh test     build, then run every test; ends with "tests: N passed, M failed"
#   ./build.sh bench    build, then run the benchmark suite under bench/
#   ./build.sh clean    remove build/ and agent-auth.jar
set -euo pipefail
cd "$(dirname "$0")"

BUILD=build
JAR=agent-auth.jar
JAVAC_OPTS=(--release 17 -encoding UTF-8 -Xlint:all,-serial,-processing -Werror)
PYTHON_CLIENT=clients/python/agent_auth.py

die() { echo "build.sh: $*" >&2; exit 1; }

# Every jar in lib/ must be listed in lib/README.md with its SHA-256, and match it.
verify_libs() {
  local listed actual name sum missing=0
  listed=$(grep -oE '^\| `[^`]+\.jar` \| [^|]+ \| [0-9a-f]{64} ' lib/README.md |
    sed -E 's/^\| `([^`]+)` \| [^|]+ \| ([0-9a-f]{64}) /\1 \2/')
  while read -r name sum; do
    [ -n "$name" ] || continue
    [ -f "lib/$name" ] || die "lib/README.md lists lib/$name, which is missing"
    actual=$(sha256sum "lib/$name" | cut -c1-64)
    [ "$actual" = "$sum" ] || die "checksum mismatch for lib/$name: expected $sum, got $actual"
  done <<<"$listed"
  for jar in lib/*.jar lib/test/*.jar; do
    [ -e "$jar" ] || continue
    name=${jar#lib/}
    grep -q "^$name " <<<"$listed" || { echo "build.sh: $jar is not listed in lib/README.md" >&2; missing=1; }
  done
  [ $missing = 0 ] || exit 1
}

runtime_cp() { ls lib/*.jar | tr '\n' ':'; }
test_cp() { ls lib/test/*.jar | tr '\n' ':'; }

newer_than() { # newer_than STAMP DIR... : true when any file under DIR is newer than STAMP
  local stamp=$1; shift
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$@" -newer "$stamp" -type f -print -quit 2>/dev/null)" ]
}

compile_main() {
  local stamp=$BUILD/classes.stamp
  if newer_than "$stamp" src lib; then
    rm -rf $BUILD/classes && mkdir -p $BUILD/classes
    find src -name '*.java' >$BUILD/sources.txt
    javac "${JAVAC_OPTS[@]}" -cp "$(runtime_cp)" -d $BUILD/classes @$BUILD/sources.txt
    touch "$stamp"
  fi
}

# The runtime jars, unpacked once per change of lib/: signatures and module-info dropped
# (a merged jar is neither signed nor a module), service files concatenated.
unpack_libs() {
  local stamp=$BUILD/deps.stamp dir=$BUILD/deps
  newer_than "$stamp" lib/*.jar lib/README.md || return 0
  rm -rf $dir && mkdir -p $dir $BUILD/services
  rm -rf $BUILD/services/*
  for jar in lib/*.jar; do
    local tmp=$BUILD/unpack && rm -rf $tmp && mkdir -p $tmp
    (cd $tmp && jar xf "../../$jar")
    if [ -d $tmp/META-INF/services ]; then
      for svc in $tmp/META-INF/services/*; do
        [ -f "$svc" ] || continue
        cat "$svc" >>"$BUILD/services/$(basename "$svc")"
        echo >>"$BUILD/services/$(basename "$svc")"
      done
    fi
    cp -r $tmp/. $dir/
  done
  rm -rf $BUILD/unpack
  find $dir -name module-info.class -delete
  rm -f $dir/META-INF/*.SF $dir/META-INF/*.RSA $dir/META-INF/*.DSA $dir/META-INF/*.EC \
    $dir/META-INF/MANIFEST.MF $dir/META-INF/INDEX.LIST
  rm -rf $dir/META-INF/services && mkdir -p $dir/META-INF/services
  cp $BUILD/services/* $dir/META-INF/services/
  touch "$stamp"
}

package() {
  # what --version and the metrics' build_info say; a tree with no git history says so
  local version
  version=$(printf 'version=%s\ncommit=%s\n' \
    "$(git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)" \
    "$(git rev-parse HEAD 2>/dev/null || echo unknown)")
  if [ -f $JAR ] && [ "$version" = "$(cat $BUILD/version.properties 2>/dev/null)" ] \
      && ! newer_than $JAR $BUILD/classes.stamp $BUILD/deps.stamp $(ls -d web 2>/dev/null) $PYTHON_CLIENT; then
    return 0
  fi
  printf '%s\n' "$version" >$BUILD/version.properties
  local stage=$BUILD/jar
  rm -rf $stage && mkdir -p $stage
  cp -r $BUILD/deps/. $stage/
  cp -r $BUILD/classes/. $stage/
  mkdir -p $stage/web && if [ -d web ]; then cp -r web/. $stage/web/; fi
  cp $BUILD/version.properties $stage/agentauth/version.properties
  # the server hands agents the Python client that matches it (GET /clients/python/agent_auth.py);
  # clients/python is its only source
  mkdir -p $stage/clients/python && cp $PYTHON_CLIENT $stage/clients/python/
  cat >$BUILD/MANIFEST.MF <<'EOF'
Main-Class: agentauth.Main
Multi-Release: true
Enable-Native-Access: ALL-UNNAMED
EOF
  rm -f $JAR
  jar --create --file $JAR --manifest $BUILD/MANIFEST.MF -C $stage .
  echo "built $JAR ($(du -h $JAR | cut -f1), $(stat -c %s $JAR) bytes)"
}

# agent-auth-client.jar: the agentauth.client package alone, for Java agents and services that
# must not get the server's Jetty, Javalin and Jackson. Compiled on its own with nothing but the
# JDK, so an import of anything else fails the build; only BouncyCastleEs256 sees Bouncy Castle,
# and the client loads it by name, where the application has Bouncy Castle (faster ES256).
CLIENT_JAR=agent-auth-client.jar
package_client() {
  local out=$BUILD/client-classes
  if [ -f $CLIENT_JAR ] && ! newer_than $CLIENT_JAR src/agentauth/client; then
    return 0
  fi
  rm -rf $out && mkdir -p $out
  javac "${JAVAC_OPTS[@]}" -cp $out -sourcepath $out -d $out $(ls src/agentauth/client/*.java | grep -v /BouncyCastleEs256.java)
  javac "${JAVAC_OPTS[@]}" -cp "$out:$(ls lib/bcprov-*.jar)" -d $out src/agentauth/client/BouncyCastleEs256.java
  printf 'Automatic-Module-Name: agentauth.client\n' >$BUILD/client-manifest.txt
  rm -f $CLIENT_JAR
  jar --create --file $CLIENT_JAR --manifest $BUILD/client-manifest.txt -C $out .
  echo "built $CLIENT_JAR ($(du -h $CLIENT_JAR | cut -f1), $(stat -c %s $CLIENT_JAR) bytes)"
}

build() {
  command -v javac >/dev/null || die "javac not found: install a JDK 17 or newer"
  verify_libs
  mkdir -p $BUILD
  compile_main
  unpack_libs
  package
  package_client
}

compile_tests() {
  local stamp=$BUILD/test-classes.stamp
  if newer_than "$stamp" test $JAR lib/test; then
    rm -rf $BUILD/test-classes && mkdir -p $BUILD/test-classes
    find test -name '*.java' >$BUILD/test-sources.txt
    javac "${JAVAC_OPTS[@]}" -Xlint:-try -cp "$JAR:$(test_cp)" \
      -d $BUILD/test-classes @$BUILD/test-sources.txt
    # test resources (anything not .java) ride along on the class path
    (cd test && find . -type f ! -name '*.java' -exec cp --parents {} ../$BUILD/test-classes/ \;)
    touch "$stamp"
  fi
  # The benchmarks' Java helpers run only on demand: compiling them here keeps a change to a
  # service they use from breaking `./build.sh bench` unnoticed.
  local bench_stamp=$BUILD/bench-classes.stamp
  if newer_than "$bench_stamp" bench $JAR; then
    rm -rf $BUILD/bench-classes && mkdir -p $BUILD/bench-classes
    javac "${JAVAC_OPTS[@]}" -cp "$JAR:$(test_cp)" -d $BUILD/bench-classes $(find bench -name '*.java' | sort)
    touch "$bench_stamp"
  fi
}

# run_suite LABEL COMMAND...: runs a suite that ends with "LABEL: N passed, M failed" and adds its
# counts to passed/failed; a suite that reports nothing counts as one failure.
run_suite() {
  local label=$1 out=$BUILD/$1-report.txt line; shift
  # (through a file, not tee /dev/stderr: that would truncate a log file stderr points at)
  "$@" >"$out" 2>&1 || true
  cat "$out"
  line=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed\$" "$out" | tail -1 || true)
  if [ -n "$line" ]; then
    passed=$((passed + $(sed -E "s/$label: ([0-9]+) passed.*/\\1/" <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")))
  else
    failed=$((failed + 1))
    echo "$label tests did not report a result" >&2
  fi
}

run_tests() {
  compile_tests
  local report=$BUILD/test-report.txt passed=0 failed=0 rc=0
  mkdir -p $BUILD
  # Tests run against the real jar: the same classes, dependencies and web/ files users get.
  java -Dagentauth.jar="$PWD/$JAR" -jar lib/test/junit-platform-console-standalone-*.jar execute \
    --class-path "$BUILD/test-classes:$JAR:$(test_cp)" \
    --scan-class-path "$BUILD/test-classes" --fail-if-no-tests --disable-banner \
    --details=tree --details-theme=ascii --disable-ansi-colors \
    --config=junit.jupiter.execution.parallel.enabled=true \
    --config=junit.jupiter.execution.parallel.mode.classes.default=concurrent \
    --config=junit.jupiter.execution.parallel.config.strategy=fixed \
    --config=junit.jupiter.execution.parallel.config.fixed.parallelism=4 \
    2>&1 | tee $report || rc=$?
  passed=$(grep -oE '\[ *[0-9]+ tests successful *\]' $report | grep -oE '[0-9]+' || echo 0)
  failed=$(grep -oE '\[ *[0-9]+ tests failed *\]' $report | grep -oE '[0-9]+' || echo 0)
  # Suites outside JUnit, each ending with "<label>: N passed, M failed".
  run_suite python clients/python/run_tests.sh "$JAR"   # the Python client (clients/python/README.md)
  run_suite browser test/browser/run.sh                 # the admin page (test/browser/README.md)
  echo "tests: $passed passed, $failed failed"
  [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}

case "${1:-build}" in
  build) build ;;
  test) build && run_tests ;;
  bench) build && exec bench/run.sh "${@:2}" ;;
  clean) rm -rf $BUILD $JAR $CLIENT_JAR ;;
  *) die "unknown command '$1' (use: build, test, bench, clean)" ;;
esac
