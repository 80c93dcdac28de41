//! The model of the standards: catalogs (one edition of a standard, its
//! clause tree and rules), their clauses, and mappings between the clauses
//! of two catalogs, with the lookups the rest of Clausebook uses.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Every catalog and mapping known to a build.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Standards {
    /// Sorted by id.
    pub catalogs: Vec<Catalog>,
    /// Sorted by id.
    pub mappings: Vec<Mapping>,
}

/// A resolved clause reference: a catalog id and one of its clause numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ClauseKey {
    pub standard: String,
    pub clause: String,
}

impl ClauseKey {
    pub fn new(standard: impl Into<String>, clause: impl Into<String>) -> Self {
        ClauseKey {
            standard: standard.into(),
            clause: clause.into(),
        }
    }
}

impl fmt::Display for ClauseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.standard, self.clause)
    }
}

/// One edition of a standard: its clause tree and rules.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Canonical id, e.g. `iso20000-1:2011`.
    pub id: String,
    /// e.g. `ISO/IEC 20000-1`.
    pub name: String,
    /// e.g. `2011`; may be empty.
    pub edition: String,
    /// The standard's title, e.g. `Service management system requirements`.
    pub title: Option<String>,
    /// Other names references may use (matched case-insensitively).
    pub aliases: Vec<String>,
    /// Top-level clauses whose subtrees carry requirements.
    pub normative: Vec<String>,
    pub exclusions: ExclusionRule,
    pub exclusion_note: Option<String>,
    /// Under rule `not-applicable`: the clauses (with their subtrees) where
    /// a requirement can reasonably be determined as not applicable
    /// (`[exclusions] reasonable`); a claim elsewhere is warned about. Empty:
    /// no such advice.
    pub reasonable: Vec<String>,
    pub required_documents: Vec<RequiredDocument>,
    /// In file order, which is document order.
    pub clauses: Vec<Clause>,
    #[serde(skip)]
    pub(super) index: HashMap<String, usize>,
}

/// One clause or subclause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clause {
    pub number: String,
    /// May be empty (untitled subclauses); see [`Catalog::display_title`].
    pub title: String,
    pub parent: Option<String>,
    /// Numbers of the direct subclauses, in document order.
    pub children: Vec<String>,
    /// Whether this clause itself carries requirements: it lies in a
    /// normative subtree and is a leaf or is marked `requirements = true`.
    pub requirements: bool,
    /// Number of ancestors: 0 for a top-level clause.
    pub depth: usize,
}

impl Clause {
    /// A clause that only groups subclauses (e.g. ISO/IEC 20000-1:2011 4.5.4).
    pub fn is_heading(&self) -> bool {
        !self.children.is_empty() && !self.requirements
    }
}

/// Which requirements a site may leave out of its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", content = "within", rename_all = "kebab-case")]
pub enum ExclusionRule {
    /// No requirement may be excluded.
    None,
    /// Exclusions only of requirements inside these clauses' subtrees.
    Within(Vec<String>),
    /// Requirements may be determined as not applicable, with justification.
    NotApplicable,
}

/// A document a standard asks for by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredDocument {
    /// What a document names in its `fulfils` front-matter field to say it
    /// is this document, e.g. `service-level-agreement`.
    pub key: String,
    /// The clause the document belongs to.
    pub clause: String,
    /// The clause (and item) that lists it as required, e.g. `4.3.1 e)`.
    pub listed_in: Option<String>,
    pub name: String,
    /// Document kinds that can fulfil it when no document declares it (the
    /// fallback, reported as inferred). Empty: never inferred.
    pub kinds: Vec<String>,
    /// When not empty, an inferred document's title must also hold one of
    /// these words or phrases (whole words, any case): a kind alone cannot
    /// tell an operational level agreement from a service level agreement.
    pub titles: Vec<String>,
    /// A set of documents rather than one (e.g. the processes of the SMS):
    /// any number fulfil it together; the check asks for at least one.
    pub set: bool,
    pub note: Option<String>,
}

impl RequiredDocument {
    /// Whether a document of this kind and title may be inferred to be
    /// this required document.
    pub fn may_infer(&self, kind: &str, title: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
            && (self.titles.is_empty() || self.titles.iter().any(|t| has_phrase(title, t)))
    }
}

/// Whether `phrase` occurs in `text` as whole words, ignoring case.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let text = text.to_lowercase();
    let phrase = phrase.trim().to_lowercase();
    if phrase.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(&phrase).any(|(i, m)| {
        !word(text[..i].chars().next_back()) && !word(text[i + m.len()..].chars().next())
    })
}

