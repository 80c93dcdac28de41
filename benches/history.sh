#!/usr/bin/env bash
# History benchmark (issue 15): what reading the site's git history costs a
# full build, and how long `clausebook changes` takes from the first commit
# to HEAD, at 10,000 documents and 2,000 commits.
#
#   flock /tmp/heavy.lock benches/history.sh [BINARY [CORPUS]]
#
# BINARY (or $CLAUSEBOOK) defaults to target/release/clausebook; CORPUS
# (or $CORPUS) to /tmp/clausebook-history/corpus, generated with
# `gen-corpus --docs 10000 --commits 2000` when it does not exist yet (kept
# for reruns; delete it yourself). $BASE, when set, is a second binary timed
# against BINARY in alternation (before/after a change). $RUNS (5) pairs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-${CLAUSEBOOK:-$here/target/release/clausebook}}
D=${2:-${CORPUS:-/tmp/clausebook-history/corpus}}
RUNS=${RUNS:-5}
OUT=$(dirname "$D")/out
T='%e s wall, %U s user, %S s sys, %M KB'
if [ ! -d "$D/.git" ]; then
  rm -rf "$D"
  /usr/bin/time -o /dev/stdout -f "gen-corpus --docs 10000 --commits 2000: $T" \
    "$B" gen-corpus --docs 10000 --out "$D" --commits 2000
fi
cfg=$D/clausebook.toml
grep -q '^\[history\]' "$cfg" || printf '\n[history]\n' >> "$cfg"
on()  { sed -i '/^enabled = false$/d' "$cfg"; }
off() { on; sed -i 's/^\[history\]$/[history]\nenabled = false/' "$cfg"; }
build() { "$1" build --root "$D" --output "$OUT" --today 2026-11-23 --quiet 2>/dev/null; }
echo "load before: $(cat /proc/loadavg)"
echo "binary: $B ($(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo ?))"
# Build without and with history, alternated (one warm-up pair).
off; build "$B"; on; build "$B"
for i in $(seq "$RUNS"); do
  off; /usr/bin/time -o /dev/stdout -f "without history: $T" "$B" build --root "$D" --output "$OUT" --today 2026-11-23 --quiet 2>/dev/null
  on;  /usr/bin/time -o /dev/stdout -f "with history:    $T" "$B" build --root "$D" --output "$OUT" --today 2026-11-23 --quiet 2>/dev/null
  if [ -n "${BASE:-}" ]; then
    /usr/bin/time -o /dev/stdout -f "BASE with:       $T" "$BASE" build --root "$D" --output "$OUT" --today 2026-11-23 --quiet 2>/dev/null
  fi
done
on
"$B" build --root "$D" --output "$OUT" --today 2026-11-23 -v 2>&1 | grep -E "^  (load|markdown|history|render|generate) |^Built" || true
first=$(git -C "$D" rev-list --max-parents=0 HEAD)
for i in $(seq "$RUNS"); do
  /usr/bin/time -o /dev/stdout -f "changes --since first: $T" "$B" changes --root "$D" --since "$first" --format json 2>/dev/null >/dev/null
  if [ -n "${BASE:-}" ]; then
    /usr/bin/time -o /dev/stdout -f "BASE changes:          $T" "$BASE" changes --root "$D" --since "$first" --format json 2>/dev/null >/dev/null
  fi
done
"$B" changes --root "$D" --since "$first" --format human 2>/dev/null | head -12 || true
echo "load after: $(cat /proc/loadavg)"
