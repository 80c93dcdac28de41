//! Bad and hostile input: document ids that cannot name a page, `check` and
//! `build` agreeing on what fails, long lines and deep front-matter,
//! files that are not UTF-8, symbolic links below `content/`, and what a
//! published site shows of the documents it does not publish.
//!
//! Fixture sites are in `tests/fixtures/bad-input/`; inputs too large to
//! keep in the repository are written by the tests.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// A fixture site of `tests/fixtures/bad-input/`.
fn bad(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/bad-input").join(name)
}

/// The configuration of the sites the tests write: only the documents'
/// own findings are reported.
const LENIENT: &str = "title = \"T\"\nstandards = [\"iso20000-1:2011\"]\n[check]\ncoverage = \"allow\"\n\
     required-document = \"allow\"\norphan = \"allow\"\n[check.required_fields]\ndefault = []\n";

/// `clausebook check --format json` on `root`: the run and the report.
fn check_json(root: &Path) -> (Run, Value) {
    let run = check_cli(root, "json", &[]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let v = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}):\n{}\n{}", run.stdout, run.stderr));
    (run, v)
}

/// The findings of `rule` (as `file:line:column` and message) of the site
/// at `root`, whose check must fail.
fn failing_check(root: &Path, rule: &str) -> Vec<(String, String)> {
    let (run, v) = check_json(root);
    run.assert_code(1);
    of_rule(&v, rule)
}

/// The findings of a JSON report as (rule, `file:line:column`, message).
fn findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}:{}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"]
                ),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The findings of `rule`, as (`file:line:column`, message).
fn of_rule(v: &Value, rule: &str) -> Vec<(String, String)> {
    findings(v)
        .into_iter()
        .filter(|f| f.0 == rule)
        .map(|f| (f.1, f.2))
        .collect()
}

// ------------------------------------------------------------ document ids

#[test]
fn ids_that_cannot_name_a_page_are_errors_at_the_id() {
    // `..`, a hidden id, a 300-character id, a Windows device name, a non-ASCII id and a trailing dot are each a document-id error at the id's value.
    let (run, v) = check_json(&bad("ids"));
    run.assert_code(1);
    let mut got = of_rule(&v, "document-id");
    got.sort();
    let long = format!("{}…", "L".repeat(40));
    let want = [
        (
            "content/accent.md:2:6",
            "document id `DÉJÀ-1` contains `É`, which is not ASCII".to_string(),
        ),
        (
            "content/device.md:2:6",
            "document id `NUL` is a device name on Windows (no file may be named so)".into(),
        ),
        (
            "content/dot.md:2:6",
            "document id `A-1.` ends with a dot".into(),
        ),
        (
            "content/dotdot.md:2:6",
            "document id `..` names a folder (`.` or `..`), not a page".into(),
        ),
        (
            "content/hidden.md:2:6",
            "document id `.hidden` starts with a dot".into(),
        ),
        (
            "content/long.md:2:6",
            format!("document id `{long}` is 300 characters long"),
        ),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(l, m)| (l.to_string(), m.clone()))
        .collect();
    assert_eq!(got, want);
    // The human output shows the id with a caret under it.
    let human = check_cli(&bad("ids"), "human", &[]);
    assert_located(&human.stderr, "content/dotdot.md", 2, 6, "id = \"..\"");
}

