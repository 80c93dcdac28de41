//! Document pages: a document's body, metadata, clauses, contents, and the
//! published documents it lists as related or that link to it.

use tera::{Context, Value};

use crate::render::context::Pages;
use crate::render::jobs::PageJob;
use crate::render::views::{ClauseBadge, DocPage, Urls};
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
    DocPage {
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
    }
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
    let changes = p.changes.as_ref().and_then(|c| c.as_ref().ok());
    if let Some(h) = crate::render::history::document_value(site, changes, i) {
        c.insert("history", &h);
    }
    c
}
