//! `clausebook serve`: build the site, then serve the output folder on
//! 127.0.0.1 with a search API.
//!
//! - Static files come from the output folder only: the path is
//!   percent-decoded once, `..` segments, backslashes, NUL bytes and hidden
//!   (dot) files are refused, and the file's canonical path must lie inside
//!   the canonical output folder, so a symlink cannot lead out of it.
//!   Folders answer with their `index.html` (after a redirect adding the
//!   trailing `/`, so relative links resolve); anything missing gets the
//!   site's `404.html` with status 404.
//! - `GET /api/search?q=…&limit=…&kind=…&status=…&clause=…` answers with the
//!   JSON of [`crate::search::Hits`] (the shape of `clausebook search
//!   --json`). The query is parsed leniently and its last word completed as
//!   a prefix (search as you type); it may hold at most
//!   [`MAX_QUERY_CHARS`] characters and `limit` is capped at
//!   [`MAX_LIMIT`]. No CORS header is sent: only pages of this server may
//!   call it.
//! - `search/index.js`, the static index the theme's search box loads with
//!   a `<script>` tag, is answered with a small script that only points the
//!   search box at the API: `window.CLAUSEBOOK_SEARCH = {"version": 1,
//!   "api": "api/search"}`. This is how a page knows that it is served by
//!   Clausebook, without probing (a failed probe would log a network error
//!   in the browser's console on other hosts).
//!
//! What is served lives in one [`SiteState`] behind [`Server::swap`]: a
//! file watcher (live reload) can rebuild into the output folder and swap
//! in a fresh state (new index reader) while requests keep being answered.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::build::{BuildError, BuildOptions};
use crate::search::{ParseMode, SearchIndex, SearchRequest};
use crate::site::LoadOptions;

/// Default port of `clausebook serve`.
pub const DEFAULT_PORT: u16 = 8000;
/// Longest accepted search query, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most results one API call returns.
pub const MAX_LIMIT: usize = 50;
/// Results returned when the call gives no `limit`.
pub const DEFAULT_LIMIT: usize = 20;
/// Longest accepted request target, in bytes.
const MAX_URL_BYTES: usize = 4096;
/// Threads answering requests.
const WORKERS: usize = 4;

/// The script served in place of the static index.
const API_DESCRIPTOR: &str = "/* Served by clausebook serve: search through its API. */\n\
window.CLAUSEBOOK_SEARCH = {\"version\": 1, \"api\": \"api/search\"};\n";

/// What the server serves: one built output folder and its index.
pub struct SiteState {
    /// The output folder, canonical.
    root: PathBuf,
    index: Option<SearchIndex>,
    not_found: Vec<u8>,
    /// Live reload: HTML pages get the reload script, and the reload
    /// endpoints answer.
    live: Option<Arc<crate::live::Reload>>,
    /// Taken to read a file while a rebuild session may write over it.
    lock: Option<crate::rebuild::OutputLock>,
}

impl SiteState {
    /// Load the output folder `output` (built by `clausebook build`).
    pub fn load(output: &Path) -> std::io::Result<SiteState> {
        SiteState::load_with(output, None)
    }

    /// Load the output folder `output`, with `index` as its search index
    /// when given (one already open, e.g. the live index of a rebuild).
    pub fn load_with(output: &Path, index: Option<SearchIndex>) -> std::io::Result<SiteState> {
        let root = output.canonicalize()?;
        let index = match index {
            Some(i) => Some(i),
            None => SearchIndex::open(&root.join(crate::search::INDEX_DIR)).ok(),
        };
        let not_found = std::fs::read(root.join("404.html")).unwrap_or_else(|_| {
            b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>".to_vec()
        });
        Ok(SiteState {
            root,
            index,
            not_found,
            live: None,
            lock: None,
        })
    }

    /// Serve with live reload driven by `reload`.
    pub fn with_live(mut self, reload: Arc<crate::live::Reload>) -> SiteState {
        self.live = Some(reload);
        self
    }

    /// A file of the output, whole (never while a rebuild writes it).
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let _reading = self
            .lock
            .as_ref()
            .map(|l| l.read().unwrap_or_else(|e| e.into_inner()));
        std::fs::read(path)
    }

    /// Read the files under `lock`, which a rebuild holds while it writes.
    pub fn with_lock(mut self, lock: crate::rebuild::OutputLock) -> SiteState {
        self.lock = Some(lock);
        self
    }
}

