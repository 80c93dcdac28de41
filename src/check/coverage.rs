//! Coverage findings: requirement clauses no approved document addresses,
//! documents a standard asks for that the site lacks (and `fulfils` keys
//! naming none), excluded clauses that approved documents address,
//! exclusions that take more than they seem to, and references to heading
//! clauses, which cover no requirement.

use serde::Serialize;

use crate::base::diag::{Diagnostic, Level};
use crate::base::text::suggest_from;
use crate::load::content::Status;
use crate::load::standards::{Catalog, ExclusionRule, RequiredDocument};
use crate::resolve::Site;
use crate::resolve::trace::State;

/// A diagnostic located at a standard's entry in `standards` of
/// clausebook.toml.
fn at_standard(site: &Site, standard: &str, message: String) -> Diagnostic {
    site.config.error_at_item("standards", standard, message)
}

/// `std/clause`: what a finding about a clause names as its subject, by
/// which the reports attach it to that clause.
pub fn subject(standard: &str, clause: &str) -> String {
    format!("{standard}/{clause}")
}

fn approved(site: &Site, doc: usize) -> bool {
    site.docs[doc].meta.status == Status::Approved
}

/// Where document `doc` references `standard`/`clause` (its id when it
/// does not).
fn reference_span(
    site: &Site,
    doc: usize,
    standard: &str,
    clause: &str,
) -> crate::load::content::Span {
    site.clauses[doc]
        .iter()
        .find(|r| r.key.standard == standard && r.key.clause == clause)
        .map_or(site.docs[doc].id_span, |r| r.span)
}

/// Requirement clauses of each standard in scope without an approved
/// document (rule `coverage`), or addressed only partially (rule
/// `partial-only`).
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
            let mut d = match c.state {
                State::Full | State::Excluded | State::NotApplicable | State::Informative => {
                    continue;
                }
                State::Partial => {
                    let docs: Vec<String> = c
                        .direct
                        .iter()
                        .filter(|a| approved(site, a.doc))
                        .map(|a| site.docs[a.doc].meta.id.clone())
                        .collect();
                    let message = format!(
                        "{label} is addressed only partially, by {}",
                        docs.join(", ")
                    );
                    let d = match c.direct.iter().find(|a| approved(site, a.doc)) {
                        Some(a) => site.docs[a.doc].warning_at(
                            reference_span(site, a.doc, &cov.standard, &c.number),
                            message,
                        ),
                        None => Diagnostic::warning(crate::load::config::CONFIG_FILE, message),
                    };
                    d.with_help(
                        "add a document that addresses the whole clause (level full), or extend this one",
                    )
                    .with_rule("partial-only")
                }
                State::Derived | State::Planned | State::Gap => {
                    let mut msg = format!("{label} has no approved document");
                    let planned = docs_of(&|s| s.is_unreleased());
                    if !planned.is_empty() {
                        msg.push_str(&format!("; only {} addresses it", planned.join(", ")));
                    }
                    let help = match candidates(site, &c.derived) {
                        Some(list) => format!("candidates: {list}"),
                        None => format!(
                            "approve a document listing \"{}/{}\" in its `clauses`{}",
                            cov.standard,
                            c.number,
                            match cat.exclusions {
                                ExclusionRule::None => "",
                                ExclusionRule::Within(_) => {
                                    ", or exclude the clause with a justification where the standard allows"
                                }
                                ExclusionRule::NotApplicable => {
                                    ", or determine it as not applicable with a justification where it cannot apply"
                                }
                            }
                        ),
                    };
                    at_standard(site, &cov.standard, msg)
                        .with_help(help)
                        .with_rule("coverage")
                }
            };
            d.subject = Some(subject(&cov.standard, &c.number));
            diags.push(d);
        }
    }
}

/// The documents addressing related clauses (a derived state's reason), as
/// candidates for a clause without an approved document.
fn candidates(site: &Site, derived: &[(String, String)]) -> Option<String> {
    let list: Vec<String> = derived
        .iter()
        .map(|(ostd, oc)| {
            let ids: Vec<&str> = site
                .trace
                .direct(ostd, oc)
                .iter()
                .filter(|a| approved(site, a.doc))
                .map(|a| site.docs[a.doc].meta.id.as_str())
                .collect();
            let other = site
                .standards
                .catalog(ostd)
                .map_or_else(|| ostd.clone(), |c| c.display_name());
            format!("{} (addresses related {other} {oc})", ids.join(", "))
        })
        .collect();
    (!list.is_empty()).then(|| list.join("; "))
}

/// How a required document is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fulfilment {
    /// Approved documents say so in `fulfils`.
    Declared,
    /// No document declares it; approved documents of a fitting kind (and
    /// title, where the catalog asks for one) address its clause.
    Inferred,
    /// Neither.
    Missing,
}

/// One document a standard in scope asks for, and the documents that are
/// it.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredResult {
    pub standard: String,
    pub key: String,
    pub name: String,
    pub clause: String,
    pub listed_in: Option<String>,
    /// A set of documents (any number together), not one.
    pub set: bool,
    pub status: Fulfilment,
    /// The approved documents that are it (declared or inferred).
    pub documents: Vec<String>,
    /// The level of the `required-document` finding, if any (filled in by
    /// the report).
    pub finding: Option<Level>,
}

