#!/usr/bin/env bash
# Community benchmarks (issue 3): a large community (20k members, 100k topics, 1M replies) seeded by
# `Tribu.Bench seed`, then under wrk on SQLite and on PostgreSQL: the anonymous page of a 200-reply topic,
# the same page logged in, and search (page and API, rotating French/English queries). Loopback only;
# every wrk run bounded in time. Seeded databases are reused when present (RESEED=1 to seed again).
#
# Usage: bench/community.sh
#   PROVIDERS="sqlite postgres"   which databases to measure
#   SNAPSHOT=<commit>             build that commit's src/ (with this bench/) instead of the working tree
#   DURATION=15s CONNECTIONS=64   wrk settings for the page measures
#   SEARCH_ONLY=1                 the search measures only (page, API, per query), not the topic pages
#   SKIP_BUILD=1                  reuse the app and seeder built by the previous run
#   PG_CS="Host=127.0.0.1;Port=5432;Username=tribu_test;Password=tribu_test_pw;Database=tribu_bench;SSL Mode=Disable;Options=-c jit=off"
#                                 (same host: no TLS, no JIT for the app's short queries; see docs/operations.md)
# Needs wrk, curl, and for PostgreSQL a running server with that role (CREATEDB): see test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROOT=${ROOT:-/tmp/tribu-community}
PORT=${PORT:-5099}
BASE="http://127.0.0.1:$PORT"
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
PROVIDERS=${PROVIDERS:-"sqlite postgres"}
RESEED=${RESEED:-0}
SEARCH_ONLY=${SEARCH_ONLY:-0}
PG_CS=${PG_CS:-"Host=127.0.0.1;Port=5432;Username=tribu_test;Password=tribu_test_pw;Database=tribu_bench;SSL Mode=Disable;Options=-c jit=off"}
LUA="$REPO/bench/community.lua"
mkdir -p "$ROOT"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; free disk under $ROOT: $(df -h --output=avail "$ROOT" | tail -1 | tr -d ' ')"
echo "== load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- build -------------------------------------------------------------------------------------------
SRC=$REPO
if [ -n "${SNAPSHOT:-}" ]; then
  SRC="$ROOT/src"
  rm -rf "$SRC"; mkdir -p "$SRC"
  git -C "$REPO" archive "$SNAPSHOT" | tar -x -C "$SRC"
  rm -rf "$SRC/bench"; mkdir -p "$SRC/bench"
  tar -C "$REPO/bench" --exclude bin --exclude obj -cf - . | tar -C "$SRC/bench" -xf -
  echo "== building src/ of $(git -C "$REPO" rev-parse --short "$SNAPSHOT") with the working bench/"
else
  echo "== building the working tree ($(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet -- src || echo ', with uncommitted src changes'))"
fi
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$ROOT/app/Tribu.Web" ]; then
  echo "== SKIP_BUILD: reusing $ROOT/app (built $(date -r "$ROOT/app/Tribu.Web.dll" '+%F %T'))"
else
  dotnet publish "$SRC/src/Tribu.Web" -c Release -r linux-x64 --self-contained false -o "$ROOT/app" -nologo -v quiet >/dev/null
  dotnet build "$SRC/bench/Tribu.Bench" -c Release -nologo -v quiet >/dev/null
fi
SEEDER="$SRC/bench/Tribu.Bench/bin/Release/net10.0/Tribu.Bench.dll"

