//! What every page reads: the site-wide globals (site settings, standards
//! and mappings in scope) and [`Pages`], the inputs the page families share.

use tera::{Context, Tera, Value};

use crate::base::diag::Diagnostic;
use crate::load::standards::Catalog;
use crate::render::fragments::Fragments;
use crate::render::table::DocTable;
use crate::render::views::{StandardView, Urls, exclusion_rule_text, export_links};
use crate::resolve::Site;
use crate::resolve::changes::Changes;
use crate::resolve::trace::State;

/// The site-wide values every page reads, and the template context that
/// holds them.
pub struct Globals<'s> {
    pub urls: Urls,
    /// The catalogs of the standards in scope, in the order of the scope.
    pub scope_cats: Vec<&'s Catalog>,
    pub standards_view: Vec<StandardView>,
    pub mappings_view: Vec<serde_json::Value>,
    pub site_json: serde_json::Value,
    pub context: Context,
}

impl<'s> Globals<'s> {
    pub fn new(site: &'s Site) -> Globals<'s> {
        let urls = Urls {
            clean: site.config.clean_links,
        };
        let scope_cats: Vec<&Catalog> = site
            .public_trace
            .scope
            .iter()
            .filter_map(|id| site.standards.catalog(id))
            .collect();
        let standards_view: Vec<StandardView> = scope_cats
            .iter()
            .map(|c| StandardView {
                id: c.id.clone(),
                name: c.display_name(),
                title: c.title.clone(),
                slug: c.slug(),
                url: urls.standard(c),
                coverage_url: urls.dir(&format!("standards/{}/coverage", c.slug())),
                in_scope: true,
                exclusion_rule: exclusion_rule_text(c),
            })
            .collect();
        let mappings_view = mappings_view(site, &urls);
        let site_json = site_json(site, &urls);
        let mut context = Context::new();
        context.insert("site", &site_json);
        context.insert("standards", &standards_view);
        context.insert("mappings", &mappings_view);
        Globals {
            urls,
            scope_cats,
            standards_view,
            mappings_view,
            site_json,
            context,
        }
    }

    /// The globals as text (what a page of the site reads of them).
    pub fn texts(&self) -> [String; 3] {
        [
            serde_json::to_string(&self.site_json).unwrap_or_default(),
            serde_json::to_string(&self.standards_view).unwrap_or_default(),
            serde_json::to_string(&self.mappings_view).unwrap_or_default(),
        ]
    }
}

fn mappings_view(site: &Site, urls: &Urls) -> Vec<serde_json::Value> {
    site.public_trace
        .mappings
        .iter()
        .filter_map(|id| site.standards.mapping(id))
        .map(|m| {
            let l = site.standards.catalog(&m.left);
            let r = site.standards.catalog(&m.right);
            serde_json::json!({
                "id": m.id,
                "name": m.name,
                "source": m.source,
                "description": m.description,
                "slug": m.slug(),
                "left": l.map(|c| c.display_name()),
                "right": r.map(|c| c.display_name()),
                "url": urls.dir(&format!("matrix/{}", m.slug())),
                "reverse_url": urls.dir(&format!("matrix/{}/reverse", m.slug())),
                "grid_url": urls.dir(&format!("matrix/{}/grid", m.slug())),
                "pairs": m.pairs.len(),
                "exports": export_links(&m.slug()),
            })
        })
        .collect()
}

fn site_json(site: &Site, urls: &Urls) -> serde_json::Value {
    let mut v = site_settings(site, urls);
    // With `[history]` only: without it the pages stay as they were.
    if let (Some(h), Some(m)) = (site.history.as_deref(), v.as_object_mut()) {
        let mut stamp = crate::render::history::stamp_value(h);
        stamp["review_due_days"] = site.config.check.review_due_days.into();
        m.insert("stamp".into(), stamp);
        if site
            .config
            .history
            .as_ref()
            .is_some_and(|c| c.baseline.is_some())
        {
            m.insert("changes_url".into(), urls.dir("changes").into());
        }
    }
    v
}

fn site_settings(site: &Site, urls: &Urls) -> serde_json::Value {
    serde_json::json!({
        "title": site.config.title,
        "organization": site.config.organization,
        "base_url": site.config.base_url,
        "extra": site.config.extra,
        "drafts": site.options.drafts,
        "clean_links": site.config.clean_links,
        "unpublished": site.config.unpublished.as_str(),
        "generator": concat!("Clausebook ", env!("CARGO_PKG_VERSION")),
        "logo": site.config.logo,
        "favicon": site.config.favicon.as_deref().unwrap_or("favicon.svg"),
        "home_url": if site.config.clean_links { "" } else { "index.html" },
        "standards_url": urls.dir("standards"),
        "matrix_url": urls.dir("matrix"),
        "kinds_url": urls.dir("kinds"),
        "tags_url": urls.dir("tags"),
        "exclusions_url": urls.dir("exclusions"),
        "search_url": urls.dir("search"),
        "pack_url": site.config.pack_page.then(|| urls.dir("pack")),
    })
}

/// What the page families read: the site, the globals, the table of
/// documents, each document's summary as a template value (shared by every
/// page that lists it) and the fragments.
pub struct Pages<'a> {
    pub site: &'a Site,
    pub tera: &'a Tera,
    pub globals: &'a Globals<'a>,
    pub table: &'a DocTable,
    pub summaries: &'a [Value],
    pub frags: &'a Fragments,
    /// The published documents, in order.
    pub published: Vec<usize>,
    /// The changes since `[history] baseline` (with history and a
    /// baseline): the changes page, the diff pages and the links to them.
    pub changes: Option<std::sync::Arc<Result<Changes, Diagnostic>>>,
}

impl<'a> Pages<'a> {
    pub fn new(
        site: &'a Site,
        tera: &'a Tera,
        globals: &'a Globals<'a>,
        table: &'a DocTable,
        summaries: &'a [Value],
        frags: &'a Fragments,
    ) -> Pages<'a> {
        Pages {
            changes: crate::resolve::changes::baseline(site),
            published: (0..site.docs.len())
                .filter(|&i| site.published[i])
                .collect(),
            site,
            tera,
            globals,
            table,
            summaries,
            frags,
        }
    }

    /// The summaries of the documents `list`, as one template value.
    pub fn values(&self, list: &[usize]) -> Value {
        Value::from(
            list.iter()
                .map(|&i| self.summaries[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    /// The coverage state of a clause, as the pages show it.
    pub fn state(&self, standard: &str, clause: &str) -> Option<State> {
        self.site
            .public_trace
            .standard(standard)
            .and_then(|s| s.clause(clause))
            .map(|c| c.state)
    }
}
