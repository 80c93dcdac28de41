//! Clause pages: for each clause of a standard in scope, its state, the
//! documents addressing it (`page_size` of them, the next ones on
//! `page/2/`, …), its subclauses, and the related clauses of the other
//! standards with their first documents.

use std::hash::{Hash, Hasher};

use tera::{Context, Value};

use crate::base::fingerprint::{fingerprint, hasher};
use crate::load::standards::{Catalog, Clause, Mapping};
use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push, root_for};
use crate::render::paging::{page_count, page_of, page_path, pager};
use crate::render::plan::{Plan, Prints};
use crate::render::standards::clause_views;
use crate::render::views::{ClauseView, obj};
use crate::resolve::trace::{ClauseCoverage, State};

/// One standard's clauses as the pages show them.
struct Standard<'a> {
    /// Position in the scope (and in the globals' standards).
    index: usize,
    cat: &'a Catalog,
    views: Vec<ClauseView>,
    /// The mappings in scope from this standard, with the other side.
    mappings: Vec<(&'a Mapping, &'a Catalog)>,
}

/// The clause pages of every standard in scope.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    let site = p.site;
    for (index, cat) in p.globals.scope_cats.iter().enumerate() {
        let Some(cov) = site.public_trace.standard(&cat.id) else {
            continue;
        };
        let std = Standard {
            index,
            cat,
            views: clause_views(p, cat, cov),
            mappings: site
                .standards
                .mappings_for(&cat.id)
                .filter(|m| site.public_trace.mappings.contains(&m.id))
                .filter_map(|m| Some((m, site.standards.catalog(m.other_side(&cat.id)?)?)))
                .collect(),
        };
        for (ci, (cl, cc)) in cat.clauses.iter().zip(&cov.clauses).enumerate() {
            let path = format!("standards/{}/{}/index.html", cat.slug(), cl.number);
            if plan.due(&path, &|pr| clause_print(p, &std, cl, cc, pr)) {
                let c = clause_context(p, &std, ci, cl, cc, &root_for(&path));
                push(jobs, path, "clause.html", "standards", c);
            }
            document_pages(p, &std, ci, cl, plan, jobs);
        }
    }
}

/// The folder of a clause's page.
fn clause_dir(cat: &Catalog, clause: &str) -> String {
    format!("standards/{}/{clause}", cat.slug())
}

/// How many documents address a clause (directly).
fn site_direct(p: &Pages<'_>, standard: &str, clause: &str) -> usize {
    p.site.public_trace.direct(standard, clause).len()
}

/// The pages after the first of the documents addressing clause `ci`
/// (`standards/<standard>/<clause>/page/<n>/`), when they are more than
/// a page.
fn document_pages(
    p: &Pages<'_>,
    std: &Standard<'_>,
    ci: usize,
    cl: &Clause,
    plan: &mut dyn Plan,
    jobs: &mut Vec<PageJob>,
) {
    let cat = std.cat;
    let size = p.site.config.page_size;
    let total = site_direct(p, &cat.id, &cl.number);
    let base = clause_dir(cat, &cl.number);
    let docs = p.frags.docs(&cat.id, &cl.number);
    let Some(all) = docs.as_array() else {
        return;
    };
    for n in 2..=page_count(total, size) {
        let path = page_path(&base, n);
        if !plan.due(&path, &|pr| {
            fingerprint(&(n, pr.clause_list(&cat.id, &cl.number)))
        }) {
            continue;
        }
        let mut c = Context::new();
        c.insert(
            "title",
            &format!("{} {}: documents, page {n}", cat.display_name(), cl.number),
        );
        c.insert("standard", &p.globals.standards_view[std.index]);
        c.insert("clause", &std.views[ci]);
        c.insert("total", &total);
        c.insert("pager", &pager(&p.globals.urls, &base, n, total, size));
        c.insert_value("refs", Value::from(page_of(all, n, size).to_vec()));
        push(jobs, path, "clause_documents.html", "standards", c);
    }
}

/// What a clause page shows: the clause, its subclauses' states and counts,
/// and the related clauses' states and documents.
fn clause_print(
    p: &Pages<'_>,
    std: &Standard<'_>,
    cl: &Clause,
    cc: &ClauseCoverage,
    pr: &dyn Prints,
) -> u64 {
    let cat = std.cat;
    let mut h = hasher();
    (
        cc.state,
        cc.requirement,
        &cc.derived,
        &cc.exclusion,
        cc.exclusion_contested,
    )
        .hash(&mut h);
    pr.clause_list(&cat.id, &cl.number).hash(&mut h);
    for v in std.views.iter().filter(|v| cl.children.contains(&v.number)) {
        (v.state, v.documents).hash(&mut h);
    }
    for (m, other) in &std.mappings {
        for (oc, _) in m.related_to(&cat.id, &cl.number) {
            (p.state(&other.id, oc), pr.clause_list(&other.id, oc)).hash(&mut h);
        }
    }
    h.finish()
}

