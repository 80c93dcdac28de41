//! Exports for auditors, written under `exports/` at every build:
//!
//! - the document register as CSV, JSON and XLSX;
//! - for each standard in scope its coverage as CSV and JSON;
//! - for each mapping between standards in scope the traceability matrix
//!   as CSV, JSON and XLSX (the workbook also holds the coverage of both
//!   standards and every clause–document pair).
//!
//! The CSV and JSON files are data for programs and spreadsheets; the
//! workbooks ([`xlsx`]) are laid out for people. The files and their
//! columns and schemas are documented in README.md.

use serde::Serialize;

use crate::base::diag::Diagnostic;
use crate::base::output::OutputFile;
use crate::load::content::{Level, Status};
use crate::load::standards::{Catalog, Mapping};
use crate::resolve::Site;
use crate::resolve::trace::{Address, State};

mod register;
mod xlsx;

/// A document as listed in exports.
#[derive(Debug, Clone, Serialize)]
pub struct DocEntry {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub level: Level,
    pub section: Option<String>,
    /// Position in `site.docs` (for links to its page).
    #[serde(skip)]
    pub index: usize,
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
    pub stats: crate::resolve::trace::Stats,
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
                index: a.doc,
            }
        })
        .collect()
}

/// A clause's title as exports print it. A subclause titled "General", or
/// untitled, says nothing without its parent: it is qualified by it, as in
/// `General (4.5.4 Internal audit)`.
pub fn clause_title(cat: &Catalog, number: &str) -> String {
    let Some(c) = cat.clause(number) else {
        return String::new();
    };
    let generic = c.title.is_empty() || c.title.eq_ignore_ascii_case("general");
    let parent = c
        .parent
        .as_deref()
        .map(|p| (p, cat.display_title(p)))
        .filter(|(_, t)| !t.is_empty());
    match parent {
        Some((p, t)) if generic && c.title.is_empty() => format!("Part of {p} {t}"),
        Some((p, t)) if generic => format!("{} ({p} {t})", c.title),
        _ => cat.display_title(number),
    }
}

