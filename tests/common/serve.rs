//! `clausebook serve` under test: started on a free port, its terminal
//! output kept, asked over plain HTTP/1.0 (the request path sent exactly as
//! given), and its live-reload status followed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::bin;

/// How long a test waits for the server to start or to finish a rebuild.
pub const SERVE_WAIT: Duration = Duration::from_secs(90);

/// A running `clausebook serve`, killed when dropped.
pub struct Served {
    child: Child,
    pub port: u16,
    /// The output folder, canonical.
    pub output: PathBuf,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    _keep: Option<tempfile::TempDir>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Keep reading a pipe into `into`, so that the server never blocks on a
/// full pipe; send the port once the "http://127.0.0.1:PORT/" line shows.
fn drain(
    mut pipe: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
    port: Option<std::sync::mpsc::Sender<u16>>,
) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut sent = port.is_none();
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut seen = into.lock().unwrap();
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            if !sent
                && let Some(i) = seen.find("http://127.0.0.1:")
                && let Some(end) = seen[i + 17..].find('/')
            {
                let p = seen[i + 17..i + 17 + end].parse::<u16>().unwrap();
                let _ = port.as_ref().unwrap().send(p);
                sent = true;
            }
        }
    });
}

/// Start `clausebook --color never serve --port 0 --root <root> --output
/// <out> <extra>` and wait until it serves.
#[track_caller]
pub fn serve(root: &Path, out: &Path, extra: &[&str]) -> Served {
    let mut child = Command::new(bin())
        .args(["--color", "never", "serve", "--port", "0", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(extra)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start clausebook serve");
    let (stdout, stderr) = (Arc::default(), Arc::default());
    let (tx, rx) = std::sync::mpsc::channel();
    drain(child.stdout.take().unwrap(), Arc::clone(&stdout), Some(tx));
    drain(child.stderr.take().unwrap(), Arc::clone(&stderr), None);
    let port = match rx.recv_timeout(SERVE_WAIT) {
        Ok(p) => p,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "clausebook serve printed no URL within {SERVE_WAIT:?}\n--- stdout\n{}\n--- stderr\n{}",
                stdout.lock().unwrap(),
                stderr.lock().unwrap()
            );
        }
    };
    Served {
        child,
        port,
        output: out.canonicalize().unwrap(),
        stdout,
        stderr,
        _keep: None,
    }
}

/// What `GET /__clausebook/reload` answers: the build generation and the
/// error of the last build, if it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReloadStatus {
    pub generation: u64,
    pub error: Option<String>,
}

impl Served {
    /// Keep `tmp` (the copy of the site being served) until the server
    /// stops.
    pub fn keeping(mut self, tmp: tempfile::TempDir) -> Served {
        self._keep = Some(tmp);
        self
    }

    /// What the server printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// What the server printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Wait until the server has printed `needle` on stdout after the
    /// first `skip` bytes; returns what it printed from there.
    #[track_caller]
    pub fn wait_for_stdout(&self, skip: usize, needle: &str) -> String {
        self.wait_for_output(Self::stdout, skip, needle)
    }

    /// Wait until the server has printed `needle` on stderr; returns all
    /// it printed there. (Its stdout and stderr are read by two threads:
    /// a line on stdout says nothing of what has been read of stderr.)
    #[track_caller]
    pub fn wait_for_stderr(&self, needle: &str) -> String {
        self.wait_for_output(Self::stderr, 0, needle)
    }

    #[track_caller]
    fn wait_for_output(&self, read: fn(&Self) -> String, skip: usize, needle: &str) -> String {
        let deadline = Instant::now() + SERVE_WAIT;
        loop {
            let out = read(self);
            if out.get(skip..).is_some_and(|s| s.contains(needle)) {
                return out[skip..].to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no `{needle}` within {SERVE_WAIT:?}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `GET path`: (status, head, body).
    #[track_caller]
    pub fn get(&self, path: &str) -> (u16, String, String) {
        http_get(self.port, path)
    }

    /// The live-reload status now (the first poll of a page, answered at
    /// once).
    #[track_caller]
    pub fn reload_status(&self) -> ReloadStatus {
        self.poll("/__clausebook/reload")
    }

    #[track_caller]
    fn poll(&self, path: &str) -> ReloadStatus {
        // A poll with `since` waits up to 25 s for the next build.
        let (status, _, body) = http_get_within(self.port, path, Duration::from_secs(40));
        assert_eq!(status, 200, "{path}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{path} answered no JSON ({e}): {body}"));
        ReloadStatus {
            generation: v["generation"].as_u64().expect("a generation"),
            error: v["error"].as_str().map(str::to_string),
        }
    }

    /// Wait, following the live-reload polls of an open page, until
    /// `done` holds for the status after a rebuild newer than `since`;
    /// panics with the server's output after [`SERVE_WAIT`].
    #[track_caller]
    pub fn wait_for(
        &self,
        since: u64,
        what: &str,
        done: impl Fn(&ReloadStatus) -> bool,
    ) -> ReloadStatus {
        let deadline = Instant::now() + SERVE_WAIT;
        let mut status = self.reload_status();
        loop {
            if status.generation > since && done(&status) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: no such rebuild within {SERVE_WAIT:?} (last status {status:?})\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout(),
                self.stderr()
            );
            status = self.poll(&format!("/__clausebook/reload?since={}", status.generation));
        }
    }

    /// Wait until the server says it is watching: from then on, every
    /// change is seen (its watches are registered before it says so).
    #[track_caller]
    pub fn wait_until_watching(&self) {
        self.wait_for_stdout(0, "Watching ");
    }

    /// Wait for a successful rebuild after generation `since`.
    #[track_caller]
    pub fn wait_for_rebuild(&self, since: u64, what: &str) -> ReloadStatus {
        self.wait_for(since, what, |s| s.error.is_none())
    }
}

/// `GET path` over HTTP/1.0 on 127.0.0.1: (status, head, body).
#[track_caller]
pub fn http_get(port: u16, path: &str) -> (u16, String, String) {
    http_get_within(port, path, Duration::from_secs(10))
}

/// [`http_get`], waiting up to `limit` for the whole answer.
#[track_caller]
pub fn http_get_within(port: u16, path: &str, limit: Duration) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(limit)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) => panic!("reading {path}: {e}"),
        }
        assert!(Instant::now() < deadline, "{path}: no answer in time");
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no HTTP status in {head:?}"));
    (status, head.to_string(), body.to_string())
}
