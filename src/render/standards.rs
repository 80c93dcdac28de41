//! The standards: their index, and each standard's page with its clause
//! tree. The views of a standard's clauses are shared with its coverage
//! dashboard and its clause pages.

use tera::Context;

use crate::base::fingerprint::fingerprint;
use crate::load::standards::Catalog;
use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push};
use crate::render::plan::Plan;
use crate::render::views::ClauseView;
use crate::resolve::trace::StandardCoverage;

/// The standards index and each standard's page.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    let coverage = &p.site.public_trace.coverage;
    let outlines = || fingerprint(&coverage.iter().map(outline_print).collect::<Vec<_>>());
    if plan.due("standards/index.html", &|_| outlines()) {
        let stats: Vec<_> = coverage.iter().map(|c| &c.stats).collect();
        let mut c = Context::new();
        c.insert("title", "Standards");
        c.insert("stats", &stats);
        push(
            jobs,
            "standards/index.html".into(),
            "standards.html",
            "standards",
            c,
        );
    }
    for (si, cat) in p.globals.scope_cats.iter().enumerate() {
        let Some(cov) = p.site.public_trace.standard(&cat.id) else {
            continue;
        };
        let path = format!("standards/{}/index.html", cat.slug());
        if plan.due(&path, &|_| outline_print(cov)) {
            let mut c = Context::new();
            c.insert("title", &cat.display_name());
            c.insert("standard", &p.globals.standards_view[si]);
            c.insert("clauses", &tree_rows(&clause_views(p, cat, cov)));
            c.insert("stats", &cov.stats);
            c.insert("mappings", &mappings_of(p, cat));
            push(jobs, path, "standard.html", "standards", c);
        }
    }
}

/// What a standard's pages read of its clauses: the state and document
/// count of each.
pub fn outline_print(cov: &StandardCoverage) -> u64 {
    fingerprint(
        &cov.clauses
            .iter()
            .map(|c| {
                (
                    &c.number,
                    c.state,
                    c.requirement,
                    c.direct.len(),
                    &c.derived,
                    &c.exclusion,
                    c.exclusion_contested,
                )
            })
            .collect::<Vec<_>>(),
    )
}

/// A row of a standard's clause tree: the clause, whether it opens a
/// collapsible group of subclauses, and how many groups close after it
/// (one item each: templates loop over it).
#[derive(serde::Serialize)]
pub struct TreeRow<'a> {
    #[serde(flatten)]
    pub clause: &'a ClauseView,
    pub open: bool,
    pub closes: Vec<u8>,
}

/// The clause tree of `views` (catalog order, each subclause after its
/// parent, deeper): rows opening and closing the nested groups.
pub fn tree_rows(views: &[ClauseView]) -> Vec<TreeRow<'_>> {
    let mut rows: Vec<TreeRow<'_>> = Vec::with_capacity(views.len());
    let mut open: Vec<usize> = Vec::new();
    for (i, v) in views.iter().enumerate() {
        while open.last().is_some_and(|&d| d >= v.depth) {
            open.pop();
            if let Some(r) = rows.last_mut() {
                r.closes.push(0);
            }
        }
        let opens = views.get(i + 1).is_some_and(|n| n.depth > v.depth);
        if opens {
            open.push(v.depth);
        }
        rows.push(TreeRow {
            clause: v,
            open: opens,
            closes: Vec::new(),
        });
    }
    if let Some(r) = rows.last_mut() {
        r.closes.extend(open.iter().map(|_| 0));
    }
    rows
}

/// The views of a standard's clauses, in catalog order.
pub fn clause_views(p: &Pages<'_>, cat: &Catalog, cov: &StandardCoverage) -> Vec<ClauseView> {
    let urls = &p.globals.urls;
    cat.clauses
        .iter()
        .zip(&cov.clauses)
        .map(|(cl, cc)| ClauseView {
            number: cl.number.clone(),
            title: cat.qualified_title(&cl.number),
            depth: cl.depth,
            state: cc.state,
            state_label: cc.state.label(),
            requirement: cc.requirement,
            heading: cl.is_heading(),
            url: urls.clause(cat, &cl.number),
            documents: cc.direct.len(),
        })
        .collect()
}

/// The views of the mappings in scope with `cat` on either side.
pub fn mappings_of<'p>(p: &'p Pages<'_>, cat: &Catalog) -> Vec<&'p serde_json::Value> {
    p.globals
        .mappings_view
        .iter()
        .filter(|m| {
            let id = m["id"].as_str().unwrap_or_default();
            p.site
                .standards
                .mapping(id)
                .is_some_and(|mm| mm.left == cat.id || mm.right == cat.id)
        })
        .collect()
}
