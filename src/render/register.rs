//! The home page: the document register, `page_size` documents a page
//! (page 1 at the root, the next ones at `page/<n>/`).

use std::collections::BTreeMap;

use tera::{Context, Value};

use crate::base::fingerprint::fingerprint;
use crate::render::context::Pages;
use crate::render::fragments::rows_at;
use crate::render::jobs::{PageJob, push, root_for};
use crate::render::paging::{page_count, page_of, page_path, pager};
use crate::render::plan::{Plan, members};
use crate::render::table::DocTable;

/// The register, which lists every published document, a page at a time.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    let size = p.site.config.page_size;
    let all = &p.published;
    let counts = status_counts(p.table, all);
    for n in 1..=page_count(all.len(), size) {
        let path = page_path("", n);
        let docs = page_of(all, n, size);
        // Every page shows the counts of the whole register.
        if !plan.due(&path, &|pr| {
            fingerprint(&(n, &counts, all.len(), members(pr, docs)))
        }) {
            continue;
        }
        let mut c = Context::new();
        c.insert("title", "Document register");
        c.insert("status_counts", &counts);
        c.insert("total", &all.len());
        c.insert("pager", &pager(&p.globals.urls, "", n, all.len(), size));
        c.insert_value("documents", p.values(docs));
        let rows = rows_at(
            docs.iter().filter_map(|&i| p.frags.rows[i].as_ref()),
            &root_for(&path),
        );
        c.insert_value("register_rows", Value::safe_string(&rows));
        push(jobs, path, "index.html", "register", c);
    }
}

fn status_counts(table: &DocTable, published: &[usize]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for &i in published {
        *m.entry(table.statuses[i].as_str()).or_insert(0) += 1;
    }
    m
}
