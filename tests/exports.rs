//! The exports under `exports/`: the document register (CSV, JSON, XLSX),
//! the coverage (CSV, JSON) and the matrix (CSV, JSON, XLSX), read back as
//! a program and a spreadsheet would: exact shapes, text that stays text,
//! links that reach the site's pages, no formula injection, no file-format
//! limit that stops a build.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use common::*;
use serde_json::Value;

const MATRIX: &str = "exports/matrix-kit-q-1--kit-s-1";

fn fixture_site() -> PathBuf {
    repo_root().join("tests/fixtures/publish/exports")
}

/// Build the exports fixture with the binary into `<tmp>/out`.
fn build_fixture(tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    build_cli(&fixture_site(), &out, &[]).assert_code(0);
    out
}

fn json(out: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(out, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A CSV export, which must begin with a byte-order mark, without it.
#[track_caller]
fn read_csv(out: &Path, rel: &str) -> String {
    let text = read(out, rel);
    text.strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{rel} has no byte-order mark"))
        .to_string()
}

/// A workbook of the output.
fn workbook(out: &Path, rel: &str) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    let bytes = std::fs::read(out.join(rel)).unwrap();
    calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX file")
}

/// A sheet's cells, as calamine reads them.
fn cells(wb: &mut Xlsx<std::io::Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("no sheet {sheet}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "sheet {sheet} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

fn s(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A table sheet as records: header → cell.
fn records(rows: &[Vec<Data>]) -> Vec<BTreeMap<String, Data>> {
    let header: Vec<String> = rows[0].iter().map(s).collect();
    rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// A file of an XLSX (zip) as text.
fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in {}", path.display()));
    let mut text = String::new();
    f.read_to_string(&mut text).unwrap();
    text
}

/// Document ids of a workbook cell listing documents, one per line
/// (`ID Title (status…)`).
fn ids_of_lines(cell: &str) -> BTreeSet<String> {
    cell.lines()
        .filter(|l| !l.starts_with('…'))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- shapes

#[test]
fn csv_and_json_exports_match_snapshots() {
    // Every CSV and JSON export of a small site, exactly as documented in the README.
    let tmp = tempdir();
    let out = build_fixture(tmp.path());
    for file in [
        "register.csv",
        "register.json",
        "coverage-kit-q-1.csv",
        "coverage-kit-q-1.json",
        "coverage-kit-s-1.csv",
        "matrix-kit-q-1--kit-s-1.csv",
        "matrix-kit-q-1--kit-s-1.json",
    ] {
        assert_snapshot(
            &format!("exports/{file}"),
            &read(&out, &format!("exports/{file}")),
        );
    }
}

#[test]
fn general_subclauses_are_named_with_their_parent() {
    // A subclause titled "General" says nothing alone: every export names it with its parent.
    let tmp = tempdir();
    let out = build_fixture(tmp.path());
    let expected = "General (8.2 Monitoring)";
    let cov = csv_records(&read_csv(&out, "exports/coverage-kit-q-1.csv"));
    let row = cov.iter().find(|r| r["clause"] == "8.2.1").unwrap();
    assert_eq!(row["title"], expected);
    let m = json(&out, &format!("{MATRIX}.json"));
    let pair = m["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["left"]["clause"] == "8.2.1")
        .unwrap();
    assert_eq!(pair["left"]["title"], expected);
    let mut wb = workbook(&out, &format!("{MATRIX}.xlsx"));
    let sheet = cells(&mut wb, "KIT Q 1 to KIT-S 1");
    assert!(
        sheet
            .iter()
            .any(|r| s(&r[0]) == "8.2.1" && s(&r[1]) == expected),
        "the matrix sheet names 8.2.1 with its parent"
    );
}

#[test]
fn the_matrix_csv_reads_both_directions() {
    // The matrix CSV holds each pair read from both standards (the `standard` column says which), so the right side's unrelated clauses appear too.
    let tmp = tempdir();
    let out = build_fixture(tmp.path());
    let rows = csv_records(&read_csv(&out, &format!("{MATRIX}.csv")));
    let from = |std: &str| -> BTreeSet<(String, String)> {
        rows.iter()
            .filter(|r| r["standard"] == std)
            .map(|r| (r["clause"].clone(), r["related_clause"].clone()))
            .collect()
    };
    let q = from("kit-q:1");
    let s_side = from("kit-s:1");
    assert!(q.contains(&("4.10".into(), "1.1".into())));
    assert!(s_side.contains(&("1.1".into(), "4.10".into())));
    // Clauses of the right standard that no pair names still have their row.
    assert!(s_side.contains(&("1".into(), String::new())));
    let pairs_left: BTreeSet<_> = q.iter().filter(|(_, r)| !r.is_empty()).cloned().collect();
    let pairs_right: BTreeSet<_> = s_side
        .iter()
        .filter(|(_, r)| !r.is_empty())
        .map(|(a, b)| (b.clone(), a.clone()))
        .collect();
    assert_eq!(pairs_left, pairs_right);
    assert_eq!(pairs_left.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r["related_standard"].is_empty() == r["related_clause"].is_empty())
    );
}

// ---------------------------------------------------------------- CSV

#[test]
fn csv_cells_that_would_run_as_formulas_are_escaped_and_the_workbook_keeps_them_as_text() {
    // A title `=SUM(…)`, a phone number `+44…`, `@lead`, `-1`: every CSV cell starting like a formula gets a leading `'` (OWASP); the workbooks hold the exact text as strings, never formulas.
    let tmp = tempdir();
    let out = build_fixture(tmp.path());
    let rows = csv_records(&read_csv(&out, "exports/register.csv"));
    let q2 = rows.iter().find(|r| r["id"] == "Q-002").unwrap();
    assert_eq!(q2["title"], "'=SUM(1,2) looks like a formula");
    assert_eq!(q2["owner"], "'+44 20 7946 0000");
    assert_eq!(q2["approver"], "'@lead");
    assert_eq!(q2["version"], "'-1");
    let matrix = csv_records(&read_csv(&out, &format!("{MATRIX}.csv")));
    assert!(
        matrix.iter().any(|r| r["note"] == "'=the same, said twice"),
        "the mapping's note is escaped"
    );
    // Every cell of every CSV export.
    for entry in std::fs::read_dir(out.join("exports")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            let text = read_csv(
                &out,
                &format!("exports/{}", p.file_name().unwrap().to_string_lossy()),
            );
            for cell in parse_csv(&text).into_iter().flatten() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: unescaped cell {cell:?}",
                    p.display()
                );
            }
        }
    }
    // The JSON keeps the data as it is.
    let reg = json(&out, "exports/register.json");
    assert_eq!(
        reg["documents"][1]["title"],
        "=SUM(1,2) looks like a formula"
    );

    for (file, sheet, text) in [
        (
            "exports/register.xlsx",
            "Register",
            "=SUM(1,2) looks like a formula",
        ),
        (
            &format!("{MATRIX}.xlsx") as &str,
            "KIT Q 1 to KIT-S 1",
            "=the same, said twice",
        ),
    ] {
        let mut wb = workbook(&out, file);
        let found = cells(&mut wb, sheet)
            .iter()
            .flatten()
            .any(|d| *d == Data::String(text.into()));
        assert!(found, "{file}: the text {text:?} is a string cell");
        let formulas = wb.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{file} holds a formula"
        );
    }
}

#[test]
fn csv_exports_begin_with_a_byte_order_mark_unless_turned_off() {
    // Spreadsheets read UTF-8 CSV right when it begins with a byte-order mark: on by default, off with `[exports] csv_bom = false`.
    let tmp = tempdir();
    let out = build_fixture(tmp.path());
    let csvs: Vec<String> = std::fs::read_dir(out.join("exports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert_eq!(csvs.len(), 4, "{csvs:?}");
    for f in &csvs {
        let bytes = std::fs::read(out.join("exports").join(f)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{f} has no byte-order mark"
        );
    }
    let site = copy_fixture_publish(tmp.path());
    let config = site.join("clausebook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[exports]\ncsv_bom = false\n")).unwrap();
    let plain = tmp.path().join("plain");
    build_cli(&site, &plain, &[]).assert_code(0);
    for f in &csvs {
        let bytes = std::fs::read(plain.join("exports").join(f)).unwrap();
        assert!(
            !bytes.starts_with(b"\xEF\xBB\xBF"),
            "{f} has a byte-order mark"
        );
        let with = std::fs::read(out.join("exports").join(f)).unwrap();
        assert_eq!(&with[3..], &bytes[..], "{f}: only the mark differs");
    }
    // A typo in the table is a located configuration error.
    std::fs::write(&config, format!("{text}\n[exports]\ncsv_bommm = false\n")).unwrap();
    let run = build_cli(&site, &tmp.path().join("typo"), &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("csv_bommm"), "{}", run.stderr);
}

/// The exports fixture copied to `<tmp>/site`.
fn copy_fixture_publish(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_dir(&fixture_site(), &site);
    site
}

// ---------------------------------------------------------------- register

#[test]
fn the_register_export_lists_every_published_document_of_the_example() {
    // The register export holds the published documents in id order with their metadata, clauses as references, and page URLs that exist; CSV, JSON and XLSX agree.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_ok(&repo_root(), &out, false);
    let site = load_site(&repo_root(), false);
    let reg = json(&out, "exports/register.json");
    assert_eq!(reg["schema"], "clausebook-register/1");
    assert_eq!(reg["site"]["title"], site.config.title);
    let docs = reg["documents"].as_array().unwrap();
    let published: Vec<usize> = (0..site.docs.len())
        .filter(|&i| site.published[i])
        .collect();
    assert_eq!(docs.len(), published.len());
    // The keys in column order, as written (serde_json sorts them when parsing).
    let text = read(&out, "exports/register.json");
    let first = &text[text.find("\"documents\"").unwrap()..];
    let first = &first[..first.find("\n    }").unwrap()];
    let keys: Vec<&str> = first
        .lines()
        .filter_map(|l| l.strip_prefix("      \""))
        .map(|l| l.split('"').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "title",
            "kind",
            "version",
            "status",
            "owner",
            "approver",
            "effective",
            "review_by",
            "clauses",
            // The example's clausebook.toml has [history]: built in place,
            // its register says when each document last changed.
            "last_changed",
            "url"
        ]
    );
    let files = tree(&out);
    for (d, &i) in docs.iter().zip(&published) {
        let m = &site.docs[i].meta;
        assert_eq!(d["id"], m.id);
        assert_eq!(d["title"], m.title);
        assert_eq!(d["status"], m.status.as_str());
        assert_eq!(
            d["review_by"],
            m.review_by.map(|x| x.to_string()).unwrap_or_default()
        );
        assert!(
            files.contains_key(d["url"].as_str().unwrap()),
            "{}",
            d["url"]
        );
        let refs: Vec<String> = d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["reference"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(refs.len(), site.clauses[i].len(), "{}", m.id);
    }
    // SMS-PRO-007 addresses 20000-1 9.2, written as people write it.
    let pro7 = docs.iter().find(|d| d["id"] == "SMS-PRO-007").unwrap();
    assert!(
        pro7["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["reference"] == "ISO/IEC 20000-1:2011 9.2"),
        "{pro7}"
    );
    let csv = csv_records(&read_csv(&out, "exports/register.csv"));
    assert_eq!(csv.len(), docs.len());
    for (r, d) in csv.iter().zip(docs) {
        assert_eq!(r["id"], d["id"].as_str().unwrap());
        assert_eq!(r["url"], d["url"].as_str().unwrap());
        let refs: Vec<&str> = d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["reference"].as_str().unwrap())
            .collect();
        assert_eq!(r["clauses"], refs.join("; "));
    }
    // The register page offers the three files.
    let home = read(&out, "index.html");
    for f in ["register.xlsx", "register.csv", "register.json"] {
        let href = attr_values(&home, "href")
            .into_iter()
            .find(|h| h.ends_with(f))
            .unwrap_or_else(|| panic!("the register page does not link {f}"));
        let (target, _) = resolve_href("index.html", &href).unwrap();
        assert!(files.contains_key(&target), "{href}");
    }
    let mut wb = workbook(&out, "exports/register.xlsx");
    let sheet = records(&cells(&mut wb, "Register"));
    assert_eq!(sheet.len(), docs.len());
    for (r, d) in sheet.iter().zip(docs) {
        assert_eq!(
            r["Document"],
            Data::String(d["id"].as_str().unwrap().into())
        );
        assert_eq!(s(&r["Title"]), d["title"].as_str().unwrap());
    }
    let evidence = records(&cells(&mut wb, "Evidence"));
    let pairs: usize = docs
        .iter()
        .map(|d| d["clauses"].as_array().unwrap().len())
        .sum();
    assert_eq!(evidence.len(), pairs, "a row per document–clause pair");
}

// ---------------------------------------------------------------- workbooks

#[test]
fn workbooks_read_back_as_a_person_needs_them() {
    // Cover sheet, headings naming the standards, clause numbers and versions as text, links to existing pages, colour-coded coverage, frozen header, filters, print setup and the build's date.
    let tmp = tempdir();
    let out = build_fixture(tmp.path());
    let files = tree(&out);
    let matrix = out.join(format!("{MATRIX}.xlsx"));
    let mut wb = workbook(&out, &format!("{MATRIX}.xlsx"));
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "About",
            "KIT Q 1 to KIT-S 1",
            "KIT-S 1 to KIT Q 1",
            "Coverage KIT Q 1",
            "Coverage KIT-S 1",
            "Evidence"
        ]
    );

    // The cover sheet: site, organization, standards, mapping, the build's date, a line per sheet.
    let about = cells(&mut wb, "About");
    let value = |label: &str| -> Data {
        about
            .iter()
            .find(|r| s(&r[0]) == label)
            .unwrap_or_else(|| panic!("no {label} on the cover"))[1]
            .clone()
    };
    assert_eq!(
        s(&about[0][0]),
        "Exports fixture: traceability matrix KIT Q:1 ↔ KIT/S:1"
    );
    assert_eq!(s(&value("Organization")), "Fixture Ltd");
    assert_eq!(s(&value("Standards in scope")), "KIT Q:1; KIT/S:1");
    assert_eq!(s(&value("Mapping")), "KIT Q to KIT/S");
    match value("Published") {
        // Excel counts days from 1899-12-30.
        Data::DateTime(d) => assert_eq!(
            d.as_f64() as i64,
            today()
                .since(jiff::civil::date(1899, 12, 30))
                .unwrap()
                .get_days() as i64
        ),
        other => panic!("the publication date is not a date: {other:?}"),
    }
    for n in &names[1..] {
        let row = about
            .iter()
            .find(|r| s(&r[0]) == *n)
            .unwrap_or_else(|| panic!("the cover does not list {n}"));
        assert!(s(&row[1]).len() > 20, "no description of {n}");
    }
    let props = zip_text(&matrix, "docProps/core.xml");
    assert!(
        props.contains(&format!(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{}T",
            today()
        )),
        "the document properties carry the build's date: {props}"
    );
    assert!(props.contains("Exports fixture"), "{props}");

    // Headings name their standard; clause numbers stay text.
    let l2r = cells(&mut wb, "KIT Q 1 to KIT-S 1");
    let header: Vec<String> = l2r[0].iter().map(s).collect();
    assert_eq!(
        header,
        [
            "KIT Q:1 clause",
            "KIT Q:1 title",
            "KIT Q:1 coverage",
            "KIT Q:1 documents",
            "Relation",
            "KIT/S:1 clause",
            "KIT/S:1 title",
            "KIT/S:1 coverage",
            "KIT/S:1 documents",
            "Note"
        ]
    );
    let clause_cells: Vec<&Data> = l2r[1..].iter().map(|r| &r[0]).collect();
    for n in ["4.10", "8.2", "4.1"] {
        assert!(
            clause_cells.contains(&&Data::String(n.into())),
            "clause {n} is not a text cell: {clause_cells:?}"
        );
    }
    let row_410 = l2r.iter().find(|r| s(&r[0]) == "4.10").unwrap();
    assert_eq!(s(&row_410[2]), "Addressed");
    assert_eq!(
        s(&row_410[3]),
        "Q-001 Quality Policy (approved)",
        "documents with title and status"
    );
    let reg = workbook(&out, "exports/register.xlsx")
        .worksheet_range("Register")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect::<Vec<_>>();
    let q1 = records(&reg)
        .into_iter()
        .find(|r| s(&r["Document"]) == "Q-001")
        .unwrap();
    assert_eq!(
        q1["Version"],
        Data::String("1.10".into()),
        "the version stays text"
    );
    assert!(
        matches!(q1["Effective"], Data::DateTime(_)),
        "dates are dates"
    );
    assert_eq!(s(&q1["Clauses addressed"]), "KIT Q:1 4.10\nKIT Q:1 8.2");

    // Every sheet's links reach a file of the output (relative to exports/).
    for (file, sheets) in [
        (format!("{MATRIX}.xlsx"), names.clone()),
        (
            "exports/register.xlsx".to_string(),
            vec!["About".into(), "Register".into(), "Evidence".into()],
        ),
    ] {
        let mut wb = workbook(&out, &file);
        let mut external = 0;
        for sheet in &sheets {
            for link in wb.hyperlinks_by_sheet_name(sheet).unwrap() {
                match &link.target {
                    Some(t) => {
                        external += 1;
                        let (target, _) = resolve_href("exports/x.xlsx", t)
                            .unwrap_or_else(|| panic!("{file} {sheet}: {t} leaves the site"));
                        assert!(
                            files.contains_key(&target),
                            "{file} {sheet}: {t} → no {target}"
                        );
                    }
                    None => {
                        let loc = link.location.clone().unwrap_or_default();
                        assert!(
                            sheets.iter().any(|n| loc.contains(n.as_str())),
                            "{file}: internal link to {loc}"
                        );
                    }
                }
            }
        }
        assert!(external > 3, "{file} links to the site's pages");
    }
    let links = wb.hyperlinks_by_sheet_name("KIT Q 1 to KIT-S 1").unwrap();
    assert!(
        links
            .iter()
            .any(|l| l.target.as_deref() == Some("../standards/kit-q-1/4.10/index.html")),
        "clause 4.10 links to its page"
    );
    let evidence_links = wb.hyperlinks_by_sheet_name("Evidence").unwrap();
    assert!(
        evidence_links
            .iter()
            .any(|l| l.target.as_deref() == Some("../documents/q-001/index.html")),
        "documents link to their page"
    );
    // A draft has no page: its id is not a link.
    let evidence = cells(&mut wb, "Evidence");
    let draft_row = evidence.iter().position(|r| s(&r[3]) == "Q-003").unwrap() as u32;
    assert!(
        !evidence_links
            .iter()
            .any(|l| l.range.start == (draft_row, 3))
    );

    // Frozen header row, a filter over each table, print setup.
    let filters: Vec<String> = wb
        .defined_names()
        .iter()
        .filter(|(n, _)| n == "_xlnm._FilterDatabase")
        .map(|(_, f)| f.clone())
        .collect();
    let titles: Vec<String> = wb
        .defined_names()
        .iter()
        .filter(|(n, _)| n == "_xlnm.Print_Titles")
        .map(|(_, f)| f.clone())
        .collect();
    for (i, name) in names.iter().enumerate().skip(1) {
        let rows = cells(&mut wb, name);
        let last_col = (b'A' + rows[0].len() as u8 - 1) as char;
        let range = format!("!$A$1:${last_col}${}", rows.len());
        assert!(
            filters
                .iter()
                .any(|f| f.contains(name.as_str()) && f.ends_with(&range)),
            "sheet {name} has no filter over A1{range}: {filters:?}"
        );
        assert!(
            titles
                .iter()
                .any(|t| t.contains(name.as_str()) && t.ends_with("!$1:$1")),
            "sheet {name} does not repeat its header row: {titles:?}"
        );
        let xml = zip_text(&matrix, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(
            xml.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{name}: the header row is not frozen"
        );
        assert!(
            xml.contains(r#"orientation="landscape""#),
            "{name}: not landscape"
        );
        assert!(
            xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "{name}: not fit to width"
        );
        assert!(
            xml.contains(r#"fitToHeight="0""#),
            "{name}: not fit to width"
        );
        assert!(
            xml.contains("numberStoredAsText=\"1\""),
            "{name}: number-as-text warnings"
        );
    }

    // Coverage states are colour-coded: each state its fill, the same state the same style.
    let styles = zip_text(&matrix, "xl/styles.xml");
    for fill in ["C6EFCE", "FFEB9C", "DDEBF7", "FCE4D6", "E7E6E6", "FFC7CE"] {
        assert!(
            styles.contains(&format!("rgb=\"FF{fill}\"")),
            "no fill {fill}"
        );
    }
    let cov = cells(&mut wb, "Coverage KIT Q 1");
    assert_eq!(s(&cov[0][0]), "KIT Q:1 clause");
    let xml = zip_text(&matrix, "xl/worksheets/sheet4.xml");
    let style_of = |row: usize| -> String {
        let r = format!("<c r=\"E{}\" s=\"", row + 1);
        let at = xml
            .find(&r)
            .unwrap_or_else(|| panic!("no cell E{}", row + 1))
            + r.len();
        xml[at..].split('"').next().unwrap().to_string()
    };
    let by_state: BTreeMap<String, BTreeSet<String>> =
        cov.iter()
            .enumerate()
            .skip(1)
            .fold(BTreeMap::new(), |mut m, (i, r)| {
                m.entry(s(&r[4])).or_default().insert(style_of(i));
                m
            });
    assert!(by_state.len() >= 4, "{by_state:?}");
    assert!(by_state.values().all(|v| v.len() == 1), "{by_state:?}");
    let all: BTreeSet<&String> = by_state.values().flatten().collect();
    assert_eq!(
        all.len(),
        by_state.len(),
        "two states share a style: {by_state:?}"
    );
}

#[test]
fn matrix_sheets_agree_with_the_json_on_the_example() {
    // For every clause of both directions, the XLSX sheets list the same related clauses and documents as the CSV (and so the JSON); the coverage sheets the same documents as the coverage JSON.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_ok(&repo_root(), &out, false);
    let m = json(&out, "exports/matrix-iso9001-2008--iso20000-1-2011.json");
    let mut wb = workbook(&out, "exports/matrix-iso9001-2008--iso20000-1-2011.xlsx");
    let names = wb.sheet_names();
    assert_eq!(names.len(), 6, "{names:?}");
    type Direction = BTreeMap<String, (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>)>;
    // From the matrix CSV, which tests/trace.rs holds equal to the JSON.
    let csv = csv_records(&read_csv(
        &out,
        "exports/matrix-iso9001-2008--iso20000-1-2011.csv",
    ));
    let from_csv = |std: &str| -> Direction {
        let mut d = Direction::new();
        for r in csv.iter().filter(|r| r["standard"] == std) {
            let e = d
                .entry(r["clause"].clone())
                .or_insert_with(|| (doc_ids_of_cell(&r["documents"]), BTreeMap::new()));
            if !r["related_clause"].is_empty() {
                e.1.insert(
                    r["related_clause"].clone(),
                    doc_ids_of_cell(&r["related_documents"]),
                );
            }
        }
        d
    };
    let from_sheet = |rows: &[Vec<Data>]| -> Direction {
        let mut d = Direction::new();
        for r in &rows[1..] {
            let e = d
                .entry(s(&r[0]))
                .or_insert_with(|| (ids_of_lines(&s(&r[3])), BTreeMap::new()));
            if !s(&r[5]).is_empty() {
                e.1.insert(s(&r[5]), ids_of_lines(&s(&r[8])));
            }
        }
        d
    };
    let l2r = cells(&mut wb, &names[1]);
    let r2l = cells(&mut wb, &names[2]);
    assert_eq!(s(&l2r[0][0]), "ISO 9001:2008 clause");
    assert_eq!(s(&r2l[0][0]), "ISO/IEC 20000-1:2011 clause");
    assert_eq!(from_sheet(&l2r), from_csv("iso9001:2008"));
    assert_eq!(from_sheet(&r2l), from_csv("iso20000-1:2011"));
    assert_eq!(
        m["left_to_right"].as_array().unwrap().len(),
        from_csv("iso9001:2008").len()
    );
    let pairs = l2r[1..].iter().filter(|r| !s(&r[5]).is_empty()).count();
    assert_eq!(pairs, 130, "the 130 pairs of TR 90006");

    let mut evidence_pairs = 0;
    for (sheet, slug) in [(&names[3], "iso9001-2008"), (&names[4], "iso20000-1-2011")] {
        let cov = json(&out, &format!("exports/coverage-{slug}.json"));
        let rows = cells(&mut wb, sheet);
        let clauses = cov["clauses"].as_array().unwrap();
        assert_eq!(rows.len() - 1, clauses.len(), "{sheet}");
        for (r, c) in rows[1..].iter().zip(clauses) {
            assert_eq!(s(&r[0]), c["clause"].as_str().unwrap());
            let ids: BTreeSet<String> = c["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_string())
                .collect();
            evidence_pairs += ids.len();
            assert_eq!(ids_of_lines(&s(&r[5])), ids, "{sheet} {}", s(&r[0]));
        }
    }
    let evidence = cells(&mut wb, "Evidence");
    assert_eq!(
        evidence.len() - 1,
        evidence_pairs,
        "a row per clause–document pair"
    );
}

// ---------------------------------------------------------------- limits

#[test]
fn a_clause_with_thousands_of_documents_builds_and_every_pair_is_in_the_workbooks() {
    // 3,000 documents on one clause overflow a spreadsheet cell: the build still publishes, the cell says where the rest is, and the Evidence sheets hold every pair.
    let tmp = tempdir();
    let site = copy_fixture_publish(tmp.path());
    let n = 3000;
    let dir = site.join("content/bulk");
    std::fs::create_dir_all(&dir).unwrap();
    for k in 0..n {
        std::fs::write(
            dir.join(format!("b{k:04}.md")),
            format!(
                "+++\nid = \"BULK-RECORD-{k:04}\"\ntitle = \"Bulk record number {k:04}\"\nkind = \"record\"\nstatus = \"approved\"\nowner = \"Clerk\"\napprover = \"Director\"\neffective = 2026-01-05\nversion = \"1\"\nreview_by = 2099-12-31\nclauses = [\"kit-q:1/4.2\"]\n+++\n\nOne of many.\n"
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("out");
    build_ok(&site, &out, false);

    let mut wb = workbook(&out, &format!("{MATRIX}.xlsx"));
    let cov = cells(&mut wb, "Coverage KIT Q 1");
    let row = cov.iter().find(|r| s(&r[0]) == "4.2").unwrap();
    let cell = s(&row[5]);
    assert!(cell.chars().map(char::len_utf16).sum::<usize>() <= 32_767);
    assert!(cell.starts_with("BULK-RECORD-0000 Bulk record number 0000 (approved)"));
    let shown = ids_of_lines(&cell).len();
    assert!(shown > 100 && shown < n, "{shown} documents shown");
    assert!(
        cell.ends_with(&format!("… and {} more: see the Evidence sheet", n - shown)),
        "{}",
        &cell[cell.len() - 80..]
    );
    let evidence = cells(&mut wb, "Evidence");
    let bulk: BTreeSet<String> = evidence
        .iter()
        .filter(|r| s(&r[1]) == "4.2")
        .map(|r| s(&r[3]))
        .collect();
    assert_eq!(bulk.len(), n, "every pair of 4.2 is on the Evidence sheet");

    let mut reg = workbook(&out, "exports/register.xlsx");
    assert_eq!(cells(&mut reg, "Register").len() - 1, n + 3);
    let evidence = cells(&mut reg, "Evidence");
    let bulk = evidence.iter().filter(|r| s(&r[1]) == "4.2").count();
    assert_eq!(bulk, n);
}

#[test]
fn sheet_names_stay_distinct_when_long_names_are_cut() {
    // Two standards whose names are the same once cut to a sheet name's 31 characters still give a workbook whose sheets all exist, under names Excel accepts.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let site = repo_root().join("tests/fixtures/publish/sheet-names");
    build_cli(&site, &out, &[]).assert_code(0);
    let mut wb = workbook(&out, "exports/matrix-long-a-1--long-b-1.xlsx");
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "About",
            "Énergie 𝔸𝔹 et qualité, systèm",
            "énergie 𝔸𝔹 et qualité, syst~2",
            "Coverage Énergie 𝔸𝔹 et qualit",
            "Coverage énergie 𝔸𝔹 et qual~2",
            "Evidence",
        ]
    );
    let lower: BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), names.len(), "names unique regardless of case");
    for name in &names {
        let units: usize = name.chars().map(char::len_utf16).sum();
        assert!(units <= 31, "{name}: {units} UTF-16 units");
        assert!(!cells(&mut wb, name).is_empty(), "sheet {name} is empty");
    }
}
