//! `clausebook serve` against hostile and heavy clients: foreign `Host`
//! headers (DNS rebinding), calls of the API and
//! the live-reload channel from other origins, queries the engine cannot
//! run (also through `clausebook search`), and hundreds of open live-reload
//! polls. Every request is written by hand on a raw TCP socket, so that the
//! headers are exactly the ones a browser or an attacker would send.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Served, copy_dir, copy_example_site, repo_root, run_cli, tempdir};

/// The example site, copied into a temporary folder and served from its
/// own `public/` (so that `clausebook search --root` finds the index).
fn serve(extra: &[&str]) -> (Served, PathBuf) {
    let tmp = tempdir();
    let root = tmp.path().join("site");
    copy_example_site(&root);
    copy_dir(&repo_root().join("standards"), &root.join("standards"));
    let served = common::serve(&root, &root.join("public"), extra).keeping(tmp);
    (served, root)
}

/// Threads of the `clausebook serve` process serving `root` (Linux:
/// /proc/<pid>/task); the process is the one whose command line names it.
fn server_threads(root: &Path) -> usize {
    let needle = root.as_os_str().as_encoded_bytes();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let ours = cmdline.split(|&b| b == 0).any(|arg| arg == needle)
            && cmdline.windows(5).any(|w| w == b"serve");
        if ours {
            return std::fs::read_dir(entry.path().join("task"))
                .map(|d| d.count())
                .unwrap_or(0);
        }
    }
    panic!("no clausebook serve process for {}", root.display());
}

/// An answer: status, head (status line and headers), body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// Send `raw` (a whole request) and read the answer until the server
/// closes the connection.
fn send(port: u16, raw: &str) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// `GET path` over HTTP/1.1 with the given extra header lines (each ending
/// in CRLF), closing the connection after the answer.
fn get(port: u16, path: &str, headers: &str) -> Answer {
    send(
        port,
        &format!("GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"),
    )
}

/// `GET path` with `Host: 127.0.0.1:<port>` and `headers`.
fn get_own(port: u16, path: &str, headers: &str) -> Answer {
    get(port, path, &format!("Host: 127.0.0.1:{port}\r\n{headers}"))
}

