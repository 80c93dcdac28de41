//! Rendering again only what a change affects, for the rebuilds of
//! `clausebook serve`.
//!
//! A render through [`render_changed`] leaves [`PagePrints`] for the next
//! one: the fingerprint of every page's inputs, so that pages whose inputs
//! did not change are skipped, and the template values and HTML fragments
//! (register rows, clause document lists) that can be reused. It renders
//! with the page families of `render`, under a plan ([`Since`]) that
//! compares each page's fingerprint with the previous render's; a render
//! after [`PagePrints::default`] renders every page, as the full build of
//! a session does.
//!
//! Everything is reused only under the same configuration and catalogs
//! (the globals): a change to them makes a full build anyway.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use foldhash::HashMap;
use rayon::prelude::*;
use tera::{Tera, Value};

use crate::base::diag::Diagnostic;
use crate::base::fingerprint::{fingerprint, hasher};
use crate::load::standards::Catalog;
use crate::render::context::{Globals, Pages};
use crate::render::fragments::{ClauseList, Fragments, Maker, clause_keys};
use crate::render::history::history_print;
use crate::render::plan::{Plan, Prints, Reads};
use crate::render::{self, Sink, document, jobs, views};
use crate::resolve::Site;
use crate::serve::facts::Facts;

/// What a render leaves for the next render of the same site with the same
/// templates.
#[derive(Default)]
pub struct PagePrints {
    /// Fingerprint of the configuration and catalogs, which every page
    /// reads; the rest is reused only while it is the same.
    globals: u64,
    /// Fingerprint of the inputs of the exports (the summaries and the
    /// coverage, which the register and clause pages also read).
    site: u64,
    /// Every page other than the documents': output path and fingerprint
    /// of the page's inputs.
    pages: HashMap<String, u64>,
    /// What the pages read of each document (see [`Facts`]).
    facts: Facts,
    /// Fingerprint of each document's page (by position, as in `facts`);
    /// `None` for a document without a page.
    doc_pages: Vec<Option<u64>>,
    /// Each document's summary as a template value (by position).
    values: Vec<Value>,
    /// Register rows (`register_row.html`), by position; `None` for a
    /// document not in the register.
    rows: Vec<Option<Value>>,
    /// Documents addressing each clause: list fingerprint and the list.
    clauses: HashMap<(String, String), (u64, ClauseList)>,
}

impl PagePrints {
    /// Every page path of the render.
    fn paths(&self) -> impl Iterator<Item = &str> {
        self.doc_paths()
            .chain(self.pages.keys().map(String::as_str))
    }

    /// The paths of the document pages.
    fn doc_paths(&self) -> impl Iterator<Item = &str> {
        self.doc_pages
            .iter()
            .zip(self.facts.table.paths.iter())
            .filter(|(p, _)| p.is_some())
            .map(|(_, path)| path.as_str())
    }

    /// The pages of `before` that this render no longer has.
    pub fn gone_since(&self, before: &PagePrints) -> Vec<String> {
        // The same documents in the same order have the same pages: then
        // only the other pages are compared.
        let same_docs = Arc::ptr_eq(&self.facts.table.paths, &before.facts.table.paths)
            && self.doc_pages.len() == before.doc_pages.len()
            && self
                .doc_pages
                .iter()
                .zip(&before.doc_pages)
                .all(|(a, b)| a.is_some() == b.is_some());
        let now: std::collections::HashSet<&str> = if same_docs {
            self.pages.keys().map(String::as_str).collect()
        } else {
            self.paths().collect()
        };
        let old: Box<dyn Iterator<Item = &str>> = if same_docs {
            Box::new(before.pages.keys().map(String::as_str))
        } else {
            Box::new(before.paths())
        };
        old.filter(|p| !now.contains(p))
            .map(str::to_string)
            .collect()
    }

    /// Fingerprint of the inputs of the exports (the documents' summaries
    /// and the coverage).
    pub fn site(&self) -> u64 {
        self.site
    }
}

/// What [`render_changed`] did.
pub struct RenderOutcome {
    /// Pages of the site.
    pub pages: usize,
    /// Pages rendered (the others were unchanged).
    pub rendered: usize,
    /// Ids of the documents whose page was rendered.
    pub rendered_docs: Vec<String>,
    pub prints: PagePrints,
}

