//! The fuzz suite: property tests (proptest, stable Rust) that feed
//! generated and mutated input to the parsers a site goes through —
//! front-matter (TOML and YAML), Markdown with links and anchors, clause
//! references, `clausebook.toml` and the search query parser — and hold
//! that nothing panics or hangs and that every finding is located (file,
//! line ≥ 1, column ≥ 1, a bounded snippet with the caret inside it).
//!
//! The case budget is fixed (see [`config`]) so that the suite runs in
//! seconds in a debug build; the README says how to run it longer. The
//! minimized inputs of past defects are kept in
//! `tests/fixtures/fuzz-regressions/` and run first.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use clausebook::base::diag::Diagnostic;
use clausebook::load::config::{Config, ConfigError};
use clausebook::load::content::{self, Document};
use clausebook::load::standards::{ResolveOptions, Standards};
use clausebook::resolve::links::{LinkIndex, LinkMaps};
use clausebook::resolve::markdown;
use clausebook::search::{ParseMode, SearchIndex, SearchRequest};
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestRunner};

/// The configuration of every property: `default_cases` cases unless
/// `PROPTEST_CASES` says otherwise, a fixed seed unless `PROPTEST_RNG_SEED`
/// gives one (CI runs are reproducible), no failure files written into the
/// repository (a failing case is printed; keep it as a regression fixture).
fn config(default_cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = default_cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x00c1_a05e);
    }
    c.failure_persistence = None;
    c.max_shrink_time = 30_000;
    c
}

/// Assert that a finding is located in `file` and that its snippet is
/// bounded, with the caret inside it.
#[track_caller]
fn assert_located_finding(d: &Diagnostic, file: &str) {
    assert_eq!(d.file, Path::new(file), "{d:?}");
    assert!(d.line >= 1 && d.column >= 1, "not located: {d:?}");
    let line = d.source_line.as_deref().expect("a source line");
    let n = line.chars().count();
    assert!(n <= 300, "a snippet of {n} characters: {d:?}");
    assert!(d.caret <= n, "caret past the snippet: {d:?}");
    assert!(d.width >= 1, "{d:?}");
}

// ------------------------------------------------------------ generators

/// Text that front-matter and Markdown parsers find tricky: quotes,
/// brackets, escapes, separators, non-ASCII, control characters.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.-]{0,12}",
        "[\\[\\]{}\"'\\\\#=:,|>&*!%@`-]{1,6}",
        Just("é".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("\u{0}".to_string()),
        Just("👍🏽".to_string()),
        Just("..".to_string()),
        Just("+++".to_string()),
        Just("---".to_string()),
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn words(n: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky(), 0..n).prop_map(|v| v.concat())
}

/// A key of the front-matter: mostly known ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(content::KNOWN_KEYS.to_vec()).prop_map(str::to_string),
        1 => "[a-z_]{1,8}",
        1 => words(3),
    ]
}

/// A value, TOML-ish or YAML-ish, sometimes nested or broken.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        words(4).prop_map(|w| format!("\"{}\"", w.replace('"', "'"))),
        words(4),
        Just("2026-02-30".to_string()),
        Just("2026-01-31".to_string()),
        Just("approved".to_string()),
        Just("\"iso20000-1:2011/4.1\"".to_string()),
        Just("{ ref = \"9001:2008 7.3\", level = \"partial\", section = \"x\" }".to_string()),
        (1..60usize).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        (1..60usize).prop_map(|n| "[".repeat(n)),
        Just("|".to_string()),
        Just("&a [1, *a]".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|v| format!("[{}]", v.join(", ")))
    })
}

/// A whole document: a fence (or none), lines of `key = value` or
/// `key: value` or junk, a closing fence (or none), a body.
fn document() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        6 => (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        6 => (key(), value()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => (key(), value()).prop_map(|(k, v)| format!("  - {k}: {v}")),
        1 => words(6),
        1 => (1..30usize, value()).prop_map(|(n, v)| format!("{}{v}", "- ".repeat(n))),
        1 => (1..30usize).prop_map(|n| format!("[{}]", vec!["t"; n].join("."))),
    ];
    (
        prop::sample::select(vec!["+++", "---", "+++", "---", "", "\u{feff}+++"]),
        prop::collection::vec(line, 0..12),
        any::<bool>(),
        markdown_body(),
    )
        .prop_map(|(fence, lines, close, body)| {
            let close_fence = fence.trim_start_matches('\u{feff}');
            let mut s = String::new();
            if !fence.is_empty() {
                s.push_str(fence);
                s.push('\n');
            }
            for l in lines {
                s.push_str(&l);
                s.push('\n');
            }
            if close && !fence.is_empty() {
                s.push_str(close_fence);
                s.push('\n');
            }
            s.push_str(&body);
            s
        })
}