#[test]
fn a_build_never_writes_a_page_for_an_invalid_id() {
    // Even with --allow-errors, no invalid id gets a page: `..` no longer overwrites the register and a 300-character id no longer fails the build at a temporary path.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(&bad("ids"), &out, &["--allow-errors"]);
    run.assert_code(0);
    let files = tree(&out);
    let pages: Vec<&str> = files
        .keys()
        .filter_map(|k| k.strip_prefix("documents/"))
        .collect();
    assert_eq!(pages, ["ok-1/index.html"]);
    let register = read(&out, "index.html");
    assert!(register.contains("Document register"), "{register}");
    assert_eq!(
        doc_ids_in(&register).len(),
        0,
        "the register lists no document by doc-id span"
    );
    assert!(register.contains(">OK-1<"), "{register}");
    let (problems, _) = link_problems(&files, false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Without --allow-errors, check and build fail alike.
    let failed = build_cli(&bad("ids"), &tmp.path().join("out2"), &[]);
    failed.assert_code(1);
    assert!(!tmp.path().join("out2").exists());
}

#[test]
fn ids_differing_in_case_never_share_a_page() {
    // With duplicate-id allowed, `APP-1` and `app-1` do not overwrite each other's page: the first in id order has it, the other is left out as a duplicate is.
    let (run, v) = check_json(&bad("case-ids"));
    run.assert_code(0);
    assert!(findings(&v).is_empty(), "{v}");
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_cli(&bad("case-ids"), &out, &[]).assert_code(0);
    let page = read(&out, "documents/app-1/index.html");
    assert!(page.contains("<h1>First</h1>"), "{page}");
    let register = read(&out, "index.html");
    assert!(
        register.contains(">APP-1<") && !register.contains(">app-1<"),
        "{register}"
    );
    // Denied (the default), it is reported at the first document's id.
    let tmp = tempdir();
    let root = copy_site(&bad("case-ids"), tmp.path());
    replace(
        &root.join("clausebook.toml"),
        "duplicate-id = \"allow\"\n",
        "",
    );
    let (run, v) = check_json(&root);
    run.assert_code(1);
    assert_eq!(
        of_rule(&v, "duplicate-id"),
        [(
            "content/a.md:2:6".to_string(),
            "document ids `APP-1` and `app-1` in content/b.md would share the page documents/app-1/".to_string()
        )]
    );
}

// ------------------------------------------------------------ check = build

#[test]
fn check_fails_on_catalogs_and_mappings_the_build_could_not_write() {
    // An overlong clause number is an error of check, located in its file, not a failure of the build; a site's mapping of the same two standards as a built-in one replaces it, with a warning there.
    let (run, v) = check_json(&bad("standards"));
    run.assert_code(1);
    let mut got = of_rule(&v, "standards");
    got.sort();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "standards/long.toml:10:10");
    assert_eq!(got[0].1, "a clause number of 70 characters");
    assert_eq!(got[1].0, "standards/mapping.toml:1:6");
    assert!(
        got[1].1.starts_with("mapping `my-mapping` replaces the built-in mapping `tr90006-iso9001-2008--iso20000-1-2011`: both map iso9001:2008 to iso20000-1:2011"),
        "{}",
        got[1].1
    );
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_cli(&bad("standards"), &out, &[]).assert_code(1);
    assert!(!out.exists());
}

#[test]
fn check_fails_on_a_template_the_build_cannot_parse() {
    // A site template with a syntax error fails `check` as it fails `build`, at the same place.
    let run = check_cli(&fixture("template-syntax-error"), "human", &[]);
    run.assert_code(1);
    assert_located(
        &run.stderr,
        "templates/document.html",
        3,
        18,
        "<h1>{{ doc.title }</h1>",
    );
}

#[test]
fn a_tag_too_long_for_its_page_is_an_error_at_the_tag() {
    // A 61-character tag would name a folder longer than file systems allow in other scripts: an error at the tag, and the build never tries to write it.
    let (run, v) = check_json(&bad("tags"));
    run.assert_code(1);
    assert_eq!(
        of_rule(&v, "front-matter"),
        [(
            "content/a.md:4:19".to_string(),
            "a tag of 61 characters: tags have at most 60".to_string()
        )]
    );
}

// ------------------------------------------------------------ hostile sizes

#[test]
fn findings_on_a_long_line_show_a_bounded_part_of_it() {
    // 2,000 unknown clauses on one line are each located at their column, and each finding keeps at most a few hundred characters of the line (not the whole 50 KB line).
    let refs: Vec<String> = (0..2000)
        .map(|i| format!("\"iso20000-1:2011/9.{}\"", i + 10))
        .collect();
    let doc = format!(
        "+++\nid = \"A-1\"\ntitle = \"T\"\nclauses = [{}]\n+++\nBody.\n",
        refs.join(", ")
    );
    let tmp = tempdir();
    let root = write_site(tmp.path(), LENIENT, &[("a.md", &doc)]);
    let site = load_site(&root, false);
    let unknown: Vec<_> = site
        .diags
        .iter()
        .filter(|d| d.rule == Some("unknown-clause"))
        .collect();
    assert_eq!(unknown.len(), 2000);
    let line = doc.lines().nth(3).unwrap();
    for d in &unknown {
        assert_eq!(d.line, 4);
        let clause = d.message.split('`').nth(3).unwrap();
        let at = line.find(&format!("\"iso20000-1:2011/{clause}\"")).unwrap() + 1;
        assert_eq!(d.column, at + 1, "{}", d.message);
        let shown = d.source_line.as_deref().unwrap();
        assert!(
            shown.chars().count() < 300,
            "{} characters shown",
            shown.len()
        );
        let under: String = shown.chars().skip(d.caret).take(d.width).collect();
        assert_eq!(under, format!("iso20000-1:2011/{clause}"));
    }
}

