//! One query language in two implementations: the parser and the text
//! analysis of src/search/query/ (Rust: `clausebook search`, the API) and
//! of theme/search.js (the browser's search box) must read every query
//! alike. These tests run the browser script in node (no browser needed)
//! and compare its trees with Rust's, as JSON.

mod common;

use std::process::Command;

use clausebook::search::query::{Mode, analyze, parse};
use common::*;

/// Queries of every kind the language has: words, phrases, operators,
/// fields, clause numbers, ids, misspellings, non-English text and
/// malformed input.
const QUERIES: &[&str] = &[
    // words, stemming, stop words
    "incident",
    "changes",
    "Emergency Change",
    "the",
    "the policy of the company",
    "a b c",
    "IT service continuity",
    "management",
    // phrases
    "\"emergency change\"",
    "\"terms of reference\"",
    "\"change\"",
    "\"\"",
    "“smart quotes” work",
    "\"unfinished phrase",
    "supplier \"service level\" agreement",
    // operators
    "supplier AND contract",
    "+supplier +contract",
    "-supplier contract",
    "supplier -contract -agreement",
    "supplier OR contract",
    "supplier contract OR agreement",
    "(supplier OR vendor) AND (contract OR agreement)",
    "NOT supplier",
    "contract NOT supplier",
    "supplier OR -contract",
    "NOT NOT supplier",
    "--supplier contract",
    "supplier AND",
    "AND supplier",
    "supplier OR",
    "OR supplier",
    "supplier AND OR contract",
    "supplier and contract",
    "-(supplier OR vendor) contract",
    "contract -(-supplier)",
    "((supplier)",
    "supplier)",
    "()",
    "( the )",
    "+ - supplier",
    // fields
    "title:change",
    "title:\"emergency change\"",
    "title:(change OR release) kind:procedure",
    "kind:procedure",
    "kind:Work_Instruction",
    "kind:procedur",
    "status:approved -status:retired",
    "status:draft OR status:review",
    "clause:8.2",
    "clause:iso20000-1:2011/8.2",
    "clause:9001/8.2.2",
    "within:8",
    "clause:eight",
    "tag:supplier",
    "tags:\"Supplier Management\"",
    "id:SMS-PRO-007",
    "id:sms-pro*",
    "id:*",
    "x:*",
    "title:",
    "title: change",
    "Agreement: Wyvern",
    "owner:\"Service Desk\"",
    "headings:escalation summary:scope body:ticket clausetitle:design",
    "heading:escalation",
    "title:(body:ticket change)",
    "kind:(procedure OR policy)",
    "https://example.com/x",
    // clause numbers and standards
    "8.2",
    "8",
    "10",
    "2026",
    "4.3.",
    "A.5.1",
    "9001 8.2.2",
    "ISO 9001 8.2.2",
    "ISO/IEC 20000-1 8.2",
    "20000-1:2011 6.1",
    "iso20000-1:2011/8.1",
    "9001",
    "8.2 problem management",
    "problem management",
    "see 4.3.2, 5.1 and 6",
    // ids
    "SMS-PRO-007",
    "sms-pro",
    "SMS-PRO-007,",
    "e-mail follow-up",
    "SMS_PRO_007",
    "sms-pro*",
    // misspellings and prefixes
    "chnage",
    "incidnet managment",
    "polcy",
    "inci*",
    "i*",
    "*",
    "chang*e",
    "suppl** contract",
    // non-English text
    "Café",
    "gestión de cambios",
    "Änderungsmanagement für Lieferanten",
    "Straße",
    "ΟΔΟΣ ΠΟΛΙΤΙΚΗ",
    "İstanbul",
    "情報セキュリティ管理",
    "変更 管理",
    "情",
    "정보 보안",
    "प्रबंधन नीति",
    "cafe\u{301} décomposé",
    "naïve rôle",
    // malformed and hostile
    "\"",
    "(((((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))))",
    "a:b:c",
    "AND OR NOT",
    "NOT",
    "-",
    "+",
    "   ",
    "",
    "supplier\tcontract\nagreement",
    "\u{feff}supplier",
    "x\u{85}y",
];

/// Texts for the analysis alone (the indexes store what it gives).
const TEXTS: &[&str] = &[
    "SMS-PRO-007: Raising a Request (4.3.2)",
    "Changes, changed, changing — the change's owner",
    "Café, CAFÉ, cafe\u{301}, naïve, Ærø, İstanbul, ΟΔΟΣ",
    "情報セキュリティ管理 and 変更",
    "प्रबंधन नीति, 정보 보안, Straße",
    "x a an of to constructor __proto__ hasOwnProperty",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "policies studies wishes boxes hopping fizzed agreed running",
    "I.T. e.g. U.S. 2026-11-23 v1.2.3",
];

