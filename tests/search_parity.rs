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

/// Queries run through the ranking, with the mode they are read in.
const RANKED: &[(&str, &str)] = &[
    ("incident", "strict"),
    ("supplier contract", "strict"),
    ("supplier AND contract", "strict"),
    ("+supplier +contract", "strict"),
    ("-supplier contract", "strict"),
    ("supplier OR contract", "strict"),
    ("\"emergency change\"", "strict"),
    ("title:change", "strict"),
    ("kind:procedure", "strict"),
    ("kind:procedure change", "strict"),
    ("status:approved -kind:form", "strict"),
    ("8.2", "strict"),
    ("9001 8.2.2", "strict"),
    ("iso20000-1:2011/7", "strict"),
    ("8", "strict"),
    ("SMS-PRO-007", "strict"),
    ("sms-pro", "strict"),
    ("sms-pro-00", "live"),
    ("id:sms-prc*", "strict"),
    ("problem management", "strict"),
    ("chnage", "strict"),
    ("incidnet managment", "strict"),
    ("inci", "live"),
    ("suppl", "live"),
    ("servic lev", "live"),
    ("changes", "strict"),
    ("tag:supplier", "strict"),
    ("headings:escalation", "strict"),
    ("(supplier OR vendor) AND (contract OR agreement)", "strict"),
    ("gestión", "strict"),
    ("management", "strict"),
    ("review", "strict"),
];

/// Runs tests/browser/shards.js on a written index.
fn run_shards_js(
    node: &std::path::Path,
    search: &std::path::Path,
    queries: &[(&str, &str)],
) -> Vec<serde_json::Value> {
    let file = search.parent().unwrap().join("queries.json");
    std::fs::write(&file, serde_json::to_string(queries).unwrap()).unwrap();
    let out = Command::new(node)
        .arg(repo_root().join("tests/browser/shards.js"))
        .arg(search)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).expect("JSON")
}

#[test]
fn the_static_index_ranks_as_the_server_formula() {
    // The search box, from the sharded static index, finds the same documents as the ranking of src/search/query/rank.rs, in the same order with the same scores, for every kind of query.
    let Some(node) = node_or_skip("the_static_index_ranks_as_the_server_formula") else {
        return;
    };
    use clausebook::search::query::{model, rank, shards};
    let site = load_site(&repo_root(), false);
    let m = model::Model::of_site(&site);
    let tmp = tempdir();
    let search = tmp.path().join("search");
    for f in shards::site_files(&site) {
        let p = tmp.path().join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.bytes).unwrap();
    }
    let js = run_shards_js(&node, &search, RANKED);
    let src = model::ModelSource::new(&m);
    let mut wrong = Vec::new();
    let mut matched = 0;
    for ((q, mode), js) in RANKED.iter().zip(&js) {
        let mode = if *mode == "live" {
            Mode::Live
        } else {
            Mode::Strict
        };
        let rust: Vec<(u32, u64)> = match parse(q, mode) {
            Ok(parsed) => parsed.root.map(|r| rank::run(&src, &r)).unwrap_or_default(),
            Err(e) => {
                wrong.push(format!("{q:?}: {e}"));
                continue;
            }
        };
        let js_hits: Vec<(u32, u64)> =
            serde_json::from_value(js["hits"].clone()).unwrap_or_default();
        if rust != js_hits {
            wrong.push(format!(
                "{q:?}: rust {} hits {:?}…, js {} hits {:?}…",
                rust.len(),
                &rust[..rust.len().min(5)],
                js_hits.len(),
                &js_hits[..js_hits.len().min(5)]
            ));
        }
        matched += usize::from(!rust.is_empty());
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(matched >= 25, "only {matched} queries match documents");
}