/// A running server.
pub struct Server {
    http: Arc<tiny_http::Server>,
    state: Arc<RwLock<Arc<SiteState>>>,
    addr: SocketAddr,
}

impl Server {
    /// Listen on 127.0.0.1:`port` (0: any free port) and serve `state`.
    pub fn bind(port: u16, state: SiteState) -> Result<Server, String> {
        let http = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| "not listening on an IP address".to_string())?;
        Ok(Server {
            http: Arc::new(http),
            state: Arc::new(RwLock::new(Arc::new(state))),
            addr,
        })
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serve a new state from now on (after a rebuild). Requests under way
    /// finish with the old one.
    pub fn swap(&self, state: SiteState) {
        let mut cur = self.state.write().unwrap_or_else(|e| e.into_inner());
        *cur = Arc::new(state);
    }

    /// Answer requests until the process ends.
    pub fn run(&self) {
        let workers: Vec<_> = (0..WORKERS)
            .map(|_| {
                let http = Arc::clone(&self.http);
                let state = Arc::clone(&self.state);
                std::thread::spawn(move || {
                    while let Ok(req) = http.recv() {
                        let current = {
                            let guard = state.read().unwrap_or_else(|e| e.into_inner());
                            Arc::clone(&guard)
                        };
                        handle(&current, req);
                    }
                })
            })
            .collect();
        for w in workers {
            let _ = w.join();
        }
    }
}

/// Options of `clausebook serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub port: u16,
    pub drafts: bool,
    /// Watch the sources, rebuild on change and reload open pages.
    pub watch: bool,
    /// Print the phases of every rebuild.
    pub verbose: bool,
}

/// Run `clausebook serve`; returns the exit code (it only returns on
/// failure: 1 content errors, 2 configuration or port problems).
pub fn command(opts: &ServeOptions, color: bool) -> i32 {
    let build = BuildOptions {
        load: LoadOptions {
            drafts: opts.drafts,
            ..LoadOptions::default()
        },
        output: opts.output.clone(),
        allow_errors: false,
    };
    let (session, report) = match crate::rebuild::Session::start(&opts.root, &build) {
        Ok(r) => r,
        Err(BuildError::Config(ds)) => {
            for d in &ds {
                eprintln!("{}\n", d.render(color));
            }
            return crate::cli::EXIT_USAGE;
        }
        Err(BuildError::Content(ds)) => {
            for d in ds.iter() {
                eprintln!("{}\n", d.render(color));
            }
            eprintln!(
                "error: the site has {} error(s); fix them, or preview with `clausebook build --allow-errors`",
                ds.error_count()
            );
            return crate::cli::EXIT_CONTENT;
        }
    };
    for d in report.diags.iter().filter(|d| d.is_error()) {
        eprintln!("{}\n", d.render(color));
    }
    if report.diags.warning_count() > 0 {
        eprintln!(
            "{} warning(s): run `clausebook build` or `clausebook check` to see them",
            report.diags.warning_count()
        );
    }
    let reload = crate::live::Reload::new();
    let output = session.output().to_path_buf();
    let state = match SiteState::load(&output) {
        Ok(s) if opts.watch => s.with_live(Arc::clone(&reload)).with_lock(session.lock()),
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", output.display());
            return crate::cli::EXIT_USAGE;
        }
    };
    let server = match Server::bind(opts.port, state) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{}: {e}\n   = help: choose another port with --port, or --port 0 for any free one",
                opts.port
            );
            return crate::cli::EXIT_USAGE;
        }
    };
    println!(
        "Built {} documents into {}",
        report.documents,
        output.display()
    );
    println!("Serving at {} (Ctrl-C to stop)", server.url());
    let server = Arc::new(server);
    if opts.watch {
        let server = Arc::clone(&server);
        let mut session = session;
        let verbose = opts.verbose;
        std::thread::spawn(move || {
            let root = session.root().to_path_buf();
            let result = crate::live::watch(&root, &output, |changed| {
                rebuild(&mut session, &server, &reload, changed, color, verbose);
            });
            if let Err(e) = result {
                eprintln!("warning: cannot watch the site for changes ({e}); live reload is off");
            }
        });
        println!(
            "Watching content/, templates/, theme/, standards/ and clausebook.toml for changes"
        );
    }
    server.run();
    crate::cli::EXIT_OK
}

