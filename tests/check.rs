//! `clausebook check`: every rule on a fixture site of its own
//! (`tests/fixtures/check/<rule>/`), rule levels set in `[check]`, the four
//! output formats (snapshots of a mixed fixture, plus structural checks of
//! the JSON, JUnit XML and GitHub annotations), the example site, the CI
//! gate failing on a copy of it that loses a clause's last approved
//! document, and `build` running the same checks.
//!
//! Every run passes the fixed `--today` of `tests/common` (2026-11-23), so
//! review dates never depend on the calendar. Sites that a test changes
//! are copied to a temporary folder first; only `UPDATE_SNAPSHOTS=1`
//! writes into the repository.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The configurable rules, each with the fixture site that triggers it and
/// nothing else.
const RULE_FIXTURES: &[&str] = &[
    "coverage",
    "partial-only",
    "required-document",
    "unknown-clause",
    "out-of-scope",
    "duplicate-id",
    "missing-field",
    "invalid-date",
    "broken-link",
    "link-to-unapproved",
    "review-overdue",
    "review-due",
    "approval-incomplete",
    "orphan",
    "unknown-key",
];

// ------------------------------------------------------------ running

/// The JSON report of a check, validated (see [`validate_json`]).
#[track_caller]
fn check_json(root: &Path, extra: &[&str]) -> (Run, Value) {
    let run = check_cli(root, "json", extra);
    assert!(
        !run.stderr.contains("panicked"),
        "clausebook panicked:\n{}",
        run.stderr
    );
    let v: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json printed no JSON ({e}):\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        )
    });
    validate_json(&run, &v);
    (run, v)
}

/// A copy of a fixture site in a temporary folder, with `lines` added to
/// its `[check]` table.
fn with_check(name: &str, lines: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let root = copy_site(&check_fixture(name), tmp.path());
    add_check_rules(&root, lines);
    (tmp, root)
}

/// The 1-based line number of the first line of `root/file` that starts
/// with `start`.
fn line_of(root: &Path, file: &str, start: &str) -> usize {
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    text.lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with `{start}` in {file}"))
        + 1
}

// ------------------------------------------------------------ JSON

/// One finding of the JSON report.
#[derive(Debug, Clone)]
struct Finding {
    rule: String,
    level: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
    help: Option<String>,
}

impl Finding {
    fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

fn findings(v: &Value) -> Vec<Finding> {
    v["findings"]
        .as_array()
        .expect("`findings` is a list")
        .iter()
        .map(|f| Finding {
            rule: f["rule"].as_str().expect("a rule id").to_string(),
            level: f["level"].as_str().expect("a level").to_string(),
            file: f["file"].as_str().expect("a file").to_string(),
            line: f["line"].as_u64().expect("a line number"),
            column: f["column"].as_u64().expect("a column number"),
            message: f["message"].as_str().expect("a message").to_string(),
            help: f["help"].as_str().map(str::to_string),
        })
        .collect()
}

/// The sort key the README promises: file (by path component), line,
/// column.
fn order_key(f: &Finding) -> (Vec<String>, u64, u64) {
    (
        f.file.split('/').map(str::to_string).collect(),
        f.line,
        f.column,
    )
}

/// Checks every JSON report must pass: the schema id, the date, `passed`
/// consistent with the exit code, the summary consistent with the
/// findings, and the findings sorted by file, line and column.
#[track_caller]
fn validate_json(run: &Run, v: &Value) {
    assert_eq!(v["schema"], "clausebook-check/2", "{}", run.stdout);
    assert_eq!(v["today"], TODAY);
    let fs = findings(v);
    let errors = fs.iter().filter(|f| f.level == "error").count();
    let warnings = fs.iter().filter(|f| f.level == "warning").count();
    assert_eq!(errors + warnings, fs.len(), "levels are error or warning");
    assert_eq!(v["summary"]["errors"], errors, "summary.errors");
    assert_eq!(v["summary"]["warnings"], warnings, "summary.warnings");
    let passed = v["passed"].as_bool().expect("`passed` is a boolean");
    assert_eq!(passed, errors == 0, "`passed` and the error count");
    assert_eq!(
        run.code,
        Some(if passed { 0 } else { 1 }),
        "exit code and `passed`\n{}",
        run.stderr
    );
    for pair in fs.windows(2) {
        assert!(
            order_key(&pair[0]) <= order_key(&pair[1]),
            "findings out of order: {} before {}",
            pair[0].location(),
            pair[1].location()
        );
    }
    for f in &fs {
        assert!(!f.rule.is_empty() && !f.message.is_empty(), "{f:?}");
        assert!(!f.file.is_empty() && !f.file.contains('\\'), "{f:?}");
    }
    assert!(v["coverage"].is_array(), "`coverage` is a list");
}

/// An expected finding: rule, level, `file:line:column`, and a part of the
/// message.
type Expect<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Assert that the report's findings are exactly `expected`, in this order.
#[track_caller]
fn assert_findings(v: &Value, expected: &[Expect]) {
    let fs = findings(v);
    let shown = || {
        fs.iter()
            .map(|f| format!("  {} {} {} {}", f.rule, f.level, f.location(), f.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        fs.len(),
        expected.len(),
        "expected {} findings, got:\n{}",
        expected.len(),
        shown()
    );
    for (f, (rule, level, at, message)) in fs.iter().zip(expected) {
        assert!(
            f.rule == *rule
                && f.level == *level
                && f.location() == *at
                && f.message.contains(message),
            "expected {rule} {level} {at} `{message}`, got:\n{}",
            shown()
        );
    }
}

/// The help of each finding, in order.
fn helps(v: &Value) -> Vec<String> {
    findings(v)
        .into_iter()
        .map(|f| f.help.unwrap_or_default())
        .collect()
}

/// The coverage entry of one clause in the JSON report.
#[track_caller]
fn clause<'a>(v: &'a Value, standard: &str, number: &str) -> &'a Value {
    v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["standard"] == standard)
        .unwrap_or_else(|| panic!("no standard {standard} in the report"))["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == number)
        .unwrap_or_else(|| panic!("no clause {standard} {number} in the report"))
}

// ------------------------------------------------------------ human

/// Run the human format and assert that each expected finding is a block
/// naming its level and rule, its `file:line:column`, the offending source
/// line and a caret under the column; and that the summary counts them.
#[track_caller]
fn assert_human(root: &Path, expected: &[Expect], extra: &[&str]) -> Run {
    let run = check_cli(root, "human", extra);
    assert!(
        run.stdout.is_empty(),
        "human output goes to stderr:\n{}",
        run.stdout
    );
    let blocks: Vec<&str> = run
        .stderr
        .split("\n\n")
        .filter(|b| b.starts_with("error") || b.starts_with("warning"))
        .collect();
    assert_eq!(blocks.len(), expected.len(), "{}", run.stderr);
    for (rule, level, at, message) in expected {
        let head = format!("{level}: [{rule}] ");
        let block = blocks
            .iter()
            .find(|b| {
                b.starts_with(&head)
                    && b.lines().next().unwrap().contains(message)
                    && b.contains(&format!("--> {at}\n"))
            })
            .unwrap_or_else(|| panic!("no block `{head}…{message}` at {at} in:\n{}", run.stderr));
        let mut parts = at.rsplitn(3, ':');
        let col: usize = parts.next().unwrap().parse().unwrap();
        let line: usize = parts.next().unwrap().parse().unwrap();
        let file = parts.next().unwrap();
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let source = text.lines().nth(line - 1).unwrap();
        assert_located(block, file, line, col, source);
    }
    let errors = expected.iter().filter(|e| e.1 == "error").count();
    let warnings = expected.len() - errors;
    let summary = format!(
        "check {}: {errors} error{}, {warnings} warning{}",
        if errors > 0 { "failed" } else { "passed" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    assert!(
        run.stderr.contains(&summary),
        "no `{summary}` in:\n{}",
        run.stderr
    );
    run.assert_code(if errors > 0 { 1 } else { 0 });
    run
}

/// The findings of a fixture in JSON and human format, and its exit code.
#[track_caller]
fn assert_rule_fixture(name: &str, expected: &[Expect]) -> Value {
    let root = check_fixture(name);
    let (run, v) = check_json(&root, &[]);
    assert_findings(&v, expected);
    let code = if expected.iter().any(|e| e.1 == "error") {
        1
    } else {
        0
    };
    run.assert_code(code);
    assert_human(&root, expected, &[]);
    v
}

// ------------------------------------------------------------ XML

/// An element of a parsed XML document.
#[derive(Debug, Default)]
struct Xml {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Xml>,
    text: String,
}

impl Xml {
    #[track_caller]
    fn attr(&self, key: &str) -> &str {
        self.attrs
            .get(key)
            .unwrap_or_else(|| panic!("<{}> has no {key}=", self.name))
    }

    fn child(&self, name: &str) -> Option<&Xml> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all(&self, name: &str) -> Vec<&Xml> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// A small, strict parser of the XML that JUnit reports use: a declaration,
/// elements, attributes in quotes, text and the predefined and numeric
/// entities. Anything else, an unbalanced tag or a stray `<` or `&` is an
/// error.
struct XmlParser<'a> {
    s: &'a str,
    i: usize,
}

impl XmlParser<'_> {
    fn parse(s: &str) -> Result<Xml, String> {
        let mut p = XmlParser { s, i: 0 };
        if p.rest().starts_with("<?xml") {
            let end = p.rest().find("?>").ok_or("unclosed XML declaration")?;
            p.i += end + 2;
        }
        p.skip_ws();
        let root = p.element()?;
        p.skip_ws();
        if p.i != s.len() {
            return Err(p.err("content after the root element"));
        }
        Ok(root)
    }

    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn err(&self, what: &str) -> String {
        let end = (self.i + 40).min(self.s.len());
        let end = (end..=self.s.len())
            .find(|&e| self.s.is_char_boundary(e))
            .unwrap();
        format!("{what} at byte {}: `{}`", self.i, &self.s[self.i..end])
    }

    fn skip_ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.i += n;
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.i += token.len();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || "_:.-".contains(c)))
            .unwrap_or(self.rest().len());
        let name = self.rest()[..len].to_string();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Err(self.err("expected a name"));
        }
        self.i += len;
        Ok(name)
    }

    fn element(&mut self) -> Result<Xml, String> {
        if !self.eat("<") {
            return Err(self.err("expected `<`"));
        }
        let mut el = Xml {
            name: self.name()?,
            ..Xml::default()
        };
        loop {
            let before = self.i;
            self.skip_ws();
            if self.eat("/>") {
                return Ok(el);
            }
            if self.eat(">") {
                break;
            }
            if self.i == before {
                return Err(self.err("expected whitespace before an attribute"));
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.eat("=") {
                return Err(self.err("expected `=`"));
            }
            self.skip_ws();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.err("expected a quoted value")),
            };
            self.i += 1;
            let len = self
                .rest()
                .find(quote)
                .ok_or_else(|| self.err("unclosed attribute value"))?;
            let raw = &self.rest()[..len];
            if raw.contains('<') {
                return Err(self.err("`<` in an attribute value"));
            }
            let value = decode_xml(raw).map_err(|e| self.err(&e))?;
            self.i += len + 1;
            if el.attrs.insert(key.clone(), value).is_some() {
                return Err(self.err(&format!("attribute {key} given twice")));
            }
        }
        loop {
            let len = self
                .rest()
                .find('<')
                .ok_or_else(|| self.err(&format!("<{}> is never closed", el.name)))?;
            let raw = &self.rest()[..len];
            el.text
                .push_str(&decode_xml(raw).map_err(|e| self.err(&e))?);
            self.i += len;
            if self.eat("</") {
                let name = self.name()?;
                if name != el.name {
                    return Err(self.err(&format!("</{name}> closes <{}>", el.name)));
                }
                self.skip_ws();
                if !self.eat(">") {
                    return Err(self.err("expected `>`"));
                }
                return Ok(el);
            }
            el.children.push(self.element()?);
        }
    }
}

