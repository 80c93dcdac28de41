#!/usr/bin/env bash
# One-document rebuild benchmark: `clausebook serve` against `hugo server` on
# copies of the same corpus, both servers up at once, the edits made in turn
# (Clausebook, Hugo, Clausebook, Hugo, ...). Each round edits one fixed
# document of each copy (a sentence appended to the body, alternating between
# two sentences; then the same with the title in the front-matter, which also
# changes listing, tag and clause pages) and waits for the rebuild.
# Per edit it records:
#   rebuild    the tool's own figure ("Rebuilt ... in N ms" / "Total in N ms")
#   e2e        write -> the browser would reload: Clausebook's long poll
#              /__clausebook/reload?since=G answers, Hugo's live-reload
#              websocket sends "reload". Includes the file watcher's delay
#              (Clausebook's debounce, Hugo's 500 ms event batching).
#   overhead   e2e - rebuild: watcher delay and notification
#   page       write -> the edited document's page on disk shows the edit
# and prints median (min-max) per metric and tool, the Hugo/Clausebook
# ratio, and the exact commands. Then, for context, `clausebook build`
# (the CLI, one whole process) after a one-document change, with hyperfine.
#
#   benches/rebuild.sh                       # /tmp/c10k, RUNS=20
#   CLAUSEBOOK=/tmp/cb-main RUNS=5 benches/rebuild.sh /tmp/c10k
#
# Environment: CLAUSEBOOK (binary, default target/release/clausebook; not
# built here), RUNS (measured edits per kind and tool, 20), WARMUP (unmeasured
# edits first, 1), DOC (document to edit, relative to content/; default the
# first approved one), HUGO=0 (Clausebook only), CLI_RUNS (hyperfine runs of
# `clausebook build`, 5; 0 skips), TIMEOUT (s per rebuild, 60),
# STARTUP_TIMEOUT (s per server start, 600), SETTLE (s of quiet after each
# edit, 1), SCRATCH (folder for the copies: kept and reused if given, else a
# temporary folder removed at exit), BENCH_DIR (results and server logs,
# default /tmp/clausebook-bench; written to $BENCH_DIR/rebuild).
# Needs the Debian packages hugo, hyperfine and python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-/tmp/c10k}
bin=${CLAUSEBOOK:-$root/target/release/clausebook}
runs=${RUNS:-20}
warmup=${WARMUP:-1}
doc=${DOC:-}
with_hugo=${HUGO:-1}
cli_runs=${CLI_RUNS:-5}
timeout=${TIMEOUT:-60}
startup_timeout=${STARTUP_TIMEOUT:-600}
settle=${SETTLE:-1}
results=${BENCH_DIR:-/tmp/clausebook-bench}/rebuild

