#!/usr/bin/env bash
# Installs what the browser tests of the admin page need: Debian's chromium and the pinned
# Node packages of test/browser (playwright-core, which downloads no browser of its own).
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  command -v apt-get >/dev/null || { echo "install-browser: no apt-get; install chromium by hand" >&2; exit 1; }
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "install-browser: installing chromium"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >/dev/null
fi

command -v npm >/dev/null || { echo "install-browser: npm not found; install Node.js 20 or newer" >&2; exit 1; }
lock=test/browser/package-lock.json
stamp=test/browser/node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  echo "install-browser: installing Node packages (npm ci)"
  (cd test/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$lock" "$stamp"
fi
