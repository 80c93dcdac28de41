//! Traceability: clause references, coverage states, exclusion rules, and
//! the matrix and coverage exports (CSV, JSON, XLSX) against each other and
//! against the clause pages.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const MATRIX: &str = "exports/matrix-iso9001-2008--iso20000-1-2011";

/// Build a fixture with the library into `<tmp>/out`.
fn build_fixture(name: &str, tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    build_ok(&fixture(name), &out, false);
    out
}

fn json(out: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(out, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A CSV export without its byte-order mark.
fn read_csv(out: &Path, rel: &str) -> String {
    let text = read(out, rel);
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
}

/// The row of `clause` in a coverage export.
#[track_caller]
fn row<'a>(coverage: &'a Value, clause: &str) -> &'a Value {
    coverage["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["clause"] == clause)
        .unwrap_or_else(|| panic!("no clause {clause} in the coverage export"))
}

fn state(coverage: &Value, clause: &str) -> String {
    row(coverage, clause)["coverage"]
        .as_str()
        .expect("a coverage state")
        .to_string()
}

fn doc_ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("a list of documents")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- references

#[test]
fn every_clause_reference_form_resolves() {
    // id/clause, alias + space, "ISO/IEC ... clause", bare number with default_standard, and the table form all resolve.
    let tmp = tempdir();
    let out = build_fixture("clause-refs", tmp.path());
    let mut found = BTreeSet::new();
    for (std_id, slug) in [
        ("iso20000-1:2011", "iso20000-1-2011"),
        ("iso9001:2008", "iso9001-2008"),
    ] {
        let cov = json(&out, &format!("exports/coverage-{slug}.json"));
        for c in cov["clauses"].as_array().unwrap() {
            for d in c["documents"].as_array().unwrap() {
                assert_eq!(d["id"], "REF-1");
                found.insert((
                    std_id.to_string(),
                    c["clause"].as_str().unwrap().to_string(),
                    d["level"].as_str().unwrap().to_string(),
                    d["section"].as_str().map(str::to_string),
                ));
            }
        }
    }
    let full = |s: &str, c: &str| (s.to_string(), c.to_string(), "full".to_string(), None);
    let expected = BTreeSet::from([
        full("iso20000-1:2011", "4.1.2"),
        full("iso20000-1:2011", "4.1.3"),
        full("iso20000-1:2011", "4.3.2"),
        full("iso20000-1:2011", "6.1"),
        full("iso20000-1:2011", "4.5.4"),
        (
            "iso9001:2008".to_string(),
            "4.2.3".to_string(),
            "partial".to_string(),
            Some("approval".to_string()),
        ),
    ]);
    assert_eq!(found, expected);
    let c20000 = json(&out, "exports/coverage-iso20000-1-2011.json");
    assert_eq!(state(&c20000, "4.3.2"), "full");
    let c9001 = json(&out, "exports/coverage-iso9001-2008.json");
    assert_eq!(state(&c9001, "4.2.3"), "partial");
}

#[test]
fn a_reference_to_a_heading_covers_the_heading_only() {
    // REF-1 names heading 4.5.4: none of 4.5.4.1-4.5.4.3 is addressed, and the heading rolls up to gap.
    let tmp = tempdir();
    let out = build_fixture("clause-refs", tmp.path());
    let cov = json(&out, "exports/coverage-iso20000-1-2011.json");
    assert_eq!(
        doc_ids(&row(&cov, "4.5.4")["documents"]),
        BTreeSet::from(["REF-1".to_string()])
    );
    for sub in ["4.5.4.1", "4.5.4.2", "4.5.4.3"] {
        assert!(doc_ids(&row(&cov, sub)["documents"]).is_empty(), "{sub}");
        assert_eq!(state(&cov, sub), "gap", "{sub}");
    }
    assert_eq!(state(&cov, "4.5.4"), "gap");
    assert_eq!(row(&cov, "4.5.4")["requirement"], false);
}

#[test]
fn clause_pages_and_badges_link_documents_and_sections() {
    // The clause page deep-links REF-1's section; every clause badge of REF-1 links to its clause page.
    let tmp = tempdir();
    let out = build_fixture("clause-refs", tmp.path());
    let files = tree(&out);
    let page = "standards/iso9001-2008/4.2.3/index.html";
    let html = read(&out, page);
    let deep: Vec<(String, Option<String>)> = attr_values(&html, "href")
        .iter()
        .filter_map(|h| resolve_href(page, h))
        .filter(|(t, _)| t == "documents/ref-1/index.html")
        .collect();
    assert!(
        deep.iter().any(|(_, f)| f.as_deref() == Some("approval")),
        "no link to REF-1#approval on {page}"
    );
    assert!(ids(&read(&out, "documents/ref-1/index.html")).contains("approval"));
    assert!(html.contains("partial"), "the level is not shown");

    let doc_page = "documents/ref-1/index.html";
    let doc = read(&out, doc_page);
    let targets: BTreeSet<String> = attr_values(&doc, "href")
        .iter()
        .filter_map(|h| resolve_href(doc_page, h))
        .map(|(t, _)| t)
        .filter(|t| files.contains_key(t))
        .collect();
    for clause in [
        "iso20000-1-2011/4.1.2",
        "iso20000-1-2011/4.1.3",
        "iso20000-1-2011/4.3.2",
        "iso20000-1-2011/6.1",
        "iso20000-1-2011/4.5.4",
        "iso9001-2008/4.2.3",
    ] {
        let t = format!("standards/{clause}/index.html");
        assert!(targets.contains(&t), "no badge link to {t}");
    }
}

#[test]
fn unknown_clause_is_a_located_error_with_a_suggestion() {
    // iso20000-1:2011/4.3.9 does not exist: error at its line, suggesting a neighbour.
    let run = build_fails(&fixture("clause-unknown"), 1, &[]);
    assert!(run.stderr.contains("no clause `4.3.9`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `iso20000-1:2011/4.3."),
        "{}",
        run.stderr
    );
    assert_located(
        &run.stderr,
        "content/bad.md",
        13,
        4,
        "  \"iso20000-1:2011/4.3.9\",",
    );
    assert_eq!(error_lines(&run.stderr).len(), 1, "{}", run.stderr);
}

#[test]
fn unknown_standard_in_a_reference_is_a_located_error() {
    // iso20000-1:2012 is no catalog: error at its line suggesting iso20000-1:2011.
    let run = build_fails(&fixture("clause-unknown-standard"), 1, &[]);
    assert!(
        run.stderr.contains("unknown standard `iso20000-1:2012`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `iso20000-1:2011"),
        "{}",
        run.stderr
    );
    assert_located(
        &run.stderr,
        "content/bad.md",
        13,
        4,
        "  \"iso20000-1:2012/4.3.2\",",
    );
}

#[test]
fn section_that_is_not_a_heading_is_a_located_error() {
    // A clause reference's `section` that is no heading of the document is an error at it, with the closest heading as "did you mean" ("aproval" for "approval").
    let run = build_fails(&fixture("clause-section"), 1, &[]);
    assert!(
        run.stderr.contains("`section = \"aproval\"`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `#approval`?"),
        "{}",
        run.stderr
    );
    assert_located(
        &run.stderr,
        "content/bad.md",
        12,
        12,
        "  { ref = \"iso20000-1:2011/9.2\", section = \"aproval\" },",
    );
}

// ---------------------------------------------------------------- coverage

#[test]
fn each_coverage_state_is_computed() {
    // The fixture's catalogs are built so that each clause has a known state; stats count them.
    let tmp = tempdir();
    let out = build_fixture("coverage", tmp.path());
    let a = json(&out, "exports/coverage-acme-a-1.json");
    for (clause, expected) in [
        ("1", "informative"),
        ("4.1", "full"),
        ("4.2", "partial"),
        ("4.3", "derived"),
        ("4.4", "planned"),
        // ACME A's rule is "not applicable" (as ISO 9001:2015's): its own
        // state and label, never "excluded".
        ("4.5", "not-applicable"),
        ("4.6", "gap"),
    ] {
        assert_eq!(state(&a, clause), expected, "ACME A {clause}");
    }
    // Derived: only through ACME B 1.1, addressed by an approved document.
    assert_eq!(strings(&row(&a, "4.3")["derived"]), ["acme-b:1/1.1"]);
    assert!(doc_ids(&row(&a, "4.3")["documents"]).is_empty());
    // Planned: only a draft addresses it, and a draft never counts as derived for the other side.
    assert_eq!(
        doc_ids(&row(&a, "4.4")["documents"]),
        BTreeSet::from(["D-DRAFT".to_string()])
    );
    assert_eq!(row(&a, "4.5")["exclusion"], "We provide no such service.");
    assert_eq!(row(&a, "4.2")["documents"][0]["level"], "partial");

    let stats = &a["stats"];
    let counts: Vec<(&str, u64)> = [
        "requirements",
        "full",
        "partial",
        "derived",
        "planned",
        "excluded",
        "not_applicable",
        "gaps",
    ]
    .iter()
    .map(|k| (*k, stats[*k].as_u64().unwrap()))
    .collect();
    assert_eq!(
        counts,
        [
            ("requirements", 11),
            ("full", 4),
            ("partial", 2),
            ("derived", 1),
            ("planned", 1),
            ("excluded", 0),
            ("not_applicable", 1),
            ("gaps", 2)
        ]
    );
    // The headline shows full and partial apart: 4 of 10 in full, 6 with
    // the partial ones.
    assert_eq!(stats["percent"].as_f64(), Some(60.0));
    assert_eq!(stats["percent_full"].as_f64(), Some(40.0));

    let b = json(&out, "exports/coverage-acme-b-1.json");
    assert_eq!(state(&b, "1.1"), "full");
    assert_eq!(state(&b, "1.2"), "derived");
    assert_eq!(strings(&row(&b, "1.2")["derived"]), ["acme-a:1/4.1"]);
    assert_eq!(state(&b, "1.3"), "planned");
    assert_eq!(b["stats"]["requirements"], 3);
    assert_eq!(b["stats"]["percent"].as_f64(), Some(33.3));
}

#[test]
fn headings_roll_up_from_their_subclauses() {
    // A heading is as weak as its weakest subclause; a direct reference to a heading does not cover it.
    let tmp = tempdir();
    let out = build_fixture("coverage", tmp.path());
    let a = json(&out, "exports/coverage-acme-a-1.json");
    assert_eq!(state(&a, "4.7"), "partial", "full + partial subclauses");
    assert_eq!(state(&a, "4.8"), "full", "two full subclauses");
    assert_eq!(state(&a, "4.9"), "gap", "referenced heading over a gap");
    assert_eq!(
        doc_ids(&row(&a, "4.9")["documents"]),
        BTreeSet::from(["D-FULL".to_string()])
    );
    assert_eq!(state(&a, "4"), "gap", "the top heading has a gap below it");
    for heading in ["4", "4.7", "4.8", "4.9"] {
        assert_eq!(row(&a, heading)["requirement"], false, "{heading}");
    }
    let b = json(&out, "exports/coverage-acme-b-1.json");
    // Precedence: planned (a document of its own on the way) ranks above
    // derived only (none of its own), so the weakest here is derived.
    assert_eq!(
        state(&b, "1"),
        "derived",
        "full + derived + planned subclauses"
    );
}

#[test]
fn coverage_dashboard_lists_the_clauses_not_fully_addressed() {
    // The dashboard's list of gaps links exactly the requirement clauses that are neither full nor excluded (the heat map above it links them all).
    let tmp = tempdir();
    let out = build_fixture("coverage", tmp.path());
    let page = "standards/acme-a-1/coverage/index.html";
    let full = read(&out, page);
    let html = full
        .split("<h2>Clauses not fully addressed</h2>")
        .nth(1)
        .expect("the dashboard lists the clauses not fully addressed");
    let linked: BTreeSet<String> = attr_values(html, "href")
        .iter()
        .filter_map(|h| resolve_href(page, h))
        .filter_map(|(t, _)| {
            let c = t
                .strip_prefix("standards/acme-a-1/")?
                .strip_suffix("/index.html")?;
            (c != "coverage" && !c.is_empty()).then(|| c.to_string())
        })
        .collect();
    let expected: BTreeSet<String> = ["4.2", "4.3", "4.4", "4.6", "4.7.2", "4.9.1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(linked, expected);
    for export in [
        "exports/coverage-acme-a-1.csv",
        "exports/coverage-acme-a-1.json",
    ] {
        let href = attr_values(&full, "href")
            .into_iter()
            .find(|h| h.ends_with(export))
            .unwrap_or_else(|| panic!("no link to {export}"));
        assert_eq!(resolve_href(page, &href).unwrap().0, export);
        assert!(out.join(export).is_file());
    }
}

#[test]
fn coverage_exports_match_snapshots() {
    // The CSV and JSON exports of a small site, exactly as expected.
    let tmp = tempdir();
    let out = build_fixture("coverage", tmp.path());
    for file in [
        "coverage-acme-a-1.csv",
        "coverage-acme-b-1.csv",
        "matrix-acme-a-1--acme-b-1.csv",
        "matrix-acme-a-1--acme-b-1.json",
    ] {
        assert_snapshot(
            &format!("coverage/{file}"),
            &read(&out, &format!("exports/{file}")),
        );
    }
}

// ---------------------------------------------------------------- exclusions

#[test]
fn iso20000_allows_no_exclusion() {
    // Excluding ISO/IEC 20000-1:2011 6.6.2 is an error naming the rule, located in clausebook.toml (exit 1).
    let run = build_fails(&fixture("exclusion-iso20000"), 1, &[]);
    assert!(run.stderr.contains("allows no exclusion"), "{}", run.stderr);
    assert_located(&run.stderr, "clausebook.toml", 12, 10, "clause = \"6.6.2\"");
}

#[test]
fn a_forbidden_exclusion_stays_an_error_when_the_check_is_allowed() {
    // The standard's exclusion rule is not a site preference: silencing the check must not make 6.6.2 excluded.
    let run = build_fails(&fixture("exclusion-iso20000-rule-allowed"), 1, &[]);
    assert!(run.stderr.contains("allows no exclusion"), "{}", run.stderr);
}

#[test]
fn iso9001_exclusion_within_clause_7_is_published() {
    // Excluding ISO 9001:2008 7.5.4 with a justification builds, shows in the exclusions page and the coverage export.
    let tmp = tempdir();
    let out = build_site(&fixture("exclusion-iso9001-allowed"), tmp.path(), &[]);
    let justification = "We hold no property belonging to customers.";
    let cov = json(&out, "exports/coverage-iso9001-2008.json");
    assert_eq!(state(&cov, "7.5.4"), "excluded");
    assert_eq!(row(&cov, "7.5.4")["exclusion"], justification);
    assert_eq!(cov["stats"]["excluded"], 1);
    let csv = csv_records(&read(&out, "exports/coverage-iso9001-2008.csv"));
    let r = csv.iter().find(|r| r["clause"] == "7.5.4").unwrap();
    assert_eq!(
        (r["coverage"].as_str(), r["exclusion"].as_str()),
        ("excluded", justification)
    );

    let page = "exclusions/index.html";
    let html = read(&out, page);
    assert!(html.contains(justification));
    let links: Vec<String> = attr_values(&html, "href")
        .iter()
        .filter_map(|h| resolve_href(page, h))
        .map(|(t, _)| t)
        .collect();
    assert!(links.contains(&"standards/iso9001-2008/7.5.4/index.html".to_string()));
    assert!(read(&out, "standards/iso9001-2008/7.5.4/index.html").contains(justification));
}

#[test]
fn iso9001_exclusion_outside_clause_7_is_refused() {
    // Excluding ISO 9001:2008 8.3 is an error naming the "within clause 7" rule.
    let run = build_fails(&fixture("exclusion-iso9001-outside-7"), 1, &[]);
    assert!(run.stderr.contains("within clause 7"), "{}", run.stderr);
    assert_located(&run.stderr, "clausebook.toml", 16, 10, "clause = \"8.3\"");
    assert_eq!(
        error_lines(&run.stderr).len(),
        1,
        "7.5.4 is fine:\n{}",
        run.stderr
    );
}

#[test]
fn exclusion_without_justification_is_refused() {
    // An exclusion must say why the requirement does not apply.
    let run = build_fails(&fixture("exclusion-no-justification"), 1, &[]);
    assert!(run.stderr.contains("no justification"), "{}", run.stderr);
    assert_located(&run.stderr, "clausebook.toml", 12, 10, "clause = \"7.3.1\"");
}

#[test]
fn excluding_a_heading_excludes_its_subclauses() {
    // "exclude 7.3 Design and development" covers 7.3.1-7.3.7, which stats count as excluded.
    let tmp = tempdir();
    let out = build_site(&fixture("exclusion-iso9001-heading"), tmp.path(), &[]);
    let cov = json(&out, "exports/coverage-iso9001-2008.json");
    assert_eq!(state(&cov, "7.3"), "excluded");
    for n in 1..=7 {
        let c = format!("7.3.{n}");
        assert_eq!(state(&cov, &c), "excluded", "{c}");
    }
    assert_eq!(cov["stats"]["excluded"], 7);
}

// ---------------------------------------------------------------- example exports

/// One direction of a matrix: clause → (documents, related clause → documents).
type Direction = BTreeMap<String, (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>)>;

fn direction_from_table(rows: &[BTreeMap<String, String>]) -> Direction {
    let mut d = Direction::new();
    for r in rows {
        let e = d
            .entry(r["clause"].clone())
            .or_insert_with(|| (doc_ids_of_cell(&r["documents"]), BTreeMap::new()));
        assert_eq!(
            e.0,
            doc_ids_of_cell(&r["documents"]),
            "clause {}",
            r["clause"]
        );
        if !r["related_clause"].is_empty() {
            e.1.insert(
                r["related_clause"].clone(),
                doc_ids_of_cell(&r["related_documents"]),
            );
        }
    }
    d
}

/// A direction of the matrix JSON, its documents looked up in its
/// `documents` (each clause's documents once, by standard and clause).
fn direction_from_json(m: &Value, dir: &str) -> Direction {
    let (base, other) = match dir {
        "left_to_right" => (&m["left"]["id"], &m["right"]["id"]),
        _ => (&m["right"]["id"], &m["left"]["id"]),
    };
    let docs = |std: &Value, clause: &Value| {
        let d = &m["documents"][std.as_str().unwrap()][clause.as_str().unwrap()];
        assert!(d.is_array(), "no documents for {std} {clause}");
        doc_ids(d)
    };
    m[dir]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r.get("documents").is_none(), "a row repeats its documents");
            let related = r["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    (
                        x["clause"].as_str().unwrap().to_string(),
                        docs(other, &x["clause"]),
                    )
                })
                .collect();
            (
                r["clause"].as_str().unwrap().to_string(),
                (docs(base, &r["clause"]), related),
            )
        })
        .collect()
}