/// Every document each standard in scope asks for, and how it is met.
pub fn required_results(site: &Site) -> Vec<RequiredResult> {
    let mut out = Vec::new();
    for id in &site.trace.scope {
        let Some(cat) = site.standards.catalog(id) else {
            continue;
        };
        for req in &cat.required_documents {
            let (status, documents) = fulfilment(site, id, req);
            out.push(RequiredResult {
                standard: id.clone(),
                key: req.key.clone(),
                name: req.name.clone(),
                clause: req.clause.clone(),
                listed_in: req.listed_in.clone(),
                set: req.set,
                status,
                documents,
                finding: None,
            });
        }
    }
    out
}

fn fulfilment(site: &Site, standard: &str, req: &RequiredDocument) -> (Fulfilment, Vec<String>) {
    let declared: Vec<String> = site
        .docs
        .iter()
        .filter(|d| d.meta.status == Status::Approved)
        .filter(|d| d.meta.fulfils.iter().any(|f| f.id == req.key))
        .map(|d| d.meta.id.clone())
        .collect();
    if !declared.is_empty() {
        return (Fulfilment::Declared, declared);
    }
    // A document that says which required documents it is is taken at its
    // word: it is not inferred to be another one.
    let inferred: Vec<String> = site
        .trace
        .direct(standard, &req.clause)
        .iter()
        .map(|a| &site.docs[a.doc].meta)
        .filter(|m| m.status == Status::Approved && m.fulfils.is_empty())
        .filter(|m| req.may_infer(m.kind.as_str(), &m.title))
        .map(|m| m.id.clone())
        .collect();
    if inferred.is_empty() {
        (Fulfilment::Missing, Vec::new())
    } else {
        (Fulfilment::Inferred, inferred)
    }
}

/// The documents each standard in scope asks for by name, that no
/// approved document is (rule `required-document`).
pub fn required_documents(site: &Site, diags: &mut Vec<Diagnostic>) {
    for r in required_results(site) {
        if r.status != Fulfilment::Missing {
            continue;
        }
        let Some(cat) = site.standards.catalog(&r.standard) else {
            continue;
        };
        let Some(req) = cat.required_documents.iter().find(|d| d.key == r.key) else {
            continue;
        };
        diags.push(missing_required(site, cat, req));
    }
}

fn missing_required(site: &Site, cat: &Catalog, req: &RequiredDocument) -> Diagnostic {
    let id = &cat.id;
    let unapproved: Vec<String> = site
        .docs
        .iter()
        .filter(|d| d.meta.fulfils.iter().any(|f| f.id == req.key))
        .map(|d| format!("{} ({})", d.meta.id, d.meta.status))
        .collect();
    let direct = site.trace.direct(id, &req.clause);
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
    let declare = format!(
        "add `fulfils = [\"{}\"]` to the approved document that is it",
        req.key
    );
    let help = if !unapproved.is_empty() {
        format!(
            "{} say{} so but {} not approved; approve it",
            unapproved.join(", "),
            if unapproved.len() == 1 { "s" } else { "" },
            if unapproved.len() == 1 { "is" } else { "are" }
        )
    } else if others.is_empty() {
        format!(
            "{declare} (and list \"{id}/{}\" in its `clauses`)",
            req.clause
        )
    } else {
        format!(
            "documents addressing {} are {}; {declare}",
            req.clause,
            others.join(", ")
        )
    };
    let listed = req
        .listed_in
        .as_deref()
        .map(|l| format!(", listed in {l}"))
        .unwrap_or_default();
    let what = if req.set {
        "no approved document belongs to this set"
    } else {
        "no approved document is it"
    };
    let mut d = at_standard(
        site,
        id,
        format!(
            "{} requires documented information: {} ({} {}{listed}); {what}",
            cat.display_name(),
            req.name,
            req.clause,
            cat.display_title(&req.clause),
        ),
    )
    .with_help(help)
    .with_rule("required-document");
    d.subject = Some(subject(id, &req.clause));
    d
}

/// `fulfils` keys that name no required document of a standard in scope
/// (rule `unknown-fulfils`).
pub fn unknown_fulfils(site: &Site, diags: &mut Vec<Diagnostic>) {
    let known: Vec<&str> = site
        .trace
        .scope
        .iter()
        .filter_map(|id| site.standards.catalog(id))
        .flat_map(|c| c.required_documents.iter().map(|r| r.key.as_str()))
        .collect();
    for d in &site.docs {
        for f in &d.meta.fulfils {
            if known.contains(&f.id.as_str()) {
                continue;
            }
            let elsewhere: Vec<String> = site
                .standards
                .catalogs
                .iter()
                .filter(|c| c.required_documents.iter().any(|r| r.key == f.id))
                .map(|c| c.display_name())
                .collect();
            let help = if !elsewhere.is_empty() {
                format!(
                    "`{}` is a required document of {}, which is not in scope",
                    f.id,
                    elsewhere.join(" and ")
                )
            } else if known.is_empty() {
                "no standard in scope names required documents".to_string()
            } else {
                let mut names = known.clone();
                names.sort_unstable();
                names.dedup();
                suggest_from(&f.id, &names)
            };
            diags.push(
                d.error_at(
                    f.span,
                    format!(
                        "`{}` names no required document of the standards in scope",
                        f.id
                    ),
                )
                .with_help(help)
                .with_rule("unknown-fulfils"),
            );
        }
    }
}

