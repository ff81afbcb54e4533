#!/usr/bin/env bash
# Installs what the PostgreSQL tests need: Debian's postgresql server packages. The tests start
# throw-away clusters of their own from /usr/lib/postgresql/*/bin (as the postgres user when
# they run as root), so no system cluster is created. Idempotent and quiet when already there.
set -euo pipefail

have_server() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && id -u postgres >/dev/null 2>&1
}
have_server && exit 0

command -v apt-get >/dev/null || { echo "install-postgres: no apt-get; install PostgreSQL's server by hand" >&2; exit 1; }
SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-postgres: not root and no sudo; install postgresql by hand" >&2; exit 1; }
  SUDO=(sudo)
fi
apt() { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

echo "install-postgres: installing postgresql"
apt update -qq >/dev/null
# postgresql-common first: its createcluster.conf decides whether installing the server also
# creates and starts a "main" cluster on port 5432, which the tests would never use.
apt install -y -qq --no-install-recommends postgresql-common >/dev/null
"${SUDO[@]}" sed -i -E 's/^#? *create_main_cluster *=.*/create_main_cluster = false/' \
  /etc/postgresql-common/createcluster.conf
apt install -y -qq --no-install-recommends postgresql >/dev/null
have_server || { echo "install-postgres: postgresql installed, but no initdb under /usr/lib/postgresql" >&2; exit 1; }
