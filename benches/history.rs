//! Reading a site's git history, in-process: the figures of issue 15's
//! speed targets (history at most ~300 ms on top of a ~2.4 s build at
//! 10,000 documents and 2,000 commits; `changes` between the first and the
//! last commit under 3 s).
//!
//! ```sh
//! flock /tmp/heavy.lock cargo bench --bench history
//! HISTORY_SITE=/tmp/x/corpus flock /tmp/heavy.lock cargo bench --bench history
//! ```
//!
//! Without `HISTORY_SITE` it generates a corpus of `HISTORY_DOCS` documents
//! (10,000) with `HISTORY_COMMITS` commits (2,000) into
//! `HISTORY_SCRATCH` (default `/tmp/clausebook-history-bench`, removed
//! first, kept afterwards for reruns: pass it as `HISTORY_SITE`). Set
//! `HISTORY_PACK=1` to run `git gc` on it first (packed objects, as after a
//! clone), which needs a `git` binary. `HISTORY_RUNS` (5) runs per figure;
//! the median and the range are printed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clausebook::load::history::{HistoryOptions, open};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let v = f();
        times.push(t.elapsed());
        last = Some(v);
    }
    times.sort();
    (
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        last.expect("ran at least once"),
    )
}

fn show(what: &str, (median, min, max): (Duration, Duration, Duration)) {
    println!(
        "{what:<52} {:>9.1} ms   ({:.1}–{:.1})",
        median.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let runs = env_usize("HISTORY_RUNS", 5);
    let site = match std::env::var_os("HISTORY_SITE") {
        Some(s) => PathBuf::from(s),
        None => {
            let docs = env_usize("HISTORY_DOCS", 10_000);
            let commits = env_usize("HISTORY_COMMITS", 2_000);
            let dir = std::env::var_os("HISTORY_SCRATCH").map_or_else(
                || PathBuf::from("/tmp/clausebook-history-bench"),
                PathBuf::from,
            );
            let _ = std::fs::remove_dir_all(&dir);
            let t = Instant::now();
            clausebook::tools::corpus::generate(docs, &dir, 42).expect("corpus written");
            let gen_time = t.elapsed();
            let t = Instant::now();
            let written = clausebook::tools::repo::write_corpus_history(&dir, commits, 42)
                .expect("history written");
            println!(
                "generated {docs} documents in {:.1} s, {} commits in {:.1} s: {written:?}",
                gen_time.as_secs_f64(),
                written.commits,
                t.elapsed().as_secs_f64()
            );
            dir
        }
    };
    if std::env::var("HISTORY_PACK").is_ok_and(|v| v == "1") {
        let t = Instant::now();
        let ok = std::process::Command::new("git")
            .args(["gc", "--quiet"])
            .current_dir(&site)
            .status()
            .is_ok_and(|s| s.success());
        println!("git gc: {ok} in {:.1} s", t.elapsed().as_secs_f64());
    }
    println!(
        "site: {}   threads: {}",
        site.display(),
        rayon::current_num_threads()
    );

    let (m, lo, hi, repo) = time(runs, || open(&site).expect("history is on"));
    show("open the repository", (m, lo, hi));
    let multi = HistoryOptions::default();
    let single = HistoryOptions {
        single_threaded: true,
        ..HistoryOptions::default()
    };
    for (name, opts) in [("multi-threaded", &multi), ("single-threaded", &single)] {
        let (m, lo, hi, history) = time(runs, || repo.history(opts));
        show(&format!("full history, {name}"), (m, lo, hi));
        if name == "multi-threaded" {
            let revisions: usize = history.documents.values().map(|d| d.revisions.len()).sum();
            println!(
                "    {} commits, {} documents, {revisions} revisions, {} findings",
                history.commits,
                history.documents.len(),
                history.findings.len()
            );
            let (m, lo, hi, findings) = time(runs, || history.approval_findings());
            show("approval integrity (from the history)", (m, lo, hi));
            println!(
                "    {} approved documents changed after approval",
                findings.len()
            );
        }
    }
    let (m, lo, hi, status) = time(runs, || repo.worktree());
    show("uncommitted changes (work tree vs HEAD)", (m, lo, hi));
    println!("    dirty: {}", status.dirty());
    let (m, lo, hi, stamp) = time(runs, || repo.stamp(false));
    show("publication stamp", (m, lo, hi));
    println!("    {} on {:?}", stamp.short, stamp.branch);

    let first = {
        let history = repo.history(&multi);
        history
            .documents
            .values()
            .flat_map(|d| d.revisions.last())
            .map(|r| r.commit.clone())
            .min_by_key(|c| c.commit_time)
            .expect("a first commit")
    };
    let (m, lo, hi, files) = time(runs, || repo.site_files(&first));
    show("site files at the first commit", (m, lo, hi));
    println!(
        "    {} files, {} bytes",
        files.files.len(),
        files.files.iter().map(|f| f.bytes.len()).sum::<usize>()
    );
    let last = repo.head().clone();
    for (name, opts) in [("multi-threaded", &multi), ("single-threaded", &single)] {
        let (m, lo, hi, changes) = time(runs, || repo.document_changes(&first, &last, opts));
        show(
            &format!("document changes first..last, {name}"),
            (m, lo, hi),
        );
        if name == "multi-threaded" {
            println!(
                "    added {}, removed {}, retired {}, re-approved {}, changed without version {}, moved {}, clause changes {}",
                changes.added.len(),
                changes.removed.len(),
                changes.retired.len(),
                changes.reapproved.len(),
                changes.changed_without_version.len(),
                changes.moved.len(),
                changes.clause_references.len()
            );
        }
    }
    let (m, lo, hi, _) = time(runs, || repo.resolve("2025-06-01").ok());
    show("resolve a date", (m, lo, hi));
}