/// What the clause page of `clause` shows: the documents addressing it and
/// each related clause of `other` with its documents.
fn clause_page_view(
    out: &Path,
    slug: &str,
    clause: &str,
    other: &str,
) -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let page = format!("standards/{slug}/{clause}/index.html");
    let html = read(out, &page);
    let start = html
        .find(">Documents addressing")
        .unwrap_or_else(|| panic!("{page}: no documents section"));
    let rest = &html[start..];
    let docs_part = &rest[..rest.find("<h2").unwrap_or(rest.len())];
    let docs = doc_ids_in(docs_part);
    let mut related = BTreeMap::new();
    if let Some(i) = html.find("<h2>Related clauses of") {
        let table = &html[i..];
        let table = &table[..table.find("</table>").unwrap_or(table.len())];
        for tr in table.split("<tr>").skip(2) {
            let first = attr_values(tr, "href")
                .into_iter()
                .next()
                .expect("a clause link");
            let (target, _) = resolve_href(&page, &first).unwrap();
            let c = target
                .strip_prefix(&format!("standards/{other}/"))
                .and_then(|t| t.strip_suffix("/index.html"))
                .unwrap_or_else(|| panic!("{page}: row link {target}"));
            related.insert(c.to_string(), doc_ids_in(tr));
        }
    }
    (docs, related)
}

