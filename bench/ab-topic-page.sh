#!/usr/bin/env bash
# A/B of the topic page rendered (no page cache) and logged in, two published apps alternated on the SQLite bench
# database (seeded by community.sh): OLD and NEW are `dotnet publish -c Release -r linux-x64` output folders.
# Usage: OLD=/tmp/ab/old-app NEW=/tmp/ab/new-app bench/ab-topic-page.sh
set -euo pipefail
ROOT=/tmp/tribu-community
PORT=5097; BASE="http://127.0.0.1:$PORT"
source $ROOT/sqlite/seed-info.env
TOPIC="$BASE$BENCH_TOPIC_URL"
LUA="$(cd "$(dirname "$0")" && pwd)/community.lua"
run() { # name appdir
  local name=$1 dir=$2
  ASPNETCORE_ENVIRONMENT=Production "$dir/Tribu.Web" --Storage:DataPath=$ROOT/sqlite --Urls=$BASE --contentRoot=$dir >${TMPDIR:-/tmp}/ab-$name.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do curl -fs $BASE/health/ready >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 20   # the backfill's start-up scan
  local jar=${TMPDIR:-/tmp}/ab-jar.txt token
  rm -f $jar
  token=$(curl -fsS -c $jar -b $jar "$BASE/account/login" | grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -sS -o /dev/null -c $jar -b $jar --data-urlencode "Input.Email=$READER_EMAIL" --data-urlencode "Input.Password=$READER_PASSWORD" --data-urlencode "__RequestVerificationToken=$token" -d "_handler=login" "$BASE/account/login"
  local cookie; cookie=$(awk '!/^#/ || /^#HttpOnly_/ {sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' $jar)
  local size; size=$(curl -s -H "Cookie: $cookie" "$TOPIC" | wc -c)
  wrk -t2 -c16 -d5s -H "Cookie: tribu.status=ab" "$TOPIC" >/dev/null
  local a; a=$(wrk --timeout 10s -t2 -c16 -d12s -H "Cookie: tribu.status=ab" -s $LUA "$TOPIC" | grep '^RESULT' | sed 's/^RESULT //')
  echo "AB $name | anonymous rendered c16 | $a | load $(cut -d' ' -f1 /proc/loadavg)"
  local b; b=$(TRIBU_COOKIE="$cookie" wrk --timeout 10s -t2 -c16 -d12s -s $LUA "$TOPIC" | grep '^RESULT' | sed 's/^RESULT //')
  echo "AB $name | logged-in c16 ($size bytes) | $b | load $(cut -d' ' -f1 /proc/loadavg)"
  kill $pid; wait $pid 2>/dev/null || true
}
for round in 1 2; do
  run old "${OLD:?}"
  run new "${NEW:?}"
done
