//! The findings the site's repository gives (when history is read):
//! rule `changed-since-approval`, an approved document whose text changed
//! in a commit after the one that approved it; and rule `history`, an
//! approved document with uncommitted changes (the page would not be from
//! a committed revision), besides the repository's own problems, which
//! the load reports.
//!
//! `changed-since-approval` is a warning in `build` and `serve` and an
//! error in `check` (the CI gate), unless `[check]` sets its level.

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics, Level};
use crate::load::content::Status;
use crate::load::history::{RULE_CHANGED_SINCE_APPROVAL, RULE_HISTORY};
use crate::resolve::Site;
use crate::resolve::history::SiteHistory;

/// The history findings of `site`, at the level `build` reports them.
pub fn findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    let Some(h) = &site.history else { return };
    if !super::rules::allowed(site, RULE_CHANGED_SINCE_APPROVAL) {
        let mut approvals: Vec<_> = h.approvals.iter().collect();
        approvals.sort_unstable_by_key(|(id, _)| *id);
        // In parallel: each locates itself in its file (thousands, when a
        // set's documents are edited without new versions).
        let found: Vec<Diagnostic> = approvals
            .par_iter()
            .filter_map(|(id, f)| {
                let i = site.doc_index(id)?;
                Some(f.diagnostic(&site.docs[i], Level::Warning))
            })
            .collect();
        diags.extend(found);
    }
    for d in &site.docs {
        if d.meta.status != Status::Approved {
            continue;
        }
        let rel = SiteHistory::site_rel(&site.root, &d.path);
        if h.worktree.is_uncommitted(&rel) {
            let f = Diagnostic::warning(
                &d.path,
                format!(
                    "`{}` is approved, but its file has uncommitted changes: the published page \
                     is not from a committed revision",
                    d.meta.id
                ),
            )
            .with_help(
                "commit the change (with a new `version` if its text changed) before publishing",
            )
            .with_rule(RULE_HISTORY);
            diags.push(d.locate(f, d.span_of("version")));
        }
    }
}

/// In `check`, `changed-since-approval` findings are errors unless
/// `[check]` sets the rule's level.
pub fn as_check(site: &Site, findings: &mut Diagnostics) {
    if site
        .config
        .check
        .rules
        .contains_key(RULE_CHANGED_SINCE_APPROVAL)
    {
        return;
    }
    for d in &mut findings.0 {
        if d.rule == Some(RULE_CHANGED_SINCE_APPROVAL) {
            d.level = Level::Error;
        }
    }
}
