#!/usr/bin/env bash
# Where one build spends its CPU, and when a core sits idle: samples one
# `clausebook build` with perf (Debian package linux-perf) and prints, per
# 0.1 s of the build, how many cores were busy and what each thread was
# doing (the innermost of render, exports, search, history, markdown,
# load, check, write, resolve on its stack), then the functions with the
# most samples, inclusive.
#
#   benches/timeline.sh SITE                 # target/release/clausebook
#   CLAUSEBOOK=/path/to/binary benches/timeline.sh SITE
#   TOP=60 FREQ=1999 benches/timeline.sh SITE
#
# The build writes to the site's own output folder (SITE/public unless its
# clausebook.toml says otherwise), as a user's second build does; OUTPUT=DIR
# writes elsewhere (a fresh folder on a disk makes writing the long part).
#
# Stacks are complete only in a build with frame pointers:
#   RUSTFLAGS="-C force-frame-pointers=yes" CARGO_TARGET_DIR=target/fp \
#     cargo build --release && CLAUSEBOOK=target/fp/release/clausebook ...
# Without them the busy-core line is still right; the thread columns show
# "other" where the stack is cut short.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
site=${1:?usage: benches/timeline.sh SITE}
bin=${CLAUSEBOOK:-$root/target/release/clausebook}
freq=${FREQ:-1999}
top=${TOP:-40}
command -v perf >/dev/null || { echo "missing perf: apt-get install linux-perf" >&2; exit 2; }
[ -x "$bin" ] || { echo "no Clausebook binary at $bin: cargo build --release, or set CLAUSEBOOK" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=()
[ -z "${OUTPUT:-}" ] || out=(--output "$OUTPUT")
perf record -q -F "$freq" -g -o "$work/perf.data" \
  "$bin" build --quiet --root "$site" "${out[@]}" >/dev/null 2>&1
perf script -i "$work/perf.data" -F tid,time,ip,sym 2>/dev/null \
  | python3 "$root/benches/timeline.py" --freq "$freq" --top "$top"
