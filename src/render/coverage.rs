//! Coverage: each standard's dashboard (its gaps and exports), and the
//! applicability and exclusion register.

use tera::Context;

use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push};
use crate::render::plan::{Plan, nothing};
use crate::render::standards::{clause_views, mappings_of, outline_print};
use crate::render::views::{ClauseView, coverage_export_links, exclusion_rule_text};
use crate::resolve::trace::State;

/// The coverage dashboards and the exclusion register.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    for (si, cat) in p.globals.scope_cats.iter().enumerate() {
        let Some(cov) = p.site.public_trace.standard(&cat.id) else {
            continue;
        };
        let slug = cat.slug();
        let path = format!("standards/{slug}/coverage/index.html");
        let overdue = overdue_reviews(p);
        let print = |_: &dyn crate::render::plan::Prints| {
            crate::base::fingerprint::fingerprint(&(outline_print(cov), &overdue))
        };
        if plan.due(&path, &print) {
            let views = clause_views(p, cat, cov);
            let gaps: Vec<&ClauseView> = views
                .iter()
                .filter(|v| v.requirement && v.state != State::Full && !v.state.is_out_of_scope())
                .collect();
            let mut c = Context::new();
            c.insert("title", &format!("Coverage of {}", cat.display_name()));
            c.insert("standard", &p.globals.standards_view[si]);
            c.insert("stats", &cov.stats);
            c.insert("gaps", &gaps);
            c.insert("heat", &heat_map(&views));
            c.insert("exports", &coverage_export_links(&slug));
            c.insert("mappings", &mappings_of(p, cat));
            c.insert("overdue", &overdue);
            push(jobs, path, "coverage.html", "coverage", c);
        }
    }
    exclusions(p, plan, jobs);
}

/// Cells per row of a dashboard's heat map, and a cell's size and step.
const HEAT_COLUMNS: usize = 20;
const HEAT_CELL: usize = 26;
const HEAT_STEP: usize = 30;

/// The standard as a picture: every requirement clause a cell of an SVG
/// grid in clause order, coloured by its state, linking to its page.
fn heat_map(views: &[ClauseView]) -> serde_json::Value {
    let cells: Vec<serde_json::Value> = views
        .iter()
        .filter(|v| v.requirement)
        .enumerate()
        .map(|(n, v)| {
            serde_json::json!({
                "number": v.number,
                "title": v.title,
                "state": v.state,
                "state_label": v.state_label,
                "url": v.url,
                "x": (n % HEAT_COLUMNS) * HEAT_STEP,
                "y": (n / HEAT_COLUMNS) * HEAT_STEP,
            })
        })
        .collect();
    let rows = cells.len().div_ceil(HEAT_COLUMNS).max(1);
    serde_json::json!({
        "cells": cells,
        "size": HEAT_CELL,
        "width": HEAT_COLUMNS.min(cells.len().max(1)) * HEAT_STEP,
        "height": rows * HEAT_STEP,
    })
}

/// The published documents whose review date has passed (id, title, page,
/// review date), for the dashboards' banner.
fn overdue_reviews(p: &Pages<'_>) -> Vec<serde_json::Value> {
    p.published
        .iter()
        .filter(|&&i| p.site.is_overdue(i))
        .map(|&i| {
            let m = &p.site.docs[i].meta;
            serde_json::json!({
                "id": m.id,
                "title": m.title,
                "url": p.site.urls[i],
                "review_by": m.review_by.map(|d| d.to_string()),
            })
        })
        .collect()
}

/// The applicability and exclusion register (from the configuration and
/// the catalogs, which make a full build when they change).
fn exclusions(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    if !plan.due("exclusions/index.html", &nothing) {
        return;
    }
    let urls = &p.globals.urls;
    let registers: Vec<serde_json::Value> = p
        .globals
        .scope_cats
        .iter()
        .map(|cat| {
            let list: Vec<serde_json::Value> = p
                .site
                .config
                .exclusions
                .get(&cat.id)
                .map(|l| {
                    // In clause order, whatever the order of the file.
                    let mut l: Vec<_> = l.iter().collect();
                    l.sort_by_key(|e| {
                        cat.clauses
                            .iter()
                            .position(|c| c.number == e.clause)
                            .unwrap_or(usize::MAX)
                    });
                    l.into_iter()
                        .map(|e| {
                            let cc = p
                                .site
                                .public_trace
                                .standard(&cat.id)
                                .and_then(|s| s.clause(&e.clause));
                            serde_json::json!({
                                "clause": e.clause,
                                "title": cat.qualified_title(&e.clause),
                                "url": urls.clause(cat, &e.clause),
                                "justification": e.justification,
                                "state": cc.map(|c| c.state.as_str()),
                                "state_label": cc.map(|c| c.state.label()),
                                "contested": cc.is_some_and(|c| c.exclusion_contested),
                                "subclauses": cat.descendants(&e.clause).iter().map(|d| d.number.clone()).collect::<Vec<_>>(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            serde_json::json!({"standard": cat.display_name(), "url": urls.standard(cat), "rule": exclusion_rule_text(cat), "exclusions": list})
        })
        .collect();
    let mut c = Context::new();
    c.insert("title", "Applicability and exclusions");
    c.insert("registers", &registers);
    push(
        jobs,
        "exclusions/index.html".into(),
        "exclusions.html",
        "exclusions",
        c,
    );
}
