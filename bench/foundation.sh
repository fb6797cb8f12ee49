#!/usr/bin/env bash
# Foundation benchmarks (issue 2): cold start to ready on SQLite, idle memory after the demo seed,
# anonymous home page under wrk at 64 connections. Loopback only; bounded in time.
# Usage: bench/foundation.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=/tmp/tribu-bench
PORT=${PORT:-5098}
DATA=$OUT/data
rm -rf "$OUT"; mkdir -p "$OUT"
dotnet publish src/Tribu.Web -c Release -r linux-x64 --self-contained false -o "$OUT/app" -nologo -v quiet >/dev/null
run() { ASPNETCORE_ENVIRONMENT=Production "$OUT/app/Tribu.Web" --Storage:DataPath="$DATA" --Urls="http://127.0.0.1:$PORT" --contentRoot="$OUT/app" >"$OUT/log.txt" 2>&1 & echo $!; }
ready() { until curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do sleep 0.02; done; }

echo "== first run (migrations + demo seed)"
start=$(date +%s.%N); pid=$(run); ready; end=$(date +%s.%N)
echo "first run to ready: $(echo "$end - $start" | bc) s"
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "== cold start to ready, 5 runs (database already there)"
for i in 1 2 3 4 5; do
  start=$(date +%s.%N); pid=$(run); ready; end=$(date +%s.%N)
  echo "run $i: $(echo "$end - $start" | bc) s"
  [ "$i" = 5 ] || { kill "$pid"; wait "$pid" 2>/dev/null || true; }
done

echo "== idle memory after demo seed (one home page view, then 15 s idle)"
curl -fs "http://127.0.0.1:$PORT/" >/dev/null; sleep 15
grep VmRSS /proc/"$pid"/status

echo "== anonymous home page, wrk -t2 -c64 -d20s (after a 5 s warm-up)"
wrk -t2 -c64 -d5s "http://127.0.0.1:$PORT/" >/dev/null
wrk -t2 -c64 -d20s --latency "http://127.0.0.1:$PORT/"
grep VmRSS /proc/"$pid"/status
kill "$pid"; wait "$pid" 2>/dev/null || true
