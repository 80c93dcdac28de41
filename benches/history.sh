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
# for reruns; delete it yourself). gen-corpus writes loose objects, as
# `git commit` does; PACK=1 packs the corpus first (`git gc`, as a clone
# is packed) and PACK=0 (the default) measures it as it is. $BASE, when
# set, is a second binary timed with and without history, alternated
# with BINARY (before/after a change). $RUNS (5) rounds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-${CLAUSEBOOK:-$here/target/release/clausebook}}
D=${2:-${CORPUS:-/tmp/clausebook-history/corpus}}
RUNS=${RUNS:-5}
OUT=$(dirname "$D")/out
TIMES=$(dirname "$D")/time.txt
T='%e s wall, %U s user, %S s sys, %M KB'
if [ ! -d "$D/.git" ]; then
  rm -rf "$D"
  /usr/bin/time -o /dev/stdout -f "gen-corpus --docs 10000 --commits 2000: $T" \
    "$B" gen-corpus --docs 10000 --out "$D" --commits 2000
fi
if [ "${PACK:-0}" = 1 ]; then
  git -C "$D" gc --quiet
fi
echo "objects: $(git -C "$D" count-objects -v | tr '\n' ' ')"
cfg=$D/clausebook.toml
grep -q '^\[history\]' "$cfg" || printf '\n[history]\n' >> "$cfg"
on()  { sed -i '/^enabled = false$/d' "$cfg"; }
off() { on; sed -i 's/^\[history\]$/[history]\nenabled = false/' "$cfg"; }
# timed LABEL BINARY ARGS...: one run under /usr/bin/time, its figures
# printed after LABEL (the command's own output is dropped).
timed() {
  local label=$1
  shift
  /usr/bin/time -o "$TIMES" -f "$T" "$@" >/dev/null 2>&1 || true
  echo "$label $(cat "$TIMES")"
}
build=(build --root "$D" --output "$OUT" --today 2026-11-23 --quiet)
echo "load before: $(cat /proc/loadavg)"
echo "binary: $B ($(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo ?))"
echo "command: $B ${build[*]}"
# Build without and with history, alternated (one warm-up pair).
off; "$B" "${build[@]}" 2>/dev/null; on; "$B" "${build[@]}" 2>/dev/null
for i in $(seq "$RUNS"); do
  off; timed "without history:" "$B" "${build[@]}"
  if [ -n "${BASE:-}" ]; then
    timed "BASE without:    " "$BASE" "${build[@]}"
  fi
  on;  timed "with history:   " "$B" "${build[@]}"
  if [ -n "${BASE:-}" ]; then
    timed "BASE with:       " "$BASE" "${build[@]}"
  fi
done
# The phases of one build each way (`build -v`).
phases() { "$B" build --root "$D" --output "$OUT" --today 2026-11-23 -v 2>&1 |
  grep -E '^  [a-z]+ +[0-9.]+ ms$|^Built' | sed 's/  */ /g' | tr '\n' ' '; echo; }
off; echo "phases without: $(phases)"
on;  echo "phases with:    $(phases)"
first=$(git -C "$D" rev-list --max-parents=0 HEAD)
for i in $(seq "$RUNS"); do
  timed "changes --since first:" "$B" changes --root "$D" --since "$first" --format json
  if [ -n "${BASE:-}" ]; then
    timed "BASE changes:          " "$BASE" changes --root "$D" --since "$first" --format json
  fi
done
"$B" changes --root "$D" --since "$first" --format human 2>/dev/null | head -3 || true
rm -f "$TIMES"
echo "load after: $(cat /proc/loadavg)"
