//! The document register export: every published document with its
//! metadata and the clauses it addresses, in register order (by id).
//!
//! The columns are one table, [`COLUMNS`], read by the CSV, the JSON and
//! the workbook alike: adding a column (say, the last change read from the
//! repository) is one line there.

use jiff::civil::Date;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::load::content::Level;
use crate::resolve::Site;

/// A clause a document addresses.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseRef {
    /// Catalog id, e.g. `iso20000-1:2011`.
    pub standard: String,
    pub clause: String,
    /// As people write it: `ISO/IEC 20000-1:2011 8.2`.
    pub reference: String,
    pub level: Level,
    pub section: Option<String>,
}

/// A value of the register.
pub enum Value {
    /// The document id: in the workbook, a link to its page.
    Id(String),
    Text(String),
    Optional(Option<String>),
    /// Text that must stay text in a spreadsheet (a version like `1.10`).
    Code(Option<String>),
    Date(Option<Date>),
    Clauses(Vec<ClauseRef>),
    /// A URL relative to the site root (CSV and JSON only: the workbook
    /// links the id instead).
    Url(String),
}

impl Value {
    /// The value in a CSV cell.
    pub fn text(&self) -> String {
        match self {
            Value::Id(s) | Value::Text(s) | Value::Url(s) => s.clone(),
            Value::Optional(s) | Value::Code(s) => s.clone().unwrap_or_default(),
            Value::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            Value::Clauses(c) => c
                .iter()
                .map(|c| c.reference.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Id(v) | Value::Text(v) | Value::Url(v) => v.serialize(s),
            Value::Optional(v) | Value::Code(v) => v.serialize(s),
            Value::Date(d) => d.map(|d| d.to_string()).serialize(s),
            Value::Clauses(c) => c.serialize(s),
        }
    }
}

/// A column of the register.
pub struct Column {
    /// Its name in the CSV header and the JSON objects.
    pub key: &'static str,
    /// Its heading in the workbook.
    pub heading: &'static str,
    /// Its width in the workbook, in characters.
    pub width: f64,
    pub value: fn(&Site, usize) -> Value,
}

/// The register's columns, in order: one line each.
#[rustfmt::skip]
pub const COLUMNS: &[Column] = &[
    Column { key: "id", heading: "Document", width: 16.0, value: |s, i| Value::Id(s.docs[i].meta.id.clone()) },
    Column { key: "title", heading: "Title", width: 40.0, value: |s, i| Value::Text(s.docs[i].meta.title.clone()) },
    Column { key: "kind", heading: "Kind", width: 14.0, value: |s, i| Value::Text(s.docs[i].meta.kind.as_str().into()) },
    Column { key: "version", heading: "Version", width: 9.0, value: |s, i| Value::Code(s.docs[i].meta.version.clone()) },
    Column { key: "status", heading: "Status", width: 10.0, value: |s, i| Value::Text(s.docs[i].meta.status.as_str().into()) },
    Column { key: "owner", heading: "Owner", width: 26.0, value: |s, i| Value::Optional(s.docs[i].meta.owner.clone()) },
    Column { key: "approver", heading: "Approver", width: 26.0, value: |s, i| Value::Optional(s.docs[i].meta.approver.clone()) },
    Column { key: "effective", heading: "Effective", width: 11.0, value: |s, i| Value::Date(s.docs[i].meta.effective) },
    Column { key: "review_by", heading: "Review due", width: 11.0, value: |s, i| Value::Date(s.docs[i].meta.review_by) },
    Column { key: "clauses", heading: "Clauses addressed", width: 48.0, value: |s, i| Value::Clauses(clauses(s, i)) },
    Column { key: "last_changed", heading: "Last changed", width: 12.0, value: |s, i| Value::Date(last_changed(s, i)) },
    Column { key: "url", heading: "Page", width: 30.0, value: |s, i| Value::Url(s.urls[i].clone()) },
];

/// The columns of this site's register: `last_changed` only with history.
pub fn columns(site: &Site) -> impl Iterator<Item = &'static Column> + '_ {
    COLUMNS
        .iter()
        .filter(|c| c.key != "last_changed" || site.history.is_some())
}

/// The date of the last commit that changed document `i` (with history).
pub fn last_changed(site: &Site, i: usize) -> Option<Date> {
    let h = site.history.as_deref()?;
    h.document(&site.docs[i].meta.id)?
        .last_changed()
        .map(|r| r.commit.author_date())
}

/// The documents of the register: the published ones, by id.
pub fn documents(site: &Site) -> impl Iterator<Item = usize> + '_ {
    (0..site.docs.len()).filter(|&i| site.published[i])
}

/// The clauses of standards in scope that document `i` addresses, in
/// front-matter order.
pub fn clauses(site: &Site, i: usize) -> Vec<ClauseRef> {
    site.clauses[i]
        .iter()
        .filter(|r| site.trace.scope.contains(&r.key.standard))
        .filter_map(|r| {
            let cat = site.standards.catalog(&r.key.standard)?;
            Some(ClauseRef {
                standard: cat.id.clone(),
                clause: r.key.clause.clone(),
                reference: format!("{} {}", cat.display_name(), r.key.clause),
                level: r.level,
                section: r.section.clone(),
            })
        })
        .collect()
}

/// `exports/register.csv`.
pub fn csv(site: &Site, bom: bool) -> Result<Vec<u8>, String> {
    let header: Vec<&str> = columns(site).map(|c| c.key).collect();
    let rows: Vec<Vec<String>> = documents(site)
        .map(|i| columns(site).map(|c| (c.value)(site, i).text()).collect())
        .collect();
    super::formats::csv_bytes(&header, &rows, bom)
}

/// One document as a JSON object, its keys in column order.
struct Row<'a>(&'a Site, usize);

impl Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for c in columns(self.0) {
            m.serialize_entry(c.key, &(c.value)(self.0, self.1))?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct RegisterJson<'a> {
    schema: &'static str,
    site: SiteRef<'a>,
    documents: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct SiteRef<'a> {
    title: &'a str,
    organization: &'a str,
}

/// `exports/register.json`, schema `clausebook-register/1`.
pub fn json(site: &Site) -> Vec<u8> {
    super::formats::json_bytes(&RegisterJson {
        schema: "clausebook-register/1",
        site: SiteRef {
            title: &site.config.title,
            organization: &site.config.organization,
        },
        documents: documents(site).map(|i| Row(site, i)).collect(),
    })
}
