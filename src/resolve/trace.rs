//! Traceability: which documents address which clause, the coverage state of
//! every clause of each standard in scope, and the matrix between two
//! standards read from a mapping.

use std::collections::BTreeMap;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use crate::load::config::{Config, Unpublished};
use crate::load::content::{Document, Level, Status};
use crate::load::standards::{Catalog, Mapping, Relation, Standards};
use crate::resolve::clauses::ResolvedRef;

/// Coverage of one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Addressed in full by at least one approved document.
    Full,
    /// Addressed by approved documents, only partially.
    Partial,
    /// Not addressed directly, but a related clause of a mapped standard is.
    Derived,
    /// Only draft or review documents address it.
    Planned,
    /// Excluded in `clausebook.toml`, with a justification.
    Excluded,
    /// Nothing addresses it.
    Gap,
    /// Outside the requirement clauses (scope, terms, ...).
    Informative,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Full => "full",
            State::Partial => "partial",
            State::Derived => "derived",
            State::Planned => "planned",
            State::Excluded => "excluded",
            State::Gap => "gap",
            State::Informative => "informative",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Full => "Addressed",
            State::Partial => "Partial",
            State::Derived => "Derived only",
            State::Planned => "Planned",
            State::Excluded => "Excluded",
            State::Gap => "Gap",
            State::Informative => "Not a requirement",
        }
    }

    /// Rank for roll-up: a heading is as weak as its weakest subclause.
    fn strength(self) -> u8 {
        match self {
            State::Full => 5,
            State::Partial => 4,
            State::Derived => 3,
            State::Planned => 2,
            State::Gap => 1,
            State::Excluded | State::Informative => 6,
        }
    }
}

/// A document addressing a clause directly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Address {
    pub doc: usize,
    pub level: Level,
    pub section: Option<String>,
}

/// Coverage of one clause of one standard.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ClauseCoverage {
    pub number: String,
    pub state: State,
    /// Whether the clause itself carries requirements (counted in stats).
    pub requirement: bool,
    /// Every document addressing the clause, sorted by document.
    pub direct: Vec<Address>,
    /// Related clauses of mapped standards that approved documents address.
    pub derived: Vec<(String, String)>,
    pub exclusion: Option<String>,
}

/// Counts for the coverage dashboard.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub requirements: usize,
    pub full: usize,
    pub partial: usize,
    pub derived: usize,
    pub planned: usize,
    pub excluded: usize,
    pub gaps: usize,
    /// Share of requirement clauses (excluded ones aside) addressed directly
    /// by approved documents, in full or in part, in percent.
    pub percent: f64,
}

/// Coverage of one standard in scope.
#[derive(Debug, Clone, Serialize)]
pub struct StandardCoverage {
    pub standard: String,
    /// Every clause of the catalog, in catalog order.
    pub clauses: Vec<ClauseCoverage>,
    pub stats: Stats,
}

impl StandardCoverage {
    pub fn clause(&self, number: &str) -> Option<&ClauseCoverage> {
        self.clauses.iter().find(|c| c.number == number)
    }
}

/// The traceability data of a site.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Catalog ids in scope, in the order of `clausebook.toml`.
    pub scope: Vec<String>,
    pub coverage: Vec<StandardCoverage>,
    /// Ids of the mappings whose two standards are both in scope.
    pub mappings: Vec<String>,
    /// Direct addresses of every referenced clause of every standard.
    pub addresses: HashMap<(String, String), Vec<Address>>,
}

