//! The resolved site: configuration, standards and documents loaded, ids,
//! links and clause references resolved, bodies rendered to HTML. Everything
//! the page templates, the checks and the exports read comes from here.
//!
//! [`Site::load_from`] is the plain load, a list of steps each worked out
//! afresh: the configuration and catalogs ([`scope`]), the documents
//! (`load::content`), their [`layout`] (order, page URLs, publication),
//! their `related` lists ([`links`]) and clause references ([`clauses`]),
//! their bodies ([`markdown`]) and the coverage ([`trace`]); then
//! [`Site::assemble`] adds what follows from those (anchors, backlinks,
//! the published coverage). `clausebook serve` loads through its cache
//! (`serve::cache`), which runs the same steps and keeps what it can from
//! the previous load; the load here never reads a cache.

pub mod anchors;
pub mod changes;
pub mod clauses;
pub mod diff;
pub mod history;
pub mod layout;
pub mod links;
pub mod markdown;
pub mod report;
pub mod scope;
pub mod trace;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::timing::Laps;
use crate::load::config::{Config, ConfigError};
use crate::load::content::{self, Document, Status};
use crate::load::source::{FileSystem, Source};
use crate::load::standards::{Catalog, Mapping, Standards};
use crate::resolve::clauses::ResolvedRef;
use crate::resolve::layout::Layout;
use crate::resolve::links::Edge;
use crate::resolve::markdown::Rendered;
use crate::resolve::trace::Trace;

/// Options that change what a load includes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Publish draft and review documents too.
    pub drafts: bool,
    /// The date review deadlines are measured against.
    pub today: jiff::civil::Date,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            drafts: false,
            today: jiff::Zoned::now().date(),
        }
    }
}

/// A loaded, resolved and rendered site.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub standards: Arc<Standards>,
    pub options: LoadOptions,
    /// Documents with unique ids, sorted by id.
    pub docs: Vec<Arc<Document>>,
    /// Page URL of each document, relative to the site root. Loads that
    /// reuse the layout of the previous load share it: the same allocation
    /// means the same documents in the same order with the same URLs and
    /// publication.
    pub urls: Arc<[String]>,
    /// Whether each document gets a page in this build.
    pub published: Vec<bool>,
    /// Resolved clause references of each document.
    pub clauses: Vec<Arc<Vec<ResolvedRef>>>,
    /// Resolved `related` ids of each document.
    pub related: Vec<Vec<usize>>,
    /// Rendered body of each document.
    pub rendered: Vec<Arc<Rendered>>,
    /// All links between documents.
    pub edges: Vec<Edge>,
    /// Documents that link to or list each document as related, sorted.
    pub backlinks: Vec<Vec<usize>>,
    pub trace: Arc<Trace>,
    /// The coverage as the published pages and exports show it: `trace`
    /// itself, unless `unpublished = "omit"` leaves the unpublished
    /// documents out of the site, then worked out without them.
    pub public_trace: Arc<Trace>,
    /// What the load found to report (the rules of `check` add theirs).
    pub diags: Diagnostics,
    /// Time spent in each phase, in order.
    pub phases: Vec<(&'static str, Duration)>,
    /// What the site's git repository says of it (see [`history`]): on
    /// inside a repository unless `[history] enabled = false`; `None`
    /// otherwise.
    pub history: Option<Arc<history::SiteHistory>>,
    /// Why `history` is `None`, for `-v`.
    pub history_off: Option<String>,
}

/// Why a site could not be loaded at all (a usage or configuration error).
#[derive(Debug)]
pub enum SiteError {
    Config(ConfigError),
    /// clausebook.toml loads but names unknown standards.
    Scope(Vec<Diagnostic>),
}

impl SiteError {
    /// The error as diagnostics.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            SiteError::Config(e) => e.into_diagnostics(),
            SiteError::Scope(ds) => ds,
        }
    }
}

/// What the steps of a load worked out, for [`Site::assemble`]; the
/// per-document lists are in the order of `docs`.
pub struct Parts {
    pub root: PathBuf,
    pub config: Config,
    pub standards: Arc<Standards>,
    pub options: LoadOptions,
    pub docs: Vec<Arc<Document>>,
    pub urls: Arc<[String]>,
    pub published: Vec<bool>,
    pub clauses: Vec<Arc<Vec<ResolvedRef>>>,
    pub related: Vec<Vec<usize>>,
    pub rendered: Vec<Arc<Rendered>>,
    pub edges: Vec<Edge>,
    pub trace: Arc<Trace>,
    /// The findings of the steps so far.
    pub diags: Diagnostics,
}

