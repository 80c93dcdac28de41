//! What a catalog lets a site exclude: its exclusion rule, read from the
//! catalog's `[exclusions]` table, and whether the rule allows excluding a
//! clause.

use serde::Deserialize;
use toml::Spanned;

use super::file::{FileCtx, did_you_mean};
use super::model::{Catalog, ExclusionRule};

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

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExclusions {
    rule: Option<Spanned<String>>,
    within: Option<Spanned<Vec<Spanned<String>>>>,
    reasonable: Option<Spanned<Vec<Spanned<String>>>>,
    note: Option<String>,
}

impl ExclusionRule {
    /// Under `not-applicable`, whether the catalog advises against claiming
    /// `clause` not applicable: a clause with subclauses (the claim takes
    /// them all), or one outside the catalog's `reasonable` clauses. The
    /// advice, or `None`.
    pub fn advice(&self, catalog: &Catalog, clause: &str) -> Option<String> {
        if *self != ExclusionRule::NotApplicable {
            return None;
        }
        let display = catalog.display_name();
        let c = catalog.clause(clause)?;
        if !c.children.is_empty() {
            let below: Vec<&str> = catalog
                .descendants(clause)
                .iter()
                .map(|d| d.number.as_str())
                .collect();
            return Some(format!(
                "{display} {clause} has subclauses: claiming it not applicable takes {} with it",
                join_and_str(&below)
            ));
        }
        if !catalog.reasonable.is_empty()
            && !catalog
                .reasonable
                .iter()
                .any(|r| catalog.is_within(clause, r))
        {
            return Some(format!(
                "{display} {clause} is outside the clauses where a requirement can usually be \
                 determined as not applicable ({})",
                join_and(&catalog.reasonable)
            ));
        }
        None
    }
}

fn join_and_str(items: &[&str]) -> String {
    let owned: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    join_and(&owned)
}

/// The clauses of a list of `[exclusions]` (`key`) that the catalog has;
/// the others are reported.
fn clause_list(
    list: Option<&Spanned<Vec<Spanned<String>>>>,
    key: &str,
    catalog: &Catalog,
    cx: &mut FileCtx,
) -> Vec<String> {
    let mut out = Vec::new();
    for w in list.map(|l| l.as_ref().as_slice()).unwrap_or_default() {
        let v = w.as_ref().trim();
        if catalog.clause(v).is_none() {
            let help = did_you_mean(catalog.closest_clause(v));
            cx.error(
                w.span(),
                format!("clause `{v}` in `{key}` is not in the catalog"),
                help,
            );
        } else {
            out.push(v.to_string());
        }
    }
    out
}

/// Read a catalog's `[exclusions]` table into `catalog`.
pub(super) fn read_exclusions(
    ex: &Spanned<RawExclusions>,
    catalog: &mut Catalog,
    cx: &mut FileCtx,
) {
    let header = ex.span();
    let ex = ex.as_ref();
    catalog.exclusion_note = ex.note.clone().filter(|s| !s.trim().is_empty());
    let within = clause_list(ex.within.as_ref(), "within", catalog, cx);
    catalog.reasonable = clause_list(ex.reasonable.as_ref(), "reasonable", catalog, cx);
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
    if let Some(list) = &ex.reasonable
        && catalog.exclusions != ExclusionRule::NotApplicable
    {
        cx.warning(
            list.span(),
            "`reasonable` is ignored unless `rule = \"not-applicable\"`",
            None,
        );
    }
}
