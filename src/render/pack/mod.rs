//! The audit pack: the published documents (or those addressing chosen
//! clauses) in one printable HTML file, in register order, with a cover
//! page, a table of contents, each document on new pages under a running
//! header, and the clauses with their documents as an appendix.
//!
//! The same template makes the pack of `clausebook pack` (a file: CSS
//! inline, images inlined, links to pages outside the pack go to
//! `base_url` or become text) and the site's page `pack/index.html` (CSS
//! from the theme, links to the other pages of the site). Links between
//! documents of the pack and to their headings stay inside it: each
//! document's heading ids are prefixed with its own anchor.

pub mod html;
pub mod select;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::base::diag::Diagnostic;
use crate::base::fingerprint::fingerprint;
use crate::base::text::slugify;
use crate::load::standards::Catalog;
use crate::render::context::{Globals, Pages};
use crate::render::jobs::{PageJob, push, render_error};
use crate::render::plan::{Plan, Prints, members};
use crate::render::views::summary_value;
use crate::resolve::Site;
use html::{Link, Targets};
pub use select::Selection;

/// The path of the site's pack page.
pub const PACK_PAGE: &str = "pack/index.html";

/// Where a pack goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The site's page `pack/index.html`: links to the site's other pages.
    SitePage,
    /// A file of its own: links to pages outside the pack go to the site's
    /// `base_url`, or are shown as text with their target in brackets.
    File,
}

/// How to make a pack.
pub struct PackOptions<'a> {
    pub selection: &'a Selection,
    pub target: Target,
    /// The date and time shown as the print date (UTC).
    pub printed: Option<jiff::Timestamp>,
    /// The stylesheet to inline; `None` links `theme/pack.css`.
    pub css: Option<&'a str>,
    /// The `src` of an image of the site (a path from its root), `None`
    /// to show its alternative text.
    pub images: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The page on which each document starts, by its anchor (the second
    /// pass of `--pdf`).
    pub pages: Option<&'a HashMap<String, usize>>,
}

/// The anchor of document `i` in the pack: `doc-sms-pol-001`.
pub fn doc_anchor(site: &Site, i: usize) -> String {
    format!("doc-{}", slugify(&site.docs[i].meta.id))
}

/// The site's pack page, holding every published document. It reads
/// every published document (summary, clauses, body), the coverage and
/// the publication stamp.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    let site = p.site;
    let reads = |pr: &dyn Prints| {
        let clauses: Vec<(&str, &str, bool)> = p
            .published
            .iter()
            .flat_map(|&i| site.clauses[i].iter())
            .map(|r| {
                let partial = r.level == crate::load::content::Level::Partial;
                (r.key.standard.as_str(), r.key.clause.as_str(), partial)
            })
            .collect();
        let bodies: Vec<u64> = p.published.iter().map(|&i| site.rendered[i].fp).collect();
        let lists: Vec<u64> = p
            .globals
            .scope_cats
            .iter()
            .flat_map(|c| c.clauses.iter().map(|x| pr.clause_list(&c.id, &x.number)))
            .collect();
        // The stamp it prints: the commit, branch and tags, and whether the
        // working tree differs (a commit of no document still moves it).
        let stamp = site
            .history
            .as_deref()
            .map(|h| (h.head_print(), h.stamp.dirty));
        fingerprint(&(members(pr, &p.published), clauses, bodies, lists, stamp))
    };
    if !site.config.pack_page || !plan.due(PACK_PAGE, &reads) {
        return;
    }
    let selection = Selection::default();
    // The date of the stamp with history; else none at build time (two
    // builds of the same sources are the same): the page's script shows
    // the day it is printed.
    let printed = site.history.as_deref().map(|h| h.published);
    let images = |path: &str| Some(format!("../{path}"));
    let opts = PackOptions {
        selection: &selection,
        target: Target::SitePage,
        printed,
        css: None,
        images: &images,
        pages: None,
    };
    push(
        jobs,
        PACK_PAGE.into(),
        "pack.html",
        "pack",
        context(site, &opts),
    );
}

/// The pack as one HTML file (for `clausebook pack`).
pub fn render(site: &Site, tera: &Tera, opts: &PackOptions<'_>) -> Result<String, Diagnostic> {
    let globals = Globals::new(site);
    let mut ctx = globals.context.clone();
    ctx.extend(context(site, opts));
    ctx.insert("root", "");
    ctx.insert("section", "pack");
    tera.render("pack.html", &ctx)
        .map_err(|e| render_error("pack.html", &e))
}

/// The page-specific context of a pack.
fn context(site: &Site, opts: &PackOptions<'_>) -> Context {
    let docs = opts.selection.documents(site);
    let targets = PackTargets::new(site, &docs, opts);
    let appendix = appendix(site, opts.selection, &targets);
    let shown: std::collections::HashSet<String> = appendix
        .iter()
        .flat_map(|s| s.rows.iter().map(|r| r.anchor.clone()))
        .collect();
    let values: Vec<Value> = docs
        .par_iter()
        .map(|&i| doc_value(site, i, &targets, &shown))
        .collect();
    let mut c = Context::new();
    c.insert("title", &format!("Audit pack · {}", site.config.title));
    c.insert_value("documents", Value::from(values));
    c.insert("appendix", &appendix);
    c.insert("cover", &cover(site, opts, docs.len()));
    if let Some(t) = opts.printed {
        c.insert("printed", &printed(t));
    }
    if let Some(n) = opts.pages.and_then(|p| p.get("appendix")) {
        c.insert("appendix_page", n);
    }
    c.insert("site_page", &(opts.target == Target::SitePage));
    if let Some(css) = opts.css {
        c.insert_value("pack_css", Value::safe_string(css));
    }
    c
}

