//! Helpers shared by every integration test: one way each to copy a site,
//! run the binary, build and expect a failure, edit a file, and one fixed
//! "today"; reading an output folder back and checking its links
//! ([`html`]); located messages, CSV and snapshot files ([`report`]);
//! `clausebook serve` ([`serve`]); and the tools the browser tests need
//! ([`tools`]).
//!
//! Fixture sites live in `tests/fixtures/sites/<name>/` (and the sites of
//! `tests/check.rs` in `tests/fixtures/check/<name>/`); tests that modify a
//! site work on a copy in a temporary folder. Every build writes into a
//! temporary folder (`--output`), never into the repository.
//!
//! Snapshots: `assert_snapshot` compares generated text with the expected
//! copy in `tests/snapshots/`. After an intended change of an output, run
//!
//! ```sh
//! UPDATE_SNAPSHOTS=1 cargo test
//! ```
//!
//! to rewrite the expected files, then review the change with `git diff
//! tests/snapshots/` before committing it.

// Each test binary uses a part of these helpers.
#![allow(dead_code, unused_imports)]

pub mod html;
pub mod report;
pub mod serve;
pub mod tools;

pub use html::*;
pub use report::*;
pub use serve::*;
pub use tools::*;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use clausebook::base::diag::Diagnostic;
use clausebook::publish::{BuildError, BuildOptions, BuildReport};
use clausebook::resolve::{LoadOptions, Site};

// ------------------------------------------------------------ the date

/// The one "today" of every test, so that review deadlines never make a
/// test depend on the calendar. The sites of `tests/fixtures/check/` are
/// dated around it (a review due in 20, 30, 31 days …).
pub const TODAY: &str = "2026-11-23";

/// [`TODAY`] as a date.
pub fn today() -> jiff::civil::Date {
    TODAY.parse().expect("TODAY is a date")
}

/// The date on this machine's clock, for the few commands that have no
/// `--today` (`init` dates its samples from it; `serve` checks reviews
/// against it): tests using it must not depend on its value.
pub fn real_today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

// ------------------------------------------------------------ sites

/// The crate root, which is also the example site.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.rs` files below `dir`, as (path relative to `base`, with `/`,
/// and text), in path order: the sources the checks of the code read.
pub fn rust_files(dir: &Path, base: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A fixture site of `tests/fixtures/sites/` (read only: copy it with
/// [`copy_fixture`] to change it).
pub fn fixture(name: &str) -> PathBuf {
    let p = repo_root().join("tests/fixtures/sites").join(name);
    assert!(
        p.join("content").is_dir(),
        "no fixture site {}",
        p.display()
    );
    p
}

/// A fixture site of `tests/fixtures/check/` (read only).
pub fn check_fixture(name: &str) -> PathBuf {
    let p = repo_root().join("tests/fixtures/check").join(name);
    assert!(
        p.join("clausebook.toml").is_file(),
        "no fixture site {}",
        p.display()
    );
    p
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("clausebook-test-")
        .tempdir()
        .expect("create a temporary folder")
}

/// Copy a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the site at `from` (any fixture or the example) in
/// `<tmp>/site`, for tests that change it.
pub fn copy_site(from: &Path, tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    if from == repo_root() {
        copy_example_site(&site);
    } else {
        copy_dir(from, &site);
    }
    site
}

/// A fixture site of `tests/fixtures/sites/` copied to `<tmp>/site`.
pub fn copy_fixture(name: &str, tmp: &Path) -> PathBuf {
    copy_site(&fixture(name), tmp)
}

/// Copy the example site's sources (clausebook.toml and content/) to
/// `root`, a folder that does not exist yet.
pub fn copy_example_site(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    std::fs::copy(
        repo_root().join("clausebook.toml"),
        root.join("clausebook.toml"),
    )
    .unwrap();
    copy_dir(&repo_root().join("content"), &root.join("content"));
}

/// A small site written by the test: a `clausebook.toml` (`config`, which
/// must hold the title) and documents as (path below `content/`, file
/// text) in `<tmp>/site`.
pub fn write_site(tmp: &Path, config: &str, docs: &[(&str, &str)]) -> PathBuf {
    let site = tmp.join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("clausebook.toml"), config).unwrap();
    for (rel, text) in docs {
        write_file(&site.join("content").join(rel), text);
    }
    site
}

/// Write a file, creating its folder.
pub fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The example site copied and built once per test binary (with the
/// fixed [`TODAY`]) into `target/tmp/`: its sources and its output.
pub fn example_build() -> &'static (PathBuf, PathBuf) {
    static BUILT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        // A folder per test binary, so that two binaries never share it.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("example-{}", env!("CARGO_CRATE_NAME")));
        let _ = std::fs::remove_dir_all(&dir);
        let site = dir.join("site");
        copy_example_site(&site);
        // The output folder of its clausebook.toml, where `search` looks.
        let out = site.join("public");
        build_cli(&site, &out, &["--quiet"]).assert_code(0);
        (site, out)
    })
}

