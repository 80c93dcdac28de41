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
//! - `GET /api/search?q=…&limit=…&kind=…&status=…&clause=…&tag=…&live=…&facets=…`
//!   answers with the JSON of [`crate::search::Hits`] (the shape of
//!   `clausebook search --json`, plus clause pages, where each document
//!   matched, and with `facets=1` the counts by kind, status, standard and
//!   clause, tag). By default (`live=1`) the query is read as being typed:
//!   repaired with warnings, its last word also a prefix; `live=0` reads it
//!   as the CLI does. It may hold at most
//!   [`MAX_QUERY_CHARS`] characters and `limit` is capped at
//!   [`MAX_LIMIT`]. A query the engine cannot run (`id:*`, an unknown
//!   field) gets 400 and `{"error", "help"}`; only a damaged index gets
//!   500. No CORS header is sent: only pages of this server may call it.
//! - `search/index.js`, the static index the theme's search box loads with
//!   a `<script>` tag, is answered with a small script that only points the
//!   search box at the API: `window.CLAUSEBOOK_SEARCH = {"version": 1,
//!   "api": "api/search"}`. This is how a page knows that it is served by
//!   Clausebook, without probing (a failed probe would log a network error
//!   in the browser's console on other hosts).
//! - Only requests for the server itself are answered: the `Host` header
//!   must name the loopback address or `localhost`, with the port listened
//!   on (a `Host` without a port is accepted: browsers always send the port
//!   when it is not 80, so such a request cannot come from a page of
//!   another site). Any other name gets 403, which defeats DNS rebinding:
//!   a page of another site whose name was pointed at 127.0.0.1 still
//!   sends its own name. The search API and the live-reload endpoints also
//!   refuse requests made by pages of another origin (an `Origin` header
//!   other than the server's, or `Sec-Fetch-Site: cross-site` or
//!   `same-site`).
//!
//! What is served lives in one [`SiteState`] behind [`Server::swap`]: a
//! file watcher (live reload) can rebuild into the output folder and swap
//! in a fresh state (new index reader) while requests keep being answered.
//!
//! Connections are served by [hyper] on a small [tokio] runtime: an open
//! connection or a waiting reload poll is a task, not a thread. Reading
//! files and searching run on at most [`WORKERS`] blocking threads, and at
//! most [`MAX_CONNECTIONS`] connections are open at once (further ones
//! wait to be accepted).

pub mod cache;
mod facts;
pub mod history;
mod http;
pub mod live;
pub mod pages;
pub mod search;
pub mod session;

use std::path::PathBuf;
use std::sync::Arc;

use crate::publish::{BuildError, BuildOptions};
use crate::resolve::LoadOptions;

pub use http::{
    DEFAULT_LIMIT, DEFAULT_PORT, MAX_CONNECTIONS, MAX_LIMIT, MAX_QUERY_CHARS, Reply, Resolved,
    Server, SiteState, WORKERS, listen, percent_decode, resolve, respond,
};

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
    /// The date review deadlines are measured against.
    pub today: jiff::civil::Date,
}

/// Run `clausebook serve`; returns the exit code (it only returns on
/// failure: 1 content errors, 2 configuration or port problems).
pub fn command(opts: &ServeOptions, color: bool) -> i32 {
    let build = BuildOptions {
        load: LoadOptions {
            drafts: opts.drafts,
            today: opts.today,
        },
        output: opts.output.clone(),
        allow_errors: false,
    };
    // The port first: a busy port fails at once, before a build that would
    // replace the output.
    let listener = match listen(opts.port) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{}: {e}\n   = help: another program (perhaps another `clausebook serve`) uses the port: stop it, or choose another port with --port (--port 0 picks a free one); nothing was built",
                opts.port
            );
            return crate::base::exit::EXIT_USAGE;
        }
    };
    let (session, report) = match crate::serve::session::Session::start(&opts.root, &build) {
        Ok(r) => r,
        Err(BuildError::Config(ds)) => {
            for d in &ds {
                eprintln!("{}\n", d.render(color));
            }
            return crate::base::exit::EXIT_USAGE;
        }
        Err(BuildError::Content(ds)) => {
            for d in crate::check::report::folded(&ds) {
                eprintln!("{}\n", d.render(color));
            }
            eprintln!(
                "error: the site has {} error(s); fix them, or preview with `clausebook build --allow-errors`",
                ds.error_count()
            );
            return crate::base::exit::EXIT_CONTENT;
        }
    };
    for d in crate::check::report::folded(&report.diags) {
        eprintln!("{}\n", d.render(color));
    }
    let reload = crate::serve::live::Reload::new();
    let output = session.output().to_path_buf();
    let state = match SiteState::load(&output) {
        Ok(s) if opts.watch => s.with_live(Arc::clone(&reload)).with_lock(session.lock()),
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", output.display());
            return crate::base::exit::EXIT_USAGE;
        }
    };
    let server = match Server::on(listener, state) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", opts.port);
            return crate::base::exit::EXIT_USAGE;
        }
    };
    let warnings = match report.diags.warning_count() {
        0 => String::new(),
        1 => ", 1 warning".into(),
        n => format!(", {n} warnings"),
    };
    println!(
        "Built {} documents into {}{}{warnings}",
        report.documents,
        output.display(),
        report.skipped.summary()
    );
    println!("Serving at {} (Ctrl-C to stop)", server.url());
    let server = Arc::new(server);
    if opts.watch {
        // The watches are registered before "Watching" is printed: a change
        // made as soon as it shows is seen.
        match crate::serve::live::Watch::start(session.root(), &output) {
            Ok(mut watch) => {
                watch.watch_head_files(session.head_files());
                let session_has_history = !session.head_files().is_empty();
                let server = Arc::clone(&server);
                let mut session = session;
                let verbose = opts.verbose;
                std::thread::spawn(move || {
                    watch.run(|changed| {
                        rebuild(&mut session, &server, &reload, changed, color, verbose);
                        session.head_files().to_vec()
                    });
                });
                println!(
                    "Watching content/, templates/, theme/, standards/ and clausebook.toml{} for changes",
                    if session_has_history {
                        ", and the repository's HEAD,"
                    } else {
                        ""
                    }
                );
            }
            Err(e) => {
                eprintln!("warning: cannot watch the site for changes ({e}); live reload is off")
            }
        }
    }
    if let Err(e) = server.run() {
        eprintln!("error: cannot serve: {e}");
        return crate::base::exit::EXIT_USAGE;
    }
    crate::base::exit::EXIT_OK
}

/// Rebuild after a change: on success serve the new output and reload the
/// open pages; on failure keep serving the last good site and show the
/// errors in the terminal and over the pages.
fn rebuild(
    session: &mut crate::serve::session::Session,
    server: &Server,
    reload: &Arc<crate::serve::live::Reload>,
    changed: &[PathBuf],
    color: bool,
    verbose: bool,
) {
    let canonical = session.root().to_path_buf();
    let shown: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| {
            crate::base::diag::display_path(&canonical, p)
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
                let mut how = if report.full {
                    "full build".to_string()
                } else {
                    format!("{} of {} pages rendered", report.rendered, report.pages)
                };
                if let Some(notes) = &report.history_read {
                    how.push_str(", history read again");
                    // A repository that cannot be read is a warning: the
                    // site is served without history meanwhile.
                    for d in notes {
                        eprintln!("{}\n", d.render(color));
                    }
                }
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
        Err(BuildError::Config(ds))
        | Err(BuildError::Content(crate::base::diag::Diagnostics(ds))) => {
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
