//! Clause references as documents write them (`iso20000-1:2011/4.3.2`,
//! `ISO/IEC 20000-1:2011 clause 4.3.2`, a bare `4.3.2` with a default
//! standard, …), resolved to a [`ClauseKey`], or the reason why not.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use super::model::{Catalog, ClauseKey, Standards, is_clause_number};

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

/// Lowercase, trimmed, inner whitespace collapsed to one space.
pub(super) fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
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

impl Standards {
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
