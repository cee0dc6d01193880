#!/usr/bin/env bash
# Serves a data directory kept by `signpost-bench --keep DIR` with the release
# `signpost serve`, loads it with wrk from its own process, and prints wrk's figures
# with the server's CPU time and memory (anonymous and file-backed resident, from
# /proc/PID/status). Usage: scripts/http-bench.sh DIR [seconds] [connections] [threads]
# SIGNPOST_EXTRA='&facets=true' asks every search for its facet counts too.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 seconds=${2:-30} connections=${3:-32} threads=${4:-2}
bin="${CARGO_TARGET_DIR:-target}/release/signpost"
port=18765
"$bin" --data "$dir" serve --listen "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
pid=$!
# Waits for the server to exit, so a following run can take the index's lock.
trap 'kill $pid 2>/dev/null && wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  kill -0 $pid 2>/dev/null || { echo "signpost serve stopped: see $dir/serve.log" >&2; exit 1; }
  curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/search?q=x" -H "Authorization: Bearer $(cat "$dir/bench-token")" && break
  sleep 1
done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
mem() { grep -E '^(VmHWM|VmRSS|RssAnon|RssFile)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' '; }
export SIGNPOST_QUERIES="$dir/bench-queries.txt" SIGNPOST_TOKEN SIGNPOST_EXTRA="${SIGNPOST_EXTRA:-}"
SIGNPOST_TOKEN=$(cat "$dir/bench-token")
# A short warm-up, then the measured run.
wrk -t"$threads" -c"$connections" -d5s -s scripts/wrk-search.lua "http://127.0.0.1:$port" >/dev/null
echo "server memory after warm-up: $(mem)"
before=$(ticks)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s scripts/wrk-search.lua "http://127.0.0.1:$port"
after=$(ticks)
hz=$(getconf CLK_TCK)
echo "server CPU: $(awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f cores (%.0f%% of the machine)", t / hz / s, 100 * t / hz / s / 2 }')"
echo "server memory: $(mem)"
