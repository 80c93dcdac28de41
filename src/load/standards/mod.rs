//! The standards catalog: which clauses a standard edition has, how they nest,
//! which of them carry requirements, what may be excluded, which documents a
//! standard asks for, and which clauses of two standards relate to each other.
//!
//! Catalogs and mappings are TOML files. The built-in ones live in the crate's
//! `standards/` folder and are embedded in the binary; a site may add its own
//! (or replace a built-in one by id) under `<site>/standards/**/*.toml`. A file
//! with `[[clause]]` tables is a catalog, a file with `[[pair]]` tables a
//! mapping. Catalogs hold clause numbers and titles only, never requirement
//! text.
//!
//! Clause references in documents (`iso20000-1:2011/4.3.2`,
//! `ISO/IEC 20000-1:2011 clause 4.3.2`, a bare `4.3.2` with a default
//! standard, …) are resolved to a [`ClauseKey`] by [`Standards::resolve`].

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::base::diag::{Diagnostic, Level, display_path};

/// The embedded catalogs and mappings: (file name, contents).
const BUILTIN: &[(&str, &str)] = &[
    (
        "iso20000-1-2011.toml",
        include_str!("../../../standards/iso20000-1-2011.toml"),
    ),
    (
        "iso20000-1-2018.toml",
        include_str!("../../../standards/iso20000-1-2018.toml"),
    ),
    (
        "iso9001-2008.toml",
        include_str!("../../../standards/iso9001-2008.toml"),
    ),
    (
        "iso9001-2015.toml",
        include_str!("../../../standards/iso9001-2015.toml"),
    ),
    (
        "tr90006-iso9001-2008--iso20000-1-2011.toml",
        include_str!("../../../standards/tr90006-iso9001-2008--iso20000-1-2011.toml"),
    ),
];

// ---------------------------------------------------------------------------
// Public model
// ---------------------------------------------------------------------------

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

/// How to read references that are short or name a standard ambiguously.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions<'a> {
    /// Standard (id or alias) of a bare clause number such as `4.3.2`.
    pub default_standard: Option<&'a str>,
    /// Catalog ids the site works with; an alias shared by several catalogs
    /// (`20000-1`) means the one of them in scope.
    pub in_scope: &'a [String],
}

/// Why a clause reference could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RefError {
    /// Not of the form standard + separator + clause number.
    Malformed { given: String },
    /// No catalog has this id or alias. `suggestion` is the closest catalog
    /// id, followed by `/clause` when the reference named a clause it has.
    UnknownStandard {
        given: String,
        suggestion: Option<String>,
    },
    /// An alias shared by several catalogs, none (or more than one) of which
    /// is in scope.
    Ambiguous {
        given: String,
        candidates: Vec<String>,
    },
    /// The catalog has no such clause; `suggestion` is the closest number.
    UnknownClause {
        standard: String,
        clause: String,
        suggestion: Option<String>,
    },
    /// A bare clause number and no default standard.
    NoDefault { clause: String },
}

