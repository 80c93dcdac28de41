//! Coverage findings: requirement clauses no approved document addresses,
//! documents a standard asks for that the site lacks, and excluded clauses
//! that approved documents address.

use std::collections::BTreeSet;

use crate::base::diag::Diagnostic;
use crate::load::content::{Kind, Status};
use crate::resolve::Site;
use crate::resolve::trace::State;

/// A diagnostic located at a standard's entry in `standards` of
/// clausebook.toml.
fn at_standard(site: &Site, standard: &str, message: String) -> Diagnostic {
    site.config.error_at_item("standards", standard, message)
}

/// Requirement clauses of each standard in scope without an approved
/// document (rule `coverage`).
pub fn coverage_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    for cov in &site.trace.coverage {
        let Some(cat) = site.standards.catalog(&cov.standard) else {
            continue;
        };
        let name = cat.display_name();
        for c in cov.clauses.iter().filter(|c| c.requirement) {
            let label = format!("{name} {} {}", c.number, cat.display_title(&c.number));
            let docs_of = |pred: &dyn Fn(Status) -> bool| -> Vec<String> {
                c.direct
                    .iter()
                    .filter(|a| pred(site.docs[a.doc].meta.status))
                    .map(|a| {
                        format!(
                            "{} ({})",
                            site.docs[a.doc].meta.id, site.docs[a.doc].meta.status
                        )
                    })
                    .collect()
            };
            match c.state {
                State::Full | State::Excluded | State::Informative => {}
                State::Partial => {
                    let docs: Vec<String> = c
                        .direct
                        .iter()
                        .filter(|a| site.docs[a.doc].meta.status == Status::Approved)
                        .map(|a| site.docs[a.doc].meta.id.clone())
                        .collect();
                    let first = c
                        .direct
                        .iter()
                        .find(|a| site.docs[a.doc].meta.status == Status::Approved);
                    let d = match first {
                        Some(a) => {
                            let doc = &site.docs[a.doc];
                            let span = site.clauses[a.doc]
                                .iter()
                                .find(|r| {
                                    r.key.standard == cov.standard && r.key.clause == c.number
                                })
                                .map_or(doc.id_span, |r| r.span);
                            doc.warning_at(
                                span,
                                format!(
                                    "{label} is addressed only partially, by {}",
                                    docs.join(", ")
                                ),
                            )
                        }
                        None => {
                            Diagnostic::warning(crate::load::config::CONFIG_FILE, label.clone())
                        }
                    };
                    diags.push(
                        d.with_help("add a document that addresses the whole clause (level full), or extend this one")
                            .with_rule("partial-only"),
                    );
                }
                State::Derived | State::Planned | State::Gap => {
                    let mut msg = format!("{label} has no approved document");
                    let planned = docs_of(&|s| s.is_unreleased());
                    if !planned.is_empty() {
                        msg.push_str(&format!("; only {} addresses it", planned.join(", ")));
                    }
                    let mut candidates = Vec::new();
                    for (ostd, oc) in &c.derived {
                        let ocat = site.standards.catalog(ostd);
                        let ids: Vec<&str> = site
                            .trace
                            .direct(ostd, oc)
                            .iter()
                            .filter(|a| site.docs[a.doc].meta.status == Status::Approved)
                            .map(|a| site.docs[a.doc].meta.id.as_str())
                            .collect();
                        candidates.push(format!(
                            "{} (addresses related {} {})",
                            ids.join(", "),
                            ocat.map_or_else(|| ostd.clone(), |c| c.display_name()),
                            oc
                        ));
                    }
                    let help = if candidates.is_empty() {
                        format!(
                            "approve a document listing \"{}/{}\" in its `clauses`{}",
                            cov.standard,
                            c.number,
                            match cat.exclusions {
                                crate::load::standards::ExclusionRule::None => String::new(),
                                _ => ", or exclude the clause with a justification where the standard allows".into(),
                            }
                        )
                    } else {
                        format!("candidates: {}", candidates.join("; "))
                    };
                    let mut d = at_standard(site, &cov.standard, msg)
                        .with_help(help)
                        .with_rule("coverage");
                    d.subject = Some(format!("{}/{}", cov.standard, c.number));
                    diags.push(d);
                }
            }
        }
    }
}

/// The documents each standard in scope asks for by name.
pub fn required_documents(site: &Site, diags: &mut Vec<Diagnostic>) {
    for id in &site.trace.scope {
        let Some(cat) = site.standards.catalog(id) else {
            continue;
        };
        for req in &cat.required_documents {
            let fits = |k: Kind| req.kinds.iter().any(|x| x == k.as_str());
            let direct = site.trace.direct(id, &req.clause);
            let ok = direct.iter().any(|a| {
                let m = &site.docs[a.doc].meta;
                m.status == Status::Approved && fits(m.kind)
            });
            if ok {
                continue;
            }
            let mut others: Vec<String> = direct
                .iter()
                .take(5)
                .map(|a| {
                    let m = &site.docs[a.doc].meta;
                    format!("{} ({}, {})", m.id, m.kind, m.status)
                })
                .collect();
            if direct.len() > 5 {
                others.push(format!("and {} more", direct.len() - 5));
            }
            let help = if others.is_empty() {
                format!(
                    "approve a document of kind {} that lists \"{id}/{}\" in its `clauses`",
                    req.kinds.join(" or "),
                    req.clause
                )
            } else {
                format!(
                    "documents addressing {} are {}; the document needs kind {} and status approved",
                    req.clause,
                    others.join(", "),
                    req.kinds.join(" or ")
                )
            };
            diags.push(
                at_standard(
                    site,
                    id,
                    format!(
                        "{} requires documented information: {} ({} {}); no approved {} addresses it",
                        cat.display_name(),
                        req.name,
                        req.clause,
                        cat.display_title(&req.clause),
                        req.kinds.join(" or ")
                    ),
                )
                .with_help(help)
                .with_rule("required-document"),
            );
        }
    }
}

/// Warn about the excluded clauses of each standard in scope that an
/// approved document addresses.
pub fn exclusion_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    for id in &site.trace.scope {
        let (Some(cat), Some(list)) = (site.standards.catalog(id), site.config.exclusions.get(id))
        else {
            continue;
        };
        let excluded: BTreeSet<&str> = list.iter().map(|e| e.clause.as_str()).collect();
        for clause in excluded {
            let Some(a) = site
                .trace
                .direct(id, clause)
                .iter()
                .find(|a| site.docs[a.doc].meta.status == Status::Approved)
            else {
                continue;
            };
            let d = &site.docs[a.doc];
            let span = site.clauses[a.doc]
                .iter()
                .find(|r| r.key.standard == *id && r.key.clause == *clause)
                .map(|r| r.span)
                .unwrap_or(d.id_span);
            diags.push(
                d.warning_at(
                    span,
                    format!("{} {clause} is excluded in clausebook.toml but this approved document addresses it", cat.display_name()),
                )
                .with_help("remove the exclusion or the reference")
                .with_rule("exclusion"),
            );
        }
    }
}