/// A front-matter that parses: id, title, maybe clauses and related ids.
fn valid_front_matter(id: String) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(clause_ref(), 0..4),
        prop::collection::vec(link_target(), 0..3),
        prop::sample::select(vec!["draft", "review", "approved", "retired"]),
    )
        .prop_map(move |(clauses, related, status)| {
            let q = |v: &[String]| {
                v.iter()
                    .map(|s| format!("\"{}\"", s.replace(['"', '\\'], "")))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "+++\nid = \"{id}\"\ntitle = \"Title of {id}\"\nstatus = \"{status}\"\napprover = \"A\"\n\
                 effective = 2026-01-05\nclauses = [{}]\nrelated = [{}]\n+++\n",
                q(&clauses),
                q(&related)
            )
        })
}

/// Ids the generated documents use, and targets links may name.
const IDS: [&str; 3] = ["DOC-1", "doc-2", "D.3"];

fn link_target() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(IDS.to_vec()).prop_map(str::to_string),
        (prop::sample::select(IDS.to_vec()), "[a-z-]{0,8}").prop_map(|(i, a)| format!("{i}#{a}")),
        Just("#".to_string()),
        "#[a-z-]{1,8}",
        Just("../x.md".to_string()),
        Just("a.md#top".to_string()),
        Just("b/../../c.md".to_string()),
        Just("%2e%2e/a.md".to_string()),
        Just("javascript:alert(1)".to_string()),
        Just("https://example.org/x".to_string()),
        Just("/abs".to_string()),
        Just("NO-SUCH".to_string()),
        words(3),
    ]
}

/// Markdown with links, reference links, anchors and headings.
fn markdown_body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        (words(3), link_target()).prop_map(|(t, l)| format!("[{t}]({l})")),
        (words(2), link_target()).prop_map(|(t, l)| format!("[{t}][r]\n\n[r]: {l}\n")),
        (1..7usize, words(3), "[a-z-]{0,6}").prop_map(|(n, t, id)| {
            if id.is_empty() {
                format!("\n{} {t}\n", "#".repeat(n))
            } else {
                format!("\n{} {t} {{#{id}}}\n", "#".repeat(n))
            }
        }),
        words(8),
        Just("\n\n| a | b |\n|---|---|\n| [x](DOC-1) | y |\n".to_string()),
        Just("[^1]\n\n[^1]: note [y](doc-2#scope)\n".to_string()),
        Just("`[not](a link)`".to_string()),
        Just("<a href=\"DOC-1\">raw</a>".to_string()),
        Just("\n```\n[x](DOC-1)\n```\n".to_string()),
        Just("\n".to_string()),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.join(" "))
}

/// A clause reference as people write them, often wrong.
fn clause_ref() -> impl Strategy<Value = String> {
    let std = prop::sample::select(vec![
        "iso20000-1:2011/",
        "20000-1:2011 ",
        "ISO/IEC 20000-1:2011 clause ",
        "ISO 9001:2008 clause ",
        "iso9001:2008/",
        "9001 ",
        "20000-1 ",
        "",
        "nosuch:1/",
        "§ ",
    ]);
    let number = prop_oneof![
        prop::collection::vec(0..12u32, 1..5)
            .prop_map(|v| { v.iter().map(u32::to_string).collect::<Vec<_>>().join(".") }),
        words(2),
        Just("4.1.".to_string()),
        Just("A.5.1".to_string()),
    ];
    (std, number).prop_map(|(s, n)| format!("{s}{n}"))
}

// ------------------------------------------------------------ properties

