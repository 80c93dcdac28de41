#!/usr/bin/env bash
# Like for like against Hugo: Hugo with benches/hugo/ makes pages only,
# Clausebook's build also makes two search indexes and the exports. This
# times, in turn on the same corpus, Clausebook's whole build, the same
# build with the search and the exports skipped (a measuring binary made
# from HEAD with benches/skip-outputs.patch, run with
# CLAUSEBOOK_SKIP=search,exports; main has no such switch), and Hugo:
# PAIRS rounds of the three after a warm-up round, each run under
# /usr/bin/time, the ratios taken round by round. Needs the Debian
# packages hugo and time, and git. Results go to $BENCH_DIR/pages-only
# (default /tmp/clausebook-bench); the summary is printed at the end.
#
#   benches/pages_only.sh                     # 10000, both profiles
#   benches/pages_only.sh 10000 50000         # sizes
#   PROFILES=records PAIRS=3 benches/pages_only.sh 50000
#
# The measuring binary is built in SKIP_TARGET (default target/skip), from
# a temporary worktree of HEAD that is removed afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/clausebook-bench}/pages-only
pairs=${PAIRS:-6}
skip_target=${SKIP_TARGET:-$root/target/skip}
for tool in hugo /usr/bin/time git; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hugo time git" >&2; exit 2; }
done
mkdir -p "$work"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/clausebook
tree=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"' EXIT
git -C "$root" worktree add --quiet --detach --force "$tree" HEAD
git -C "$tree" apply "$root/benches/skip-outputs.patch"
CARGO_TARGET_DIR=$skip_target cargo build --release --quiet --manifest-path "$tree/Cargo.toml"
skip=$skip_target/release/clausebook

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)
read -r -a profiles <<< "${PROFILES:-even records}"
summary=$work/summary.txt
: > "$summary"
for profile in "${profiles[@]}"; do
for size in "${sizes[@]}"; do
  rm -rf "$work"/corpus-* "$work"/out-*
  n="$size-$profile"
  site=$work/corpus-$n
  "$bin" gen-corpus --docs "$size" --profile "$profile" --out "$site" >/dev/null
  full="$bin build --root $site --output $work/out-full-$n --quiet --today 2026-11-23"
  pages="$skip build --root $site --output $work/out-pages-$n --quiet --today 2026-11-23"
  hg="hugo --source $root/benches/hugo --contentDir $site/content --destination $work/out-hugo-$n --quiet"
  alt=$work/rounds-$n.tsv
  : > "$alt"
  $full >/dev/null 2>&1
  CLAUSEBOOK_SKIP=search,exports $pages >/dev/null 2>&1
  $hg >/dev/null 2>&1
  for i in $(seq "$pairs"); do
    /usr/bin/time -a -o "$alt" -f "full\t$i\t%e\t%U\t%S\t%M" $full >/dev/null 2>&1
    CLAUSEBOOK_SKIP=search,exports /usr/bin/time -a -o "$alt" -f "pages\t$i\t%e\t%U\t%S\t%M" $pages >/dev/null 2>&1
    /usr/bin/time -a -o "$alt" -f "hugo\t$i\t%e\t%U\t%S\t%M" $hg >/dev/null 2>&1
  done
  python3 - "$alt" "$n" >> "$summary" <<'PY'
import statistics as st, sys
runs = {}
for line in open(sys.argv[1]):
    tool, i, wall, user, sys_, rss = line.rstrip("\n").split("\t")
    runs.setdefault(tool, {})[int(i)] = (float(wall), float(user) + float(sys_), int(rss))
hg = runs["hugo"]
for name in ("pages", "full"):
    cb = runs[name]
    rounds = sorted(set(cb) & set(hg))
    ratio = [hg[i][0] / cb[i][0] for i in rounds]
    med = lambda tool, k: st.median(tool[i][k] for i in rounds)
    what = "pages only" if name == "pages" else "whole build"
    print(f"{sys.argv[2]:>14} docs, {what:<11} ({len(rounds)} rounds): clausebook {med(cb, 0):.2f} s "
          f"({min(cb[i][0] for i in rounds):.2f}-{max(cb[i][0] for i in rounds):.2f}), "
          f"hugo {med(hg, 0):.2f} s, ratio {st.median(ratio):.2f}x "
          f"(rounds {min(ratio):.2f}-{max(ratio):.2f}x); cpu {med(cb, 1):.2f} s vs {med(hg, 1):.2f} s; "
          f"peak RSS {med(cb, 2)/1024:.0f} MiB vs {med(hg, 2)/1024:.0f} MiB")
PY
done
done
rm -rf "$work"/corpus-* "$work"/out-*
cat "$summary"