die() { echo "error: $*" >&2; exit 1; }
# Arguments quoted for a shell, readably.
shq() {
  local a out=()
  for a; do
    if [[ $a =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then out+=("$a"); else out+=("'${a//\'/\'\\\'\'}'"); fi
  done
  echo "${out[*]}"
}

[ -x "$bin" ] || die "no Clausebook binary at $bin: build it (cargo build --release) or set CLAUSEBOOK=PATH"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -f "$corpus/clausebook.toml" ] && [ -d "$corpus/content" ] \
  || die "$corpus is not a site (no clausebook.toml and content/): make one with \`clausebook gen-corpus --docs 10000 --out $corpus\`"
corpus=$(cd "$corpus" && pwd)
tools=(python3)
[ "$with_hugo" = 0 ] || tools+=(hugo)
[ "$cli_runs" = 0 ] || tools+=(hyperfine)
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || die "missing $t: apt-get install hugo hyperfine python3"
done

own_scratch=0
if [ -z "${SCRATCH:-}" ]; then
  scratch=$(mktemp -d /tmp/clausebook-rebuild.XXXXXX)
  own_scratch=1
else
  scratch=$SCRATCH
  mkdir -p "$scratch"
fi
scratch=$(cd "$scratch" && pwd)
mkdir -p "$results"
rm -f "$results"/*.log "$results"/*.out "$results"/*.err
cbsite=$scratch/clausebook
hgsite=$scratch/hugo
hgout=$scratch/hugo-public
# Clausebook's output, given to serve rather than read back from what it
# prints (its "Built … into" line goes on with drafts skipped, warnings and
# history notes).
cb_outdir=$scratch/clausebook-public
helper=$scratch/rebuild-helper.py
pids=()

stop() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
cleanup() {
  local status=$?
  set +e
  [ ${#pids[@]} -eq 0 ] || stop "${pids[@]}"
  pids=()
  if [ "$own_scratch" = 1 ]; then
    rm -rf "$scratch"
  elif [ -f "$helper" ] && [ -n "$doc" ]; then
    python3 "$helper" restore "$cbsite/content/$doc" "$hgsite/content/$doc"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helper
cat > "$helper" <<'PY'
"""Helper of benches/rebuild.sh: makes the edits, waits for the rebuilds,
prints the statistics. Subcommands: measure, toggle FILE, restore FILE..."""
import argparse, base64, json, os, re, socket, statistics, sys, threading, time
import urllib.request

SENTENCES = (
    "Benchmark edit A: the review meeting moves to the first week of each quarter.",
    "Benchmark edit B: the review meeting moves to the last week of each quarter.",
)
BODY_MARK = ("Benchmark edit A:", "Benchmark edit B:")
TITLE_SUFFIX = (" (rev A)", " (rev B)")
TITLE_RE = re.compile(r'^(title\s*=\s*")(.*?)(")[ \t]*$', re.M)


class BenchError(Exception):
    pass


def pristine(text):
    """The document without any edit of this benchmark."""
    i = text.rfind("\nBenchmark edit ")
    if i >= 0:
        text = text[:i]
    return TITLE_RE.sub(lambda m: m.group(1) + re.sub(r" \(rev [AB]\)$", "", m.group(2)) + m.group(3),
                        text, count=1)


def compose(base, body, title):
    """base with body sentence `body` and title suffix `title` (None: unchanged)."""
    text = base
    if title is not None:
        if not TITLE_RE.search(text):
            raise BenchError("no TOML `title = \"...\"` line in the document's front-matter")
        text = TITLE_RE.sub(lambda m: m.group(1) + m.group(2) + TITLE_SUFFIX[title] + m.group(3), text, count=1)
    if body is not None:
        # A paragraph of its own at the end; pristine() removes it exactly.
        text = text + ("" if text.endswith("\n") else "\n") + "\n" + SENTENCES[body] + "\n"
    return text


def write(path, text):
    """Replace the file the way many editors save: a temporary file in the
    same folder (hidden, .tmp: ignored by both watchers), then a rename."""
    d, name = os.path.split(path)
    tmp = os.path.join(d, "." + name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def since(path, offset):
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def tail(path, n=15):
    try:
        return "\n".join(read(path).splitlines()[-n:])
    except OSError:
        return ""


def wait_log(path, offset, pattern, deadline, what):
    rx = re.compile(pattern, re.M)
    while True:
        m = rx.search(since(path, offset))
        if m:
            return m
        if time.monotonic() > deadline:
            raise BenchError(f"{what}: no line matching {pattern!r} in {path} in time; last lines:\n{tail(path)}")
        time.sleep(0.01)


class PageWatch(threading.Thread):
    """Polls a page on disk every 5 ms for a marker; .at is the time it appears."""

    def __init__(self, path, marker, deadline):
        super().__init__(daemon=True)
        self.path, self.marker, self.deadline, self.at = path, marker, deadline, None
        self.stop = False

    def run(self):
        while not self.stop and time.monotonic() < self.deadline:
            try:
                with open(self.path, encoding="utf-8", errors="replace") as f:
                    if self.marker in f.read():
                        self.at = time.perf_counter()
                        return
            except OSError:
                pass
            time.sleep(0.005)


class Clausebook:
    name = "Clausebook"

    def __init__(self, a):
        self.url, self.log, self.err = a.cb_url.rstrip("/"), a.cb_log, a.cb_err
        self.doc, self.page = a.cb_doc, a.cb_page

    def status(self, since=None, timeout=5):
        q = "" if since is None else f"?since={since}"
        with urllib.request.urlopen(f"{self.url}/__clausebook/reload{q}", timeout=timeout) as r:
            return json.load(r)

    def before(self, deadline):
        self.g0 = self.status()["generation"]
        self.off, self.err_off = size(self.log), size(self.err)
        self.answer = None
        self.poll_error = None

        def poll():
            try:
                while time.monotonic() < deadline:
                    try:
                        s = self.status(self.g0, timeout=max(0.0, deadline - time.monotonic()) + 0.25)
                    except TimeoutError:
                        continue
                    if s["generation"] != self.g0:
                        self.answer = (time.perf_counter(), s)
                        return
            except Exception as e:  # reported by after()
                self.poll_error = e

        self.poller = threading.Thread(target=poll, daemon=True)
        self.poller.start()
        time.sleep(0.05)  # let the long poll reach the server before the write

    def after(self, t0, deadline):
        self.poller.join(max(0.0, deadline - time.monotonic()) + 1)
        if self.answer is None:
            why = f" ({self.poll_error})" if self.poll_error else ""
            raise BenchError(f"Clausebook: no rebuild within {TIMEOUT:g} s of the write{why}; "
                             f"stdout:\n{tail(self.log)}\nstderr:\n{tail(self.err)}")
        t1, s = self.answer
        if s.get("error"):
            raise BenchError(f"Clausebook: the rebuild failed:\n{s['error']}\nstderr:\n{since(self.err, self.err_off)}")
        m = wait_log(self.log, self.off, r"^Rebuilt after a change to .* in ([\d.]+) ms", deadline, "Clausebook")
        # The exports (CSV, JSON, XLSX) are written after the pages reload;
        # `serve -v` says when (or that they did not change).
        x = wait_log(self.log, self.off, r"^  exports: (?:unchanged|\d+ files written ([\d.]+) ms later)",
                     deadline, "Clausebook")
        rebuild = float(m.group(1))
        exports = float(x.group(1)) if x.group(1) else 0.0
        return {"rebuild": rebuild, "e2e": (t1 - t0) * 1000, "complete": rebuild + exports}

    def extra(self):
        n = len(re.findall(r"^Rebuilt after", since(self.log, self.off), re.M))
        g = self.status()["generation"]
        return max(n - 1, g - self.g0 - 1)


class Hugo:
    name = "Hugo"

    def __init__(self, a):
        self.port, self.log, self.doc, self.page = a.hugo_port, a.hugo_log, a.hugo_doc, a.hugo_page
        self.ws = LiveReload(self.port)

    def before(self, deadline):
        self.ws.drain()
        self.off = size(self.log)

    def after(self, t0, deadline):
        try:
            t1 = self.ws.wait_reload(deadline)
        except (socket.timeout, TimeoutError):
            raise BenchError(f"Hugo: no live-reload message within {TIMEOUT:g} s of the write; log:\n{tail(self.log)}")
        m = wait_log(self.log, self.off, r"^Total in ([\d.]+) ms", deadline, "Hugo")
        rebuild = float(m.group(1))
        return {"rebuild": rebuild, "e2e": (t1 - t0) * 1000, "complete": rebuild}

    def extra(self):
        self.ws.drain()
        n = len(re.findall(r"^Change detected", since(self.log, self.off), re.M))
        return max(n - 1, 0)


class LiveReload:
    """Just enough of a websocket client for Hugo's /livereload."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.s.recv(4096)
            if not chunk:
                raise BenchError("Hugo: the live-reload websocket closed during the handshake")
            buf += chunk
        head, self.buf = buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise BenchError(f"Hugo: no websocket at /livereload: {head.decode(errors='replace')}")
        # Hugo 0.111 does not answer the hello; drain() skips any answer.
        self.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))

    def send(self, text, opcode=1):
        data = text.encode() if isinstance(text, str) else text
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
        self.s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _need(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.s.settimeout(left)
            chunk = self.s.recv(65536)
            if not chunk:
                raise BenchError("Hugo: the live-reload websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self, deadline):
        """The next text message (answers pings)."""
        while True:
            b0, b1 = self._need(2, deadline)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._need(2, deadline), "big")
            elif n == 127:
                n = int.from_bytes(self._need(8, deadline), "big")
            mask = self._need(4, deadline) if b1 & 0x80 else None
            data = self._need(n, deadline)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            op = b0 & 0x0F
            if op == 9:
                self.send(data, opcode=10)
            elif op == 8:
                raise BenchError("Hugo: the live-reload websocket closed")
            elif op in (1, 2):
                return data.decode(errors="replace")

    def wait_reload(self, deadline):
        while True:
            msg = self.recv(deadline)
            if '"reload"' in msg:
                return time.perf_counter()

    def drain(self):
        try:
            while True:
                self.recv(time.monotonic() + 0.01)
        except (TimeoutError, socket.timeout):
            pass


def measure(a):
    global TIMEOUT
    TIMEOUT = a.timeout
    tools = [Clausebook(a)] + ([Hugo(a)] if a.hugo_port else [])
    base = {}
    for t in tools:
        base[t.name] = pristine(read(t.doc))
        compose(base[t.name], None, 0)  # fails early without a title line
        t.page_ok = bool(t.page) and os.path.exists(t.page)
        if t.page and not t.page_ok:
            print(f"warning: {t.name}: no page {t.page}; the page metric is left out", file=sys.stderr)
    samples = []
    state = {t.name: [None, None] for t in tools}  # body, title variant on disk
    for kind in ("body", "title"):
        for i in range(a.warmup + a.runs):
            v = i % 2  # alternate, so that each edit is a real change
            for t in tools:
                st = state[t.name]
                st[0 if kind == "body" else 1] = v
                text = compose(base[t.name], st[0], st[1])
                marker = BODY_MARK[v] if kind == "body" else TITLE_SUFFIX[v].strip()
                deadline = time.monotonic() + a.timeout
                t.before(deadline)
                watch = PageWatch(t.page, marker, deadline) if t.page_ok else None
                if watch:
                    watch.start()
                t0 = time.perf_counter()
                write(t.doc, text)
                r = t.after(t0, deadline)
                r["page"] = None
                if watch:
                    # Published with the rebuild: give it at most 5 s more.
                    watch.join(max(0.0, min(deadline - time.monotonic(), 5.0)))
                    watch.stop = True
                    if watch.at is None:
                        print(f"warning: {t.name}: the edit did not show in {t.page}", file=sys.stderr)
                    else:
                        r["page"] = (watch.at - t0) * 1000
                r["overhead"] = r["e2e"] - r["rebuild"]
                time.sleep(a.settle)
                r["extra"] = t.extra()
                if r["extra"]:
                    print(f"warning: {t.name}: {r['extra']} more rebuild(s) after the {kind} edit {i + 1}",
                          file=sys.stderr)
                counted = i >= a.warmup
                label = "warm-up" if not counted else f"{i - a.warmup + 1}/{a.runs}"
                page = f"{r['page']:.0f}" if r["page"] is not None else "-"
                print(f"  {kind:<5} {label:>7} {t.name:<10} rebuild {r['rebuild']:7.0f} ms  e2e {r['e2e']:7.0f} ms  "
                      f"page {page:>6} ms", file=sys.stderr, flush=True)
                if counted:
                    samples.append(dict(tool=t.name, edit=kind, run=i - a.warmup + 1, **r))
    with open(a.samples, "w") as f:
        cols = ["tool", "edit", "run", "rebuild", "complete", "e2e", "overhead", "page", "extra"]
        f.write("\t".join(cols) + "\n")
        for s in samples:
            f.write("\t".join("" if s[c] is None else (f"{s[c]:.1f}" if isinstance(s[c], float) else str(s[c]))
                              for c in cols) + "\n")
    summarize(a, samples, [t.name for t in tools])


def ms(x):
    return f"{x:,.0f} ms"


def summarize(a, samples, names):
    metrics = [
        ("rebuild", "rebuild, as the tool reports it"),
        ("complete", "rebuild with the exports written"),
        ("e2e", "save → reload signal (end to end)"),
        ("overhead", "of which watcher delay + signal"),
        ("page", "save → edited page on disk"),
    ]
    edits = [("body", "a sentence appended to the body"), ("title", "the title changed (front-matter)")]
    head = "| edit | metric | " + " | ".join(names) + (" | Hugo / Clausebook |" if len(names) > 1 else "")
    lines = [head, "| --- | --- | " + " | ".join("---:" for _ in names) + (" | ---: |" if len(names) > 1 else "")]
    for e, _ in edits:
        for m, label in metrics:
            cells, med = [], {}
            for nme in names:
                xs = [s[m] for s in samples if s["tool"] == nme and s["edit"] == e and s[m] is not None]
                if xs:
                    med[nme] = statistics.median(xs)
                    cells.append(f"{ms(med[nme])} ({min(xs):,.0f}–{max(xs):,.0f})")
                else:
                    cells.append("–")
            row = f"| {e} | {label} | " + " | ".join(cells)
            if len(names) > 1:
                ok = len(med) == 2 and med["Clausebook"] > 0 and m in ("rebuild", "complete", "e2e")
                row += " | " + (f"{med['Hugo'] / med['Clausebook']:.1f}×" if ok else "–")
            lines.append(row + " |")
    extra = sum(s["extra"] for s in samples)
    lines.append("")
    lines.append(
        f"Median (min–max) of {a.runs} edits per row, after {a.warmup} unmeasured edit(s) per kind and tool; "
        "the tools edited in turn, both servers running. Edits: "
        + "; ".join(f"{e}: {d}" for e, d in edits) + ". "
        "*rebuild*: the tool's own figure (Clausebook `Rebuilt … in N ms`, Hugo `Total in N ms`). "
        "*with the exports*: Clausebook writes the exports (CSV, JSON, XLSX) after the pages, once they "
        "have reloaded, and `serve -v` prints how long after; this row adds that time (Hugo has no "
        "such step: the same as its rebuild). "
        "*save → reload signal*: from just before the save until a browser would be told to reload "
        "(Clausebook's long poll `/__clausebook/reload?since=G` answers; Hugo's live-reload websocket sends "
        "`reload`); it includes the file watcher's delay, shown in the next row: Clausebook's debounce, "
        "Hugo's 500 ms event batching (a ticker: 0–500 ms). "
        "*page*: until the edited document's own page on disk shows the edit (Hugo writes it during its "
        "rebuild, so this depends on where the page falls in its render order; Clausebook writes the "
        "changed pages over the previous files, before it signals)."
        + (f" {extra} edit(s) caused more than one rebuild (see the samples)." if extra else ""))
    text = "\n".join(lines)
    print(text)
    with open(a.summary, "w") as f:
        f.write(text + "\n")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    for opt in ("cb-url", "cb-log", "cb-err", "cb-doc", "cb-page", "hugo-log", "hugo-doc", "hugo-page",
                "samples", "summary"):
        m.add_argument("--" + opt, default="")
    m.add_argument("--hugo-port", type=int, default=0)
    m.add_argument("--runs", type=int, default=20)
    m.add_argument("--warmup", type=int, default=1)
    m.add_argument("--timeout", type=float, default=60)
    m.add_argument("--settle", type=float, default=1)
    t = sub.add_parser("toggle")
    t.add_argument("file")
    r = sub.add_parser("restore")
    r.add_argument("files", nargs="+")
    pk = sub.add_parser("pick")
    pk.add_argument("content")
    a = p.parse_args()
    try:
        if a.cmd == "measure":
            measure(a)
        elif a.cmd == "toggle":  # hyperfine --prepare: a real change each time
            cur = read(a.file)
            v = 1 if BODY_MARK[0] in cur else 0
            write(a.file, compose(pristine(cur), v, None))
        elif a.cmd == "restore":
            for f in a.files:
                if os.path.exists(f):
                    cur = read(f)
                    if pristine(cur) != cur:
                        write(f, pristine(cur))
        elif a.cmd == "pick":  # the first approved document, in path order
            for d, dirs, files in sorted(os.walk(a.content)):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(".md") and re.search(r'^status\s*=\s*"approved"', read(os.path.join(d, name)), re.M):
                        print(os.path.relpath(os.path.join(d, name), a.content))
                        return
            raise BenchError(f"no approved document under {a.content}: set DOC")
    except (BenchError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)


TIMEOUT = 60.0
main()
PY

# ---------------------------------------------------------------- copies
if [ -f "$cbsite/clausebook.toml" ]; then
  echo "Reusing the copy in $cbsite"
else
  echo "Copying $corpus to $cbsite (without its output folder)"
  outname=$(sed -n 's/^output *= *"\([^"]*\)".*/\1/p' "$corpus/clausebook.toml" | head -n 1)
  outname=${outname:-public}
  mkdir -p "$cbsite"
  for e in "$corpus"/* "$corpus"/.[!.]*; do
    [ -e "$e" ] || continue
    case ${e##*/} in "$outname" | ".$outname".*) continue ;; esac
    cp -r "$e" "$cbsite/"
  done
