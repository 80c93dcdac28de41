//! Exports for auditors, written under `exports/` at every build: for each
//! mapping between standards in scope the traceability matrix as CSV, JSON
//! and XLSX; for each standard in scope its coverage as CSV and JSON.
//! The JSON schemas are documented in README.md.

use serde::Serialize;

use crate::content::{Level, Status};
use crate::diag::Diagnostic;
use crate::render::OutputFile;
use crate::site::Site;
use crate::standards::{Catalog, Mapping};
use crate::trace::{Address, State};

/// A document as listed in exports.
#[derive(Debug, Clone, Serialize)]
pub struct DocEntry {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub level: Level,
    pub section: Option<String>,
}

/// A clause with its coverage and the documents addressing it.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseEntry {
    pub clause: String,
    pub title: String,
    pub coverage: Option<State>,
    pub documents: Vec<DocEntry>,
}

/// A related pair, with both sides.
#[derive(Debug, Clone, Serialize)]
pub struct PairEntry {
    pub left: ClauseEntry,
    pub right: ClauseEntry,
    pub relation: String,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// One row of a direction: a clause and its related clauses.
#[derive(Debug, Clone, Serialize)]
pub struct DirectionRow {
    #[serde(flatten)]
    pub clause: ClauseEntry,
    pub related: Vec<RelatedEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedEntry {
    #[serde(flatten)]
    pub clause: ClauseEntry,
    pub relation: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StandardRef {
    pub id: String,
    pub name: String,
}

/// The JSON form of a matrix (`exports/matrix-<mapping>.json`).
#[derive(Debug, Clone, Serialize)]
pub struct MatrixExport {
    pub schema: &'static str,
    pub mapping: MappingRef,
    pub left: StandardRef,
    pub right: StandardRef,
    pub pairs: Vec<PairEntry>,
    pub left_to_right: Vec<DirectionRow>,
    pub right_to_left: Vec<DirectionRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MappingRef {
    pub id: String,
    pub name: String,
    pub source: String,
}

/// The JSON form of a standard's coverage (`exports/coverage-<std>.json`).
#[derive(Debug, Clone, Serialize)]
pub struct CoverageExport {
    pub schema: &'static str,
    pub standard: StandardRef,
    pub stats: crate::trace::Stats,
    pub clauses: Vec<CoverageRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub clause: String,
    pub title: String,
    pub parent: Option<String>,
    pub requirement: bool,
    pub coverage: State,
    pub documents: Vec<DocEntry>,
    /// Related clauses of mapped standards addressed by approved documents.
    pub derived: Vec<String>,
    pub exclusion: Option<String>,
}

fn doc_entries(site: &Site, addrs: &[Address]) -> Vec<DocEntry> {
    addrs
        .iter()
        .map(|a| {
            let m = &site.docs[a.doc].meta;
            DocEntry {
                id: m.id.clone(),
                title: m.title.clone(),
                status: m.status,
                level: a.level,
                section: a.section.clone(),
            }
        })
        .collect()
}

fn clause_entry(site: &Site, cat: &Catalog, clause: &str) -> ClauseEntry {
    ClauseEntry {
        clause: clause.to_string(),
        title: cat.display_title(clause),
        coverage: site
            .public_trace
            .standard(&cat.id)
            .and_then(|s| s.clause(clause))
            .map(|c| c.state),
        documents: doc_entries(site, site.public_trace.direct(&cat.id, clause)),
    }
}

/// The matrix of one mapping, both directions.
pub fn matrix(site: &Site, m: &Mapping, left: &Catalog, right: &Catalog) -> MatrixExport {
    let pairs = m
        .pairs
        .iter()
        .map(|p| PairEntry {
            left: clause_entry(site, left, &p.left),
            right: clause_entry(site, right, &p.right),
            relation: p.relation.as_str().to_string(),
            note: p.note.clone(),
            source: p.source.clone(),
        })
        .collect();
    let direction = |base: &Catalog, other: &Catalog| -> Vec<DirectionRow> {
        crate::trace::matrix_rows(m, base)
            .into_iter()
            .map(|row| DirectionRow {
                clause: clause_entry(site, base, row.clause),
                related: row
                    .related
                    .iter()
                    .map(|(oc, rel, note)| RelatedEntry {
                        clause: clause_entry(site, other, oc),
                        relation: rel.as_str().to_string(),
                        note: note.map(str::to_string),
                    })
                    .collect(),
            })
            .collect()
    };
    MatrixExport {
        schema: "clausebook-matrix/1",
        mapping: MappingRef {
            id: m.id.clone(),
            name: m.name.clone(),
            source: m.source.clone(),
        },
        left: StandardRef {
            id: left.id.clone(),
            name: left.display_name(),
        },
        right: StandardRef {
            id: right.id.clone(),
            name: right.display_name(),
        },
        pairs,
        left_to_right: direction(left, right),
        right_to_left: direction(right, left),
    }
}

/// The coverage of one standard.
pub fn coverage(site: &Site, cat: &Catalog) -> Option<CoverageExport> {
    let cov = site.public_trace.standard(&cat.id)?;
    Some(CoverageExport {
        schema: "clausebook-coverage/1",
        standard: StandardRef {
            id: cat.id.clone(),
            name: cat.display_name(),
        },
        stats: cov.stats.clone(),
        clauses: cat
            .clauses
            .iter()
            .zip(&cov.clauses)
            .map(|(cl, cc)| CoverageRow {
                clause: cl.number.clone(),
                title: cat.display_title(&cl.number),
                parent: cl.parent.clone(),
                requirement: cc.requirement,
                coverage: cc.state,
                documents: doc_entries(site, &cc.direct),
                derived: cc.derived.iter().map(|(s, c)| format!("{s}/{c}")).collect(),
                exclusion: cc.exclusion.clone(),
            })
            .collect(),
    })
}

/// Documents as one spreadsheet cell: `SMS-PRO-007; SMS-POL-001 [partial, draft]`.
fn docs_cell(docs: &[DocEntry]) -> String {
    docs.iter()
        .map(|d| {
            let mut notes = Vec::new();
            if d.level == Level::Partial {
                notes.push("partial".to_string());
            }
            if d.status != Status::Approved {
                notes.push(d.status.as_str().to_string());
            }
            if let Some(s) = &d.section {
                notes.push(format!("§{s}"));
            }
            if notes.is_empty() {
                d.id.clone()
            } else {
                format!("{} [{}]", d.id, notes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn state_cell(s: Option<State>) -> &'static str {
    s.map_or("", State::as_str)
}

const MATRIX_HEADER: [&str; 10] = [
    "clause",
    "title",
    "coverage",
    "documents",
    "related_clause",
    "related_title",
    "relation",
    "related_coverage",
    "related_documents",
    "note",
];

/// The rows of one direction as strings, a row per pair and a row per clause
/// without related clause.
fn direction_table(rows: &[DirectionRow]) -> Vec<[String; 10]> {
    let mut out = Vec::new();
    for r in rows {
        let base = [
            r.clause.clause.clone(),
            r.clause.title.clone(),
            state_cell(r.clause.coverage).to_string(),
            docs_cell(&r.clause.documents),
        ];
        if r.related.is_empty() {
            out.push([
                base[0].clone(),
                base[1].clone(),
                base[2].clone(),
                base[3].clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for x in &r.related {
            out.push([
                base[0].clone(),
                base[1].clone(),
                base[2].clone(),
                base[3].clone(),
                x.clause.clause.clone(),
                x.clause.title.clone(),
                x.relation.clone(),
                state_cell(x.clause.coverage).to_string(),
                docs_cell(&x.clause.documents),
                x.note.clone().unwrap_or_default(),
            ]);
        }
    }
    out
}

fn csv_bytes<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

const COVERAGE_HEADER: [&str; 8] = [
    "standard",
    "clause",
    "title",
    "parent",
    "requirement",
    "coverage",
    "documents",
    "exclusion",
];

fn coverage_table(c: &CoverageExport) -> Vec<[String; 8]> {
    c.clauses
        .iter()
        .map(|r| {
            [
                c.standard.id.clone(),
                r.clause.clone(),
                r.title.clone(),
                r.parent.clone().unwrap_or_default(),
                if r.requirement { "yes" } else { "no" }.to_string(),
                r.coverage.as_str().to_string(),
                docs_cell(&r.documents),
                r.exclusion.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

fn sheet_name(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    clean.chars().take(31).collect()
}

fn xlsx(
    m: &MatrixExport,
    coverages: &[&CoverageExport],
    left_slug: &str,
    right_slug: &str,
    created: Option<jiff::civil::Date>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    // A fixed creation date keeps the file byte-identical between builds.
    let date = created.unwrap_or(jiff::civil::date(2000, 1, 1));
    let created =
        ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&m.mapping.name)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let mut write_table =
        |name: String, header: &[&str], rows: Vec<Vec<String>>, widths: &[f64]| {
            let ws = wb.add_worksheet();
            ws.set_name(name)?;
            for (c, h) in header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    ws.write_string_with_format(r as u32 + 1, c as u16, v, &wrap)?;
                }
            }
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w)?;
            }
            ws.set_freeze_panes(1, 0)?;
            ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
            Ok::<(), rust_xlsxwriter::XlsxError>(())
        };
    let widths = [9.0, 34.0, 10.0, 28.0, 9.0, 34.0, 9.0, 10.0, 28.0, 24.0];
    let to_vec = |rows: Vec<[String; 10]>| rows.into_iter().map(|r| r.to_vec()).collect::<Vec<_>>();
    write_table(
        sheet_name(&format!("{left_slug} to {right_slug}")),
        &MATRIX_HEADER,
        to_vec(direction_table(&m.left_to_right)),
        &widths,
    )?;
    write_table(
        sheet_name(&format!("{right_slug} to {left_slug}")),
        &MATRIX_HEADER,
        to_vec(direction_table(&m.right_to_left)),
        &widths,
    )?;
    let cov_rows: Vec<Vec<String>> = coverages
        .iter()
        .flat_map(|c| coverage_table(c))
        .map(|r| r.to_vec())
        .collect();
    write_table(
        "Coverage".to_string(),
        &COVERAGE_HEADER,
        cov_rows,
        &[16.0, 9.0, 40.0, 8.0, 11.0, 10.0, 36.0, 30.0],
    )?;
    wb.save_to_buffer()
}

/// Every export file of the site.
pub fn exports(site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    let err =
        |what: &str, e: String| Diagnostic::error("exports", format!("cannot write {what}: {e}"));
    let mut files = Vec::new();
    let mut coverages = Vec::new();
    for id in &site.public_trace.scope {
        let Some(cat) = site.standards.catalog(id) else {
            continue;
        };
        let Some(c) = coverage(site, cat) else {
            continue;
        };
        let slug = cat.slug();
        files.push(OutputFile {
            path: format!("exports/coverage-{slug}.csv"),
            bytes: csv_bytes(COVERAGE_HEADER, &coverage_table(&c))
                .map_err(|e| err("coverage CSV", e))?,
        });
        files.push(OutputFile {
            path: format!("exports/coverage-{slug}.json"),
            bytes: json_bytes(&c),
        });
        coverages.push(c);
    }
    let created = site.docs.iter().filter_map(|d| d.meta.effective).max();
    for (m, left, right) in site.matrices() {
        let mx = matrix(site, m, left, right);
        let slug = m.slug();
        let pair_rows: Vec<[String; 10]> = direction_table(&mx.left_to_right);
        files.push(OutputFile {
            path: format!("exports/matrix-{slug}.csv"),
            bytes: csv_bytes(MATRIX_HEADER, &pair_rows).map_err(|e| err("matrix CSV", e))?,
        });
        files.push(OutputFile {
            path: format!("exports/matrix-{slug}.json"),
            bytes: json_bytes(&mx),
        });
        let covs: Vec<&CoverageExport> = coverages
            .iter()
            .filter(|c| c.standard.id == left.id || c.standard.id == right.id)
            .collect();
        files.push(OutputFile {
            path: format!("exports/matrix-{slug}.xlsx"),
            bytes: xlsx(&mx, &covs, &left.slug(), &right.slug(), created)
                .map_err(|e| err("matrix XLSX", e.to_string()))?,
        });
    }
    Ok(files)
}

fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}
