//! `clausebook check`: the CI gate. Every finding carries a stable rule id
//! ([`rules`]); each rule has a default level that a site can change in the
//! `[check]` table of `clausebook.toml`. The same checks run before every
//! build, on the loaded site: the findings of the load itself, the
//! document-control rules ([`documents`]), coverage, required documents and
//! exclusions ([`coverage`]), links to unapproved documents and orphans
//! ([`links`]), and what the site's repository says ([`history`]). [`report`] writes them for people and for CI.

pub mod coverage;
pub mod documents;
pub mod history;
pub mod links;
pub mod report;
pub mod rules;

use serde::Serialize;

use crate::base::diag::{Diagnostic, Diagnostics, Level};
use crate::load::config::RuleLevel;
use crate::load::content::Status;
use crate::resolve::Site;
use crate::resolve::trace::State;

/// The result of a check of one clause, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    pub clause: String,
    pub title: String,
    pub state: State,
    /// Every document addressing the clause directly, whatever its status
    /// (as in the coverage export; only approved ones count).
    pub documents: Vec<ClauseDocument>,
    pub exclusion: Option<String>,
    /// The exclusion names the clause but is not in effect (approved
    /// documents address it).
    pub exclusion_contested: bool,
    /// The highest level of the findings about this clause, if any.
    pub finding: Option<Level>,
    /// The rules of those findings.
    pub rules: Vec<&'static str>,
    /// Their messages, for reports.
    #[serde(skip)]
    pub messages: Vec<String>,
}

/// A document addressing a clause, as the check report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseDocument {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub level: crate::load::content::Level,
    pub section: Option<String>,
}

/// Coverage of one standard in the check report.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageResult {
    pub standard: String,
    pub name: String,
    #[serde(flatten)]
    pub stats: crate::resolve::trace::Stats,
    pub clauses: Vec<ClauseResult>,
}

/// What a check found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Findings with their final level, allowed ones removed, sorted.
    pub findings: Diagnostics,
    pub coverage: Vec<CoverageResult>,
    /// The documents each standard in scope asks for, and how each is met.
    pub required: Vec<coverage::RequiredResult>,
    pub today: jiff::civil::Date,
}

/// Which command the findings are for: `check` is the gate and holds every
/// rule at its level; `build` and `serve` publish a site whose reviews
/// have lapsed (flagged on its pages) rather than nothing, so for them
/// `review-overdue` is at most a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Check,
    Publish,
}

impl Report {
    pub fn errors(&self, deny_warnings: bool) -> usize {
        if deny_warnings {
            self.findings.len()
        } else {
            self.findings.error_count()
        }
    }
}

/// The findings of every rule, at the site's levels as `build` applies
/// them (what it stops on), without the coverage report.
pub fn findings(site: &Site) -> Diagnostics {
    findings_with(site, &documents::control(site))
}

/// [`findings`], with `control` the findings of the document-control rules
/// for each document (at their default levels), as [`documents::control`]
/// makes them.
pub fn findings_with(site: &Site, control: &[Vec<Diagnostic>]) -> Diagnostics {
    findings_for(site, control, Gate::Publish)
}

/// The findings of every rule at the levels of `gate`.
pub fn findings_for(site: &Site, control: &[Vec<Diagnostic>], gate: Gate) -> Diagnostics {
    let mut diags: Vec<Diagnostic> = site.diags.iter().cloned().collect();
    coverage::exclusion_findings(site, &mut diags);
    coverage::exclusion_scope(site, &mut diags);
    rules::check_rule_config(site, &mut diags);
    coverage::coverage_findings(site, &mut diags);
    coverage::required_documents(site, &mut diags);
    coverage::unknown_fulfils(site, &mut diags);
    coverage::heading_references(site, &mut diags);
    diags.extend(control.iter().flatten().cloned());
    links::links_to_unapproved(site, &mut diags);
    links::orphans(site, &mut diags);
    history::findings(site, &mut diags);

    // Apply the site's levels.
    let levels = &site.config.check.rules;
    let mut findings = Diagnostics::default();
    for mut d in diags {
        if let Some(rule) = d.rule.and_then(rules::find_rule)
            && rule.configurable
            && let Some(level) = levels.get(rule.id)
        {
            match level {
                RuleLevel::Allow => continue,
                RuleLevel::Warn => d.level = Level::Warning,
                RuleLevel::Deny => d.level = Level::Error,
            }
        }
        if gate == Gate::Publish && d.rule == Some("review-overdue") {
            d.level = Level::Warning;
        }
        findings.push(d);
    }
    findings.sort();
    findings
}

/// Run every rule over a loaded site, and read what a build reads besides
/// the site (templates, theme files), so that `check` passes only where
/// `build` can succeed.
pub fn run(site: &Site) -> Report {
    let mut findings = findings_for(site, &documents::control(site), Gate::Check);
    history::as_check(site, &mut findings);
    match crate::load::templates::load_templates(&site.root) {
        Ok((_, warnings)) => findings.extend(warnings),
        Err(ds) => findings.extend(ds),
    }
    let (_, unreadable) = crate::load::source::site_files(&site.root, "theme");
    findings.extend(unreadable);
    findings.sort();
    let coverage = site
        .trace
        .coverage
        .iter()
        .filter_map(|cov| {
            let cat = site.standards.catalog(&cov.standard)?;
            let clauses = cov
                .clauses
                .iter()
                .filter(|c| c.requirement)
                .map(|c| {
                    let subject = coverage::subject(&cov.standard, &c.number);
                    let about: Vec<&Diagnostic> = findings
                        .iter()
                        .filter(|d| d.subject.as_deref() == Some(subject.as_str()))
                        .collect();
                    ClauseResult {
                        clause: c.number.clone(),
                        title: cat.qualified_title(&c.number),
                        state: c.state,
                        documents: c
                            .direct
                            .iter()
                            .map(|a| {
                                let m = &site.docs[a.doc].meta;
                                ClauseDocument {
                                    id: m.id.clone(),
                                    title: m.title.clone(),
                                    status: m.status,
                                    level: a.level,
                                    section: a.section.clone(),
                                }
                            })
                            .collect(),
                        exclusion: c.exclusion.clone(),
                        exclusion_contested: c.exclusion_contested,
                        finding: about
                            .iter()
                            .map(|d| d.level)
                            .max_by_key(|l| *l == Level::Error),
                        rules: about.iter().filter_map(|d| d.rule).collect(),
                        messages: about.iter().map(|d| d.message.clone()).collect(),
                    }
                })
                .collect();
            Some(CoverageResult {
                standard: cov.standard.clone(),
                name: cat.display_name(),
                stats: cov.stats.clone(),
                clauses,
            })
        })
        .collect();
    let mut required = coverage::required_results(site);
    for r in &mut required {
        let subject = coverage::subject(&r.standard, &r.clause);
        r.finding = findings
            .iter()
            .filter(|d| d.rule == Some("required-document"))
            .filter(|d| d.subject.as_deref() == Some(subject.as_str()))
            .find(|d| d.message.contains(&r.name))
            .map(|d| d.level);
    }
    Report {
        findings,
        coverage,
        required,
        today: site.options.today,
    }
}