#[test]
fn deeply_nested_yaml_front_matter_is_an_error_at_the_depth() {
    // 200 KB of nested flow sequences are refused at once, located where the nesting passes 32 (it took the YAML parser over 20 s to fail).
    let depth = 100_000;
    let doc = format!(
        "---\nid: A-1\ntitle: T\nx: {}{}\n---\nBody.\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let tmp = tempdir();
    let root = write_site(tmp.path(), LENIENT, &[("deep.md", &doc)]);
    assert_eq!(
        failing_check(&root, "front-matter"),
        [(
            "content/deep.md:4:34".to_string(),
            "the front-matter nests lists or tables more than 32 deep here".to_string()
        )]
    );
}

#[test]
fn deeply_nested_toml_front_matter_is_an_error_at_the_depth() {
    // Nested arrays and dotted keys in TOML are refused where they pass 32 levels.
    let arrays = format!(
        "+++\nid = \"A-1\"\ntitle = \"T\"\nx = {}{}\n+++\n",
        "[".repeat(40),
        "]".repeat(40)
    );
    let dotted = format!(
        "+++\nid = \"A-1\"\ntitle = \"T\"\n{} = 1\n+++\n",
        vec!["k"; 40].join(".")
    );
    let tmp = tempdir();
    let root = write_site(
        tmp.path(),
        LENIENT,
        &[("arrays.md", &arrays), ("dotted.md", &dotted)],
    );
    assert_eq!(
        failing_check(&root, "front-matter"),
        [
            (
                "content/arrays.md:4:36".to_string(),
                "the front-matter nests lists or tables more than 32 deep here".to_string()
            ),
            (
                "content/dotted.md:4:62".to_string(),
                "the front-matter nests lists or tables more than 32 deep here".to_string()
            ),
        ]
    );
}

#[test]
fn front_matter_over_256_kib_is_an_error_at_its_fence() {
    // A front-matter of 300 KB is not parsed: an error at its opening fence says the limit.
    let doc = format!(
        "+++\nid = \"A-1\"\ntitle = \"T\"\nsummary = \"{}\"\n+++\nBody.\n",
        "x".repeat(300_000)
    );
    let tmp = tempdir();
    let root = write_site(tmp.path(), LENIENT, &[("big.md", &doc)]);
    assert_eq!(
        failing_check(&root, "front-matter"),
        [(
            "content/big.md:1:1".to_string(),
            "the front-matter is 294 KiB long: at most 256 KiB is read".to_string()
        )]
    );
}

// ------------------------------------------------------------ encoding

#[test]
fn invalid_utf8_is_located_at_its_first_bad_byte() {
    // A Latin-1 `é` on line 5 is reported at its line and column, with the line shown and a caret under it.
    let mut doc = b"+++\nid = \"A-1\"\ntitle = \"T\"\n+++\nCaf".to_vec();
    doc.push(0xE9);
    doc.extend_from_slice(b" au lait.\n");
    let tmp = tempdir();
    let root = write_site(tmp.path(), LENIENT, &[]);
    std::fs::write(root.join("content/latin1.md"), &doc).unwrap();
    assert_eq!(
        failing_check(&root, "front-matter"),
        [(
            "content/latin1.md:5:4".to_string(),
            "the file is not valid UTF-8: 0xE9 at byte 34 is not a UTF-8 character".to_string()
        )]
    );
    let human = check_cli(&root, "human", &[]);
    assert_located(
        &human.stderr,
        "content/latin1.md",
        5,
        4,
        "Caf\u{FFFD} au lait.",
    );
}

// ------------------------------------------------------------ symbolic links

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed_and_others_reported() {
    // A linked file and a linked folder inside the site's folder are documents like any other; links leading out of it, nowhere or into a loop are warnings (rule symlink) at the link, and nothing hangs.
    use std::os::unix::fs::symlink;
    let tmp = tempdir();
    let doc = |id: &str| format!("+++\nid = \"{id}\"\ntitle = \"{id} title\"\n+++\nText.\n");
    let root = write_site(tmp.path(), LENIENT, &[("own.md", &doc("OWN-1"))]);
    std::fs::create_dir_all(root.join("shared/folder")).unwrap();
    std::fs::write(root.join("shared/file.md"), doc("FILE-1")).unwrap();
    std::fs::write(root.join("shared/folder/inner.md"), doc("DIR-1")).unwrap();
    std::fs::write(tmp.path().join("outside.md"), doc("OUT-1")).unwrap();
    let content = root.join("content");
    symlink("../shared/file.md", content.join("file.md")).unwrap();
    symlink("../shared/folder", content.join("folder")).unwrap();
    symlink(tmp.path().join("outside.md"), content.join("outside.md")).unwrap();
    symlink("missing.md", content.join("broken.md")).unwrap();
    symlink(".", content.join("loop")).unwrap();

    let (run, v) = check_json(&root);
    run.assert_code(0);
    let mut links = of_rule(&v, "symlink");
    links.sort();
    let at = |f: &str| format!("content/{f}:0:0");
    assert_eq!(links.len(), 3, "{links:?}");
    assert_eq!(links[0].0, at("broken.md"));
    assert!(
        links[0].1.contains("`missing.md`, which cannot be read"),
        "{}",
        links[0].1
    );
    assert_eq!(links[1].0, at("loop"));
    assert!(
        links[1].1.contains("(a loop): not followed"),
        "{}",
        links[1].1
    );
    assert_eq!(links[2].0, at("outside.md"));
    assert!(
        links[2]
            .1
            .contains("outside the site's folder: not followed"),
        "{}",
        links[2].1
    );

    let site = load_site(&root, true);
    let ids: Vec<(&str, String)> = site
        .docs
        .iter()
        .map(|d| (d.meta.id.as_str(), d.path.display().to_string()))
        .collect();
    assert_eq!(
        ids,
        [
            ("DIR-1", "content/folder/inner.md".to_string()),
            ("FILE-1", "content/file.md".to_string()),
            ("OWN-1", "content/own.md".to_string()),
        ]
    );
    let out = tmp.path().join("out");
    build_cli(&root, &out, &["--drafts"]).assert_code(0);
    assert!(out.join("documents/file-1/index.html").is_file());
    assert!(out.join("documents/dir-1/index.html").is_file());
}

// ------------------------------------------------------------ unpublished

/// Every text file of an output tree (the XLSX, a zip, aside).
fn text_files(out: &Path) -> Vec<(String, String)> {
    tree(out)
        .into_iter()
        .filter(|(k, _)| !k.ends_with(".xlsx") && !is_search_index(k))
        .map(|(k, b)| (k, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}

const DRAFT_TEXTS: [&str; 4] = [
    "DRF-1",
    "Secret Draft Plan",
    "Draft summary text",
    "draft-only",
];

#[test]
fn a_published_site_shows_drafts_only_as_planned_on_clause_pages() {
    // Without --drafts, a draft's id and title appear only on the clause pages (as "planned, not published", no link) and in the coverage exports; never in related lists, backlinks, tags, the register or the search index.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_cli(&bad("unpublished"), &out, &[]).assert_code(0);
    let allowed = |path: &str| {
        path == "standards/iso20000-1-2011/4.1/index.html"
            || path == "standards/iso20000-1-2011/4.2/index.html"
            || path.starts_with("exports/coverage-")
    };
    for (path, text) in text_files(&out) {
        for t in DRAFT_TEXTS {
            if text.contains(t) {
                assert!(
                    allowed(&path) && t != "Draft summary text" && t != "draft-only",
                    "{path} shows `{t}`"
                );
            }
        }
    }
    let clause = read(&out, "standards/iso20000-1-2011/4.2/index.html");
    assert!(
        clause.contains("<span class=\"unpublished\"><span class=\"doc-id\">DRF-1</span> Secret Draft Plan</span> <span class=\"cov cov-planned\""),
        "{clause}"
    );
    assert!(clause.contains(">Planned, not published<"), "{clause}");
    assert!(!clause.contains("documents/drf-1"), "{clause}");
    // The approved document's page lists neither the draft it relates to
    // nor the draft that links to it; its link to the draft is plain text
    // with a marker, naming nothing of the draft.
    let app = read(&out, "documents/app-1/index.html");
    assert!(
        app.contains("<span class=\"unpublished-link\">draft plan</span> <span class=\"unpublished-mark muted\">(not published)</span>"),
        "{app}"
    );
    assert!(href_of(&app, "draft plan").is_none());
    assert_eq!(
        app.matches("<p class=\"empty\">None.</p>").count(),
        2,
        "related and backlinks are empty"
    );
    assert!(!out.join("tags/draft-only").exists());
    let (problems, _) = link_problems(&tree(&out), false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn unpublished_omit_leaves_drafts_out_of_the_published_site() {
    // `unpublished = "omit"`: no page, export or index of the site names the draft or the review; coverage on the site is a gap, while check still counts the clause as planned.
    let tmp = tempdir();
    let root = copy_site(&bad("unpublished"), tmp.path());
    set_config_key(&root, "unpublished = \"omit\"");
    let out = tmp.path().join("out");
    build_cli(&root, &out, &[]).assert_code(0);
    for (path, text) in text_files(&out) {
        for t in DRAFT_TEXTS.iter().chain(&["REV-1", "Plan Under Review"]) {
            assert!(!text.contains(t), "{path} shows `{t}`");
        }
    }
    let clause = read(&out, "standards/iso20000-1-2011/4.2/index.html");
    assert!(
        clause.contains("<span class=\"cov cov-gap\">Gap</span>"),
        "{clause}"
    );
    let coverage = csv_records(&read(&out, "exports/coverage-iso20000-1-2011.csv"));
    let row = coverage.iter().find(|r| r["clause"] == "4.2").unwrap();
    assert_eq!(row["coverage"], "gap");
    assert_eq!(row["documents"], "");
    let (_, v) = check_json(&root);
    let cov = &v["coverage"][0]["clauses"];
    let c42 = cov
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == "4.2")
        .unwrap();
    assert_eq!(c42["state"], "planned");
}

#[test]
fn drafts_are_linked_as_usual_with_the_drafts_flag() {
    // With --drafts every document has a page, and the lists and links that leave drafts out otherwise show and link them.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_cli(&bad("unpublished"), &out, &["--drafts"]).assert_code(0);
    let app = read(&out, "documents/app-1/index.html");
    let href = href_of(&app, "draft plan").expect("a link to the draft");
    assert_eq!(href, "../../documents/drf-1/index.html");
    assert!(
        app.contains("<span class=\"doc-id\">DRF-1</span> Secret Draft Plan</a>"),
        "{app}"
    );
    let clause = read(&out, "standards/iso20000-1-2011/4.2/index.html");
    assert!(clause.contains("documents/drf-1/index.html"), "{clause}");
}

#[test]
fn an_unknown_unpublished_setting_is_a_located_configuration_error() {
    // `unpublished = "hide"` stops the site at its line in clausebook.toml, naming the two values.
    let tmp = tempdir();
    let root = copy_site(&bad("unpublished"), tmp.path());
    set_config_key(&root, "unpublished = \"hide\"");
    let config = std::fs::read_to_string(root.join("clausebook.toml")).unwrap();
    let line = config
        .lines()
        .position(|l| l.starts_with("unpublished"))
        .unwrap()
        + 1;
    let run = check_cli(&root, "human", &[]);
    run.assert_code(2);
    assert_located(
        &run.stderr,
        "clausebook.toml",
        line,
        15,
        "unpublished = \"hide\"",
    );
    assert!(
        run.stderr.contains("expected `planned` or `omit`"),
        "{}",
        run.stderr
    );
}
