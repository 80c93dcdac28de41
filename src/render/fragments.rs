//! Parts of the site pages rendered once and shared: the register's rows
//! and, for each clause of the standards in scope, the list of documents
//! addressing it, as a template value, as the first page of the clause's
//! page and as a short preview for each page root that shows one
//! (matrices, related clauses).

use foldhash::HashMap;
use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::base::diag::Diagnostic;
use crate::load::standards::Catalog;
use crate::render::jobs::{render_error, root_for};
use crate::render::paging::PREVIEW;
use crate::render::views::{Urls, refs_value};
use crate::resolve::Site;

/// The fragments of a render.
pub struct Fragments {
    /// By position; `None` for a document not in the register.
    pub rows: Vec<Option<Value>>,
    pub clauses: HashMap<(String, String), ClauseList>,
}

/// The documents addressing one clause.
#[derive(Clone)]
pub struct ClauseList {
    /// Every document, as a template value.
    pub value: Value,
    /// The first [`PREVIEW`] documents rendered through `doc_refs.html`,
    /// with a link to the clause page when there are more, for each page
    /// root (matrix cells, related clauses).
    pub html: Vec<(String, Value)>,
    /// The first page of the list (`page_size` documents), for the
    /// clause's own page.
    pub first: Value,
}

/// Makes fragments through the templates, with the site-wide globals.
pub struct Maker<'a> {
    site: &'a Site,
    tera: &'a Tera,
    globals: &'a Context,
    summaries: &'a [Value],
    /// The roots of a clause page and of the two matrix directions.
    roots: Vec<String>,
    clause_root: String,
    urls: Urls,
}

impl<'a> Maker<'a> {
    pub fn new(
        site: &'a Site,
        tera: &'a Tera,
        globals: &'a Context,
        summaries: &'a [Value],
    ) -> Self {
        let mut roots = vec![
            root_for("standards/s/c/index.html"),
            root_for("matrix/m/index.html"),
            root_for("matrix/m/reverse/index.html"),
        ];
        roots.sort();
        roots.dedup();
        Maker {
            site,
            tera,
            globals,
            summaries,
            roots,
            clause_root: root_for("standards/s/c/index.html"),
            urls: Urls {
                clean: site.config.clean_links,
            },
        }
    }

    /// The site the fragments show.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    fn render(&self, template: &str, fill: &dyn Fn(&mut Context)) -> Result<Value, Diagnostic> {
        let mut c = self.globals.clone();
        fill(&mut c);
        self.tera
            .render(template, &c)
            .map(|html| Value::safe_string(&html))
            .map_err(|e| render_error(template, &e))
    }

    /// The register row (`register_row.html`) of document `i`, with
    /// [`ROOT_MARK`] for its root: a row is made once and shown on
    /// whichever page of the register holds it (see [`rows_at`]).
    pub fn row(&self, i: usize) -> Result<Value, Diagnostic> {
        self.render("register_row.html", &|c| {
            c.insert_value("d", self.summaries[i].clone());
            c.insert("root", ROOT_MARK);
        })
        .map_err(|mut d| {
            d.message = format!("{} (while rendering index.html)", d.message);
            d
        })
    }

    /// The documents addressing clause `clause` of `std`.
    pub fn clause_list(&self, std: &str, clause: &str) -> Result<ClauseList, Diagnostic> {
        let addresses = self.site.public_trace.direct(std, clause);
        let value = refs_value(addresses, self.summaries);
        let clause_url = self
            .site
            .standards
            .catalog(std)
            .map(|cat| self.urls.clause(cat, clause))
            .unwrap_or_default();
        let located = |mut d: Diagnostic| {
            d.message = format!(
                "{} (while rendering the documents of {std} {clause})",
                d.message
            );
            d
        };
        let slice = |n: usize| match value.as_array() {
            Some(a) if a.len() > n => Value::from(a[..n].to_vec()),
            _ => value.clone(),
        };
        let total = addresses.len();
        let preview = slice(PREVIEW);
        let more = (total > PREVIEW).then(|| {
            serde_json::json!({
                "total": total,
                "rest": total - PREVIEW,
                "url": format!("{clause_url}#documents"),
            })
        });
        let html = self
            .roots
            .iter()
            .map(|root| {
                self.render("doc_refs.html", &|c| {
                    c.insert_value("refs", preview.clone());
                    c.insert("more", &more);
                    c.insert("root", root);
                })
                .map(|h| (root.clone(), h))
                .map_err(located)
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        let first = self
            .render("doc_refs.html", &|c| {
                c.insert_value("refs", slice(self.site.config.page_size.max(1)));
                c.insert("root", &self.clause_root);
            })
            .map_err(located)?;
        Ok(ClauseList { value, html, first })
    }
}

/// What a register row holds in place of the page's root: two
/// private-use characters no template escapes, around a word.
pub const ROOT_MARK: &str = "\u{E000}root\u{E000}";

/// Register rows made by [`Maker::row`], joined for a page at `root`.
pub fn rows_at<'v>(rows: impl Iterator<Item = &'v Value>, root: &str) -> String {
    let mut out = String::new();
    for r in rows.filter_map(|v| v.as_str()) {
        out.push_str(&r.replace(ROOT_MARK, root));
    }
    out
}

/// Every clause of the standards in scope, as (standard, clause).
pub fn clause_keys<'c>(scope_cats: &[&'c Catalog]) -> Vec<(&'c str, &'c str)> {
    scope_cats
        .iter()
        .flat_map(|cat| {
            cat.clauses
                .iter()
                .map(|cl| (cat.id.as_str(), cl.number.as_str()))
        })
        .collect()
}

impl Fragments {
    /// Every fragment of the site.
    pub fn new(maker: &Maker<'_>, scope_cats: &[&Catalog]) -> Result<Fragments, Diagnostic> {
        let site = maker.site;
        let rows = (0..site.docs.len())
            .into_par_iter()
            .map(|i| site.published[i].then(|| maker.row(i)).transpose())
            .collect::<Result<_, Diagnostic>>()?;
        let clauses = clause_keys(scope_cats)
            .into_par_iter()
            .map(|(std, clause)| {
                let list = maker.clause_list(std, clause)?;
                Ok(((std.to_string(), clause.to_string()), list))
            })
            .collect::<Result<HashMap<_, _>, Diagnostic>>()?;
        Ok(Fragments { rows, clauses })
    }

    fn list(&self, standard: &str, clause: &str) -> Option<&ClauseList> {
        self.clauses
            .get(&(standard.to_string(), clause.to_string()))
    }

    /// The documents addressing a clause, as a template value.
    pub fn docs(&self, standard: &str, clause: &str) -> Value {
        self.list(standard, clause)
            .map_or_else(|| Value::from(Vec::<Value>::new()), |l| l.value.clone())
    }

    /// The first page of the list, for the clause's page.
    pub fn first_html(&self, standard: &str, clause: &str) -> Value {
        self.list(standard, clause)
            .map_or_else(Value::none, |l| l.first.clone())
    }

    /// The first documents of the list, with a link to the clause page
    /// when there are more, for a page at `root`.
    pub fn docs_html(&self, standard: &str, clause: &str, root: &str) -> Value {
        self.list(standard, clause)
            .and_then(|l| l.html.iter().find(|(r, _)| r == root))
            .map_or_else(Value::none, |(_, h)| h.clone())
    }
}
