//! One query language in two implementations: the parser and the text
//! analysis of src/search/query/ (Rust: `clausebook search`, the API) and
//! of theme/search.js (the browser's search box) must read every query
//! alike. These tests run the browser script in node (no browser needed)
//! and compare its trees with Rust's, as JSON.

mod common;

use std::process::Command;

use clausebook::search::query::{Mode, analyze, parse, source};
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
    let src = source::ModelSource::new(&m);
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

// ------------------------------------------------------------ three engines

/// Queries the three engines must answer alike (strict mode: the CLI, the
/// results page, the API with `live=0`), on the example site and on a
/// generated corpus: words, phrases, operators, fields, clause numbers,
/// ids, misspellings, non-English text.
const ENGINE_QUERIES: &[&str] = &[
    // words
    "supplier",
    "incident",
    "changes",
    "management",
    "review",
    "capacity backup",
    "service continuity",
    // phrases
    "\"emergency change\"",
    "\"internal audit\"",
    "\"change freeze\"",
    // operators
    "supplier AND contract",
    "+supplier +contract",
    "-supplier contract",
    "supplier OR vendor",
    "(supplier OR customer) AND (contract OR agreement)",
    "incident NOT major",
    "change -emergency",
    // fields
    "title:change",
    "kind:procedure",
    "status:retired",
    "tag:supplier",
    "headings:escalation",
    "summary:incidents",
    "body:backup",
    "owner:manager",
    "clausetitle:planning",
    "kind:policy review",
    "clause:8.1",
    "id:SMS-PRO-007",
    // clause numbers
    "8.2",
    "9001 8.2.2",
    "4.3.2",
    "iso20000-1:2011/7.2",
    "20000 6.6",
    "problem management",
    // ids
    "SMS-PRO-007",
    "sms-prc",
    "GEN-POL-00008",
    // misspellings (one edit, five letters or more)
    "incidnet",
    "supplyer",
    "managment",
    "continuty",
    // non-English text
    "gestión",
    "Änderungen",
    "情報管理",
    "cafe",
    // a kind the example site declares (`[kinds] manual`; the corpus
    // declares none, so every engine refuses it there)
    "kind:manual",
    "kind:Manual quality",
    "kind:manual OR kind:policy",
    "quality -kind:manual",
];

/// Queries being typed (the search box, the API's default `live=1`): the
/// last word also a prefix. The CLI has no such mode.
const LIVE_QUERIES: &[&str] = &[
    "incid",
    "supp",
    "change manag",
    "emergency ch",
    "sms-pr",
    "title:chan",
    "\"emergency cha",
    "8.",
];

/// A document in other languages, added to the example site.
const FOREIGN_DOC: &str = "+++\nid = \"SMS-REC-090\"\ntitle = \"Gestión de cambios: Änderungen\"\n\
kind = \"record\"\nowner = \"Ana Núñez\"\napprover = \"Tom Hale\"\nstatus = \"approved\"\nversion = \"1.0\"\n\
effective = 2026-10-09\nreview_by = 2028-10-31\nclauses = [\"iso20000-1:2011/6.3.3\"]\n\
tags = [\"international\"]\nsummary = \"Registro de gestión, Änderungen und 情報管理.\"\n+++\n\n\
# Gestión de cambios: Änderungen\n\nEl café de la gestión de cambios. Die Änderungen des Dienstes. 情報管理の記録。\n";

/// What one engine answered for one query.
#[derive(Debug, Clone, PartialEq)]
struct Answer {
    total: usize,
    /// Every match (or the first 50, from the API), best first.
    ids: Vec<String>,
    scores: Vec<u64>,
    clauses: Vec<String>,
    /// The kind facet, [(kind, count)], where the engine gave it.
    kinds: Option<Vec<(String, u64)>>,
}

