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

use std::path::Path;

use crate::base::diag::Diagnostic;
use crate::base::output::{OutputFile, Sink};
use crate::load::standards::{Catalog, Mapping};
use crate::resolve::Site;
use crate::resolve::history::SiteHistory;
use formats::{
    COVERAGE_HEADER, MATRIX_HEADER, coverage_table, csv_bytes, direction_table, json_bytes,
};

mod formats;
mod history;
mod model;
mod register;
mod xlsx;

pub use formats::csv_safe;
pub use model::{
    ClauseEntry, CoverageExport, CoverageRow, DirectionRow, DocEntry, MappingRef, MatrixExport,
    PairEntry, RelatedEntry, StandardRef, clause_title, coverage, matrix,
};

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
    /// `exports/about.json` (the publication stamp).
    About(&'a SiteHistory),
    /// `exports/history.json` (every document's revisions).
    History(&'a SiteHistory),
}

/// Every export file of the site. The files are made side by side.
/// `scratch` is a folder of the output being made (or of the output
/// itself) where the workbooks keep their sheets while they are made, in
/// files with no name that are gone when closed.
pub fn exports(site: &Site, scratch: &Path) -> Result<Vec<OutputFile>, Diagnostic> {
    crate::base::output::collected(|sink| exports_into(site, scratch, sink))
}

/// [`exports`], each file handed to `sink` as soon as it is made (and
/// freed then): returns how many there were.
pub fn exports_into(site: &Site, scratch: &Path, sink: Sink<'_>) -> Result<usize, Diagnostic> {
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
    // The longest jobs first (the register's workbook, the history, the
    // matrices' workbooks): each is made by one thread from start to end,
    // and started last it would finish alone with the other core idle.
    let mut jobs = vec![Job::RegisterXlsx];
    if let Some(h) = &site.history {
        jobs.push(Job::History(h));
    }
    jobs.extend(
        matrices
            .iter()
            .zip(&maps)
            .map(|(mx, (m, l, r))| Job::MatrixXlsx(mx, m, l, r)),
    );
    jobs.extend([Job::RegisterCsv, Job::RegisterJson]);
    if let Some(h) = &site.history {
        jobs.push(Job::About(h));
    }
    for (mx, (m, _, _)) in matrices.iter().zip(&maps) {
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
        .with_max_len(1)
        .try_for_each(|job| -> Result<(), Diagnostic> {
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
                        xlsx::matrix_workbook(site, mx, &covs, l, r, scratch)
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
                    xlsx::register_workbook(site, scratch)
                        .map_err(|e| err("register XLSX", e.to_string()))?,
                ),
                Job::About(h) => ("exports/about.json".to_string(), json_bytes(&h.about())),
                Job::History(h) => ("exports/history.json".to_string(), history::history_json(h)),
            };
            sink(OutputFile { path, bytes })
        })?;
    Ok(jobs.len())
}