/// Related clauses of two catalogs.
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    pub id: String,
    pub name: String,
    /// Catalog id of the pairs' `left` clauses.
    pub left: String,
    /// Catalog id of the pairs' `right` clauses.
    pub right: String,
    pub source: String,
    /// What the mapping is and what it covers, in the mapping's own words
    /// (shown on the matrix pages).
    pub description: Option<String>,
    /// In file order.
    pub pairs: Vec<Pair>,
    /// Clauses of the left catalog that the source marks as having no
    /// related clause in the right one (TR 90006's "nil").
    pub no_counterpart_left: Vec<String>,
    /// The same for the right catalog.
    pub no_counterpart_right: Vec<String>,
}

/// Why a clause has no related clause in a mapping: three different facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unrelated {
    /// A heading whose subclauses carry the relations.
    Heading,
    /// The mapping says the clause has no counterpart.
    NoCounterpart,
    /// The mapping says nothing about the clause.
    NotCovered,
}

impl Unrelated {
    pub fn as_str(self) -> &'static str {
        match self {
            Unrelated::Heading => "heading",
            Unrelated::NoCounterpart => "no-counterpart",
            Unrelated::NotCovered => "not-covered",
        }
    }

    /// What a page says of such a clause.
    pub fn text(self) -> &'static str {
        match self {
            Unrelated::Heading => "A heading: its subclauses carry the relations.",
            Unrelated::NoCounterpart => {
                "No counterpart: the mapping marks this clause as having no related clause."
            }
            Unrelated::NotCovered => {
                "Not related by this mapping: it says nothing about this clause."
            }
        }
    }
}

/// Two related clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair {
    pub left: String,
    pub right: String,
    pub relation: Relation,
    pub note: Option<String>,
    /// Overrides the mapping's source for this pair.
    pub source: Option<String>,
    /// How closely the two clauses are related, when the source says.
    pub strength: Option<Strength>,
}

/// How much of their requirements two related clauses share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// Most requirements are similar.
    Closely,
    /// Only some requirements are similar.
    Partially,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Closely => "closely",
            Strength::Partially => "partially",
        }
    }

    /// e.g. `closely related`.
    pub fn label(self) -> &'static str {
        match self {
            Strength::Closely => "closely related",
            Strength::Partially => "partially related",
        }
    }

    pub fn parse(s: &str) -> Option<Strength> {
        match s.trim().to_ascii_lowercase().as_str() {
            "closely" => Some(Strength::Closely),
            "partially" => Some(Strength::Partially),
            _ => None,
        }
    }
}

