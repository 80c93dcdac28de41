//! The browser's side of search and live reload: theme/search.js run by
//! node against the Rust stemmer and the static index, and
//! tests/browser/search.test.js driving headless Chromium; the matrix
//! page's navigation through tests/browser/matrix.test.js; and the
//! navigation and the small things of the pages (tests/browser/ux.test.js),
//! which also saves screenshots of the main pages in target/screenshots/.
//!
//! These tests need node, Chromium and `tests/browser/node_modules`; a
//! missing tool fails them, naming what to install, unless
//! `CLAUSEBOOK_SKIP_BROWSER=1` is set (see tests/common/tools.rs and the
//! README).

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The example site's output, built once for this test binary.
fn output() -> &'static std::path::Path {
    &example_build().1
}

/// How many checks a browser script passed, from its last line
/// (`N passed, 0 failed`); panics when there is no such line.
fn passed_checks(stdout: &str) -> usize {
    stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_suffix(" passed, 0 failed"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `N passed, 0 failed` line:\n{stdout}"))
}

/// Published (id, title) pairs of the example site.
fn published() -> Vec<(String, String)> {
    let docs = published_docs(&load_site(&example_build().0, false));
    assert!(docs.len() > 40, "the example site publishes {}", docs.len());
    docs
}

#[test]
fn stemming_matches_the_browser_script() {
    // The search box finds what `clausebook search` finds: theme/search.js stems and splits words exactly as src/search/text.rs and src/search/query/analyze.rs do.
    let Some(node) = node_or_skip("stemming_matches_the_browser_script") else {
        return;
    };
    let words = [
        "change",
        "changes",
        "changed",
        "changing",
        "policies",
        "suppliers",
        "processes",
        "applied",
        "planned",
        "controlled",
        "raise",
        "raised",
        "status",
        "analysis",
        "need",
        "agreed",
        "running",
        "services",
        "management",
        "café",
        "4.3.2",
        "iso20000",
        "a",
        "is",
        "dressing",
        "hopping",
        "fizzed",
        "wishes",
        "boxes",
        "studies",
    ];
    let script = format!(
        "global.window = {{}}; require({:?}); const s = window.ClausebookSearch; \
         console.log(JSON.stringify({:?}.map(w => [s.stem(w), s.analyze.words('A-b ' + w)])));",
        repo_root().join("theme/search.js"),
        words
    );
    let out = Command::new(node).args(["-e", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<(String, Vec<String>)> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(js.len(), words.len(), "an answer per word");
    for (w, (stem, split)) in words.iter().zip(js) {
        assert_eq!(stem, clausebook::search::text::stem(w), "stem({w})");
        let rust: Vec<String> = clausebook::search::query::analyze::words(&format!("A-b {w}"));
        assert_eq!(split, rust, "words({w})");
    }
}

#[test]
fn the_browser_engine_finds_every_document() {
    // Opened from file:// or a plain host, the search box (the static index alone) finds each document first by its id and among the first three by its title, and readers' usual queries give the expected document first.
    let Some(node) = node_or_skip("the_browser_engine_finds_every_document") else {
        return;
    };
    let docs = published();
    let mut queries: Vec<(String, String)> = Vec::new();
    for (id, title) in &docs {
        queries.push((id.clone(), id.clone()));
        queries.push((title.clone(), id.clone()));
    }
    for (q, id) in [
        ("incident", "SMS-PRC-011"),
        ("SMS-PRO-007", "SMS-PRO-007"),
        ("4.3.2", "SMS-PRO-001"),
        ("supplier", "SMS-PRC-010"),
        ("changes", "SMS-PRC-009"),
        ("iso20000-1:2011/7.2", "SMS-PRC-010"),
    ] {
        queries.push((q.into(), id.into()));
    }
    let pairs: Vec<(&str, &str)> = queries
        .iter()
        .map(|(q, _)| (q.as_str(), "strict"))
        .collect();
    let answers = run_shards_js(&node, &output().join("search"), &pairs);
    let got: Vec<Vec<String>> = answers
        .iter()
        .map(|a| serde_json::from_value(a["top"].clone()).unwrap_or_default())
        .collect();

    assert_eq!(got.len(), queries.len(), "an answer per query");
    // An id gives its document first; a title gives it among the first three.
    let wrong: Vec<String> = queries
        .iter()
        .zip(&got)
        .filter(|((q, id), ids)| {
            let is_title = docs.iter().any(|(i, t)| i == id && t == q && q != id);
            if is_title {
                !ids.iter().take(3).any(|x| x == id)
            } else {
                ids.first() != Some(id)
            }
        })
        .map(|((q, id), ids)| format!("{q:?} → {ids:?}, expected {id}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn browser_search_box_works_on_every_host() {
    // The search box, results page, keyboard navigation and live reload work in Chromium through clausebook serve, a static server under a sub-path and file://, with no console error (tests/browser/search.test.js).
    let Some(tools) = browser_or_skip("browser_search_box_works_on_every_host") else {
        return;
    };
    let tmp = tempdir();
    let site = copy_site(&repo_root(), tmp.path());
    // The script also serves copies of this site: `serve` has no --today.
    ignore_review_dates(&site);
    let out = build_site(&site, tmp.path(), &["-q"]);
    let mut child = Command::new(&tools.node)
        .current_dir(&tools.dir)
        .arg("search.test.js")
        .arg("--out")
        .arg(&out)
        .arg("--site")
        .arg(&site)
        .arg("--bin")
        .arg(bin())
        .env("CHROMIUM_PATH", &tools.chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the output while the test runs, so a full pipe never blocks it.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the browser test did not finish within 300 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = out_reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    eprintln!("{stdout}");
    assert!(status.success(), "browser test failed:\n{stdout}\n{stderr}");
    // The last line counts the checks: some must have run, none failed.
    let passed = passed_checks(&stdout);
    assert!(passed >= 30, "only {passed} browser checks ran:\n{stdout}");
}

#[test]
fn browser_matrix_page_filters_folds_and_keeps_its_headers_in_view() {
    // On a matrix page opened from file://, informative clauses are folded until asked for, the coverage and clause filters and the group fold buttons hide the right rows, and the header row and clause column stay in view while the table scrolls (tests/browser/matrix.test.js).
    let Some(tools) =
        browser_or_skip("browser_matrix_page_filters_folds_and_keeps_its_headers_in_view")
    else {
        return;
    };
    let out = Command::new(&tools.node)
        .current_dir(&tools.dir)
        .arg("matrix.test.js")
        .arg("--out")
        .arg(output())
        .args(["--page", "matrix/iso9001-2008--iso20000-1-2011/index.html"])
        .env("CHROMIUM_PATH", &tools.chromium)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(" passed, 0 failed"),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run tests/browser/ux.test.js over the output `out`, its screenshots
/// into `shots`; panics unless every check passed (at least 9).
fn run_ux(tools: &BrowserTools, out: &std::path::Path, shots: &std::path::Path) {
    let run = Command::new(&tools.node)
        .current_dir(&tools.dir)
        .arg("ux.test.js")
        .arg("--out")
        .arg(out)
        .arg("--shots")
        .arg(shots)
        .env("CHROMIUM_PATH", &tools.chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!("{stdout}");
    assert!(
        run.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let passed = passed_checks(&stdout);
    assert!(passed >= 9, "only {passed} browser checks ran:\n{stdout}");
    assert!(shots.join("document-phone.png").is_file());
}

#[test]
fn navigation_and_small_things_work_in_a_browser() {
    // Contents highlight, foldable clause outline, previous/next clause, colour scheme toggle, SVG banner icons, page links without the download arrow and the phone layout work in Chromium from file://; screenshots of the main pages at desktop and phone widths land in target/screenshots/ (tests/browser/ux.test.js).
    let Some(tools) = browser_or_skip("navigation_and_small_things_work_in_a_browser") else {
        return;
    };
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    run_ux(&tools, output(), &target.join("screenshots"));
}

#[test]
fn the_pages_fit_a_phone_with_history_on() {
    // With history (this repository's example site, built where it is committed), a document page with its revision history still fits a phone's width and the other checks of ux.test.js hold.
    let Some(tools) = browser_or_skip("the_pages_fit_a_phone_with_history_on") else {
        return;
    };
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(&repo_root(), &out, &["--quiet"]);
    run.assert_code(0);
    assert!(
        read(&out, "documents/sms-pro-007/index.html").contains("revision-history"),
        "history is off in the build of the repository's site"
    );
    run_ux(&tools, &out, &tmp.path().join("shots"));
}
