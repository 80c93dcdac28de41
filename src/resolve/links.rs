//! Links between documents: where a link can point (a [`LinkIndex`] of
//! every document by id and by path), the edges the rendered bodies record,
//! the `related` lists resolved to documents, and the backlinks of each
//! document.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use crate::base::diag::Diagnostic;
use crate::load::config::RawHtml;
use crate::load::content::{Document, Span};

/// The lookup tables of a [`LinkIndex`]: they depend on the documents'
/// ids and paths only, so a load can keep them while those are unchanged.
#[derive(Debug, Default)]
pub struct LinkMaps {
    by_id: HashMap<String, usize>,
    by_id_lower: HashMap<String, usize>,
    by_path: HashMap<String, usize>,
}

impl LinkMaps {
    /// `docs` must have unique ids (the build reports duplicates first).
    pub fn new(docs: &[Arc<Document>]) -> Self {
        let mut by_id = HashMap::with_capacity(docs.len());
        let mut by_id_lower = HashMap::with_capacity(docs.len());
        let mut by_path = HashMap::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            by_id.entry(d.meta.id.clone()).or_insert(i);
            by_id_lower.entry(d.meta.id.to_lowercase()).or_insert(i);
            by_path.insert(d.content_path.clone(), i);
        }
        LinkMaps {
            by_id,
            by_id_lower,
            by_path,
        }
    }
}

/// Where a link can point: every loaded document, by index.
pub struct LinkIndex<'a> {
    docs: &'a [Arc<Document>],
    maps: &'a LinkMaps,
    /// Page URL of each document relative to the site root.
    urls: &'a [String],
    /// Whether each document is published in this build.
    published: &'a [bool],
    /// What becomes of raw HTML (`[markdown] raw_html`).
    raw_html: RawHtml,
}

impl<'a> LinkIndex<'a> {
    /// `maps` must be the [`LinkMaps`] of `docs`.
    pub fn new(
        docs: &'a [Arc<Document>],
        maps: &'a LinkMaps,
        urls: &'a [String],
        published: &'a [bool],
    ) -> Self {
        LinkIndex {
            docs,
            maps,
            urls,
            published,
            raw_html: RawHtml::default(),
        }
    }

    /// Render raw HTML as `raw_html` says (default: sanitize).
    pub fn with_raw_html(mut self, raw_html: RawHtml) -> Self {
        self.raw_html = raw_html;
        self
    }

    /// Document `i`.
    pub fn doc(&self, i: usize) -> &'a Document {
        &self.docs[i]
    }

    /// What becomes of raw HTML.
    pub fn raw_html(&self) -> RawHtml {
        self.raw_html
    }

    /// Index of the document at this path below `content/`.
    pub fn find_path(&self, content_path: &str) -> Option<usize> {
        self.maps.by_path.get(content_path).copied()
    }

    /// Page URL of document `i`.
    pub fn url(&self, i: usize) -> &'a str {
        &self.urls[i]
    }

    /// Whether document `i` is published in this build.
    pub fn published(&self, i: usize) -> bool {
        self.published[i]
    }

    /// Index of the document with this id (exact, then case-insensitive).
    pub fn find_id(&self, id: &str) -> Option<usize> {
        let maps = self.maps;
        maps.by_id
            .get(id)
            .or_else(|| maps.by_id_lower.get(&id.to_lowercase()))
            .copied()
    }

    /// The document file nearest to the missing `content_path` (below
    /// content/), for "did you mean": the closest file name, then the
    /// closest path.
    pub fn suggest_path(&self, content_path: &str) -> Option<&'a str> {
        let want = content_path.to_lowercase();
        let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let want_name = name(&want);
        self.docs
            .iter()
            .map(|d| {
                let p = d.content_path.to_lowercase();
                let score = strsim::jaro_winkler(&name(&p), &want_name) * 2.0
                    + strsim::jaro_winkler(&p, &want);
                (score, d.content_path.as_str())
            })
            .filter(|(s, _)| *s > 2.4)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, p)| p)
    }

    /// The closest existing id, for "did you mean".
    pub fn suggest_id(&self, id: &str) -> Option<&'a str> {
        let id_l = id.to_lowercase();
        self.docs
            .iter()
            .map(|d| {
                (
                    strsim::jaro_winkler(&d.meta.id.to_lowercase(), &id_l),
                    d.meta.id.as_str(),
                )
            })
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, id)| id)
    }
}

/// One link from a document to a document (possibly itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub anchor: Option<String>,
    /// Location of the link destination in the source document.
    pub span: Span,
}

/// The documents `d` lists as `related`, as indexes of `links`, and the
/// findings about ids that name no document.
pub fn related_of(d: &Document, links: &LinkIndex<'_>) -> (Vec<usize>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut ds = Vec::new();
    for r in &d.meta.related {
        match links.find_id(&r.id) {
            Some(i) => {
                if !out.contains(&i) {
                    out.push(i)
                }
            }
            None => {
                let mut e = d.error_at(
                    r.span,
                    format!("`related` names an unknown document `{}`", r.id),
                );
                e.help = links
                    .suggest_id(&r.id)
                    .map(|s| format!("did you mean `{s}`?"));
                ds.push(e.with_rule("broken-link"));
            }
        }
    }
    (out, ds)
}

/// Documents that link to or list each document as related, sorted.
pub fn backlinks(n: usize, edges: &[Edge], related: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        if e.from != e.to {
            back[e.to].push(e.from);
        }
    }
    for (from, rel) in related.iter().enumerate() {
        for &to in rel {
            if to != from {
                back[to].push(from);
            }
        }
    }
    for b in &mut back {
        b.sort_unstable();
        b.dedup();
    }
    back
}