/// How the left clause relates to the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    Equal,
    Subset,
    Superset,
    Intersect,
    #[default]
    Related,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Equal,
        Relation::Subset,
        Relation::Superset,
        Relation::Intersect,
        Relation::Related,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equal => "equal",
            Relation::Subset => "subset",
            Relation::Superset => "superset",
            Relation::Intersect => "intersect",
            Relation::Related => "related",
        }
    }

    /// The same relation read from the other side (subset ↔ superset).
    pub fn reversed(self) -> Relation {
        match self {
            Relation::Subset => Relation::Superset,
            Relation::Superset => Relation::Subset,
            r => r,
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        let s = s.trim();
        Relation::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Standards {
    /// The catalog with this exact canonical id.
    pub fn catalog(&self, id: &str) -> Option<&Catalog> {
        self.catalogs.iter().find(|c| c.id == id)
    }

    /// The mapping with this exact id.
    pub fn mapping(&self, id: &str) -> Option<&Mapping> {
        self.mappings.iter().find(|m| m.id == id)
    }

    /// Mappings with catalog `catalog_id` on either side.
    pub fn mappings_for(&self, catalog_id: &str) -> impl Iterator<Item = &Mapping> {
        self.mappings
            .iter()
            .filter(move |m| m.left == catalog_id || m.right == catalog_id)
    }

    /// The clause a key names.
    pub fn clause(&self, key: &ClauseKey) -> Option<&Clause> {
        self.catalog(&key.standard)?.clause(&key.clause)
    }

    /// Every clause related to `key` through any mapping, with the mapping
    /// and the pair.
    pub fn related(&self, key: &ClauseKey) -> Vec<(ClauseKey, &Mapping, &Pair)> {
        let mut out = Vec::new();
        for m in self.mappings_for(&key.standard) {
            let Some(other) = m.other_side(&key.standard) else {
                continue;
            };
            for (clause, pair) in m.related_to(&key.standard, &key.clause) {
                out.push((ClauseKey::new(other, clause), m, pair));
            }
        }
        out
    }
}

impl Catalog {
    /// e.g. `ISO/IEC 20000-1:2011`.
    pub fn display_name(&self) -> String {
        let named = self
            .name
            .strip_suffix(self.edition.as_str())
            .is_some_and(|rest| rest.ends_with(':'));
        if self.edition.is_empty() || named {
            self.name.clone()
        } else {
            format!("{}:{}", self.name, self.edition)
        }
    }

    /// e.g. `iso20000-1-2011`: safe in URLs and file names.
    pub fn slug(&self) -> String {
        slugify(&self.id)
    }

    pub fn clause(&self, number: &str) -> Option<&Clause> {
        match self.index.get(number).and_then(|&i| self.clauses.get(i)) {
            Some(c) if c.number == number => Some(c),
            // The public fields were edited after loading: search.
            _ => self.clauses.iter().find(|c| c.number == number),
        }
    }

    /// Exact number, else case-insensitive (`a.5.1` for `A.5.1`).
    pub(super) fn find_clause(&self, number: &str) -> Option<&Clause> {
        self.clause(number).or_else(|| {
            self.clauses
                .iter()
                .find(|c| c.number.eq_ignore_ascii_case(number))
        })
    }

    /// Direct subclauses, in document order.
    pub fn children(&self, number: &str) -> Vec<&Clause> {
        self.clause(number)
            .map(|c| c.children.iter().filter_map(|n| self.clause(n)).collect())
            .unwrap_or_default()
    }

    /// All subclauses below `number`, in document order.
    pub fn descendants(&self, number: &str) -> Vec<&Clause> {
        self.clauses
            .iter()
            .filter(|c| c.number != number && self.is_within(&c.number, number))
            .collect()
    }

    /// Parent, grandparent, …: nearest first.
    pub fn ancestors(&self, number: &str) -> Vec<&Clause> {
        let mut out = Vec::new();
        let mut current = self.clause(number).and_then(|c| c.parent.as_deref());
        while let Some(p) = current {
            let Some(c) = self.clause(p) else { break };
            if out.len() > self.clauses.len() {
                break; // a cycle; validation rejects these
            }
            out.push(c);
            current = c.parent.as_deref();
        }
        out
    }

    /// Top-level clauses, in document order.
    pub fn roots(&self) -> Vec<&Clause> {
        self.clauses.iter().filter(|c| c.parent.is_none()).collect()
    }

    /// Whether `number` is `ancestor` or lies below it.
    pub fn is_within(&self, number: &str, ancestor: &str) -> bool {
        self.clause(number).is_some()
            && (number == ancestor || self.ancestors(number).iter().any(|a| a.number == ancestor))
    }

    /// Whether `number` lies in a normative subtree (is one of the
    /// `normative` clauses or below one).
    pub fn is_normative(&self, number: &str) -> bool {
        self.normative.iter().any(|n| self.is_within(number, n))
    }

    /// Clauses that carry requirements themselves: normative leaves and
    /// normative clauses marked `requirements = true`; document order.
    pub fn requirement_clauses(&self) -> Vec<&Clause> {
        self.clauses.iter().filter(|c| c.requirements).collect()
    }

    /// The clause's title, or its nearest titled ancestor's when it has none
    /// (ISO 9001:2015 4.4.1). Empty for an unknown clause.
    pub fn display_title(&self, number: &str) -> String {
        let Some(c) = self.clause(number) else {
            return String::new();
        };
        if !c.title.is_empty() {
            return c.title.clone();
        }
        self.ancestors(number)
            .into_iter()
            .find(|a| !a.title.is_empty())
            .map(|a| a.title.clone())
            .unwrap_or_default()
    }

    /// The clause's title as pages and exports print it beside other
    /// clauses: a subclause titled "General", or untitled, says nothing
    /// without its parent and is qualified by it, as in
    /// `General (4.5.4 Internal audit)` or `Part of 4.4 Quality management
    /// system and its processes`.
    pub fn qualified_title(&self, number: &str) -> String {
        let Some(c) = self.clause(number) else {
            return String::new();
        };
        let generic = c.title.is_empty() || c.title.eq_ignore_ascii_case("general");
        let parent = c
            .parent
            .as_deref()
            .map(|p| (p, self.display_title(p)))
            .filter(|(_, t)| !t.is_empty());
        match parent {
            Some((p, t)) if generic && c.title.is_empty() => format!("Part of {p} {t}"),
            Some((p, t)) if generic => format!("{} ({p} {t})", c.title),
            _ => self.display_title(number),
        }
    }

    /// Documents the standard asks for in `number`.
    pub fn required_documents_for(&self, number: &str) -> Vec<&RequiredDocument> {
        self.required_documents
            .iter()
            .filter(|d| d.clause == number)
            .collect()
    }

    /// The existing clause number closest to `given` (a likely typo or a
    /// neighbouring subclause), if any is close.
    pub fn closest_clause(&self, given: &str) -> Option<String> {
        let g = given.to_ascii_lowercase();
        let max = (g.chars().count() / 2).max(1);
        self.clauses
            .iter()
            .map(|c| {
                let n = c.number.to_ascii_lowercase();
                let common = g
                    .split('.')
                    .zip(n.split('.'))
                    .take_while(|(a, b)| a == b)
                    .count();
                let key = (
                    strsim::levenshtein(&g, &n),
                    std::cmp::Reverse(common),
                    segment_distance(&g, &n),
                );
                (key, c)
            })
            .filter(|&((d, _, _), _)| d > 0 && d <= max)
            .min_by_key(|&(key, _)| key)
            .map(|(_, c)| c.number.clone())
    }

    /// Every name a reference may use for this catalog besides its id.
    pub(super) fn names(&self) -> Vec<String> {
        let mut names = vec![self.id.clone(), self.display_name(), self.slug()];
        names.extend(self.aliases.iter().cloned());
        if !self.edition.is_empty() {
            names.push(self.name.clone());
        }
        names
    }

    /// Compute index, children, depth and the `requirements` flags.
    pub(super) fn link(&mut self, marked: &[bool]) {
        self.index = self
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.number.clone(), i))
            .collect();
        for c in &mut self.clauses {
            c.children.clear();
        }
        for i in 0..self.clauses.len() {
            if let Some(p) = self.clauses[i].parent.clone()
                && let Some(&pi) = self.index.get(&p)
            {
                let number = self.clauses[i].number.clone();
                self.clauses[pi].children.push(number);
            }
        }
        for i in 0..self.clauses.len() {
            let number = self.clauses[i].number.clone();
            let depth = self.ancestors(&number).len();
            let leaf = self.clauses[i].children.is_empty();
            let requirements =
                self.is_normative(&number) && (leaf || marked.get(i).copied().unwrap_or(false));
            let c = &mut self.clauses[i];
            c.depth = depth;
            c.requirements = requirements;
        }
    }
}