#[test]
fn front_matter_parsing_never_panics_and_locates_every_error() {
    // Any text as a document file: a document or located findings, never a panic.
    let mut runner = TestRunner::new(config(384));
    runner
        .run(&document(), |text| {
            let (doc, diags) = content::parse_document(
                PathBuf::from("content/f.md"),
                "f.md".into(),
                text,
                &content::Schema::default(),
            );
            for d in &diags {
                assert_located_finding(d, "content/f.md");
            }
            if let Some(doc) = doc {
                prop_assert!(
                    content::id_problem(&doc.meta.id).is_none(),
                    "{}",
                    doc.meta.id
                );
                prop_assert!(doc.body_offset <= doc.source.len());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_text_as_a_document_never_panics() {
    // Unstructured text (any Unicode) in a document file: located findings, never a panic.
    let mut runner = TestRunner::new(config(256));
    let text = prop_oneof![
        any::<String>(),
        any::<String>().prop_map(|s| format!("+++\n{s}\n+++\n")),
        any::<String>().prop_map(|s| format!("---\n{s}\n---\n")),
    ];
    runner
        .run(&text, |text| {
            let (_, diags) = content::parse_document(
                PathBuf::from("content/f.md"),
                "f.md".into(),
                text,
                &content::Schema::default(),
            );
            for d in &diags {
                assert_located_finding(d, "content/f.md");
            }
            Ok(())
        })
        .unwrap();
}

/// Parse `texts` as documents `content/d<i>.md` (those that parse).
fn documents(texts: &[String]) -> Vec<Arc<Document>> {
    texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            content::parse_document(
                PathBuf::from(format!("content/d{i}.md")),
                format!("d{i}.md"),
                t.clone(),
                &content::Schema::default(),
            )
            .0
            .map(Arc::new)
        })
        .collect()
}

#[test]
fn markdown_links_and_anchors_never_panic_and_are_located() {
    // Bodies full of links (ids, anchors, relative paths, schemes) and headings render without panic; each broken link is located and each edge points into its source.
    let mut runner = TestRunner::new(config(192));
    let docs = prop::collection::vec((prop::sample::select(IDS.to_vec()), markdown_body()), 1..4);
    runner
        .run(&docs, |docs| {
            let texts: Vec<String> = docs
                .iter()
                .map(|(id, body)| format!("+++\nid = \"{id}\"\ntitle = \"T\"\n+++\n{body}"))
                .collect();
            let mut docs = documents(&texts);
            docs.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
            docs.dedup_by(|a, b| a.meta.id == b.meta.id);
            let maps = LinkMaps::new(&docs);
            let urls: Vec<String> = docs
                .iter()
                .map(|d| format!("documents/{}/index.html", d.meta.id.to_lowercase()))
                .collect();
            let published: Vec<bool> = (0..docs.len()).map(|i| i % 2 == 0).collect();
            let links = LinkIndex::new(&docs, &maps, &urls, &published);
            for (i, d) in docs.iter().enumerate() {
                let r = markdown::render(i, &links, "../../");
                for diag in &r.diags {
                    assert_located_finding(diag, &d.path.display().to_string());
                }
                for e in &r.edges {
                    prop_assert!(e.to < docs.len());
                    prop_assert!(e.span.offset + e.span.len <= d.source.len());
                }
            }
            Ok(())
        })
        .unwrap();
}

/// The built-in catalogs, loaded once.
fn standards() -> &'static Standards {
    static S: OnceLock<Standards> = OnceLock::new();
    S.get_or_init(|| Standards::load(Path::new("/nonexistent-site-root")).0)
}

#[test]
fn clause_reference_parsing_never_panics() {
    // Any clause reference resolves to a clause of a catalog or is refused with a message, never a panic.
    let mut runner = TestRunner::new(config(512));
    let scope = vec!["iso20000-1:2011".to_string(), "iso9001:2008".to_string()];
    let text = prop_oneof![4 => clause_ref(), 1 => any::<String>()];
    runner
        .run(&(text, any::<bool>()), |(text, default)| {
            let opts = ResolveOptions {
                default_standard: default.then_some("iso20000-1:2011"),
                in_scope: &scope,
            };
            match standards().resolve(&text, &opts) {
                Ok(key) => {
                    let cat = standards().catalog(&key.standard);
                    prop_assert!(
                        cat.is_some_and(|c| c.clause(&key.clause).is_some()),
                        "{key}"
                    );
                }
                Err(e) => prop_assert!(!e.message().is_empty()),
            }
            Ok(())
        })
        .unwrap();
}

/// A site in `tmp` with `clausebook.toml` and documents `content/d<i>.md`
/// (bytes: some are not UTF-8).
fn site_of(tmp: &Path, config: &str, docs: &[Vec<u8>]) -> PathBuf {
    let root = write_site(tmp, config, &[]);
    for (i, d) in docs.iter().enumerate() {
        std::fs::write(root.join(format!("content/d{i}.md")), d).unwrap();
    }
    root
}

const SITE_CONFIG: &str = "title = \"Fuzz\"\nstandards = [\"iso20000-1:2011\", \"iso9001:2008\"]\n\
    default_standard = \"iso20000-1:2011\"\n";

/// Load the site at `root` and hold that every finding of every rule is
/// located with a bounded snippet.
fn check_site(root: &Path) -> Vec<Diagnostic> {
    let site = load_site(root, false);
    let findings: Vec<Diagnostic> = clausebook::check::findings(&site).into_iter().collect();
    for d in &findings {
        let file = d.file.display().to_string();
        assert_located_finding(d, &file);
    }
    findings
}

#[test]
fn whole_sites_of_generated_documents_check_with_located_findings() {
    // Small sites of generated documents (clause references, related ids, links, anchors, broken front-matter) load and check with every finding located.
    let mut runner = TestRunner::new(config(24));
    let doc = prop_oneof![
        3 => (prop::sample::select(IDS.to_vec()), markdown_body())
            .prop_flat_map(|(id, body)| valid_front_matter(id.to_string()).prop_map(move |fm| format!("{fm}{body}"))),
        1 => document(),
    ];
    runner
        .run(&prop::collection::vec(doc, 1..4), |docs| {
            let tmp = tempdir();
            let docs: Vec<Vec<u8>> = docs.into_iter().map(String::into_bytes).collect();
            let root = site_of(tmp.path(), SITE_CONFIG, &docs);
            check_site(&root);
            Ok(())
        })
        .unwrap();
}

/// A `clausebook.toml`, plausible or broken.
fn config_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("title = \"T\"".to_string()),
        words(4).prop_map(|w| format!("title = {w}")),
        prop::sample::select(vec!["iso20000-1:2011", "iso9001:2008", "nosuch", "9001"])
            .prop_map(|s| format!("standards = [\"{s}\"]")),
        value().prop_map(|v| format!("output = {v}")),
        prop::sample::select(vec!["planned", "omit", "hide", ""])
            .prop_map(|s| format!("unpublished = \"{s}\"")),
        Just("clean_links = maybe".to_string()),
        Just("[check]".to_string()),
        (
            prop::sample::select(vec![
                "orphan",
                "coverage",
                "front-matter",
                "nosuch",
                "review_due_days"
            ]),
            prop::sample::select(vec![
                "\"allow\"",
                "\"warn\"",
                "\"deny\"",
                "\"loud\"",
                "3",
                "-1"
            ])
        )
            .prop_map(|(r, l)| format!("{r} = {l}")),
        Just("[exclusions]".to_string()),
        Just("\"iso9001:2008\" = [{ clause = \"7.5.4\", justification = \"\" }]".to_string()),
        Just("[extra]".to_string()),
        (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        words(6),
    ];
    prop::collection::vec(line, 0..10).prop_map(|v| v.join("\n"))
}

