//! Rebuilds after a change, for `clausebook serve`: the site is kept in
//! memory between changes, and a change to documents re-reads, re-renders
//! and re-writes only what it affects.
//!
//! A [`Session`] starts with a full build and keeps what it was made from:
//! the [`SiteCache`] (parsed files, resolved references, rendered bodies),
//! the templates and the fingerprints of every page ([`PagePrints`]). After
//! a change it
//!
//! - reloads the site through the cache: only the changed files are read
//!   and parsed, only bodies whose file or link targets changed are
//!   rendered again, and everything derived (ids, links, backlinks,
//!   coverage, checks) is recomputed from those parts;
//! - renders the pages whose inputs changed (each page has its own
//!   fingerprint): the document's own page, the pages listing it as
//!   related or as a backlink, and, when its summary or clauses changed,
//!   the register, its listings, the pages of its clauses and their related
//!   clauses, and the matrices, reusing the register rows and clause
//!   document lists that did not change;
//! - writes the files whose bytes changed and removes the pages of
//!   documents that are gone, while the search indexes are updated for the
//!   documents whose page changed. Files are written over in place (see
//!   `publish::in_place`), under the session's [`OutputLock`], which a
//!   server takes to read them;
//! - then, on another thread, writes the exports if they changed
//!   ([`Session::settle`] waits for them).
//!
//! Changes to templates, the theme, catalogs or `clausebook.toml` make a
//! full build (which still reuses the parsed files). Everything is
//! computed before anything is written: a rebuild that fails leaves the
//! output as it was. The tests check that the output after a series of
//! incremental rebuilds equals a full build of the same sources.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tera::Tera;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::load::source::CONTENT_DIR;
use crate::publish::in_place::{remove_in_place, write_files};
use crate::publish::{self, BuildError, BuildOptions, Built, Pipeline};
use crate::render::Sink;
use crate::resolve::{LoadOptions, Site, SiteError};
use crate::search::SearchIndex;
use crate::serve::cache::SiteCache;
use crate::serve::history::ServedHistory;
use crate::serve::pages::{PagePrints, render_changed};
use crate::serve::search::LiveSearch;

/// The state kept between rebuilds.
pub struct Session {
    root: PathBuf,
    opts: BuildOptions,
    output: PathBuf,
    cache: SiteCache,
    tera: tera::Tera,
    prints: PagePrints,
    /// Ids of the documents published by the last build, and its page
    /// URLs (the same allocation: the same layout, see [`Site::urls`]).
    published: Arc<HashSet<String>>,
    layout: Option<Arc<[String]>>,
    /// The search indexes of the output, updated document by document.
    search: Option<LiveSearch>,
    /// The search index as of the last rebuild, for the server.
    index: Option<SearchIndex>,
    /// Exports being generated and written after the last rebuild.
    exports: Option<std::thread::JoinHandle<Result<Exported, Diagnostic>>>,
    /// Held for writing while files of the output are written over.
    lock: OutputLock,
    /// The site's history, kept between rebuilds.
    history: ServedHistory,
    /// [`ServedHistory::print`] when the exports were last written.
    exported_history: u64,
}

/// Files of the output are written over in place by a rebuild: whoever
/// reads them while a session runs (the server) holds this for reading,
/// and so never reads half of a file being written.
pub type OutputLock = Arc<std::sync::RwLock<()>>;

