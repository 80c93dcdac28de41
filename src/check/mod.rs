//! `clausebook check`: the CI gate. Every finding carries a stable rule id;
//! each rule has a default level that a site can change in the `[check]`
//! table of `clausebook.toml`. The same checks run before every build.

use std::fmt::Write as _;

use serde::Serialize;

use crate::base::diag::{Diagnostic, Diagnostics, Level};
use crate::load::config::{Config, RuleLevel};
use crate::load::content::{Document, Kind, Status};
use crate::resolve::Site;
use crate::resolve::trace::State;

/// A check rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub default: RuleLevel,
    /// Whether `[check]` may change its level (syntax errors, for example,
    /// always stop a build).
    pub configurable: bool,
    pub summary: &'static str,
}

const fn rule(id: &'static str, default: RuleLevel, summary: &'static str) -> Rule {
    Rule {
        id,
        default,
        configurable: true,
        summary,
    }
}

const fn fixed(id: &'static str, summary: &'static str) -> Rule {
    Rule {
        id,
        default: RuleLevel::Deny,
        configurable: false,
        summary,
    }
}

/// Every rule, in the order of the README's reference.
pub const RULES: &[Rule] = &[
    rule(
        "coverage",
        RuleLevel::Deny,
        "a requirement clause of a standard in scope has no approved document and is not excluded",
    ),
    rule(
        "partial-only",
        RuleLevel::Warn,
        "a requirement clause is addressed only at level partial",
    ),
    rule(
        "required-document",
        RuleLevel::Deny,
        "a document the standard asks for (quality manual, documented procedure, SMS policy, plan, catalogue, SLA) has no approved document of a fitting kind",
    ),
    rule(
        "unknown-clause",
        RuleLevel::Deny,
        "a clause reference names an unknown or ambiguous standard or clause",
    ),
    rule(
        "out-of-scope",
        RuleLevel::Warn,
        "a clause reference names a standard that is not in scope",
    ),
    rule(
        "duplicate-id",
        RuleLevel::Deny,
        "two documents share an id (or a page URL)",
    ),
    rule(
        "missing-field",
        RuleLevel::Deny,
        "a document lacks a front-matter field its kind requires",
    ),
    rule(
        "invalid-date",
        RuleLevel::Deny,
        "a date in the front-matter is not a valid YYYY-MM-DD date",
    ),
    rule(
        "broken-link",
        RuleLevel::Deny,
        "a link or `related` entry names a missing document, file or heading",
    ),
    rule(
        "link-to-unapproved",
        RuleLevel::Warn,
        "an approved document links to a draft, review or retired document",
    ),
    rule(
        "review-overdue",
        RuleLevel::Deny,
        "a document's review_by date has passed",
    ),
    rule(
        "review-due",
        RuleLevel::Warn,
        "a document's review is due within `review_due_days` (default 30)",
    ),
    rule(
        "approval-incomplete",
        RuleLevel::Deny,
        "an approved document has no approver or no effective date",
    ),
    rule(
        "orphan",
        RuleLevel::Warn,
        "a document addresses no clause and nothing links to it",
    ),
    rule(
        "unsafe-html",
        RuleLevel::Warn,
        "raw HTML or a link URL in a document could run script and was sanitized (see `[markdown] raw_html`)",
    ),
    rule(
        "unknown-key",
        RuleLevel::Warn,
        "the front-matter has a key Clausebook does not know (kept as `extra`)",
    ),
    rule(
        "symlink",
        RuleLevel::Warn,
        "a symbolic link below content/ leads outside the site's folder, nowhere, or into a loop, and is not followed",
    ),
    fixed(
        "exclusion",
        "an exclusion breaks its standard's rule, lacks a justification, or names an unknown clause",
    ),
    fixed(
        "document-id",
        "a document id is not a code of ASCII letters, digits, `-`, `_` and `.` of at most 100 characters, \
         or differs from another only in letter case (both would need the same page)",
    ),
    fixed(
        "front-matter",
        "the front-matter cannot be read or has a value of the wrong type",
    ),
    fixed(
        "config",
        "clausebook.toml names an unknown standard or rule",
    ),
    fixed(
        "standards",
        "a catalog or mapping under standards/ is invalid",
    ),
    fixed("template", "a template cannot be parsed or rendered"),
];

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Fields every document must have when `[check.required_fields]` says
/// nothing for its kind.
pub const DEFAULT_REQUIRED: &[&str] = &["owner", "version", "review_by"];

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
    let mut diags: Vec<Diagnostic> = site.diags.iter().cloned().collect();
    check_rule_config(site, &mut diags);
    coverage_findings(site, &mut diags);
    required_documents(site, &mut diags);
    diags.extend(site.document_findings.iter().cloned());
    links_to_unapproved(site, &mut diags);
    orphans(site, &mut diags);

    // Apply the site's levels.
    let levels = &site.config.check.rules;
    let mut findings = Diagnostics::default();
    for mut d in diags {
        if let Some(rule) = d.rule.and_then(find_rule)
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

/// A diagnostic located at a standard's entry in `standards` of
/// clausebook.toml.
fn at_standard(site: &Site, standard: &str, message: String) -> Diagnostic {
    site.config.error_at_item("standards", standard, message)
}

fn check_rule_config(site: &Site, diags: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = RULES
        .iter()
        .filter(|r| r.configurable)
        .map(|r| r.id)
        .collect();
    for key in site.config.check.rules.keys() {
        match find_rule(key) {
            Some(r) if r.configurable => {}
            Some(r) => diags.push(
                site.config
                    .error_at(
                        key,
                        format!("rule `{}` cannot be changed: it always stops a build", r.id),
                    )
                    .with_help(format!(
                        "remove `{key}` from [check]; fix the findings of this rule instead"
                    ))
                    .with_rule("config"),
            ),
            None => diags.push(
                site.config
                    .error_at(key, format!("unknown check rule `{key}`"))
                    .with_help(crate::base::text::suggest_from(key, &ids))
                    .with_rule("config"),
            ),
        }
    }
    let known: Vec<&str> = crate::load::content::KNOWN_KEYS.to_vec();
    for (kind, fields) in &site.config.check.required_fields {
        if kind != "default" && Kind::parse(kind).is_none() {
            let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            diags.push(
                site.config
                    .error_at(
                        kind,
                        format!("unknown kind `{kind}` in [check.required_fields]"),
                    )
                    .with_help(crate::base::text::suggest_from(kind, &kinds))
                    .with_rule("config"),
            );
        }
        for f in fields {
            if !known.contains(&f.as_str()) {
                diags.push(
                    site.config
                        .error_at(
                            &format!("\"{f}\""),
                            format!("unknown front-matter field `{f}` in [check.required_fields]"),
                        )
                        .with_help(crate::base::text::suggest_from(f, &known))
                        .with_rule("config"),
                );
            }
        }
    }
}

fn coverage_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
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

fn required_documents(site: &Site, diags: &mut Vec<Diagnostic>) {
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

/// The document-control rules (required fields, approval, review dates),
/// which read one document at a time: the load keeps their findings per
/// document ([`Site::document_findings`]).
pub(crate) struct DocumentRules<'a> {
    today: jiff::civil::Date,
    window: i64,
    /// Reviews after this date are not due yet (a date comparison is much
    /// cheaper than the span in days, which most documents do not need).
    due_by: Option<jiff::civil::Date>,
    no_overdue: bool,
    no_due: bool,
    required: &'a std::collections::BTreeMap<String, Vec<String>>,
}

impl<'a> DocumentRules<'a> {
    pub(crate) fn new(config: &'a Config, today: jiff::civil::Date) -> Self {
        let window = config.check.review_due_days as i64;
        DocumentRules {
            today,
            window,
            due_by: today.checked_add(jiff::Span::new().days(window)).ok(),
            no_overdue: allowed_by(config, "review-overdue"),
            no_due: allowed_by(config, "review-due"),
            required: &config.check.required_fields,
        }
    }

    /// The findings of the rules for one document.
    pub(crate) fn check(&self, doc: &Document) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let (today, window, due_by) = (self.today, self.window, self.due_by);
        let (no_overdue, no_due, required) = (self.no_overdue, self.no_due, self.required);
        let m = &doc.meta;
        // Required fields for the kind.
        let listed = required
            .get(m.kind.as_str())
            .or_else(|| required.get("default"));
        let fields: Box<dyn Iterator<Item = &str>> = match listed {
            Some(list) => Box::new(list.iter().map(String::as_str)),
            None => Box::new(DEFAULT_REQUIRED.iter().copied()),
        };
        for f in fields {
            // A field that is present but invalid has its own error.
            if !has_field(m, f) && !doc.spans.contains_key(f) {
                diags.push(
                    doc.error_at(doc.id_span, format!("`{}` has no `{f}`", m.id))
                        .with_help(format!(
                            "documents of kind {} must give `{f}` in their front-matter",
                            m.kind
                        ))
                        .with_rule("missing-field"),
                );
            }
        }
        // A field present but invalid has its own error already.
        let absent = |f: &str| !doc.spans.contains_key(f);
        let missing: Vec<&str> = [
            (m.approver.is_none() && absent("approver")).then_some("approver"),
            (m.effective.is_none() && absent("effective")).then_some("effective"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if m.status == Status::Approved && !missing.is_empty() {
            diags.push(
                doc.error_at(
                    doc.span_of("status"),
                    format!(
                        "`{}` is approved but has no {}",
                        m.id,
                        missing.join(" and no ")
                    ),
                )
                .with_help("an approved document names who approved it and the date it took effect")
                .with_rule("approval-incomplete"),
            );
        }
        if m.status != Status::Retired
            && let Some(review) = m.review_by
        {
            let span = doc.span_of("review_by");
            if review < today && !no_overdue {
                diags.push(
                    doc.error_at(
                        span,
                        format!("the review of `{}` was due on {review}", m.id),
                    )
                    .with_help(
                        "review the document, then raise its version and set a new review_by date",
                    )
                    .with_rule("review-overdue"),
                );
            } else if review >= today
                && !no_due
                && due_by.is_none_or(|d| review <= d)
                && let Ok(days) = today.until(review).map(|s| s.get_days() as i64)
                && days <= window
            {
                diags.push(
                doc.warning_at(span, format!("the review of `{}` is due on {review}, in {days} days", m.id))
                    .with_help(format!("plan the review; this warns {window} days ahead (`review_due_days` in [check])"))
                    .with_rule("review-due"),
            );
            }
        }
        diags
    }
}

fn has_field(m: &crate::load::content::Meta, f: &str) -> bool {
    match f {
        "id" | "title" | "kind" | "status" => true,
        "owner" => m.owner.is_some(),
        "approver" => m.approver.is_some(),
        "version" => m.version.is_some(),
        "effective" => m.effective.is_some(),
        "review_by" => m.review_by.is_some(),
        "clauses" => !m.clauses.is_empty(),
        "related" => !m.related.is_empty(),
        "tags" => !m.tags.is_empty(),
        "summary" => m.summary.is_some(),
        _ => true,
    }
}

/// Whether the site turned a rule off: its findings need not be made
/// (locating a finding in its file is not free, and some rules find one
/// per document).
fn allowed(site: &Site, rule: &str) -> bool {
    allowed_by(&site.config, rule)
}

fn allowed_by(config: &Config, rule: &str) -> bool {
    matches!(config.check.rules.get(rule), Some(RuleLevel::Allow))
        && find_rule(rule).is_some_and(|r| r.configurable)
}

fn links_to_unapproved(site: &Site, diags: &mut Vec<Diagnostic>) {
    if allowed(site, "link-to-unapproved") {
        return;
    }
    // One flag per document, contiguous: the edges are many.
    let approved: Vec<bool> = site
        .docs
        .iter()
        .map(|d| d.meta.status == Status::Approved)
        .collect();
    let unapproved = |i: usize| !approved[i];
    for e in &site.edges {
        if e.from != e.to && approved[e.from] && unapproved(e.to) {
            let t = &site.docs[e.to].meta;
            diags.push(
                site.docs[e.from]
                    .warning_at(e.span, format!("approved document links to {} `{}`", t.status, t.id))
                    .with_help("link to the approved document that replaces it, or approve the target first")
                    .with_rule("link-to-unapproved"),
            );
        }
    }
    for (from, doc) in site.docs.iter().enumerate() {
        // The resolved list says cheaply whether there is anything to
        // locate (a lookup per listed id is costly at 10,000 documents).
        if doc.meta.status != Status::Approved
            || !site.related[from]
                .iter()
                .any(|&to| to != from && unapproved(to))
        {
            continue;
        }
        for r in &doc.meta.related {
            if let Some(to) = site.doc_index(&r.id)
                && to != from
                && unapproved(to)
            {
                diags.push(
                    doc.warning_at(
                        r.span,
                        format!(
                            "approved document lists {} `{}` as related",
                            site.docs[to].meta.status, r.id
                        ),
                    )
                    .with_help("list the approved document that replaces it, or approve the related one first")
                    .with_rule("link-to-unapproved"),
                );
            }
        }
    }
}

fn orphans(site: &Site, diags: &mut Vec<Diagnostic>) {
    if allowed(site, "orphan") {
        return;
    }
    for (i, doc) in site.docs.iter().enumerate() {
        if doc.meta.status == Status::Retired
            || !site.clauses[i].is_empty()
            || !site.backlinks[i].is_empty()
        {
            continue;
        }
        diags.push(
            doc.warning_at(doc.id_span, format!("`{}` addresses no clause and no document links to it", doc.meta.id))
                .with_help("list the clauses it addresses in `clauses`, or link to it from the document that relies on it")
                .with_rule("orphan"),
        );
    }
}

// ------------------------------------------------------------ formats

/// Output formats of `clausebook check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    Github,
}

/// Human output: one block per finding, then a summary.
pub fn human(report: &Report, deny_warnings: bool, color: bool) -> String {
    let mut out = String::new();
    for d in report.findings.iter() {
        let mut d = d.clone();
        if deny_warnings {
            d.level = Level::Error;
        }
        out.push_str(&d.render(color));
        out.push_str("\n\n");
    }
    let errors = report.errors(deny_warnings);
    let warnings = report.findings.len() - errors;
    let _ = writeln!(
        out,
        "{}: {errors} error{}, {warnings} warning{}",
        if errors > 0 {
            "check failed"
        } else {
            "check passed"
        },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    for c in &report.coverage {
        let _ = writeln!(
            out,
            "  {}: {}/{} requirement clauses addressed ({} partial, {} derived only, {} planned, {} excluded, {} gaps), {}%",
            c.name,
            c.stats.full + c.stats.partial,
            c.stats.requirements - c.stats.excluded,
            c.stats.partial,
            c.stats.derived,
            c.stats.planned,
            c.stats.excluded,
            c.stats.gaps,
            c.stats.percent
        );
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    today: String,
    passed: bool,
    summary: JsonSummary,
    coverage: &'a [CoverageResult],
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    level: Level,
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

/// JSON output (schema `clausebook-check/1`, documented in README.md).
pub fn json(report: &Report, deny_warnings: bool) -> String {
    let errors = report.errors(deny_warnings);
    let r = JsonReport {
        schema: "clausebook-check/1",
        today: report.today.to_string(),
        passed: errors == 0,
        summary: JsonSummary {
            errors,
            warnings: report.findings.len() - errors,
        },
        coverage: &report.coverage,
        findings: report
            .findings
            .iter()
            .map(|d| JsonFinding {
                rule: d.rule.unwrap_or("content"),
                level: if deny_warnings { Level::Error } else { d.level },
                file: slash_path(&d.file),
                line: d.line,
                column: d.column,
                message: &d.message,
                help: d.help.as_deref(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&r).unwrap_or_default();
    s.push('\n');
    s
}

fn slash_path(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: a test case per requirement clause of each standard in scope
/// (passed when covered, skipped when excluded) and one per other finding.
pub fn junit(report: &Report, deny_warnings: bool) -> String {
    let mut suites = String::new();
    let mut total = 0;
    let mut total_fail = 0;
    for c in &report.coverage {
        let mut cases = String::new();
        let mut failures = 0;
        let mut skipped = 0;
        for cl in &c.clauses {
            let name = xml_escape(&format!("{} {}", cl.clause, cl.title));
            let class = xml_escape(&format!("coverage.{}", c.standard));
            let failing = match cl.finding {
                Some(Level::Error) => true,
                Some(Level::Warning) => deny_warnings,
                None => false,
            };
            if failing {
                failures += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><failure type=\"coverage\" message=\"{}\">{} {} is {}: no approved document addresses it</failure></testcase>",
                    xml_escape(&format!("no approved document ({})", cl.state.as_str())),
                    xml_escape(&c.name),
                    xml_escape(&cl.clause),
                    cl.state.as_str()
                );
            } else if let Some(j) = &cl.exclusion {
                skipped += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><skipped message=\"{}\"/></testcase>",
                    xml_escape(&format!("excluded: {j}"))
                );
            } else {
                let docs = if cl.documents.is_empty() {
                    cl.state.label().to_string()
                } else {
                    cl.documents.join(", ")
                };
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><system-out>{}</system-out></testcase>",
                    xml_escape(&docs)
                );
            }
        }
        total += c.clauses.len();
        total_fail += failures;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n",
            xml_escape(&format!("coverage of {}", c.name)),
            c.clauses.len()
        );
    }
    let others: Vec<&Diagnostic> = report
        .findings
        .iter()
        .filter(|d| d.rule != Some("coverage"))
        .collect();
    let mut cases = String::new();
    let mut failures = 0;
    for d in &others {
        let failing = d.is_error() || deny_warnings;
        let rule = d.rule.unwrap_or("content");
        let name = xml_escape(&format!("{} {}", d.location(), d.message));
        let body = xml_escape(&format!(
            "{}: {}{}",
            d.location(),
            d.message,
            d.help
                .as_deref()
                .map(|h| format!("\nhelp: {h}"))
                .unwrap_or_default()
        ));
        if failing {
            failures += 1;
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{rule}\" name=\"{name}\"><failure type=\"{rule}\" message=\"{}\">{body}</failure></testcase>",
                xml_escape(&d.message)
            );
        } else {
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{rule}\" name=\"{name}\"><system-out>warning: {body}</system-out></testcase>"
            );
        }
    }
    total += others.len();
    total_fail += failures;
    let _ = write!(
        suites,
        "  <testsuite name=\"findings\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
        others.len()
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"clausebook check\" tests=\"{total}\" failures=\"{total_fail}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one annotation per finding, then a
/// plain summary line.
pub fn github(report: &Report, deny_warnings: bool) -> String {
    let mut out = String::new();
    for d in report.findings.iter() {
        let kind = if d.is_error() || deny_warnings {
            "error"
        } else {
            "warning"
        };
        let mut props = format!("file={}", gh_escape_prop(&slash_path(&d.file)));
        if d.line > 0 {
            let _ = write!(props, ",line={}", d.line);
        }
        if d.column > 0 {
            let _ = write!(props, ",col={}", d.column);
        }
        let _ = write!(
            props,
            ",title={}",
            gh_escape_prop(&format!("clausebook {}", d.rule.unwrap_or("content")))
        );
        let msg = match &d.help {
            Some(h) => format!("{}\nhelp: {h}", d.message),
            None => d.message.clone(),
        };
        let _ = writeln!(out, "::{kind} {props}::{}", gh_escape_data(&msg));
    }
    let errors = report.errors(deny_warnings);
    let _ = writeln!(
        out,
        "clausebook check: {errors} error(s), {} warning(s)",
        report.findings.len() - errors
    );
    for c in &report.coverage {
        let _ = writeln!(
            out,
            "{}: {}% addressed, {} gaps",
            c.name,
            c.stats.percent,
            c.stats.gaps + c.stats.derived + c.stats.planned
        );
    }
    out
}