/// Decode entities of XML text; an unknown entity, a bare `&` or a control
/// character is an error.
fn decode_xml(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(|c: char| c == '&' || (c < ' ' && !"\t\n\r".contains(c))) {
        out.push_str(&rest[..i]);
        if !rest[i..].starts_with('&') {
            return Err(format!("control character {:?}", &rest[i..=i]));
        }
        let end = rest[i..]
            .find(';')
            .ok_or_else(|| format!("bare `&` in `{raw}`"))?;
        let entity = &rest[i + 1..i + end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity `&{entity};`"))?
            }
        };
        out.push(c);
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[track_caller]
fn parse_junit(text: &str) -> Xml {
    let root = XmlParser::parse(text)
        .unwrap_or_else(|e| panic!("the JUnit report is not well-formed XML: {e}\n{text}"));
    assert_eq!(root.name, "testsuites");
    root
}

/// Assert that a JUnit report is well-formed and matches the JSON report of
/// the same run: a suite per standard in scope with a test case per
/// requirement clause (failed exactly when the coverage rule reports it at
/// error level, skipped when excluded), then a suite with a test case per
/// other finding (failed exactly on error-level findings); the counts of
/// every suite right.
#[track_caller]
fn assert_junit_matches(junit: &str, json: &Value) {
    let root = parse_junit(junit);
    let suites = root.all("testsuite");
    let coverage = json["coverage"].as_array().unwrap();
    assert_eq!(
        suites.len(),
        coverage.len() + 1,
        "a suite per standard, then the findings"
    );
    let (mut total, mut total_failures) = (0, 0);
    for (suite, std) in suites.iter().zip(coverage) {
        let name = std["name"].as_str().unwrap();
        assert_eq!(suite.attr("name"), format!("coverage of {name}"));
        let cases = suite.all("testcase");
        let clauses = std["clauses"].as_array().unwrap();
        assert_eq!(cases.len(), clauses.len(), "a case per clause of {name}");
        assert_eq!(
            std["requirements"].as_u64().unwrap() as usize,
            clauses.len(),
            "the report lists the requirement clauses of {name}"
        );
        let (mut failures, mut skipped) = (0, 0);
        for (case, c) in cases.iter().zip(clauses) {
            let number = c["clause"].as_str().unwrap();
            assert_eq!(
                case.attr("name"),
                format!("{number} {}", c["title"].as_str().unwrap())
            );
            assert_eq!(
                case.attr("classname"),
                format!("coverage.{}", std["standard"].as_str().unwrap())
            );
            let failing = c["finding"] == "error";
            let failure = case.child("failure");
            assert_eq!(
                failure.is_some(),
                failing,
                "{name} {number}: <failure> exactly when the clause has an error finding"
            );
            if let Some(f) = failure {
                let mut rules: Vec<&str> = c["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect();
                rules.dedup();
                assert_eq!(f.attr("type"), rules.join(" "));
                assert!(f.text.contains(number), "{}", f.text);
                failures += 1;
            }
            let state = c["state"].as_str().unwrap();
            let excluded = !failing && (state == "excluded" || state == "not-applicable");
            let skip = case.child("skipped");
            assert_eq!(skip.is_some(), excluded, "{name} {number}: <skipped>");
            if let Some(s) = skip {
                let what = if state == "excluded" {
                    "excluded"
                } else {
                    "not applicable"
                };
                assert_eq!(
                    s.attr("message"),
                    format!("{what}: {}", c["exclusion"].as_str().unwrap())
                );
                skipped += 1;
            }
        }
        assert_eq!(suite.attr("tests"), cases.len().to_string());
        assert_eq!(suite.attr("failures"), failures.to_string());
        assert_eq!(suite.attr("skipped"), skipped.to_string());
        total += cases.len();
        total_failures += failures;
    }
    // A finding about a clause with a test case is reported in that case.
    let case_subjects: BTreeSet<String> = coverage
        .iter()
        .flat_map(|std| {
            std["clauses"].as_array().unwrap().iter().map(|c| {
                format!(
                    "{}/{}",
                    std["standard"].as_str().unwrap(),
                    c["clause"].as_str().unwrap()
                )
            })
        })
        .collect();
    let subjects: Vec<Option<String>> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["subject"].as_str().map(str::to_string))
        .collect();
    let others: Vec<Finding> = findings(json)
        .into_iter()
        .zip(subjects)
        .filter(|(_, s)| s.as_ref().is_none_or(|s| !case_subjects.contains(s)))
        .map(|(f, _)| f)
        .collect();
    let suite = suites.last().unwrap();
    assert_eq!(suite.attr("name"), "findings");
    let cases = suite.all("testcase");
    assert_eq!(cases.len(), others.len(), "a case per other finding");
    let mut failures = 0;
    for (case, f) in cases.iter().zip(&others) {
        assert_eq!(case.attr("classname"), f.rule);
        assert_eq!(case.attr("name"), format!("{} {}", f.location(), f.message));
        let failure = case.child("failure");
        assert_eq!(failure.is_some(), f.level == "error", "{f:?}");
        if let Some(x) = failure {
            assert_eq!(x.attr("type"), f.rule);
            assert_eq!(x.attr("message"), f.message);
            assert!(x.text.starts_with(&f.location()), "{}", x.text);
            failures += 1;
        }
    }
    assert_eq!(suite.attr("tests"), cases.len().to_string());
    assert_eq!(suite.attr("failures"), failures.to_string());
    total += cases.len();
    total_failures += failures;
    assert_eq!(root.attr("tests"), total.to_string());
    assert_eq!(root.attr("failures"), total_failures.to_string());
}

/// The coverage test cases of a JUnit report: `standard/clause` → whether
/// it has a `<failure>`.
fn junit_clause_failures(root: &Xml) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for suite in root.all("testsuite") {
        for case in suite.all("testcase") {
            if let Some(std) = case.attr("classname").strip_prefix("coverage.") {
                let number = case.attr("name").split(' ').next().unwrap();
                out.insert(format!("{std}/{number}"), case.child("failure").is_some());
            }
        }
    }
    out
}

// ------------------------------------------------------------ GitHub

/// One `::kind props::message` workflow command, unescaped.
#[derive(Debug)]
struct Annotation {
    kind: String,
    props: BTreeMap<String, String>,
    raw_props: String,
    message: String,
}

