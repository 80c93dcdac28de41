//! The pages that hold no content of their own: the full search results
//! page (filled in by theme/search.js) and the 404 page.

use tera::Context;

use crate::render::context::Pages;
use crate::render::history::{CHANGES_PAGE, changes_value, diff_pages, diff_url};
use crate::render::jobs::{PageJob, push};
use crate::render::plan::{Plan, nothing};

/// The search page and the 404 page.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    if plan.due("search/index.html", &nothing) {
        let mut c = Context::new();
        c.insert("title", "Search");
        push(jobs, "search/index.html".into(), "search.html", "search", c);
    }
    // What changed since `[history] baseline` (with history only).
    if plan.due(CHANGES_PAGE, &nothing)
        && let Some(v) = changes_value(p.site, p.changes.as_ref())
    {
        let mut c = Context::new();
        c.insert("title", "Changes since the baseline");
        c.insert("changes", &v);
        let urls: std::collections::BTreeMap<&str, &str> = (0..p.site.docs.len())
            .filter(|&i| p.site.published[i])
            .map(|i| (p.site.docs[i].meta.id.as_str(), p.site.urls[i].as_str()))
            .collect();
        c.insert("doc_urls", &urls);
        let diffs: std::collections::BTreeMap<&str, String> = (0..p.site.docs.len())
            .filter_map(|i| {
                let c = p.changes.as_ref()?.as_ref().ok()?;
                Some((p.site.docs[i].meta.id.as_str(), diff_url(p.site, c, i)?))
            })
            .collect();
        c.insert("diff_urls", &diffs);
        push(jobs, CHANGES_PAGE.into(), "changes.html", "changes", c);
        let pages = match &p.changes {
            Some(Ok(c)) => diff_pages(p.site, c),
            _ => Vec::new(),
        };
        for (path, diff) in pages {
            if plan.due(&path, &nothing) {
                let mut c = Context::new();
                c.insert(
                    "title",
                    &format!("Changes to {}", diff["id"].as_str().unwrap_or("")),
                );
                c.insert("diff", &diff);
                c.insert("changes_url", &p.globals.urls.dir("changes"));
                push(jobs, path, "diff.html", "changes", c);
            }
        }
    }
    // 404: served at any depth, so it links from the base URL when known.
    if plan.due("404.html", &nothing) {
        let mut c = Context::new();
        c.insert("title", "Page not found");
        let root = p
            .site
            .config
            .base_url
            .as_deref()
            .map(|b| {
                if b.ends_with('/') {
                    b.to_string()
                } else {
                    format!("{b}/")
                }
            })
            .unwrap_or_else(|| "/".to_string());
        c.insert("root_override", &root);
        push(jobs, "404.html".into(), "404.html", "", c);
    }
}
