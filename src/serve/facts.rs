//! What the pages read of each document, worked out once per render and
//! kept for the next one: the fingerprints that decide which pages to
//! render again, and the table of each document's page path, kind, status
//! and tags (`render::table`).
//!
//! A rebuild after a change to one document of 10,000 used to read every
//! document's front-matter again for these, at each render: about 20 ms,
//! spent waiting on memory rather than computing. Now the facts of a
//! document are kept by position and taken over while
//!
//! - the layout is the same: the very same page URLs (see [`Site::urls`]),
//!   so the same documents in the same order, with the same publication;
//! - the options' date and the globals (configuration, catalogs) are the
//!   same;
//! - the document is the same parse ([`Document::serial`]);
//! - for the fingerprint of its page's own inputs, its body rendered the
//!   same (the body's fingerprint).
//!
//! Everything else is worked out again, so the facts always equal those of
//! a fresh render; the rebuild tests compare the outputs.
//!
//! [`Document::serial`]: crate::load::content::Document::serial

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::fingerprint::hasher;
use crate::render::table::{DocTable, doc_page_path};
use crate::resolve::Site;

/// The fingerprints of one document.
#[derive(Clone, Copy)]
pub(crate) struct Fact {
    serial: u64,
    /// Fingerprint of the document's summary (what listings show of it).
    pub summary: u64,
    /// Fingerprint of its rendered body.
    body: u64,
    /// Fingerprint of what its own page reads of it besides the summary
    /// and the body: source path, clauses, extra front-matter.
    own: u64,
}

/// The facts of every document of a render.
#[derive(Default)]
pub(crate) struct Facts {
    urls: Option<Arc<[String]>>,
    today: Option<jiff::civil::Date>,
    globals: u64,
    /// [`SiteHistory::head_print`] of the history (0 without).
    ///
    /// [`SiteHistory::head_print`]: crate::resolve::history::SiteHistory::head_print
    head: u64,
    pub docs: Vec<Fact>,
    /// What the listings read of each document.
    pub table: DocTable,
}

impl Facts {
    /// The facts of `site`'s documents, taking over from `prev` what still
    /// holds. `globals` is the fingerprint of the configuration and
    /// catalogs as the pages read them.
    pub fn new(site: &Site, globals: u64, prev: &Facts) -> Facts {
        let n = site.docs.len();
        // The summaries show when each document last changed: a new
        // commit may change it for documents that did not change.
        let head = site.history.as_deref().map_or(0, |h| h.head_print());
        let same = prev
            .urls
            .as_ref()
            .is_some_and(|u| Arc::ptr_eq(u, &site.urls))
            && prev.today == Some(site.options.today)
            && prev.globals == globals
            && prev.head == head
            && prev.docs.len() == n;
        let kept = |i: usize| -> Option<&Fact> {
            let p = prev.docs.get(i).filter(|_| same)?;
            (p.serial == site.docs[i].serial).then_some(p)
        };
        let docs: Vec<Fact> = (0..n)
            .into_par_iter()
            .map(|i| {
                let body = site.rendered[i].fp;
                match kept(i) {
                    Some(p) if p.body == body => *p,
                    Some(p) => Fact {
                        body,
                        own: own_print(site, i),
                        ..*p
                    },
                    None => Fact {
                        serial: site.docs[i].serial,
                        summary: summary_print(site, i),
                        body,
                        own: own_print(site, i),
                    },
                }
            })
            .collect();
        let table = table(site, same, &|i| kept(i).is_some(), &prev.table);
        Facts {
            urls: Some(Arc::clone(&site.urls)),
            today: Some(site.options.today),
            globals,
            head,
            docs,
            table,
        }
    }

    /// The summary fingerprint of every document, in order.
    pub fn summaries(&self) -> impl IndexedParallelIterator<Item = u64> + '_ {
        self.docs.par_iter().map(|f| f.summary)
    }

    /// Fingerprint of everything document page `i` is made from: what
    /// `render::document` reads. The documents listed on it (related,
    /// backlinks) enter by their summary fingerprints.
    pub fn page_print(&self, site: &Site, i: usize) -> u64 {
        let f = &self.docs[i];
        let mut h = hasher();
        (f.summary, f.body, f.own).hash(&mut h);
        for list in [&site.related[i], &site.backlinks[i]] {
            list.len().hash(&mut h);
            for &j in list {
                self.docs[j].summary.hash(&mut h);
            }
        }
        h.finish()
    }
}

/// The table of `site`'s documents: the documents `kept` taken over from `prev`
/// (copied, or shared when the layout is the `same`), the rest read.
fn table(site: &Site, same: bool, kept: &dyn Fn(usize) -> bool, prev: &DocTable) -> DocTable {
    let n = site.docs.len();
    let paths = if same {
        Arc::clone(&prev.paths)
    } else {
        (0..n)
            .into_par_iter()
            .map(|i| doc_page_path(site, i))
            .collect::<Vec<_>>()
            .into()
    };
    let mut t = DocTable {
        paths,
        tags: prev.tags.clone(),
        tag_index: prev.tag_index.clone(),
        ..DocTable::default()
    };
    t.kinds.reserve(n);
    t.statuses.reserve(n);
    t.tag_start.reserve(n + 1);
    t.tag_list.reserve(prev.tag_list.len());
    t.tag_start.push(0);
    // Tags: copied for the documents kept, looked up for the others.
    for i in 0..n {
        if kept(i) {
            t.kinds.push(prev.kinds[i]);
            t.statuses.push(prev.statuses[i]);
            t.tag_list.extend_from_slice(prev.tags_of(i));
        } else {
            let d = &site.docs[i].meta;
            t.kinds.push(d.kind);
            t.statuses.push(d.status);
            for tag in &d.tags {
                t.add_tag(tag);
            }
        }
        t.tag_start.push(t.tag_list.len() as u32);
    }
    t
}

/// Fingerprint of what a document's summary shows (see `render::doc_summary`).
/// The catalogs and the configuration are left out: a change to them
/// rebuilds every page.
fn summary_print(site: &Site, i: usize) -> u64 {
    let d = &site.docs[i].meta;
    let mut h = hasher();
    (&d.id, &d.title, d.kind, &d.owner, &d.approver, &d.version).hash(&mut h);
    (d.status, d.effective, d.review_by, &d.summary, &d.tags).hash(&mut h);
    (site.is_overdue(i), &site.urls[i], site.published[i]).hash(&mut h);
    crate::render::history::last_changed(site, i).hash(&mut h);
    h.finish()
}

/// Fingerprint of what document `i`'s page reads of the document itself
/// besides its summary and body: the source path, the clauses (and whether
/// their standard is in scope) and the extra front-matter.
fn own_print(site: &Site, i: usize) -> u64 {
    let d = &site.docs[i];
    let mut h = hasher();
    d.path.hash(&mut h);
    site.clauses[i].len().hash(&mut h);
    for r in site.clauses[i].iter() {
        let in_scope = site.trace.scope.contains(&r.key.standard);
        (
            &r.key.standard,
            &r.key.clause,
            r.level,
            &r.section,
            in_scope,
        )
            .hash(&mut h);
    }
    if !d.meta.extra.is_empty() {
        serde_json::to_string(&d.meta.extra)
            .unwrap_or_default()
            .hash(&mut h);
    }
    h.finish()
}