/// The print date as the pack shows it.
pub fn printed(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The values of the cover page.
fn cover(site: &Site, opts: &PackOptions<'_>, count: usize) -> serde_json::Value {
    let standards: Vec<serde_json::Value> = site
        .public_trace
        .scope
        .iter()
        .filter_map(|id| site.standards.catalog(id))
        .map(|c| serde_json::json!({ "name": c.display_name(), "title": c.title, "edition": c.edition }))
        .collect();
    let sel = opts.selection;
    let selection = match (sel.clauses.is_empty(), sel.standard.as_deref()) {
        (false, Some(s)) => {
            let name = site
                .standards
                .catalog(s)
                .map_or_else(|| s.to_string(), Catalog::display_name);
            format!(
                "Documents addressing clause{} {} of {name} (or a clause below)",
                if sel.clauses.len() == 1 { "" } else { "s" },
                sel.clauses.join(", ")
            )
        }
        _ => "All published documents".to_string(),
    };
    let stamp = site.history.as_deref().map(|h| {
        let s = &h.stamp;
        serde_json::json!({
            "published": printed(h.published),
            "short": s.short,
            "commit": s.commit,
            "branch": s.branch,
            "tags": s.tags,
            "dirty": s.dirty,
            "shallow": s.shallow,
        })
    });
    let logo = site
        .config
        .logo
        .as_deref()
        .and_then(|l| (opts.images)(&format!("theme/{l}")));
    serde_json::json!({
        "standards": standards,
        "selection": selection,
        "count": count,
        "stamp": stamp,
        "logo": logo,
        "drafts": site.options.drafts,
    })
}

/// Where the links and heading ids of the pack's bodies go.
struct PackTargets<'a> {
    site: &'a Site,
    opts: &'a PackOptions<'a>,
    /// Every published document by its page (`procedures/p/`), and
    /// whether it is in the pack.
    by_page: HashMap<String, (usize, bool)>,
    base_url: Option<String>,
    /// `base_url` split into the host (`https://example.org`) and the
    /// site's path on it (`/docs/`; `/` without `base_url`).
    origin: Option<String>,
    base_path: String,
}

/// A page URL without its `index.html`.
fn page_key(url: &str) -> &str {
    url.strip_suffix("index.html").unwrap_or(url)
}

impl<'a> PackTargets<'a> {
    fn new(site: &'a Site, docs: &[usize], opts: &'a PackOptions<'a>) -> Self {
        let mut by_page: HashMap<String, (usize, bool)> = (0..site.docs.len())
            .filter(|&i| site.published[i])
            .map(|i| (page_key(&site.urls[i]).to_string(), (i, false)))
            .collect();
        for &i in docs {
            if let Some(e) = by_page.get_mut(page_key(&site.urls[i])) {
                e.1 = true;
            }
        }
        let base_url = site
            .config
            .base_url
            .as_deref()
            .map(|b| b.trim_end_matches('/').to_string());
        let (origin, base_path) = match &base_url {
            Some(b) => {
                let host = b.find("://").map_or(0, |i| i + 3);
                let at = b[host..].find('/').map_or(b.len(), |i| host + i);
                (Some(b[..at].to_string()), format!("{}/", &b[at..]))
            }
            None => (None, "/".to_string()),
        };
        PackTargets {
            site,
            opts,
            by_page,
            base_url,
            origin,
            base_path,
        }
    }

    /// The targets of document `i`'s body.
    fn of(&'a self, i: usize) -> DocTargets<'a> {
        DocTargets {
            pack: self,
            prefix: slugify(&self.site.docs[i].meta.id),
        }
    }
}

struct DocTargets<'a> {
    pack: &'a PackTargets<'a>,
    prefix: String,
}