/// The exports written after a rebuild (see [`Session::settle`]).
#[derive(Debug)]
pub struct Exported {
    /// Export files written (their bytes changed).
    pub written: usize,
    /// Time to generate and write them.
    pub elapsed: Duration,
    /// Whether the exports changed (else nothing was written).
    pub changed: bool,
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuild {
    /// Whether the change needed a full build.
    pub full: bool,
    /// Published documents.
    pub documents: usize,
    /// Drafts and reviews left out.
    pub skipped: crate::publish::Skipped,
    /// Pages of the site, and how many were rendered again.
    pub pages: usize,
    pub rendered: usize,
    /// Pages and exports written (their bytes changed) and pages removed.
    pub written: usize,
    pub removed: usize,
    /// Warnings (and, with `allow_errors`, errors) of the site.
    pub diags: Diagnostics,
    pub phases: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
    /// The history was read again whole (`HEAD` moved), and what that
    /// found to report.
    pub history_read: Option<Vec<Diagnostic>>,
}

impl Session {
    /// Build the site at `root` in full, keeping what later rebuilds reuse.
    pub fn start(root: &Path, opts: &BuildOptions) -> Result<(Session, Rebuild), BuildError> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut cache = SiteCache::default();
        let mut history = ServedHistory::default();
        let (built, prints) = full_build(&root, opts, &mut cache, &mut history, &[])?;
        let mut session = Session {
            output: built.report.output.clone(),
            root,
            opts: opts.clone(),
            cache,
            tera: tera::Tera::default(),
            prints,
            published: Arc::default(),
            layout: None,
            search: None,
            index: None,
            exports: None,
            lock: OutputLock::default(),
            exported_history: history.print(),
            history,
        };
        let report = session.adopt(built, None);
        Ok((session, report))
    }

    /// The lock of the output's files (see [`OutputLock`]).
    pub fn lock(&self) -> OutputLock {
        Arc::clone(&self.lock)
    }

    /// The search index after the last rebuild (taken: the server keeps it).
    pub fn take_index(&mut self) -> Option<SearchIndex> {
        self.index.take()
    }

    /// The site folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The repository files whose change means `HEAD` moved (see
    /// [`ServedHistory::head_files`]): the watcher watches them too.
    pub fn head_files(&self) -> &[PathBuf] {
        self.history.head_files()
    }

    /// Wait for the exports of the last rebuild to be written, if any are
    /// under way; what that did. Each rebuild begins by waiting for them.
    pub fn settle(&mut self) -> Option<Result<Exported, Diagnostic>> {
        let handle = self.exports.take()?;
        Some(handle.join().unwrap_or_else(|_| {
            Err(Diagnostic::error(
                "exports",
                "generating the exports failed unexpectedly",
            ))
        }))
    }

    /// Wait for the static search index of the last rebuild to be written:
    /// a thread writes it after [`Session::rebuild`] returns (a later
    /// rebuild supersedes it and writes its own). Its error, if writing
    /// failed. `serve` does not wait for it (the next edit may make it
    /// moot); what compares the output after a rebuild must.
    pub fn settle_search(&mut self) -> Result<(), String> {
        self.search.as_mut().map_or(Ok(()), LiveSearch::settle)
    }