impl Site {
    /// Load the site in the folder `root`. Once the configuration is read
    /// (and wants history), reading the repository runs on a thread of its
    /// own: first the part that needs no document ([`history::prepare`]:
    /// the commit walk, tree diffs and older versions) while the documents
    /// load, then, once they are loaded, the rest ([`history::finish`])
    /// while they are resolved and rendered. Finished after the Markdown,
    /// it took 0.1 s with a core idle at 10,000 documents.
    pub fn load(root: &Path, options: LoadOptions) -> Result<Site, SiteError> {
        let source = FileSystem::new(root);
        let (docs_tx, docs_rx) = std::sync::mpsc::channel::<Vec<Arc<Document>>>();
        std::thread::scope(|scope| {
            let mut pending = None;
            let mut docs_rx = Some(docs_rx);
            let mut start = |config: &Config| {
                let Some(docs_rx) = docs_rx.take().filter(|_| history::wanted(config)) else {
                    return;
                };
                let schema = content::Schema::of(config);
                let config = config.clone();
                pending = Some(scope.spawn(move || {
                    let prepared = history::prepare(root, schema);
                    // No documents: the load failed, and nothing is wanted.
                    let docs = docs_rx.recv().ok()?;
                    // On a pool of its own: on rayon's, its parallel parts
                    // would wait for the Markdown's to end.
                    Some(crate::load::history::in_pool(true, || {
                        history::finish(
                            Some(prepared),
                            root,
                            &config,
                            &docs,
                            jiff::Timestamp::now(),
                        )
                    }))
                }));
            };
            let mut loaded = |docs: &[Arc<Document>]| {
                // Nobody listens without history: nothing to do then.
                let _ = docs_tx.send(docs.to_vec());
            };
            let site = Site::load_steps(&source, options, true, &mut start, &mut loaded);
            drop(docs_tx);
            let mut site = site?;
            let mut laps = Laps::start();
            match pending {
                Some(p) => {
                    let finished = p
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                        .expect("the documents were loaded");
                    laps.lap("history");
                    site.history_done(finished, laps);
                }
                None => site.history_from(None, laps),
            }
            Ok(site)
        })
    }

    /// Read the site's repository (unless `[history]` turns it off): the
    /// history, its findings and the publication stamp.
    pub fn read_history(&mut self) {
        let laps = Laps::start();
        let prepared = history::wanted(&self.config)
            .then(|| history::prepare(&self.root, content::Schema::of(&self.config)));
        self.history_from(prepared, laps);
    }

    /// The history from what [`history::prepare`] read; `laps` started
    /// when the history began to be waited for.
    fn history_from(&mut self, prepared: Option<history::Prepared>, mut laps: Laps) {
        let finished = history::finish(
            prepared,
            &self.root,
            &self.config,
            &self.docs,
            jiff::Timestamp::now(),
        );
        laps.lap("history");
        self.history_done(finished, laps);
    }

    /// Keep what [`history::finish`] made; `laps` holds the time it was
    /// waited for (shown with history only).
    fn history_done(&mut self, finished: history::Finished, laps: Laps) {
        let (h, off, notes) = finished;
        if h.is_some() {
            self.phases.extend(laps.phases);
        }
        self.history = h.map(Arc::new);
        self.history_off = off;
        if !notes.is_empty() {
            self.diags.extend(notes);
            self.diags.sort();
        }
    }

    /// Load the site whose files `source` gives: each step in turn.
    pub fn load_from(source: &dyn Source, options: LoadOptions) -> Result<Site, SiteError> {
        Site::load_steps(source, options, true, &mut |_| {}, &mut |_| {})
    }

    /// As [`Site::load_from`], without rendering the bodies (their HTML,
    /// text, links and anchors stay empty): enough for coverage and the
    /// documents' metadata and sources, as `clausebook changes` compares
    /// them.
    pub fn load_unrendered(source: &dyn Source, options: LoadOptions) -> Result<Site, SiteError> {
        Site::load_steps(source, options, false, &mut |_| {}, &mut |_| {})
    }