/// The context of the page of clause `ci` of a standard, at `root`.
fn clause_context(
    p: &Pages<'_>,
    std: &Standard<'_>,
    ci: usize,
    cl: &Clause,
    cc: &ClauseCoverage,
    root: &str,
) -> Context {
    let (cat, urls, frags) = (std.cat, &p.globals.urls, p.frags);
    let related: Vec<Value> = std
        .mappings
        .iter()
        .map(|(m, other)| {
            let rel: Vec<Value> = m
                .related_to(&cat.id, &cl.number)
                .into_iter()
                .map(|(oc, pair)| {
                    let state = p.state(&other.id, oc);
                    obj([
                        ("clause", oc.into()),
                        ("title", other.qualified_title(oc).into()),
                        ("url", urls.clause(other, oc).into()),
                        ("relation", pair.relation.as_str().into()),
                        ("strength", pair.strength.map(|s| s.label()).into()),
                        ("note", pair.note.clone().into()),
                        ("state", state.map(State::as_str).into()),
                        ("state_label", state.map(State::label).into()),
                        ("documents", frags.docs(&other.id, oc)),
                        ("documents_html", frags.docs_html(&other.id, oc, root)),
                    ])
                })
                .collect();
            obj([
                ("standard", other.display_name().into()),
                ("mapping", m.name.clone().into()),
                (
                    "matrix_url",
                    urls.dir(&format!("matrix/{}", m.slug())).into(),
                ),
                ("clauses", Value::from(rel)),
                (
                    "unrelated",
                    m.unrelated(cat, &cl.number).map(|u| u.text()).into(),
                ),
                ("description", m.description.clone().into()),
            ])
        })
        .collect();
    let parent = cl.parent.as_deref().and_then(|pn| {
        cat.clause(pn).map(|pc| {
            serde_json::json!({"number": pc.number, "title": cat.display_title(pn), "url": urls.clause(cat, pn)})
        })
    });
    let children: Vec<&ClauseView> = std
        .views
        .iter()
        .filter(|v| cl.children.contains(&v.number))
        .collect();
    let mut c = Context::new();
    c.insert(
        "title",
        &format!(
            "{} {} {}",
            cat.display_name(),
            cl.number,
            cat.display_title(&cl.number)
        ),
    );
    c.insert("standard", &p.globals.standards_view[std.index]);
    c.insert("clause", &std.views[ci]);
    c.insert("parent", &parent);
    c.insert("children", &children);
    // Previous and next clause in catalog order.
    c.insert("prev", &ci.checked_sub(1).map(|i| &std.views[i]));
    c.insert("next", &std.views.get(ci + 1));
    c.insert_value("addressed_by", frags.docs(&cat.id, &cl.number));
    c.insert_value("addressed_by_html", frags.first_html(&cat.id, &cl.number));
    let total = site_direct(p, &cat.id, &cl.number);
    c.insert("total", &total);
    c.insert(
        "pager",
        &pager(
            &p.globals.urls,
            &clause_dir(cat, &cl.number),
            1,
            total,
            p.site.config.page_size,
        ),
    );
    c.insert_value("related", Value::from(related));
    c.insert("derived", &derived_view(p, &cc.derived));
    c.insert("exclusion", &cc.exclusion);
    c.insert("exclusion_contested", &cc.exclusion_contested);
    c.insert(
        "exclusion_label",
        if cat.exclusions == crate::load::standards::ExclusionRule::NotApplicable {
            "Not applicable"
        } else {
            "Excluded"
        },
    );
    c
}

/// The related clauses a derived state comes from: standard, clause,
/// title and page of each.
fn derived_view(p: &Pages<'_>, derived: &[(String, String)]) -> Vec<serde_json::Value> {
    derived
        .iter()
        .filter_map(|(s, c)| {
            let cat = p.site.standards.catalog(s)?;
            Some(serde_json::json!({
                "standard": cat.display_name(),
                "clause": c,
                "title": cat.qualified_title(c),
                "url": p.globals.urls.clause(cat, c),
            }))
        })
        .collect()
}