    /// Rebuild after changes to the files `changed` (absolute, or relative
    /// to the site folder; deleted files included).
    ///
    /// When the change alters the exports (CSV, JSON and XLSX of the
    /// coverage and matrices), they are generated and written on another
    /// thread after this returns, so that open pages reload first;
    /// [`Session::settle`] waits for them.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuild, BuildError> {
        // Exports still being written belong to the previous output.
        let _ = self.settle();
        let mut changed: Vec<PathBuf> = changed
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    self.root.join(p)
                }
            })
            .collect();
        // `HEAD` moved (a commit, a checkout, a branch switch): the history
        // is read again; the site's files are those the watcher reported.
        let before = changed.len();
        changed.retain(|p| !self.history.is_head_file(p));
        let config = self.root.join(crate::load::config::CONFIG_FILE);
        if changed.len() < before || changed.contains(&config) {
            self.history.mark_stale();
        }
        let content = self.root.join(CONTENT_DIR);
        if changed.iter().all(|p| p.starts_with(&content)) && self.search.is_some() {
            self.cache.changed(changed.clone());
            self.incremental(&changed)
        } else {
            self.cache.invalidate(changed.clone());
            self.full(&changed)
        }
    }

    /// A full build (which still reuses the parsed files).
    fn full(&mut self, changed: &[PathBuf]) -> Result<Rebuild, BuildError> {
        // The writer of the old index goes first: the build replaces its
        // folder.
        self.search = None;
        self.index = None;
        let (built, prints) = full_build(
            &self.root,
            &self.opts,
            &mut self.cache,
            &mut self.history,
            changed,
        )?;
        self.exported_history = self.history.print();
        Ok(self.adopt(built, Some(prints)))
    }

    /// Keep what a full build made (and the prints of its render, when
    /// they are not kept yet).
    fn adopt(&mut self, built: Built, prints: Option<PagePrints>) -> Rebuild {
        self.tera = built.tera;
        if let Some(prints) = prints {
            self.prints = prints;
        }
        self.published = Arc::new(published_ids(&built.site));
        self.layout = Some(Arc::clone(&built.site.urls));
        // Without a writable index, the next change makes a full build.
        self.search = LiveSearch::open(&self.output, &built.site).ok();
        let r = built.report;
        Rebuild {
            full: true,
            documents: r.documents,
            skipped: r.skipped,
            pages: r.pages,
            rendered: r.pages,
            written: r.files + r.pages,
            removed: 0,
            diags: r.diags,
            phases: r.phases,
            elapsed: r.elapsed,
            history_read: None,
        }
    }

    /// A rebuild after changes to documents only (`changed`, none when
    /// only `HEAD` moved).
    fn incremental(&mut self, changed: &[PathBuf]) -> Result<Rebuild, BuildError> {
        let start = Instant::now();
        let mut site = self
            .cache
            .load(&self.root, self.opts.load.clone())
            .map_err(|e| BuildError::Config(e.into_diagnostics()))?;
        let attached = self.history.attach(&mut site, changed);
        let mut phases = site.phases.clone();
        let mut lap = {
            let mut t = Instant::now();
            move |name: &'static str, phases: &mut Vec<(&'static str, Duration)>| {
                phases.push((name, t.elapsed()));
                t = Instant::now();
            }
        };
        let mut diags = self.cache.findings(&site);
        lap("check", &mut phases);
        if diags.has_errors() && !self.opts.allow_errors {
            return Err(BuildError::Content(diags));
        }

        let files = Mutex::new(Vec::new());
        let outcome = render_changed(
            &site,
            &self.tera,
            &|f| {
                files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
                Ok(())
            },
            &self.prints,
        )
        .map_err(|ds| {
            diags.extend(ds);
            diags.sort();
            BuildError::Content(diags.clone())
        })?;
        let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.extend(ServedHistory::stamp_file(&site));
        lap("render", &mut phases);
        let history_print = self.history.print();
        let exports_due =
            outcome.prints.site() != self.prints.site() || history_print != self.exported_history;
        self.exported_history = history_print;
        // The same layout publishes the same documents.
        let published = match &self.layout {
            Some(urls) if Arc::ptr_eq(urls, &site.urls) => Arc::clone(&self.published),
            _ => Arc::new(published_ids(&site)),
        };
        let gone = outcome.prints.gone_since(&self.prints);
        // Everything is ready: write the pages, and update the search
        // indexes beside. The search entries of a document are made of what
        // its page shows: the documents whose page was rendered, and those
        // gone.
        let changed: Vec<&str> = outcome.rendered_docs.iter().map(String::as_str).collect();
        let removed: Vec<&str> = self
            .published
            .iter()
            .filter(|id| !published.contains(*id))
            .map(String::as_str)
            .collect();
        let output = &self.output;
        let search = &mut self.search;
        // Shared with the thread that writes the static search index.
        let site = Arc::new(site);
        let writing = self.lock.write().unwrap_or_else(|e| e.into_inner());
        let ((written, write_time), (updated, search_time)) = rayon::join(
            || {
                let t = Instant::now();
                let written = write_files(output, &files);
                for p in &gone {
                    remove_in_place(output, p);
                }
                (written, t.elapsed())
            },
            || update_search(search, &site, &changed, &removed),
        );
        drop(writing);
        phases.push(("write", write_time));
        phases.push(("search", search_time));
        if let Some(live) = &self.search {
            phases.extend(live.phases().iter().map(|&(name, d)| (name, d)));
        }
        let written = written.map_err(|d| {
            diags.push(d);
            BuildError::Content(diags.clone())
        })?;
        match updated {
            Ok(index) => self.index = Some(index),
            Err(_) => {
                // The two indexes may disagree now: rebuild them in full.
                self.prints = outcome.prints;
                self.published = published;
                return self.full(&[]);
            }
        }
        let rebuild = Rebuild {
            full: false,
            documents: published.len(),
            skipped: crate::publish::Skipped::of(&site),
            pages: outcome.pages,
            rendered: outcome.rendered,
            written,
            removed: gone.len(),
            diags,
            phases,
            elapsed: start.elapsed(),
            history_read: attached.reread.then_some(attached.notes),
        };
        let old_prints = std::mem::replace(&mut self.prints, outcome.prints);
        self.published = published;
        self.layout = Some(Arc::clone(&site.urls));
        // The exports follow the pages: a page reloads without them. The
        // previous fingerprints and this site (tens of thousands of small
        // allocations) are freed there too, off the rebuild's time.
        let output = self.output.clone();
        let lock = self.lock();
        self.exports = Some(std::thread::spawn(move || {
            drop(old_prints);
            let t = Instant::now();
            let written = if exports_due {
                let files = publish::exports::exports(&site, &output)?;
                let _writing = lock.write().unwrap_or_else(|e| e.into_inner());
                write_files(&output, &files)?
            } else {
                0
            };
            Ok(Exported {
                written,
                elapsed: t.elapsed(),
                changed: exports_due,
            })
        }));
        Ok(rebuild)
    }
}