fi
if [ "$with_hugo" != 0 ]; then
  if [ -d "$hgsite/content" ]; then
    echo "Reusing the copy in $hgsite"
  else
    # benches/hugo's config and layouts next to the content (compare.sh
    # points --source at benches/hugo instead; a server would then write its
    # lock file and resources/ into the repository).
    echo "Copying $corpus/content and benches/hugo to $hgsite"
    mkdir -p "$hgsite"
    cp -r "$corpus/content" "$hgsite/"
    cp -r "$root/benches/hugo/config.toml" "$root/benches/hugo/layouts" "$hgsite/"
  fi
fi
[ -n "$doc" ] || doc=$(python3 "$helper" pick "$cbsite/content")
[ -f "$cbsite/content/$doc" ] || die "no document content/$doc in the corpus"
python3 "$helper" restore "$cbsite/content/$doc" "$hgsite/content/$doc"
ndocs=$(find "$cbsite/content" -name '*.md' | wc -l)

# ---------------------------------------------------------------- servers
wait_ready() { # log pattern pid what [second log]
  local log=$1 pattern=$2 pid=$3 what=$4 err=${5:-} ticks=0
  until grep -q -- "$pattern" "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: $what exited before it was ready; last lines of $log ${err:+and $err}:" >&2
      tail -n 20 "$log" ${err:+"$err"} >&2
      exit 1
    fi
    if [ "$ticks" -ge $((startup_timeout * 10)) ]; then
      echo "error: $what did not start within $startup_timeout s (STARTUP_TIMEOUT); last lines of $log:" >&2
      tail -n 20 "$log" ${err:+"$err"} >&2
      exit 1
    fi
    sleep 0.1
    ticks=$((ticks + 1))
  done
}

