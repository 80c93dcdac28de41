#!/usr/bin/env bash
# Page-weight benchmark: for each profile (default even and records) at N
# documents (default 10000), generate the corpus, build it, then open each
# kind of page in headless Chromium from file:// (benches/pages.js) and
# print its size, load time (median of RUNS=3 loads) and DOM nodes, and the
# largest HTML files of the site. Needs /usr/bin/chromium and
# tests/browser/node_modules (npm ci --prefix tests/browser).
#
#   benches/pages.sh                 # 10000 documents, even and records
#   benches/pages.sh 50000 records   # one size, one profile
#
# Work files go to $BENCH_DIR (default /tmp/clausebook-pages); one corpus
# and one output at a time, deleted after each profile unless KEEP=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/clausebook-pages}
n=${1:-10000}
shift || true
profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(even records)
[ -d "$root/tests/browser/node_modules/playwright-core" ] \
  || npm ci --prefix "$root/tests/browser" --no-audit --no-fund
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/clausebook
mkdir -p "$work"
for profile in "${profiles[@]}"; do
  site=$work/corpus-$profile-$n
  out=$work/out-$profile-$n
  rm -rf "$site" "$out"
  "$bin" gen-corpus --docs "$n" --profile "$profile" --out "$site" >/dev/null
  "$bin" build --root "$site" --output "$out" --quiet --today 2026-11-23
  node "$root/benches/pages.js" "$out" "$profile, $n documents"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$site" "$out"
done
