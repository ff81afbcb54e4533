#!/usr/bin/env bash
# Runs the Python client's tests against the real server.
#   clients/python/run_tests.sh path/to/agent-auth.jar
# Last line: "python: N passed, M failed"; exits non-zero on a failure.
set -euo pipefail
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 path/to/agent-auth.jar" >&2; exit 2; }
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
# 1800 s: a safety net only; the suite starts five JVMs, and on a loaded machine one start can take minutes
AGENT_AUTH_JAR=$jar PYTHONDONTWRITEBYTECODE=1 exec timeout 1800 python3 tests/run.py