/// The fingerprints of a render's summaries and clause lists.
struct Known<'a> {
    summaries: &'a [u64],
    clauses: &'a HashMap<(String, String), (u64, ClauseList)>,
}

impl Prints for Known<'_> {
    fn summary(&self, doc: usize) -> u64 {
        self.summaries[doc]
    }

    fn clause_list(&self, standard: &str, clause: &str) -> u64 {
        self.clauses
            .get(&(standard.to_string(), clause.to_string()))
            .map_or(0, |(print, _)| *print)
    }
}

/// The pages whose fingerprint differs from the previous render's.
struct Since<'a> {
    previous: &'a HashMap<String, u64>,
    globals: u64,
    prints: &'a Known<'a>,
    /// Every page of this render, with its fingerprint.
    pages: HashMap<String, u64>,
}

impl Plan for Since<'_> {
    fn due(&mut self, path: &str, reads: Reads<'_>) -> bool {
        let print = fingerprint(&[self.globals, reads(self.prints)]);
        let due = self.previous.get(path) != Some(&print);
        self.pages.insert(path.to_string(), print);
        due
    }
}

/// Render the pages of `site` whose inputs changed since the render that
/// left `previous` into `sink`.
pub fn render_changed(
    site: &Site,
    tera: &Tera,
    sink: Sink<'_>,
    previous: &PagePrints,
) -> Result<RenderOutcome, Vec<Diagnostic>> {
    let globals = Globals::new(site);
    let globals_print = fingerprint(&globals.texts());
    let empty = PagePrints::default();
    let prev = match previous {
        p if p.globals == globals_print => p,
        _ => &empty,
    };
    let facts = Facts::new(site, globals_print, &prev.facts);
    let summary_prints: Vec<u64> = facts.summaries().collect();
    let before = Before::new(&facts, &summary_prints, prev);
    // Every page that lists a document shares its value; a value is made
    // again only when its summary changed.
    let summaries: Vec<Value> = (0..site.docs.len())
        .into_par_iter()
        .map(|i| match before.at(i).and_then(|j| prev.values.get(j)) {
            Some(v) => v.clone(),
            None => views::summary_value(site, i),
        })
        .collect();
    let site_print = site_print(site, globals_print, &summary_prints);
    let (doc_pages, due) = due_documents(site, &facts, globals_print, prev, before.same_docs);

    // The fragments the site pages are made of, rendered again only when
    // what they show changed.
    let maker = Maker::new(site, tera, &globals.context, &summaries);
    let (frags, clauses) = fragments(&maker, &globals.scope_cats, &summary_prints, &before, prev)
        .map_err(|e| vec![e])?;

    let p = Pages::new(site, tera, &globals, &facts.table, &summaries, &frags);
    let known = Known {
        summaries: &summary_prints,
        clauses: &clauses,
    };
    let mut plan = Since {
        previous: &prev.pages,
        globals: globals_print,
        prints: &known,
        pages: HashMap::default(),
    };
    let site_jobs = render::site_pages(&p, &mut plan);
    let pages = plan.pages.len() + doc_pages.iter().flatten().count();
    let rendered = site_jobs.len() + due.len();
    let rendered_docs = due.iter().map(|&i| site.docs[i].meta.id.clone()).collect();
    jobs::render(
        p.tera,
        &p.globals.context,
        due.into_par_iter().map(|i| document::job(&p, i)),
        site_jobs,
        sink,
    )?;
    let pages_prints = plan.pages;
    drop(p);
    let prints = PagePrints {
        globals: globals_print,
        site: site_print,
        pages: pages_prints,
        facts,
        doc_pages,
        values: summaries,
        rows: frags.rows,
        clauses,
    };
    Ok(RenderOutcome {
        pages,
        rendered,
        rendered_docs,
        prints,
    })
}

/// The documents of the previous render that can be found by position;
/// after a change of layout, by summary fingerprint.
struct Before<'a> {
    same_docs: bool,
    by_print: HashMap<u64, usize>,
    summaries: &'a [u64],
    prev: &'a PagePrints,
}