cb_out=$results/clausebook-serve.out
cb_err=$results/clausebook-serve.err
cb_cmd=("$bin" serve --root "$cbsite" --output "$cb_outdir" --port 0 -v)
echo "Starting: ${cb_cmd[*]}"
"${cb_cmd[@]}" >"$cb_out" 2>"$cb_err" &
cb_pid=$!
pids+=("$cb_pid")
wait_ready "$cb_out" '^Serving at ' "$cb_pid" "clausebook serve" "$cb_err"
cb_url=$(sed -n 's/^Serving at \(http[^ ]*\).*/\1/p' "$cb_out" | head -n 1)
cb_published=$(sed -n 's/^Built \([0-9]*\) documents.*/\1/p' "$cb_out" | head -n 1)
# The page is named by the document's id in lower case (gen-corpus names
# the file alike; the example site does not): from the front-matter, else
# the file's name.
stem=$(sed -n 's/^id *[=:] *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$cbsite/content/$doc" | head -n 1)
if [ -z "$stem" ]; then
  stem=${doc##*/}
  stem=${stem%.md}
fi
cb_page=$cb_outdir/documents/${stem,,}/index.html
echo "Clausebook serves $cb_url"

hg_args=()
hg_pages=
hg_cmd=()
if [ "$with_hugo" != 0 ]; then
  hg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  hg_log=$results/hugo-server.log
  hg_cmd=(hugo server --source "$hgsite" --destination "$hgout" --renderToDisk --disableFastRender
    --bind 127.0.0.1 --port "$hg_port")
  echo "Starting: ${hg_cmd[*]}"
  "${hg_cmd[@]}" >"$hg_log" 2>&1 &
  hg_pid=$!
  pids+=("$hg_pid")
  wait_ready "$hg_log" 'Web Server is available at' "$hg_pid" "hugo server"
  # Hugo moves to another port if the one asked for is taken.
  hg_port=$(sed -n 's/.*Web Server is available at http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$hg_log" | head -n 1)
  hg_rel=${doc%.md}
  hg_args=(--hugo-port "$hg_port" --hugo-log "$hg_log" --hugo-doc "$hgsite/content/$doc"
    --hugo-page "$hgout/${hg_rel,,}/index.html")
  hg_pages=$(sed -n 's/^ *Pages *| *\([0-9]*\).*/\1/p' "$hg_log" | head -n 1)
  echo "Hugo serves http://127.0.0.1:$hg_port/"
fi

sync # the servers' first builds wrote the whole site: flush it before measuring
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Editing content/$doc: $((warmup + runs)) body edits, then $((warmup + runs)) title edits per tool (the first $warmup of each not counted)"
python3 "$helper" measure --runs "$runs" --warmup "$warmup" --timeout "$timeout" --settle "$settle" \
  --cb-url "$cb_url" --cb-log "$cb_out" --cb-err "$cb_err" --cb-doc "$cbsite/content/$doc" --cb-page "$cb_page" \
  "${hg_args[@]}" --samples "$results/samples.tsv" --summary "$results/summary.md" >/dev/null
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop "${pids[@]}"
pids=()

# ---------------------------------------------------------------- CLI
cli_line=
if [ "$cli_runs" != 0 ]; then
  cli_build=$(shq "$bin" build --root "$cbsite" --quiet)
  cli_prepare=$(shq python3 "$helper" toggle "$cbsite/content/$doc")
  cli_cmd=(hyperfine --warmup 1 --runs "$cli_runs" --export-json "$results/cli.json"
    --prepare "$cli_prepare" -n "clausebook build after a one-document change" "$cli_build")
  "${cli_cmd[@]}" >&2
  cli_line=$(python3 - "$results/cli.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"`clausebook build` (the CLI, whole process) right after a one-document change: median "
      f"{r['median']:.2f} s ({min(r['times']):.2f}–{max(r['times']):.2f}, {len(r['times'])} runs).")
PY
)
  python3 "$helper" restore "$cbsite/content/$doc"
fi

# ---------------------------------------------------------------- report
{
  echo
  echo "### One-document rebuild, $ndocs documents ($cb_published published by Clausebook${hg_pages:+, $hg_pages pages by Hugo}), $(date +%F)"
  echo
  cat "$results/summary.md"
  echo
  [ -z "$cli_line" ] || { echo "$cli_line"; echo; }
  echo "Edited: content/$doc. Load average before/after: $load_before / $load_after ($(nproc) cores)."
  echo "Clausebook: $("$bin" --version 2>/dev/null || echo "$bin")."
  [ "$with_hugo" = 0 ] || echo "Hugo: $(hugo version | cut -d' ' -f1-2), --renderToDisk --disableFastRender, live reload on (its default)."
  echo
  echo "Commands:"
  echo
  echo '```sh'
  shq "${cb_cmd[@]}"
  [ "$with_hugo" = 0 ] || shq "${hg_cmd[@]}"
  [ "$cli_runs" = 0 ] || shq "${cli_cmd[@]}"
  echo '```'
  [ "$own_scratch" = 0 ] || echo "($scratch was a temporary copy, removed at exit.)"
  echo
  echo "Samples: $results/samples.tsv; server logs: $results/."
} | tee "$results/report.md"