#[test]
fn serve_refuses_foreign_host_headers() {
    // DNS rebinding: a request for any name but the server's own loopback address and port gets 403, without the site.
    let (srv, _) = serve(&["--no-watch"]);
    let p = srv.port;
    for host in [
        format!("evil.example:{p}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{p}"),
        format!("localhost.evil.example:{p}"),
        format!("localhost:{}", p.wrapping_add(1)),
        format!("127.0.0.2:{p}"),
        format!("[::1]:{p}"),
        format!("0.0.0.0:{p}"),
        String::new(),
    ] {
        for path in ["/", "/api/search?q=change", "/documents/sms-pro-007/"] {
            let a = get(p, path, &format!("Host: {host}\r\n"));
            assert_eq!(a.status, 403, "Host: {host:?} {path}: {}", a.head);
            assert!(
                a.body.contains(&format!("http://127.0.0.1:{p}/")),
                "the refusal says where the site is: {}",
                a.body
            );
            assert!(!a.body.contains("Change Management"), "{host}: {}", a.body);
        }
    }
    // An absolute request target names the host too.
    let a = send(
        p,
        &format!(
            "GET http://evil.example:{p}/ HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(a.status, 403, "{}", a.head);
    // The server's own names are answered.
    for host in [
        format!("127.0.0.1:{p}"),
        format!("localhost:{p}"),
        format!("LocalHost:{p}"),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
    ] {
        let a = get(p, "/documents/sms-pro-007/", &format!("Host: {host}\r\n"));
        assert_eq!(a.status, 200, "Host: {host}: {}", a.head);
        assert!(a.body.contains("Change Management"), "{host}");
    }
    // HTTP/1.0 without a Host header cannot come from a browser.
    let a = send(p, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(a.status, 200, "{}", a.head);
}

#[test]
fn api_and_live_reload_refuse_other_origins() {
    // Pages of another origin cannot call the search API or the live-reload channel; the server's own pages can.
    let (srv, _) = serve(&[]);
    let p = srv.port;
    for path in [
        "/api/search?q=change",
        "/__clausebook/reload",
        "/__clausebook/live.js",
    ] {
        for header in [
            "Origin: http://evil.example\r\n".to_string(),
            "Origin: null\r\n".to_string(),
            format!("Origin: http://localhost:{}\r\n", p.wrapping_add(1)),
            format!("Origin: https://127.0.0.1:{p}\r\n"),
            "Sec-Fetch-Site: cross-site\r\n".to_string(),
            "Sec-Fetch-Site: same-site\r\n".to_string(),
        ] {
            let a = get_own(p, path, &header);
            assert_eq!(a.status, 403, "{path} with {header:?}: {}", a.head);
            assert!(!a.body.contains("SMS-PRO"), "{path} with {header}");
        }
        for header in [
            String::new(),
            format!("Origin: http://127.0.0.1:{p}\r\n"),
            format!("Origin: http://localhost:{p}\r\nSec-Fetch-Site: same-origin\r\n"),
            "Sec-Fetch-Site: same-origin\r\n".to_string(),
            "Sec-Fetch-Site: none\r\n".to_string(),
        ] {
            let a = get_own(p, path, &header);
            assert_eq!(a.status, 200, "{path} with {header:?}: {}", a.head);
            assert!(
                !a.head.to_ascii_lowercase().contains("access-control"),
                "no CORS: {}",
                a.head
            );
        }
    }
    // Pages themselves may be linked from anywhere (the browser keeps
    // other origins from reading them).
    let a = get_own(
        p,
        "/",
        "Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\n",
    );
    assert_eq!(a.status, 200, "{}", a.head);
}

/// The message of the API's JSON error, and its help.
fn api_error(port: u16, query: &str) -> (u16, String, String) {
    // live=0: the query as submitted (as the CLI reads it), not as typed.
    let a = get_own(port, &format!("/api/search?q={query}&live=0"), "");
    let v: serde_json::Value = serde_json::from_str(&a.body)
        .unwrap_or_else(|e| panic!("{query}: not JSON ({e}): {}", a.body));
    (
        a.status,
        v["error"].as_str().unwrap_or_default().to_string(),
        v["help"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn queries_the_engine_cannot_run_are_the_callers_error() {
    // `id:*` and `x:*`, submitted, give 400 with a message and a hint from the API, and exit 2 with the same message from the CLI.
    let (srv, root) = serve(&["--no-watch"]);
    let root = root.to_str().unwrap().to_string();
    for (query, encoded, says) in [
        ("id:*", "id%3A*", "`*` ends a word of at least two letters"),
        ("title:*", "title%3A*", "`*` ends a word"),
        ("x:*", "x%3A*", "there is no field `x`"),
    ] {
        let (status, error, help) = api_error(srv.port, encoded);
        assert_eq!(status, 400, "{query}: {error}");
        assert!(error.contains(says), "{query}: {error}");
        assert!(
            help.contains("field:value with title, headings"),
            "{query}: {help}"
        );
        assert!(help.contains("quotes"), "{query}: {help}");
        let r = run_cli(&["search", "--root", &root, "--", query]);
        r.assert_code(2);
        let message = error.trim_start_matches("invalid query: ");
        assert!(
            r.stderr
                .contains(&format!("error: invalid query `{query}`: {message}")),
            "{query}: the CLI says what the API says ({message}):\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("= help: words match anywhere"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("cannot read"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    // Fields that cannot be searched: the CLI names the ones that can (the
    // API, parsing leniently as you type, answers with a warning).
    for (query, says) in [
        (
            "nosuchfield:x",
            "there is no field `nosuchfield`; the fields are title, id",
        ),
        (
            "weight:5",
            "there is no field `weight`; the fields are title",
        ),
    ] {
        let r = run_cli(&["search", "--root", &root, "--", query]);
        r.assert_code(2);
        assert!(r.stderr.contains(says), "{query}: {}", r.stderr);
    }
    // Quoted, the same characters are words to look for.
    let a = get_own(srv.port, "/api/search?q=%22change%3A*%22&live=0", "");
    assert_eq!(a.status, 200, "{}", a.body);
    let r = run_cli(&["search", "--root", &root, "--", "\"change:*\""]);
    r.assert_code(0);
    assert!(r.stdout.contains("SMS-PRO-007"), "{}", r.stdout);
}

#[test]
fn a_broken_index_is_still_reported_as_one() {
    // Only a damaged index is "cannot read the search index": the user's query is not blamed.
    let tmp = tempdir();
    let root = tmp.path().join("site");
    copy_example_site(&root);
    copy_dir(&repo_root().join("standards"), &root.join("standards"));
    run_cli(&["build", "--root", root.to_str().unwrap(), "-q"]).assert_code(0);
    let index = root.join("public/search/tantivy");
    let mut removed = 0;
    for e in std::fs::read_dir(&index).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "idx" || x == "term") {
            std::fs::remove_file(&p).unwrap();
            removed += 1;
        }
    }
    assert!(removed > 0, "no segment file in {}", index.display());
    let r = run_cli(&["search", "--root", root.to_str().unwrap(), "--", "change"]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("cannot read the search index"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("clausebook build"), "{}", r.stderr);
}

/// Open `n` reload polls waiting for a build after `generation`, each on
/// a keep-alive HTTP/1.1 connection, as a browser tab does.
fn open_polls(port: u16, generation: u64, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(
                s,
                "GET /__clausebook/reload?since={generation} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect()
}

/// The first answer on a keep-alive connection (headers and a body of
/// Content-Length bytes), or `None` if none comes within `wait`.
fn answer_within(s: &mut TcpStream, wait: Duration) -> Option<Answer> {
    s.set_read_timeout(Some(wait)).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        if let Some(i) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..i]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if bytes.len() >= i + 4 + len {
                return Some(parse(&bytes[..i + 4 + len]));
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn many_open_reload_polls_hold_no_thread_each() {
    // 200 open live-reload polls keep the server's threads bounded; the polls over the cap are told to come back, and the waiting ones are all answered by the next rebuild.
    if !Path::new("/proc/self/task").is_dir() {
        eprintln!("\n*** SKIPPED: counting threads needs Linux's /proc ***\n");
        return;
    }
    let (srv, root) = serve(&[]);
    let p = srv.port;
    let doc = root.join("content/procedures/change-management.md");
    srv.wait_until_watching();
    let first = get_own(p, "/__clausebook/reload", "");
    assert_eq!(first.status, 200, "{}", first.head);
    let v: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    let generation = v["generation"].as_u64().unwrap();
    // Warm up: pages and searches start the blocking threads there are.
    for _ in 0..8 {
        assert_eq!(get_own(p, "/api/search?q=change", "").status, 200);
        assert_eq!(get_own(p, "/", "").status, 200);
    }
    let before = server_threads(&root);

    let mut polls = open_polls(p, generation, 200);
    // Every request has reached the server once the over-cap ones are
    // answered (or, without a cap, after a while).
    let cap = 128;
    let mut refused: Vec<usize> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while refused.len() < 200 - cap && Instant::now() < deadline {
        for (i, s) in polls.iter_mut().enumerate() {
            if !refused.contains(&i)
                && let Some(a) = answer_within(s, Duration::from_millis(10))
            {
                assert_eq!(a.status, 503, "{}", a.head);
                assert!(a.head.contains("Retry-After: 2"), "{}", a.head);
                refused.push(i);
            }
        }
    }
    let during = server_threads(&root);
    assert!(
        during <= before + 4 && during <= 40,
        "200 open polls took the server from {before} to {during} threads"
    );
    assert_eq!(
        refused.len(),
        200 - cap,
        "polls over the cap are refused at once"
    );
    // The server still answers pages while the polls wait.
    assert_eq!(get_own(p, "/", "").status, 200);

    // A rebuild answers every waiting poll with the new generation.
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, format!("{text}\nA line added by the test.\n")).unwrap();
    let mut answered = 0;
    for (i, s) in polls.iter_mut().enumerate() {
        if refused.contains(&i) {
            continue;
        }
        let a = answer_within(s, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("poll {i} was not answered after the rebuild"));
        assert_eq!(a.status, 200, "{}", a.head);
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        assert!(
            v["generation"].as_u64().unwrap() > generation,
            "answered before the rebuild: {}",
            a.body
        );
        assert!(v["error"].is_null(), "{}", a.body);
        answered += 1;
    }
    assert_eq!(answered, cap);
    drop(polls);
    let after = server_threads(&root);
    assert!(
        after <= before + 4,
        "{before} threads before, {after} after"
    );
}
