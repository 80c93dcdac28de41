//! The layout of a site: its documents sorted by id with one document per
//! id and per page, each document's page URL, and whether it is published.

use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::load::config::RawHtml;
use crate::load::content::Document;
use crate::resolve::links::{LinkIndex, LinkMaps};

/// What a load works out from the documents' ids, paths and statuses
/// only: the order of the site's documents, their page URLs, publication
/// and link tables.
pub struct Layout {
    /// The documents loaded, in path order.
    pub files: Vec<Arc<Document>>,
    /// Index in `files` of each document of the site, sorted by id.
    pub order: Vec<usize>,
    /// Shared with the sites of this layout: the same allocation means the
    /// same layout.
    pub urls: Arc<[String]>,
    pub published: Vec<bool>,
    pub maps: Arc<LinkMaps>,
    /// Whether working it out found nothing to report (duplicate ids,
    /// shared pages): findings are located in the documents, so a layout
    /// with findings is worked out again.
    pub clean: bool,
}

impl Layout {
    /// The layout of the loaded documents (in path order): sorted by id with
    /// the first (by path) of each id kept, their page URLs, publication and
    /// link tables. Duplicate ids and shared pages are reported to `diags`.
    pub fn new(
        files: Vec<Arc<Document>>,
        clean: bool,
        drafts: bool,
        diags: &mut Diagnostics,
    ) -> Layout {
        let before = diags.len();
        let mut order = dedupe_ids(&files, diags);
        let mut docs: Vec<Arc<Document>> = order.iter().map(|&k| Arc::clone(&files[k])).collect();
        let (mut urls, keep) = page_urls(&docs, clean, diags);
        if keep.contains(&false) {
            let kept = |i: &usize| keep[*i];
            order = (0..order.len()).filter(kept).map(|i| order[i]).collect();
            docs = (0..docs.len())
                .filter(kept)
                .map(|i| Arc::clone(&docs[i]))
                .collect();
            urls = (0..urls.len())
                .filter(kept)
                .map(|i| std::mem::take(&mut urls[i]))
                .collect();
        }
        let published = docs
            .iter()
            .map(|d| drafts || !d.meta.status.is_unreleased())
            .collect();
        Layout {
            maps: Arc::new(LinkMaps::new(&docs)),
            clean: diags.len() == before,
            files,
            order,
            urls: urls.into(),
            published,
        }
    }

    /// The documents of the site, sorted by id.
    pub fn docs(&self) -> Vec<Arc<Document>> {
        self.order
            .iter()
            .map(|&k| Arc::clone(&self.files[k]))
            .collect()
    }

    /// Where the links of `docs` (this layout's documents) can point.
    pub fn links<'a>(&'a self, docs: &'a [Arc<Document>], raw_html: RawHtml) -> LinkIndex<'a> {
        LinkIndex::new(docs, &self.maps, &self.urls, &self.published).with_raw_html(raw_html)
    }
}

/// The URL slug of a document id: lowercase, letters, digits, `-`, `_`, `.`.
pub fn doc_slug(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A site-relative URL for a folder page, honouring `clean_links`.
pub fn dir_url(dir: &str, clean: bool) -> String {
    if clean {
        format!("{dir}/")
    } else {
        format!("{dir}/index.html")
    }
}

/// The page URL of each document, and whether it keeps its page: of the
/// documents whose ids would share a page (ids that differ only in letter
/// case), only the first in id order does, as only the first of the
/// documents sharing an id is kept; the others are reported. A site that
/// allows `duplicate-id` thus never has one document's page overwrite
/// another's.
fn page_urls(
    docs: &[Arc<Document>],
    clean: bool,
    diags: &mut Diagnostics,
) -> (Vec<String>, Vec<bool>) {
    let mut keep = vec![true; docs.len()];
    let slugs: Vec<String> = docs.par_iter().map(|d| doc_slug(&d.meta.id)).collect();
    let urls: Vec<String> = slugs
        .par_iter()
        .map(|slug| dir_url(&format!("documents/{slug}"), clean))
        .collect();
    // Documents sharing a slug, found by sorting (ids are unique already,
    // so clashes are rare and small).
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.par_sort_unstable_by(|&a, &b| slugs[a].cmp(&slugs[b]).then(a.cmp(&b)));
    let clashes = order
        .chunk_by(|&a, &b| slugs[a] == slugs[b])
        .filter(|g| g.len() > 1)
        .map(|g| (slugs[g[0]].clone(), g.to_vec()));
    for (slug, idx) in clashes {
        for &i in &idx[1..] {
            keep[i] = false;
        }
        let first = &docs[idx[0]];
        let others: Vec<String> = idx[1..]
            .iter()
            .map(|&i| format!("`{}` in {}", docs[i].meta.id, docs[i].path.display()))
            .collect();
        diags.push(
            first
                .error_at(
                    first.id_span,
                    format!(
                        "document ids `{}` and {} would share the page documents/{slug}/",
                        first.meta.id,
                        others.join(", ")
                    ),
                )
                .with_help("ids must differ by more than letter case or punctuation; until then only the first has a page")
                .with_rule("duplicate-id"),
        );
    }
    (urls, keep)
}

/// Sort the documents by id and keep the first (by path) of each id, as
/// indexes into `docs`; report every collision in one message per id,
/// listing all the files that use it.
fn dedupe_ids(docs: &[Arc<Document>], diags: &mut Diagnostics) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (&docs[a], &docs[b]);
        a.meta.id.cmp(&b.meta.id).then_with(|| a.path.cmp(&b.path))
    });
    let id = |k: &usize| docs[*k].meta.id.as_str();
    if order.windows(2).all(|w| id(&w[0]) != id(&w[1])) {
        return order;
    }
    let mut out = Vec::with_capacity(order.len());
    for group in order.chunk_by(|a, b| id(a) == id(b)) {
        let first = &docs[group[0]];
        let id = &first.meta.id;
        if group.len() > 1 {
            let others: Vec<String> = group[1..]
                .iter()
                .map(|&k| {
                    let d = &docs[k];
                    let loc = Diagnostic::error(&d.path, "").at_offset(
                        &d.source,
                        d.id_span.offset,
                        d.id_span.len,
                    );
                    loc.location()
                })
                .collect();
            diags.push(
                first
                    .error_at(
                        first.id_span,
                        format!(
                            "duplicate document id `{id}`, also used in {}",
                            others.join(", ")
                        ),
                    )
                    .with_help("every document needs its own id; renumber all but one")
                    .with_rule("duplicate-id"),
            );
        }
        out.push(group[0]);
    }
    out
}
