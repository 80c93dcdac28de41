//! The HTTP side of `clausebook serve` (see the module above for what it
//! answers and refuses): the served state, the server on hyper and tokio,
//! and the answer to each request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http_body_util::Full;
use hyper::Method;
use hyper::body::Bytes;

use crate::search::{ParseMode, SearchIndex, SearchRequest};

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
/// Threads reading files and searching (blocking work).
pub const WORKERS: usize = 4;
/// Threads driving the connections.
const IO_THREADS: usize = 2;
/// Most connections open at once.
pub const MAX_CONNECTIONS: usize = 512;
/// Time a client has to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

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
    live: Option<Arc<crate::serve::live::Reload>>,
    /// Taken to read a file while a rebuild session may write over it.
    lock: Option<crate::serve::session::OutputLock>,
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
    pub fn with_live(mut self, reload: Arc<crate::serve::live::Reload>) -> SiteState {
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
    pub fn with_lock(mut self, lock: crate::serve::session::OutputLock) -> SiteState {
        self.lock = Some(lock);
        self
    }
}

/// A running server.
pub struct Server {
    listener: std::net::TcpListener,
    state: Arc<RwLock<Arc<SiteState>>>,
    addr: SocketAddr,
}

/// Listen on 127.0.0.1:`port` (0: any free port).
pub fn listen(port: u16) -> Result<std::net::TcpListener, String> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    Ok(listener)
}

impl Server {
    /// Listen on 127.0.0.1:`port` (0: any free port) and serve `state`.
    pub fn bind(port: u16, state: SiteState) -> Result<Server, String> {
        Server::on(listen(port)?, state)
    }

    /// Serve `state` on a socket [`listen`] opened (serve binds its port
    /// before the first build, so that a busy port fails at once).
    pub fn on(listener: std::net::TcpListener, state: SiteState) -> Result<Server, String> {
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        Ok(Server {
            listener,
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

    /// Answer requests until the process ends (or the runtime cannot start:
    /// the error says why).
    pub fn run(&self) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(IO_THREADS)
            .max_blocking_threads(WORKERS)
            .thread_keep_alive(Duration::from_secs(10))
            .thread_name("clausebook-serve")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = self.listener.try_clone()?;
        let state = Arc::clone(&self.state);
        let port = self.addr.port();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
            loop {
                let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                    return Ok(());
                };
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: try again shortly.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let current = {
                            let guard = state.read().unwrap_or_else(|e| e.into_inner());
                            Arc::clone(&guard)
                        };
                        handle(current, port, req)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .title_case_headers(true)
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                    drop(slot);
                });
            }
        })
    }
}

// ------------------------------------------------------------- requests

/// A response, before it is sent.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn with_header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }

    fn into_response(self) -> hyper::Response<Full<Bytes>> {
        let mut builder = hyper::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(*name, value);
        }
        builder
            .body(Full::new(Bytes::from(self.body)))
            .unwrap_or_else(|_| {
                // Only names and values built here: this cannot happen.
                let mut r = hyper::Response::new(Full::new(Bytes::new()));
                *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
                r
            })
    }
}

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body,
    }
    .with_header("Content-Type", content_type)
    .with_header("X-Content-Type-Options", "nosniff")
    .with_header("Cache-Control", "no-cache")
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

/// Answer one request: refuse foreign hosts and origins, park reload polls
/// without a thread, do the rest on a blocking thread.
async fn handle(
    state: Arc<SiteState>,
    port: u16,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    if let Err(refused) = admit(&req, port) {
        return Ok(refused.into_response());
    }
    let method = req.method().clone();
    let url = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    drop(req);
    if method == Method::GET
        && let Some(live) = &state.live
        && let Some(since) = reload_poll(&url)
    {
        return Ok(poll(live, since).await.into_response());
    }
    let reply = tokio::task::spawn_blocking(move || respond(&state, &method, &url))
        .await
        .unwrap_or_else(|_| text_reply(500, "Internal error.\n"));
    Ok(reply.into_response())
}

