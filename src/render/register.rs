//! The home page: the document register.

use std::collections::BTreeMap;

use tera::{Context, Value};

use crate::base::fingerprint::fingerprint;
use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push};
use crate::render::plan::{Plan, members};
use crate::render::table::DocTable;

/// The register, which lists every published document.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    if !plan.due("index.html", &|pr| fingerprint(&members(pr, &p.published))) {
        return;
    }
    let mut c = Context::new();
    c.insert("title", "Document register");
    c.insert("status_counts", &status_counts(p.table, &p.published));
    c.insert_value("documents", p.values(&p.published));
    let rows: String = p
        .frags
        .rows
        .iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    c.insert_value("register_rows", Value::safe_string(&rows));
    push(jobs, "index.html".into(), "index.html", "register", c);
}

fn status_counts(table: &DocTable, published: &[usize]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for &i in published {
        *m.entry(table.statuses[i].as_str()).or_insert(0) += 1;
    }
    m
}
