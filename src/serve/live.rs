//! Live preview for `clausebook serve`: watch the site's sources, rebuild on
//! change, and tell open pages to reload — or to show the build error over
//! the page while the last good site stays served.
//!
//! Pages learn about rebuilds by long polling `/__clausebook/reload?since=N`
//! (answered when the build generation passes N, or after a timeout), which
//! needs no extra port and no WebSocket. The script doing it is injected
//! into HTML pages by the server only, never written into the output.
//!
//! A waiting poll holds no thread: the server parks it as a task until a
//! build publishes ([`Reload::wait`]), so an open tab costs a socket and a
//! few hundred bytes. At most [`MAX_PENDING_POLLS`] wait at once; beyond,
//! a poll is refused at once and its page asks again two seconds later.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

/// Path prefix of the live-reload endpoints.
pub const PREFIX: &str = "/__clausebook/";
/// How long a reload poll waits for a rebuild before answering anyway.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// Most reload polls waiting at once (open tabs of the preview).
pub const MAX_PENDING_POLLS: usize = 128;
/// Quiet time after a change before rebuilding, so that an editor's
/// save (often several events) triggers one build.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// The script tag the server adds before `</body>` of every HTML page.
pub const SNIPPET: &str = "<script src=\"/__clausebook/live.js\" defer></script>";

/// The client: polls for rebuilds, reloads on success, shows the error
/// overlay on failure and removes it when the site builds again.
pub const CLIENT_JS: &str = r#"/* clausebook serve: live reload (not part of the built site). */
(function () {
  "use strict";
  var gen = null;
  function overlay(text) {
    var el = document.getElementById("clausebook-overlay");
    if (!text) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "clausebook-overlay";
      el.setAttribute("role", "alert");
      el.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(24,4,4,.94);color:#fff;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap";
      document.body.appendChild(el);
    }
    el.textContent = "clausebook: the build failed. The page shows the last good build.\n\n" + text;
  }
  function poll() {
    var url = "/__clausebook/reload" + (gen === null ? "" : "?since=" + gen);
    fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) { throw new Error("busy"); }
      return r.json();
    }).then(function (s) {
      if (gen !== null && s.generation !== gen && !s.error) { location.reload(); return; }
      gen = s.generation;
      overlay(s.error);
      poll();
    }, function () { setTimeout(poll, 2000); });
  }
  poll();
})();
"#;

/// The build generation and the error of the last build, if it failed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    pub generation: u64,
    pub error: Option<String>,
}

/// Shared between the watcher, which publishes build results, and the
/// server's tasks, which wait for them.
pub struct Reload {
    status: tokio::sync::watch::Sender<Status>,
    /// Polls waiting now.
    pending: AtomicUsize,
}

/// A place among the waiting polls, given back when dropped.
pub struct Parked<'a>(&'a Reload);

impl Drop for Parked<'_> {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Reload {
    pub fn new() -> Arc<Reload> {
        Arc::new(Reload {
            status: tokio::sync::watch::Sender::new(Status::default()),
            pending: AtomicUsize::new(0),
        })
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Record a build result and wake every waiting page.
    pub fn publish(&self, error: Option<String>) {
        self.status.send_modify(|s| {
            s.generation += 1;
            s.error = error;
        });
    }

    /// A place to wait among at most [`MAX_PENDING_POLLS`]; `None` when
    /// they are taken.
    pub fn park(&self) -> Option<Parked<'_>> {
        let mut n = self.pending.load(Ordering::Acquire);
        loop {
            if n >= MAX_PENDING_POLLS {
                return None;
            }
            match self
                .pending
                .compare_exchange(n, n + 1, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(Parked(self)),
                Err(now) => n = now,
            }
        }
    }

    /// Polls waiting now.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// Wait until the generation differs from `since` (or `timeout`),
    /// without holding a thread.
    pub async fn wait(&self, since: u64, timeout: Duration) -> Status {
        let mut rx = self.status.subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|s| s.generation != since)).await;
        self.status()
    }
}

/// Insert the live-reload script before `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SNIPPET.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SNIPPET.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The folders and files of a site whose changes trigger a rebuild.
pub fn watched(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out = Vec::new();
    for dir in SOURCE_DIRS {
        let p = root.join(dir);
        if p.is_dir() {
            out.push((p, RecursiveMode::Recursive));
        }
    }
    // The root itself, not recursively: clausebook.toml, and folders
    // created after the start (a new templates/ for example).
    out.push((root.to_path_buf(), RecursiveMode::NonRecursive));
    out
}

/// Whether a changed path matters: sources, not the output, not editors'
/// temporary files.
pub fn is_source_change(root: &Path, output: &Path, path: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temp = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp");
    if temp {
        return false;
    }
    match first.as_ref() {
        "content" | "templates" | "theme" | "standards" => true,
        f => f == crate::load::config::CONFIG_FILE,
    }
}

/// The folders of a site that are watched recursively once they exist.
const SOURCE_DIRS: [&str; 4] = ["content", "templates", "theme", "standards"];

/// A file watcher over a site's sources, its watches registered.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<Vec<PathBuf>>,
    root: PathBuf,
    output: PathBuf,
    /// The source folders watched recursively so far.
    dirs: Vec<PathBuf>,
    /// The repository files whose change means `HEAD` moved, and the
    /// folders watched (not recursively) to see them replaced.
    head_files: Vec<PathBuf>,
    head_dirs: Vec<PathBuf>,
}

