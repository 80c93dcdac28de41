#!/usr/bin/env bash
# The build-time cost of sanitizing raw HTML at 10,000 documents.
#
# Four builds of the same generated corpus, timed with hyperfine (alternated
# runs), with the peak memory of one run each (/usr/bin/time -v):
#   plain/sanitize   the corpus as generated (no raw HTML), default setting
#   plain/trust      the same, raw_html = "trust" (the sanitizer never runs)
#   html/sanitize    every document gets a block of raw HTML (a table with
#                    attributes, a <details>, an inline <script>, an onclick
#                    and a javascript: link), default setting
#   html/trust       the same documents, raw_html = "trust"
#
#   benches/sanitize.sh                  # 10,000 documents, 5 runs each
#   DOCS=2000 RUNS=3 benches/sanitize.sh
#
# Environment: CLAUSEBOOK (binary, default target/release/clausebook), DOCS
# (10000), RUNS (5), SCRATCH (folder for the corpora and outputs, default a
# temporary folder removed at exit). Needs hyperfine.
# Take the machine's timing lock: flock /tmp/heavy.lock benches/sanitize.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CLAUSEBOOK:-$root/target/release/clausebook}
docs=${DOCS:-10000}
runs=${RUNS:-5}
die() { echo "error: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no Clausebook binary at $bin: build it (cargo build --release) or set CLAUSEBOOK=PATH"
command -v hyperfine >/dev/null || die "hyperfine is not installed"
if [ -n "${SCRATCH:-}" ]; then scratch=$SCRATCH; mkdir -p "$scratch"
else scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT; fi

"$bin" gen-corpus --docs "$docs" --out "$scratch/plain" >/dev/null
cp -r "$scratch/plain" "$scratch/html"
block='
<table class="evidence" data-kind="record"><tr><th scope="col">Item</th><td style="color:red">value</td></tr></table>

<details><summary>Notes</summary><p onclick="alert(1)">Reviewed <a href="javascript:alert(1)">here</a>.</p></details>

<script>alert(1)</script>
'
find "$scratch/html/content" -name '*.md' -print0 | while IFS= read -r -d '' f; do
  printf '%s\n' "$block" >>"$f"
done
for site in plain html; do
  for mode in sanitize trust; do
    mkdir -p "$scratch/$site-$mode"
    cp -r "$scratch/$site/content" "$scratch/$site-$mode/"
    { cat "$scratch/$site/clausebook.toml"; printf '\n[markdown]\nraw_html = "%s"\n' "$mode"; } \
      >"$scratch/$site-$mode/clausebook.toml"
  done
done
rm -rf "$scratch/plain" "$scratch/html"

cmds=()
for c in plain-sanitize plain-trust html-sanitize html-trust; do
  cmds+=(-n "$c" "$bin build --root $scratch/$c --output $scratch/out-$c --today 2026-11-23 --quiet")
done
hyperfine --warmup 1 --runs "$runs" "${cmds[@]}"
for c in plain-sanitize plain-trust html-sanitize html-trust; do
  /usr/bin/time -v "$bin" build --root "$scratch/$c" --output "$scratch/out-$c" --today 2026-11-23 --quiet 2>&1 \
    | awk -v c="$c" '/Maximum resident/ {printf "%-16s peak %d MB\n", c, $6/1024}'
done