/// A reload poll: the status at once on a page's first poll or when a
/// build happened since; else wait for the next build (or the timeout)
/// among at most [`crate::serve::live::MAX_PENDING_POLLS`].
async fn poll(live: &crate::serve::live::Reload, since: Option<u64>) -> Reply {
    let Some(since) = since else {
        return json_reply(200, &live.status());
    };
    let now = live.status();
    if now.generation != since {
        return json_reply(200, &now);
    }
    let Some(_place) = live.park() else {
        return text_reply(
            503,
            "Too many pages are waiting for a rebuild; ask again later.\n",
        )
        .with_header("Retry-After", "2");
    };
    json_reply(
        200,
        &live.wait(since, crate::serve::live::POLL_TIMEOUT).await,
    )
}

/// Whether the server may answer `req`: `Err` with the refusal when its
/// `Host` is not this server, or when a page of another origin calls the
/// API or the live-reload endpoints.
fn admit<B>(req: &hyper::Request<B>, port: u16) -> Result<(), Reply> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    // An absolute request target (`GET http://host/…`) names the host itself.
    let host = req
        .uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| header("host"));
    let ours = format!("http://127.0.0.1:{port}/ or http://localhost:{port}/");
    if let Some(host) = host
        && !is_own_host(&host, port)
    {
        return Err(text_reply(
            403,
            &format!("Forbidden: this server answers requests for {ours} only.\n"),
        ));
    }
    let path = req.uri().path();
    let guarded =
        path == "/api" || path.starts_with("/api/") || path.starts_with(crate::serve::live::PREFIX);
    if guarded {
        let foreign_origin = header("origin").is_some_and(|o| !is_own_origin(&o, port));
        let foreign_site = header("sec-fetch-site")
            .is_some_and(|s| matches!(s.trim(), "cross-site" | "same-site"));
        if foreign_origin || foreign_site {
            return Err(text_reply(
                403,
                &format!("Forbidden: only pages of {ours} may call this endpoint.\n"),
            ));
        }
    }
    Ok(())
}

/// `127.0.0.1`, `localhost` (any case), with `:port` or without a port.
fn is_own_host(host: &str, port: u16) -> bool {
    let (name, given) = match host.rsplit_once(':') {
        Some((n, p)) if !n.contains(':') => (n, Some(p)),
        _ => (host, None),
    };
    let name_ok = name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost");
    name_ok && given.is_none_or(|p| p.parse::<u16>() == Ok(port))
}

/// `http://127.0.0.1:port` or `http://localhost:port`.
fn is_own_origin(origin: &str, port: u16) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|host| host.contains(':') && is_own_host(host, port))
}

/// `Some(since)` when `url` is a live-reload poll (`since` absent on the
/// first poll of a page).
fn reload_poll(url: &str) -> Option<Option<u64>> {
    let rest = url
        .strip_prefix(crate::serve::live::PREFIX)?
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
    if !matches!(*method, Method::GET | Method::HEAD) {
        return text_reply(405, "Only GET and HEAD are supported.\n")
            .with_header("Allow", "GET, HEAD");
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
    if state.live.is_some() && path == format!("{}live.js", crate::serve::live::PREFIX) {
        return reply(
            200,
            "text/javascript; charset=utf-8",
            crate::serve::live::CLIENT_JS.as_bytes().to_vec(),
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
                    reply(200, ty, crate::serve::live::inject(&bytes))
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
            text_reply(301, "Moved.\n").with_header("Location", &to)
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
            // The index knows the site's own kinds: it refuses the others.
            "kind" if !v.is_empty() => req.kind = Some(v),
            "status" if !v.is_empty() => match crate::load::content::Status::parse(&v) {
                Some(s) => req.status = Some(s.as_str().to_string()),
                None => return bad("unknown status"),
            },
            "clause" if !v.is_empty() => req.clause = Some(v),
            "tag" if !v.is_empty() => req.tag = Some(v),
            "live" => match v.as_str() {
                "0" => req.mode = ParseMode::Strict,
                "1" | "" => req.mode = ParseMode::Lenient,
                _ => return bad("live must be 0 or 1"),
            },
            "facets" => req.facets = v != "0",
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
        // A query the engine cannot run is the caller's error.
        Err(crate::search::SearchError::Query(m)) => json_reply(
            400,
            &serde_json::json!({"error": format!("invalid query: {m}"), "help": crate::search::answer::QUERY_HELP}),
        ),
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