impl Watch {
    /// Register the watches over the sources of the site at `root` (its
    /// output aside): when this returns, every later change is seen.
    pub fn start(root: &Path, output: &Path) -> Result<Watch, String> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            // Reads (the build's own) are not changes; nor are
            // metadata-only changes such as access times.
            use notify::EventKind;
            if let Ok(ev) = res
                && match ev.kind {
                    EventKind::Create(_) | EventKind::Remove(_) => true,
                    EventKind::Modify(m) => !matches!(m, notify::event::ModifyKind::Metadata(_)),
                    _ => false,
                }
            {
                let _ = tx.send(ev.paths);
            }
        })
        .map_err(|e| e.to_string())?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let output = output
            .canonicalize()
            .unwrap_or_else(|_| output.to_path_buf());
        let mut dirs = Vec::new();
        for (p, mode) in watched(&root) {
            watcher
                .watch(&p, mode)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            if mode == RecursiveMode::Recursive {
                dirs.push(p);
            }
        }
        Ok(Watch {
            watcher,
            events: rx,
            root,
            output,
            dirs,
            head_files: Vec::new(),
            head_dirs: Vec::new(),
        })
    }

    /// Watch `files` too (the repository's `HEAD`, branch ref and
    /// `packed-refs`): git replaces them by renaming a new file over, so
    /// their folders are watched, not recursively, and only these files'
    /// changes are reported. The previous such watches are dropped.
    pub fn watch_head_files(&mut self, files: &[PathBuf]) {
        if files == self.head_files {
            return;
        }
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .filter(|d| d.is_dir())
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in &self.head_dirs {
            if !dirs.contains(d) && !self.dirs.contains(d) && *d != self.root {
                let _ = self.watcher.unwatch(d);
            }
        }
        for d in &dirs {
            if !self.head_dirs.contains(d) {
                let _ = self.watcher.watch(d, RecursiveMode::NonRecursive);
            }
        }
        self.head_dirs = dirs;
        self.head_files = files.to_vec();
    }

    /// Watch the source folders created since the last call (a new
    /// `templates/` for example); returns the files already in them, which
    /// were written before their watch began.
    fn adopt_new_dirs(&mut self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        // A folder removed is watched again when it comes back.
        self.dirs.retain(|p| p.is_dir());
        for dir in SOURCE_DIRS {
            let p = self.root.join(dir);
            if !p.is_dir() || self.dirs.contains(&p) {
                continue;
            }
            if self.watcher.watch(&p, RecursiveMode::Recursive).is_ok() {
                found.extend(
                    walkdir::WalkDir::new(&p)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.file_type().is_file())
                        .map(|e| e.into_path()),
                );
                self.dirs.push(p);
            }
        }
        found
    }

    /// Call `rebuild` after each burst of source changes, with the changed
    /// paths, until the watcher stops; `rebuild` answers the repository
    /// files to watch from then on (see [`Watch::watch_head_files`]).
    pub fn run(mut self, mut rebuild: impl FnMut(&[PathBuf]) -> Vec<PathBuf>) {
        loop {
            let Ok(first) = self.events.recv() else {
                return;
            };
            let mut changed: Vec<PathBuf> = first;
            let deadline = Instant::now() + DEBOUNCE;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match self.events.recv_timeout(left) {
                    Ok(more) => changed.extend(more),
                    Err(_) => break,
                }
            }
            changed.extend(self.adopt_new_dirs());
            // Editors and tools write through temporary files that are gone
            // by now; a removed source file still counts.
            let (root, output, head) = (&self.root, &self.output, &self.head_files);
            changed.retain(|p| {
                head.contains(p)
                    || (is_source_change(root, output, p)
                        && (p.exists() || p.extension().is_some_and(|e| e == "md" || e == "toml")))
            });
            changed.sort();
            changed.dedup();
            if !changed.is_empty() {
                let files = rebuild(&changed);
                self.watch_head_files(&files);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body_end() {
        // Served pages get the live-reload script just before </body>.
        let out = inject(b"<html><body><p>x</p></body></html>");
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains(&format!("{SNIPPET}</body>")), "{s}");
    }

    #[test]
    fn filters_changes() {
        // Only source changes trigger a rebuild: not the output, editors' temporary files or other folders.
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        assert!(is_source_change(root, out, Path::new("/site/content/a.md")));
        assert!(is_source_change(
            root,
            out,
            Path::new("/site/clausebook.toml")
        ));
        assert!(!is_source_change(
            root,
            out,
            Path::new("/site/public/index.html")
        ));
        assert!(!is_source_change(
            root,
            out,
            Path::new("/site/.public.tmp-1/x")
        ));
        assert!(!is_source_change(
            root,
            out,
            Path::new("/site/content/.a.md.swp")
        ));
        assert!(!is_source_change(root, out, Path::new("/site/target/x")));
    }

    #[test]
    fn wait_returns_on_publish() {
        // An open page's reload poll is answered as soon as a build ends, with the build's error.
        let r = Reload::new();
        let r2 = Arc::clone(&r);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let publisher = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            r2.publish(Some("boom".into()));
        });
        let start = Instant::now();
        let s = rt.block_on(r.wait(0, Duration::from_secs(20)));
        publisher.join().unwrap();
        assert!(start.elapsed() < Duration::from_secs(10));
        assert_eq!(s.generation, 1);
        assert_eq!(s.error.as_deref(), Some("boom"));
    }

    #[test]
    fn parking_is_capped() {
        // Beyond MAX_PENDING_POLLS a poll gets no place; a place comes back when its poll ends.
        let r = Reload::new();
        let places: Vec<_> = (0..MAX_PENDING_POLLS).map(|_| r.park().unwrap()).collect();
        assert!(r.park().is_none());
        drop(places);
        assert_eq!(r.pending(), 0);
        assert!(r.park().is_some());
    }
}
