//! The views the templates read: what a page shows of a document, a
//! clause, a standard, made from the site and serialized for Tera. Templates
//! read these views only, never the site itself.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use crate::base::text::slugify;
use crate::load::content::{Kind, Level, Status};
use crate::load::standards::{Catalog, ExclusionRule};
use crate::resolve::Site;
use crate::resolve::layout::dir_url;
use crate::resolve::markdown::TocEntry;
use crate::resolve::trace::{Address, State};

/// The summary of every document as a template value (every page that
/// lists a document shares it).
pub fn summaries(site: &Site) -> Vec<Value> {
    (0..site.docs.len())
        .into_par_iter()
        .map(|i| summary_value(site, i))
        .collect()
}

/// The summary of document `i` as a template value.
pub fn summary_value(site: &Site, i: usize) -> Value {
    Value::from_serializable(&doc_summary(site, i))
}

#[derive(Serialize, Hash)]
pub struct DocSummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: Kind,
    pub owner: Option<&'a str>,
    pub approver: Option<&'a str>,
    pub version: Option<&'a str>,
    pub status: Status,
    pub effective: Option<String>,
    pub review_by: Option<String>,
    pub overdue: bool,
    /// The date of the last commit that changed it (with history only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_changed: Option<String>,
    pub url: &'a str,
    pub published: bool,
    pub summary: Option<&'a str>,
    pub tags: Vec<TagRef>,
}

#[derive(Serialize, Hash)]
pub struct TagRef {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Hash)]
pub struct ClauseBadge<'a> {
    pub standard: &'a str,
    pub standard_name: String,
    pub clause: &'a str,
    pub title: String,
    pub level: Level,
    pub section: Option<&'a str>,
    pub url: String,
    pub in_scope: bool,
}

#[derive(Serialize)]
pub struct DocPage<'a> {
    pub path: String,
    pub extra: &'a BTreeMap<String, serde_json::Value>,
    pub clauses: Vec<ClauseBadge<'a>>,
    pub toc: &'a [TocEntry],
    /// The site's own fields (`[fields]`) this document gives, in the
    /// order of their names: label and value as shown.
    pub fields: Vec<FieldRow>,
    /// "Edit this page": `edit_url` of clausebook.toml for this document.
    pub edit_url: Option<String>,
}

/// A declared field of a document page: label and value as shown.
#[derive(Serialize)]
pub struct FieldRow {
    pub label: String,
    pub value: String,
}

#[derive(Serialize)]
pub struct ClauseView {
    pub number: String,
    pub title: String,
    pub depth: usize,
    pub state: State,
    pub state_label: &'static str,
    pub requirement: bool,
    pub heading: bool,
    pub url: String,
    pub documents: usize,
}

#[derive(Serialize)]
pub struct StandardView {
    pub id: String,
    pub name: String,
    pub title: Option<String>,
    pub slug: String,
    pub url: String,
    pub coverage_url: String,
    pub in_scope: bool,
    pub exclusion_rule: String,
}

pub struct Urls {
    pub clean: bool,
}

impl Urls {
    pub fn dir(&self, d: &str) -> String {
        dir_url(d, self.clean)
    }
    pub fn standard(&self, cat: &Catalog) -> String {
        self.dir(&format!("standards/{}", cat.slug()))
    }
    pub fn clause(&self, cat: &Catalog, clause: &str) -> String {
        self.dir(&format!("standards/{}/{clause}", cat.slug()))
    }
}

/// What listings show of document `i`.
pub fn doc_summary(site: &Site, i: usize) -> DocSummary<'_> {
    let d = &site.docs[i].meta;
    DocSummary {
        id: &d.id,
        title: &d.title,
        kind: d.kind,
        owner: d.owner.as_deref(),
        approver: d.approver.as_deref(),
        version: d.version.as_deref(),
        status: d.status,
        effective: d.effective.map(|x| x.to_string()),
        review_by: d.review_by.map(|x| x.to_string()),
        overdue: site.is_overdue(i),
        last_changed: crate::render::history::last_changed(site, i),
        url: &site.urls[i],
        published: site.published[i],
        summary: d.summary.as_deref(),
        tags: d
            .tags
            .iter()
            .map(|t| TagRef {
                name: t.clone(),
                url: dir_url(&format!("tags/{}", tag_slug(t)), site.config.clean_links),
            })
            .collect(),
    }
}

/// A catalog's exclusion rule, in words.
pub fn exclusion_rule_text(cat: &Catalog) -> String {
    let base = match &cat.exclusions {
        ExclusionRule::None => "No exclusion allowed".to_string(),
        ExclusionRule::Within(list) => {
            format!("Exclusions allowed only within clause {}", list.join(", "))
        }
        ExclusionRule::NotApplicable => {
            "Requirements may be determined as not applicable, with justification".to_string()
        }
    };
    match &cat.exclusion_note {
        Some(n) if !n.is_empty() => format!("{base}. {n}"),
        _ => base,
    }
}

/// Build a template map from fields, without going through serde.
pub fn obj<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    let mut m = tera::Map::with_capacity(N);
    for (k, v) in fields {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

/// The anchor of a pair in the left-to-right matrix page.
pub fn pair_anchor(left: &str, right: &str) -> String {
    format!("p-{left}--{right}")
}

/// File-name-safe form of a tag.
pub fn tag_slug(t: &str) -> String {
    let s = slugify(t);
    if s.is_empty() { "tag".into() } else { s }
}

/// The matrix exports of a mapping.
pub fn export_links(slug: &str) -> serde_json::Value {
    serde_json::json!({
        "csv": format!("exports/matrix-{slug}.csv"),
        "json": format!("exports/matrix-{slug}.json"),
        "xlsx": format!("exports/matrix-{slug}.xlsx"),
    })
}

/// The coverage exports of a standard.
pub fn coverage_export_links(slug: &str) -> serde_json::Value {
    serde_json::json!({
        "csv": format!("exports/coverage-{slug}.csv"),
        "json": format!("exports/coverage-{slug}.json"),
    })
}

/// Template value of a clause's document list.
pub fn refs_value(addresses: &[Address], summaries: &[Value]) -> Value {
    Value::from(
        addresses
            .iter()
            .map(|a| {
                obj([
                    ("doc", summaries[a.doc].clone()),
                    (
                        "level",
                        match a.level {
                            Level::Full => "full",
                            Level::Partial => "partial",
                        }
                        .into(),
                    ),
                    ("section", a.section.clone().into()),
                ])
            })
            .collect::<Vec<_>>(),
    )
}