impl<'a> Before<'a> {
    fn new(facts: &Facts, summaries: &'a [u64], prev: &'a PagePrints) -> Before<'a> {
        let same_docs = Arc::ptr_eq(&facts.table.paths, &prev.facts.table.paths);
        let by_print = if same_docs {
            HashMap::default()
        } else {
            prev.facts
                .summaries()
                .enumerate()
                .map(|(j, p)| (p, j))
                .collect()
        };
        Before {
            same_docs,
            by_print,
            summaries,
            prev,
        }
    }

    /// The position in the previous render of document `i`, when its
    /// summary is the same.
    fn at(&self, i: usize) -> Option<usize> {
        if self.same_docs {
            (self.prev.facts.docs[i].summary == self.summaries[i]).then_some(i)
        } else {
            self.by_print.get(&self.summaries[i]).copied()
        }
    }
}

/// Fingerprint of the inputs of the exports.
fn site_print(site: &Site, globals: u64, summaries: &[u64]) -> u64 {
    let mut h = hasher();
    globals.hash(&mut h);
    summaries.hash(&mut h);
    for c in &site.public_trace.coverage {
        (&c.standard, &c.clauses).hash(&mut h);
    }
    site.public_trace.scope.hash(&mut h);
    site.public_trace.mappings.hash(&mut h);
    h.finish()
}

/// The fingerprint of each document's page (`None` without a page), and
/// the documents whose page is due.
fn due_documents(
    site: &Site,
    facts: &Facts,
    globals: u64,
    prev: &PagePrints,
    same_docs: bool,
) -> (Vec<Option<u64>>, Vec<usize>) {
    // With history, a page also shows the document's revisions, banners
    // and diff page: a commit changes them without changing the document.
    let changes = site
        .history
        .as_deref()
        .and_then(|h| h.changes.as_ref())
        .and_then(|(c, _)| c.as_ref().as_ref().ok());
    let doc_pages: Vec<Option<u64>> = (0..site.docs.len())
        .into_par_iter()
        .map(|i| {
            site.published[i].then(|| {
                fingerprint(&[
                    globals,
                    facts.page_print(site, i),
                    history_print(site, changes, i),
                ])
            })
        })
        .collect();
    let prev_doc_pages: HashMap<&str, u64> = if same_docs {
        HashMap::default()
    } else {
        prev.facts
            .table
            .paths
            .iter()
            .zip(&prev.doc_pages)
            .filter_map(|(path, p)| Some((path.as_str(), (*p)?)))
            .collect()
    };
    let due = (0..site.docs.len())
        .filter(|&i| {
            doc_pages[i].is_some()
                && doc_pages[i]
                    != if same_docs {
                        prev.doc_pages[i]
                    } else {
                        prev_doc_pages.get(facts.table.paths[i].as_str()).copied()
                    }
        })
        .collect();
    (doc_pages, due)
}

/// The fragments of the site, each kept from the previous render while
/// what it shows is unchanged; the clause lists with their fingerprints.
#[allow(clippy::type_complexity)]
fn fragments(
    maker: &Maker<'_>,
    scope_cats: &[&Catalog],
    summary_prints: &[u64],
    before: &Before<'_>,
    prev: &PagePrints,
) -> Result<(Fragments, HashMap<(String, String), (u64, ClauseList)>), Diagnostic> {
    let site = maker.site();
    let rows: Vec<Option<Value>> = (0..site.docs.len())
        .into_par_iter()
        .map(|i| {
            if !site.published[i] {
                return Ok(None);
            }
            match before.at(i).and_then(|j| prev.rows.get(j)?.as_ref()) {
                Some(v) => Ok(Some(v.clone())),
                None => maker.row(i).map(Some),
            }
        })
        .collect::<Result<_, Diagnostic>>()?;
    let clauses = clause_keys(scope_cats)
        .into_par_iter()
        .map(|(std, clause)| {
            let key = (std.to_string(), clause.to_string());
            let print = fingerprint(
                &site
                    .public_trace
                    .direct(std, clause)
                    .iter()
                    .map(|a| (summary_prints[a.doc], a.level, &a.section))
                    .collect::<Vec<_>>(),
            );
            if let Some((_, l)) = prev.clauses.get(&key).filter(|(p, _)| *p == print) {
                return Ok((key, (print, l.clone())));
            }
            Ok((key, (print, maker.clause_list(std, clause)?)))
        })
        .collect::<Result<HashMap<_, _>, Diagnostic>>()?;
    let lists = clauses
        .iter()
        .map(|(k, (_, l))| (k.clone(), l.clone()))
        .collect();
    Ok((
        Fragments {
            rows,
            clauses: lists,
        },
        clauses,
    ))
}