impl RefError {
    pub fn message(&self) -> String {
        match self {
            RefError::Malformed { given } => format!("malformed clause reference `{given}`"),
            RefError::UnknownStandard { given, .. } => format!("unknown standard `{given}`"),
            RefError::Ambiguous { given, candidates } => format!(
                "`{given}` may mean several standards: {}",
                candidates.join(", ")
            ),
            RefError::UnknownClause {
                standard, clause, ..
            } => format!("`{standard}` has no clause `{clause}`"),
            RefError::NoDefault { clause } => {
                format!("clause reference `{clause}` does not name a standard")
            }
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            RefError::Malformed { .. } => Some(
                "write a standard and a clause number, e.g. `iso20000-1:2011/4.3.2` or \
                 `ISO/IEC 20000-1:2011 clause 4.3.2`"
                    .to_string(),
            ),
            RefError::UnknownStandard { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use the id or an alias of a built-in catalog, or add a catalog \
                         file under `standards/`"
                    .to_string(),
            }),
            RefError::Ambiguous { candidates, .. } => Some(format!(
                "write one of {}",
                candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            RefError::UnknownClause {
                standard,
                suggestion,
                ..
            } => suggestion
                .as_ref()
                .map(|s| format!("did you mean `{standard}/{s}`?")),
            RefError::NoDefault { clause } => Some(format!(
                "set `default_standard` in clausebook.toml or write the standard, e.g. \
                 `iso20000-1:2011/{clause}`"
            )),
        }
    }
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RefError {}

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
    pub required_documents: Vec<RequiredDocument>,
    /// In file order, which is document order.
    pub clauses: Vec<Clause>,
    #[serde(skip)]
    index: HashMap<String, usize>,
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

impl ExclusionRule {
    /// Whether `clause` of `catalog` may be excluded (or determined as not
    /// applicable). `Err` explains the rule. Justifications are the caller's
    /// business.
    pub fn allows(&self, catalog: &Catalog, clause: &str) -> Result<(), String> {
        let display = catalog.display_name();
        if catalog.clause(clause).is_none() {
            return Err(format!("{display} has no clause {clause}"));
        }
        match self {
            ExclusionRule::None => Err(format!("{display} allows no exclusion")),
            ExclusionRule::Within(roots) => {
                if roots.iter().any(|r| catalog.is_within(clause, r)) {
                    Ok(())
                } else {
                    let which = if roots.len() == 1 {
                        format!("clause {}", roots[0])
                    } else {
                        format!("clauses {}", join_and(roots))
                    };
                    Err(format!(
                        "{display} allows exclusions only of requirements within {which}"
                    ))
                }
            }
            ExclusionRule::NotApplicable => {
                if catalog.is_normative(clause) {
                    Ok(())
                } else {
                    Err(format!(
                        "clause {clause} of {display} states no requirements, so it cannot be \
                         determined as not applicable"
                    ))
                }
            }
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            ExclusionRule::None => "none",
            ExclusionRule::Within(_) => "within",
            ExclusionRule::NotApplicable => "not-applicable",
        }
    }
}

/// A document a standard asks for by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredDocument {
    pub clause: String,
    pub name: String,
    /// Document kinds that can fulfil it.
    pub kinds: Vec<String>,
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
    /// In file order.
    pub pairs: Vec<Pair>,
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

// ---------------------------------------------------------------------------
// Standards
// ---------------------------------------------------------------------------

impl Standards {
    /// The embedded catalogs and mappings.
    pub fn builtin() -> Standards {
        static CACHE: OnceLock<Standards> = OnceLock::new();
        CACHE
            .get_or_init(|| {
                let mut loader = Loader::default();
                loader.add_builtin();
                let (standards, diags) = loader.finish();
                assert!(
                    diags.is_empty(),
                    "built-in standards data is invalid: {}",
                    diags
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                standards
            })
            .clone()
    }

    /// The built-in data plus every `root/standards/**/*.toml` (in sorted
    /// order). A site file replaces a built-in (or earlier) catalog or mapping
    /// with the same id. Without a `standards` folder this is the built-in
    /// data. Invalid entries are reported and left out.
    pub fn load(root: &Path) -> (Standards, Vec<Diagnostic>) {
        let mut loader = Loader::default();
        loader.add_builtin();
        loader.add_site(root);
        loader.finish()
    }

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

    /// A catalog by id or alias (case-insensitive, whitespace-normalized).
    /// The display name (`ISO/IEC 20000-1:2011`), the name without edition
    /// and the slug count as aliases. An exact id wins over aliases; an alias
    /// shared by several catalogs means the one in `in_scope`, if exactly one
    /// is.
    pub fn find_catalog(&self, name: &str, in_scope: &[String]) -> Result<&Catalog, RefError> {
        let wanted = normalize(name);
        if wanted.is_empty() {
            return Err(RefError::Malformed {
                given: name.trim().to_string(),
            });
        }
        if let Some(c) = self.catalogs.iter().find(|c| normalize(&c.id) == wanted) {
            return Ok(c);
        }
        let candidates: Vec<&Catalog> = self
            .catalogs
            .iter()
            .filter(|c| c.names().iter().any(|n| normalize(n) == wanted))
            .collect();
        match candidates.as_slice() {
            [] => Err(RefError::UnknownStandard {
                given: name.trim().to_string(),
                suggestion: self.closest_catalog(&wanted).map(|c| c.id.clone()),
            }),
            [one] => Ok(one),
            many => {
                let scope: HashSet<String> = in_scope.iter().map(|s| normalize(s)).collect();
                let in_scope: Vec<&Catalog> = many
                    .iter()
                    .copied()
                    .filter(|c| scope.contains(&normalize(&c.id)))
                    .collect();
                match in_scope.as_slice() {
                    [one] => Ok(one),
                    [] => Err(RefError::Ambiguous {
                        given: name.trim().to_string(),
                        candidates: many.iter().map(|c| c.id.clone()).collect(),
                    }),
                    several => Err(RefError::Ambiguous {
                        given: name.trim().to_string(),
                        candidates: several.iter().map(|c| c.id.clone()).collect(),
                    }),
                }
            }
        }
    }

    /// Resolve a clause reference: `iso20000-1:2011/4.3.2`,
    /// `20000-1:2011 4.3.2`, `ISO/IEC 20000-1:2011 clause 4.3.2` (or `cl.`,
    /// `§`), any alias followed by `/`, a space or ` clause ` and a clause
    /// number, or a bare `4.3.2` with a default standard. Case-insensitive;
    /// trailing dots after the clause number are ignored.
    pub fn resolve(&self, text: &str, opts: &ResolveOptions) -> Result<ClauseKey, RefError> {
        let given = text.trim();
        let malformed = || RefError::Malformed {
            given: given.to_string(),
        };
        let t = given.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.is_empty() {
            return Err(malformed());
        }
        let (prefix, token) = match t
            .char_indices()
            .rev()
            .find(|&(_, c)| matches!(c, '/' | ' ' | '§'))
        {
            Some((i, c)) => (&t[..i], &t[i + c.len_utf8()..]),
            None => ("", t.as_str()),
        };
        let clause = token.trim_end_matches('.');
        if !is_clause_number(clause) {
            return Err(malformed());
        }
        let prefix = strip_reference_words(prefix);
        let catalog = if prefix.is_empty() {
            match opts.default_standard {
                Some(d) => self.find_catalog(d, opts.in_scope)?,
                None => {
                    return Err(RefError::NoDefault {
                        clause: clause.to_string(),
                    });
                }
            }
        } else {
            match self.find_catalog(prefix, opts.in_scope) {
                Ok(c) => c,
                Err(RefError::UnknownStandard { given, suggestion }) => {
                    // "ISO 9001" alone splits into "ISO" + "9001".
                    if !matches!(
                        self.find_catalog(&t, opts.in_scope),
                        Err(RefError::UnknownStandard { .. })
                    ) {
                        return Err(malformed());
                    }
                    let suggestion = suggestion.map(|id| {
                        match self.catalog(&id).and_then(|c| c.find_clause(clause)) {
                            Some(c) => format!("{id}/{}", c.number),
                            None => id,
                        }
                    });
                    return Err(RefError::UnknownStandard { given, suggestion });
                }
                Err(e) => return Err(e),
            }
        };
        match catalog.find_clause(clause) {
            Some(c) => Ok(ClauseKey::new(&catalog.id, &c.number)),
            None => Err(RefError::UnknownClause {
                standard: catalog.id.clone(),
                clause: clause.to_string(),
                suggestion: catalog.closest_clause(clause),
            }),
        }
    }

    /// The catalog whose id or alias is closest to `wanted` (normalized),
    /// if it is close enough to be a likely typo.
    fn closest_catalog(&self, wanted: &str) -> Option<&Catalog> {
        let len = wanted.chars().count();
        self.catalogs
            .iter()
            .flat_map(|c| {
                c.names()
                    .into_iter()
                    .map(move |n| (strsim::levenshtein(&normalize(&n), wanted), c))
            })
            .filter(|&(d, _)| d > 0 && d * 5 <= len)
            .min_by_key(|&(d, _)| d)
            .map(|(_, c)| c)
    }
}

// ---------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------

impl Catalog {
    /// e.g. `ISO/IEC 20000-1:2011`.
    pub fn display_name(&self) -> String {
        if self.edition.is_empty() || self.name.ends_with(&format!(":{}", self.edition)) {
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
    fn find_clause(&self, number: &str) -> Option<&Clause> {
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
    fn names(&self) -> Vec<String> {
        let mut names = vec![self.id.clone(), self.display_name(), self.slug()];
        names.extend(self.aliases.iter().cloned());
        if !self.edition.is_empty() {
            names.push(self.name.clone());
        }
        names
    }

    /// Compute index, children, depth and the `requirements` flags.
    fn link(&mut self, marked: &[bool]) {
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

// ---------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Lowercase, trimmed, inner whitespace collapsed to one space.
fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Lowercase ASCII letters, digits, `_` and single `-`.
fn slugify(s: &str) -> String {
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
const MAX_NAME_LEN: usize = 64;

/// Dot-separated runs of ASCII letters and digits: `4.3.2`, `A.5.1`.
fn is_clause_number(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Drop the words between a standard and a clause number: `clause`, `cl.`,
/// `§`, a trailing `/` or `,`.
fn strip_reference_words(mut s: &str) -> &str {
    const WORDS: [&str; 5] = ["clause", "cl.", "cl", "section", "sec."];
    loop {
        s = s.trim_end();
        if let Some(rest) = s.strip_suffix(['/', ',', '§']) {
            s = rest;
            continue;
        }
        let word = WORDS.iter().find(|w| {
            let n = w.len();
            s.len() >= n
                && s.is_char_boundary(s.len() - n)
                && s[s.len() - n..].eq_ignore_ascii_case(w)
                && (s.len() == n || s[..s.len() - n].ends_with(' '))
        });
        match word {
            Some(w) => s = &s[..s.len() - w.len()],
            None => return s,
        }
    }
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

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

// ---------------------------------------------------------------------------
// Loading and validation
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    id: Option<Spanned<String>>,
    name: Option<String>,
    edition: Option<String>,
    title: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    normative: Vec<Spanned<String>>,
    exclusions: Option<Spanned<RawExclusions>>,
    #[serde(default)]
    required_document: Vec<Spanned<RawRequiredDocument>>,
    #[serde(default)]
    clause: Vec<Spanned<RawClause>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusions {
    rule: Option<Spanned<String>>,
    within: Option<Spanned<Vec<Spanned<String>>>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequiredDocument {
    clause: Option<Spanned<String>>,
    name: Option<String>,
    #[serde(default)]
    kinds: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClause {
    number: Option<Spanned<String>>,
    #[serde(default)]
    title: String,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    requirements: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    id: Option<Spanned<String>>,
    name: Option<String>,
    left: Option<Spanned<String>>,
    right: Option<Spanned<String>>,
    source: Option<String>,
    #[serde(default)]
    pair: Vec<Spanned<RawPair>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    left: Option<Spanned<String>>,
    right: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    note: Option<String>,
    source: Option<String>,
}

/// A source file being checked: diagnostics point into it.
struct FileCtx<'a> {
    file: &'a Path,
    src: &'a str,
    diags: Vec<Diagnostic>,
}

impl<'a> FileCtx<'a> {
    fn new(file: &'a Path, src: &'a str) -> Self {
        FileCtx {
            file,
            src,
            diags: Vec::new(),
        }
    }

    fn report(
        &mut self,
        level: Level,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let d = match level {
            Level::Error => Diagnostic::error(self.file, message),
            Level::Warning => Diagnostic::warning(self.file, message),
        };
        let mut d = d.at_offset(self.src, span.start, span.end.saturating_sub(span.start));
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        self.report(Level::Error, span, message, help);
    }

    fn warning(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        self.report(Level::Warning, span, message, help);
    }

    fn toml_error(&mut self, e: &toml::de::Error) {
        let d = Diagnostic::error(self.file, e.message().trim().to_string());
        let d = match e.span() {
            Some(span) => d.at_offset(self.src, span.start, span.end.saturating_sub(span.start)),
            None => d,
        };
        self.diags.push(d);
    }

    fn line_of(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())].matches('\n').count() + 1
    }

    /// The start of the file, for problems with the file as a whole.
    fn top(&self) -> Range<usize> {
        0..self.src.find('\n').unwrap_or(self.src.len())
    }
}

fn did_you_mean(s: Option<String>) -> Option<String> {
    s.map(|s| format!("did you mean `{s}`?"))
}

/// Check a catalog file. `None` when it cannot be used at all.
fn parse_catalog(file: &Path, src: &str) -> (Option<Catalog>, Vec<Diagnostic>) {
    let mut cx = FileCtx::new(file, src);
    let raw: RawCatalog = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            cx.toml_error(&e);
            return (None, cx.diags);
        }
    };
    let id = match &raw.id {
        Some(id) if id.as_ref().trim().is_empty() => {
            cx.error(id.span(), "empty catalog id", None);
            return (None, cx.diags);
        }
        Some(id) if id.as_ref().chars().any(char::is_whitespace) => {
            cx.error(
                id.span(),
                format!("catalog id `{}` contains whitespace", id.as_ref()),
                Some("ids look like `iso20000-1:2011`".into()),
            );
            return (None, cx.diags);
        }
        Some(id) if slugify(id.as_ref()).is_empty() || id.as_ref().len() > MAX_NAME_LEN => {
            cx.error(
                id.span(),
                format!(
                    "catalog id `{}` cannot name the standard's pages (standards/<id as letters, digits and `-`>/)",
                    id.as_ref()
                ),
                Some(format!(
                    "ids look like `iso20000-1:2011`: letters and digits, at most {MAX_NAME_LEN} characters"
                )),
            );
            return (None, cx.diags);
        }
        Some(id) => id.as_ref().clone(),
        None => {
            let top = cx.top();
            cx.error(
                top,
                "catalog has no `id`",
                Some(
                    "add `id = \"…\"` (e.g. `id = \"iso27001:2022\"`) before the first table"
                        .into(),
                ),
            );
            return (None, cx.diags);
        }
    };

    // Clauses, in file order.
    let mut clauses: Vec<Clause> = Vec::new();
    let mut marked: Vec<bool> = Vec::new();
    let mut parent_spans: Vec<Option<Range<usize>>> = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for rc in &raw.clause {
        let header = rc.span();
        let rc = rc.as_ref();
        let Some(number) = &rc.number else {
            cx.error(header, "clause has no `number`", None);
            continue;
        };
        let n = number.as_ref().trim().to_string();
        if n.len() > MAX_NAME_LEN {
            cx.error(
                number.span(),
                format!("a clause number of {} characters", n.len()),
                Some(format!(
                    "each clause gets a page named after its number: at most {MAX_NAME_LEN} characters"
                )),
            );
            continue;
        }
        if !is_clause_number(&n) {
            cx.error(
                number.span(),
                format!("`{n}` is not a clause number"),
                Some("use letters and digits separated by dots, e.g. `4.3.2` or `A.5.1`".into()),
            );
            continue;
        }
        if let Some(&line) = first_seen.get(&n) {
            cx.error(
                number.span(),
                format!("duplicate clause number `{n}`"),
                Some(format!("clause `{n}` is already defined on line {line}")),
            );
            continue;
        }
        first_seen.insert(n.clone(), cx.line_of(number.span().start));
        clauses.push(Clause {
            number: n,
            title: rc.title.trim().to_string(),
            parent: rc.parent.as_ref().map(|p| p.as_ref().trim().to_string()),
            children: Vec::new(),
            requirements: false,
            depth: 0,
        });
        marked.push(rc.requirements);
        parent_spans.push(rc.parent.as_ref().map(Spanned::span));
    }
    let mut catalog = Catalog {
        id,
        name: raw
            .name
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| {
                raw.id
                    .as_ref()
                    .map(|i| i.as_ref().clone())
                    .unwrap_or_default()
            }),
        edition: raw.edition.clone().unwrap_or_default().trim().to_string(),
        title: raw.title.clone().filter(|s| !s.trim().is_empty()),
        aliases: raw.aliases.clone(),
        normative: Vec::new(),
        exclusions: ExclusionRule::None,
        exclusion_note: None,
        required_documents: Vec::new(),
        clauses,
        index: HashMap::new(),
    };
    catalog.link(&[]);

    // Parents: known, and no cycles.
    for (i, span) in parent_spans.iter().enumerate() {
        let Some(p) = catalog.clauses[i].parent.clone() else {
            let number = &catalog.clauses[i].number;
            if let Some((prefix, _)) = number.rsplit_once('.')
                && catalog.clause(prefix).is_some()
            {
                let span = raw_clause_span(&raw, number);
                cx.warning(
                    span,
                    format!("clause `{number}` has no parent, though clause `{prefix}` exists"),
                    Some(format!("add `parent = \"{prefix}\"`")),
                );
            }
            continue;
        };
        let span = span.clone().unwrap_or(0..0);
        let number = catalog.clauses[i].number.clone();
        if p == number {
            cx.error(span, format!("clause `{number}` is its own parent"), None);
            catalog.clauses[i].parent = None;
        } else if catalog.clause(&p).is_none() {
            let help = did_you_mean(catalog.closest_clause(&p));
            cx.error(
                span,
                format!("parent `{p}` of clause `{number}` is not in the catalog"),
                help,
            );
            catalog.clauses[i].parent = None;
        }
    }
    catalog.link(&[]);
    for (i, span) in parent_spans.iter().enumerate() {
        // Walk up; a clause met again is in a cycle. A walk longer than the
        // catalog is stuck in a cycle above this clause, reported with its
        // members.
        let mut current = catalog.clauses[i].parent.clone();
        let mut steps = 0;
        while let Some(p) = current {
            if steps > catalog.clauses.len() {
                break;
            }
            if p == catalog.clauses[i].number {
                let span = span.clone().unwrap_or(0..0);
                cx.error(
                    span,
                    format!(
                        "clause `{}` is its own ancestor (a cycle of parents)",
                        catalog.clauses[i].number
                    ),
                    None,
                );
                catalog.clauses[i].parent = None;
                break;
            }
            steps += 1;
            current = catalog.clause(&p).and_then(|c| c.parent.clone());
        }
    }

    // Normative subtrees.
    for n in &raw.normative {
        let v = n.as_ref().trim();
        if catalog.clause(v).is_none() {
            let help = did_you_mean(catalog.closest_clause(v));
            cx.error(
                n.span(),
                format!("normative clause `{v}` is not in the catalog"),
                help,
            );
        } else if !catalog.normative.iter().any(|x| x == v) {
            catalog.normative.push(v.to_string());
        }
    }
    catalog.link(&marked);
    for rc in &raw.clause {
        let Some(number) = rc.as_ref().number.as_ref() else {
            continue;
        };
        let n = number.as_ref().trim();
        if rc.as_ref().requirements && catalog.clause(n).is_some() && !catalog.is_normative(n) {
            cx.warning(
                number.span(),
                format!("clause `{n}` is marked `requirements = true` but is outside the normative clauses"),
                Some("list its top-level clause in `normative`".into()),
            );
        }
    }

    // Exclusions.
    if let Some(ex) = &raw.exclusions {
        let header = ex.span();
        let ex = ex.as_ref();
        catalog.exclusion_note = ex.note.clone().filter(|s| !s.trim().is_empty());
        let within: Vec<String> = match &ex.within {
            Some(list) => {
                let mut out = Vec::new();
                for w in list.as_ref() {
                    let v = w.as_ref().trim();
                    if catalog.clause(v).is_none() {
                        let help = did_you_mean(catalog.closest_clause(v));
                        cx.error(
                            w.span(),
                            format!("clause `{v}` in `within` is not in the catalog"),
                            help,
                        );
                    } else {
                        out.push(v.to_string());
                    }
                }
                out
            }
            None => Vec::new(),
        };
        match &ex.rule {
            None => cx.error(
                header,
                "`[exclusions]` has no `rule`",
                Some("use `rule = \"none\"`, `\"within\"` or `\"not-applicable\"`".into()),
            ),
            Some(rule) => match rule.as_ref().trim().to_ascii_lowercase().as_str() {
                "none" => catalog.exclusions = ExclusionRule::None,
                "not-applicable" => catalog.exclusions = ExclusionRule::NotApplicable,
                "within" => {
                    if ex.within.is_none() {
                        cx.error(
                            rule.span(),
                            "rule `within` needs a `within` list of clauses",
                            Some("add e.g. `within = [\"7\"]`".into()),
                        );
                    }
                    catalog.exclusions = ExclusionRule::Within(within);
                }
                other => {
                    let suggestion = ["none", "within", "not-applicable"]
                        .into_iter()
                        .min_by_key(|r| strsim::levenshtein(r, other))
                        .filter(|r| strsim::levenshtein(r, other) <= 3);
                    cx.error(
                        rule.span(),
                        format!("unknown exclusion rule `{other}`"),
                        Some(match suggestion {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "use `none`, `within` or `not-applicable`".into(),
                        }),
                    );
                }
            },
        }
        if let Some(list) = &ex.within
            && !matches!(catalog.exclusions, ExclusionRule::Within(_))
        {
            cx.warning(
                list.span(),
                "`within` is ignored unless `rule = \"within\"`",
                None,
            );
        }
    }

    // Required documents.
    for rd in &raw.required_document {
        let header = rd.span();
        let rd = rd.as_ref();
        let Some(clause) = &rd.clause else {
            cx.error(header, "required document has no `clause`", None);
            continue;
        };
        let c = clause.as_ref().trim();
        if catalog.clause(c).is_none() {
            let help = did_you_mean(catalog.closest_clause(c));
            cx.error(
                clause.span(),
                format!("required document clause `{c}` is not in the catalog"),
                help,
            );
            continue;
        }
        let Some(name) = rd.name.clone().filter(|n| !n.trim().is_empty()) else {
            cx.error(header, "required document has no `name`", None);
            continue;
        };
        catalog.required_documents.push(RequiredDocument {
            clause: c.to_string(),
            name,
            kinds: rd.kinds.clone(),
        });
    }

    (Some(catalog), cx.diags)
}

/// Span of the `number` value of clause `number` in the raw file.
fn raw_clause_span(raw: &RawCatalog, number: &str) -> Range<usize> {
    raw.clause
        .iter()
        .filter_map(|c| c.as_ref().number.as_ref())
        .find(|n| n.as_ref().trim() == number)
        .map(Spanned::span)
        .unwrap_or(0..0)
}

/// A mapping whose pairs are checked once every catalog is known.
struct PendingMapping {
    id: String,
    file: PathBuf,
    src: String,
    raw: RawMapping,
    builtin: bool,
}

fn parse_mapping(file: &Path, src: &str) -> (Option<RawMapping>, Vec<Diagnostic>) {
    let mut cx = FileCtx::new(file, src);
    let raw: RawMapping = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            cx.toml_error(&e);
            return (None, cx.diags);
        }
    };
    match &raw.id {
        Some(id) if id.as_ref().trim().is_empty() => {
            cx.error(id.span(), "empty mapping id", None);
            (None, cx.diags)
        }
        Some(_) => (Some(raw), cx.diags),
        None => {
            let top = cx.top();
            cx.error(
                top,
                "mapping has no `id`",
                Some("add `id = \"…\"` before the first `[[pair]]`".into()),
            );
            (None, cx.diags)
        }
    }
}

/// Check a mapping against the final catalogs. `None` when a side names no
/// catalog. Pairs naming unknown clauses are reported and left out.
fn check_mapping(p: &PendingMapping, standards: &Standards) -> (Option<Mapping>, Vec<Diagnostic>) {
    let mut cx = FileCtx::new(&p.file, &p.src);
    let raw = &p.raw;
    let side = |value: &Option<Spanned<String>>, which: &str, cx: &mut FileCtx| {
        let Some(v) = value else {
            let top = cx.top();
            cx.error(
                top,
                format!("mapping has no `{which}` catalog"),
                Some(format!("add `{which} = \"<catalog id>\"`")),
            );
            return None;
        };
        match standards.find_catalog(v.as_ref(), &[]) {
            Ok(c) => Some(c),
            Err(e) => {
                cx.error(v.span(), e.message(), e.help());
                None
            }
        }
    };
    let left = side(&raw.left, "left", &mut cx);
    let right = side(&raw.right, "right", &mut cx);

    let mut pairs = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for rp in &raw.pair {
        let header = rp.span();
        let rp = rp.as_ref();
        let mut ok = true;
        let clause = |value: &Option<Spanned<String>>,
                      which: &str,
                      catalog: Option<&Catalog>,
                      cx: &mut FileCtx|
         -> Option<String> {
            let Some(v) = value else {
                cx.error(
                    header.clone(),
                    format!("pair has no `{which}` clause"),
                    None,
                );
                return None;
            };
            let n = v.as_ref().trim().trim_end_matches('.');
            let catalog = catalog?;
            match catalog.clause(n) {
                Some(c) => Some(c.number.clone()),
                None => {
                    let help = did_you_mean(catalog.closest_clause(n));
                    cx.error(
                        v.span(),
                        format!("clause `{n}` is not in catalog `{}`", catalog.id),
                        help,
                    );
                    None
                }
            }
        };
        let l = clause(&rp.left, "left", left, &mut cx);
        let r = clause(&rp.right, "right", right, &mut cx);
        let relation = match &rp.relation {
            None => Relation::Related,
            Some(rel) => match Relation::parse(rel.as_ref()) {
                Some(r) => r,
                None => {
                    let given = rel.as_ref().trim().to_ascii_lowercase();
                    let help = match Relation::ALL
                        .into_iter()
                        .find(|r| strsim::levenshtein(r.as_str(), &given) <= 2)
                    {
                        Some(r) => format!("did you mean `{r}`?"),
                        None => "use `equal`, `subset`, `superset`, `intersect` or `related`"
                            .to_string(),
                    };
                    cx.error(
                        rel.span(),
                        format!("unknown relation `{}`", rel.as_ref()),
                        Some(help),
                    );
                    ok = false;
                    Relation::Related
                }
            },
        };
        let (Some(l), Some(r)) = (l, r) else { continue };
        if !ok {
            continue;
        }
        let line = cx.line_of(header.start);
        if let Some(first) = seen.get(&(l.clone(), r.clone())) {
            cx.warning(
                header.clone(),
                format!("duplicate pair {l} ↔ {r}"),
                Some(format!("the same pair is already listed on line {first}")),
            );
            continue;
        }
        seen.insert((l.clone(), r.clone()), line);
        pairs.push(Pair {
            left: l,
            right: r,
            relation,
            note: rp.note.clone().filter(|s| !s.trim().is_empty()),
            source: rp.source.clone().filter(|s| !s.trim().is_empty()),
        });
    }
    let mut diags = cx.diags;
    if p.builtin && !diags.is_empty() {
        // Only a site catalog replacing a built-in one can break a built-in
        // mapping: one warning, and the pairs that still hold are used.
        let mut examples: Vec<&str> = diags
            .iter()
            .filter_map(|d| d.message.split('`').nth(1))
            .take(3)
            .collect();
        if diags.len() > examples.len() {
            examples.push("…");
        }
        diags = vec![
            Diagnostic::warning(
                &p.file,
                format!(
                    "built-in mapping `{}` ignores {} pair(s) naming clauses that the site's \
                     catalogs lack ({})",
                    p.id,
                    raw.pair.len() - pairs.len(),
                    examples.join(", ")
                ),
            )
            .with_help("copy the mapping into `standards/` and adapt it to the site's catalog"),
        ];
    }
    let (Some(left), Some(right)) = (left, right) else {
        return (None, diags);
    };
    let mapping = Mapping {
        id: p.id.clone(),
        name: raw
            .name
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| p.id.clone()),
        left: left.id.clone(),
        right: right.id.clone(),
        source: raw.source.clone().unwrap_or_default(),
        pairs,
    };
    (Some(mapping), diags)
}

/// Collects catalogs and mappings file by file; later files replace earlier
/// ones with the same id.
#[derive(Default)]
struct Loader {
    /// With the file each came from and whether it is built in.
    catalogs: Vec<(Catalog, PathBuf, bool)>,
    mappings: Vec<PendingMapping>,
    diags: Vec<Diagnostic>,
}

impl Loader {
    fn add_builtin(&mut self) {
        for (name, src) in BUILTIN {
            let file = Path::new("<built-in>/standards").join(name);
            self.add_file(file, src.to_string(), true);
        }
    }

    fn add_site(&mut self, root: &Path) {
        let dir = root.join("standards");
        if !dir.exists() {
            return;
        }
        let mut files = Vec::new();
        collect_toml(root, &dir, &mut files, &mut self.diags);
        files.sort();
        for path in files {
            let shown = display_path(root, &path);
            match std::fs::read_to_string(&path) {
                Ok(src) => self.add_file(shown, src, false),
                Err(e) => self
                    .diags
                    .push(Diagnostic::error(shown, format!("cannot read file: {e}"))),
            }
        }
    }

    fn add_file(&mut self, file: PathBuf, src: String, builtin: bool) {
        let table: toml::Table = match toml::from_str(&src) {
            Ok(t) => t,
            Err(e) => {
                let mut cx = FileCtx::new(&file, &src);
                cx.toml_error(&e);
                self.diags.extend(cx.diags);
                return;
            }
        };
        let is_mapping = table.contains_key("pair")
            || (table.contains_key("left") && table.contains_key("right"));
        if table.contains_key("clause") {
            let (catalog, diags) = parse_catalog(&file, &src);
            self.diags.extend(diags);
            if let Some(c) = catalog {
                self.insert_catalog(c, file, builtin, &src);
            }
        } else if is_mapping {
            let (raw, diags) = parse_mapping(&file, &src);
            self.diags.extend(diags);
            if let Some(raw) = raw {
                let id = raw.id.as_ref().map(|i| i.as_ref().trim().to_string());
                let id = id.unwrap_or_default();
                if let Some(pos) = self.mappings.iter().position(|m| m.id == id) {
                    let old = self.mappings.remove(pos);
                    if !old.builtin {
                        let span = raw.id.as_ref().map(Spanned::span).unwrap_or(0..0);
                        let mut cx = FileCtx::new(&file, &src);
                        cx.warning(
                            span,
                            format!(
                                "mapping `{id}` is also defined in {}; this file replaces it",
                                old.file.display()
                            ),
                            None,
                        );
                        self.diags.extend(cx.diags);
                    }
                }
                self.mappings.push(PendingMapping {
                    id,
                    file,
                    src,
                    raw,
                    builtin,
                });
            }
        } else {
            let mut cx = FileCtx::new(&file, &src);
            let top = cx.top();
            cx.error(
                top,
                "neither a catalog nor a mapping",
                Some(
                    "a catalog lists its clauses in `[[clause]]` tables, a mapping its pairs in \
                     `[[pair]]` tables"
                        .into(),
                ),
            );
            self.diags.extend(cx.diags);
        }
    }

    fn insert_catalog(&mut self, catalog: Catalog, file: PathBuf, builtin: bool, src: &str) {
        // Another id with the same slug would share the standard's pages.
        if let Some((other, other_file, _)) = self
            .catalogs
            .iter()
            .find(|(c, _, _)| c.id != catalog.id && c.slug() == catalog.slug())
        {
            let mut cx = FileCtx::new(&file, src);
            let span = quoted_span(&cx, src, &catalog.id);
            cx.error(
                span,
                format!(
                    "catalog ids `{}` and `{}` (in {}) would share the pages standards/{}/",
                    catalog.id,
                    other.id,
                    other_file.display(),
                    catalog.slug()
                ),
                Some("ids must differ by more than punctuation and letter case; this catalog is left out".into()),
            );
            self.diags.extend(cx.diags);
            return;
        }
        if let Some(pos) = self
            .catalogs
            .iter()
            .position(|(c, _, _)| c.id == catalog.id)
        {
            let (_, old_file, old_builtin) = self.catalogs.remove(pos);
            if !old_builtin {
                let mut cx = FileCtx::new(&file, src);
                let span = quoted_span(&cx, src, &catalog.id);
                cx.warning(
                    span,
                    format!(
                        "catalog `{}` is also defined in {}; this file replaces it",
                        catalog.id,
                        old_file.display()
                    ),
                    None,
                );
                self.diags.extend(cx.diags);
            }
        }
        self.catalogs.push((catalog, file, builtin));
    }

    fn finish(self) -> (Standards, Vec<Diagnostic>) {
        let mut diags = self.diags;
        let mut catalogs: Vec<Catalog> = self.catalogs.into_iter().map(|(c, _, _)| c).collect();
        catalogs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut standards = Standards {
            catalogs,
            mappings: Vec::new(),
        };
        let mut mappings: Vec<Mapping> = Vec::new();
        for p in &self.mappings {
            let (m, d) = check_mapping(p, &standards);
            diags.extend(d);
            // Two mappings of the same two standards would share the
            // matrix pages and exports.
            if let Some(m) = &m
                && let Some(other) = mappings.iter().find(|o| o.slug() == m.slug())
            {
                let mut cx = FileCtx::new(&p.file, &p.src);
                let span = p
                    .raw
                    .id
                    .as_ref()
                    .map(Spanned::span)
                    .unwrap_or_else(|| cx.top());
                cx.error(
                    span,
                    format!(
                        "mappings `{}` and `{}` both map {} to {}: they would share the pages matrix/{}/",
                        m.id,
                        other.id,
                        m.left,
                        m.right,
                        m.slug()
                    ),
                    Some(format!(
                        "keep one mapping per pair of standards: give this one the id `{}` to replace the other, or remove it",
                        other.id
                    )),
                );
                diags.extend(cx.diags);
                continue;
            }
            mappings.extend(m);
        }
        mappings.sort_by(|a, b| a.id.cmp(&b.id));
        standards.mappings = mappings;
        (standards, diags)
    }
}

/// Where `"<text>"` first stands in `src` (the file's top when nowhere).
fn quoted_span(cx: &FileCtx, src: &str, text: &str) -> Range<usize> {
    src.find(&format!("\"{text}\""))
        .map(|s| s..s + text.len() + 2)
        .unwrap_or_else(|| cx.top())
}

/// Every `*.toml` below `dir`.
fn collect_toml(root: &Path, dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                display_path(root, dir),
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_toml(root, &path, out, diags);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Standards {
        Standards::builtin()
    }

    fn opts<'a>(default: Option<&'a str>, scope: &'a [String]) -> ResolveOptions<'a> {
        ResolveOptions {
            default_standard: default,
            in_scope: scope,
        }
    }

    fn key(s: &str, c: &str) -> ClauseKey {
        ClauseKey::new(s, c)
    }

    #[test]
    fn builtin_data_loads_without_diagnostics() {
        // The embedded files must be valid, as builtin() asserts at run time.
        let mut loader = Loader::default();
        loader.add_builtin();
        let (s, diags) = loader.finish();
        assert!(diags.is_empty(), "{diags:?}");
        let ids: Vec<&str> = s.catalogs.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "iso20000-1:2011",
                "iso20000-1:2018",
                "iso9001:2008",
                "iso9001:2015"
            ]
        );
        assert_eq!(s.mappings.len(), 1);
    }

    #[test]
    fn clause_counts_match_reference() {
        // The reference lists 58 and 72 clauses for the 2011/2008 editions.
        let s = data();
        let count = |id: &str| s.catalog(id).unwrap().clauses.len();
        assert_eq!(count("iso20000-1:2011"), 58);
        assert_eq!(count("iso9001:2008"), 72);
        assert_eq!(count("iso20000-1:2018"), 80);
        assert_eq!(count("iso9001:2015"), 94);
    }

    #[test]
    fn resolves_every_reference_form() {
        // Authors write references in many styles; all must land on one key.
        let s = data();
        let o = opts(None, &[]);
        let want = key("iso20000-1:2011", "4.3.2");
        for text in [
            "iso20000-1:2011/4.3.2",
            "ISO20000-1:2011/4.3.2",
            "20000-1:2011 4.3.2",
            "ISO/IEC 20000-1:2011 clause 4.3.2",
            "ISO/IEC 20000-1:2011 Clause 4.3.2",
            "ISO/IEC 20000-1:2011 cl. 4.3.2",
            "ISO/IEC 20000-1:2011 § 4.3.2",
            "ISO/IEC 20000-1:2011 §4.3.2",
            "ISO/IEC 20000-1:2011/4.3.2",
            "ISO 20000-1:2011 4.3.2",
            "iso20000-1-2011/4.3.2",
            "  iso/iec   20000-1:2011   clause  4.3.2. ",
            "iso20000-1:2011/4.3.2.",
            "ISO/IEC 20000-1:2011, clause 4.3.2",
        ] {
            assert_eq!(s.resolve(text, &o), Ok(want.clone()), "{text}");
        }
        assert_eq!(
            s.resolve("ISO 9001:2015 clause 7.5.3.1", &o),
            Ok(key("iso9001:2015", "7.5.3.1"))
        );
    }

    #[test]
    fn bare_clause_needs_a_default() {
        // A bare number is only meaningful with a site default standard.
        let s = data();
        assert_eq!(
            s.resolve("4.3.2", &opts(Some("iso20000-1:2011"), &[])),
            Ok(key("iso20000-1:2011", "4.3.2"))
        );
        assert_eq!(
            s.resolve("clause 8.5.2.", &opts(Some("ISO 9001:2008"), &[])),
            Ok(key("iso9001:2008", "8.5.2"))
        );
        let e = s.resolve("4.3.2", &opts(None, &[])).unwrap_err();
        assert_eq!(
            e,
            RefError::NoDefault {
                clause: "4.3.2".into()
            }
        );
        assert!(e.help().unwrap().contains("default_standard"));
    }

    #[test]
    fn unknown_clause_suggests_nearest_number() {
        // A mistyped clause number should point at the likely intended one.
        let s = data();
        let e = s
            .resolve("iso20000-1:2011/4.3.4", &opts(None, &[]))
            .unwrap_err();
        assert_eq!(
            e,
            RefError::UnknownClause {
                standard: "iso20000-1:2011".into(),
                clause: "4.3.4".into(),
                suggestion: Some("4.3.3".into()),
            }
        );
        assert_eq!(e.help().unwrap(), "did you mean `iso20000-1:2011/4.3.3`?");
        assert_eq!(e.to_string(), "`iso20000-1:2011` has no clause `4.3.4`");
        let e = s
            .resolve("ISO 9001:2008 4.33.2", &opts(None, &[]))
            .unwrap_err();
        assert_eq!(e.help().unwrap(), "did you mean `iso9001:2008/4.2.2`?");
        let e = s.resolve("iso9001:2008/8.6", &opts(None, &[])).unwrap_err();
        assert_eq!(e.help().unwrap(), "did you mean `iso9001:2008/8.5`?");
    }

    #[test]
    fn unknown_standard_suggests_closest_id() {
        // A typo in the standard's name should suggest the full reference.
        let s = data();
        let e = s
            .resolve("iso2000-1:2011/4.3.2", &opts(None, &[]))
            .unwrap_err();
        assert_eq!(
            e,
            RefError::UnknownStandard {
                given: "iso2000-1:2011".into(),
                suggestion: Some("iso20000-1:2011/4.3.2".into()),
            }
        );
        assert_eq!(e.help().unwrap(), "did you mean `iso20000-1:2011/4.3.2`?");
        let e = s
            .resolve("iso27001:2022/5.1", &opts(None, &[]))
            .unwrap_err();
        assert!(
            matches!(
                &e,
                RefError::UnknownStandard {
                    suggestion: None,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.help().is_some());
    }

    #[test]
    fn malformed_references_are_rejected() {
        // Text that cannot be split into standard and clause is malformed.
        let s = data();
        for text in [
            "",
            "   ",
            "iso20000-1:2011",
            "iso20000-1:2011/",
            "ISO 9001",
            "4..3",
        ] {
            assert!(
                matches!(
                    s.resolve(text, &opts(Some("iso9001:2008"), &[])),
                    Err(RefError::Malformed { .. })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn shared_alias_is_resolved_by_scope() {
        // "20000-1" names both editions; the site's scope picks one.
        let s = data();
        let e = s.resolve("20000-1 4.1", &opts(None, &[])).unwrap_err();
        assert_eq!(
            e,
            RefError::Ambiguous {
                given: "20000-1".into(),
                candidates: vec!["iso20000-1:2011".into(), "iso20000-1:2018".into()],
            }
        );
        assert_eq!(
            e.help().unwrap(),
            "write one of `iso20000-1:2011`, `iso20000-1:2018`"
        );
        let scope = vec!["iso20000-1:2018".to_string(), "iso9001:2015".to_string()];
        assert_eq!(
            s.resolve("20000-1 4.1", &opts(None, &scope)),
            Ok(key("iso20000-1:2018", "4.1"))
        );
        assert_eq!(
            s.resolve("ISO 9001 clause 10.2.1", &opts(None, &scope)),
            Ok(key("iso9001:2015", "10.2.1"))
        );
        let both = vec!["iso20000-1:2011".to_string(), "iso20000-1:2018".to_string()];
        assert!(matches!(
            s.find_catalog("ISO/IEC 20000-1", &both),
            Err(RefError::Ambiguous { .. })
        ));
        // A unique alias needs no scope; an exact id wins.
        assert_eq!(
            s.find_catalog("ISO/IEC 20000-1:2011", &both).unwrap().id,
            "iso20000-1:2011"
        );
        assert_eq!(
            s.find_catalog("  ISO   9001:2008 ", &[]).unwrap().id,
            "iso9001:2008"
        );
    }

    #[test]
    fn catalog_names_and_slugs() {
        // Display names and slugs appear in page titles and file names.
        let s = data();
        let c = s.catalog("iso20000-1:2011").unwrap();
        assert_eq!(c.display_name(), "ISO/IEC 20000-1:2011");
        assert_eq!(c.slug(), "iso20000-1-2011");
        assert_eq!(
            s.catalog("iso9001:2008").unwrap().display_name(),
            "ISO 9001:2008"
        );
        let m = s.mapping("tr90006-iso9001-2008--iso20000-1-2011").unwrap();
        assert_eq!(m.slug(), "iso9001-2008--iso20000-1-2011");
        assert_eq!(
            key("iso20000-1:2011", "4.3.2").to_string(),
            "iso20000-1:2011/4.3.2"
        );
    }

    #[test]
    fn display_title_falls_back_to_parent() {
        // ISO 9001:2015 leaves some subclauses untitled; show the parent's.
        let s = data();
        let c = s.catalog("iso9001:2015").unwrap();
        assert_eq!(c.clause("4.4.1").unwrap().title, "");
        assert_eq!(
            c.display_title("4.4.1"),
            "Quality management system and its processes"
        );
        assert_eq!(
            c.display_title("10.2.2"),
            "Nonconformity and corrective action"
        );
        assert_eq!(c.display_title("7.5.2"), "Creating and updating");
        assert_eq!(c.display_title("99"), "");
        let c = s.catalog("iso20000-1:2011").unwrap();
        assert_eq!(c.display_title("4.5.4.1"), "General");
        assert_eq!(c.display_title("4.4.2"), "Human Resources");
    }

    #[test]
    fn clause_tree_navigation() {
        // Children, ancestors, roots and depth drive the catalog pages.
        let s = data();
        let c = s.catalog("iso20000-1:2011").unwrap();
        let numbers = |v: Vec<&Clause>| v.iter().map(|c| c.number.clone()).collect::<Vec<_>>();
        assert_eq!(
            numbers(c.children("4.5.4")),
            ["4.5.4.1", "4.5.4.2", "4.5.4.3"]
        );
        assert_eq!(numbers(c.ancestors("4.5.4.2")), ["4.5.4", "4.5", "4"]);
        assert_eq!(
            numbers(c.roots()),
            ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        );
        assert_eq!(c.clause("4").unwrap().depth, 0);
        assert_eq!(c.clause("4.5.4.2").unwrap().depth, 3);
        assert_eq!(c.descendants("6.3").len(), 3);
        assert!(c.is_normative("4.5.4.2"));
        assert!(c.is_normative("9"));
        assert!(!c.is_normative("1.2"));
        assert!(!c.is_normative("10"));
    }

    #[test]
    fn requirement_clauses_are_normative_leaves() {
        // Coverage is counted over these; headings like 4.5.4 carry none.
        let s = data();
        let c = s.catalog("iso20000-1:2011").unwrap();
        assert!(c.clause("4.5.4").unwrap().is_heading());
        assert!(!c.clause("4.5.4.1").unwrap().is_heading());
        assert!(c.clause("4.2").unwrap().requirements);
        assert!(!c.clause("1.1").unwrap().requirements);
        let req = c.requirement_clauses();
        assert!(req.iter().all(|r| r.children.is_empty()));
        assert_eq!(req.first().unwrap().number, "4.1.1");
        assert_eq!(req.last().unwrap().number, "9.3");
        // Counted from the reference TSVs: normative leaves of clauses 4–9
        // (4–8 for ISO 9001:2008, 4–10 for the 2015/2018 editions).
        let count = |id: &str| s.catalog(id).unwrap().requirement_clauses().len();
        assert_eq!(count("iso20000-1:2011"), 39);
        assert_eq!(count("iso9001:2008"), 51);
        assert_eq!(count("iso20000-1:2018"), 57);
        assert_eq!(count("iso9001:2015"), 65);
    }

    #[test]
    fn exclusion_rules() {
        // Each standard's exclusion rule decides which exclusions are valid.
        let s = data();
        let c = s.catalog("iso20000-1:2011").unwrap();
        assert_eq!(
            c.exclusions.allows(c, "6.6.1"),
            Err("ISO/IEC 20000-1:2011 allows no exclusion".into())
        );
        let c = s.catalog("iso20000-1:2018").unwrap();
        assert!(c.exclusions.allows(c, "8.2.5").is_err());
        let c = s.catalog("iso9001:2008").unwrap();
        assert_eq!(c.exclusions, ExclusionRule::Within(vec!["7".into()]));
        assert_eq!(c.exclusions.allows(c, "7.3.1"), Ok(()));
        assert_eq!(c.exclusions.allows(c, "7.5.4"), Ok(()));
        assert_eq!(
            c.exclusions.allows(c, "8.3"),
            Err("ISO 9001:2008 allows exclusions only of requirements within clause 7".into())
        );
        assert!(c.exclusions.allows(c, "7.9").is_err());
        let c = s.catalog("iso9001:2015").unwrap();
        assert_eq!(c.exclusions, ExclusionRule::NotApplicable);
        assert_eq!(c.exclusions.allows(c, "8.3.1"), Ok(()));
        assert_eq!(c.exclusions.allows(c, "7.1.5.2"), Ok(()));
        assert!(c.exclusions.allows(c, "1").is_err());
        assert!(c.exclusion_note.is_some());
    }

    #[test]
    fn required_documents() {
        // The documents named by the standards feed the "missing document" check.
        let s = data();
        let c = s.catalog("iso9001:2008").unwrap();
        let clauses: Vec<&str> = c
            .required_documents
            .iter()
            .map(|d| d.clause.as_str())
            .collect();
        assert_eq!(
            clauses,
            ["4.2.2", "4.2.3", "4.2.4", "8.2.2", "8.3", "8.5.2", "8.5.3"]
        );
        let c = s.catalog("iso20000-1:2011").unwrap();
        let policy = c.required_documents_for("4.1.2");
        assert_eq!(policy[0].name, "Service management policy");
        assert_eq!(policy[0].kinds, ["policy"]);
        assert_eq!(c.required_documents_for("6.1")[0].kinds, ["agreement"]);
    }

    #[test]
    fn mapping_reads_both_ways() {
        // One set of pairs answers questions from either standard's side.
        let s = data();
        let m = s.mapping("tr90006-iso9001-2008--iso20000-1-2011").unwrap();
        assert_eq!(m.pairs.len(), 130);
        assert!(m.pairs.iter().all(|p| p.relation == Relation::Related));
        assert_eq!(m.other_side("iso9001:2008"), Some("iso20000-1:2011"));
        assert_eq!(m.other_side("iso20000-1:2011"), Some("iso9001:2008"));
        assert_eq!(m.other_side("iso9001:2015"), None);
        let right: Vec<&str> = m
            .related_to("iso9001:2008", "4.2.3")
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(right, ["4.3.2", "9.1"]);
        let left: Vec<&str> = m
            .related_to("iso20000-1:2011", "4.1.2")
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(left, ["5.3"]);
        assert_eq!(s.mappings_for("iso20000-1:2011").count(), 1);
        assert_eq!(s.mappings_for("iso9001:2015").count(), 0);
        let related = s.related(&key("iso20000-1:2011", "9.1"));
        let keys: Vec<String> = related.iter().map(|(k, _, _)| k.to_string()).collect();
        assert_eq!(
            keys,
            [
                "iso9001:2008/4.2.3",
                "iso9001:2008/7.5.3",
                "iso9001:2008/7.5.5"
            ]
        );
        assert_eq!(Relation::default(), Relation::Related);
        assert_eq!(Relation::Subset.reversed(), Relation::Superset);
    }

    #[test]
    fn serializes_for_templates() {
        // Templates and JSON exports see the model through serde.
        let s = data();
        let c = s.catalog("iso9001:2008").unwrap();
        let v = serde_json::to_value(c).unwrap();
        assert_eq!(v["exclusions"]["rule"], "within");
        assert_eq!(v["exclusions"]["within"][0], "7");
        assert!(v.get("index").is_none());
        let v = serde_json::to_value(&s.mappings[0].pairs[0]).unwrap();
        assert_eq!(v["relation"], "related");
        let v = serde_json::to_value(RefError::NoDefault { clause: "1".into() }).unwrap();
        assert_eq!(v["kind"], "no-default");
    }

    // --- site files ---------------------------------------------------------

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    const ISO27001: &str = r#"id = "iso27001:2022"
name = "ISO/IEC 27001"
edition = "2022"
aliases = ["27001"]
normative = ["4", "A"]

[[clause]]
number = "4"
title = "Context of the organization"

[[clause]]
number = "4.1"
title = "Understanding the organization and its context"
parent = "4"

[[clause]]
number = "A"
title = "Information security controls reference"

[[clause]]
number = "A.5"
title = "Organizational controls"
parent = "A"
requirements = true

[[clause]]
number = "A.5.1"
title = "Policies for information security"
parent = "A.5"
"#;

    #[test]
    fn load_without_folder_is_builtin() {
        // A site without a standards folder just uses the embedded data.
        let dir = site(&[]);
        let (s, diags) = Standards::load(dir.path());
        assert!(diags.is_empty());
        assert_eq!(s.catalogs.len(), data().catalogs.len());
    }

    #[test]
    fn site_catalog_is_added() {
        // Sites certify against standards Clausebook does not ship.
        let dir = site(&[("standards/iso27001.toml", ISO27001)]);
        let (s, diags) = Standards::load(dir.path());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(s.catalogs.len(), 5);
        let c = s.catalog("iso27001:2022").unwrap();
        assert_eq!(c.exclusions, ExclusionRule::None);
        let req: Vec<&str> = c
            .requirement_clauses()
            .iter()
            .map(|c| c.number.as_str())
            .collect();
        assert_eq!(req, ["4.1", "A.5", "A.5.1"]);
        assert!(c.clause("A").unwrap().is_heading());
        assert!(!c.clause("A.5").unwrap().is_heading());
        assert_eq!(
            s.resolve("27001 a.5.1", &opts(None, &[])),
            Ok(key("iso27001:2022", "A.5.1"))
        );
        // Sorted by id.
        let ids: Vec<&str> = s.catalogs.iter().map(|c| c.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn site_catalog_replaces_builtin_by_id() {
        // A site may correct or shorten a built-in catalog under the same id.
        let own = r#"id = "iso9001:2015"
name = "ISO 9001"
edition = "2015"
normative = ["4"]
[exclusions]
rule = "not-applicable"
[[clause]]
number = "4"
title = "Our context"
"#;
        let dir = site(&[("standards/sub/own-9001.toml", own)]);
        let (s, diags) = Standards::load(dir.path());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(s.catalogs.len(), 4);
        let c = s.catalog("iso9001:2015").unwrap();
        assert_eq!(c.clauses.len(), 1);
        assert_eq!(c.clause("4").unwrap().title, "Our context");
    }

    #[test]
    fn replacing_a_mapped_catalog_warns_about_builtin_pairs() {
        // A shortened catalog must not leave dangling pairs in built-in mappings.
        let own = "id = \"iso20000-1:2011\"\nnormative = [\"4\"]\n[[clause]]\nnumber = \"4\"\n\n[[clause]]\nnumber = \"4.1.2\"\nparent = \"4\"\n";
        let dir = site(&[("standards/short.toml", own)]);
        let (s, diags) = Standards::load(dir.path());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(!diags[0].is_error());
        assert!(
            diags[0].message.contains("ignores 129 pair(s)"),
            "{diags:?}"
        );
        let m = s.mapping("tr90006-iso9001-2008--iso20000-1-2011").unwrap();
        assert_eq!(m.pairs.len(), 1);
        assert_eq!(
            (m.pairs[0].left.as_str(), m.pairs[0].right.as_str()),
            ("5.3", "4.1.2")
        );
    }

    #[test]
    fn bad_toml_is_located() {
        // Syntax errors must name the file, line and column.
        let dir = site(&[(
            "standards/broken.toml",
            "id = \"x\"\n[[clause]]\nnumber = \"1\"\ntitle = \"unterminated\n",
        )]);
        let (s, diags) = Standards::load(dir.path());
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert!(d.is_error());
        assert_eq!(d.file, Path::new("standards/broken.toml"));
        assert_eq!(d.line, 4);
        assert!(d.column > 0);
        assert_eq!(s.catalogs.len(), 4);
    }

    #[test]
    fn mapping_to_unknown_clause_is_located() {
        // A pair naming a clause the catalog lacks points at the value.
        let mapping = r#"id = "mine"
name = "Mine"
left = "iso9001:2015"
right = "iso20000-1:2018"

[[pair]]
left = "4.1"
right = "4.1"
relation = "equal"

[[pair]]
left = "8.5.7"
right = "8.5.1"
"#;
        let dir = site(&[("standards/mine.toml", mapping)]);
        let (s, diags) = Standards::load(dir.path());
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert!(d.is_error());
        assert_eq!(d.file, Path::new("standards/mine.toml"));
        assert_eq!((d.line, d.column), (12, 8));
        assert_eq!(d.message, "clause `8.5.7` is not in catalog `iso9001:2015`");
        assert_eq!(d.help.as_deref(), Some("did you mean `8.5.6`?"));
        let m = s.mapping("mine").unwrap();
        assert_eq!(m.pairs.len(), 1);
        assert_eq!(m.pairs[0].relation, Relation::Equal);
        assert_eq!(s.mappings_for("iso9001:2015").count(), 1);
    }

    #[test]
    fn catalog_validation_errors_are_located() {
        // Each mistake in a site catalog is reported at the offending value.
        let text = r#"id = "bad:1"
normative = ["4", "5"]

[exclusions]
rule = "within"
within = ["9"]

[[required_document]]
clause = "4.9"
name = "Policy"

[[clause]]
number = "4"
title = "A"

[[clause]]
number = "4"
title = "again"

[[clause]]
number = "4.1"
parent = "3"

[[clause]]
title = "no number"
"#;
        let dir = site(&[("standards/bad.toml", text)]);
        let (s, diags) = Standards::load(dir.path());
        let found: Vec<(usize, &str)> =
            diags.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert!(diags.iter().all(|d| d.is_error()), "{found:?}");
        assert_eq!(
            found,
            [
                (17, "duplicate clause number `4`"),
                (24, "clause has no `number`"),
                (22, "parent `3` of clause `4.1` is not in the catalog"),
                (2, "normative clause `5` is not in the catalog"),
                (6, "clause `9` in `within` is not in the catalog"),
                (9, "required document clause `4.9` is not in the catalog"),
            ]
        );
        assert_eq!(diags[2].help.as_deref(), Some("did you mean `4`?"));
        assert_eq!(
            diags[0].help.as_deref(),
            Some("clause `4` is already defined on line 13")
        );
        // The catalog is still usable for further checks.
        assert_eq!(s.catalog("bad:1").unwrap().clauses.len(), 2);
    }

    #[test]
    fn parent_cycles_and_late_parents() {
        // A parent may follow its child in the file, but cycles are errors.
        let text = "id = \"t\"\n[[clause]]\nnumber = \"z\"\nparent = \"x\"\n[[clause]]\nnumber = \"1.1\"\nparent = \"1\"\n[[clause]]\nnumber = \"1\"\n[[clause]]\nnumber = \"x\"\nparent = \"y\"\n[[clause]]\nnumber = \"y\"\nparent = \"x\"\n";
        let dir = site(&[("standards/t.toml", text)]);
        let (s, diags) = Standards::load(dir.path());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("cycle"));
        assert!(diags[0].message.contains("`x`"), "{diags:?}");
        assert_eq!(s.catalog("t").unwrap().ancestors("z").len(), 1);
        let c = s.catalog("t").unwrap();
        assert_eq!(c.clause("1.1").unwrap().depth, 1);
        assert_eq!(c.children("1").len(), 1);
    }

    #[test]
    fn mapping_validation() {
        // Unknown catalogs and relations are errors; duplicate pairs warnings.
        let text = r#"id = "m"
left = "iso9001:2015"
right = "iso9999"

[[pair]]
left = "4.1"
right = "4.1"
"#;
        let dir = site(&[("standards/m.toml", text)]);
        let (s, diags) = Standards::load(dir.path());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].column), (3, 9));
        assert_eq!(diags[0].message, "unknown standard `iso9999`");
        assert!(s.mapping("m").is_none());

        let text = r#"id = "m"
left = "iso9001:2015"
right = "iso20000-1:2018"

[[pair]]
left = "4.1"
right = "4.1"
relation = "same"

[[pair]]
left = "4.2"
right = "4.2"

[[pair]]
left = "4.2"
right = "4.2"
"#;
        let dir = site(&[("standards/m.toml", text)]);
        let (s, diags) = Standards::load(dir.path());
        let found: Vec<(Level, usize)> = diags.iter().map(|d| (d.level, d.line)).collect();
        assert_eq!(
            found,
            [(Level::Error, 8), (Level::Warning, 14)],
            "{diags:?}"
        );
        assert_eq!(s.mapping("m").unwrap().pairs.len(), 1);
    }

    #[test]
    fn unknown_fields_and_unclassified_files() {
        // Typos in keys and files of neither kind are reported, located.
        let dir = site(&[
            (
                "standards/a.toml",
                "id = \"a\"\n[[clause]]\nnumber = \"1\"\nparnt = \"0\"\n",
            ),
            ("standards/b.toml", "id = \"b\"\nname = \"B\"\n"),
        ]);
        let (_, diags) = Standards::load(dir.path());
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(diags[0].file, Path::new("standards/a.toml"));
        assert_eq!((diags[0].line, diags[0].column), (4, 1));
        assert_eq!(diags[1].file, Path::new("standards/b.toml"));
        assert_eq!(diags[1].message, "neither a catalog nor a mapping");
    }
}