// ------------------------------------------------------------ editing

/// Change the file at `path` with `f`, which must change it: a test never
/// goes on after an edit that did not happen (a fixture changed under it).
#[track_caller]
pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let new = f(text.clone());
    assert!(
        new != text,
        "the edit of {} changes nothing",
        path.display()
    );
    std::fs::write(path, new).unwrap();
}

/// Replace the first `from` in the file at `path` by `to` (an [`edit`]
/// whose text must hold `from`).
#[track_caller]
pub fn replace(path: &Path, from: &str, to: &str) {
    edit(path, |text| {
        assert!(text.contains(from), "{} has no `{from}`", path.display());
        replaced(&text, from, to)
    });
}

/// `text` with its first `from` replaced by `to`; panics when `text` has
/// no `from`.
#[track_caller]
pub fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no `{from}` in:\n{text}");
    text.replacen(from, to, 1)
}

/// Append `text` to the file at `path` (an [`edit`]).
#[track_caller]
pub fn append(path: &Path, text: &str) {
    edit(path, |old| old + text);
}

/// Add `lines` to the `[check]` table of a site's clausebook.toml (creating
/// the table at the end when there is none).
#[track_caller]
pub fn add_check_rules(root: &Path, lines: &[&str]) {
    let added = lines.join("\n");
    edit(&root.join("clausebook.toml"), |text| {
        match text.find("\n[check]\n") {
            Some(i) => {
                let at = i + "\n[check]\n".len();
                format!("{}{added}\n{}", &text[..at], &text[at..])
            }
            None => format!("{text}\n[check]\n{added}\n"),
        }
    });
}

/// Set a top-level key of a site's clausebook.toml (added before the first
/// table, where TOML wants it).
#[track_caller]
pub fn set_config_key(root: &Path, line: &str) {
    edit(&root.join("clausebook.toml"), |text| {
        match text.find("\n[") {
            Some(i) => format!("{}\n{line}{}", &text[..i], &text[i..]),
            None => format!("{}\n{line}\n", text.trim_end()),
        }
    });
}

/// Make review dates harmless for a command that has no `--today`
/// (`clausebook serve` measures them against the real date): neither an
/// overdue nor a due review is reported, whatever the date.
pub fn ignore_review_dates(root: &Path) {
    add_check_rules(
        root,
        &["review-overdue = \"allow\"", "review-due = \"allow\""],
    );
}

// ------------------------------------------------------------ the binary

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code; `None` when the process was killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Assert the exit code, and that the binary did not panic.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "clausebook panicked:\n{}",
            self.stderr
        );
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// The compiled `clausebook` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_clausebook")
}

/// Run `clausebook --color never <args>` in `cwd` (or a fresh temporary
/// folder), with colors off.
pub fn run_cli_in(cwd: Option<&Path>, args: &[&OsStr]) -> Run {
    run_cli_env(cwd, args, &[])
}