impl Mapping {
    /// e.g. `iso9001-2008--iso20000-1-2011`.
    pub fn slug(&self) -> String {
        format!("{}--{}", slugify(&self.left), slugify(&self.right))
    }

    /// The catalog on the other side from `catalog_id`.
    pub fn other_side(&self, catalog_id: &str) -> Option<&str> {
        if self.left == catalog_id {
            Some(&self.right)
        } else if self.right == catalog_id {
            Some(&self.left)
        } else {
            None
        }
    }

    /// Why `clause` of `cat` (one side of the mapping) has no related
    /// clause, or `None` when it has one.
    pub fn unrelated(&self, cat: &Catalog, clause: &str) -> Option<Unrelated> {
        if !self.related_to(&cat.id, clause).is_empty() {
            return None;
        }
        let marked = if self.left == cat.id {
            &self.no_counterpart_left
        } else {
            &self.no_counterpart_right
        };
        if marked.iter().any(|c| c == clause) {
            return Some(Unrelated::NoCounterpart);
        }
        let heading = cat.clause(clause).is_some_and(|c| !c.children.is_empty());
        // Its subclauses carry the relations (or are marked as having none).
        let below = || {
            cat.descendants(clause).iter().any(|d| {
                !self.related_to(&cat.id, &d.number).is_empty() || marked.contains(&d.number)
            })
        };
        if heading && below() {
            Some(Unrelated::Heading)
        } else {
            Some(Unrelated::NotCovered)
        }
    }

    /// Clauses of the other catalog paired with `clause` of `catalog_id`,
    /// in file order.
    pub fn related_to(&self, catalog_id: &str, clause: &str) -> Vec<(&str, &Pair)> {
        let mut out = Vec::new();
        for p in &self.pairs {
            if self.left == catalog_id && p.left == clause {
                out.push((p.right.as_str(), p));
            } else if self.right == catalog_id && p.right == clause {
                out.push((p.left.as_str(), p));
            }
        }
        out
    }
}

/// Lowercase ASCII letters, digits, `_` and single `-`.
pub(super) fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The longest catalog id and clause number: each names a folder of the
/// output.
pub(super) const MAX_NAME_LEN: usize = 64;

/// Dot-separated runs of ASCII letters and digits: `4.3.2`, `A.5.1`.
pub(super) fn is_clause_number(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// How far apart two clause numbers are, segment by segment (numerically
/// where both segments are numbers).
fn segment_distance(a: &str, b: &str) -> u64 {
    let sa: Vec<&str> = a.split('.').collect();
    let sb: Vec<&str> = b.split('.').collect();
    (0..sa.len().max(sb.len()))
        .map(|i| match (sa.get(i), sb.get(i)) {
            (Some(x), Some(y)) => match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(p), Ok(q)) => p.abs_diff(q),
                _ if x.eq_ignore_ascii_case(y) => 0,
                _ => 10,
            },
            _ => 10,
        })
        .sum()
}
