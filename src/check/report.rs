//! The formats of `clausebook check`'s report: human, JSON, JUnit XML and
//! GitHub Actions annotations.

use std::fmt::Write as _;

use serde::Serialize;

use crate::base::diag::{Diagnostic, Level};
use crate::check::coverage::{Fulfilment, RequiredResult};
use crate::check::{CoverageResult, Report};
use crate::load::content::Status;
use crate::resolve::trace::State;

/// Output formats of `clausebook check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    Github,
}

/// The findings of a build as its terminal shows them: coverage findings,
/// one per clause, folded into one per standard and level (`clausebook
/// check` lists them); the others as they are. Used by `build` and `serve`.
pub fn folded(diags: &crate::base::diag::Diagnostics) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.rule != Some("coverage"))
        .cloned()
        .collect();
    for ((level, standard), n) in coverage_gaps(diags) {
        let mut d = Diagnostic::file(
            level,
            crate::load::config::CONFIG_FILE,
            format!(
                "{n} requirement clause{} of {standard} {} no approved document",
                if n == 1 { "" } else { "s" },
                if n == 1 { "has" } else { "have" }
            ),
        )
        .with_help("run `clausebook check` for the list and the candidate documents")
        .with_rule("coverage");
        d.line = 0;
        out.push(d);
    }
    out
}

/// The coverage findings (one per clause) counted per level and standard:
/// the lines [`folded`] makes of them.
pub fn coverage_gaps(
    diags: &crate::base::diag::Diagnostics,
) -> std::collections::BTreeMap<(Level, &str), usize> {
    let mut by_level = std::collections::BTreeMap::new();
    for d in diags.iter().filter(|d| d.rule == Some("coverage")) {
        // A clause's subject is `standard/clause`.
        let subject = d.subject.as_deref().unwrap_or_default();
        let standard = subject.rsplit_once('/').map_or(subject, |(s, _)| s);
        *by_level.entry((d.level, standard)).or_insert(0) += 1;
    }
    by_level
}

/// Human output: one block per finding, then a summary. `quiet`: the
/// findings at error level and the summary line only.
pub fn human(report: &Report, deny_warnings: bool, quiet: bool, color: bool) -> String {
    let mut out = String::new();
    for d in report.findings.iter() {
        let mut d = d.clone();
        if deny_warnings {
            d.level = Level::Error;
        }
        if quiet && !d.is_error() {
            continue;
        }
        out.push_str(&d.render(color));
        out.push_str("\n\n");
    }
    let errors = report.errors(deny_warnings);
    let warnings = report.findings.len() - errors;
    let _ = writeln!(
        out,
        "{}: {errors} error{}, {warnings} warning{}{}",
        if errors > 0 {
            "check failed"
        } else {
            "check passed"
        },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        if quiet && warnings > 0 {
            " (not shown: --quiet; run without it to see them)"
        } else {
            ""
        },
    );
    if quiet {
        return out;
    }
    for c in &report.coverage {
        let s = &c.stats;
        let _ = writeln!(
            out,
            "  {}: {}/{} requirement clauses addressed in full ({}%), {} with partial ({}%); {} derived only, {} planned, {} excluded, {} not applicable, {} gaps",
            c.name,
            s.full,
            s.requirements - s.excluded - s.not_applicable,
            s.percent_full,
            s.full + s.partial,
            s.percent,
            s.derived,
            s.planned,
            s.excluded,
            s.not_applicable,
            s.gaps,
        );
    }
    for r in report
        .required
        .iter()
        .filter(|r| r.status == Fulfilment::Inferred)
    {
        let _ = writeln!(
            out,
            "  inferred: {} ({} {}) is taken to be {} from kind, clause and title; say so with `fulfils = [\"{}\"]`",
            r.name,
            r.standard,
            r.clause,
            r.documents.join(", "),
            r.key
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
    required_documents: &'a [RequiredResult],
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
    /// `standard/clause` when the finding is about a clause.
    subject: Option<&'a str>,
}

/// JSON output (schema `clausebook-check/2`, documented in README.md).
pub fn json(report: &Report, deny_warnings: bool) -> String {
    let errors = report.errors(deny_warnings);
    let r = JsonReport {
        schema: "clausebook-check/2",
        today: report.today.to_string(),
        passed: errors == 0,
        summary: JsonSummary {
            errors,
            warnings: report.findings.len() - errors,
        },
        coverage: &report.coverage,
        required_documents: &report.required,
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
                subject: d.subject.as_deref(),
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
            let mut rules = cl.rules.clone();
            rules.dedup();
            if failing {
                failures += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><failure type=\"{}\" message=\"{}\">{}</failure></testcase>",
                    xml_escape(&rules.join(" ")),
                    xml_escape(&format!("{} ({})", rules.join(", "), cl.state.label())),
                    xml_escape(&cl.messages.join("\n"))
                );
            } else if cl.state.is_out_of_scope() {
                skipped += 1;
                let what = if cl.state == State::NotApplicable {
                    "not applicable"
                } else {
                    "excluded"
                };
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><skipped message=\"{}\"/></testcase>",
                    xml_escape(&format!(
                        "{what}: {}",
                        cl.exclusion.as_deref().unwrap_or_default()
                    ))
                );
            } else {
                let approved: Vec<&str> = cl
                    .documents
                    .iter()
                    .filter(|d| d.status == Status::Approved)
                    .map(|d| d.id.as_str())
                    .collect();
                let mut out = if approved.is_empty() {
                    cl.state.label().to_string()
                } else {
                    approved.join(", ")
                };
                for m in &cl.messages {
                    out.push_str(&format!("\nwarning: {m}"));
                }
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><system-out>{}</system-out></testcase>",
                    xml_escape(&out)
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
    // Findings about a clause with a test case of its own are reported
    // there.
    let cases: std::collections::HashSet<String> = report
        .coverage
        .iter()
        .flat_map(|c| {
            c.clauses
                .iter()
                .map(|cl| crate::check::coverage::subject(&c.standard, &cl.clause))
        })
        .collect();
    let others: Vec<&Diagnostic> = report
        .findings
        .iter()
        .filter(|d| d.subject.as_ref().is_none_or(|s| !cases.contains(s)))
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
            "{}: {}% addressed in full, {}% with partial, {} gaps",
            c.name,
            c.stats.percent_full,
            c.stats.percent,
            c.stats.gaps + c.stats.derived + c.stats.planned
        );
    }
    out
}