fn gh_unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// The annotations of a GitHub report; each line must be well-formed: the
/// properties hold no raw `:` or `,` and every property is `key=value`.
#[track_caller]
fn parse_github(out: &str) -> Vec<Annotation> {
    out.lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| {
            let body = &l[2..];
            let (head, data) = body
                .split_once("::")
                .unwrap_or_else(|| panic!("no `::` before the message: {l}"));
            let (kind, props) = head.split_once(' ').unwrap_or((head, ""));
            assert!(!props.contains(':'), "raw `:` in the properties: {l}");
            let props_map = props
                .split(',')
                .map(|p| {
                    let (k, v) = p
                        .split_once('=')
                        .unwrap_or_else(|| panic!("property without `=` (`{p}`): {l}"));
                    (k.to_string(), gh_unescape(v))
                })
                .collect();
            assert!(!data.contains('\r'), "raw CR in the message: {l}");
            Annotation {
                kind: kind.to_string(),
                props: props_map,
                raw_props: props.to_string(),
                message: gh_unescape(data),
            }
        })
        .collect()
}

/// Assert that the GitHub annotations are the JSON report's findings, in
/// order, with their level, file, line, column, rule and message.
#[track_caller]
fn assert_github_matches(out: &str, json: &Value) {
    let ann = parse_github(out);
    let fs = findings(json);
    assert_eq!(ann.len(), fs.len(), "an annotation per finding:\n{out}");
    for (a, f) in ann.iter().zip(&fs) {
        assert_eq!(a.kind, f.level, "{a:?}");
        assert_eq!(a.props["file"], f.file);
        assert_eq!(a.props["line"], f.line.to_string());
        assert_eq!(a.props["col"], f.column.to_string());
        assert_eq!(a.props["title"], format!("clausebook {}", f.rule));
        let expected = match &f.help {
            Some(h) => format!("{}\nhelp: {h}", f.message),
            None => f.message.clone(),
        };
        assert_eq!(a.message, expected);
    }
    let errors = fs.iter().filter(|f| f.level == "error").count();
    let summary = format!(
        "clausebook check: {errors} error(s), {} warning(s)",
        fs.len() - errors
    );
    assert!(out.contains(&summary), "no `{summary}` in:\n{out}");
}

// ================================================================ rules

#[test]
fn coverage_reports_each_uncovered_requirement_clause() {
    // 1.2 (addressed by a draft only) and 1.3 (by nothing) fail, located at the standard's entry in clausebook.toml; 1.1 passes.
    let v = assert_rule_fixture(
        "coverage",
        &[
            (
                "coverage",
                "error",
                "clausebook.toml:3:14",
                "Tiny:1 1.2 Planned has no approved document; only PLN-1 (draft) addresses it",
            ),
            (
                "coverage",
                "error",
                "clausebook.toml:3:14",
                "Tiny:1 1.3 Gap has no approved document",
            ),
        ],
    );
    assert!(helps(&v)[1].contains("\"tiny:1/1.3\""), "{:?}", helps(&v));
    assert_eq!(clause(&v, "tiny:1", "1.1")["state"], "full");
    assert_eq!(clause(&v, "tiny:1", "1.1")["documents"][0]["id"], "POL-1");
    assert_eq!(clause(&v, "tiny:1", "1.1")["finding"], Value::Null);
    assert_eq!(clause(&v, "tiny:1", "1.2")["state"], "planned");
    assert_eq!(clause(&v, "tiny:1", "1.2")["finding"], "error");
    assert_eq!(clause(&v, "tiny:1", "1.3")["state"], "gap");
    assert_eq!(clause(&v, "tiny:1", "1.3")["finding"], "error");
}

#[test]
fn coverage_levels_reach_the_junit_report() {
    // coverage = "warn" keeps the clauses green in JUnit and exits 0; --deny-warnings turns them red again; "allow" drops the findings.
    let (_t, root) = with_check("coverage", &["coverage = \"warn\""]);
    let (run, v) = check_json(&root, &[]);
    run.assert_code(0);
    assert!(findings(&v).iter().all(|f| f.level == "warning"));
    assert_eq!(findings(&v).len(), 2);
    assert_eq!(clause(&v, "tiny:1", "1.3")["finding"], "warning");
    let junit = check_cli(&root, "junit", &[]);
    junit.assert_code(0);
    assert_junit_matches(&junit.stdout, &v);
    assert!(!junit.stdout.contains("<failure"), "{}", junit.stdout);

    let (run, v) = check_json(&root, &["--deny-warnings"]);
    run.assert_code(1);
    let junit = check_cli(&root, "junit", &["--deny-warnings"]);
    junit.assert_code(1);
    let failing = junit_clause_failures(&parse_junit(&junit.stdout));
    assert_eq!(
        failing,
        BTreeMap::from([
            ("tiny:1/1.1".to_string(), false),
            ("tiny:1/1.2".to_string(), true),
            ("tiny:1/1.3".to_string(), true),
        ])
    );
    assert_eq!(v["summary"]["errors"], 2);

    let (_t, root) = with_check("coverage", &["coverage = \"allow\""]);
    let (run, v) = check_json(&root, &["--deny-warnings"]);
    run.assert_code(0);
    assert_findings(&v, &[]);
    assert_eq!(clause(&v, "tiny:1", "1.3")["state"], "gap");
    assert_eq!(clause(&v, "tiny:1", "1.3")["finding"], Value::Null);
    let junit = check_cli(&root, "junit", &[]);
    junit.assert_code(0);
    assert_junit_matches(&junit.stdout, &v);
}

#[test]
fn partial_only_warns_at_the_partial_reference() {
    // The only approved document addresses 1.1 at level partial: a warning at that reference, exit 0.
    let v = assert_rule_fixture(
        "partial-only",
        &[(
            "partial-only",
            "warning",
            "content/policy.md:12:12",
            "Tiny:1 1.1 Policy is addressed only partially, by POL-1",
        )],
    );
    assert_eq!(clause(&v, "tiny:1", "1.1")["state"], "partial");
    // The finding concerns the clause: its entry says so.
    assert_eq!(clause(&v, "tiny:1", "1.1")["finding"], "warning");
    assert_eq!(clause(&v, "tiny:1", "1.1")["rules"][0], "partial-only");
}

#[test]
fn a_denied_partial_only_fails_the_clause_in_every_report() {
    // With partial-only = "deny" the run fails, and so do the clause's JUnit case and JSON entry.
    let (_t, root) = with_check("partial-only", &["partial-only = \"deny\""]);
    let (run, v) = check_json(&root, &[]);
    run.assert_code(1);
    let c = clause(&v, "tiny:1", "1.1");
    assert_eq!(c["finding"], "error");
    assert_eq!(c["rules"][0], "partial-only");
    // The clause's documents are those of the coverage export: every
    // document addressing it, with status and level.
    assert_eq!(c["documents"][0]["id"], "POL-1");
    assert_eq!(c["documents"][0]["status"], "approved");
    assert_eq!(c["documents"][0]["level"], "partial");
    let junit = check_cli(&root, "junit", &[]);
    junit.assert_code(1);
    assert_junit_matches(&junit.stdout, &v);
    let failing = junit_clause_failures(&parse_junit(&junit.stdout));
    assert_eq!(failing.get("tiny:1/1.1"), Some(&true), "{}", junit.stdout);
}

#[test]
fn required_document_needs_an_approved_document_of_a_fitting_kind() {
    // The catalog asks for a policy on 1.1; an approved procedure and a draft policy do not do.
    let v = assert_rule_fixture(
        "required-document",
        &[(
            "required-document",
            "error",
            "clausebook.toml:4:14",
            "Tiny:1 requires documented information: Policy document (1.1 Policy); no approved document is it",
        )],
    );
    let help = &helps(&v)[0];
    assert!(
        help.contains("POL-1 (policy, draft)") && help.contains("PRO-1 (procedure, approved)"),
        "{help}"
    );
    assert_eq!(clause(&v, "tiny:1", "1.1")["state"], "full");
}