impl Targets for DocTargets<'_> {
    fn anchor(&self, id: &str) -> String {
        format!("{}--{id}", self.prefix)
    }

    fn link(&self, path: &str, fragment: Option<&str>) -> Link {
        let p = self.pack;
        let key = page_key(path);
        let doc = p.by_page.get(key).copied();
        if let Some((j, true)) = doc {
            let id = slugify(&p.site.docs[j].meta.id);
            return Link::Href(match fragment {
                Some(f) => format!("#{id}--{f}"),
                None => format!("#doc-{id}"),
            });
        }
        let frag = fragment.map_or_else(String::new, |f| format!("#{f}"));
        match (p.opts.target, &p.base_url) {
            (Target::SitePage, _) => Link::Href(format!("../{path}{frag}")),
            (Target::File, Some(base)) => Link::Href(format!("{base}/{path}{frag}")),
            (Target::File, None) => Link::Text(match doc {
                Some((j, _)) => format!("{}, not in this pack", p.site.docs[j].meta.id),
                None => format!("site page {path}{frag}"),
            }),
        }
    }

    fn image(&self, path: &str) -> Option<String> {
        (self.pack.opts.images)(path)
    }

    fn base_path(&self) -> &str {
        &self.pack.base_path
    }

    fn off_site(&self, href: &str) -> Link {
        match (self.pack.opts.target, &self.pack.origin) {
            // As the site's pages have it.
            (Target::SitePage, _) => Link::Href(href.to_string()),
            (Target::File, Some(origin)) => Link::Href(format!("{origin}{href}")),
            (Target::File, None) => Link::Text(format!("host page {href}")),
        }
    }
}

/// Document `i` as the pack's template reads it: its summary (id, title,
/// version, status, owner, approver, effective, review due), its anchor,
/// its clauses and its body rewritten for the pack.
fn doc_value(
    site: &Site,
    i: usize,
    targets: &PackTargets<'_>,
    shown: &std::collections::HashSet<String>,
) -> Value {
    let page = match site.urls[i].as_str() {
        u if u.ends_with('/') => format!("{u}index.html"),
        u => u.to_string(),
    };
    let body = html::rewrite(&site.rendered[i].html, &page, &targets.of(i));
    let clauses: Vec<serde_json::Value> = site.clauses[i]
        .iter()
        .map(|r| {
            let cat = site.standards.catalog(&r.key.standard);
            let anchor = clause_anchor(&r.key.standard, &r.key.clause);
            serde_json::json!({
                "standard": cat.map_or_else(|| r.key.standard.clone(), |c| c.display_name()),
                "clause": r.key.clause,
                "title": cat.map(|c| c.display_title(&r.key.clause)).unwrap_or_default(),
                "partial": r.level == crate::load::content::Level::Partial,
                "anchor": shown.contains(&anchor).then_some(anchor),
            })
        })
        .collect();
    let summary = summary_value(site, i);
    let mut m = summary.as_map().cloned().unwrap_or_default();
    m.insert("anchor".into(), Value::from(doc_anchor(site, i)));
    m.insert(
        "page".into(),
        targets
            .opts
            .pages
            .and_then(|p| p.get(&doc_anchor(site, i)))
            .map_or(Value::none(), |&n| Value::from(n)),
    );
    m.insert("clauses".into(), Value::from_serializable(&clauses));
    m.insert("body".into(), Value::safe_string(&body));
    Value::from(m)
}

/// The anchor of a clause's row in the appendix.
fn clause_anchor(standard: &str, clause: &str) -> String {
    format!("clause-{}-{}", slugify(standard), clause.replace('.', "-"))
}

/// One standard of the appendix.
#[derive(Serialize)]
struct AppendixStandard {
    name: String,
    title: String,
    rows: Vec<AppendixRow>,
}

/// One clause of the appendix, with the published documents addressing it.
#[derive(Serialize)]
struct AppendixRow {
    number: String,
    title: String,
    depth: usize,
    heading: bool,
    state: &'static str,
    state_label: &'static str,
    anchor: String,
    documents: Vec<AppendixDoc>,
}

#[derive(Serialize)]
struct AppendixDoc {
    id: String,
    partial: bool,
    /// The document's anchor when it is in the pack.
    anchor: Option<String>,
}

/// The clauses of the standards in scope with the documents addressing
/// them (only the chosen clauses and those below with a clause selection).
fn appendix(site: &Site, sel: &Selection, targets: &PackTargets<'_>) -> Vec<AppendixStandard> {
    let trace = &site.public_trace;
    trace
        .scope
        .iter()
        .filter_map(|id| Some((site.standards.catalog(id)?, trace.standard(id)?)))
        .map(|(cat, cov)| AppendixStandard {
            name: cat.display_name(),
            title: cat.title.clone().unwrap_or_default(),
            rows: cat
                .clauses
                .iter()
                .filter(|c| sel.shows(cat, &c.number))
                .map(|c| {
                    let state = cov.clause(&c.number).map(|x| x.state);
                    AppendixRow {
                        number: c.number.clone(),
                        title: cat.display_title(&c.number),
                        depth: c.depth,
                        heading: c.is_heading(),
                        state: state.map_or("", |s| s.as_str()),
                        state_label: state.map_or("", |s| s.label()),
                        anchor: clause_anchor(&cat.id, &c.number),
                        documents: trace
                            .direct(&cat.id, &c.number)
                            .iter()
                            .filter(|a| site.published[a.doc])
                            .map(|a| {
                                let in_pack = targets
                                    .by_page
                                    .get(page_key(&site.urls[a.doc]))
                                    .is_some_and(|e| e.1);
                                AppendixDoc {
                                    id: site.docs[a.doc].meta.id.clone(),
                                    partial: a.level == crate::load::content::Level::Partial,
                                    anchor: in_pack.then(|| doc_anchor(site, a.doc)),
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .filter(|s| !s.rows.is_empty())
        .collect()
}