impl Trace {
    pub fn compute(
        config: &Config,
        standards: &Standards,
        docs: &[std::sync::Arc<Document>],
        clauses: &[std::sync::Arc<Vec<ResolvedRef>>],
    ) -> Trace {
        let mut addresses: HashMap<(String, String), Vec<Address>> = HashMap::new();
        for (doc, refs) in clauses.iter().enumerate() {
            for r in refs.iter() {
                addresses
                    .entry((r.key.standard.clone(), r.key.clause.clone()))
                    .or_default()
                    .push(Address {
                        doc,
                        level: r.level,
                        section: r.section.clone(),
                    });
            }
        }
        let scope: Vec<String> = if config.standards.is_empty() {
            let mut s: Vec<String> = addresses.keys().map(|(s, _)| s.clone()).collect();
            s.sort();
            s.dedup();
            s
        } else {
            config.standards.clone()
        }
        .into_iter()
        .filter(|id| standards.catalog(id).is_some())
        .collect();

        let approved = |a: &Address| docs[a.doc].meta.status == Status::Approved;
        let mut coverage = Vec::new();
        for id in &scope {
            let Some(cat) = standards.catalog(id) else {
                continue;
            };
            let excluded: BTreeMap<&str, &str> = config
                .exclusions
                .get(id)
                .map(|l| {
                    l.iter()
                        .map(|e| (e.clause.as_str(), e.justification.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            let requirement_set: Vec<&str> = cat
                .requirement_clauses()
                .iter()
                .map(|c| c.number.as_str())
                .collect();
            let mut list: Vec<ClauseCoverage> = cat
                .clauses
                .iter()
                .map(|c| {
                    let mut direct = addresses
                        .get(&(id.clone(), c.number.clone()))
                        .cloned()
                        .unwrap_or_default();
                    direct.sort_by_key(|a| a.doc);
                    let requirement = requirement_set.contains(&c.number.as_str());
                    let derived = derived_for(standards, &addresses, docs, cat, &c.number);
                    // Excluding a heading excludes its subclauses too.
                    let exclusion = excluded
                        .get(c.number.as_str())
                        .or_else(|| {
                            cat.ancestors(&c.number)
                                .iter()
                                .find_map(|a| excluded.get(a.number.as_str()))
                        })
                        .map(|s| s.to_string());
                    let state = if !cat.is_normative(&c.number) {
                        State::Informative
                    } else if exclusion.is_some() {
                        State::Excluded
                    } else if direct.iter().any(|a| approved(a) && a.level == Level::Full) {
                        State::Full
                    } else if direct.iter().any(approved) {
                        State::Partial
                    } else if !derived.is_empty() {
                        State::Derived
                    } else if direct
                        .iter()
                        .any(|a| docs[a.doc].meta.status.is_unreleased())
                    {
                        State::Planned
                    } else {
                        State::Gap
                    };
                    ClauseCoverage {
                        number: c.number.clone(),
                        state,
                        requirement,
                        direct,
                        derived,
                        exclusion,
                    }
                })
                .collect();
            roll_up(cat, &mut list);
            let stats = stats(&list);
            coverage.push(StandardCoverage {
                standard: id.clone(),
                clauses: list,
                stats,
            });
        }
        let mappings = standards
            .mappings
            .iter()
            .filter(|m| scope.contains(&m.left) && scope.contains(&m.right))
            .map(|m| m.id.clone())
            .collect();
        Trace {
            scope,
            coverage,
            mappings,
            addresses,
        }
    }

    pub fn standard(&self, id: &str) -> Option<&StandardCoverage> {
        self.coverage.iter().find(|c| c.standard == id)
    }

    /// Documents addressing a clause directly (any status).
    pub fn direct(&self, standard: &str, clause: &str) -> &[Address] {
        self.addresses
            .get(&(standard.to_string(), clause.to_string()))
            .map_or(&[], Vec::as_slice)
    }
}

/// Related clauses of every mapping that approved documents address.
fn derived_for(
    standards: &Standards,
    addresses: &HashMap<(String, String), Vec<Address>>,
    docs: &[std::sync::Arc<Document>],
    cat: &Catalog,
    clause: &str,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in standards.mappings_for(&cat.id) {
        let Some(other) = m.other_side(&cat.id) else {
            continue;
        };
        for (oc, _) in m.related_to(&cat.id, clause) {
            let covered = addresses
                .get(&(other.to_string(), oc.to_string()))
                .is_some_and(|l| {
                    l.iter()
                        .any(|a| docs[a.doc].meta.status == Status::Approved)
                });
            if covered {
                out.push((other.to_string(), oc.to_string()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A heading's state is the weakest state of its requirement subclauses
/// (excluded ones aside); computed bottom-up in reverse catalog order.
fn roll_up(cat: &Catalog, list: &mut [ClauseCoverage]) {
    let index: HashMap<String, usize> = list
        .iter()
        .enumerate()
        .map(|(i, c)| (c.number.clone(), i))
        .collect();
    for i in (0..list.len()).rev() {
        let clause = &cat.clauses[i];
        if clause.children.is_empty() || !cat.is_normative(&clause.number) {
            continue;
        }
        let states: Vec<State> = clause
            .children
            .iter()
            .filter_map(|c| index.get(c).map(|&j| list[j].state))
            .chain(list[i].requirement.then_some(list[i].state))
            .collect();
        if list[i].exclusion.is_some() {
            continue;
        }
        let weakest = states
            .iter()
            .copied()
            .filter(|s| !matches!(s, State::Excluded | State::Informative))
            .min_by_key(|s| s.strength());
        list[i].state = match weakest {
            Some(s) => s,
            None if states.contains(&State::Excluded) => State::Excluded,
            None => list[i].state,
        };
    }
}

fn stats(list: &[ClauseCoverage]) -> Stats {
    let mut s = Stats::default();
    for c in list.iter().filter(|c| c.requirement) {
        s.requirements += 1;
        match c.state {
            State::Full => s.full += 1,
            State::Partial => s.partial += 1,
            State::Derived => s.derived += 1,
            State::Planned => s.planned += 1,
            State::Excluded => s.excluded += 1,
            State::Gap => s.gaps += 1,
            State::Informative => {}
        }
    }
    let base = s.requirements - s.excluded;
    s.percent = if base == 0 {
        100.0
    } else {
        ((s.full + s.partial) as f64 * 1000.0 / base as f64).round() / 10.0
    };
    s
}

/// One row of a matrix direction: a clause of the base standard and its
/// related clauses in the other.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow<'a> {
    pub clause: &'a str,
    pub related: Vec<(&'a str, Relation, Option<&'a str>)>,
}

/// The rows of a mapping read from `base`'s side, in `base`'s catalog order,
/// including clauses with no related clause.
pub fn matrix_rows<'a>(mapping: &'a Mapping, base: &'a Catalog) -> Vec<MatrixRow<'a>> {
    base.clauses
        .iter()
        .map(|c| MatrixRow {
            clause: c.number.as_str(),
            related: mapping
                .related_to(&base.id, &c.number)
                .into_iter()
                .map(|(other, pair)| (other, pair.relation, pair.note.as_deref()))
                .collect(),
        })
        .collect()
}

/// The coverage the pages show (see [`Site::public_trace`]): the check's,
/// unless `unpublished = "omit"` and an unpublished document addresses a
/// clause.
pub fn public_trace(
    config: &Config,
    standards: &Standards,
    docs: &[Arc<Document>],
    clauses: &[Arc<Vec<ResolvedRef>>],
    published: &[bool],
    trace: &Arc<Trace>,
) -> Arc<Trace> {
    let hidden = |i: usize| !published[i] && !clauses[i].is_empty();
    if config.unpublished != Unpublished::Omit || !(0..docs.len()).any(hidden) {
        return Arc::clone(trace);
    }
    let none = Arc::new(Vec::new());
    let shown: Vec<Arc<Vec<ResolvedRef>>> = clauses
        .iter()
        .zip(published)
        .map(|(c, &p)| if p { Arc::clone(c) } else { Arc::clone(&none) })
        .collect();
    Arc::new(Trace::compute(config, standards, docs, &shown))
}
