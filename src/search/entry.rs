//! One published document as the indexes see it ([`Entry`]).

use crate::resolve::Site;
use crate::resolve::markdown::TocEntry;

/// A referenced clause, as the indexes see it.
#[derive(Debug, Clone)]
pub struct ClauseEntry {
    /// Catalog id, e.g. `iso20000-1:2011`.
    pub standard: String,
    /// Clause number, e.g. `8.1`.
    pub number: String,
    /// The clause's title (or its nearest titled ancestor's).
    pub title: String,
    /// Parent, grandparent, … numbers, nearest first.
    pub ancestors: Vec<String>,
}

/// One published document, as the indexes see it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: &'static str,
    pub status: &'static str,
    pub owner: &'a str,
    pub tags: &'a [String],
    pub summary: &'a str,
    /// Site-relative page URL.
    pub url: &'a str,
    /// Heading texts, in document order.
    pub headings: Vec<&'a str>,
    /// The body as plain text.
    pub body: &'a str,
    pub clauses: Vec<ClauseEntry>,
}

/// The published documents of a site, in id order.
pub fn entries(site: &Site) -> Vec<Entry<'_>> {
    (0..site.docs.len())
        .filter(|&i| site.published[i])
        .map(|i| entry(site, i))
        .collect()
}

/// The entry of document `i` of the site (published or not).
pub fn entry(site: &Site, i: usize) -> Entry<'_> {
    let meta = &site.docs[i].meta;
    let mut headings = Vec::new();
    flatten_toc(&site.rendered[i].toc, &mut headings);
    let mut clauses: Vec<ClauseEntry> = Vec::new();
    for r in site.clauses[i].iter() {
        if clauses
            .iter()
            .any(|c| c.standard == r.key.standard && c.number == r.key.clause)
        {
            continue; // the same clause for two sections
        }
        let cat = site.standards.catalog(&r.key.standard);
        clauses.push(ClauseEntry {
            standard: r.key.standard.clone(),
            number: r.key.clause.clone(),
            title: cat
                .map(|c| c.display_title(&r.key.clause))
                .unwrap_or_default(),
            ancestors: cat
                .map(|c| {
                    c.ancestors(&r.key.clause)
                        .into_iter()
                        .map(|a| a.number.clone())
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Entry {
        id: &meta.id,
        title: &meta.title,
        kind: meta.kind.as_str(),
        status: meta.status.as_str(),
        owner: meta.owner.as_deref().unwrap_or(""),
        tags: &meta.tags,
        summary: meta.summary.as_deref().unwrap_or(""),
        url: &site.urls[i],
        headings,
        body: body_without_title(&site.rendered[i].text, &meta.title),
        clauses,
    }
}

/// The body text without the `# Title` heading that often opens it (the
/// title has its own field).
fn body_without_title<'a>(body: &'a str, title: &str) -> &'a str {
    let trimmed = body.trim_start();
    match trimmed.get(..title.len()) {
        Some(head) if !title.is_empty() && head.eq_ignore_ascii_case(title) => {
            &trimmed[title.len()..]
        }
        _ => body,
    }
}

fn flatten_toc<'a>(toc: &'a [TocEntry], out: &mut Vec<&'a str>) {
    for t in toc {
        out.push(&t.title);
        flatten_toc(&t.children, out);
    }
}