fn answer_of(v: &serde_json::Value) -> Result<Answer, String> {
    if let Some(e) = v.get("error") {
        return Err(e.to_string());
    }
    let list = |key: &str| v[key].as_array().cloned().unwrap_or_default();
    let results = list("results");
    let (ids, scores) = if results.is_empty() && v.get("ids").is_some() {
        (
            list("ids")
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect(),
            list("scores").iter().map(|x| x.as_u64().unwrap()).collect(),
        )
    } else {
        (
            results
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect(),
            results
                .iter()
                .map(|r| r["score"].as_u64().unwrap())
                .collect(),
        )
    };
    let clauses = list("clauses")
        .iter()
        .map(|c| match c {
            serde_json::Value::Array(a) => {
                format!("{} {}", a[0].as_str().unwrap(), a[1].as_str().unwrap())
            }
            c => format!(
                "{} {}",
                c["number"].as_str().unwrap(),
                c["standard"].as_str().unwrap()
            ),
        })
        .collect();
    let kinds = v
        .get("kinds")
        .or_else(|| v.get("facets").and_then(|f| f.get("kinds")))
        .and_then(|k| serde_json::from_value(k.clone()).ok());
    Ok(Answer {
        total: v["total"].as_u64().unwrap_or(0) as usize,
        ids,
        scores,
        clauses,
        kinds,
    })
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The browser's answers: theme/search.js's ShardEngine in Chromium, the
/// site opened from file://.
fn browser_answers(
    tools: &BrowserTools,
    out: &std::path::Path,
    queries: &[(&str, &str)],
) -> Vec<serde_json::Value> {
    let tmp = tempdir();
    let file = tmp.path().join("queries.json");
    std::fs::write(&file, serde_json::to_string(queries).unwrap()).unwrap();
    let run = Command::new(&tools.node)
        .current_dir(&tools.dir)
        .arg("parity.js")
        .arg("--out")
        .arg(out)
        .arg("--queries")
        .arg(&file)
        .env("CHROMIUM_PATH", &tools.chromium)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "parity.js: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("JSON from parity.js")
}

/// Run every query (and `more`, strict) through the CLI, the API of
/// `clausebook serve` and the browser on the site at `root`; returns the
/// differences, how many strict queries matched something, and the
/// browser's answers to `more`.
fn compare_engines(
    tools: &BrowserTools,
    root: &std::path::Path,
    out: &std::path::Path,
    more: &[&str],
) -> (Vec<String>, usize, Vec<Result<Answer, String>>) {
    // serve builds the site into `out`; the CLI and the browser read that output.
    let served = serve(root, out, &[]);
    let mut queries: Vec<(&str, &str)> = ENGINE_QUERIES.iter().map(|q| (*q, "strict")).collect();
    queries.extend(LIVE_QUERIES.iter().map(|q| (*q, "live")));
    queries.extend(more.iter().map(|q| (*q, "strict")));
    let browser = browser_answers(tools, out, &queries);
    assert_eq!(
        browser.len(),
        queries.len(),
        "an answer per query from the browser"
    );
    let mut wrong = Vec::new();
    let mut matched = 0;
    let mut answers = Vec::new();
    for (i, ((q, mode), js)) in queries.iter().zip(&browser).enumerate() {
        let live = *mode == "live";
        let (status, _, body) = served.get(&format!(
            "/api/search?q={}&limit=50&live={}&facets=1",
            percent_encode(q),
            u8::from(live)
        ));
        let api: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let api = if status == 200 {
            answer_of(&api)
        } else {
            Err(format!("HTTP {status}: {body}"))
        };
        let js = answer_of(js);
        if i >= queries.len() - more.len() {
            answers.push(js.clone());
        }
        let mut engines = vec![("API", api.clone())];
        if !live {
            let run = run_cli(&[
                std::ffi::OsStr::new("search"),
                "--root".as_ref(),
                root.as_os_str(),
                "--json".as_ref(),
                "--limit".as_ref(),
                "10000".as_ref(),
                "--".as_ref(),
                q.as_ref(),
            ]);
            let cli = if run.code == Some(0) {
                answer_of(&serde_json::from_str(&run.stdout).unwrap_or_default())
            } else {
                Err(run.stderr.lines().next().unwrap_or("").to_string())
            };
            engines.push(("CLI", cli));
        }
        let Ok(js) = js else {
            // The browser refused the query: every engine must.
            for (name, a) in &engines {
                if a.is_ok() {
                    wrong.push(format!(
                        "{q:?} ({mode}): the browser refuses it, the {name} answers"
                    ));
                }
            }
            continue;
        };
        matched += usize::from(!live && js.total > 0);
        for (name, a) in engines {
            let a = match a {
                Ok(a) => a,
                Err(e) => {
                    wrong.push(format!("{q:?} ({mode}): the {name} fails: {e}"));
                    continue;
                }
            };
            let n = a.ids.len();
            if a.total != js.total
                || a.ids[..] != js.ids[..n]
                || a.scores[..] != js.scores[..n]
                || a.clauses != js.clauses
                || a.kinds.is_some() && a.kinds != js.kinds
            {
                wrong.push(format!(
                    "{q:?} ({mode}): {name} {} {:?} {:?} {:?} / browser {} {:?} {:?} {:?}",
                    a.total,
                    &a.ids[..n.min(5)],
                    a.clauses,
                    a.kinds,
                    js.total,
                    &js.ids[..js.ids.len().min(5)],
                    js.clauses,
                    js.kinds
                ));
            }
        }
    }
    (wrong, matched, answers)
}

#[test]
fn cli_api_and_browser_give_the_same_answers() {
    // Whatever the place (clausebook search, the serve API, the search box in Chromium from file://), a query finds the same documents with the same scores in the same order, and the same clause pages: on the example site (with a page in other languages) and on a generated corpus.
    let Some(tools) = browser_or_skip("cli_api_and_browser_give_the_same_answers") else {
        return;
    };
    assert!(
        ENGINE_QUERIES.len() >= 40,
        "{} queries",
        ENGINE_QUERIES.len()
    );
    let tmp = tempdir();
    let example = copy_site(&repo_root(), tmp.path());
    ignore_review_dates(&example);
    write_file(&example.join("content/records/foreign.md"), FOREIGN_DOC);
    let corpus = tmp.path().join("corpus");
    run_cli(&[
        "gen-corpus",
        "--docs",
        "300",
        "--seed",
        "7",
        "--out",
        corpus.to_str().unwrap(),
    ])
    .assert_code(0);
    for (name, root, min) in [("example", &example, 35), ("corpus", &corpus, 25)] {
        // The output folder of its clausebook.toml, where `search` looks.
        let out = root.join("public");
        // Each published title of the example, searched as typed.
        let docs = if name == "example" {
            published_docs(&load_site(root, false))
        } else {
            Vec::new()
        };
        assert!(
            name != "example" || docs.len() >= 50,
            "{} titles",
            docs.len()
        );
        let titles: Vec<&str> = docs.iter().map(|d| d.1.as_str()).collect();
        let (wrong, matched, answers) = compare_engines(&tools, root, &out, &titles);
        assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
        assert!(
            matched >= min,
            "{name}: only {matched} queries match documents"
        );
        // The three engines agree (above): each title finds its own
        // document first among documents in all of them.
        let second: Vec<String> = docs
            .iter()
            .zip(&answers)
            .filter(|((id, _), a)| {
                a.as_ref().map(|a| a.ids.first()) != Ok(Some(&id.to_lowercase()))
                    && a.as_ref().map(|a| a.ids.first()) != Ok(Some(id))
            })
            .map(|((id, title), a)| {
                format!(
                    "{title:?} ({id}): {:?}",
                    a.as_ref().map(|a| &a.ids[..a.ids.len().min(3)])
                )
            })
            .collect();
        assert!(
            second.is_empty(),
            "titles not ranking their document first:\n{}",
            second.join("\n")
        );
    }
}
