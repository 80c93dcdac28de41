#!/usr/bin/env bash
# Search at scale (BENCHMARKS.md, "Search"): a generated corpus of DOCS
# documents built with this Clausebook, its static index measured (total
# size, bytes a first query loads from a fresh page, raw as from a file
# share and gzip as a web server sends them), the full build timed against
# a baseline binary (alternated), and Pagefind run on the same built site
# (index time, index size, bytes and time to a first result in headless
# Chromium).
#
# Usage: benches/search_compare.sh [DOCS] [BASELINE_BINARY]
#   DOCS             documents of the corpus (10000)
#   BASELINE_BINARY  a release binary to compare full builds with (skipped
#                    when not given)
# Needs: a release build (cargo build --release), node with
# tests/browser/node_modules, Chromium, python3 (Pagefind is installed in a
# venv: pip install 'pagefind[extended]'). Run under `flock /tmp/heavy.lock`
# on a quiet machine; WORK (default /tmp/clausebook-search-compare) is
# deleted at the end.
set -euo pipefail
DOCS=${1:-10000}
BASE=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/target/release/clausebook
WORK=${WORK:-/tmp/clausebook-search-compare}
ROUNDS=${ROUNDS:-3}
rm -rf "$WORK" && mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" gen-corpus --docs "$DOCS" --seed 1 --out "$WORK/site" >/dev/null
ms() { python3 -c "import time,subprocess,sys; t=time.time(); subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); print(round((time.time()-t)*1000))" "$@"; }

# Full builds, alternated with the baseline.
for i in $(seq "$ROUNDS"); do
  echo "build $i: this $(ms "$BIN" build -r "$WORK/site" -o "$WORK/out" -q) ms" \
    "${BASE:+baseline $(ms "$BASE" build -r "$WORK/site" -o "$WORK/base-out" -q) ms}"
done
rm -rf "$WORK/base-out"
"$BIN" build -r "$WORK/site" -o "$WORK/out" -q 2>/dev/null
OUT=$WORK/out

echo "static index: $(find "$OUT/search" -type f -not -path '*/tantivy/*' -not -name index.html | wc -l) files," \
  "$(find "$OUT/search" -type f -not -path '*/tantivy/*' -not -name index.html -printf '%s\n' | awk '{s+=$1} END {print s}') bytes;" \
  "root search/index.js $(stat -c %s "$OUT/search/index.js") bytes;" \
  "tantivy $(du -sb "$OUT/search/tantivy" | cut -f1) bytes"

# Bytes of a first query, from a fresh page (node, the shard scripts as file:// loads them).
python3 - "$WORK/q.json" <<'PY'
import json, sys
qs = ["incident", "change management", "\"emergency change\"", "8.2", "9001 8.2.2", "GEN-POL-00008",
      "supplier AND contract", "-supplier contract", "kind:procedure", "title:change", "incidnet", "escalation threshold"]
json.dump([[q, "strict"] for q in qs] + [["incid", "live"], ["cha", "live"]], open(sys.argv[1], "w"))
PY
node "$ROOT/tests/browser/shards.js" "$OUT/search" "$WORK/q.json" > "$WORK/first.json"
python3 - "$WORK/q.json" "$WORK/first.json" <<'PY'
import json, sys
qs = json.load(open(sys.argv[1])); res = json.load(open(sys.argv[2]))
print("| query | matches | files | raw KB | gzip KB |")
print("|---|---|---|---|---|")
for (q, mode), r in zip(qs, res):
    print(f"| `{q}` ({mode}) | {r.get('total')} | {len(r['files'])} | {r['bytes']/1000:.0f} | {r['gzip']/1000:.0f} |")
print(f"largest first query: {max(r['bytes'] for r in res)/1000:.0f} KB raw, {max(r['gzip'] for r in res)/1000:.0f} KB gzip")
PY

# Pagefind on the same output.
VENV=$WORK/venv
python3 -m venv "$VENV" && "$VENV/bin/pip" -q install 'pagefind[extended]'
echo "pagefind: $("$VENV/bin/python" -m pagefind --version)"
echo "pagefind index: $(ms "$VENV/bin/python" -m pagefind --site "$OUT" --output-subdir pagefind) ms," \
  "$(find "$OUT/pagefind" -type f | wc -l) files, $(du -sb "$OUT/pagefind" | cut -f1) bytes"
for q in incident "change management"; do
  echo "first result in Chromium over HTTP, \`$q\`: $(node "$ROOT/tests/browser/first_result.js" --out "$OUT" --query "$q" --pagefind pagefind)"
done
