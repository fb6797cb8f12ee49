#!/usr/bin/env bash
# Runs every Tribu test: unit, HTTP on SQLite and PostgreSQL, and browser tests in Chromium.
# On Debian/Ubuntu it installs what is missing (PostgreSQL, Redis, Chromium), starts PostgreSQL and Redis
# on 127.0.0.1 with a throw-away role, runs `dotnet test`, stops what it started, and ends with
# one line "N passed, N failed, N skipped". Exit code is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
STARTED_PG=0
STARTED_REDIS=0
REDIS_PORT=${TRIBU_TEST_REDIS_PORT:-6390}
PG_PORT=5432
PG_ROLE=tribu_test
PG_PASSWORD=tribu_test_pw

say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v dotnet >/dev/null || { echo "The .NET SDK 10 is required (dotnet not found on PATH)."; exit 2; }
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing: ${missing[*]}"
  if command -v apt-get >/dev/null && as_root true 2>/dev/null; then
    as_root apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" fonts-dejavu-core >/dev/null || true
  fi
  for p in "${missing[@]}"; do
    case $p in
      postgresql) command -v pg_ctlcluster >/dev/null || echo "MISSING: PostgreSQL (apt-get install postgresql): PostgreSQL tests will fail." ;;
      redis-server) command -v redis-server >/dev/null || echo "MISSING: Redis (apt-get install redis-server)." ;;
      chromium) [ -x /usr/bin/chromium ] || echo "MISSING: Chromium (apt-get install chromium): browser tests will fail." ;;
    esac
  done
fi

cleanup() {
  if [ "$STARTED_REDIS" = 1 ]; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  if [ "$STARTED_PG" = 1 ]; then as_root pg_ctlcluster "$PG_VERSION" main stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# PostgreSQL: the Debian cluster, on loopback, with a password role that may create the test databases.
if command -v pg_lsclusters >/dev/null; then
  PG_VERSION=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')
  if [ -z "$PG_VERSION" ]; then
    PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
    as_root pg_createcluster "$PG_VERSION" main >/dev/null 2>&1 || true
  fi
  PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main"{print $3}')
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main"{print $4}' | grep -q online; then
    as_root pg_ctlcluster "$PG_VERSION" main start && STARTED_PG=1
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$PG_PORT" -q && break; sleep 0.5; done
  as_root su postgres -c "psql -q -p $PG_PORT -v ON_ERROR_STOP=1" <<SQL >/dev/null 2>&1
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  export TRIBU_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_ROLE;Password=$PG_PASSWORD;Database=postgres"
  # Databases left behind by an interrupted run.
  as_root su postgres -c "psql -qtA -p $PG_PORT -c \"SELECT datname FROM pg_database WHERE datname LIKE 'tribu_test_%'\"" 2>/dev/null |
    while read -r db; do [ -n "$db" ] && as_root su postgres -c "psql -q -p $PG_PORT -c 'DROP DATABASE IF EXISTS $db WITH (FORCE)'" >/dev/null 2>&1; done
fi

# Redis: a private instance on loopback for the run.
if command -v redis-server >/dev/null; then
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes >/dev/null && STARTED_REDIS=1
  fi
  export TRIBU_TEST_REDIS="127.0.0.1:$REDIS_PORT"
fi

export TRIBU_TEST_CHROMIUM=${TRIBU_TEST_CHROMIUM:-/usr/bin/chromium}
export TRIBU_TEST_REQUIRE_ALL=${TRIBU_TEST_REQUIRE_ALL:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say "Building"
dotnet build Tribu.slnx -c Release -nologo -v quiet 2>&1 | grep -E 'error|Build succeeded|Warn' | grep -v NU1603 || true
if [ "${PIPESTATUS[0]}" != 0 ]; then echo "Build failed."; echo "0 passed, 1 failed"; exit 1; fi

say "Testing"
RESULTS="$ROOT/tests/Tribu.Tests/TestResults"
rm -rf "$RESULTS" "${TMPDIR:-/tmp}/tribu-test-errors"
dotnet test --solution Tribu.slnx -c Release --no-build --results-directory "$RESULTS" --report-xunit-trx --timeout 40m 2>&1 | tee /tmp/tribu-test-output.log
status=${PIPESTATUS[0]}

# One line summed over every test run: from the TRX reports, the runner's own count.
summary=$(python3 - "$RESULTS" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    total = int(c.get("total", 0)); passed = int(c.get("passed", 0)); failed = int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    p += passed; f += failed; s += total - passed - failed
print(f"{p} passed, {f} failed, {s} skipped")
PY
)
# Server-side errors captured by the test apps, to explain a failure.
ERRORS="${TMPDIR:-/tmp}/tribu-test-errors"
if [ "$status" != 0 ] && [ -d "$ERRORS" ]; then
  say "Server errors logged by the test apps ($ERRORS)"
  grep -h -A6 -E '^(Error|Critical) Microsoft.AspNetCore|^(Error|Critical) Tribu' "$ERRORS"/*.log 2>/dev/null | head -80
fi
echo
echo "$summary"
if [ "$status" != 0 ] || ! echo "$summary" | grep -q ' 0 failed'; then exit 1; fi
case "$summary" in "0 passed"*) exit 1 ;; esac
exit 0
