#!/usr/bin/env bash
# ES256 throughput per thread, java-jwt on the JDK provider vs agentauth.crypto.Es256.
#   bench/es256/run.sh [threads] [seconds-per-case]     (defaults: 1 thread, 3 s)
# Needs build/classes from ./build.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d build/classes/agentauth/crypto ] || { echo "run ./build.sh first" >&2; exit 1; }

out=build/bench-es256
cp="build/classes:$(ls lib/*.jar | tr '\n' ':')"
rm -rf "$out" && mkdir -p "$out"
javac --release 17 -encoding UTF-8 -Xlint:all -Werror -cp "$cp" -d "$out" bench/es256/Es256Bench.java

echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
java -version 2>&1 | sed 's/^/java: /'
java -cp "$out:$cp" Es256Bench "${1:-1}" "${2:-3}"