/// [`run_cli_in`] with environment variables set (`CLAUSEBOOK_TODAY` is
/// otherwise removed, so that only a test decides what "today" is).
pub fn run_cli_env(cwd: Option<&Path>, args: &[&OsStr], env: &[(&str, &str)]) -> Run {
    let tmp;
    let dir = match cwd {
        Some(d) => d,
        None => {
            tmp = tempdir();
            tmp.path()
        }
    };
    let out = Command::new(bin())
        .arg("--color")
        .arg("never")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("CLAUSEBOOK_TODAY")
        .envs(env.iter().copied())
        .output()
        .expect("run clausebook");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `clausebook --color never <args>`.
pub fn run_cli<S: AsRef<OsStr>>(args: &[S]) -> Run {
    let args: Vec<&OsStr> = args.iter().map(|a| a.as_ref()).collect();
    run_cli_in(None, &args)
}

/// `clausebook build --root <root> --output <out> --today TODAY <extra>`.
pub fn build_cli(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<OsString> = vec![
        "build".into(),
        "--root".into(),
        root.into(),
        "--output".into(),
        out.into(),
        "--today".into(),
        TODAY.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    run_cli(&args)
}

/// Build `root` with the binary into `<tmp>/out`, which must succeed;
/// returns the output folder.
#[track_caller]
pub fn build_site(root: &Path, tmp: &Path, extra: &[&str]) -> PathBuf {
    let out = tmp.join("out");
    build_cli(root, &out, extra).assert_code(0);
    out
}

/// Build `root` with the binary into a fresh temporary folder, expecting
/// exit `code` (1: content errors, 2: usage or configuration): nothing may
/// be written, neither the output nor a folder beside it.
#[track_caller]
pub fn build_fails(root: &Path, code: i32, extra: &[&str]) -> Run {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(root, &out, extra);
    run.assert_code(code);
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "a failed build wrote {left:?} into {}:\n{}",
        tmp.path().display(),
        run.stderr
    );
    run
}

/// `clausebook check --root <root> --today TODAY --format <format> <extra>`.
pub fn check_cli(root: &Path, format: &str, extra: &[&str]) -> Run {
    let mut args: Vec<OsString> = vec![
        "check".into(),
        "--root".into(),
        root.into(),
        "--today".into(),
        TODAY.into(),
        "--format".into(),
        format.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    run_cli(&args)
}

// ------------------------------------------------------------ the library

pub fn load_options(drafts: bool) -> LoadOptions {
    LoadOptions {
        drafts,
        today: today(),
    }
}

/// Load a site with the library (no output written).
pub fn load_site(root: &Path, drafts: bool) -> Site {
    match Site::load(root, load_options(drafts)) {
        Ok(s) => s,
        Err(e) => panic!("cannot load {}: {e:?}", root.display()),
    }
}

/// The (id, title) of each published document of a loaded site.
pub fn published_docs(site: &Site) -> Vec<(String, String)> {
    site.docs
        .iter()
        .zip(&site.published)
        .filter(|(_, p)| **p)
        .map(|(d, _)| (d.meta.id.clone(), d.meta.title.clone()))
        .collect()
}

/// Build a site with the library; `Err` holds the rendered diagnostics.
pub fn build_lib(root: &Path, out: &Path, drafts: bool) -> Result<BuildReport, String> {
    let opts = BuildOptions {
        load: load_options(drafts),
        output: Some(out.to_path_buf()),
        allow_errors: false,
    };
    let render = |ds: Vec<Diagnostic>| {
        ds.iter()
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match clausebook::publish::build(root, &opts) {
        Ok(r) => Ok(r),
        Err(BuildError::Config(ds)) => Err(format!("configuration error:\n{}", render(ds))),
        Err(BuildError::Content(ds)) => Err(format!("content errors:\n{}", render(ds.0))),
    }
}

/// Build with the library and panic with the diagnostics on failure.
#[track_caller]
pub fn build_ok(root: &Path, out: &Path, drafts: bool) -> BuildReport {
    match build_lib(root, out, drafts) {
        Ok(r) => r,
        Err(e) => panic!("build of {} failed: {e}", root.display()),
    }
}
