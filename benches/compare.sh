#!/usr/bin/env bash
# Whole-process benchmark: Clausebook against Hugo on the same generated
# corpus, full builds at each size (default 1000 10000 50000), timed with
# hyperfine, peak memory with /usr/bin/time -v. Needs the Debian packages
# hugo, hyperfine and time. Results go to $BENCH_DIR (default
# /tmp/clausebook-bench); the summary is printed at the end.
#
#   benches/compare.sh              # 1000 10000 50000
#   benches/compare.sh 10000        # one size
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/clausebook-bench}
runs=${RUNS:-5}
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
for n in "${sizes[@]}"; do
  site=$work/corpus-$n
  [ -d "$site/content" ] || "$bin" gen-corpus --docs "$n" --out "$site" >/dev/null
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
print(f"{n:>6} docs: clausebook {cb['median']:.2f} s, hugo {hg['median']:.2f} s, "
      f"ratio {hg['median']/cb['median']:.2f}x; peak RSS clausebook {rcb/1024:.0f} MiB, "
      f"hugo {rhg/1024:.0f} MiB ({rcb/rhg:.2f})")
PY
done
cat "$summary"
