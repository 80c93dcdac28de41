//! What rendering one document body gives: the HTML, its table of
//! contents, and what the links found (edges, lookups, findings).

use foldhash::HashSet;
use serde::Serialize;

use crate::base::diag::Diagnostic;
use crate::resolve::links::Edge;

/// A heading, for the table of contents.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one document body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a link may target in this document (headings, footnotes).
    pub anchors: HashSet<String>,
    pub edges: Vec<Edge>,
    pub diags: Vec<Diagnostic>,
    /// The body as plain text (for search and summaries).
    pub text: String,
    /// What the links looked up in the site (`id:<lowercase id>`,
    /// `path:<content path>`): the rendering stays valid while the
    /// documents answering these keys do not change.
    pub lookups: Vec<String>,
    /// Whether a broken link's message suggested an id from the whole site.
    pub suggests: bool,
    /// Fingerprint of `html` and `toc` (what a page shows of the body).
    pub fp: u64,
}
