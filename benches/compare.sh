#!/usr/bin/env bash
# Whole-process benchmark: Clausebook against Hugo on the same generated
# corpus, full builds at each size (default 1000 10000 50000), timed with
# hyperfine, peak memory with /usr/bin/time -v. Needs the Debian packages
# hugo, hyperfine and time. Results go to $BENCH_DIR (default
# /tmp/clausebook-bench); the summary is printed at the end.
#
# Then, because hyperfine runs one tool's runs as a block and then the
# other's, a drift of this (shared) machine's speed between the blocks
# shows up in their ratio: each size is also timed in alternation,
# Clausebook, Hugo, Clausebook, Hugo, ... (PAIRS counted pairs after one
# warm-up pair, each run under /usr/bin/time), with the ratio taken pair
# by pair.
#
# Each size is run on both corpus profiles of `clausebook gen-corpus`
# (PROFILES, default "even records": records is most documents citing a few
# clauses, the shape of a real set); Hugo builds the same content with its
# minimal layouts in benches/hugo/.
#
#   benches/compare.sh              # 1000 10000 50000, both profiles
#   benches/compare.sh 10000        # one size
#   PROFILES=records benches/compare.sh 10000   # one profile
#   RUNS=3 PAIRS=0 benches/compare.sh 10000   # fewer runs, no alternation
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/clausebook-bench}
runs=${RUNS:-5}
pairs=${PAIRS:-7}
mkdir -p "$work"
for tool in hugo hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hugo hyperfine time" >&2; exit 2; }
done
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/clausebook
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)

summary=$work/summary.txt
: > "$summary"
read -r -a profiles <<< "${PROFILES:-even records}"
for profile in "${profiles[@]}"; do
for size in "${sizes[@]}"; do
  # One corpus and its outputs at a time (the disk is shared).
  rm -rf "$work"/corpus-* "$work"/out-*
  n="$size-$profile"
  site=$work/corpus-$n
  "$bin" gen-corpus --docs "$size" --profile "$profile" --out "$site" >/dev/null
  cb="$bin build --root $site --output $work/out-clausebook-$n --quiet --today 2026-11-23"
  hg="hugo --source $root/benches/hugo --contentDir $site/content --destination $work/out-hugo-$n --quiet"
  hyperfine --warmup 1 --runs "$runs" --export-json "$work/full-$n.json" -n clausebook "$cb" -n hugo "$hg"
  /usr/bin/time -v $cb 2> "$work/time-clausebook-$n.txt" >/dev/null
  /usr/bin/time -v $hg 2> "$work/time-hugo-$n.txt" >/dev/null
  rss() { awk -F': ' '/Maximum resident/ {print $2}' "$1"; }
  python3 - "$work/full-$n.json" "$n" "$(rss "$work/time-clausebook-$n.txt")" "$(rss "$work/time-hugo-$n.txt")" >> "$summary" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
t = {r["command"]: r for r in data["results"]}
cb, hg = t["clausebook"], t["hugo"]
n, rcb, rhg = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print(f"{n:>14} docs: clausebook {cb['median']:.2f} s, hugo {hg['median']:.2f} s, "
      f"ratio {hg['median']/cb['median']:.2f}x; peak RSS clausebook {rcb/1024:.0f} MiB, "
      f"hugo {rhg/1024:.0f} MiB ({rcb/rhg:.2f})")
PY
  [ "$pairs" -gt 0 ] || continue
  alt=$work/alternated-$n.tsv
  : > "$alt"
  $cb >/dev/null 2>&1
  $hg >/dev/null 2>&1
  for i in $(seq "$pairs"); do
    /usr/bin/time -a -o "$alt" -f "clausebook\t$i\t%e\t%U\t%S\t%M" $cb >/dev/null 2>&1
    /usr/bin/time -a -o "$alt" -f "hugo\t$i\t%e\t%U\t%S\t%M" $hg >/dev/null 2>&1
  done
  python3 - "$alt" "$n" >> "$summary" <<'PY'
import statistics as st, sys
runs = {}
for line in open(sys.argv[1]):
    tool, i, wall, user, sys_, rss = line.rstrip("\n").split("\t")
    runs.setdefault(tool, {})[int(i)] = (float(wall), float(user) + float(sys_), int(rss))
cb, hg = runs["clausebook"], runs["hugo"]
pairs = sorted(set(cb) & set(hg))
ratio = [hg[i][0] / cb[i][0] for i in pairs]
med = lambda tool, k: st.median(tool[i][k] for i in pairs)
print(f"{sys.argv[2]:>14} docs, alternated ({len(pairs)} pairs): clausebook {med(cb, 0):.2f} s "
      f"({min(cb[i][0] for i in pairs):.2f}-{max(cb[i][0] for i in pairs):.2f}), "
      f"hugo {med(hg, 0):.2f} s ({min(hg[i][0] for i in pairs):.2f}-{max(hg[i][0] for i in pairs):.2f}), "
      f"ratio {st.median(ratio):.2f}x (pairs {min(ratio):.2f}-{max(ratio):.2f}x); "
      f"cpu {med(cb, 1):.2f} s vs {med(hg, 1):.2f} s; "
      f"peak RSS {med(cb, 2)/1024:.0f} MiB vs {med(hg, 2)/1024:.0f} MiB ({med(cb, 2)/med(hg, 2):.2f})")
PY
done
done
rm -rf "$work"/corpus-* "$work"/out-*
cat "$summary"
