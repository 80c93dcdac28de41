//! Helpers shared by the integration tests: fixture sites, running the
//! binary, reading an output folder back, checking its links, and snapshot
//! files.
//!
//! Fixture sites live in `tests/fixtures/sites/<name>/`; tests that modify a
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

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use clausebook::build::{BuildError, BuildOptions, BuildReport};
use clausebook::diag::Diagnostic;
use clausebook::site::{LoadOptions, Site};

/// The crate root, which is also the example site.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site (read only: copy it with [`copy_fixture`] to change it).
pub fn fixture(name: &str) -> PathBuf {
    let p = repo_root().join("tests/fixtures/sites").join(name);
    assert!(
        p.join("content").is_dir(),
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

/// A fixture site copied to `<tmp>/site`, for tests that change it.
pub fn copy_fixture(name: &str, tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_dir(&fixture(name), &site);
    site
}

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

/// Run `clausebook --color never <args>` in `cwd` (or a fresh temporary
/// folder), with colors off.
pub fn run_cli_in(cwd: Option<&Path>, args: &[&std::ffi::OsStr]) -> Run {
    let tmp;
    let dir = match cwd {
        Some(d) => d,
        None => {
            tmp = tempdir();
            tmp.path()
        }
    };
    let out = Command::new(env!("CARGO_BIN_EXE_clausebook"))
        .arg("--color")
        .arg("never")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run clausebook");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `clausebook --color never <args>`.
pub fn run_cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    run_cli_in(None, &args)
}

/// `clausebook build --root <root> --output <out> --today <today()> <extra>`:
/// the fixed date keeps review deadlines from making tests depend on the
/// calendar.
pub fn build_cli(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec![
        "build".into(),
        "--root".into(),
        root.into(),
        "--output".into(),
        out.into(),
        "--today".into(),
        today().to_string().into(),
    ];
    args.extend(extra.iter().map(Into::into));
    run_cli(&args)
}

/// The fixed "today" of library builds, so that review dates do not make
/// tests depend on the calendar.
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 6, 1)
}

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
    match clausebook::build::build(root, &opts) {
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

// ------------------------------------------------------------ output trees

/// Whether `rel` lies in a tantivy index folder (a binary index whose
/// segment files are not meant to be byte-identical between builds).
pub fn is_search_index(rel: &str) -> bool {
    rel.split('/').any(|c| c == "tantivy")
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

/// Every file below `dir`: `/`-separated relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// A text file of an output folder.
#[track_caller]
pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel} of the output: {e}"))
}

/// Decode the entities the templates and pulldown-cmark write in attributes.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values of every `attr="..."` (or `attr='...'`) attribute in `html`,
/// unescaped.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let pat = format!("{attr}={quote}");
        let mut from = 0;
        while let Some(i) = html[from..].find(&pat) {
            let start = from + i;
            let value_start = start + pat.len();
            from = value_start;
            let before = html[..start].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            if let Some(end) = html[value_start..].find(quote) {
                out.push(unescape(&html[value_start..value_start + end]));
            }
        }
    }
    out
}

/// Every `id` in a page.
pub fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id").into_iter().collect()
}

/// The `href` of the link whose whole text is `text` (`<a href="X">text</a>`).
pub fn href_of(html: &str, text: &str) -> Option<String> {
    let end = format!(">{text}</a>");
    let i = html.find(&end)?;
    let open = html[..i].rfind("<a ")?;
    attr_values(&html[open..=i], "href").into_iter().next()
}