#[test]
fn required_documents_of_the_builtin_catalogs() {
    // Every document the 2011 and 2008 catalogs name is checked; the site has approved ones for 4.1.2 and 4.2.3 only (8.2.2 is a draft), inferred from their kind.
    let (run, v) = check_json(&check_fixture("required-document-builtin"), &[]);
    run.assert_code(1);
    for f in findings(&v) {
        assert_eq!(f.rule, "required-document", "{f:?}");
        assert_eq!(f.level, "error");
        assert_eq!(f.file, "clausebook.toml");
        assert_eq!(f.line, 6, "{f:?}");
        let col = if f.message.starts_with("ISO/IEC 20000-1:2011 ") {
            14
        } else {
            assert!(f.message.starts_with("ISO 9001:2008 "), "{f:?}");
            33
        };
        assert_eq!(f.column, col, "located at the standard's entry: {f:?}");
    }
    let by_status = |status: &str| -> BTreeSet<String> {
        v["required_documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == status)
            .map(|r| {
                format!(
                    "{}/{}",
                    r["standard"].as_str().unwrap(),
                    r["key"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        by_status("inferred"),
        BTreeSet::from([
            "iso20000-1:2011/service-management-policy".to_string(),
            "iso9001:2008/procedure-control-of-documents".to_string(),
        ])
    );
    assert!(by_status("declared").is_empty());
    let missing = by_status("missing");
    assert_eq!(missing.len(), 10 + 7 - 2, "{missing:?}");
    assert_eq!(findings(&v).len(), missing.len());
    assert!(missing.contains("iso20000-1:2011/service-level-agreement"));
    assert!(missing.contains("iso20000-1:2011/release-policy"));
    assert!(
        findings(&v)
            .iter()
            .any(|f| f.message.contains("Quality manual (4.2.2")),
        "the quality manual is named"
    );
}

#[test]
fn a_document_says_which_required_document_it_is() {
    // `fulfils` declares a required document whatever the kind; an OLA is never taken for an SLA; an unknown key is an error with a did-you-mean.
    let tmp = tempdir();
    let doc = |id: &str, title: &str, kind: &str, clause: &str, fulfils: &str| {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"{title}\"\nkind = \"{kind}\"\nowner = \"O\"\napprover = \"A\"\n\
             version = \"1\"\nstatus = \"approved\"\neffective = 2026-01-01\nreview_by = 2027-06-01\n\
             clauses = [\"iso20000-1:2011/{clause}\"]\n{fulfils}+++\n\nText.\n"
        )
    };
    let ola = doc(
        "OLA-1",
        "Operational Level Agreement: Network",
        "agreement",
        "6.1",
        "",
    );
    let sla = doc(
        "AGR-9",
        "Hosting terms for Wyvern",
        "other",
        "6.1",
        "fulfils = [\"service-level-agreement\"]\n",
    );
    let typo = doc(
        "POL-9",
        "Change policy",
        "policy",
        "9.2",
        "fulfils = [\"change-managment-policy\"]\n",
    );
    let root = write_site(
        tmp.path(),
        "title = \"T\"\nstandards = [\"iso20000-1:2011\"]\n[check]\ncoverage = \"allow\"\n",
        &[("ola.md", &ola), ("sla.md", &sla), ("pol.md", &typo)],
    );
    let (run, v) = check_json(&root, &[]);
    run.assert_code(1);
    let entry = |key: &str| {
        v["required_documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap()
            .clone()
    };
    // Declared by a document of kind "other": taken at its word.
    assert_eq!(entry("service-level-agreement")["status"], "declared");
    assert_eq!(entry("service-level-agreement")["documents"][0], "AGR-9");
    // The OLA is of a fitting kind and addresses 6.1, but is no SLA and no catalogue.
    assert_eq!(entry("service-catalogue")["status"], "missing");
    let typo_finding = findings(&v)
        .into_iter()
        .find(|f| f.rule == "unknown-fulfils")
        .expect("an unknown-fulfils finding");
    assert_eq!(typo_finding.level, "error");
    assert_eq!(typo_finding.file, "content/pol.md");
    assert_eq!(typo_finding.line, 12);
    assert!(
        typo_finding
            .help
            .unwrap()
            .starts_with("did you mean `change-management-policy`?"),
    );
    // The policy with the misspelt key is not inferred to be the change
    // management policy either.
    assert_eq!(entry("change-management-policy")["status"], "missing");
}

#[test]
fn unknown_clause_unknown_standard_and_ambiguous_references() {
    // An unknown standard, an unknown clause and a name shared by two catalogs in scope are errors at the reference, each with a suggestion.
    let v = assert_rule_fixture(
        "unknown-clause",
        &[
            (
                "unknown-clause",
                "error",
                "content/policy.md:14:4",
                "unknown standard `tinyy:1`",
            ),
            (
                "unknown-clause",
                "error",
                "content/policy.md:15:4",
                "`tiny:1` has no clause `1.9`",
            ),
            (
                "unknown-clause",
                "error",
                "content/policy.md:16:4",
                "`Tiny` may mean several standards: tiny:1, tiny:2",
            ),
        ],
    );
    assert_eq!(
        helps(&v),
        [
            "did you mean `tiny:1/1.1`?",
            "did you mean `tiny:1/1.1`?",
            "write one of `tiny:1`, `tiny:2`",
        ]
    );
}

#[test]
fn out_of_scope_warns_and_scope_settles_a_shared_name() {
    // A reference to tiny:2, not in scope, warns (exit 0); "Tiny 1.1" means tiny:1, the only edition in scope, and covers it.
    let v = assert_rule_fixture(
        "out-of-scope",
        &[(
            "out-of-scope",
            "warning",
            "content/policy.md:11:25",
            "`tiny:2/1.1` refers to tiny:2, which is not in scope",
        )],
    );
    assert_eq!(clause(&v, "tiny:1", "1.1")["documents"][0]["id"], "POL-1");
    assert_eq!(
        v["coverage"].as_array().unwrap().len(),
        1,
        "tiny:2 is not reported"
    );
}

#[test]
fn duplicate_ids_and_ids_sharing_a_page() {
    // a.md and b.md share POL-1, and c.md's pol-1 would overwrite its page: both are errors at the first file's id, naming the others.
    assert_rule_fixture(
        "duplicate-id",
        &[
            (
                "duplicate-id",
                "error",
                "content/a.md:2:6",
                "document ids `POL-1` and `pol-1` in content/c.md would share the page documents/pol-1/",
            ),
            (
                "duplicate-id",
                "error",
                "content/a.md:2:6",
                "duplicate document id `POL-1`, also used in content/b.md:2:6",
            ),
        ],
    );
}

#[test]
fn missing_fields_of_the_default_list() {
    // Without [check.required_fields], every document needs owner, version and review_by.
    let v = assert_rule_fixture(
        "missing-field",
        &[
            (
                "missing-field",
                "error",
                "content/policy.md:2:6",
                "`POL-1` has no `owner`",
            ),
            (
                "missing-field",
                "error",
                "content/policy.md:2:6",
                "`POL-1` has no `review_by`",
            ),
            (
                "missing-field",
                "error",
                "content/policy.md:2:6",
                "`POL-1` has no `version`",
            ),
        ],
    );
    assert!(helps(&v)[0].contains("kind policy"), "{:?}", helps(&v));
}

#[test]
fn missing_fields_of_a_list_per_kind() {
    // [check.required_fields]: procedures need owner and summary only, other kinds (`default`) a version only.
    assert_rule_fixture(
        "missing-field-per-kind",
        &[
            (
                "missing-field",
                "error",
                "content/policy.md:2:6",
                "`POL-1` has no `version`",
            ),
            (
                "missing-field",
                "error",
                "content/procedure.md:2:6",
                "`PRO-1` has no `summary`",
            ),
        ],
    );
}

#[test]
fn invalid_dates_are_errors_at_the_value() {
    // A month 13 in YAML and a number in TOML, both in `effective`: errors at the value, and no follow-on broken links from PLN-2, which links to both.
    let v = assert_rule_fixture(
        "invalid-date",
        &[
            (
                "invalid-date",
                "error",
                "content/plan-3.md:8:13",
                "`effective` must be a date, found a number",
            ),
            (
                "invalid-date",
                "error",
                "content/plan.md:8:12",
                "invalid date `2026-13-01` in `effective`",
            ),
        ],
    );
    assert!(
        helps(&v).iter().all(|h| h.contains("YYYY-MM-DD")),
        "{:?}",
        helps(&v)
    );
}

#[test]
fn an_invalid_effective_date_is_reported_once() {
    // The clean policy with `effective = "2026-02-30"` has one finding, the invalid date, not also "approved but has no effective".
    let tmp = tempdir();
    let root = copy_site(&check_fixture("clean"), tmp.path());
    replace(
        &root.join("content/policy.md"),
        "effective = 2026-01-05",
        "effective = \"2026-02-30\"",
    );
    let (run, v) = check_json(&root, &[]);
    run.assert_code(1);
    assert_findings(
        &v,
        &[(
            "invalid-date",
            "error",
            "content/policy.md:9:13",
            "invalid date `2026-02-30` in `effective`",
        )],
    );
}

#[test]
fn broken_links_to_documents_files_headings_and_related_ids() {
    // An unknown id, a missing heading of another document and of the page itself, a missing file, an unknown `related` id and a clause section that is no heading.
    let v = assert_rule_fixture(
        "broken-link",
        &[
            (
                "broken-link",
                "error",
                "content/policy.md:12:22",
                "`related` names an unknown document `PRO-9`",
            ),
            (
                "broken-link",
                "error",
                "content/policy.md:17:11",
                "link to an unknown document id `PRO-7`",
            ),
            (
                "broken-link",
                "error",
                "content/policy.md:18:11",
                "link to a missing heading `#stpes` in `PRO-1`",
            ),
            (
                "broken-link",
                "error",
                "content/policy.md:19:11",
                "link to a missing file: content/forms/missing.md",
            ),
            (
                "broken-link",
                "error",
                "content/policy.md:20:15",
                "link to a missing heading `#scop` in this document",
            ),
            (
                "broken-link",
                "error",
                "content/procedures/procedure.md:11:21",
                "`section = \"stepz\"` is not a heading of this document",
            ),
        ],
    );
    let h = helps(&v);
    assert_eq!(h[1], "did you mean `PRO-1`?");
    assert_eq!(h[2], "did you mean `#steps`?");
    assert_eq!(h[4], "did you mean `#scope`?");
    assert_eq!(h[5], "did you mean `#steps`?");
}

#[test]
fn approved_documents_linking_to_unapproved_ones_warn() {
    // The approved policy links to a draft and lists a retired document as related: two warnings, exit 0; the draft's link back is fine.
    assert_rule_fixture(
        "link-to-unapproved",
        &[
            (
                "link-to-unapproved",
                "warning",
                "content/policy.md:12:13",
                "approved document lists retired `OLD-1` as related",
            ),
            (
                "link-to-unapproved",
                "warning",
                "content/policy.md:15:9",
                "approved document links to draft `PRO-1`",
            ),
        ],
    );
}

#[test]
fn review_overdue_is_an_error_at_review_by() {
    // review_by the day before --today is an error; a retired document's past date is not checked.
    assert_rule_fixture(
        "review-overdue",
        &[(
            "review-overdue",
            "error",
            "content/rev-past.md:10:13",
            "the review of `REV-PAST` was due on 2026-11-22",
        )],
    );
}

#[test]
fn review_due_warns_within_the_window() {
    // The default window is 30 days, both ends included: due today, in 20 and in 30 days warn; 31 and 40 days do not.
    assert_rule_fixture(
        "review-due",
        &[
            (
                "review-due",
                "warning",
                "content/rev-20.md:10:13",
                "the review of `REV-20` is due on 2026-12-13, in 20 days",
            ),
            (
                "review-due",
                "warning",
                "content/rev-30.md:10:13",
                "the review of `REV-30` is due on 2026-12-23, in 30 days",
            ),
            (
                "review-due",
                "warning",
                "content/rev-today.md:10:13",
                "the review of `REV-TODAY` is due on 2026-11-23, in 0 days",
            ),
        ],
    );
}

#[test]
fn review_due_days_changes_the_window() {
    // review_due_days = 45 adds the reviews in 31 and 40 days; 10 keeps only today's; 0 still warns on the day itself.
    let (_t, root) = with_check("review-due", &["review_due_days = 45"]);
    let (run, v) = check_json(&root, &[]);
    run.assert_code(0);
    let files: Vec<String> = findings(&v)
        .iter()
        .map(|f| {
            assert_eq!(f.rule, "review-due");
            f.file.clone()
        })
        .collect();
    assert_eq!(
        files,
        [
            "content/rev-20.md",
            "content/rev-30.md",
            "content/rev-31.md",
            "content/rev-40.md",
            "content/rev-today.md",
        ]
    );
    assert!(
        helps(&v)[0].contains("warns 45 days ahead"),
        "{:?}",
        helps(&v)
    );
    for days in ["10", "0"] {
        let line = format!("review_due_days = {days}");
        let (_t, root) = with_check("review-due", &[&line]);
        let (run, v) = check_json(&root, &[]);
        run.assert_code(0);
        assert_findings(
            &v,
            &[(
                "review-due",
                "warning",
                "content/rev-today.md:10:13",
                "in 0 days",
            )],
        );
    }
}

#[test]
fn approved_documents_need_an_approver_and_an_effective_date() {
    // Three approved documents lack an approver, an effective date or both: errors at `status`; the draft needs neither.
    assert_rule_fixture(
        "approval-incomplete",
        &[
            (
                "approval-incomplete",
                "error",
                "content/no-approver.md:7:10",
                "`PRO-1` is approved but has no approver",
            ),
            (
                "approval-incomplete",
                "error",
                "content/no-both.md:7:10",
                "`PRO-3` is approved but has no approver and no effective",
            ),
            (
                "approval-incomplete",
                "error",
                "content/no-effective.md:8:10",
                "`PRO-2` is approved but has no effective",
            ),
        ],
    );
}

#[test]
fn orphans_are_documents_nothing_reaches() {
    // FRM-1 addresses no clause and nothing links to it; a linked form, a related form and a retired document are no orphans.
    assert_rule_fixture(
        "orphan",
        &[(
            "orphan",
            "warning",
            "content/form-1.md:2:6",
            "`FRM-1` addresses no clause and no document links to it",
        )],
    );
}

#[test]
fn unknown_front_matter_keys_warn_at_the_key() {
    // `reviewer` (close to review_by) and `confidentiality` warn at column 1 of their line, with a did-you-mean where one is close.
    let v = assert_rule_fixture(
        "unknown-key",
        &[
            (
                "unknown-key",
                "warning",
                "content/policy.md:11:1",
                "unknown front-matter key `reviewer`",
            ),
            (
                "unknown-key",
                "warning",
                "content/policy.md:12:1",
                "unknown front-matter key `confidentiality`",
            ),
        ],
    );
    assert!(
        helps(&v)[0].starts_with("did you mean `review_by`?"),
        "{:?}",
        helps(&v)
    );
}

#[test]
fn exclusions_against_the_rules() {
    // No justification, an unknown clause and a clause without requirements are errors at the exclusion; excluding an addressed clause warns; 1.2 is excluded cleanly.
    let root = check_fixture("exclusion");
    let (run, v) = check_json(&root, &[]);
    run.assert_code(1);
    assert_findings(
        &v,
        &[
            (
                "exclusion",
                "error",
                "clausebook.toml:10:14",
                "the exclusion of Tiny:1 1.3 has no justification",
            ),
            (
                "exclusion",
                "error",
                "clausebook.toml:11:14",
                "Tiny:1 has no clause 1.9",
            ),
            (
                "exclusion",
                "error",
                "clausebook.toml:12:14",
                "clause 0 of Tiny:1 cannot be excluded",
            ),
            (
                "excluded-with-evidence",
                "warning",
                "content/policy.md:11:27",
                "Tiny:1 1.4 is determined as not applicable in clausebook.toml, but this approved document addresses it",
            ),
        ],
    );
    let c = clause(&v, "tiny:1", "1.2");
    assert_eq!(c["state"], "not-applicable");
    assert_eq!(c["exclusion"], "We run no such service.");
    let junit = check_cli(&root, "junit", &[]);
    junit.assert_code(1);
    assert_junit_matches(&junit.stdout, &v);
    let human = check_cli(&root, "human", &[]);
    assert_located(
        &human.stderr,
        "clausebook.toml",
        10,
        14,
        "  { clause = \"1.3\", justification = \"\" },",
    );
}

// ================================================================ levels

#[test]
fn every_rule_level_can_be_set_in_check() {
    // For each configurable rule: "allow" removes its findings (exit 0), "warn" makes them warnings (exit 0), "deny" errors (exit 1).
    for name in RULE_FIXTURES {
        let (run, v) = check_json(&check_fixture(name), &[]);
        let base = findings(&v);
        assert!(!base.is_empty(), "{name} triggers nothing");
        assert!(
            base.iter().all(|f| f.rule == *name),
            "{name} triggers other rules: {base:?}"
        );
        let default_error = base[0].level == "error";
        run.assert_code(if default_error { 1 } else { 0 });
        for (level, code) in [("allow", 0), ("warn", 0), ("deny", 1)] {
            let line = format!("{name} = \"{level}\"");
            let (_t, root) = with_check(name, &[&line]);
            let (run, v) = check_json(&root, &[]);
            let fs = findings(&v);
            match level {
                "allow" => assert!(fs.is_empty(), "{line}: {fs:?}"),
                _ => {
                    assert_eq!(fs.len(), base.len(), "{line}");
                    let want = if level == "warn" { "warning" } else { "error" };
                    assert!(fs.iter().all(|f| f.level == want), "{line}: {fs:?}");
                }
            }
            assert_eq!(run.code, Some(code), "{line}\n{}", run.stderr);
        }
    }
}

#[test]
fn deny_warnings_makes_warnings_fail_in_every_format() {
    // A site with warnings only exits 0, and 1 with --deny-warnings, where every format reports them as errors.
    let root = check_fixture("link-to-unapproved");
    check_cli(&root, "human", &[]).assert_code(0);
    let (run, v) = check_json(&root, &["--deny-warnings"]);
    run.assert_code(1);
    assert_eq!(v["passed"], false);
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["warnings"], 0);
    assert!(findings(&v).iter().all(|f| f.level == "error"));
    let junit = check_cli(&root, "junit", &["--deny-warnings"]);
    junit.assert_code(1);
    assert_junit_matches(&junit.stdout, &v);
    assert_eq!(junit.stdout.matches("<failure").count(), 2);
    let gh = check_cli(&root, "github", &["--deny-warnings"]);
    gh.assert_code(1);
    assert_github_matches(&gh.stdout, &v);
    let human = check_cli(&root, "human", &["--deny-warnings"]);
    human.assert_code(1);
    assert!(
        human
            .stderr
            .contains("error: [link-to-unapproved] approved document links to draft `PRO-1`"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("check failed: 2 errors, 0 warnings"),
        "{}",
        human.stderr
    );
}

#[test]
fn unknown_rules_and_fields_in_check_are_errors_with_suggestions() {
    // A misspelt rule id, an unknown kind and an unknown field in [check] are `config` errors located in clausebook.toml, each with a did-you-mean.
    let (_t, root) = with_check("clean", &["reveiw-due = \"deny\""]);
    append(
        &root.join("clausebook.toml"),
        "\n[check.required_fields]\nprocedur = [\"ownr\"]\n",
    );
    let (run, v) = check_json(&root, &[]);
    run.assert_code(1);
    let rule_line = line_of(&root, "clausebook.toml", "reveiw-due");
    let kind_line = line_of(&root, "clausebook.toml", "procedur =");
    let at = |l: usize, c: usize| format!("clausebook.toml:{l}:{c}");
    assert_findings(
        &v,
        &[
            (
                "config",
                "error",
                &at(rule_line, 1),
                "unknown check rule `reveiw-due`",
            ),
            (
                "config",
                "error",
                &at(kind_line, 1),
                "unknown kind `procedur` in [check.required_fields]",
            ),
            (
                "config",
                "error",
                &at(kind_line, 13),
                "unknown front-matter field `ownr` in [check.required_fields]",
            ),
        ],
    );
    let h = helps(&v);
    assert!(h[0].starts_with("did you mean `review-due`?"), "{h:?}");
    assert!(h[1].starts_with("did you mean `procedure`?"), "{h:?}");
    assert!(h[2].starts_with("did you mean `owner`?"), "{h:?}");
}

#[test]
fn fixed_rules_cannot_be_set() {
    // front-matter and template always stop a build: setting them is a `config` error, and a front-matter error is still reported.
    let (_t, root) = with_check(
        "clean",
        &["front-matter = \"allow\"", "template = \"warn\""],
    );
    write_file(
        &root.join("content/bad.md"),
        "+++\nid = \"BAD-1\"\ntitle = \"Bad\"\nstatus = approved\n+++\n\nBody.\n",
    );
    let (run, v) = check_json(&root, &[]);
    run.assert_code(1);
    let fs = findings(&v);
    for rule in ["front-matter", "template"] {
        let line = line_of(&root, "clausebook.toml", &format!("{rule} ="));
        assert!(
            fs.iter().any(|f| f.rule == "config"
                && f.level == "error"
                && f.location() == format!("clausebook.toml:{line}:1")
                && f.message
                    == format!("rule `{rule}` cannot be changed: it always stops a build")),
            "{rule}: {fs:?}"
        );
    }
    assert!(
        fs.iter().any(|f| f.rule == "front-matter"
            && f.level == "error"
            && f.file == "content/bad.md"
            && f.line == 4),
        "the front-matter error stays: {fs:?}"
    );
}

#[test]
fn an_invalid_rule_level_cannot_load_the_site() {
    // `orphan = "loud"` is not a level: the configuration does not load, exit 2, and the message names the valid levels.
    let (_t, root) = with_check("clean", &["orphan = \"loud\""]);
    let run = check_cli(&root, "json", &[]);
    run.assert_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("`loud`") && run.stderr.contains("`allow`, `warn`, `deny`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_rule_level_is_located_at_its_key() {
    // The error about `orphan = "loud"` points at that line.
    let (_t, root) = with_check("clean", &["orphan = \"loud\""]);
    let run = check_cli(&root, "human", &[]);
    run.assert_code(2);
    let line = line_of(&root, "clausebook.toml", "orphan =");
    assert!(
        run.stderr.contains(&format!("clausebook.toml:{line}:")),
        "not located at line {line}:\n{}",
        run.stderr
    );
}

#[test]
fn a_site_that_cannot_be_loaded_exits_2() {
    // No clausebook.toml, or a standard in scope that no catalog defines: exit 2 in every format.
    let tmp = tempdir();
    for format in ["human", "json", "junit", "github"] {
        let run = check_cli(tmp.path(), format, &[]);
        run.assert_code(2);
        assert!(run.stderr.contains("no clausebook.toml"), "{}", run.stderr);
    }
    let root = copy_site(&check_fixture("clean"), tmp.path());
    replace(
        &root.join("clausebook.toml"),
        "[\"tiny:1\"]",
        "[\"tiny:9\"]",
    );
    let run = check_cli(&root, "json", &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("unknown standard `tiny:9`"),
        "{}",
        run.stderr
    );
}

// ================================================================ locations

#[test]
fn every_finding_is_located() {
    // Across every fixture, each finding names a file, a line and a column (the other formats are checked against this JSON).
    let mut names: Vec<&str> = RULE_FIXTURES.to_vec();
    names.extend([
        "missing-field-per-kind",
        "exclusion",
        "mixed",
        "required-document-builtin",
    ]);
    for name in names {
        let (_, v) = check_json(&check_fixture(name), &[]);
        let fs = findings(&v);
        assert!(!fs.is_empty(), "{name} reports no finding to check");
        for f in fs {
            assert!(f.line > 0 && f.column > 0, "{name}: unlocated {f:?}");
        }
    }
}

#[test]
fn every_finding_has_a_help_line() {
    // Every finding says what to do next: a help line in each block, whatever the rule.
    let mut missing = Vec::new();
    for name in RULE_FIXTURES.iter().chain(&["exclusion"]) {
        let (_, v) = check_json(&check_fixture(name), &[]);
        let fs = findings(&v);
        assert!(!fs.is_empty(), "{name} reports no finding to check");
        for f in fs {
            if f.help.is_none() {
                missing.push(format!("{name}: {} {}", f.location(), f.message));
            }
        }
    }
    let (_t, root) = with_check("clean", &["front-matter = \"allow\""]);
    let (_, v) = check_json(&root, &[]);
    let fs = findings(&v);
    assert!(
        fs.iter().any(|f| f.rule == "config"),
        "setting a fixed rule is a config finding: {fs:?}"
    );
    for f in fs {
        if f.help.is_none() {
            missing.push(format!("config: {} {}", f.location(), f.message));
        }
    }
    assert!(
        missing.is_empty(),
        "findings without help:\n{}",
        missing.join("\n")
    );
}

#[test]
fn coverage_findings_point_at_the_standards_entry() {
    // With default_standard written before `standards`, the coverage findings still point at the entry in `standards`.
    let tmp = tempdir();
    let root = copy_site(&check_fixture("coverage"), tmp.path());
    let before = line_of(&root, "clausebook.toml", "standards =");
    replace(
        &root.join("clausebook.toml"),
        "standards = [\"tiny:1\"]",
        "default_standard = \"tiny:1\"\nstandards = [\"tiny:1\"]",
    );
    let line = line_of(&root, "clausebook.toml", "standards =");
    assert_eq!(line, before + 1, "the entry moved down a line");
    let (_, v) = check_json(&root, &[]);
    let fs = findings(&v);
    assert_eq!(fs.len(), 2, "the fixture's two gaps: {fs:?}");
    for f in fs {
        assert_eq!(f.rule, "coverage", "{f:?}");
        assert_eq!(f.location(), format!("clausebook.toml:{line}:14"), "{f:?}");
    }
}

#[test]
fn coverage_findings_are_located_with_literal_strings() {
    // `standards = ['tiny:1']` is the same TOML as with double quotes; the findings still point at the entry.
    let tmp = tempdir();
    let root = copy_site(&check_fixture("coverage"), tmp.path());
    replace(
        &root.join("clausebook.toml"),
        "standards = [\"tiny:1\"]",
        "standards = ['tiny:1']",
    );
    let line = line_of(&root, "clausebook.toml", "standards = ['tiny:1']");
    let (_, v) = check_json(&root, &[]);
    let fs = findings(&v);
    assert_eq!(fs.len(), 2, "the fixture's two gaps: {fs:?}");
    for f in fs {
        assert_eq!(f.rule, "coverage", "{f:?}");
        assert_eq!(f.location(), format!("clausebook.toml:{line}:14"), "{f:?}");
    }
}

// ================================================================ formats

#[test]
fn clean_site_passes_in_every_format() {
    // No finding: exit 0 in every format, with or without --deny-warnings, and the single clause passes in JUnit.
    let root = check_fixture("clean");
    for extra in [&[][..], &["--deny-warnings"][..]] {
        let (run, v) = check_json(&root, extra);
        run.assert_code(0);
        assert_eq!(v["passed"], true);
        assert_findings(&v, &[]);
        assert_eq!(clause(&v, "tiny:1", "1.1")["state"], "full");

        let human = check_cli(&root, "human", extra);
        human.assert_code(0);
        assert!(!human.stderr.contains("error:"), "{}", human.stderr);
        assert!(!human.stderr.contains("warning:"), "{}", human.stderr);
        assert!(
            human
                .stderr
                .starts_with("check passed: 0 errors, 0 warnings\n"),
            "{}",
            human.stderr
        );

        let junit = check_cli(&root, "junit", extra);
        junit.assert_code(0);
        assert_junit_matches(&junit.stdout, &v);
        assert!(!junit.stdout.contains("<failure"), "{}", junit.stdout);
        assert_eq!(
            junit_clause_failures(&parse_junit(&junit.stdout)),
            BTreeMap::from([("tiny:1/1.1".to_string(), false)])
        );

        let gh = check_cli(&root, "github", extra);
        gh.assert_code(0);
        assert!(parse_github(&gh.stdout).is_empty(), "{}", gh.stdout);
        assert!(
            gh.stdout
                .contains("clausebook check: 0 error(s), 0 warning(s)"),
            "{}",
            gh.stdout
        );
        for run in [&junit, &gh] {
            assert!(run.stderr.is_empty(), "{}", run.stderr);
        }
    }
}

/// The mixed fixture's report in one format, the site's path (should it
/// appear) replaced by `<site>`.
fn mixed(format: &str) -> (Run, String) {
    let root = check_fixture("mixed");
    let run = check_cli(&root, format, &[]);
    run.assert_code(1);
    let text = if format == "human" {
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        &run.stderr
    } else {
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        &run.stdout
    };
    // The reports name files relative to the site; a temporary or
    // absolute path would be a machine-specific detail.
    let text = text.replace(&root.display().to_string(), "<site>");
    (run, text)
}

#[test]
fn mixed_report_human_snapshot() {
    // The human report (stderr, no colors): a block per finding and a summary with the coverage of each standard.
    let (_, text) = mixed("human");
    assert_snapshot("check/mixed.human.stderr", &text);
    assert!(
        text.contains("check failed: 5 errors, 3 warnings\n"),
        "{text}"
    );
    assert!(
        text.contains("  Alpha:1: 1/4 requirement clauses addressed in full (25%), 1 with partial (25%); 1 derived only, 1 planned, 0 excluded, 1 not applicable, 1 gaps\n"),
        "{text}"
    );
    assert!(
        text.contains("  Beta:1: 1/2 requirement clauses addressed in full (50%), 2 with partial (100%); 0 derived only, 0 planned, 0 excluded, 0 not applicable, 0 gaps\n"),
        "{text}"
    );
}

#[test]
fn mixed_report_json_snapshot() {
    // The JSON report: schema, sorted findings, coverage states with candidates from the mapped standard and the exclusion.
    let (run, text) = mixed("json");
    assert_snapshot("check/mixed.json", &text);
    let v: Value = serde_json::from_str(&text).unwrap();
    validate_json(&run, &v);
    assert_eq!(v["passed"], false);
    assert_eq!(v["summary"]["errors"], 5);
    assert_eq!(v["summary"]["warnings"], 3);
    let states: Vec<(&str, &str)> = ["1.1", "1.2", "1.3", "1.4", "1.5"]
        .iter()
        .map(|n| {
            let c = clause(&v, "alpha:1", n);
            (
                c["state"].as_str().unwrap(),
                c["finding"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("full", "-"),
            ("derived", "error"),
            // Alpha's rule is "not applicable" (as ISO 9001:2015's).
            ("not-applicable", "-"),
            // A draft addresses 1.4: planned outranks derived only.
            ("planned", "error"),
            ("gap", "error"),
        ]
    );
    assert_eq!(
        clause(&v, "alpha:1", "1.3")["exclusion"],
        "Customers keep their own equipment & tools, <none> held: 100%."
    );
    assert_eq!(clause(&v, "beta:1", "1.2")["state"], "partial");
    let h = helps(&v);
    assert_eq!(h[0], "candidates: PRO-1 (addresses related Beta:1 1.1)");
    assert_eq!(h[1], "candidates: PRO-1 (addresses related Beta:1 1.2)");
    assert!(h[2].starts_with("approve a document listing \"alpha:1/1.5\""));
    let rules: Vec<String> = findings(&v).into_iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [
            "coverage",
            "coverage",
            "coverage",
            "review-due",
            "unknown-key",
            "review-overdue",
            "partial-only",
            "broken-link",
        ]
    );
}

#[test]
fn mixed_report_junit_snapshot() {
    // The JUnit report: well-formed, a case per requirement clause (failed on 1.2, 1.4 and 1.5, skipped on 1.3, not applicable), a case per other finding.
    let (_, text) = mixed("junit");
    assert_snapshot("check/mixed.junit.xml", &text);
    let (_, v) = check_json(&check_fixture("mixed"), &[]);
    assert_junit_matches(&text, &v);
    let root = parse_junit(&text);
    let failing = junit_clause_failures(&root);
    let red: Vec<&str> = failing
        .iter()
        .filter(|(_, f)| **f)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(red, ["alpha:1/1.2", "alpha:1/1.4", "alpha:1/1.5"]);
    assert_eq!(failing.len(), 7, "5 clauses of Alpha, 2 of Beta");
    let skipped: Vec<&str> = root
        .all("testsuite")
        .iter()
        .flat_map(|s| s.all("testcase"))
        .filter(|c| c.child("skipped").is_some())
        .map(|c| c.attr("name"))
        .collect();
    assert_eq!(skipped, ["1.3 Customer property"]);
    // The partial-only warning on Beta 1.2 is reported in that clause's
    // case, not among the other findings.
    let findings_suite = root.all("testsuite").pop().unwrap();
    assert_eq!(findings_suite.attr("tests"), "4");
    assert_eq!(findings_suite.attr("failures"), "2");
}

#[test]
fn mixed_report_github_snapshot() {
    // The GitHub report: an ::error or ::warning annotation per finding with file, line, col and title, then a summary.
    let (_, text) = mixed("github");
    assert_snapshot("check/mixed.github.txt", &text);
    let (_, v) = check_json(&check_fixture("mixed"), &[]);
    assert_github_matches(&text, &v);
    assert!(
        text.contains("::error file=clausebook.toml,line=5,col=14,title=clausebook coverage::Alpha:1 1.2 Planning has no approved document%0Ahelp: candidates: PRO-1 (addresses related Beta:1 1.1)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "::warning file=content/policy.md,line=10,col=13,title=clausebook review-due::"
        ),
        "{text}"
    );
}

#[test]
fn github_properties_and_messages_are_escaped() {
    // A file named `50%, draft: v2.md` and a message holding `%`: `%`, `,` and `:` are escaped in properties, only `%` and line breaks in the message.
    let tmp = tempdir();
    let root = copy_site(&check_fixture("clean"), tmp.path());
    write_file(
        &root.join("content/50%, draft: v2.md"),
        "+++\nid = \"FRM-1\"\ntitle = \"Form\"\nkind = \"form\"\nowner = \"QM\"\napprover = \"Director\"\n\
         version = \"1.0\"\nstatus = \"approved\"\neffective = 2026-01-05\nreview_by = 2099-12-31\n\
         clauses = [\"tiny:1/1.1\"]\n+++\n\nSee the [rates](NO%PE).\n",
    );
    let gh = check_cli(&root, "github", &[]);
    gh.assert_code(1);
    let line = gh
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no ::error in:\n{}", gh.stdout));
    assert_eq!(
        line,
        "::error file=content/50%25%2C draft%3A v2.md,line=14,col=9,title=clausebook broken-link::\
         link to an unknown document id `NO%25PE`%0Ahelp: no document has this id; check the `id` in the target's front-matter"
    );
    let (_, v) = check_json(&root, &[]);
    assert_github_matches(&gh.stdout, &v);
    let ann = parse_github(&gh.stdout);
    assert_eq!(ann[0].props["file"], "content/50%, draft: v2.md");
    assert!(ann[0].raw_props.contains("50%25%2C draft%3A v2.md"));
}

#[test]
fn junit_escapes_text_and_attributes() {
    // The exclusion's `&`, `<` and `>` and the help's `'` are escaped: the XML parses and the values read back unchanged.
    let (_, text) = mixed("junit");
    let root = parse_junit(&text);
    assert!(
        text.contains("equipment &amp; tools, &lt;none&gt; held"),
        "{text}"
    );
    let skipped = root
        .all("testsuite")
        .iter()
        .flat_map(|s| s.all("testcase"))
        .find_map(|c| c.child("skipped"))
        .unwrap()
        .attr("message")
        .to_string();
    assert_eq!(
        skipped,
        "not applicable: Customers keep their own equipment & tools, <none> held: 100%."
    );
}

#[test]
fn junit_checker_rejects_malformed_xml() {
    // The tiny XML checker used above would catch an unbalanced tag, a bare `&` or a `<` in an attribute.
    for bad in [
        "<a><b></a></b>",
        "<a>x & y</a>",
        "<a b=\"<\"/>",
        "<a b=\"1\" b=\"2\"/>",
        "<a>",
        "<a/><b/>",
        "<a>&nbsp;</a>",
    ] {
        assert!(XmlParser::parse(bad).is_err(), "accepted {bad}");
    }
    let ok = XmlParser::parse("<?xml version=\"1.0\"?>\n<a x='1'><b>&lt;&#65;&#x42;</b><c/></a>\n")
        .unwrap();
    assert_eq!(ok.child("b").unwrap().text, "<AB");
}

// ================================================================ example site

#[test]
fn example_site_passes_check() {
    // The repository's own site has no error-level finding on the fixed date, in JSON and human format.
    let root = repo_root();
    let (run, v) = check_json(&root, &[]);
    run.assert_code(0);
    let errors: Vec<String> = findings(&v)
        .iter()
        .filter(|f| f.level == "error")
        .map(|f| format!("{} [{}] {}", f.location(), f.rule, f.message))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(v["passed"], true);
    let scope: Vec<&str> = v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["standard"].as_str().unwrap())
        .collect();
    assert_eq!(scope, ["iso20000-1:2011", "iso9001:2008"]);
    let human = check_cli(&root, "human", &[]);
    human.assert_code(0);
    assert!(
        human.stderr.contains("check passed: 0 errors"),
        "{}",
        human.stderr
    );
}

#[test]
fn removing_the_last_approved_document_of_a_clause_fails_ci() {
    // The CI gate: on a copy of the example site, junit passes; deleting the only approved document of a clause fails exactly that clause's test cases, and build refuses until --allow-errors.
    let tmp = tempdir();
    let root = copy_site(&repo_root(), tmp.path());

    let junit = check_cli(&root, "junit", &[]);
    junit.assert_code(0);
    assert!(!junit.stdout.contains("<failure"), "{}", junit.stdout);
    let (_, before) = check_json(&root, &[]);
    assert_junit_matches(&junit.stdout, &before);
    let cases_before = junit_clause_failures(&parse_junit(&junit.stdout)).len();

    // The first clause that exactly one approved document addresses.
    let mut sole: Vec<(String, String)> = Vec::new();
    for std in before["coverage"].as_array().unwrap() {
        for c in std["clauses"].as_array().unwrap() {
            let docs: Vec<&Value> = c["documents"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["status"] == "approved")
                .collect();
            if docs.len() == 1 {
                sole.push((
                    format!(
                        "{}/{}",
                        std["standard"].as_str().unwrap(),
                        c["clause"].as_str().unwrap()
                    ),
                    docs[0]["id"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    let (first_clause, doc_id) = sole.first().cloned().expect("a clause with one document");
    let expected_red: BTreeSet<String> = sole
        .iter()
        .filter(|(_, d)| *d == doc_id)
        .map(|(c, _)| c.clone())
        .collect();
    assert!(expected_red.contains(&first_clause));

    // Build once, so that there is an output to leave untouched.
    let out = tmp.path().join("out");
    build_cli(&root, &out, &[]).assert_code(0);
    let published = tree(&out);

    let site_before = load_site(&root, false);
    let i = site_before
        .doc_index(&doc_id)
        .unwrap_or_else(|| panic!("no document {doc_id}"));
    let file = root.join(&site_before.docs[i].path);
    let page = site_before.urls[i].clone();
    drop(site_before);
    std::fs::remove_file(&file).unwrap();

    let junit = check_cli(&root, "junit", &[]);
    junit.assert_code(1);
    let (_, after) = check_json(&root, &[]);
    assert_junit_matches(&junit.stdout, &after);
    let cases = junit_clause_failures(&parse_junit(&junit.stdout));
    let red: BTreeSet<String> = cases
        .iter()
        .filter(|(_, f)| **f)
        .map(|(c, _)| c.clone())
        .collect();
    // A required document the removed one was fails its clause too.
    let required: BTreeSet<String> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "required-document" && f["level"] == "error")
        .filter_map(|f| f["subject"].as_str().map(str::to_string))
        .filter(|s| cases.contains_key(s))
        .collect();
    let expected_red: BTreeSet<String> = expected_red.union(&required).cloned().collect();
    assert_eq!(
        red, expected_red,
        "removing {doc_id} fails exactly the clauses it alone addressed (or was required for)"
    );
    assert_eq!(cases.len(), cases_before, "still a case per clause");
    let coverage_findings = findings(&after)
        .into_iter()
        .filter(|f| f.rule == "coverage")
        .count();
    assert_eq!(coverage_findings, expected_red.len());

    let refused = build_cli(&root, &out, &[]);
    refused.assert_code(1);
    assert!(
        refused
            .stderr
            .contains("the previous output was left untouched"),
        "{}",
        refused.stderr
    );
    assert!(
        tree(&out) == published,
        "a refused build changed the output"
    );

    let forced = build_cli(&root, &out, &["--allow-errors"]);
    forced.assert_code(0);
    assert!(
        forced.stdout.contains("errors published anyway"),
        "{}",
        forced.stdout
    );
    let page_file = page.trim_end_matches('/');
    assert!(
        !out.join(page_file).exists() && out.join("index.html").is_file(),
        "{page} is still published"
    );
}

// ================================================================ no output

#[test]
fn check_writes_nothing() {
    // `clausebook check` validates without writing: no output folder appears and no file changes, whether the site passes or fails, in every format, with or without a previous build.
    let tmp = tempdir();
    let clean = copy_site(&check_fixture("clean"), &tmp.path().join("clean"));
    let failing = copy_site(&check_fixture("mixed"), &tmp.path().join("mixed"));
    let check_in = |site: &Path, format: &str| {
        // From inside the site, where a relative output would land.
        run_cli_in(
            Some(site),
            &[
                "check".as_ref(),
                "--today".as_ref(),
                TODAY.as_ref(),
                "--format".as_ref(),
                format.as_ref(),
            ],
        )
    };
    let (before, listed) = (tree(tmp.path()), entries(tmp.path()));
    for format in ["human", "json", "junit", "github"] {
        check_in(&clean, format).assert_code(0);
        check_in(&failing, format).assert_code(1);
    }
    assert_same_files(&before, &tree(tmp.path()), "the sites after check");
    assert_eq!(
        listed,
        entries(tmp.path()),
        "check created or removed a folder"
    );
    assert!(!clean.join("public").exists() && !failing.join("public").exists());

    // Beside an output of its own, with its spare: still nothing changes.
    for _ in 0..2 {
        run_cli_in(
            Some(&clean),
            &["build".as_ref(), "--today".as_ref(), TODAY.as_ref()],
        )
        .assert_code(0);
    }
    assert!(clean.join("public/index.html").is_file() && clean.join(".public.spare").is_dir());
    let (built, listed) = (tree(tmp.path()), entries(tmp.path()));
    check_in(&clean, "human").assert_code(0);
    assert_same_files(&built, &tree(tmp.path()), "the built site after check");
    assert_eq!(
        listed,
        entries(tmp.path()),
        "check created or removed a folder"
    );
}

// ================================================================ build

#[test]
fn an_overdue_review_fails_check_but_build_publishes_and_flags_it() {
    // `check` is the gate (an overdue review is an error, exit 1); `build` publishes with a warning and flags the review on the document page, the register and the dashboard.
    let tmp = tempdir();
    let root = check_fixture("review-overdue");
    let out = tmp.path().join("out");
    let run = check_cli(&root, "human", &[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("error: [review-overdue] the review of `REV-PAST` was due on 2026-11-22"),
        "{}",
        run.stderr
    );

    let run = build_cli(&root, &out, &[]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("warning: [review-overdue] the review of `REV-PAST` was due on 2026-11-22"),
        "{}",
        run.stderr
    );
    let page = std::fs::read_to_string(out.join("documents/rev-past/index.html")).unwrap();
    assert!(
        page.contains("The review of this document was due on 2026-11-22"),
        "the document page has the banner"
    );
    let register = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        register.contains("<strong>overdue</strong>"),
        "the register flags it"
    );
    let dashboard =
        std::fs::read_to_string(out.join("standards/tiny-1/coverage/index.html")).unwrap();
    assert!(
        dashboard.contains("1 document overdue for review") && dashboard.contains("REV-PAST"),
        "the dashboard names it"
    );

    // A setting cannot make the build stop on it: `check` is the gate.
    let (_t, deny) = with_check("review-overdue", &["review-overdue = \"deny\""]);
    build_cli(&deny, &tmp.path().join("out2"), &[]).assert_code(0);
    check_cli(&deny, "human", &[]).assert_code(1);
}

#[test]
fn quiet_prints_the_errors_and_the_summary_only() {
    // `check --quiet` on the mixed fixture: every error block and the summary line (which still counts the warnings and says they are not shown), no warning block, no coverage lines; the exit code is unchanged; JSON keeps every finding.
    let root = check_fixture("mixed");
    let full = check_cli(&root, "human", &[]);
    let quiet = check_cli(&root, "human", &["--quiet"]);
    quiet.assert_code(full.code.unwrap());
    let blocks = |s: &str, head: &str| s.split("\n\n").filter(|b| b.starts_with(head)).count();
    assert!(blocks(&full.stderr, "warning: ") > 0, "{}", full.stderr);
    assert!(blocks(&full.stderr, "error: ") > 0, "{}", full.stderr);
    assert_eq!(blocks(&quiet.stderr, "warning: "), 0, "{}", quiet.stderr);
    assert_eq!(
        blocks(&quiet.stderr, "error: "),
        blocks(&full.stderr, "error: "),
        "{}",
        quiet.stderr
    );
    let summary = full
        .stderr
        .lines()
        .find(|l| l.starts_with("check "))
        .unwrap();
    let last: Vec<&str> = quiet.stderr.trim_end().lines().rev().take(1).collect();
    assert_eq!(
        last[0],
        format!("{summary} (not shown: --quiet; run without it to see them)"),
        "{}",
        quiet.stderr
    );
    assert!(
        full.stderr
            .contains("requirement clauses addressed in full")
    );
    assert!(
        !quiet
            .stderr
            .contains("requirement clauses addressed in full")
    );
    let (_, json) = check_json(&root, &["--quiet"]);
    let (_, all) = check_json(&root, &[]);
    assert_eq!(json["findings"], all["findings"]);
}
