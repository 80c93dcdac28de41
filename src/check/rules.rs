//! The rules of `check`: each with a stable id, a default level and
//! whether `[check]` may change it; and the check of `[check]` itself.

use serde::Serialize;

use crate::base::diag::Diagnostic;
use crate::base::text::suggest_from;
use crate::load::config::{Config, RuleLevel};
use crate::load::content::{KNOWN_KEYS, Kind};
use crate::resolve::Site;

/// A check rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub default: RuleLevel,
    /// Whether `[check]` may change its level (syntax errors, for example,
    /// always stop a build).
    pub configurable: bool,
    pub summary: &'static str,
}

const fn rule(id: &'static str, default: RuleLevel, summary: &'static str) -> Rule {
    Rule {
        id,
        default,
        configurable: true,
        summary,
    }
}

const fn fixed(id: &'static str, summary: &'static str) -> Rule {
    Rule {
        id,
        default: RuleLevel::Deny,
        configurable: false,
        summary,
    }
}

/// Every rule, in the order of the README's reference.
pub const RULES: &[Rule] = &[
    rule(
        "coverage",
        RuleLevel::Deny,
        "a requirement clause of a standard in scope has no approved document and is not excluded",
    ),
    rule(
        "partial-only",
        RuleLevel::Warn,
        "a requirement clause is addressed only at level partial",
    ),
    rule(
        "required-document",
        RuleLevel::Deny,
        "no approved document is a document the standard asks for (declared with `fulfils`, or inferred from its kind, title and clause)",
    ),
    rule(
        "unknown-fulfils",
        RuleLevel::Deny,
        "a `fulfils` key names no required document of the standards in scope",
    ),
    rule(
        "excluded-with-evidence",
        RuleLevel::Warn,
        "an approved document addresses an excluded (or not applicable) clause: the exclusion is not in effect",
    ),
    rule(
        "exclusion-scope",
        RuleLevel::Warn,
        "an exclusion takes a heading's subclauses with it, or a clause is claimed not applicable where it rarely can be",
    ),
    rule(
        "heading-reference",
        RuleLevel::Warn,
        "a clause reference names a heading, which carries no requirement of its own",
    ),
    rule(
        "unknown-clause",
        RuleLevel::Deny,
        "a clause reference names an unknown or ambiguous standard or clause",
    ),
    rule(
        "out-of-scope",
        RuleLevel::Warn,
        "a clause reference names a standard that is not in scope",
    ),
    rule(
        "duplicate-id",
        RuleLevel::Deny,
        "two documents share an id (or a page URL)",
    ),
    rule(
        "missing-field",
        RuleLevel::Deny,
        "a document lacks a front-matter field its kind requires",
    ),
    rule(
        "invalid-date",
        RuleLevel::Deny,
        "a date in the front-matter is not a valid YYYY-MM-DD date",
    ),
    rule(
        "broken-link",
        RuleLevel::Deny,
        "a link or `related` entry names a missing document, file or heading",
    ),
    rule(
        "link-to-unapproved",
        RuleLevel::Warn,
        "an approved document links to a draft, review or retired document",
    ),
    rule(
        "review-overdue",
        RuleLevel::Deny,
        "a document's review_by date has passed (`check` only: `build` and `serve` warn and publish)",
    ),
    rule(
        "review-due",
        RuleLevel::Warn,
        "a document's review is due within `review_due_days` (default 30)",
    ),
    rule(
        "approval-incomplete",
        RuleLevel::Deny,
        "an approved document has no approver or no effective date",
    ),
    rule(
        "changed-since-approval",
        RuleLevel::Deny,
        "an approved document's text, title or clause references changed in a commit after the one that approved it, \
         without a new version (with `[history]`; a warning in `build`)",
    ),
    rule(
        "history",
        RuleLevel::Warn,
        "the site's git repository cannot be fully read, or an approved document has uncommitted changes \
         (with `[history]`)",
    ),
    rule(
        "orphan",
        RuleLevel::Warn,
        "a document addresses no clause and nothing links to it",
    ),
    rule(
        "unsafe-html",
        RuleLevel::Warn,
        "raw HTML or a link URL in a document could run script and was sanitized (see `[markdown] raw_html`)",
    ),
    rule(
        "unknown-key",
        RuleLevel::Warn,
        "the front-matter has a key Clausebook does not know (kept as `extra`)",
    ),
    rule(
        "symlink",
        RuleLevel::Warn,
        "a symbolic link below content/ leads outside the site's folder, nowhere, or into a loop, and is not followed",
    ),
    fixed(
        "exclusion",
        "an exclusion breaks its standard's rule, lacks a justification, or names an unknown clause",
    ),
    fixed(
        "document-id",
        "a document id is not a code of ASCII letters, digits, `-`, `_` and `.` of at most 100 characters, \
         or differs from another only in letter case (both would need the same page)",
    ),
    fixed(
        "front-matter",
        "the front-matter cannot be read or has a value of the wrong type",
    ),
    fixed(
        "config",
        "clausebook.toml names an unknown standard or rule",
    ),
    fixed(
        "standards",
        "a catalog or mapping under standards/ is invalid",
    ),
    fixed("template", "a template cannot be parsed or rendered"),
];

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Fields every document must have when `[check.required_fields]` says
/// nothing for its kind.
pub const DEFAULT_REQUIRED: &[&str] = &["owner", "version", "review_by"];

/// Whether the site turned a rule off: its findings need not be made
/// (locating a finding in its file is not free, and some rules find one
/// per document).
pub fn allowed(site: &Site, rule: &str) -> bool {
    allowed_by(&site.config, rule)
}

pub fn allowed_by(config: &Config, rule: &str) -> bool {
    matches!(config.check.rules.get(rule), Some(RuleLevel::Allow))
        && find_rule(rule).is_some_and(|r| r.configurable)
}

/// The rules and required fields `[check]` names must exist.
pub fn check_rule_config(site: &Site, diags: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = RULES
        .iter()
        .filter(|r| r.configurable)
        .map(|r| r.id)
        .collect();
    for key in site.config.check.rules.keys() {
        match find_rule(key) {
            Some(r) if r.configurable => {}
            Some(r) => diags.push(
                site.config
                    .error_at(
                        key,
                        format!("rule `{}` cannot be changed: it always stops a build", r.id),
                    )
                    .with_help(format!(
                        "remove `{key}` from [check]; fix the findings of this rule instead"
                    ))
                    .with_rule("config"),
            ),
            None => diags.push(
                site.config
                    .error_at(key, format!("unknown check rule `{key}`"))
                    .with_help(suggest_from(key, &ids))
                    .with_rule("config"),
            ),
        }
    }
    let mut known: Vec<&str> = KNOWN_KEYS.to_vec();
    known.extend(site.config.fields.keys().map(String::as_str));
    for (kind, fields) in &site.config.check.required_fields {
        let schema = crate::load::content::Schema::of(&site.config);
        if kind != "default" && Kind::parse_in(kind, &schema.kinds).is_none() {
            let kinds = schema.kind_names();
            diags.push(
                site.config
                    .error_at(
                        kind,
                        format!("unknown kind `{kind}` in [check.required_fields]"),
                    )
                    .with_help(suggest_from(kind, &kinds))
                    .with_rule("config"),
            );
        }
        for f in fields {
            if !known.contains(&f.as_str()) {
                diags.push(
                    site.config
                        .error_at(
                            &format!("\"{f}\""),
                            format!("unknown front-matter field `{f}` in [check.required_fields]"),
                        )
                        .with_help(suggest_from(f, &known))
                        .with_rule("config"),
                );
            }
        }
    }
}
