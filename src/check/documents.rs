//! The document-control rules (required fields, approval, review dates),
//! which read one document at a time.

use crate::base::diag::Diagnostic;
use crate::check::rules::{DEFAULT_REQUIRED, allowed_by};
use crate::load::config::Config;
use crate::load::content::{Document, Meta, Status};
use crate::resolve::Site;

/// The findings of the document-control rules for each document of `site`.
pub fn control(site: &Site) -> Vec<Vec<Diagnostic>> {
    let rules = DocumentRules::new(&site.config, site.options.today);
    site.docs.iter().map(|d| rules.check(d)).collect()
}

/// The document-control rules with the site's settings (a rebuild of
/// `clausebook serve` keeps their findings for the documents that did not
/// change).
pub struct DocumentRules<'a> {
    today: jiff::civil::Date,
    window: i64,
    /// Reviews after this date are not due yet (a date comparison is much
    /// cheaper than the span in days, which most documents do not need).
    due_by: Option<jiff::civil::Date>,
    no_overdue: bool,
    no_due: bool,
    required: &'a std::collections::BTreeMap<String, Vec<String>>,
}

impl<'a> DocumentRules<'a> {
    pub fn new(config: &'a Config, today: jiff::civil::Date) -> Self {
        let window = config.check.review_due_days as i64;
        DocumentRules {
            today,
            window,
            due_by: today.checked_add(jiff::Span::new().days(window)).ok(),
            no_overdue: allowed_by(config, "review-overdue"),
            no_due: allowed_by(config, "review-due"),
            required: &config.check.required_fields,
        }
    }

    /// The findings of the rules for one document.
    pub fn check(&self, doc: &Document) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let (today, window, due_by) = (self.today, self.window, self.due_by);
        let (no_overdue, no_due, required) = (self.no_overdue, self.no_due, self.required);
        let m = &doc.meta;
        // Required fields for the kind.
        let listed = required
            .get(m.kind.as_str())
            .or_else(|| required.get("default"));
        let fields: Box<dyn Iterator<Item = &str>> = match listed {
            Some(list) => Box::new(list.iter().map(String::as_str)),
            None => Box::new(DEFAULT_REQUIRED.iter().copied()),
        };
        for f in fields {
            // A field that is present but invalid has its own error.
            if !has_field(m, f) && !doc.spans.contains_key(f) {
                diags.push(
                    doc.error_at(doc.id_span, format!("`{}` has no `{f}`", m.id))
                        .with_help(format!(
                            "documents of kind {} must give `{f}` in their front-matter",
                            m.kind
                        ))
                        .with_rule("missing-field"),
                );
            }
        }
        // A field present but invalid has its own error already.
        let absent = |f: &str| !doc.spans.contains_key(f);
        let missing: Vec<&str> = [
            (m.approver.is_none() && absent("approver")).then_some("approver"),
            (m.effective.is_none() && absent("effective")).then_some("effective"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if m.status == Status::Approved && !missing.is_empty() {
            diags.push(
                doc.error_at(
                    doc.span_of("status"),
                    format!(
                        "`{}` is approved but has no {}",
                        m.id,
                        missing.join(" and no ")
                    ),
                )
                .with_help("an approved document names who approved it and the date it took effect")
                .with_rule("approval-incomplete"),
            );
        }
        if m.status != Status::Retired
            && let Some(review) = m.review_by
        {
            let span = doc.span_of("review_by");
            if review < today && !no_overdue {
                diags.push(
                    doc.error_at(
                        span,
                        format!("the review of `{}` was due on {review}", m.id),
                    )
                    .with_help(
                        "review the document, then raise its version and set a new review_by date",
                    )
                    .with_rule("review-overdue"),
                );
            } else if review >= today
                && !no_due
                && due_by.is_none_or(|d| review <= d)
                && let Ok(days) = today.until(review).map(|s| s.get_days() as i64)
                && days <= window
            {
                diags.push(
                doc.warning_at(span, format!("the review of `{}` is due on {review}, in {days} days", m.id))
                    .with_help(format!("plan the review; this warns {window} days ahead (`review_due_days` in [check])"))
                    .with_rule("review-due"),
            );
            }
        }
        diags
    }
}

fn has_field(m: &Meta, f: &str) -> bool {
    match f {
        "id" | "title" | "kind" | "status" => true,
        "owner" => m.owner.is_some(),
        "approver" => m.approver.is_some(),
        "version" => m.version.is_some(),
        "effective" => m.effective.is_some(),
        "review_by" => m.review_by.is_some(),
        "clauses" => !m.clauses.is_empty(),
        "related" => !m.related.is_empty(),
        "tags" => !m.tags.is_empty(),
        "summary" => m.summary.is_some(),
        _ => true,
    }
}