# --- helpers -----------------------------------------------------------------------------------------
ready() {
  for _ in $(seq 1 6000); do curl -fs "$BASE/health/ready" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "not ready after 300 s"; return 1
}
rss() { awk '/VmRSS/{printf "%.0f MB", $2/1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Start-up work in the background (the search backfill scans every post): wait until the process is idle.
wait_idle() {
  local pid=$1 quiet=0 before after
  for _ in $(seq 1 300); do
    before=$(cpu_ticks "$pid"); sleep 2; after=$(cpu_ticks "$pid")
    if [ $((after - before)) -lt 10 ]; then quiet=$((quiet + 1)); [ $quiet -ge 2 ] && return 0; else quiet=0; fi
  done
  echo "WARNING: the app is still busy after 600 s (a search re-index?): the measures below are disturbed"
}
measure() { # name, wrk arguments…
  local name=$1; shift
  local line
  # A 10 s timeout: wrk's default (2 s) would drop the slowest searches from the percentiles.
  line=$(wrk --timeout 10s "$@" -s "$LUA" | grep '^RESULT' | sed 's/^RESULT //')
  echo "MEASURE $PROVIDER | $name | $line | rss $(rss "$APP_PID") | load $(cut -d' ' -f1 /proc/loadavg)"
}
# Search queries of every selectivity, French and English, with the syntax members use (phrases, exclusions, or).
SEARCH_QUERIES=(batterie "batteries autonomie" freinage "communautés" "firmware update" "pneus hiver" "garantie cadre"
  "application Android" "cargo enfants" '"mode Eco"' "antivol -cadenas" "support ticket" "winter tires" "chargeur or charger")
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
search_paths() { # prefix → "prefix?q=…|prefix?q=…"
  local paths=() q
  for q in "${SEARCH_QUERIES[@]}"; do paths+=("$1?q=$(urlencode "$q")"); done
  (IFS='|'; echo "${paths[*]}")
}
login_cookie() { # logs the bench reader in through the form (antiforgery token and cookie) → a Cookie header
  local jar="$ROOT/cookies.txt" token status
  rm -f "$jar"
  token=$(curl -fsS -c "$jar" -b "$jar" "$BASE/account/login" | grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "Input.Email=$READER_EMAIL" \
    --data-urlencode "Input.Password=$READER_PASSWORD" --data-urlencode "__RequestVerificationToken=$token" -d "_handler=login" "$BASE/account/login")
  [ "$status" = 302 ] || { echo "log-in failed (HTTP $status)" >&2; return 1; }
  awk '!/^#/ || /^#HttpOnly_/ {sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' "$jar"
}

# --- one provider --------------------------------------------------------------------------------------
run_provider() {
  PROVIDER=$1
  local data info args=() seeded=0
  if [ "$PROVIDER" = sqlite ]; then
    data="$ROOT/sqlite"; info="$data/seed-info.env"
    if [ "$RESEED" = 1 ] || [ ! -f "$info" ] || [ ! -f "$data/tribu.db" ]; then
      echo "== seeding SQLite"; dotnet "$SEEDER" seed --provider sqlite --data "$data" --info "$info" | tee "$ROOT/seed-sqlite.log"; seeded=1
    fi
  else
    data="$ROOT/postgres-data"; info="$ROOT/postgres-seed-info.env"
    args=(--Database:Provider=Postgres "--Database:ConnectionString=$PG_CS")
    if [ "$RESEED" = 1 ] || [ ! -f "$info" ]; then
      echo "== seeding PostgreSQL"; rm -rf "$data"; dotnet "$SEEDER" seed --provider postgres --connection "$PG_CS" --info "$info" | tee "$ROOT/seed-postgres.log"; seeded=1
    fi
  fi
  # A database indexed by an older SearchDocument.CurrentVersion would be re-indexed by the app while it is measured.
  local version
  version=$(grep -o 'CurrentVersion = [0-9]*' "$SRC/src/Tribu.Web/Features/Search/SearchDocument.cs" | grep -o '[0-9]*$')
  if [ "$seeded" = 0 ] && ! grep -q "^SEARCH_INDEX_VERSION=$version\$" "$info"; then
    echo "== the $PROVIDER seed predates search index version $version: seeding again"
    if [ "$PROVIDER" = sqlite ]; then
      dotnet "$SEEDER" seed --provider sqlite --data "$data" --info "$info" | tee "$ROOT/seed-sqlite.log"
    else
      rm -rf "$data"; dotnet "$SEEDER" seed --provider postgres --connection "$PG_CS" --info "$info" | tee "$ROOT/seed-postgres.log"
    fi
    seeded=1
  fi
  [ "$seeded" = 1 ] || echo "== reusing the $PROVIDER database seeded earlier ($(grep SEED_TOTAL "$info"))"
  # shellcheck disable=SC1090
  source "$info"
  [ "$PROVIDER" = sqlite ] && echo "== SQLite file: $(du -sh "$data/tribu.db" | cut -f1)"

  echo "== $PROVIDER: start (Production)"
  local start end
  start=$(date +%s.%N)
  ASPNETCORE_ENVIRONMENT=Production "$ROOT/app/Tribu.Web" --Storage:DataPath="$data" --Urls="$BASE" --contentRoot="$ROOT/app" "${args[@]}" \
    >"$ROOT/app-$PROVIDER.log" 2>&1 &
  APP_PID=$!
  ready; end=$(date +%s.%N)
  echo "start to ready: $(echo "$end - $start" | bc) s"
  start=$(date +%s.%N); wait_idle "$APP_PID"; end=$(date +%s.%N)
  echo "background start-up work (search backfill check) done after: $(echo "$end - $start" | bc) s; RSS $(rss "$APP_PID")"
  grep -i "search index" "$ROOT/app-$PROVIDER.log" || true

  local topic="$BASE$BENCH_TOPIC_URL"
  echo "== checks: topic page $(curl -s -o "$ROOT/topic.html" -w '%{http_code}' "$topic"), $(grep -o 'class="post ' "$ROOT/topic.html" | wc -l) posts shown (50 and the accepted answer's excerpt), $(wc -c <"$ROOT/topic.html") bytes; pages linked: $(grep -o '?page=[0-9]*' "$ROOT/topic.html" | sort -u | tr '\n' ' ')"
  local cookie
  cookie=$(login_cookie)
  echo "== checks: logged in as $(curl -s -H "Cookie: $cookie" "$topic" | grep -o 'Bench Reader' | head -1 || echo '(not logged in!)')"
  echo "== checks: search API 'batterie' → $(curl -s "$BASE/api/v1/search?q=batterie" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]), "results")')"
  curl -fs "$BASE/" >/dev/null; sleep 2; echo "RSS after a few pages: $(rss "$APP_PID")"

  echo "== warm-up (5 s on each URL)"
  if [ "$SEARCH_ONLY" != 1 ]; then
    wrk -t2 -c"$CONNECTIONS" -d5s "$topic" >/dev/null
    TRIBU_COOKIE=$cookie wrk -t2 -c"$CONNECTIONS" -d5s -s "$LUA" "$topic" >/dev/null
  fi
  TRIBU_PATHS=$(search_paths /search) wrk -t2 -c8 -d5s -s "$LUA" "$BASE/search" >/dev/null

  echo "== measures (wrk -t2, $DURATION each)"
  measure "trivial endpoint /health/live, c$CONNECTIONS" -t2 -c"$CONNECTIONS" -d"$DURATION" "$BASE/health/live"
  if [ "$SEARCH_ONLY" != 1 ]; then
    measure "anonymous topic page 1 (50 of 201 posts), c$CONNECTIONS" -t2 -c"$CONNECTIONS" -d"$DURATION" "$topic"
    # The same page rendered at every request: a status-message cookie is per-visitor state, so the page cache stays out of it.
    measure "anonymous topic page 1 rendered (page cache bypassed by a status cookie), c$CONNECTIONS" -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: tribu.status=bench" "$topic"
    # The page's own live refreshes (X-Tribu-Live) are not counted as views: until 86e710e each counted view was an UPDATE.
    measure "anonymous topic page 1 not counted as a view (X-Tribu-Live), c$CONNECTIONS" -t2 -c"$CONNECTIONS" -d"$DURATION" -H "X-Tribu-Live: 1" "$topic"
    TRIBU_COOKIE=$cookie measure "logged-in topic page 1, c$CONNECTIONS" -t2 -c"$CONNECTIONS" -d"$DURATION" "$topic"
  fi
  TRIBU_PATHS=$(search_paths /search) measure "search page, ${#SEARCH_QUERIES[@]} queries in turn, c1" -t1 -c1 -d"$DURATION" "$BASE/search"
  TRIBU_PATHS=$(search_paths /api/v1/search) measure "search API, ${#SEARCH_QUERIES[@]} queries in turn, c1" -t1 -c1 -d"$DURATION" "$BASE/api/v1/search"
  TRIBU_PATHS=$(search_paths /api/v1/search) measure "search API, ${#SEARCH_QUERIES[@]} queries in turn, c8" -t2 -c8 -d"$DURATION" "$BASE/api/v1/search"
  echo "== per query (search API, one client: 1 warm-up, then 5 timed requests, each bounded to 20 s)"
  local q times
  for q in "${SEARCH_QUERIES[@]}"; do
    curl -s -o /dev/null --max-time 20 "$BASE/api/v1/search?q=$(urlencode "$q")" || true
    times=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null --max-time 20 -w '%{time_total}\n' "$BASE/api/v1/search?q=$(urlencode "$q")" || echo 20; done | sort -n)
    echo "QUERY $PROVIDER | '$q' | median $(echo "$times" | sed -n 3p | awk '{printf "%.0f", $1 * 1000}') ms, max $(echo "$times" | tail -1 | awk '{printf "%.0f", $1 * 1000}') ms | load $(cut -d' ' -f1 /proc/loadavg)"
  done
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
}

for provider in $PROVIDERS; do
  if [ "$provider" = postgres ] && ! pg_isready -h 127.0.0.1 -q; then
    echo "== PostgreSQL is not running (pg_ctlcluster 15 main start): skipped"; continue
  fi
  run_provider "$provider"
done
echo "== load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