    /// The steps of a load; `on_config` is called with the configuration
    /// once it is read and its standards are in scope, `on_docs` with the
    /// documents once they are loaded (before they are resolved).
    fn load_steps(
        source: &dyn Source,
        options: LoadOptions,
        bodies: bool,
        on_config: &mut dyn FnMut(&Config),
        on_docs: &mut dyn FnMut(&[Arc<Document>]),
    ) -> Result<Site, SiteError> {
        let mut laps = Laps::start();
        let mut diags = Diagnostics::default();

        let config = Config::load_from(source).map_err(SiteError::Config)?;
        let (standards, found) = scope::load_standards(source);
        diags.extend(found);
        scope::check(&config, &standards, &mut diags).map_err(SiteError::Scope)?;
        on_config(&config);
        laps.lap("config");

        let (files, found) = content::load(source, &content::Schema::of(&config));
        diags.extend(found);
        let files = files.into_iter().map(Arc::new).collect();
        let layout = Layout::new(files, config.clean_links, options.drafts, &mut diags);
        let docs = layout.docs();
        on_docs(&docs);
        laps.lap("load");

        let links = layout.links(&docs, config.markdown.raw_html);
        let related = findings_apart(
            docs.iter().map(|d| links::related_of(d, &links)).collect(),
            &mut diags,
        );
        let clauses = findings_apart(clauses::resolve_all(&docs, &config, &standards), &mut diags);
        laps.lap("resolve");

        let rendered: Vec<Arc<Rendered>> = if bodies {
            (0..docs.len())
                .into_par_iter()
                .map(|i| Arc::new(markdown::render(i, &links, "../../")))
                .collect()
        } else {
            let empty = Arc::new(Rendered::default());
            vec![empty; docs.len()]
        };
        let edges = rendered.iter().flat_map(|r| r.edges.clone()).collect();
        laps.lap("markdown");

        let trace = Arc::new(Trace::compute(&config, &standards, &docs, &clauses));
        let parts = Parts {
            root: source.root().to_path_buf(),
            config,
            standards: Arc::new(standards),
            options,
            docs,
            urls: Arc::clone(&layout.urls),
            published: layout.published.clone(),
            clauses,
            related,
            rendered,
            edges,
            trace,
            diags,
        };
        Ok(Site::assemble(parts, laps))
    }

    /// The site made of `parts`: the findings of the bodies and of their
    /// anchors, the backlinks and the published coverage added.
    pub fn assemble(parts: Parts, mut laps: Laps) -> Site {
        let Parts {
            root,
            config,
            standards,
            options,
            docs,
            urls,
            published,
            clauses,
            related,
            rendered,
            edges,
            trace,
            mut diags,
        } = parts;
        for r in &rendered {
            diags.extend(r.diags.iter().cloned());
        }
        anchors::check(&docs, &rendered, &edges, &clauses, &mut diags);
        let backlinks = links::backlinks(docs.len(), &edges, &related);
        let public_trace =
            trace::public_trace(&config, &standards, &docs, &clauses, &published, &trace);
        laps.lap("link");
        diags.sort();
        Site {
            root,
            config,
            standards,
            options,
            docs,
            urls,
            published,
            clauses,
            related,
            rendered,
            edges,
            backlinks,
            trace,
            public_trace,
            diags,
            phases: laps.phases,
            history: None,
            history_off: None,
        }
    }

    /// The mappings whose two standards are both in scope, with their
    /// catalogs (left, right), in the order of `trace.mappings`.
    pub fn matrices(&self) -> impl Iterator<Item = (&Mapping, &Catalog, &Catalog)> {
        self.trace.mappings.iter().filter_map(|id| {
            let m = self.standards.mapping(id)?;
            Some((
                m,
                self.standards.catalog(&m.left)?,
                self.standards.catalog(&m.right)?,
            ))
        })
    }

    /// Index of the document with this exact id.
    pub fn doc_index(&self, id: &str) -> Option<usize> {
        self.docs
            .binary_search_by(|d| d.meta.id.as_str().cmp(id))
            .ok()
    }

    /// Whether a document's review date has passed.
    pub fn is_overdue(&self, i: usize) -> bool {
        let d = &self.docs[i].meta;
        d.status != Status::Retired && d.review_by.is_some_and(|r| r < self.options.today)
    }
}

/// The results of a step, its findings moved to `diags` (in order).
fn findings_apart<T>(results: Vec<(T, Vec<Diagnostic>)>, diags: &mut Diagnostics) -> Vec<T> {
    results
        .into_iter()
        .map(|(r, ds)| {
            diags.extend(ds);
            r
        })
        .collect()
}
