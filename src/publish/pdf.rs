//! Writing the audit pack: the HTML file, or a PDF printed from it by a
//! locally installed Chromium (headless, in a temporary folder of its own,
//! killed after a timeout).
//!
//! The table of contents gets its page numbers in two passes: the pack is
//! printed once, the PDF is read (`lopdf`) for the page of each named
//! destination (Chromium writes one for every element a link of the page
//! points to, and the contents link to every document), the numbers are
//! filled in and the pack is printed again. Nothing is written outside the
//! output but the temporary folder, which is removed; the output file is
//! replaced only once the new one is complete.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::base::diag::Diagnostic;

/// The variable naming the browser to print with (a path or a name on the
/// `PATH`), before the usual names are tried.
pub const BROWSER_VAR: &str = "CLAUSEBOOK_CHROMIUM";

/// The browsers tried, in order, on the `PATH`.
pub const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long one printing may take before the browser is killed, unless
/// `CLAUSEBOOK_PDF_TIMEOUT` gives another number of seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The browser to print with: `$CLAUSEBOOK_CHROMIUM`, else the first of
/// [`BROWSERS`] on the `PATH`; else an error naming what to install.
pub fn find_browser() -> Result<PathBuf, Diagnostic> {
    if let Some(v) = std::env::var_os(BROWSER_VAR).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(&v);
        return on_path(&p).ok_or_else(|| {
            Diagnostic::error(
                BROWSER_VAR,
                format!("{BROWSER_VAR}={} names no program", p.display()),
            )
            .with_help("set it to the path of a Chromium or Chrome program, or unset it to look for `chromium` on the PATH")
        });
    }
    BROWSERS
        .iter()
        .find_map(|n| on_path(Path::new(n)))
        .ok_or_else(|| {
            Diagnostic::error(
                "--pdf",
                format!(
                    "printing to PDF needs Chromium or Google Chrome, and none was found on the PATH (looked for {})",
                    BROWSERS.join(", ")
                ),
            )
            .with_help(format!(
                "install it (Debian and Ubuntu: `apt install chromium`; elsewhere Chromium or Google Chrome), \
                 or set {BROWSER_VAR} to its path; without --pdf the pack is written as HTML"
            ))
        })
}

/// `p` if it is a file, or the program of that name on the `PATH`.
fn on_path(p: &Path) -> Option<PathBuf> {
    if p.components().count() > 1 || p.is_absolute() {
        return p.is_file().then(|| p.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(p))
            .find(|c| c.is_file())
    })
}

/// The timeout of one printing: `CLAUSEBOOK_PDF_TIMEOUT` seconds, else
/// [`DEFAULT_TIMEOUT`].
fn timeout() -> Duration {
    std::env::var("CLAUSEBOOK_PDF_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs)
}

/// A temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Result<TempDir, Diagnostic> {
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = base.join(format!("clausebook-pack-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| {
            Diagnostic::error(
                &dir,
                format!("cannot create a temporary folder to print in: {e}"),
            )
            .with_help("check that the temporary folder ($TMPDIR, else /tmp) is writable")
        })?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Print `html` to PDF with `browser` in `tmp`; returns the PDF's bytes.
pub fn print(browser: &Path, html: &str, tmp: &TempDir) -> Result<Vec<u8>, Diagnostic> {
    let dir = tmp.path();
    let page = dir.join("pack.html");
    let pdf = dir.join("pack.pdf");
    let _ = std::fs::remove_file(&pdf);
    std::fs::write(&page, html).map_err(|e| {
        Diagnostic::error(&page, format!("cannot write the pack to print: {e}")).with_help(
            "check that the temporary folder ($TMPDIR, else /tmp) is writable and has room",
        )
    })?;
    let log = dir.join("browser.log");
    let log_file = std::fs::File::create(&log)
        .map_err(|e| Diagnostic::error(&log, format!("cannot write the browser's log: {e}")))?;
    let home = dir.join("home");
    let _ = std::fs::create_dir_all(&home);
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        // The pack makes no request; a stray one would find no host.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", dir.join("profile").display()))
    .arg(format!("--print-to-pdf={}", pdf.display()))
    .arg(file_url(&page))
    // Everything the browser keeps goes into the temporary folder.
    .env("HOME", &home)
    .env("XDG_CONFIG_HOME", home.join(".config"))
    .env("XDG_CACHE_HOME", home.join(".cache"))
    // Not TMPDIR: Chromium puts its singleton socket there, whose path
    // may not be long (a unix socket's is at most 108 bytes).
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(log_file);
    if running_as_root() {
        // Chromium refuses to start as root with its sandbox.
        cmd.arg("--no-sandbox");
    }
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| {
        Diagnostic::error(browser, format!("cannot start the browser: {e}")).with_help(format!(
            "check that it runs (`{} --version`), or set {BROWSER_VAR} to another Chromium",
            browser.display()
        ))
    })?;
    let limit = timeout();
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() >= limit => {
                kill_group(&mut child);
                return Err(Diagnostic::error(
                    browser,
                    format!(
                        "the browser did not finish printing within {} s and was stopped",
                        limit.as_secs()
                    ),
                )
                .with_help("a very large pack takes longer: set CLAUSEBOOK_PDF_TIMEOUT to more seconds, or choose fewer documents with --clause"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                kill_group(&mut child);
                return Err(Diagnostic::error(
                    browser,
                    format!("cannot wait for the browser: {e}"),
                ));
            }
        }
    };
    // Helpers the browser started may outlive it: end them all.
    kill_group(&mut child);
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    if !status.success() || bytes.is_empty() {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&log) {
            let _ = f.read_to_string(&mut text);
        }
        let tail: Vec<&str> = text.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(Diagnostic::error(
            browser,
            format!(
                "the browser did not print the pack ({status}){}",
                if tail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", tail.join(" | "))
                }
            ),
        )
        .with_help(format!("check that it runs headless (`{} --headless --version`), or set {BROWSER_VAR} to another Chromium", browser.display())));
    }
    Ok(bytes)
}

