#!/usr/bin/env bash
# The search API under load: 50 concurrent clients on `clausebook serve`'s
# /api/search, each cycling through ten queries (benches/apiload.lua), with
# wrk (Debian: apt-get install wrk; a C client, so that the client is not
# the bottleneck). Starts `clausebook serve --no-watch` on the site, waits
# for it, runs an unmeasured warm-up, then ROUNDS measured runs of DURATION
# seconds each, and prints per run requests, p50, p90, p99 and max latency
# (milliseconds) and the load average; then the median p50 and p99.
#
#   benches/apiload.sh                      # the example site (this repository)
#   ROUNDS=5 DURATION=20 benches/apiload.sh /tmp/c10k
#
# Environment: CLAUSEBOOK (binary, default target/release/clausebook; not
# built here), CLIENTS (50), THREADS (wrk threads, 2), DURATION (s per run,
# 15), ROUNDS (3), WARMUP (s, 5), SCRATCH (output folder of serve, default
# a temporary folder removed at exit).
# Take the machine's timing lock: flock /tmp/heavy.lock benches/apiload.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
site=${1:-$root}
bin=${CLAUSEBOOK:-$root/target/release/clausebook}
clients=${CLIENTS:-50}
threads=${THREADS:-2}
duration=${DURATION:-15}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-5}
die() { echo "error: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no Clausebook binary at $bin: build it (cargo build --release) or set CLAUSEBOOK=PATH"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
[ -f "$site/clausebook.toml" ] || die "$site is not a site (no clausebook.toml)"
if [ -n "${SCRATCH:-}" ]; then scratch=$SCRATCH; mkdir -p "$scratch"
else scratch=$(mktemp -d); fi
pid=
cleanup() {
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  [ -n "${SCRATCH:-}" ] || rm -rf "$scratch"
}
trap cleanup EXIT

log=$scratch/serve.log
"$bin" serve --root "$site" --output "$scratch/out" --port 0 --no-watch --today 2026-11-23 >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
  grep -q "Serving at" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "serve stopped"; }
  sleep 0.5
done
port=$(grep -o '127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2)
[ -n "$port" ] || { cat "$log" >&2; die "serve did not say where it serves"; }
url=http://127.0.0.1:$port
curl -fsS "$url/api/search?q=incident" >/dev/null || die "no answer from $url/api/search"

lua=$root/benches/apiload.lua
echo "site $site served at $url; $clients clients, $threads wrk threads, ${duration}s per run"
wrk -t"$threads" -c"$clients" -d"${warmup}s" -s "$lua" "$url" >/dev/null
p50s=(); p99s=()
for r in $(seq 1 "$rounds"); do
  out=$(wrk -t"$threads" -c"$clients" -d"${duration}s" -s "$lua" "$url" | grep '^RESULT')
  echo "run $r: ${out#RESULT } load=$(cut -d' ' -f1-3 /proc/loadavg)"
  p50s+=("$(grep -o 'p50_ms=[0-9.]*' <<<"$out" | cut -d= -f2)")
  p99s+=("$(grep -o 'p99_ms=[0-9.]*' <<<"$out" | cut -d= -f2)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median of $rounds runs: p50 $(median "${p50s[@]}") ms, p99 $(median "${p99s[@]}") ms"
echo "command: wrk -t$threads -c$clients -d${duration}s -s benches/apiload.lua $url  (serve: $bin serve --root $site --no-watch)"