/// Rebuild after a change: on success serve the new output and reload the
/// open pages; on failure keep serving the last good site and show the
/// errors in the terminal and over the pages.
fn rebuild(
    session: &mut crate::rebuild::Session,
    server: &Server,
    reload: &Arc<crate::live::Reload>,
    changed: &[PathBuf],
    color: bool,
    verbose: bool,
) {
    let canonical = session.root().to_path_buf();
    let shown: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| {
            crate::diag::display_path(&canonical, p)
                .display()
                .to_string()
        })
        .collect();
    let more = changed.len().saturating_sub(3);
    let what = if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    };
    let start = std::time::Instant::now();
    let result = session.rebuild(changed);
    let index = session.take_index();
    match result {
        Ok(report) => match SiteState::load_with(session.output(), index) {
            Ok(state) => {
                server.swap(
                    state
                        .with_live(Arc::clone(reload))
                        .with_lock(session.lock()),
                );
                reload.publish(None);
                let how = if report.full {
                    "full build".to_string()
                } else {
                    format!("{} of {} pages rendered", report.rendered, report.pages)
                };
                println!(
                    "Rebuilt after a change to {what} in {:.0} ms ({} documents, {how})",
                    start.elapsed().as_secs_f64() * 1000.0,
                    report.documents
                );
                if verbose {
                    let phases: Vec<String> = report
                        .phases
                        .iter()
                        .map(|(n, d)| format!("{n} {:.1}", d.as_secs_f64() * 1000.0))
                        .collect();
                    println!("  phases (ms): {}", phases.join(", "));
                }
                // The exports follow the pages, which have reloaded.
                match session.settle() {
                    Some(Ok(e)) if verbose && e.changed => println!(
                        "  exports: {} files written {:.0} ms later",
                        e.written,
                        e.elapsed.as_secs_f64() * 1000.0
                    ),
                    Some(Err(d)) => {
                        eprintln!("{}\n", d.render(color));
                        eprintln!("error: the exports were not updated after the change to {what}");
                        reload.publish(Some(d.render(false)));
                    }
                    Some(Ok(_)) | None if verbose && !report.full => {
                        println!("  exports: unchanged")
                    }
                    _ => {}
                }
            }
            Err(e) => {
                let msg = format!("cannot open {}: {e}", session.output().display());
                eprintln!("error: {msg}");
                reload.publish(Some(msg));
            }
        },
        Err(BuildError::Config(ds)) | Err(BuildError::Content(crate::diag::Diagnostics(ds))) => {
            let mut text = String::new();
            for d in ds.iter().filter(|d| d.is_error()) {
                eprintln!("{}\n", d.render(color));
                text.push_str(&d.render(false));
                text.push_str("\n\n");
            }
            eprintln!(
                "error: the rebuild after a change to {what} failed; still serving the last good site"
            );
            reload.publish(Some(text));
        }
    }
}

// ------------------------------------------------------------- requests

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    // Only called with ASCII names and values built here.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Cache-Control", "no-cache"))
}