#[test]
fn configuration_parsing_never_panics_and_locates_every_error() {
    // Any clausebook.toml parses or is refused with an error located in it.
    let mut runner = TestRunner::new(config(384));
    runner
        .run(&config_text(), |text| {
            match Config::parse(&text) {
                Ok(_) => {}
                Err(ConfigError::Invalid(ds)) => {
                    prop_assert!(!ds.is_empty());
                    for d in &ds {
                        assert_located_finding(d, "clausebook.toml")
                    }
                }
                Err(ConfigError::Missing(_)) => prop_assert!(false, "parse never says missing"),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn generated_configurations_load_or_fail_located() {
    // A site under a generated configuration loads and checks with located findings, or stops with located configuration errors.
    let mut runner = TestRunner::new(config(24));
    runner
        .run(&config_text(), |text| {
            let tmp = tempdir();
            let doc =
                b"+++\nid = \"A-1\"\ntitle = \"T\"\nclauses = [\"4.1\"]\n+++\nBody.\n".to_vec();
            let root = site_of(tmp.path(), &text, &[doc]);
            match clausebook::resolve::Site::load(&root, load_options(false)) {
                Ok(site) => {
                    for d in clausebook::check::findings(&site).iter() {
                        let file = d.file.display().to_string();
                        assert_located_finding(d, &file);
                    }
                }
                Err(clausebook::resolve::SiteError::Config(ConfigError::Invalid(ds))) => {
                    for d in &ds {
                        assert_located_finding(d, "clausebook.toml")
                    }
                }
                Err(clausebook::resolve::SiteError::Config(ConfigError::Missing(_))) => {
                    prop_assert!(false, "the file is there")
                }
                Err(clausebook::resolve::SiteError::Scope(ds)) => {
                    for d in &ds {
                        let file = d.file.display().to_string();
                        assert_located_finding(d, &file);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

/// The search index of the `links` fixture, built once.
fn search_index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let tmp = tempdir();
            let out = tmp.path().join("out");
            build_ok(&fixture("links"), &out, true);
            let index = SearchIndex::open(&out.join(clausebook::search::INDEX_DIR)).unwrap();
            (tmp, index)
        })
        .1
}

/// A search query: words, fields, operators, wildcards, quotes.
fn query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,8}",
        prop::sample::select(vec![
            "id:",
            "title:",
            "x:",
            "clause:",
            "kind:",
            "*",
            "?",
            "\"",
            "(",
            ")",
            "+",
            "-",
            "AND",
            "OR",
            "NOT",
            "~2",
            "^3",
            "[a TO z]",
            "{",
            "}",
            ":",
            "\\",
            "/",
            "é",
            "8.1",
            "iso20000-1:2011/8",
        ])
        .prop_map(str::to_string),
        any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

#[test]
fn search_queries_never_panic() {
    // Any query, strict or lenient, with any filters: results or an error, never a panic.
    let index = search_index();
    let mut runner = TestRunner::new(config(256));
    let filters = (
        proptest::option::of(prop::sample::select(vec!["procedure", "nosuch", ""])),
        proptest::option::of(prop::sample::select(vec!["approved", "draft", "x"])),
        proptest::option::of(prop_oneof![clause_ref(), Just("8.1".to_string())]),
    );
    runner
        .run(
            &(query(), any::<bool>(), any::<bool>(), filters),
            |(q, strict, complete, (kind, status, clause))| {
                let req = SearchRequest {
                    query: q,
                    kind: kind.map(str::to_string),
                    status: status.map(str::to_string),
                    clause,
                    limit: 10,
                    mode: if strict {
                        ParseMode::Strict
                    } else {
                        ParseMode::Lenient
                    },
                    complete_last_word: complete,
                    tag: None,
                    facets: complete,
                };
                if let Ok(hits) = index.search(&req) {
                    prop_assert!(hits.results.len() <= 10);
                }
                Ok(())
            },
        )
        .unwrap();
}

// ------------------------------------------------------------ regressions

/// The regression fixtures: `<name>.md` documents, each with the findings
/// it must give in `<name>.expect` (`rule path:line:column` a line).
fn regression_fixtures() -> Vec<(String, Vec<u8>, Vec<String>)> {
    let dir = repo_root().join("tests/fixtures/fuzz-regressions");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let expect = std::fs::read_to_string(path.with_extension("expect"))
            .unwrap_or_else(|_| panic!("{name}.md has no {name}.expect"));
        let expect = expect
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        out.push((name, std::fs::read(&path).unwrap(), expect));
    }
    out.sort();
    assert!(out.len() >= 10, "only {} regression fixtures", out.len());
    out
}

#[test]
fn regression_fixtures_give_their_located_findings() {
    // Each minimized input of a past defect (bad ids, long lines, deep nesting, invalid UTF-8, long tags) checks without panic, with every finding located, and gives the findings its .expect file lists.
    for (name, bytes, expect) in regression_fixtures() {
        let tmp = tempdir();
        let root = site_of(tmp.path(), SITE_CONFIG, &[bytes]);
        let findings = check_site(&root);
        let got: Vec<String> = findings
            .iter()
            .map(|d| format!("{} {}", d.rule.unwrap_or("content"), d.location()))
            .collect();
        for want in &expect {
            let want = want.replace("{file}", "content/d0.md");
            assert!(got.contains(&want), "{name}: no `{want}` in {got:#?}");
        }
    }
}

#[test]
fn regression_configurations_give_their_located_errors() {
    // Each kept clausebook.toml that once gave a badly located error is refused with an error at the place its .expect file says (`config path:line:column`).
    let dir = repo_root().join("tests/fixtures/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = std::fs::read_to_string(path.with_extension("expect")).unwrap();
        let want = expect.lines().find(|l| !l.starts_with('#')).unwrap();
        match Config::parse(&text) {
            Err(ConfigError::Invalid(ds)) => {
                let d = &ds[0];
                assert_located_finding(d, "clausebook.toml");
                assert_eq!(
                    format!("config {}", d.location()),
                    want,
                    "{}",
                    path.display()
                );
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    assert!(seen >= 1);
}

#[test]
fn regression_queries_never_panic() {
    // Queries that once failed the search API with an internal error (`id:*`, `x:*`) still return results or an error, never a panic.
    let text =
        std::fs::read_to_string(repo_root().join("tests/fixtures/fuzz-regressions/queries.txt"))
            .unwrap();
    let queries: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(queries.contains(&"id:*") && queries.contains(&"x:*"));
    for q in queries {
        for mode in [ParseMode::Strict, ParseMode::Lenient] {
            let req = SearchRequest {
                query: q.to_string(),
                limit: 10,
                mode,
                ..SearchRequest::default()
            };
            let _ = search_index().search(&req);
        }
    }
}