fn clause_entry(site: &Site, cat: &Catalog, clause: &str) -> ClauseEntry {
    ClauseEntry {
        clause: clause.to_string(),
        title: clause_title(cat, clause),
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
        crate::resolve::trace::matrix_rows(m, base)
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
                title: clause_title(cat, &cl.number),
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

// ------------------------------------------------------------------ CSV

/// Documents as one CSV cell: `SMS-PRO-007; SMS-POL-001 [partial, draft, §section]`.
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

const MATRIX_HEADER: [&str; 12] = [
    "standard",
    "clause",
    "title",
    "coverage",
    "documents",
    "related_standard",
    "related_clause",
    "related_title",
    "relation",
    "related_coverage",
    "related_documents",
    "note",
];

/// The CSV rows of one direction: a row per related pair and a row per
/// clause without a related clause.
fn direction_table(base: &str, other: &str, rows: &[DirectionRow]) -> Vec<[String; 12]> {
    let mut out = Vec::new();
    for r in rows {
        let side = |x: Option<&RelatedEntry>| -> [String; 12] {
            let c = &r.clause;
            let (rs, rc, rt, rel, rcov, rdocs, note) = match x {
                Some(x) => (
                    other.to_string(),
                    x.clause.clause.clone(),
                    x.clause.title.clone(),
                    x.relation.clone(),
                    state_cell(x.clause.coverage).to_string(),
                    docs_cell(&x.clause.documents),
                    x.note.clone().unwrap_or_default(),
                ),
                None => Default::default(),
            };
            [
                base.to_string(),
                c.clause.clone(),
                c.title.clone(),
                state_cell(c.coverage).to_string(),
                docs_cell(&c.documents),
                rs,
                rc,
                rt,
                rel,
                rcov,
                rdocs,
                note,
            ]
        };
        if r.related.is_empty() {
            out.push(side(None));
        }
        out.extend(r.related.iter().map(|x| side(Some(x))));
    }
    out
}

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return first) gets a leading `'`, which spreadsheets show
/// as text (OWASP's rule against CSV injection).
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// A CSV file: UTF-8, with a byte-order mark when `bom`, every cell made
/// safe by [`csv_safe`].
fn csv_bytes<R: AsRef<[String]>>(
    header: &[&str],
    rows: &[R],
    bom: bool,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(r.as_ref().iter().map(|c| csv_safe(c).into_owned()))
            .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

const COVERAGE_HEADER: [&str; 9] = [
    "standard",
    "clause",
    "title",
    "parent",
    "requirement",
    "coverage",
    "documents",
    "derived",
    "exclusion",
];

fn coverage_table(c: &CoverageExport) -> Vec<[String; 9]> {
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
                r.derived.join("; "),
                r.exclusion.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

// ------------------------------------------------------------------ all

/// One file to make.
enum Job<'a> {
    CoverageCsv(&'a CoverageExport),
    CoverageJson(&'a CoverageExport),
    MatrixCsv(&'a MatrixExport, &'a Mapping),
    MatrixJson(&'a MatrixExport, &'a Mapping),
    MatrixXlsx(&'a MatrixExport, &'a Mapping, &'a Catalog, &'a Catalog),
    RegisterCsv,
    RegisterJson,
    RegisterXlsx,
}

/// Every export file of the site. The files are made side by side.
pub fn exports(site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    use rayon::prelude::*;
    let bom = site.config.exports.csv_bom;
    let catalogs: Vec<&Catalog> = site
        .trace
        .scope
        .iter()
        .filter_map(|id| site.standards.catalog(id))
        .collect();
    let maps: Vec<(&Mapping, &Catalog, &Catalog)> = site.matrices().collect();
    let (coverages, matrices): (Vec<CoverageExport>, Vec<MatrixExport>) = rayon::join(
        || {
            catalogs
                .par_iter()
                .filter_map(|c| coverage(site, c))
                .collect()
        },
        || {
            maps.par_iter()
                .map(|(m, l, r)| matrix(site, m, l, r))
                .collect()
        },
    );
    let mut jobs = vec![Job::RegisterXlsx, Job::RegisterCsv, Job::RegisterJson];
    for (mx, (m, l, r)) in matrices.iter().zip(&maps) {
        jobs.push(Job::MatrixXlsx(mx, m, l, r));
        jobs.push(Job::MatrixJson(mx, m));
        jobs.push(Job::MatrixCsv(mx, m));
    }
    for c in &coverages {
        jobs.push(Job::CoverageCsv(c));
        jobs.push(Job::CoverageJson(c));
    }
    let err = |what: &str, e: String| {
        Diagnostic::error("exports", format!("cannot write {what}: {e}"))
            .with_help("this is a bug of clausebook: please report it with the site that shows it")
    };
    let slug = |id: &str| {
        site.standards
            .catalog(id)
            .map(|c| c.slug())
            .unwrap_or_default()
    };
    jobs.par_iter()
        .map(|job| -> Result<OutputFile, Diagnostic> {
            let (path, bytes) = match job {
                Job::CoverageCsv(c) => (
                    format!("exports/coverage-{}.csv", slug(&c.standard.id)),
                    csv_bytes(&COVERAGE_HEADER, &coverage_table(c), bom)
                        .map_err(|e| err("coverage CSV", e))?,
                ),
                Job::CoverageJson(c) => (
                    format!("exports/coverage-{}.json", slug(&c.standard.id)),
                    json_bytes(c),
                ),
                Job::MatrixCsv(mx, m) => {
                    let mut rows = direction_table(&mx.left.id, &mx.right.id, &mx.left_to_right);
                    rows.extend(direction_table(
                        &mx.right.id,
                        &mx.left.id,
                        &mx.right_to_left,
                    ));
                    (
                        format!("exports/matrix-{}.csv", m.slug()),
                        csv_bytes(&MATRIX_HEADER, &rows, bom).map_err(|e| err("matrix CSV", e))?,
                    )
                }
                Job::MatrixJson(mx, m) => {
                    (format!("exports/matrix-{}.json", m.slug()), json_bytes(mx))
                }
                Job::MatrixXlsx(mx, m, l, r) => {
                    let covs: Vec<&CoverageExport> = [l, r]
                        .iter()
                        .filter_map(|cat| coverages.iter().find(|c| c.standard.id == cat.id))
                        .collect();
                    (
                        format!("exports/matrix-{}.xlsx", m.slug()),
                        xlsx::matrix_workbook(site, mx, &covs, l, r)
                            .map_err(|e| err("matrix XLSX", e.to_string()))?,
                    )
                }
                Job::RegisterCsv => (
                    "exports/register.csv".to_string(),
                    register::csv(site, bom).map_err(|e| err("register CSV", e))?,
                ),
                Job::RegisterJson => ("exports/register.json".to_string(), register::json(site)),
                Job::RegisterXlsx => (
                    "exports/register.xlsx".to_string(),
                    xlsx::register_workbook(site)
                        .map_err(|e| err("register XLSX", e.to_string()))?,
                ),
            };
            Ok(OutputFile { path, bytes })
        })
        .chain(history_exports(site).into_par_iter().map(Ok))
        .collect()
}

/// With `[history]`: `exports/about.json` (the publication stamp) and
/// `exports/history.json` (every document's revisions).
fn history_exports(site: &Site) -> Vec<OutputFile> {
    let Some(h) = &site.history else {
        return Vec::new();
    };
    vec![
        OutputFile {
            path: "exports/about.json".into(),
            bytes: json_bytes(&h.about()),
        },
        OutputFile {
            path: "exports/history.json".into(),
            bytes: json_bytes(&h.export()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_spreadsheets_run_as_formulas_are_quoted() {
        // A title like `=HYPERLINK(...)` must open as text, not run as a formula (OWASP).
        for s in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_safe(s), format!("'{s}"));
        }
        for s in ["", "4.10", "SMS-PRO-007", "a=b", " =x"] {
            assert_eq!(csv_safe(s), s);
        }
    }
}
