//! Document pages: a document's body, metadata, clauses, contents, and the
//! published documents it lists as related or that link to it.

use tera::{Context, Value};

use crate::render::context::Pages;
use crate::render::jobs::PageJob;
use crate::render::views::{ClauseBadge, DocPage, FieldRow, Urls};
use crate::resolve::Site;

/// The page of document `i` (built in the parallel render stage: there
/// are as many of these as documents).
pub fn job(p: &Pages<'_>, i: usize) -> PageJob {
    PageJob {
        path: p.table.paths[i].clone(),
        template: "document.html",
        section: "register",
        context: doc_context(p, i),
    }
}

/// The page-specific part of document page `i`.
fn doc_page<'a>(site: &'a Site, urls: &Urls, i: usize) -> DocPage<'a> {
    let d = &site.docs[i];
    let mut page = DocPage {
        path: d.path.display().to_string(),
        extra: &d.meta.extra,
        clauses: site.clauses[i]
            .iter()
            .map(|r| {
                let cat = site.standards.catalog(&r.key.standard);
                ClauseBadge {
                    standard: &r.key.standard,
                    standard_name: cat.map_or_else(|| r.key.standard.clone(), |c| c.display_name()),
                    clause: &r.key.clause,
                    title: cat
                        .map(|c| c.display_title(&r.key.clause))
                        .unwrap_or_default(),
                    level: r.level,
                    section: r.section.as_deref(),
                    url: cat
                        .map(|c| urls.clause(c, &r.key.clause))
                        .unwrap_or_default(),
                    in_scope: site.public_trace.scope.contains(&r.key.standard),
                }
            })
            .collect(),

        toc: &site.rendered[i].toc,
        fields: declared_fields(site, i),
        edit_url: site.config.edit_url.as_ref().map(|u| {
            let path: String = d
                .content_path
                .split('/')
                .map(percent_encode_segment)
                .collect::<Vec<_>>()
                .join("/");
            u.replace("{path}", &path)
        }),
    };
    // Badges by standard, then in clause order (not front-matter order).
    page.clauses.sort_by_key(|b| {
        let at = site
            .standards
            .catalog(b.standard)
            .and_then(|c| c.clauses.iter().position(|x| x.number == b.clause));
        (b.standard, at.unwrap_or(usize::MAX))
    });
    page
}

/// A path segment as it may stand in a URL: unreserved characters kept,
/// every other byte percent-encoded.
fn percent_encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The declared fields document `i` gives, as label and text: `next_audit`
/// becomes "Next audit", a list "a, b", a boolean "Yes" or "No".
fn declared_fields(site: &Site, i: usize) -> Vec<FieldRow> {
    let extra = &site.docs[i].meta.extra;
    site.config
        .fields
        .keys()
        .filter_map(|name| {
            let v = extra.get(name)?;
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => if *b { "Yes" } else { "No" }.to_string(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            let mut label = name.replace(['_', '-'], " ");
            if let Some(first) = label.get(..1) {
                label = first.to_uppercase() + &label[1..];
            }
            Some(FieldRow { label, value: text })
        })
        .collect()
}

/// The context of document page `i` (built in the parallel render stage:
/// there are as many of these as documents).
fn doc_context(p: &Pages<'_>, i: usize) -> Context {
    let (site, summaries, urls) = (p.site, p.summaries, &p.globals.urls);
    let d = &site.docs[i];
    let page = doc_page(site, urls, i);
    let mut c = Context::new();
    c.insert("title", &format!("{} {}", d.meta.id, d.meta.title));
    c.insert_value("doc", summaries[i].clone());
    // Related documents and backlinks share the documents' values; they
    // sit beside `page` so that converting `page` does not copy them. Only
    // published documents are listed: nothing of an unpublished one shows
    // on another document's page.
    let listed = |list: &[usize]| {
        Value::from(
            list.iter()
                .filter(|&&j| site.published[j])
                .map(|&j| summaries[j].clone())
                .collect::<Vec<_>>(),
        )
    };
    let mut page = Value::from_serializable(&page);
    if let Some(m) = page.as_map() {
        let mut m = m.clone();
        m.insert("related".into(), listed(&site.related[i]));
        m.insert("backlinks".into(), listed(&site.backlinks[i]));
        page = Value::from(m);
    }
    c.insert_value("page", page);
    c.insert_value("content", Value::safe_string(&site.rendered[i].html));
    let changes = p.changes.as_deref().and_then(|c| c.as_ref().ok());
    if let Some(h) = crate::render::history::document_value(site, changes, i) {
        c.insert("history", &h);
    }
    c
}
