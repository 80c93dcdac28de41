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
    /// Approved documents addressing the clause directly.
    pub documents: Vec<String>,
    pub exclusion: Option<String>,
    /// The level of the coverage finding on this clause, if any.
    pub finding: Option<Level>,
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
    pub today: jiff::civil::Date,
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

/// The findings of every rule, at the site's levels (what `build` stops
/// on), without the coverage report.
pub fn findings(site: &Site) -> Diagnostics {
    findings_with(site, &documents::control(site))
}

/// [`findings`], with `control` the findings of the document-control rules
/// for each document (at their default levels), as [`documents::control`]
/// makes them.
pub fn findings_with(site: &Site, control: &[Vec<Diagnostic>]) -> Diagnostics {
    let mut diags: Vec<Diagnostic> = site.diags.iter().cloned().collect();
    coverage::exclusion_findings(site, &mut diags);
    rules::check_rule_config(site, &mut diags);
    coverage::coverage_findings(site, &mut diags);
    coverage::required_documents(site, &mut diags);
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
        findings.push(d);
    }
    findings.sort();
    findings
}

/// Run every rule over a loaded site, and read what a build reads besides
/// the site (templates, theme files), so that `check` passes only where
/// `build` can succeed.
pub fn run(site: &Site) -> Report {
    let mut findings = findings(site);
    history::as_check(site, &mut findings);
    if let Err(ds) = crate::load::templates::load_templates(&site.root) {
        findings.extend(ds);
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
                .map(|c| ClauseResult {
                    clause: c.number.clone(),
                    title: cat.display_title(&c.number),
                    state: c.state,
                    documents: c
                        .direct
                        .iter()
                        .filter(|a| site.docs[a.doc].meta.status == Status::Approved)
                        .map(|a| site.docs[a.doc].meta.id.clone())
                        .collect(),
                    exclusion: c.exclusion.clone(),
                    finding: findings
                        .iter()
                        .filter(|d| d.rule == Some("coverage"))
                        .find(|d| {
                            d.subject.as_deref() == Some(&format!("{}/{}", cov.standard, c.number))
                        })
                        .map(|d| d.level),
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
    Report {
        findings,
        coverage,
        today: site.options.today,
    }
}