/// Document ids shown as `<span class="doc-id">ID</span>` (document lists
/// of the built-in templates).
pub fn doc_ids_in(html: &str) -> BTreeSet<String> {
    html.split("<span class=\"doc-id\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect()
}

/// Decode `%XX` escapes of a URL path.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a URL names a scheme (`https:`, `mailto:`) or another host (`//`).
pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.chars().next().unwrap().is_ascii_alphabetic()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolve a relative `href` of the page at `page` (a path of the output)
/// to the path of an output file and its fragment. `None` when it climbs
/// out of the output folder.
pub fn resolve_href(page: &str, href: &str) -> Option<(String, Option<String>)> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Some((page.to_string(), fragment));
    }
    let mut parts: Vec<String> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<String> = page.split('/').map(str::to_string).collect();
        p.pop();
        p
    };
    for comp in Path::new(&percent_decode(path.trim_start_matches('/'))).components() {
        match comp {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    let mut target = parts.join("/");
    if path.ends_with('/') || target.is_empty() {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some((target, fragment))
}

/// Check every `href`, `src` and `action` of every HTML page of an output
/// tree: relative links must name a file of the output (a folder meaning its
/// `index.html`) and a fragment must be an `id` of the target page. Links
/// to other hosts are reported unless `allow_external`. Root-relative links
/// (`/x`) are accepted only in `404.html`, which is served at any depth.
/// Returns one line per problem, and the number of links checked.
pub fn link_problems(
    files: &BTreeMap<String, Vec<u8>>,
    allow_external: bool,
) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut id_cache: HashMap<String, BTreeSet<String>> = HashMap::new();
    let is_dir = |p: &str| {
        let prefix = format!("{p}/");
        files.keys().any(|k| k.starts_with(&prefix))
    };
    for (page, bytes) in files {
        if !page.ends_with(".html") || is_search_index(page) {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href", "src", "action"] {
            for url in attr_values(&html, attr) {
                checked += 1;
                // A `data:` URL (the empty favicon) is inline: no request.
                if url.starts_with("data:") {
                    continue;
                }
                if is_external(&url) {
                    if !allow_external
                        || !(url.starts_with("http://")
                            || url.starts_with("https://")
                            || url.starts_with("mailto:"))
                    {
                        problems.push(format!("{page}: {attr}=\"{url}\" points to another host"));
                    }
                    continue;
                }
                if url.starts_with('/') && page != "404.html" {
                    problems.push(format!(
                        "{page}: {attr}=\"{url}\" is root-relative (breaks under a sub-path and on file://)"
                    ));
                    continue;
                }
                let Some((mut target, fragment)) = resolve_href(page, &url) else {
                    problems.push(format!("{page}: {attr}=\"{url}\" leaves the output folder"));
                    continue;
                };
                if !files.contains_key(&target) && is_dir(&target) {
                    target = format!("{target}/index.html");
                }
                let Some(target_bytes) = files.get(&target) else {
                    problems.push(format!("{page}: {attr}=\"{url}\" → missing file {target}"));
                    continue;
                };
                if let Some(f) = fragment.filter(|f| !f.is_empty())
                    && target.ends_with(".html")
                {
                    let ids = id_cache
                        .entry(target.clone())
                        .or_insert_with(|| ids(&String::from_utf8_lossy(target_bytes)));
                    if !ids.contains(&f) {
                        problems.push(format!(
                            "{page}: {attr}=\"{url}\" → {target} has no id=\"{f}\""
                        ));
                    }
                }
            }
        }
    }
    (problems, checked)
}

// ------------------------------------------------------------ diagnostics

/// Assert that `stderr` holds a rustc-like located message: the location
/// `file:line:col`, the source line shown after the line number, and a caret
/// under column `col` on the next line.
#[track_caller]
pub fn assert_located(stderr: &str, file: &str, line: usize, col: usize, source: &str) {
    let location = format!("{file}:{line}:{col}");
    assert!(
        stderr.contains(&location),
        "no location {location} in:\n{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    let gutter = format!("{line} |");
    let found = lines.iter().enumerate().find_map(|(i, l)| {
        let t = l.trim_start();
        let rest = t.strip_prefix(&gutter)?;
        (rest.strip_prefix(' ').unwrap_or(rest) == source).then_some(i)
    });
    let Some(i) = found else {
        panic!("source line {line} `{source}` is not shown in:\n{stderr}");
    };
    let shown = lines[i];
    let text_start = shown.find(&gutter).unwrap() + gutter.len() + 1;
    let caret_line = lines.get(i + 1).copied().unwrap_or_default();
    let caret = caret_line.find('^').unwrap_or_else(|| {
        panic!("no caret under `{shown}` in:\n{stderr}");
    });
    let expected: usize = text_start
        + source
            .chars()
            .take(col - 1)
            .map(char::len_utf8)
            .sum::<usize>();
    assert_eq!(
        caret, expected,
        "caret is not under column {col} of `{source}`:\n{shown}\n{caret_line}"
    );
}

/// Lines of `stderr` that start an error message.
pub fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .filter(|l| !l.starts_with("error: build failed"))
        .collect()
}

// ------------------------------------------------------------ CSV

/// Parse CSV text (RFC 4180: quoted fields, doubled quotes, line breaks in
/// quotes).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            c => field.push(c),
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// CSV rows as maps from header to value.
pub fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rows = parse_csv(text).into_iter();
    let header = rows.next().expect("a header row");
    rows.map(|r| {
        assert_eq!(r.len(), header.len(), "ragged CSV row {r:?}");
        header.iter().cloned().zip(r).collect()
    })
    .collect()
}

/// Document ids of an export cell: `A-1; B-2 [partial, draft]` → {A-1, B-2}.
pub fn doc_ids_of_cell(cell: &str) -> BTreeSet<String> {
    cell.split("; ")
        .filter(|s| !s.is_empty())
        .map(|s| s.split(" [").next().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------ snapshots

/// Compare `actual` with `tests/snapshots/<name>`; with `UPDATE_SNAPSHOTS=1`
/// write it there instead. See the module documentation.
#[track_caller]
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = repo_root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run `UPDATE_SNAPSHOTS=1 cargo test` to create it",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    let from = first.saturating_sub(3);
    let show = |v: &[&str]| {
        v.iter()
            .enumerate()
            .skip(from)
            .take(8)
            .map(|(i, l)| format!("{:>4} | {l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "snapshot {name} differs from line {}\n--- expected ({})\n{}\n--- actual\n{}\n\
         If the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test` and review `git diff tests/snapshots/`.",
        first + 1,
        path.display(),
        show(&e),
        show(&a)
    );
}

/// Replace machine-specific paths in `text` by placeholders.
pub fn normalize_paths(text: &str, paths: &[(&Path, &str)]) -> String {
    let mut out = text.to_string();
    for (p, placeholder) in paths {
        out = out.replace(&p.display().to_string(), placeholder);
    }
    out.replace('\\', "/")
}