fn build_example(tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    build_ok(&repo_root(), &out, false);
    out
}

#[test]
fn matrix_exports_hold_all_130_pairs() {
    // Every TR 90006 pair is a row of the CSV and a pair of the JSON, and nothing else is.
    let tmp = tempdir();
    let out = build_example(tmp.path());
    let reference = reference_pairs().into_iter().collect::<BTreeSet<_>>();
    assert_eq!(reference.len(), 130);

    let csv = csv_records(&read_csv(&out, &format!("{MATRIX}.csv")));
    // Read from the left standard (the rows read from the right hold the
    // same pairs the other way round).
    let csv_pairs: Vec<(String, String)> = csv
        .iter()
        .filter(|r| r["standard"] == "iso9001:2008" && !r["related_clause"].is_empty())
        .map(|r| (r["clause"].clone(), r["related_clause"].clone()))
        .collect();
    assert_eq!(csv_pairs.len(), 130);
    assert_eq!(
        csv_pairs.iter().cloned().collect::<BTreeSet<_>>(),
        reference
    );
    let reversed: BTreeSet<(String, String)> = csv
        .iter()
        .filter(|r| r["standard"] == "iso20000-1:2011" && !r["related_clause"].is_empty())
        .map(|r| (r["related_clause"].clone(), r["clause"].clone()))
        .collect();
    assert_eq!(
        reversed, reference,
        "the rows read from ISO/IEC 20000-1:2011"
    );

    let m = json(&out, &format!("{MATRIX}.json"));
    assert_eq!(m["left"]["id"], "iso9001:2008");
    assert_eq!(m["right"]["id"], "iso20000-1:2011");
    let pairs = m["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 130);
    let json_pairs: BTreeSet<(String, String)> = pairs
        .iter()
        .map(|p| {
            (
                p["left"]["clause"].as_str().unwrap().to_string(),
                p["right"]["clause"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(json_pairs, reference);
    assert!(pairs.iter().all(|p| p["relation"] == "related"));
    // Both directions of the JSON read the same pairs.
    for dir in ["left_to_right", "right_to_left"] {
        let n: usize = m[dir]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["related"].as_array().unwrap().len())
            .sum();
        assert_eq!(n, 130, "{dir}");
    }
}

#[test]
fn matrix_csv_json_xlsx_and_clause_pages_agree() {
    // For every clause, its related clauses and the documents on each side are the same in CSV, JSON and its clause page (the XLSX: tests/exports.rs).
    let tmp = tempdir();
    let out = build_example(tmp.path());
    let m = json(&out, &format!("{MATRIX}.json"));
    let l2r_json = direction_from_json(&m, "left_to_right");
    let r2l_json = direction_from_json(&m, "right_to_left");

    let csv_text = read_csv(&out, &format!("{MATRIX}.csv"));
    let csv_rows = parse_csv(&csv_text);
    let records = csv_records(&csv_text);
    let side = |std: &str| -> Vec<BTreeMap<String, String>> {
        records
            .iter()
            .filter(|r| r["standard"] == std)
            .cloned()
            .collect()
    };
    assert_eq!(
        direction_from_table(&side("iso9001:2008")),
        l2r_json,
        "CSV and JSON differ"
    );
    assert_eq!(
        direction_from_table(&side("iso20000-1:2011")),
        r2l_json,
        "CSV and JSON differ, read from the right"
    );
    for h in [
        "standard",
        "clause",
        "documents",
        "related_standard",
        "related_clause",
        "relation",
        "related_documents",
    ] {
        assert!(csv_rows[0].iter().any(|c| c == h), "no column {h}");
    }

    // Each side agrees with the reference pairs.
    let reference = reference_pairs().into_iter().collect::<BTreeSet<_>>();
    for (clause, (_, related)) in &l2r_json {
        let expected: BTreeSet<&String> = reference
            .iter()
            .filter(|(l, _)| l == clause)
            .map(|(_, r)| r)
            .collect();
        assert_eq!(
            related.keys().collect::<BTreeSet<_>>(),
            expected,
            "9001 {clause}"
        );
    }

    // The clause pages show the same rows, both ways.
    for (clause, (docs, related)) in &l2r_json {
        let view = clause_page_view(&out, "iso9001-2008", clause, "iso20000-1-2011");
        assert_eq!(&view.0, docs, "documents on the page of 9001 {clause}");
        assert_eq!(
            &view.1, related,
            "related clauses on the page of 9001 {clause}"
        );
    }
    for (clause, (docs, related)) in &r2l_json {
        let view = clause_page_view(&out, "iso20000-1-2011", clause, "iso9001-2008");
        assert_eq!(&view.0, docs, "documents on the page of 20000-1 {clause}");
        assert_eq!(
            &view.1, related,
            "related clauses on the page of 20000-1 {clause}"
        );
    }

    // The auditor's example: 9001 8.2.2 (internal audit).
    let (docs, related) = &l2r_json["8.2.2"];
    assert!(!docs.is_empty(), "8.2.2 is addressed in the example");
    assert_eq!(
        related.keys().map(String::as_str).collect::<Vec<_>>(),
        ["4.5.4.1", "4.5.4.2"]
    );
    assert!(related.values().all(|d| !d.is_empty()));
}

#[test]
fn coverage_exports_and_sheet_agree() {
    // Coverage CSV and JSON hold the same clauses, states and documents (the XLSX coverage sheets: tests/exports.rs).
    let tmp = tempdir();
    let out = build_example(tmp.path());
    let mut csv_rows_all = Vec::new();
    let mut header = None;
    for slug in ["iso9001-2008", "iso20000-1-2011"] {
        let text = read_csv(&out, &format!("exports/coverage-{slug}.csv"));
        let rows = parse_csv(&text);
        header.get_or_insert_with(|| rows[0].clone());
        csv_rows_all.extend(rows[1..].iter().cloned());
        let csv = csv_records(&text);
        let cov = json(&out, &format!("exports/coverage-{slug}.json"));
        let clauses = cov["clauses"].as_array().unwrap();
        assert_eq!(csv.len(), clauses.len(), "{slug}");
        for (r, c) in csv.iter().zip(clauses) {
            assert_eq!(r["clause"], c["clause"].as_str().unwrap());
            assert_eq!(
                r["coverage"],
                c["coverage"].as_str().unwrap(),
                "{slug} {}",
                r["clause"]
            );
            assert_eq!(
                doc_ids_of_cell(&r["documents"]),
                doc_ids(&c["documents"]),
                "{slug} {}",
                r["clause"]
            );
        }
        // Apart from the justified exclusions, the example addresses every requirement.
        let stats = &cov["stats"];
        assert_eq!(stats["gaps"], 0, "{slug}");
        assert_eq!(stats["derived"], 0, "{slug}");
        assert_eq!(stats["planned"], 0, "{slug}");
    }
}

#[test]
fn every_xlsx_sheet_freezes_its_header_row() {
    // An auditor scrolling a spreadsheet export keeps the column names in view: every sheet with a header row has that row frozen.
    use std::io::Read;
    let tmp = tempdir();
    let out = build_fixture("coverage", tmp.path());
    let workbooks: Vec<String> = tree(&out)
        .into_keys()
        .filter(|k| k.ends_with(".xlsx"))
        .collect();
    assert!(!workbooks.is_empty(), "no XLSX export");
    for file in workbooks {
        let bytes = std::fs::read(out.join(&file)).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
        let sheets: Vec<String> = zip
            .file_names()
            .map(|n| n.expect("a file name").into_owned())
            .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
            .collect();
        let mut with_header = 0;
        for sheet in &sheets {
            let mut xml = String::new();
            zip.by_name(sheet)
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            // A table: a sheet with a filter over it (the cover sheet has none).
            if !xml.contains("<autoFilter ") {
                continue;
            }
            with_header += 1;
            let pane = xml
                .find("<pane ")
                .map(|i| &xml[i..i + xml[i..].find("/>").unwrap()])
                .unwrap_or_else(|| panic!("{file} {sheet}: no frozen pane"));
            let value = |attr: &str| attr_values(pane, attr).into_iter().next();
            assert_eq!(
                value("ySplit").as_deref(),
                Some("1"),
                "{file} {sheet}: {pane}"
            );
            assert_eq!(
                value("state").as_deref(),
                Some("frozen"),
                "{file} {sheet}: {pane}"
            );
            let top_left = value("topLeftCell").unwrap_or_default();
            assert!(
                top_left.trim_start_matches(char::is_alphabetic) == "2",
                "{file} {sheet}: the first row below the pane is {top_left}"
            );
        }
        assert!(
            with_header > 0,
            "{file}: no sheet with a header among {sheets:?}"
        );
    }
}
