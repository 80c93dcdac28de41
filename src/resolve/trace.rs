//! Traceability: which documents address which clause, the coverage state of
//! every clause of each standard in scope, and the matrix between two
//! standards read from a mapping.

use std::collections::BTreeMap;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use crate::load::config::{Config, Unpublished};
use crate::load::content::{Document, Level, Status};
use crate::load::standards::{
    Catalog, ExclusionRule, Mapping, Relation, Standards, Strength, Unrelated,
};
use crate::resolve::clauses::ResolvedRef;

/// Coverage of one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Addressed in full by at least one approved document.
    Full,
    /// Addressed by approved documents, only partially.
    Partial,
    /// Only draft or review documents address it.
    Planned,
    /// Not addressed directly, but a related clause of a standard in scope
    /// is (through a mapping whose two standards are in scope).
    Derived,
    /// Excluded in `clausebook.toml`, with a justification, and no approved
    /// document addresses it.
    Excluded,
    /// Determined as not applicable (a standard whose exclusion rule is
    /// `not-applicable`, such as ISO 9001:2015), with a justification, and
    /// no approved document addresses it.
    #[serde(rename = "not-applicable")]
    NotApplicable,
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
            State::NotApplicable => "not-applicable",
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
            State::NotApplicable => "Not applicable",
            State::Gap => "Gap",
            State::Informative => "Not a requirement",
        }
    }

    /// Rank for roll-up: a heading is as weak as its weakest subclause.
    fn strength(self) -> u8 {
        match self {
            State::Full => 5,
            State::Partial => 4,
            State::Planned => 3,
            State::Derived => 2,
            State::Gap => 1,
            State::Excluded | State::NotApplicable | State::Informative => 6,
        }
    }

    /// Excluded or not applicable: out of the site's scope.
    pub fn is_out_of_scope(self) -> bool {
        matches!(self, State::Excluded | State::NotApplicable)
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
    /// Related clauses of the other standards in scope (through mappings
    /// whose two standards are in scope) that approved documents address.
    pub derived: Vec<(String, String)>,
    /// The justification of the exclusion (or of "not applicable") that
    /// names this clause or an ancestor, whether or not it is in effect.
    pub exclusion: Option<String>,
    /// The exclusion is not in effect: approved documents address the
    /// clause, so its state comes from them (rule `excluded-with-evidence`).
    pub exclusion_contested: bool,
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
    pub not_applicable: usize,
    pub gaps: usize,
    /// Share of requirement clauses (excluded and not applicable ones aside)
    /// addressed directly by approved documents, in full or in part, in
    /// percent.
    pub percent: f64,
    /// The same share counting only clauses addressed in full.
    pub percent_full: f64,
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
                    let derived = derived_for(standards, &addresses, docs, cat, &c.number, &scope);
                    // Excluding a heading excludes its subclauses too.
                    let exclusion = excluded
                        .get(c.number.as_str())
                        .or_else(|| {
                            cat.ancestors(&c.number)
                                .iter()
                                .find_map(|a| excluded.get(a.number.as_str()))
                        })
                        .map(|s| s.to_string());
                    // Approved evidence outranks an exclusion: an exclusion
                    // takes effect only where no approved document
                    // addresses the clause.
                    let evidence = direct.iter().any(approved);
                    let out_of_scope = if cat.exclusions == ExclusionRule::NotApplicable {
                        State::NotApplicable
                    } else {
                        State::Excluded
                    };
                    let state = if !cat.is_normative(&c.number) {
                        State::Informative
                    } else if exclusion.is_some() && !evidence {
                        out_of_scope
                    } else if direct.iter().any(|a| approved(a) && a.level == Level::Full) {
                        State::Full
                    } else if evidence {
                        State::Partial
                    } else if direct
                        .iter()
                        .any(|a| docs[a.doc].meta.status.is_unreleased())
                    {
                        State::Planned
                    } else if !derived.is_empty() {
                        State::Derived
                    } else {
                        State::Gap
                    };
                    let exclusion_contested =
                        exclusion.is_some() && evidence && cat.is_normative(&c.number);
                    ClauseCoverage {
                        number: c.number.clone(),
                        state,
                        requirement,
                        direct,
                        derived,
                        exclusion,
                        exclusion_contested,
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

/// Related clauses that approved documents address, through every mapping
/// whose other standard is in scope too.
fn derived_for(
    standards: &Standards,
    addresses: &HashMap<(String, String), Vec<Address>>,
    docs: &[std::sync::Arc<Document>],
    cat: &Catalog,
    clause: &str,
    scope: &[String],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in standards.mappings_for(&cat.id) {
        let Some(other) = m.other_side(&cat.id) else {
            continue;
        };
        if !scope.iter().any(|s| s == other) {
            continue;
        }
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
        let weakest = states
            .iter()
            .copied()
            .filter(|s| !s.is_out_of_scope() && *s != State::Informative)
            .min_by_key(|s| s.strength());
        list[i].state = match weakest {
            Some(s) => s,
            None => match states.iter().find(|s| s.is_out_of_scope()) {
                Some(&s) => s,
                None => list[i].state,
            },
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
            State::NotApplicable => s.not_applicable += 1,
            State::Gap => s.gaps += 1,
            State::Informative => {}
        }
    }
    let base = s.requirements - s.excluded - s.not_applicable;
    let share = |n: usize| {
        if base == 0 {
            100.0
        } else {
            (n as f64 * 1000.0 / base as f64).round() / 10.0
        }
    };
    s.percent = share(s.full + s.partial);
    s.percent_full = share(s.full);
    s
}

/// One row of a matrix direction: a clause of the base standard and its
/// related clauses in the other.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow<'a> {
    pub clause: &'a str,
    /// Related clause, relation, note and strength of each pair.
    pub related: Vec<(&'a str, Relation, Option<&'a str>, Option<Strength>)>,
    /// Why the clause has no related clause (when it has none).
    pub unrelated: Option<Unrelated>,
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
                .map(|(other, pair)| (other, pair.relation, pair.note.as_deref(), pair.strength))
                .collect(),
            unrelated: mapping.unrelated(base, &c.number),
        })
        .collect()
}

/// The coverage the pages show: the check's,
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
