//! Traceability matrices: their index, and for each mapping in scope both
//! directions (each clause of one standard with its related clauses of the
//! other, states and documents) and the grid of pairs.

use std::hash::{Hash, Hasher};

use tera::{Context, Value};

use crate::base::fingerprint::hasher;
use crate::load::standards::{Catalog, Mapping};
use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push, root_for};
use crate::render::plan::{Plan, Prints, nothing};
use crate::render::views::{obj, pair_anchor};
use crate::resolve::trace::{MatrixRow, State, matrix_rows};

/// The matrices' index, both directions of each matrix and its grid.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    if plan.due("matrix/index.html", &nothing) {
        let mut c = Context::new();
        c.insert("title", "Traceability matrices");
        push(
            jobs,
            "matrix/index.html".into(),
            "matrices.html",
            "matrix",
            c,
        );
    }
    for (mi, (m, left, right)) in p.site.matrices().enumerate() {
        for (base, other, reverse) in [(left, right, false), (right, left, true)] {
            let path = if reverse {
                format!("matrix/{}/reverse/index.html", m.slug())
            } else {
                format!("matrix/{}/index.html", m.slug())
            };
            let rows = matrix_rows(m, base);
            if plan.due(&path, &|pr| direction_print(p, &rows, base, other, pr)) {
                let rows = direction_rows(p, rows, base, other, reverse, &root_for(&path));
                let mut c = Context::new();
                c.insert(
                    "title",
                    &format!(
                        "Traceability: {} → {}",
                        base.display_name(),
                        other.display_name()
                    ),
                );
                c.insert("mapping", &p.globals.mappings_view[mi]);
                c.insert("base", &base.display_name());
                c.insert("other", &other.display_name());
                c.insert("reverse", &reverse);
                c.insert("groups", &groups(base));
                c.insert_value("rows", Value::from(rows));
                push(jobs, path, "matrix.html", "matrix", c);
            }
        }
        grid(p, mi, m, left, right, plan, jobs);
    }
}

/// A row shows the states and documents of its clause and of the related
/// clauses.
fn direction_print(
    p: &Pages<'_>,
    rows: &[MatrixRow<'_>],
    base: &Catalog,
    other: &Catalog,
    pr: &dyn Prints,
) -> u64 {
    let mut h = hasher();
    for row in rows {
        (
            p.state(&base.id, row.clause),
            pr.clause_list(&base.id, row.clause),
        )
            .hash(&mut h);
        for (oc, _, _, _) in &row.related {
            (p.state(&other.id, oc), pr.clause_list(&other.id, oc)).hash(&mut h);
        }
    }
    h.finish()
}

/// The top-level clause a clause is part of (`4` for `4.5.4.2`): the
/// group its row belongs to on a matrix page.
fn top_clause(clause: &str) -> &str {
    clause.split('.').next().unwrap_or(clause)
}

/// The top-level clauses of a standard, for the matrix page's filter by
/// subtree.
fn groups(base: &Catalog) -> Vec<serde_json::Value> {
    base.clauses
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| serde_json::json!({"clause": c.number, "title": base.display_title(&c.number)}))
        .collect()
}

/// The rows of one direction of a matrix, for a page at `root`.
fn direction_rows(
    p: &Pages<'_>,
    rows: Vec<MatrixRow<'_>>,
    base: &Catalog,
    other: &Catalog,
    reverse: bool,
    root: &str,
) -> Vec<Value> {
    let (urls, frags) = (&p.globals.urls, p.frags);
    rows.into_iter()
        .map(|row| {
            let state_here = p.state(&base.id, row.clause);
            let related: Vec<Value> = row
                .related
                .iter()
                .map(|(oc, rel, note, strength)| {
                    let ostate = p.state(&other.id, oc);
                    let pair_id = if reverse {
                        pair_anchor(oc, row.clause)
                    } else {
                        pair_anchor(row.clause, oc)
                    };
                    obj([
                        ("clause", (*oc).into()),
                        ("title", other.qualified_title(oc).into()),
                        ("url", urls.clause(other, oc).into()),
                        ("relation", rel.as_str().into()),
                        ("strength", strength.map(|s| s.label()).into()),
                        ("note", note.map(str::to_string).into()),
                        ("state", ostate.map(State::as_str).into()),
                        ("state_label", ostate.map(State::label).into()),
                        ("documents", frags.docs(&other.id, oc)),
                        ("documents_html", frags.docs_html(&other.id, oc, root)),
                        ("pair_id", pair_id.into()),
                    ])
                })
                .collect();
            obj([
                ("clause", row.clause.into()),
                ("group", top_clause(row.clause).into()),
                ("title", base.qualified_title(row.clause).into()),
                ("url", urls.clause(base, row.clause).into()),
                ("unrelated", row.unrelated.map(|u| u.as_str()).into()),
                ("state", state_here.map(State::as_str).into()),
                ("state_label", state_here.map(State::label).into()),
                (
                    "heading",
                    base.clause(row.clause)
                        .is_some_and(|c| c.is_heading())
                        .into(),
                ),
                ("documents", frags.docs(&base.id, row.clause)),
                (
                    "documents_html",
                    frags.docs_html(&base.id, row.clause, root),
                ),
                ("related", Value::from(related)),
            ])
        })
        .collect()
}

/// The grid of a mapping: left clauses as rows, right clauses as columns;
/// made of the mapping only.
fn grid(
    p: &Pages<'_>,
    mi: usize,
    m: &Mapping,
    left: &Catalog,
    right: &Catalog,
    plan: &mut dyn Plan,
    jobs: &mut Vec<PageJob>,
) {
    let path = format!("matrix/{}/grid/index.html", m.slug());
    if !plan.due(&path, &nothing) {
        return;
    }
    let urls = &p.globals.urls;
    let cols: Vec<serde_json::Value> = right
        .clauses
        .iter()
        .filter(|c| m.pairs.iter().any(|p| p.right == c.number))
        .map(|c| serde_json::json!({"clause": c.number, "title": right.display_title(&c.number), "url": urls.clause(right, &c.number)}))
        .collect();
    let grid_rows: Vec<serde_json::Value> = left
        .clauses
        .iter()
        .filter(|c| m.pairs.iter().any(|p| p.left == c.number))
        .map(|lc| {
            let marks: Vec<serde_json::Value> = cols
                .iter()
                .map(|col| {
                    let rc = col["clause"].as_str().unwrap_or_default();
                    let pair = m.pairs.iter().find(|p| p.left == lc.number && p.right == rc);
                    match pair {
                        Some(p) => serde_json::json!({"mark": true, "relation": p.relation.as_str(), "anchor": pair_anchor(&lc.number, rc), "right": rc}),
                        None => serde_json::json!({"mark": false}),
                    }
                })
                .collect();
            serde_json::json!({"clause": lc.number, "title": left.display_title(&lc.number), "url": urls.clause(left, &lc.number), "marks": marks})
        })
        .collect();
    let mut c = Context::new();
    c.insert(
        "title",
        &format!("Grid: {} × {}", left.display_name(), right.display_name()),
    );
    c.insert("mapping", &p.globals.mappings_view[mi]);
    c.insert("left", &left.display_name());
    c.insert("right", &right.display_name());
    c.insert("columns", &cols);
    c.insert("rows", &grid_rows);
    push(jobs, path, "grid.html", "matrix", c);
}
