//! The formats of `clausebook check`'s report: human, JSON, JUnit XML and
//! GitHub Actions annotations.

use std::fmt::Write as _;

use serde::Serialize;

use crate::base::diag::{Diagnostic, Level};
use crate::check::{CoverageResult, Report};

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
