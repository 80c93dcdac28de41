//! The CSV and JSON files of the exports: cells, rows and bytes.

use serde::Serialize;

use super::model::{CoverageExport, DirectionRow, DocEntry, RelatedEntry};
use crate::load::content::{Level, Status};
use crate::load::standards::{Strength, Unrelated};
use crate::resolve::trace::State;

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

pub(super) const MATRIX_HEADER: [&str; 14] = [
    "standard",
    "clause",
    "title",
    "coverage",
    "documents",
    "related_standard",
    "related_clause",
    "related_title",
    "relation",
    "strength",
    "related_coverage",
    "related_documents",
    "note",
    "unrelated",
];

/// The CSV rows of one direction: a row per related pair and a row per
/// clause without a related clause.
pub(super) fn direction_table(base: &str, other: &str, rows: &[DirectionRow]) -> Vec<[String; 14]> {
    let mut out = Vec::new();
    for r in rows {
        let side = |x: Option<&RelatedEntry>| -> [String; 14] {
            let c = &r.clause;
            let (rs, rc, rt, rel, strength, rcov, rdocs, note) = match x {
                Some(x) => (
                    other.to_string(),
                    x.clause.clause.clone(),
                    x.clause.title.clone(),
                    x.relation.clone(),
                    x.strength.map_or("", Strength::as_str).to_string(),
                    state_cell(x.clause.coverage).to_string(),
                    docs_cell(&x.clause.documents),
                    x.note.clone().unwrap_or_default(),
                ),
                None => Default::default(),
            };
            let unrelated = r.unrelated.map_or("", Unrelated::as_str).to_string();
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
                strength,
                rcov,
                rdocs,
                note,
                unrelated,
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
pub(super) fn csv_bytes<R: AsRef<[String]>>(
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

pub(super) const COVERAGE_HEADER: [&str; 9] = [
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

pub(super) fn coverage_table(c: &CoverageExport) -> Vec<[String; 9]> {
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

pub(super) fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
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
