"""Reads `perf script -F tid,time,ip,sym` of one build (with call stacks)
on standard input and prints the build's timeline: busy cores and each
thread's part per 0.1 s, then the functions with the most samples.
Used by benches/timeline.sh."""

import argparse
import collections
import re
import sys

# The part of the build a stack is in: the innermost frame that names one.
PARTS = [
    ("render", "render::"),
    ("exports", "exports::"),
    ("search", "search::"),
    ("history", "history"),
    ("markdown", "markdown::"),
    ("load", "load::"),
    ("check", "check::"),
    ("write", "OutputTree"),
    ("resolve", "resolve::"),
]
OFFSET = re.compile(r"\+0x[0-9a-f]+$")
# A sample's first line: the thread id (padded with spaces when short) and
# the time, as in "  1019 37281.305863:".
HEAD = re.compile(r"^\s*(\d+)\s+(\d+\.\d+):\s*$")


def samples(lines):
    """(thread, time, frames from the innermost out) of each sample."""
    head, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if head:
                yield head[0], head[1], frames
            head, frames = None, []
        elif (m := HEAD.match(line)) and head is None:
            head = (m.group(1), float(m.group(2)))
        else:
            parts = line.strip().split(" ", 1)
            frames.append(OFFSET.sub("", parts[1] if len(parts) > 1 else "?"))
    if head:
        yield head[0], head[1], frames


def part(frames):
    for frame in frames:
        for name, key in PARTS:
            if key in frame:
                return name
    return "other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--freq", type=float, default=1999)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--bucket", type=float, default=0.1)
    args = ap.parse_args()

    all_samples = list(samples(sys.stdin))
    if not all_samples:
        sys.exit("no samples: did perf record run?")
    t0 = min(t for _, t, _ in all_samples)
    per_thread = collections.Counter(tid for tid, _, _ in all_samples)
    threads = [tid for tid, _ in per_thread.most_common(4)]
    buckets = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    inclusive = collections.Counter()
    for tid, t, frames in all_samples:
        buckets[int((t - t0) / args.bucket)][tid][part(frames)] += 1
        for f in set(frames):
            inclusive[f[:140]] += 1

    per_bucket = args.freq * args.bucket
    total = len(all_samples)
    print(f"{total} samples, {total / args.freq:.2f} s of CPU; "
          f"threads with the most samples: {', '.join(threads)}")
    print(f"{'time':>6} {'cores':>5}  " + " | ".join(f"{t:<22}" for t in threads))
    for b in sorted(buckets):
        busy = sum(sum(c.values()) for c in buckets[b].values()) / per_bucket
        cells = []
        for tid in threads:
            c = buckets[b][tid]
            cells.append(",".join(f"{n}:{v}" for n, v in c.most_common(2)) or "-")
        print(f"{b * args.bucket:5.1f}s {busy:5.2f}  " + " | ".join(f"{c:<22}" for c in cells))
    print()
    print("inclusive samples (share of all), clausebook's functions:")
    shown = 0
    for f, n in inclusive.most_common():
        if "clausebook::" not in f:
            continue
        print(f"{100 * n / total:5.1f}%  {f}")
        shown += 1
        if shown >= args.top:
            break


if __name__ == "__main__":
    main()
