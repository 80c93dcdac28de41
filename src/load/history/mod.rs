//! Document control from the site's git repository (issue 15): who changed
//! which document when, whether an approved document was changed after its
//! approval, what changed between two revisions, and the publication stamp.
//!
//! The repository is read in-process with [gix](https://docs.rs/gix), never
//! by running `git`. Everything here reads; only `tools::repo` (test fixtures
//! and `gen-corpus --commits`) writes a repository.
//!
//! - [`open`](mod@open) finds the repository holding the site (or says why history
//!   is off) and the site's folder inside it.
//! - [`SiteRepo::history`] walks every commit reachable from `HEAD` and
//!   gives each document (by id, across moves) its revisions.
//! - [`History::approval_findings`] is the data of the rule
//!   `changed-since-approval`.
//! - [`SiteRepo::walk`] is the part of the history that needs no loaded
//!   document (the commits, their changed files, the older versions): a
//!   build runs it beside the load; [`SiteRepo::history_from`] ends it.
//! - [`SiteRepo::worktree`] says which site files differ from `HEAD`.
//! - [`SiteRepo::stamp`] and [`build_time`] are the publication stamp.
//! - [`SiteRepo::resolve`] and [`SiteRepo::site_files`] read the site at an
//!   earlier revision from the objects, with no checkout.
//! - [`SiteRepo::document_changes`] compares the documents of two
//!   revisions (`clausebook changes`).
//!
//! Nothing here fails a build: problems with the repository are
//! [`Diagnostic`](crate::base::diag::Diagnostic) warnings (located at the file where that makes sense) in
//! [`History::findings`] and friends; callers decide whether they matter.

mod approval;
mod assemble;
mod changes;
mod entries;
pub(crate) mod model;
mod objects;
pub(crate) mod open;
mod packed;
mod refresh;
mod revision;
mod short;
mod source;
mod summary;
mod walk;
mod worktree;

pub use approval::ApprovalFinding;
pub use changes::{
    ChangedDocument, ClauseChange, DocumentChanges, DocumentRef, Moved, Reapproved, Retired,
};
pub use model::{
    Change, Changed, ClauseNormalizer, ClauseRef, CommitInfo, DocHistory, DocState, History,
    HistoryOptions, Parsed, RULE_CHANGED_SINCE_APPROVAL, RULE_HISTORY, Revision,
};
pub use open::{HistoryOff, SiteRepo, Stamp, build_time, open, source_date_epoch};
pub use refresh::site_rel;
pub use revision::{RevError, SiteFile, SiteFiles};
pub use source::GitSource;
pub use summary::state_of;
pub use walk::Walk;
pub(crate) use walk::in_pool;
pub use worktree::{FileState, WorktreeFiles, WorktreeStatus};