fn file_url(p: &Path) -> String {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(unix)]
fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}

/// Kill the browser and every process of its group.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill has no memory preconditions; the group is the one
        // the child was started in (`process_group(0)`).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The page (1-based) of every named destination of the PDF `bytes`.
pub fn destination_pages(bytes: &[u8]) -> Result<HashMap<String, usize>, String> {
    use lopdf::{Dictionary, Document, Object};
    let doc = Document::load_mem(bytes).map_err(|e| format!("cannot read the PDF: {e}"))?;
    let pages: HashMap<lopdf::ObjectId, usize> = doc
        .get_pages()
        .into_iter()
        .map(|(n, id)| (id, n as usize))
        .collect();
    let page_of = |v: &Object| -> Option<usize> {
        let v = doc.dereference(v).ok()?.1;
        let arr = match v {
            Object::Array(a) => a,
            Object::Dictionary(d) => d.get_deref(b"D", &doc).ok()?.as_array().ok()?,
            _ => return None,
        };
        pages.get(&arr.first()?.as_reference().ok()?).copied()
    };
    let mut out = HashMap::new();
    let catalog = doc
        .catalog()
        .map_err(|e| format!("the PDF has no catalog: {e}"))?;
    // PDF 1.1: a dictionary of names.
    if let Ok(d) = catalog.get_deref(b"Dests", &doc).and_then(Object::as_dict) {
        for (k, v) in d.iter() {
            if let Some(n) = page_of(v) {
                out.insert(String::from_utf8_lossy(k).into_owned(), n);
            }
        }
    }
    // PDF 1.2 and later: a name tree under /Names /Dests.
    fn walk(
        doc: &Document,
        node: &Dictionary,
        page_of: &dyn Fn(&Object) -> Option<usize>,
        out: &mut HashMap<String, usize>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        if let Ok(kids) = node.get_deref(b"Kids", doc).and_then(Object::as_array) {
            for k in kids {
                if let Ok(d) = doc.dereference(k).and_then(|(_, o)| o.as_dict()) {
                    walk(doc, d, page_of, out, depth + 1);
                }
            }
        }
        if let Ok(names) = node.get_deref(b"Names", doc).and_then(Object::as_array) {
            for pair in names.chunks(2) {
                if let [k, v] = pair
                    && let (Ok(k), Some(n)) = (k.as_str(), page_of(v))
                {
                    out.insert(String::from_utf8_lossy(k).into_owned(), n);
                }
            }
        }
    }
    if let Ok(tree) = catalog
        .get_deref(b"Names", &doc)
        .and_then(Object::as_dict)
        .and_then(|n| n.get_deref(b"Dests", &doc))
        .and_then(Object::as_dict)
    {
        walk(&doc, tree, &page_of, &mut out, 0);
    }
    Ok(out)
}

/// Write `bytes` to `path`: into a hidden file beside it first, renamed
/// over `path` once complete, so that an existing file is replaced only by
/// a whole new one.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "pack".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let fail = |e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        Diagnostic::error(path, format!("cannot write the pack: {e}")).with_help(
            "check that its folder exists and is writable, or choose another with --output",
        )
    };
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}
