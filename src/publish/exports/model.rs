//! What the exports hold: the matrix of a mapping and the coverage of a
//! standard, as data that the CSV, JSON and XLSX writers lay out.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::load::content::{Level, Status};
use crate::load::standards::{Catalog, Mapping, Strength, Unrelated};
use crate::resolve::Site;
use crate::resolve::trace::{Address, State};

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

/// A clause with its coverage and the documents addressing it. The JSON
/// leaves the documents out: a clause's documents are written once, in
/// [`MatrixExport::documents`], however many rows show the clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseEntry {
    pub clause: String,
    pub title: String,
    pub coverage: Option<State>,
    /// One list per clause, shared by every row and pair showing it (a
    /// clause of a records-heavy site has thousands).
    #[serde(skip)]
    pub documents: Arc<[DocEntry]>,
}

/// A related pair, with both sides.
#[derive(Debug, Clone, Serialize)]
pub struct PairEntry {
    pub left: ClauseEntry,
    pub right: ClauseEntry,
    pub relation: String,
    pub strength: Option<Strength>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// One row of a direction: a clause and its related clauses.
#[derive(Debug, Clone, Serialize)]
pub struct DirectionRow {
    #[serde(flatten)]
    pub clause: ClauseEntry,
    pub related: Vec<RelatedEntry>,
    /// Why the clause has no related clause: `heading` (its subclauses
    /// carry the relations), `no-counterpart` (the mapping says it has
    /// none) or `not-covered` (the mapping says nothing of it).
    pub unrelated: Option<Unrelated>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedEntry {
    #[serde(flatten)]
    pub clause: ClauseEntry,
    pub relation: String,
    pub strength: Option<Strength>,
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
    /// By standard id, then clause: the documents
    /// addressing each clause (every clause of both standards).
    pub documents: Standards,
}

/// By standard id: the documents of each of its clauses, written as a
/// JSON object in scope order.
#[derive(Debug, Clone)]
pub struct Standards(pub Vec<(String, ClauseDocs)>);

/// The documents of each clause of a standard, written as a JSON object
/// keyed by clause number, in catalog order.
#[derive(Debug, Clone)]
pub struct ClauseDocs(pub Vec<(String, Arc<[DocEntry]>)>);

/// (key, value) pairs written as a JSON object, in their order.
fn ordered_map<'a, S: serde::Serializer, V: Serialize + ?Sized + 'a>(
    s: S,
    entries: impl ExactSizeIterator<Item = (&'a String, &'a V)>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(entries.len()))?;
    for (k, v) in entries {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

impl Serialize for ClauseDocs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ordered_map(s, self.0.iter().map(|(k, v)| (k, &**v)))
    }
}

impl Serialize for Standards {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ordered_map(s, self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MappingRef {
    pub id: String,
    pub name: String,
    pub source: String,
    pub description: Option<String>,
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
    /// An exclusion names the clause, but approved documents address it:
    /// not in effect (`coverage` comes from the documents).
    pub exclusion_contested: bool,
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
    cat.qualified_title(number)
}

/// The documents of each clause of the standards of a matrix, by
/// (standard id, clause).
type Memo<'a> = HashMap<(&'a str, &'a str), Arc<[DocEntry]>>;

fn clause_entry(site: &Site, cat: &Catalog, clause: &str, memo: &Memo<'_>) -> ClauseEntry {
    ClauseEntry {
        clause: clause.to_string(),
        title: clause_title(cat, clause),
        coverage: site
            .public_trace
            .standard(&cat.id)
            .and_then(|s| s.clause(clause))
            .map(|c| c.state),
        documents: match memo.get(&(cat.id.as_str(), clause)) {
            Some(docs) => Arc::clone(docs),
            None => doc_entries(site, site.public_trace.direct(&cat.id, clause)).into(),
        },
    }
}

/// The matrix of one mapping, both directions.
pub fn matrix(site: &Site, m: &Mapping, left: &Catalog, right: &Catalog) -> MatrixExport {
    // Both directions show every clause of both standards.
    let documents = Standards(
        [left, right]
            .into_iter()
            .map(|cat| {
                let clauses = cat
                    .clauses
                    .iter()
                    .map(|cl| {
                        let docs = doc_entries(site, site.public_trace.direct(&cat.id, &cl.number));
                        (cl.number.clone(), docs.into())
                    })
                    .collect();
                (cat.id.clone(), ClauseDocs(clauses))
            })
            .collect(),
    );
    let memo: Memo<'_> = documents
        .0
        .iter()
        .flat_map(|(id, clauses)| {
            clauses
                .0
                .iter()
                .map(move |(n, docs)| ((id.as_str(), n.as_str()), Arc::clone(docs)))
        })
        .collect();
    let pairs = m
        .pairs
        .iter()
        .map(|p| PairEntry {
            left: clause_entry(site, left, &p.left, &memo),
            right: clause_entry(site, right, &p.right, &memo),
            relation: p.relation.as_str().to_string(),
            strength: p.strength,
            note: p.note.clone(),
            source: p.source.clone(),
        })
        .collect();
    let direction = |base: &Catalog, other: &Catalog| -> Vec<DirectionRow> {
        crate::resolve::trace::matrix_rows(m, base)
            .into_iter()
            .map(|row| DirectionRow {
                clause: clause_entry(site, base, row.clause, &memo),
                related: row
                    .related
                    .iter()
                    .map(|(oc, rel, note, strength)| RelatedEntry {
                        clause: clause_entry(site, other, oc, &memo),
                        relation: rel.as_str().to_string(),
                        strength: *strength,
                        note: note.map(str::to_string),
                    })
                    .collect(),
                unrelated: row.unrelated,
            })
            .collect()
    };
    let left_to_right = direction(left, right);
    let right_to_left = direction(right, left);
    MatrixExport {
        schema: "clausebook-matrix/2",
        documents,
        mapping: MappingRef {
            id: m.id.clone(),
            name: m.name.clone(),
            source: m.source.clone(),
            description: m.description.clone(),
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
        left_to_right,
        right_to_left,
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
                exclusion_contested: cc.exclusion_contested,
            })
            .collect(),
    })
}
