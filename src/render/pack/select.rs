//! Which documents a pack holds: every published document, or those
//! addressing chosen clauses of one standard in scope (`--clause`,
//! `--standard`).

use crate::base::diag::Diagnostic;
use crate::base::text::suggest_from;
use crate::load::standards::Catalog;
use crate::resolve::Site;

/// The documents a pack is asked for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The catalog id of the standard the clauses belong to.
    pub standard: Option<String>,
    /// Clause numbers of `standard`; empty: every published document.
    pub clauses: Vec<String>,
}

impl Selection {
    /// Check `--standard` and `--clause` against the standards in scope of
    /// `site`: an unknown standard or clause is an error with a did-you-mean.
    /// The standard defaults to `default_standard`, else the first in scope.
    pub fn new(
        site: &Site,
        standard: Option<&str>,
        clauses: &[String],
    ) -> Result<Self, Diagnostic> {
        let scope: Vec<&Catalog> = site
            .public_trace
            .scope
            .iter()
            .filter_map(|id| site.standards.catalog(id))
            .collect();
        let ids: Vec<&str> = scope.iter().map(|c| c.id.as_str()).collect();
        let cat = match standard {
            Some(s) => Some(find_standard(&scope, s).ok_or_else(|| {
                Diagnostic::error(
                    "--standard",
                    format!("`{s}` is not a standard in scope of this site"),
                )
                .with_help(suggest_from(s, &ids))
            })?),
            None => site
                .config
                .default_standard
                .as_deref()
                .and_then(|d| find_standard(&scope, d))
                .or(scope.first().copied()),
        };
        if clauses.is_empty() {
            return Ok(Selection {
                standard: standard.and(cat).map(|c| c.id.clone()),
                clauses: Vec::new(),
            });
        }
        let Some(cat) = cat else {
            return Err(
                Diagnostic::error("--clause", "the site has no standard in scope")
                    .with_help("list the standards of the site in `standards` of clausebook.toml"),
            );
        };
        let mut numbers = Vec::new();
        for c in clauses {
            let n = c.trim().trim_end_matches('.');
            if cat.clause(n).is_none() {
                let help = match cat.closest_clause(n) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "give a clause number of {}, e.g. `{}`, or choose the standard with --standard ({})",
                        cat.display_name(),
                        cat.clauses.first().map_or("4", |c| c.number.as_str()),
                        ids.join(", ")
                    ),
                };
                return Err(Diagnostic::error(
                    "--clause",
                    format!("{} has no clause `{n}`", cat.display_name()),
                )
                .with_help(help));
            }
            if !numbers.iter().any(|x| x == n) {
                numbers.push(n.to_string());
            }
        }
        Ok(Selection {
            standard: Some(cat.id.clone()),
            clauses: numbers,
        })
    }

    /// The published documents of the selection, in register order: those
    /// addressing one of the clauses, or one below it (as `search --clause`
    /// selects).
    pub fn documents(&self, site: &Site) -> Vec<usize> {
        let cat = self
            .standard
            .as_deref()
            .and_then(|s| site.standards.catalog(s));
        (0..site.docs.len())
            .filter(|&i| site.published[i])
            .filter(|&i| {
                let (Some(cat), false) = (cat, self.clauses.is_empty()) else {
                    return true;
                };
                site.clauses[i].iter().any(|r| {
                    r.key.standard == cat.id
                        && self
                            .clauses
                            .iter()
                            .any(|c| r.key.clause == *c || cat.is_within(&r.key.clause, c))
                })
            })
            .collect()
    }

    /// Whether clause `number` of `standard` is in the appendix: every
    /// clause without a clause selection, else the chosen clauses and those
    /// below them.
    pub fn shows(&self, cat: &Catalog, number: &str) -> bool {
        if self.clauses.is_empty() {
            return true;
        }
        self.standard.as_deref() == Some(cat.id.as_str())
            && self
                .clauses
                .iter()
                .any(|c| number == c || cat.is_within(number, c))
    }
}

/// A standard in scope named by its id (`iso9001:2008`), its slug
/// (`iso9001-2008`) or its name (`ISO 9001:2008`), in any case.
fn find_standard<'a>(scope: &[&'a Catalog], given: &str) -> Option<&'a Catalog> {
    let g = given.trim().to_lowercase();
    scope
        .iter()
        .copied()
        .find(|c| c.id.to_lowercase() == g || c.slug() == g || c.display_name().to_lowercase() == g)
}
