#!/usr/bin/env bash
# Installs promtool (Prometheus' checker) for test/agentauth/metrics/PromtoolTest: only the one
# binary, taken from Debian's prometheus package without installing it (no server, no service,
# no dependencies): about 19 MB to download and a few seconds. Idempotent and quiet when there.
set -euo pipefail

command -v promtool >/dev/null && exit 0
command -v apt-get >/dev/null || { echo "install-promtool: no apt-get; install promtool by hand" >&2; exit 1; }
SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-promtool: not root and no sudo; install promtool by hand" >&2; exit 1; }
  SUDO=(sudo)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "install-promtool: installing promtool from the prometheus package"
"${SUDO[@]}" apt-get update -qq >/dev/null
(cd "$tmp" && chmod 777 . && apt-get download -qq prometheus >/dev/null 2>&1)
dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$tmp" ./usr/bin/promtool
"${SUDO[@]}" install -m 0755 "$tmp/usr/bin/promtool" /usr/local/bin/promtool
promtool --version >/dev/null
