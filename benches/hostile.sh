#!/usr/bin/env bash
# Hostile-input benchmark: `clausebook check` on generated sites made to be
# expensive, timed with hyperfine, with the peak memory of one run
# (/usr/bin/time). Each case must finish within LIMIT seconds (a generous
# bound: the point is to catch a cost that grows faster than the input, not
# to measure small changes); the script exits 1 when one does not.
#
# Cases (N = 8,000 by default):
#   refs-one-line    N clause references on one line of the front-matter,
#                    each an error (unknown clause) or a warning (listed
#                    twice): N findings on one 150 KB line
#   refs-per-line    the same references, one per line
#   links-one-line   N links to unknown document ids on one body line
#   yaml-nested      200 KB of YAML front-matter: flow sequences nested
#                    100,000 deep (refused by the nesting bound)
#   yaml-large       a 300 KB YAML front-matter (refused by the size bound)
#
#   benches/hostile.sh                        # release binary, all cases
#   N=2000 RUNS=3 benches/hostile.sh refs-one-line
#
# Environment: CLAUSEBOOK (binary, default target/release/clausebook; not
# built here), N (references or links per case, 8000), RUNS (hyperfine runs,
# 5), LIMIT (seconds per run, 10), SCRATCH (folder for the generated sites,
# default a temporary folder removed at exit). Needs hyperfine and python3.
# Take the lock of the machine's timings: flock /tmp/heavy.lock benches/hostile.sh
#
# Measured on 2 cores, release build (RUNS=5 after, RUNS=3 before; other
# builds were running on the machine during the "before" runs):
#   case             before 28b3b6c          after f13c650+
#   refs-one-line    21.55 s, 3025 MB        0.316 s, 31 MB
#   refs-per-line     1.27 s,   23 MB        0.218 s, 25 MB
#   links-one-line    9.59 s, 2466 MB        0.195 s, 37 MB
#   yaml-nested      69.9 s (50.9-91.7)      0.016 s, 14 MB
#   yaml-large        0.204 s                0.012 s (refused by the size bound)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CLAUSEBOOK:-$root/target/release/clausebook}
n=${N:-8000}
runs=${RUNS:-5}
limit=${LIMIT:-10}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(refs-one-line refs-per-line links-one-line yaml-nested yaml-large)

die() { echo "error: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no Clausebook binary at $bin: build it (cargo build --release) or set CLAUSEBOOK=PATH"
command -v hyperfine >/dev/null || die "hyperfine is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

if [ -n "${SCRATCH:-}" ]; then
  scratch=$SCRATCH
  mkdir -p "$scratch"
else
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
fi

# Generate one site per case: clausebook.toml and content/hostile.md.
python3 - "$scratch" "$n" "${cases[@]}" <<'PY'
import os, sys
scratch, n, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
config = 'title = "Hostile"\nstandards = ["iso20000-1:2011"]\n'
head = 'id = "HOST-1"\ntitle = "Hostile"\nstatus = "draft"\n'
# Unknown clauses (errors with a "did you mean") and known ones listed
# again and again (warnings).
refs = ['"iso20000-1:2011/%s"' % ("9.%d" % (i + 10) if i % 2 else "4.1") for i in range(n)]
def site(name, text):
    d = os.path.join(scratch, name)
    os.makedirs(os.path.join(d, "content"), exist_ok=True)
    with open(os.path.join(d, "clausebook.toml"), "w") as f:
        f.write(config)
    with open(os.path.join(d, "content", "hostile.md"), "w") as f:
        f.write(text)
for case in cases:
    if case == "refs-one-line":
        site(case, "+++\n" + head + "clauses = [" + ", ".join(refs) + "]\n+++\nBody.\n")
    elif case == "refs-per-line":
        site(case, "+++\n" + head + "clauses = [\n" + ",\n".join(refs) + "\n]\n+++\nBody.\n")
    elif case == "links-one-line":
        links = " ".join("[x](NO-%d)" % i for i in range(n))
        site(case, "+++\n" + head + "+++\n" + links + "\n")
    elif case == "yaml-nested":
        depth = 100_000
        site(case, "---\nid: HOST-1\ntitle: Hostile\nx: " + "[" * depth + "]" * depth + "\n---\nBody.\n")
    elif case == "yaml-large":
        site(case, "---\nid: HOST-1\ntitle: Hostile\nx: [" + ", ".join(["item"] * 50_000) + "]\n---\nBody.\n")
    else:
        sys.exit("unknown case %s" % case)
PY

echo "binary: $bin"
echo "N=$n RUNS=$runs LIMIT=${limit}s"
slow=()
for case in "${cases[@]}"; do
  dir=$scratch/$case
  size=$(wc -c < "$dir/content/hostile.md")
  cmd=("$bin" --color never check --root "$dir" --today 2026-06-01)
  # Exit 1 (content errors) is the expected outcome; anything else is not.
  set +e
  /usr/bin/time -f '%e %M' -o "$scratch/$case.time" "${cmd[@]}" >/dev/null 2>"$scratch/$case.stderr"
  code=$?
  set -e
  read -r secs kb < <(tail -n 1 "$scratch/$case.time")
  [ "$code" -le 1 ] || { cat "$scratch/$case.stderr" | tail -20; die "$case: exit code $code"; }
  findings=$(grep -c '^\(error\|warning\)' "$scratch/$case.stderr" || true)
  hyperfine --style basic --runs "$runs" -i --export-json "$scratch/$case.json" \
    "$(printf '%q ' "${cmd[@]}")" >/dev/null 2>&1
  mean=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f %.3f" % (r["mean"], r["min"], r["max"]))' "$scratch/$case.json")
  read -r m lo hi <<< "$mean"
  printf '%-16s %8d bytes  %6d findings  mean %7.3f s (%.3f-%.3f)  peak %6d MB  exit %d\n' \
    "$case" "$size" "$findings" "$m" "$lo" "$hi" $((kb / 1024)) "$code"
  if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "$hi" "$limit"; then
    slow+=("$case")
  fi
done
if [ ${#slow[@]} -gt 0 ]; then
  echo "over the ${limit} s bound: ${slow[*]}" >&2
  exit 1
fi