fn json_reply(status: u16, value: &impl serde::Serialize) -> Reply {
    reply(
        status,
        "application/json; charset=utf-8",
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

fn text_reply(status: u16, text: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

fn handle(state: &SiteState, mut req: Request) {
    // Drain a (pointless) body so keep-alive connections stay in sync.
    if req.body_length().is_some_and(|n| n > 0) {
        let _ = std::io::copy(&mut req.as_reader().take(1 << 20), &mut std::io::sink());
    }
    // A reload poll waits for the next build: answer it from a thread of
    // its own so that open tabs never hold up the workers.
    if let Some(live) = &state.live
        && let Some(since) = reload_poll(req.url())
    {
        let live = Arc::clone(live);
        std::thread::spawn(move || {
            let status = match since {
                Some(g) => live.wait(g, crate::live::POLL_TIMEOUT),
                None => live.status(),
            };
            let _ = req.respond(json_reply(200, &status));
        });
        return;
    }
    let response = respond(state, req.method(), req.url());
    let _ = req.respond(response);
}

/// `Some(since)` when `url` is a live-reload poll (`since` absent on the
/// first poll of a page).
fn reload_poll(url: &str) -> Option<Option<u64>> {
    let rest = url
        .strip_prefix(crate::live::PREFIX)?
        .strip_prefix("reload")?;
    if rest.is_empty() {
        return Some(None);
    }
    let q = rest.strip_prefix('?')?;
    let since = q
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok());
    Some(since)
}

/// The response to a request: the whole routing, without sockets.
pub fn respond(state: &SiteState, method: &Method, url: &str) -> Reply {
    if !matches!(method, Method::Get | Method::Head) {
        return text_reply(405, "Only GET and HEAD are supported.\n")
            .with_header(header("Allow", "GET, HEAD"));
    }
    if url.len() > MAX_URL_BYTES {
        return text_reply(414, "The address is too long.\n");
    }
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, q),
        None => (url, ""),
    };
    let path = path.split('#').next().unwrap_or_default();
    if path == "/api/search" {
        return api_search(state, query);
    }
    if state.live.is_some() && path == format!("{}live.js", crate::live::PREFIX) {
        return reply(
            200,
            "text/javascript; charset=utf-8",
            crate::live::CLIENT_JS.as_bytes().to_vec(),
        );
    }
    if path == "/api" || path.starts_with("/api/") {
        return json_reply(404, &serde_json::json!({"error": "no such API endpoint"}));
    }
    if path == format!("/{}", crate::search::STATIC_INDEX) {
        return reply(
            200,
            "text/javascript; charset=utf-8",
            API_DESCRIPTOR.as_bytes().to_vec(),
        );
    }
    match resolve(&state.root, path) {
        Resolved::File(p) => match state.read(&p) {
            Ok(bytes) => {
                let ty = content_type(&p);
                if state.live.is_some() && ty.starts_with("text/html") {
                    reply(200, ty, crate::live::inject(&bytes))
                } else {
                    reply(200, ty, bytes)
                }
            }
            Err(_) => not_found(state),
        },
        Resolved::Redirect => {
            let mut to = format!("{path}/");
            if !query.is_empty() {
                to.push('?');
                to.push_str(query);
            }
            text_reply(301, "Moved.\n").with_header(header("Location", &to))
        }
        // Browsers ask for /favicon.ico on their own: a site without one
        // gets "no content" rather than a 404 logged in the console.
        Resolved::NotFound if path == "/favicon.ico" => reply(204, "image/x-icon", Vec::new()),
        Resolved::BadRequest => text_reply(400, "Bad request.\n"),
        Resolved::Forbidden => text_reply(403, "Forbidden.\n"),
        Resolved::NotFound => not_found(state),
    }
}

fn not_found(state: &SiteState) -> Reply {
    reply(404, "text/html; charset=utf-8", state.not_found.clone())
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing `/`.
    Redirect,
    BadRequest,
    /// Leads outside the output folder, or to a hidden file.
    Forbidden,
    NotFound,
}

/// Map a request path (`/documents/x/`, percent-encoded) to a file of the
/// output folder `root` (canonical), refusing everything that leads
/// elsewhere.
pub fn resolve(root: &Path, raw_path: &str) -> Resolved {
    if !raw_path.starts_with('/') {
        return Resolved::BadRequest;
    }
    let Some(bytes) = percent_decode(raw_path, false) else {
        return Resolved::BadRequest;
    };
    let Ok(decoded) = String::from_utf8(bytes) else {
        return Resolved::BadRequest;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::BadRequest;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return Resolved::Forbidden,
            s if s.starts_with('.') => return Resolved::Forbidden,
            s => path.push(s),
        }
    }
    let inside = |p: &Path| -> Option<PathBuf> {
        let canonical = p.canonicalize().ok()?;
        canonical.starts_with(root).then_some(canonical)
    };
    if std::fs::symlink_metadata(&path).is_err() {
        return Resolved::NotFound;
    }
    let Some(canonical) = inside(&path) else {
        // A symlink leading out of the output folder (or a dangling one).
        return if path.canonicalize().is_ok() {
            Resolved::Forbidden
        } else {
            Resolved::NotFound
        };
    };
    if canonical.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect;
        }
        let index = canonical.join("index.html");
        return match inside(&index) {
            Some(p) if p.is_file() => Resolved::File(p),
            Some(_) => Resolved::NotFound,
            None if index.exists() => Resolved::Forbidden,
            None => Resolved::NotFound,
        };
    }
    if canonical.is_file() {
        Resolved::File(canonical)
    } else {
        Resolved::NotFound
    }
}

