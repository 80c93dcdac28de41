//! The conventions of the test suite itself, checked over its sources.

mod common;

use common::*;

/// Problems with the tests of one file: each `#[test]` function must open
/// with exactly one `//` comment line, the promise it holds.
fn test_comment_problems(file: &str, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "#[test]" {
            continue;
        }
        // The `fn` line follows, after other attributes (`#[ignore]` …).
        let Some(f) = (i + 1..lines.len()).find(|&j| lines[j].trim_start().starts_with("fn "))
        else {
            problems.push(format!("{file}:{}: #[test] without a function", i + 1));
            continue;
        };
        let name = lines[f].trim_start()[3..]
            .split('(')
            .next()
            .unwrap_or_default()
            .to_string();
        let first = lines.get(f + 1).map(|l| l.trim()).unwrap_or_default();
        let second = lines.get(f + 2).map(|l| l.trim()).unwrap_or_default();
        if !first.starts_with("// ") || first.len() < 20 {
            problems.push(format!(
                "{file}:{}: {name} does not open with a one-line comment saying what it holds",
                f + 2
            ));
        } else if second.starts_with("//") {
            problems.push(format!(
                "{file}:{}: {name} opens with a comment of more than one line",
                f + 3
            ));
        }
    }
    problems
}

#[test]
fn every_test_opens_with_the_promise_it_holds() {
    // A reader of any test file learns in one line why each test exists (mdBook's habit), so that no test outlives its reason unseen.
    let files = rust_files(&repo_root().join("tests"), &repo_root());
    let tests: usize = files
        .iter()
        .map(|(_, t)| t.lines().filter(|l| l.trim() == "#[test]").count())
        .sum();
    assert!(tests > 150, "only {tests} tests found");
    let problems: Vec<String> = files
        .iter()
        .flat_map(|(f, t)| test_comment_problems(f, t))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comment_check_finds_what_it_claims() {
    // The check above must catch a test without a comment and one with a comment of two lines, and pass a well-formed one.
    let text = "#[test]\nfn good() {\n    // A reader learns why this exists.\n    assert!(true);\n}\n\
                #[test]\nfn bare() {\n    assert!(true);\n}\n\
                #[test]\n#[ignore]\nfn long() {\n    // A reader learns why this exists,\n    // in two lines.\n}\n";
    let problems = test_comment_problems("x.rs", text);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains("bare does not open"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("long opens with a comment of more"),
        "{}",
        problems[1]
    );
}

#[test]
fn no_test_refers_to_context_outside_the_repository() {
    // A test's reason must be readable from the repository alone: no issue, session or earlier measurement it cannot show.
    let words = [
        "the issue",
        "issue ",
        "session ",
        "as measured",
        "done when",
        "the brief",
    ];
    let mut found = Vec::new();
    for (file, text) in rust_files(&repo_root().join("tests"), &repo_root()) {
        if file == "tests/conventions.rs" {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if !(t.starts_with("//") || t.starts_with("///") || t.starts_with("//!")) {
                continue;
            }
            let lower = t.to_lowercase();
            if let Some(w) = words.iter().find(|w| lower.contains(*w)) {
                found.push(format!("{file}:{}: `{w}` in {t}", i + 1));
            }
        }
    }
    for file in ["tests/browser/search.test.js", "tests/browser/ux.test.js"] {
        let text = std::fs::read_to_string(repo_root().join(file)).unwrap();
        for (i, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            if let Some(w) = words.iter().find(|w| lower.contains(*w)) {
                found.push(format!("{file}:{}: `{w}` in {}", i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