/// Run theme/search.js in node on `script` (which prints JSON).
fn node_json(node: &std::path::Path, script: &str) -> serde_json::Value {
    let full = format!(
        "global.window = {{}}; require({:?}); const S = window.ClausebookSearch; {script}",
        repo_root().join("theme/search.js")
    );
    let out = Command::new(node).args(["-e", &full]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("node prints JSON")
}

fn rust_tree(query: &str, mode: Mode) -> serde_json::Value {
    match parse(query, mode) {
        Ok(q) => serde_json::to_value(q).unwrap(),
        Err(p) => serde_json::json!({ "error": p }),
    }
}

#[test]
fn the_browser_reads_every_query_as_the_server_does() {
    // A query means the same in the search box as in `clausebook search` and the API: both parsers build the same tree, in both modes.
    let Some(node) = node_or_skip("the_browser_reads_every_query_as_the_server_does") else {
        return;
    };
    assert!(QUERIES.len() >= 60, "{} queries", QUERIES.len());
    let queries = serde_json::to_string(QUERIES).unwrap();
    let js = node_json(
        &node,
        &format!(
            "console.log(JSON.stringify({queries}.map(q => [S.parse(q, 'strict'), S.parse(q, 'live')])));"
        ),
    );
    let js = js.as_array().expect("an array");
    assert_eq!(js.len(), QUERIES.len());
    let mut wrong = Vec::new();
    for (q, pair) in QUERIES.iter().zip(js) {
        for (i, mode) in [Mode::Strict, Mode::Live].into_iter().enumerate() {
            let rust = rust_tree(q, mode);
            if rust != pair[i] {
                wrong.push(format!(
                    "{q:?} ({mode:?}):\n  rust: {rust}\n  js:   {}",
                    pair[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_browser_analyses_text_as_the_indexes_do() {
    // The words and terms the browser looks up are those the build stored: same splitting, case and accent folding, CJK pairs, stop words and stems.
    let Some(node) = node_or_skip("the_browser_analyses_text_as_the_indexes_do") else {
        return;
    };
    let texts = serde_json::to_string(TEXTS).unwrap();
    let js = node_json(
        &node,
        &format!(
            "console.log(JSON.stringify({texts}.map(t => [S.analyze.words(t), S.analyze.terms(t)])));"
        ),
    );
    for (t, pair) in TEXTS.iter().zip(js.as_array().unwrap()) {
        let words = analyze::words(t);
        let terms = analyze::terms(t);
        assert_eq!(serde_json::json!([words, terms]), *pair, "{t:?}");
    }
}

#[test]
fn queries_mean_what_the_language_says() {
    // The documented readings hold: OR binds tighter than AND, `-` excludes, a standard then a clause number is one clause, an id is also its words, the last word is a prefix only while typing.
    let tree = |q: &str, m: Mode| serde_json::to_string(&parse(q, m).unwrap().root).unwrap();
    assert_eq!(
        tree("supplier contract OR agreement", Mode::Strict),
        tree("supplier AND (contract OR agreement)", Mode::Strict)
    );
    assert!(tree("9001 8.2.2", Mode::Strict).contains(r#""standard":"9001","number":"8.2.2""#));
    assert!(
        tree("ISO/IEC 20000-1:2011 8.2", Mode::Strict).contains(r#""standard":"20000-1:2011""#)
    );
    let id = tree("SMS-PRO-007", Mode::Strict);
    assert!(id.contains(r#""type":"id""#) && id.contains(r#""terms":["sms","pro","007"]"#));
    assert!(tree("inci", Mode::Live).contains(r#""prefix":true"#));
    assert!(tree("inci", Mode::Strict).contains(r#""prefix":false"#));
    assert!(tree("inci ", Mode::Live).contains(r#""prefix":false"#));
    assert!(tree("incident", Mode::Strict).contains(r#""fuzzy":true"#));
    assert!(tree("plan", Mode::Strict).contains(r#""fuzzy":false"#));
    // Strict mode refuses what live mode repairs, with the same words.
    for q in [
        "\"open",
        "(a",
        "a)",
        "x:*",
        "-a",
        "a OR -b",
        "kind:nope",
        "the a",
    ] {
        let err = parse(q, Mode::Strict).expect_err(q);
        let live = parse(q, Mode::Live).expect(q);
        assert_eq!(live.warnings.first(), Some(&err), "{q}");
    }
}