/// Decode `%XX` escapes (and `+` as a space in query strings). `None` for a
/// malformed escape.
pub fn percent_decode(s: &str, plus_as_space: bool) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                let hi = hex(*b.get(i + 1)?)?;
                let lo = hex(*b.get(i + 2)?)?;
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// `GET /api/search`.
fn api_search(state: &SiteState, query: &str) -> Reply {
    let bad = |msg: &str| json_reply(400, &serde_json::json!({"error": msg}));
    let mut q: Option<String> = None;
    let mut limit = DEFAULT_LIMIT;
    let mut req = SearchRequest {
        mode: ParseMode::Lenient,
        complete_last_word: true,
        ..SearchRequest::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(v) = percent_decode(v, true).and_then(|b| String::from_utf8(b).ok()) else {
            return bad("a parameter is not valid percent-encoded UTF-8");
        };
        match k {
            "q" => {
                if v.chars().count() > MAX_QUERY_CHARS {
                    return bad(&format!(
                        "the query is longer than {MAX_QUERY_CHARS} characters"
                    ));
                }
                q = Some(v);
            }
            "limit" => match v.parse::<usize>() {
                Ok(n) if n >= 1 => limit = n.min(MAX_LIMIT),
                _ => return bad("limit must be a whole number from 1 to 50"),
            },
            "kind" if !v.is_empty() => match crate::content::Kind::parse(&v) {
                Some(k) => req.kind = Some(k.as_str().to_string()),
                None => return bad("unknown kind"),
            },
            "status" if !v.is_empty() => match crate::content::Status::parse(&v) {
                Some(s) => req.status = Some(s.as_str().to_string()),
                None => return bad("unknown status"),
            },
            "clause" if !v.is_empty() => req.clause = Some(v),
            _ => {}
        }
    }
    let Some(q) = q else {
        return bad("missing the query parameter q");
    };
    let Some(index) = &state.index else {
        return json_reply(
            503,
            &serde_json::json!({"error": "the site has no search index; rebuild it"}),
        );
    };
    req.query = q;
    req.limit = limit;
    match index.search(&req) {
        Ok(hits) => json_reply(200, &hits),
        Err(crate::search::SearchError::Query(m)) => bad(&m),
        Err(e) => json_reply(500, &serde_json::json!({"error": e.to_string()})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        // Escapes, plus signs in queries, and malformed escapes.
        assert_eq!(percent_decode("/a%2e%2E/b", false).unwrap(), b"/a../b");
        assert_eq!(percent_decode("a+b", true).unwrap(), b"a b");
        assert_eq!(percent_decode("a+b", false).unwrap(), b"a+b");
        assert_eq!(percent_decode("%zz", false), None);
        assert_eq!(percent_decode("%2", false), None);
    }

    #[test]
    fn resolves_inside_the_root_only() {
        // Traversal in every spelling is refused before touching the disk.
        let dir = std::env::temp_dir().join(format!("cb-serve-unit-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        std::fs::write(dir.join("docs/index.html"), "x").unwrap();
        std::fs::write(dir.join("a.css"), "x").unwrap();
        let root = dir.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/a.css"), Resolved::File(root.join("a.css")));
        assert_eq!(
            resolve(&root, "/docs/"),
            Resolved::File(root.join("docs/index.html"))
        );
        assert_eq!(resolve(&root, "/docs"), Resolved::Redirect);
        assert_eq!(resolve(&root, "/../etc/passwd"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/%2e%2e/etc/passwd"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/docs/..%2f..%2fetc"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/..%5c..%5cetc"), Resolved::BadRequest);
        assert_eq!(resolve(&root, "/a%00.css"), Resolved::BadRequest);
        assert_eq!(resolve(&root, "/%ff"), Resolved::BadRequest);
        assert_eq!(resolve(&root, "etc/passwd"), Resolved::BadRequest);
        assert_eq!(resolve(&root, "/.hidden"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/missing.html"), Resolved::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
