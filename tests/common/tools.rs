//! The tools the browser tests need: node, Debian's Chromium and the node
//! packages of `tests/browser/`.
//!
//! A missing tool fails the test, naming what to install: a skipped test
//! would pass unseen. `CLAUSEBOOK_SKIP_BROWSER=1` skips these tests
//! instead, with a notice written straight to the terminal (past the test
//! runner's capture); `CLAUSEBOOK_REQUIRE_BROWSER=1` (set by `.ci/run`)
//! overrides it.

use std::io::Write;
use std::path::PathBuf;

use super::repo_root;

/// Node, Chromium and the folder of the browser test's node packages.
pub struct BrowserTools {
    pub node: PathBuf,
    pub chromium: PathBuf,
    /// `tests/browser/`, with its `node_modules/`.
    pub dir: PathBuf,
}

fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// A program on the PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// `None` when the test is to be skipped (after printing so); panics when
/// tools are missing and no skip was asked for.
fn skip_or_fail(test: &str, missing: &[String]) -> Option<()> {
    let required = env_flag("CLAUSEBOOK_REQUIRE_BROWSER");
    if env_flag("CLAUSEBOOK_SKIP_BROWSER") && !required {
        let what = if missing.is_empty() {
            String::new()
        } else {
            format!(" (it needs {})", missing.join(", "))
        };
        // Straight to the terminal, in one write: the test runner captures
        // only the print macros, and a skip must be seen.
        let notice = format!("\n*** SKIPPED {test}{what}: CLAUSEBOOK_SKIP_BROWSER is set ***\n\n");
        let _ = std::io::stderr().write_all(notice.as_bytes());
        return None;
    }
    if missing.is_empty() {
        return Some(());
    }
    panic!(
        "{test} needs {}.\nInstall them (`.ci/run` does), or run `CLAUSEBOOK_SKIP_BROWSER=1 cargo test` to skip the browser tests{}.",
        missing.join(", "),
        if required {
            " (CLAUSEBOOK_REQUIRE_BROWSER is set: they may not be skipped)"
        } else {
            ""
        }
    );
}

/// Node, or `None` when the browser tests are skipped.
#[track_caller]
pub fn node_or_skip(test: &str) -> Option<PathBuf> {
    let node = which("node");
    let missing: Vec<String> = if node.is_none() {
        vec!["node (apt-get install nodejs npm)".to_string()]
    } else {
        Vec::new()
    };
    skip_or_fail(test, &missing)?;
    node
}

/// Node, Chromium (`$CHROMIUM_PATH`, by default `/usr/bin/chromium`) and
/// `tests/browser/node_modules`, or `None` when the browser tests are
/// skipped.
#[track_caller]
pub fn browser_or_skip(test: &str) -> Option<BrowserTools> {
    let chromium = std::env::var_os("CHROMIUM_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let dir = repo_root().join("tests/browser");
    let node = which("node");
    let mut missing = Vec::new();
    if node.is_none() {
        missing.push("node (apt-get install nodejs npm)".to_string());
    }
    if !chromium.is_file() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    if !dir.join("node_modules/playwright-core").is_dir() {
        missing.push(
            "tests/browser/node_modules (npm ci --prefix tests/browser --no-audit --no-fund)"
                .to_string(),
        );
    }
    skip_or_fail(test, &missing)?;
    Some(BrowserTools {
        node: node?,
        chromium,
        dir,
    })
}

/// Runs tests/browser/shards.js (theme/search.js's engine of the static
/// index, in node) on the written index `search` (an output's `search/`),
/// for each (query, mode); its JSON answers.
pub fn run_shards_js(
    node: &std::path::Path,
    search: &std::path::Path,
    queries: &[(&str, &str)],
) -> Vec<serde_json::Value> {
    let tmp = super::tempdir();
    let file = tmp.path().join("queries.json");
    std::fs::write(&file, serde_json::to_string(queries).unwrap()).unwrap();
    let out = std::process::Command::new(node)
        .arg(repo_root().join("tests/browser/shards.js"))
        .arg(search)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).expect("JSON")
}
