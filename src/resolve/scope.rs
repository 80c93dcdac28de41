//! What a site works with: the catalogs and mappings (built in and its
//! own), and the standards, default standard and exclusions of
//! `clausebook.toml` checked against them.

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::text::suggest_from;
use crate::load::config::Config;
use crate::load::source::Source;
use crate::load::standards::Standards;

/// The catalogs and mappings of the site at `source`; their findings (rule
/// `standards`) go to `diags`.
pub fn load_standards(source: &dyn Source) -> (Standards, Vec<Diagnostic>) {
    let (s, ds) = Standards::load_from(source);
    (
        s,
        ds.into_iter().map(|d| d.with_rule("standards")).collect(),
    )
}

/// [`check_scope`], and when a standard is unknown, every error found so
/// far (an unknown standard may be one whose catalog has errors) with the
/// unknown ones.
pub fn check(
    config: &Config,
    standards: &Standards,
    diags: &mut Diagnostics,
) -> Result<(), Vec<Diagnostic>> {
    let scope = check_scope(config, standards, diags);
    if scope.is_empty() {
        return Ok(());
    }
    let mut fatal: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    fatal.extend(scope);
    Err(fatal)
}

/// Check that the standards in scope, the default standard and the
/// exclusions of `clausebook.toml` name known catalogs and clauses, and that
/// each exclusion follows its standard's rule. Unknown standards make the
/// configuration unusable and are returned; the rest go to `diags`.
fn check_scope(config: &Config, standards: &Standards, diags: &mut Diagnostics) -> Vec<Diagnostic> {
    let mut fatal = Vec::new();
    let known: Vec<&str> = standards.catalogs.iter().map(|c| c.id.as_str()).collect();
    let unknown = |key: &str, id: &str| {
        let msg = format!("unknown standard `{id}`");
        let d = if key.is_empty() {
            config.error_at(&format!("\"{id}\""), msg)
        } else {
            config.error_at_item(key, id, msg)
        };
        d.with_help(suggest_from(id, &known)).with_rule("config")
    };
    for id in &config.standards {
        if standards.catalog(id).is_none() {
            fatal.push(unknown("standards", id));
        }
    }
    if let Some(id) = &config.default_standard
        && standards.catalog(id).is_none()
    {
        fatal.push(unknown("default_standard", id));
    }
    for (std_id, list) in &config.exclusions {
        let Some(cat) = standards.catalog(std_id) else {
            fatal.push(unknown("", std_id));
            continue;
        };
        for ex in list {
            let needle = format!("\"{}\"", ex.clause);
            if cat.clause(&ex.clause).is_none() {
                diags.push(
                    config
                        .error_at(
                            &needle,
                            format!("{} has no clause {}", cat.display_name(), ex.clause),
                        )
                        .with_help(match cat.closest_clause(&ex.clause) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => "exclusions name clause numbers of the standard's catalog"
                                .to_string(),
                        })
                        .with_rule("exclusion"),
                );
                continue;
            }
            if let Err(rule) = cat.exclusions.allows(cat, &ex.clause) {
                diags.push(
                    config
                        .error_at(
                            &needle,
                            format!(
                                "clause {} of {} cannot be excluded: {rule}",
                                ex.clause,
                                cat.display_name()
                            ),
                        )
                        .with_help("remove the exclusion and address the clause with a document")
                        .with_rule("exclusion"),
                );
            }
            if ex.justification.trim().is_empty() {
                diags.push(
                    config
                        .error_at(
                            &needle,
                            format!(
                                "the exclusion of {} {} has no justification",
                                cat.display_name(),
                                ex.clause
                            ),
                        )
                        .with_help(
                            "add justification = \"...\" saying why the requirement does not apply",
                        )
                        .with_rule("exclusion"),
                );
            }
        }
    }
    fatal
}