/// Excluded (or not applicable) clauses that approved documents address:
/// every such document, at its reference (rule `excluded-with-evidence`).
/// The exclusion is then not in effect for the clause.
pub fn exclusion_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    for cov in &site.trace.coverage {
        let Some(cat) = site.standards.catalog(&cov.standard) else {
            continue;
        };
        let excluded = |n: &str| {
            site.config
                .exclusions
                .get(&cov.standard)
                .is_some_and(|l| l.iter().any(|e| e.clause == n))
        };
        let what = if cat.exclusions == ExclusionRule::NotApplicable {
            "determined as not applicable"
        } else {
            "excluded"
        };
        for c in cov.clauses.iter().filter(|c| c.exclusion_contested) {
            let via = if excluded(&c.number) {
                String::new()
            } else {
                match cat
                    .ancestors(&c.number)
                    .into_iter()
                    .find(|a| excluded(&a.number))
                {
                    Some(a) => format!(" (through {})", a.number),
                    None => String::new(),
                }
            };
            for a in c.direct.iter().filter(|a| approved(site, a.doc)) {
                let doc = &site.docs[a.doc];
                let mut d = doc
                    .warning_at(
                        reference_span(site, a.doc, &cov.standard, &c.number),
                        format!(
                            "{} {} is {what} in clausebook.toml{via}, but this approved document addresses it",
                            cat.display_name(),
                            c.number
                        ),
                    )
                    .with_help(
                        "the exclusion is not in effect while approved documents address the clause: \
                         remove the exclusion, or the reference",
                    )
                    .with_rule("excluded-with-evidence");
                d.subject = Some(subject(&cov.standard, &c.number));
                diags.push(d);
            }
        }
    }
}

/// Exclusions that take more than one clause (a heading's subclauses go
/// with it) and "not applicable" claims where they rarely hold (rule
/// `exclusion-scope`).
pub fn exclusion_scope(site: &Site, diags: &mut Vec<Diagnostic>) {
    for (id, list) in &site.config.exclusions {
        let Some(cat) = site.standards.catalog(id) else {
            continue;
        };
        for ex in list {
            let Some(clause) = cat.clause(&ex.clause) else {
                continue; // an error of its own
            };
            if cat.exclusions.allows(cat, &ex.clause).is_err() {
                continue; // an error of its own
            }
            let message = if cat.exclusions == ExclusionRule::NotApplicable {
                cat.exclusions.advice(cat, &ex.clause)
            } else if !clause.children.is_empty() {
                let below: Vec<&str> = cat
                    .descendants(&ex.clause)
                    .iter()
                    .map(|d| d.number.as_str())
                    .collect();
                Some(format!(
                    "excluding {} {} excludes its subclauses too: {}",
                    cat.display_name(),
                    ex.clause,
                    below.join(", ")
                ))
            } else {
                None
            };
            let Some(message) = message else { continue };
            let mut d = site
                .config
                .error_at(&format!("\"{}\"", ex.clause), message)
                .with_help(
                    "exclude only the clauses that cannot apply, one by one, each with its own justification",
                )
                .with_rule("exclusion-scope");
            d.level = Level::Warning;
            d.subject = Some(subject(id, &ex.clause));
            diags.push(d);
        }
    }
}

/// References to a heading clause of a standard in scope: a heading carries
/// no requirement of its own, so the reference covers nothing (rule
/// `heading-reference`).
pub fn heading_references(site: &Site, diags: &mut Vec<Diagnostic>) {
    for (i, refs) in site.clauses.iter().enumerate() {
        for r in refs.iter() {
            if !site.trace.scope.contains(&r.key.standard) {
                continue;
            }
            let Some(cat) = site.standards.catalog(&r.key.standard) else {
                continue;
            };
            let Some(c) = cat.clause(&r.key.clause) else {
                continue;
            };
            if !c.is_heading() || !cat.is_normative(&c.number) {
                continue;
            }
            let below: Vec<&str> = c.children.iter().map(String::as_str).collect();
            diags.push(
                site.docs[i]
                    .warning_at(
                        r.span,
                        format!(
                            "{} {} {} is a heading: a reference to it covers no requirement",
                            cat.display_name(),
                            c.number,
                            cat.display_title(&c.number)
                        ),
                    )
                    .with_help(format!(
                        "name the subclauses the document addresses: {}",
                        below.join(", ")
                    ))
                    .with_rule("heading-reference"),
            );
        }
    }
}
