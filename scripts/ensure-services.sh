#!/usr/bin/env bash
# Make sure what the tests need is on this machine: a reachable PostgreSQL (the tests read its
# URL from ONCORWD_TEST_POSTGRES_URL) and a Java runtime for Spark. On a machine without them,
# install Debian's packages and start PostgreSQL.
set -euo pipefail

PG_URL="${ONCORWD_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" = "0" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

pg_ready() { python3 - "$PG_URL" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
try:
    socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}

if ! pg_ready; then
  echo "PostgreSQL not reachable at $PG_URL: installing/starting Debian's postgresql"
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  # trust auth on loopback for the test database, as on the CI machines
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q "oncorwd-test" "$hba"; then
    printf '# oncorwd-test\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' \
      | cat - "$hba" | $SUDO tee "$hba.new" >/dev/null && $SUDO mv "$hba.new" "$hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
  su postgres -c "psql -tc \"SELECT 1 FROM pg_database WHERE datname='test'\" | grep -q 1 \
    || createdb test" 2>/dev/null || true
fi

if ! command -v java >/dev/null; then
  echo "Java not found: installing a headless JRE for Spark"
  apt_install openjdk-17-jre-headless
fi

# Headless Chromium for the browser tests (Playwright drives Debian's chromium; no browser
# download).
if ! command -v chromium >/dev/null; then
  echo "Chromium not found: installing Debian's chromium for the browser tests"
  apt_install chromium
fi

# npm fetches the FHIR packages (mCODE STU4) the validators read.
if ! command -v npm >/dev/null; then
  echo "npm not found: installing Debian's npm"
  apt_install npm
fi
bash "$(dirname "$0")/fetch-fhir-packages.sh"
