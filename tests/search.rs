//! Search: the tantivy index written by the build, `clausebook search`,
//! the static browser index, and `clausebook serve` (API and path-traversal
//! refusals). The browser's side (theme/search.js in node and Chromium) is
//! tested in tests/browser.rs.
//!
//! Most tests share one copy of the example site, built once with the
//! fixed date of tests/common ([`example_build`]).

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use clausebook::resolve::Site;
use clausebook::search::{ParseMode, SearchIndex, SearchRequest};

/// The example site's sources (built once for this test binary).
fn example() -> &'static Path {
    &example_build().0
}

/// Its output folder.
fn output() -> &'static Path {
    &example_build().1
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        SearchIndex::open(&output().join(clausebook::search::INDEX_DIR)).expect("open the index")
    })
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| load_site(example(), false))
}

/// Published (id, title) pairs.
fn published() -> Vec<(String, String)> {
    let docs = published_docs(site());
    assert!(docs.len() > 40, "the example site publishes {}", docs.len());
    docs
}

fn ids(query: &str, limit: usize) -> Vec<String> {
    search(&SearchRequest {
        query: query.into(),
        limit,
        ..SearchRequest::default()
    })
}

/// The ids of the results of `clausebook search --json`, in order.
fn cli_ids(stdout: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn search(req: &SearchRequest) -> Vec<String> {
    index()
        .search(req)
        .unwrap_or_else(|e| panic!("search {:?}: {e}", req.query))
        .results
        .into_iter()
        .map(|h| h.id)
        .collect()
}

// ------------------------------------------------------------- the index

#[test]
fn index_holds_every_published_document() {
    // Search finds every published document and no unpublished draft.
    let n = published().len();
    assert!(n > 40, "the example site publishes {n} documents");
    assert_eq!(index().num_docs() as usize, n);
    assert!(
        ids("\"Capacity Plan 2027\"", 5).is_empty(),
        "a draft was indexed"
    );
}

#[test]
fn every_document_is_found_by_its_id() {
    // A reader typing a document's id, in any case, gets that document first.
    for (id, _) in published() {
        let got = ids(&id, 3);
        assert_eq!(got.first(), Some(&id), "searching {id} gave {got:?}");
        let lower = ids(&id.to_lowercase(), 1);
        assert_eq!(lower.first(), Some(&id), "ids match in any case");
    }
}

#[test]
fn every_document_is_found_by_its_title() {
    // A reader typing a document's title finds that document among the first three, nearly always first (the one ranking weighs every field a word is in: a process whose body and headings also have the title's words may come first).
    let docs = published();
    let mut first = 0;
    for (id, title) in &docs {
        let got = ids(title, 3);
        assert!(
            got.contains(id),
            "searching the title {title:?} gave {got:?}"
        );
        first += usize::from(got.first() == Some(id));
    }
    assert!(
        first * 100 >= docs.len() * 95,
        "only {first} of {} titles find their document first",
        docs.len()
    );
}

#[test]
fn clause_numbers_find_documents_and_their_subclauses() {
    // A clause number finds the documents addressing it: `8` also those on 8.1 and 8.2, a standard-qualified number only that standard's clause.
    assert_eq!(ids("4.3.2", 5), ["SMS-PRO-001"]);
    let eight = ids("8", 30);
    for id in ["SMS-PRC-011", "SMS-WI-001", "SMS-PRC-012"] {
        assert!(eight.contains(&id.to_string()), "8 → {eight:?} lacks {id}");
    }
    let full = ids("iso20000-1:2011/8.1", 10);
    assert!(full.contains(&"SMS-PRC-011".to_string()), "{full:?}");
    assert!(
        !full.contains(&"SMS-PRC-016".to_string()),
        "ISO 9001's 8.1 is another clause: {full:?}"
    );
    let exact = ids("clause:8.1", 10);
    assert!(exact.contains(&"SMS-WI-001".to_string()), "{exact:?}");
}

#[test]
fn clause_titles_are_searchable() {
    // A document is found by the titles of the clauses it addresses ("Incident and service request management").
    let got = ids("clausetitle:incident", 20);
    for id in ["SMS-PRC-011", "SMS-WI-001"] {
        assert!(got.contains(&id.to_string()), "{got:?} lacks {id}");
    }
}

#[test]
fn english_stemming_matches_other_forms() {
    // Other forms of a word find the same documents (English stemming): "changes" the change documents, "suppliers" the supplier ones.
    let changes = ids("changes", 3);
    assert!(changes.contains(&"SMS-PRC-009".to_string()), "{changes:?}");
    assert!(changes.contains(&"SMS-PRO-007".to_string()), "{changes:?}");
    assert_eq!(ids("suppliers", 1), ids("supplier", 1));
    assert_eq!(ids("auditing", 1), ["SMS-PRO-004"]);
}

#[test]
fn readers_get_the_expected_document_first() {
    // Readers' usual queries (a topic, an id, a clause number) give the expected document first.
    assert_eq!(ids("incident", 1), ["SMS-PRC-011"]);
    assert_eq!(ids("SMS-PRO-007", 1), ["SMS-PRO-007"]);
    assert_eq!(ids("4.3.2", 1), ["SMS-PRO-001"]);
    assert_eq!(ids("supplier", 1), ["SMS-PRC-010"]);
}

#[test]
fn filters_narrow_the_results() {
    // --kind, --status and --clause keep only matching documents.
    let s = site();
    let kind_of = |id: &str| s.docs[s.doc_index(id).unwrap()].meta.kind.as_str();
    let procedures = search(&SearchRequest {
        query: "change".into(),
        kind: Some("procedure".into()),
        limit: 50,
        ..SearchRequest::default()
    });
    assert!(procedures.contains(&"SMS-PRO-007".to_string()));
    assert!(
        procedures.iter().all(|id| kind_of(id) == "procedure"),
        "{procedures:?}"
    );

    let retired = search(&SearchRequest {
        query: "problem".into(),
        status: Some("retired".into()),
        limit: 50,
        ..SearchRequest::default()
    });
    assert_eq!(retired, ["SMS-PRO-003"]);

    let within_8 = search(&SearchRequest {
        query: "incident".into(),
        clause: Some("8".into()),
        limit: 50,
        ..SearchRequest::default()
    });
    assert!(within_8.contains(&"SMS-PRC-011".to_string()));
    for id in &within_8 {
        let i = s.doc_index(id).unwrap();
        assert!(
            s.clauses[i]
                .iter()
                .any(|r| r.key.clause == "8" || r.key.clause.starts_with("8.")),
            "{id} addresses no clause within 8"
        );
    }
    let on_72 = search(&SearchRequest {
        query: "supplier".into(),
        clause: Some("iso20000-1:2011/7.2".into()),
        limit: 50,
        ..SearchRequest::default()
    });
    assert_eq!(on_72.len(), 2, "{on_72:?}");
}

#[test]
fn partial_words_complete_when_asked() {
    // Search as you type: "suppl" finds the supplier documents.
    let req = SearchRequest {
        query: "suppl".into(),
        limit: 5,
        mode: ParseMode::Lenient,
        complete_last_word: true,
        ..SearchRequest::default()
    };
    assert_eq!(
        search(&req).first().map(String::as_str),
        Some("SMS-PRC-010")
    );
}

#[test]
fn lenient_parsing_survives_malformed_queries() {
    // Half-typed queries in the search box get an answer, never an error: a query the strict parser refuses is answered, and its words still find their documents.
    let lenient = |q: &str, limit: usize| {
        index()
            .search(&SearchRequest {
                query: q.into(),
                limit,
                mode: ParseMode::Lenient,
                complete_last_word: true,
                ..SearchRequest::default()
            })
            .unwrap_or_else(|e| panic!("{q}: {e}"))
    };
    for q in ["title:(", "\"unclosed", "AND", "(((", "+-", ":"] {
        let strict = index().search(&SearchRequest {
            query: q.into(),
            limit: 5,
            ..SearchRequest::default()
        });
        assert!(strict.is_err(), "`{q}` is not malformed: {strict:?}");
        lenient(q, 5);
    }
    // A lone `*` (the language has no wildcard) is answered, matching nothing.
    assert_eq!(lenient("*", 5).total, 0);
    // The words of a half-typed query find what they find alone, ranked
    // alike, and the limit holds when more documents match.
    for (half, whole) in [
        ("incident (", "incident"),
        ("\"supplier management", "supplier"),
    ] {
        let hits = lenient(half, 3);
        assert!(!hits.warnings.is_empty(), "`{half}`: no warning");
        assert!(hits.total > 3, "`{half}` finds only {}", hits.total);
        assert_eq!(hits.results.len(), 3, "`{half}`");
        assert_eq!(
            hits.results[0].id,
            ids(whole, 1)[0],
            "`{half}` ranks first another document than `{whole}`"
        );
    }
}

// ------------------------------------------------------- the static index

/// The object assigned by search/index.js.
fn static_index() -> serde_json::Value {
    let text = std::fs::read_to_string(output().join("search/index.js")).unwrap();
    let start = text.find("window.CLAUSEBOOK_SEARCH = ").unwrap() + 27;
    let end = text.rfind(';').unwrap();
    serde_json::from_str(&text[start..end]).expect("the static index is JSON")
}

#[test]
fn the_static_index_is_compact_and_complete() {
    // The static index for file:// and plain hosts is a small root script and content-hashed shards: it holds every published document (kind and status in the root, the rest in document shards) and the standards in scope, with the full text only as terms.
    let v = static_index();
    assert_eq!(v["version"], 2);
    let n = published().len();
    assert_eq!(v["n"].as_u64().unwrap() as usize, n);
    assert_eq!(v["ks"].as_str().unwrap().chars().count(), n);
    // URLs follow the pattern, so they are left out of the document shards.
    assert_eq!(v["url"], "documents/%/index.html");
    assert_eq!(v["standards"][0]["id"], "iso20000-1:2011");
    assert!(v["standards"][0]["url"].as_str().unwrap().contains('%'));
    let search = output().join("search");
    let mut shards = 0;
    let mut listed: Vec<String> = Vec::new();
    for key in ["words", "pairs"] {
        for e in v[key].as_array().unwrap() {
            listed.push(e[1].as_str().unwrap().to_string());
        }
    }
    for f in v["meta"]["files"].as_array().unwrap() {
        listed.push(f.as_str().unwrap().to_string());
    }
    listed.push(v["clauses"].as_str().unwrap().to_string());
    for name in &listed {
        let text =
            std::fs::read_to_string(search.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            text.starts_with("(self.CLAUSEBOOK_SEARCH_SHARDS")
                || text.contains("CLAUSEBOOK_SEARCH_SHARDS"),
            "{name} is not a shard script"
        );
        // No body sentence is stored verbatim.
        assert!(!text.contains("in the ITSM platform. The requester describes"));
        shards += 1;
    }
    assert!(shards > 3, "{shards} shards");
    let size = std::fs::metadata(search.join("index.js")).unwrap().len();
    assert!(
        size < 20_000,
        "the root of the static index takes {size} bytes"
    );
}

// ------------------------------------------------------------------ CLI

#[test]
fn cli_prints_ranked_results_with_urls_and_snippets() {
    // The terminal output names the id, title, page and the matched words.
    let root = example().to_str().unwrap();
    let r = run_cli(&["search", "incident", "--root", root, "--limit", "3"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let first = r.stdout.lines().find(|l| l.contains("1. ")).unwrap();
    assert!(first.contains("SMS-PRC-011"), "{}", r.stdout);
    assert!(r.stdout.contains("documents/sms-prc-011/index.html"));
    assert!(
        r.stdout.contains("*incident"),
        "matches marked: {}",
        r.stdout
    );
    assert!(!r.stdout.contains('\x1b'), "no ANSI codes when piped");
    assert!(r.stdout.contains("Showing 3 of"), "{}", r.stdout);
}

#[test]
fn cli_json_has_the_documented_shape() {
    // `clausebook search --json` prints the documented shape {query, total, clauses (when the query names clause pages), results: [{id, title, kind, status, url, score, where (when known), snippet}]}.
    let root = example().to_str().unwrap();
    let r = run_cli(&["search", "supplier", "--root", root, "--json", "-n", "5"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, ["clauses", "query", "results", "total"]);
    // The clause pages whose title has the word, labelled by standard.
    let clauses = v["clauses"].as_array().unwrap();
    assert!(
        clauses
            .iter()
            .any(|c| c["number"] == "7.2" && c["standard"] == "ISO/IEC 20000-1:2011"),
        "{clauses:?}"
    );
    assert_eq!(v["query"], "supplier");
    assert!(v["total"].as_u64().unwrap() >= 5);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for hit in results {
        let mut k: Vec<&str> = hit
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        k.sort();
        k.retain(|k| *k != "where");
        assert_eq!(
            k,
            ["id", "kind", "score", "snippet", "status", "title", "url"]
        );
        assert!(hit["score"].as_u64().unwrap() > 0);
        let url = hit["url"].as_str().unwrap();
        assert!(output().join(url).is_file(), "{url} is not a page");
        assert!(!hit["snippet"].as_str().unwrap().contains("<script"));
    }
    assert_eq!(results[0]["id"], "SMS-PRC-010");
    assert_eq!(results[0]["kind"], "process");
    assert_eq!(results[0]["status"], "approved");
    assert!(results[0]["snippet"].as_str().unwrap().contains("<mark>"));
}

#[test]
fn cli_filters() {
    // --kind, --status and --clause work from the command line too.
    let root = example().to_str().unwrap();
    let r = run_cli(&[
        "search", "change", "--root", root, "--kind", "form", "--json",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "form")
    );
    assert_eq!(v["results"][0]["id"], "SMS-FRM-002");

    let r = run_cli(&[
        "search",
        "management",
        "--root",
        root,
        "--clause",
        "iso20000-1:2011/8.2",
        "--status",
        "approved",
        "--json",
    ]);
    let got = cli_ids(&r.stdout);
    assert_eq!(
        got,
        ["SMS-PRC-012"],
        "the retired procedure is filtered out"
    );

    let r = run_cli(&["search", "change", "--root", root, "--kind", "memo"]);
    assert_eq!(r.code, Some(2), "an unknown kind is a usage error");
    assert!(
        r.stderr.contains("procedure"),
        "lists the kinds: {}",
        r.stderr
    );
}

#[test]
fn declared_kinds_are_kinds() {
    // A kind the site declares (`[kinds] manual`) is searched by its name like a built-in kind: `kind:manual` and the CLI's --kind find its documents, the facets count it by name, and a misspelt kind gets a did-you-mean.
    let manuals = ids("kind:manual", 50);
    assert!(!manuals.is_empty(), "kind:manual finds the manuals");
    let docs = &site().docs;
    for id in &manuals {
        let doc = docs.iter().find(|d| &d.meta.id == id).unwrap();
        assert_eq!(doc.meta.kind.as_str(), "manual", "{id}");
    }
    assert!(ids("kind:other", 50).iter().all(|id| !manuals.contains(id)));
    let hits = index()
        .search(&SearchRequest {
            query: "quality".into(),
            limit: 50,
            facets: true,
            ..SearchRequest::default()
        })
        .unwrap();
    let facets = hits.facets.unwrap();
    assert!(
        facets.kinds.iter().any(|(k, n)| k == "manual" && *n > 0),
        "{:?}",
        facets.kinds
    );
    let only = search(&SearchRequest {
        query: "quality".into(),
        limit: 50,
        kind: Some("manual".into()),
        ..SearchRequest::default()
    });
    assert!(!only.is_empty() && only.iter().all(|id| manuals.contains(id)));
    let err = index()
        .search(&SearchRequest {
            query: "kind:manul".into(),
            mode: ParseMode::Strict,
            ..SearchRequest::default()
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("did you mean `kind:manual`?"), "{err}");
    let err = index()
        .search(&SearchRequest {
            query: "quality".into(),
            kind: Some("manul".into()),
            ..SearchRequest::default()
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("did you mean `manual`?"), "{err}");

    let root = example().to_str().unwrap();
    let r = run_cli(&[
        "search", "quality", "--root", root, "--kind", "manual", "--json",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let got = cli_ids(&r.stdout);
    assert_eq!(got, only, "the CLI's --kind filters as the engine does");
    let r = run_cli(&["search", "kind:manul", "--root", root]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean `kind:manual`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn cli_reports_malformed_queries() {
    // A syntax error is explained, with exit code 2 and no panic.
    let root = example().to_str().unwrap();
    for q in ["title:(", "\"unclosed", "nosuchfield:x", "-change"] {
        let r = run_cli(&["search", "--root", root, "--", q]);
        assert_eq!(r.code, Some(2), "{q}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("invalid query"), "{q}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    let r = run_cli(&["search", "   ", "--root", root]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("empty"));
}

#[test]
fn cli_asks_for_a_build_first() {
    // Searching a site never built says what to do.
    let tmp = tempdir();
    let site = copy_site(&repo_root(), tmp.path());
    let r = run_cli(&[
        "search".as_ref(),
        "incident".as_ref(),
        "--root".as_ref(),
        site.as_os_str(),
    ]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("clausebook build"), "{}", r.stderr);
}

#[test]
fn cli_warns_when_the_index_is_stale() {
    // Searching a site edited after its last build warns that the index is older than the content.
    let tmp = tempdir();
    let site = copy_site(&repo_root(), tmp.path());
    // Into the output folder of its clausebook.toml, where search looks.
    build_cli(&site, &site.join("public"), &["-q"]).assert_code(0);
    let root = site.to_str().unwrap();
    let r = run_cli(&["search", "incident", "--root", root]);
    r.assert_code(0);
    assert!(!r.stderr.contains("older"), "{}", r.stderr);
    let file = std::fs::File::options()
        .write(true)
        .open(site.join("content/procedures/change-management.md"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(60))
        .unwrap();
    let r = run_cli(&["search", "incident", "--root", root]);
    assert_eq!(r.code, Some(0));
    assert!(
        r.stderr.contains("older than the site's content"),
        "{}",
        r.stderr
    );
}

#[test]
fn cli_help_documents_search_and_serve() {
    // `search --help` and `serve --help` document their options.
    let r = run_cli(&["search", "--help"]);
    assert!(r.stdout.contains("--clause") && r.stdout.contains("--json"));
    let r = run_cli(&["serve", "--help"]);
    assert!(r.stdout.contains("127.0.0.1") && r.stdout.contains("--port"));
}

// ---------------------------------------------------------------- serve

/// `clausebook serve` of a copy of the example site (review dates made
/// harmless: serve has no `--today`).
fn serve_example() -> Served {
    let tmp = tempdir();
    let site = copy_site(&repo_root(), tmp.path());
    ignore_review_dates(&site);
    serve(&site, &tmp.path().join("out"), &[]).keeping(tmp)
}

#[test]
fn serve_answers_pages_and_search() {
    // `clausebook serve` answers pages, folders (after a redirect), content types, the 404 page and the search API, with no CORS header.
    let srv = serve_example();
    let (status, head, body) = srv.get("/");
    assert_eq!(status, 200);
    assert!(head.contains("text/html"));
    assert!(body.contains("id=\"search-input\""));
    let (status, head, _) = srv.get("/documents/sms-pro-007");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /documents/sms-pro-007/"));
    let (status, _, body) = srv.get("/documents/sms-pro-007/");
    assert_eq!(status, 200);
    assert!(body.contains("Change Management Procedure"));
    let (_, head, _) = srv.get("/theme/clausebook.css");
    assert!(head.contains("text/css"));
    let (status, head, body) = srv.get("/no/such/page.html");
    assert_eq!(status, 404);
    assert!(head.contains("text/html") && body.contains("Page not found"));
    // The static index is replaced by a pointer to the API.
    let (_, _, body) = srv.get("/search/index.js");
    assert!(body.contains("\"api\": \"api/search\""), "{body}");

    let (status, head, body) = srv.get("/api/search?q=SMS-PRO-007");
    assert_eq!(status, 200);
    assert!(head.contains("application/json"));
    assert!(
        !head.to_ascii_lowercase().contains("access-control"),
        "no CORS: {head}"
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"][0]["id"], "SMS-PRO-007");
    assert_eq!(v["query"], "SMS-PRO-007");
    let (_, _, body) = srv.get("/api/search?q=incid");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["results"][0]["id"], "SMS-PRC-011",
        "a partial word completes"
    );
    let (_, _, body) = srv.get("/api/search?q=supplier+management&kind=process");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let hits = v["results"].as_array().unwrap();
    assert!(!hits.is_empty(), "{body}");
    assert!(hits.iter().all(|h| h["kind"] == "process"), "{body}");
    // A kind the site declares is a kind for the API too.
    let (status, _, body) = srv.get("/api/search?q=quality&kind=manual");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let hits = v["results"].as_array().unwrap();
    assert!(!hits.is_empty(), "{body}");
    assert!(hits.iter().all(|h| h["kind"] == "manual"), "{body}");
    let (status, _, body) = srv.get("/api/search?q=quality&kind=manul");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("did you mean `manual`?"), "{body}");
    let (status, _, _) = srv.get("/api/search?q=title%3A%28");
    assert_eq!(status, 200, "half-typed queries are answered");
}

#[test]
fn serve_bounds_queries_and_results() {
    // The search API refuses over-long queries and bad parameters, and caps the results at 50.
    let srv = serve_example();
    let long = "a".repeat(257);
    let (status, _, body) = srv.get(&format!("/api/search?q={long}"));
    assert_eq!(status, 400);
    assert!(body.contains("256"));
    let (status, _, _) = srv.get(&format!("/api/search?q={}", "a".repeat(256)));
    assert_eq!(status, 200);
    let (_, _, body) = srv.get("/api/search?q=sms&limit=1000");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let n = v["results"].as_array().unwrap().len();
    let total = v["total"].as_u64().unwrap();
    assert!(
        total > 50,
        "`sms` matches only {total} documents: the cap is not tested"
    );
    assert_eq!(n, 50, "{total} documents match: 50 results at most");
    for bad in [
        "/api/search",
        "/api/search?q=x&limit=0",
        "/api/search?q=x&limit=abc",
        "/api/search?q=%zz",
        "/api/search?q=x&kind=memo",
    ] {
        assert_eq!(srv.get(bad).0, 400, "{bad}");
    }
    assert_eq!(srv.get(&format!("/{}", "x".repeat(5000))).0, 414);
}

#[test]
fn serve_refuses_paths_outside_the_output() {
    // `clausebook serve` never answers a file outside the output folder: no traversal in any spelling, no symlink leading out, no hidden file.
    let srv = serve_example();
    let secret_dir = tempdir();
    std::fs::write(secret_dir.path().join("secret.txt"), "TOP-SECRET-CONTENT").unwrap();
    std::os::unix::fs::symlink(
        secret_dir.path().join("secret.txt"),
        srv.output.join("leak.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(secret_dir.path(), srv.output.join("leakdir")).unwrap();
    for path in [
        "/../Cargo.toml",
        "/../../etc/passwd",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fCargo.toml",
        "/..%2f..%2fetc%2fpasswd",
        "/documents/../../Cargo.toml",
        "/documents/%2e%2e/%2e%2e/Cargo.toml",
        "/..%5cCargo.toml",
        "/%5c..%5cCargo.toml",
        "/index.html%00.css",
        "//etc/passwd",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/",
        "/.clausebook-output",
        "/search/tantivy/.managed.json",
        "http://example.com/index.html",
    ] {
        let (status, _, body) = srv.get(path);
        assert!(
            matches!(status, 400 | 403 | 404),
            "{path} answered {status}"
        );
        assert!(!body.contains("TOP-SECRET"), "{path} leaked the secret");
        assert!(!body.contains("[package]"), "{path} leaked Cargo.toml");
        assert!(!body.contains("root:"), "{path} leaked /etc/passwd");
    }
    // The same files are served when asked for properly.
    assert_eq!(srv.get("/index.html").0, 200);
    let (status, head, _) = srv.get("/index.html");
    assert_eq!(status, 200);
    assert!(head.contains("X-Content-Type-Options: nosniff"));
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /api/search?q=x HTTP/1.0\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.0 405") || answer.starts_with("HTTP/1.1 405"),
        "{answer}"
    );
}

#[test]
fn the_index_written_from_the_model_is_the_one_tantivy_makes_of_each_document() {
    // The build writes the tantivy segment's terms and postings from the search model; tantivy adding every term of every document itself must give the same bytes in every file of the segment.
    use clausebook::search::query::model::Model;
    use clausebook::search::tindex::{self, Fields};
    use tantivy::directory::RamDirectory;
    use tantivy::{Directory, Index, IndexSettings, IndexWriter};

    let model = Model::of_site(site());
    assert!(model.docs.len() > 10, "the example site has documents");
    // What the build writes.
    let built = tindex::build(&model).expect("index of the model");
    // Tantivy's own index of the full documents.
    let ram = RamDirectory::create();
    let index = Index::create(ram.clone(), tindex::schema(), IndexSettings::default()).unwrap();
    let fields = Fields::of(&index.schema()).unwrap();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 32 << 20).unwrap();
    for doc in tindex::documents(&fields, &model, None) {
        writer.add_document(doc).unwrap();
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    let metas = index.searchable_segment_metas().unwrap();
    assert_eq!(metas.len(), 1);
    let id = metas[0].id().uuid_string();
    let mut compared = 0;
    for f in &built {
        // Segment files are named `<32 hex digits of the segment>.<component>`.
        let name = f.path.rsplit('/').next().unwrap();
        let Some((stem, ext)) = name.split_once('.') else {
            continue;
        };
        if stem.len() != 32 || !stem.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let theirs = ram
            .open_read(std::path::Path::new(&format!("{id}.{ext}")))
            .unwrap_or_else(|e| panic!("tantivy wrote no .{ext}: {e}"))
            .read_bytes()
            .unwrap();
        assert!(
            theirs.as_slice() == f.bytes.as_slice(),
            "the .{ext} file differs from tantivy's ({} bytes against {})",
            f.bytes.len(),
            theirs.len()
        );
        compared += 1;
    }
    // Terms, postings, positions, fast fields, field norms, stored documents.
    assert!(compared >= 6, "compared {compared} segment files");
}