fn published_ids(site: &Site) -> HashSet<String> {
    site.docs
        .iter()
        .zip(&site.published)
        .filter(|(_, p)| **p)
        .map(|(d, _)| d.meta.id.clone())
        .collect()
}

/// A full build through `cache` with the history `history` (the files
/// `changed` since the last build compared with `HEAD` again), and the
/// prints of its render.
fn full_build(
    root: &Path,
    opts: &BuildOptions,
    cache: &mut SiteCache,
    history: &mut ServedHistory,
    changed: &[PathBuf],
) -> Result<(Built, PagePrints), BuildError> {
    let mut through = Through {
        cache,
        history,
        changed,
        prints: Mutex::new(PagePrints::default()),
    };
    let built = publish::build_with(root, opts, &mut through)?;
    let prints = through
        .prints
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    Ok((built, prints))
}

/// The pipeline of a session's full builds: the load goes through the
/// cache, and the render (of every page) keeps the prints of each page for
/// the next rebuild.
struct Through<'c> {
    cache: &'c mut SiteCache,
    history: &'c mut ServedHistory,
    changed: &'c [PathBuf],
    prints: Mutex<PagePrints>,
}

impl Pipeline for Through<'_> {
    fn load(&mut self, root: &Path, options: LoadOptions) -> Result<Site, SiteError> {
        let mut site = self.cache.load(root, options)?;
        self.history.attach(&mut site, self.changed);
        Ok(site)
    }

    fn findings(&self, site: &Site) -> Diagnostics {
        self.cache.findings(site)
    }

    fn render(&self, site: &Site, tera: &Tera, sink: Sink<'_>) -> Result<usize, Vec<Diagnostic>> {
        let outcome = render_changed(site, tera, sink, &PagePrints::default())?;
        if let Some(f) = ServedHistory::stamp_file(site) {
            sink(f).map_err(|d| vec![d])?;
        }
        let pages = outcome.pages;
        *self.prints.lock().unwrap_or_else(|e| e.into_inner()) = outcome.prints;
        Ok(pages)
    }
}

/// Update the served search indexes after an incremental rebuild (see
/// [`LiveSearch::update`]): the new index for the server, and how long
/// the update took.
fn update_search(
    search: &mut Option<LiveSearch>,
    site: &Arc<crate::resolve::Site>,
    changed: &[&str],
    removed: &[&str],
) -> (Result<SearchIndex, String>, Duration) {
    let t = Instant::now();
    let updated = match search.as_mut() {
        Some(live) => live.update(site, changed, removed),
        None => Err("the search index is not open".to_string()),
    };
    (updated, t.elapsed())
}
