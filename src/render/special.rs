//! The pages that hold no content of their own: the full search results
//! page (filled in by theme/search.js) and the 404 page.

use tera::Context;

use crate::render::context::Pages;
use crate::render::history::{CHANGES_PAGE, changes_print, changes_value, diff_pages};
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
    let changes = p.changes.as_deref();
    if plan.due(CHANGES_PAGE, &|_| changes_print(p.site))
        && let Some(v) = changes_value(p.site, changes)
    {
        let mut c = Context::new();
        c.insert("title", "Changes since the baseline");
        // The report as JSON for tools, in the page.
        if let Some(json) = v.get("changes") {
            let text = serde_json::to_string(json).unwrap_or_default();
            c.insert("changes_json", &text.replace("</", "<\\/"));
        }
        c.insert("changes", &v);
        let urls: std::collections::BTreeMap<&str, &str> = (0..p.site.docs.len())
            .filter(|&i| p.site.published[i])
            .map(|i| (p.site.docs[i].meta.id.as_str(), p.site.urls[i].as_str()))
            .collect();
        c.insert("doc_urls", &urls);
        let diffs = changes.and_then(|c| c.as_ref().ok()).map(|c| &c.diff_urls);
        c.insert("diff_urls", &diffs.cloned().unwrap_or_default());
        push(jobs, CHANGES_PAGE.into(), "changes.html", "changes", c);
    }
    if let Some(Ok(changes)) = changes {
        for (path, diff) in diff_pages(p.site, changes) {
            if plan.due(&path, &|_| diff.print) {
                let mut c = Context::new();
                c.insert("title", &format!("Changes to {}", diff.id));
                c.insert("diff", diff);
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
