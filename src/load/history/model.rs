//! The history's data: commits, revisions, each document's history and
//! the options of the walk. Every other file of `history` builds on it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::base::diag::Diagnostic;
use crate::load::content::{Kind, Level, Status};

/// The rule name of approval integrity findings.
pub const RULE_CHANGED_SINCE_APPROVAL: &str = "changed-since-approval";
/// The rule name of the other history findings (unreadable revisions, id
/// changes, duplicate ids at an older revision, repository problems).
pub const RULE_HISTORY: &str = "history";

/// One commit, as the pages show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full hash, hexadecimal.
    pub id: String,
    /// The shortest unambiguous prefix (at least 7 characters).
    pub short: String,
    pub author: String,
    pub author_email: String,
    /// When the author made the change.
    pub author_time: jiff::Timestamp,
    /// The author's UTC offset then, in seconds.
    pub author_offset: i32,
    /// When the commit was made (rebases and merges set it anew).
    pub commit_time: jiff::Timestamp,
    pub commit_offset: i32,
    /// The first line of the message.
    pub subject: String,
    /// Parent hashes (none for a root commit or a shallow boundary).
    pub parents: Vec<String>,
    /// This commit is a boundary of a shallow clone: its parents are not
    /// in the repository, so what it "adds" may be older.
    pub shallow_boundary: bool,
}

impl CommitInfo {
    /// The author's date in the author's own time zone.
    pub fn author_date(&self) -> jiff::civil::Date {
        local_date(self.author_time, self.author_offset)
    }

    /// The commit's date in the committer's own time zone.
    pub fn commit_date(&self) -> jiff::civil::Date {
        local_date(self.commit_time, self.commit_offset)
    }
}

pub(crate) fn local_date(t: jiff::Timestamp, offset: i32) -> jiff::civil::Date {
    let off = jiff::tz::Offset::from_seconds(offset).unwrap_or(jiff::tz::Offset::UTC);
    off.to_datetime(t).date()
}

/// How a commit changed a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Change {
    /// The document appeared (its first revision, or again after removal).
    Added,
    /// Its file changed in place.
    Modified,
    /// Its file moved (same id, other path); the content may have changed
    /// too.
    Moved { from: String },
    /// Its file was deleted (or its id changed to another one).
    Removed,
    /// The file at this path had another id before this commit.
    IdChanged { from: String },
}

/// What a revision changed compared to the document's previous revision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub body: bool,
    pub title: bool,
    pub clauses: bool,
    pub version: bool,
    pub status: bool,
    pub effective: bool,
}

impl Changed {
    /// The approved content changed: body, title or clause references.
    pub fn content(&self) -> bool {
        self.body || self.title || self.clauses
    }
}

/// One revision of a document: a commit that changed its source.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    #[serde(serialize_with = "ser_arc")]
    pub commit: Arc<CommitInfo>,
    /// The document's path at this commit, relative to the site
    /// (`content/procedures/change.md`).
    pub path: String,
    pub change: Change,
    /// The document as it was after this commit (before it, for a
    /// removal); `None` when that version could not be read (see
    /// `problem`).
    #[serde(serialize_with = "ser_opt_arc")]
    pub state: Option<Arc<DocState>>,
    /// Why `state` is missing: not UTF-8, broken front-matter, an LFS
    /// pointer, a missing object.
    pub problem: Option<String>,
    pub changed: Changed,
    /// The status at this revision was `approved`.
    pub approved: bool,
}

pub(crate) fn ser_arc<S: Serializer, T: Serialize>(v: &Arc<T>, s: S) -> Result<S::Ok, S::Error> {
    v.as_ref().serialize(s)
}

pub(crate) fn ser_opt_arc<S: Serializer, T: Serialize>(
    v: &Option<Arc<T>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    v.as_deref().serialize(s)
}

/// The revisions of one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocHistory {
    pub id: String,
    /// Newest first.
    pub revisions: Vec<Revision>,
}

impl DocHistory {
    /// The newest revision: "last changed".
    pub fn last_changed(&self) -> Option<&Revision> {
        self.revisions.first()
    }

    /// The document exists at `HEAD` (its newest revision is not a
    /// removal).
    pub fn exists(&self) -> bool {
        self.revisions
            .first()
            .is_some_and(|r| !matches!(r.change, Change::Removed))
    }
}

/// The history of every document of the site.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// `HEAD`.
    #[serde(serialize_with = "ser_arc")]
    pub head: Arc<CommitInfo>,
    /// The number of commits walked.
    pub commits: usize,
    /// The repository is a shallow clone: histories begin at its boundary.
    pub shallow: bool,
    /// Per document id.
    pub documents: BTreeMap<String, DocHistory>,
    /// Problems met on the way, each a warning with rule `history`:
    /// unreadable revisions (located at the file), a file whose id changed,
    /// two files with the same id at an older revision, missing objects.
    #[serde(skip)]
    pub findings: Vec<Diagnostic>,
}

impl History {
    /// The history of document `id`.
    pub fn document(&self, id: &str) -> Option<&DocHistory> {
        self.documents.get(id)
    }
}

/// A clause reference of a document at some revision.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ClauseRef {
    /// The canonical key when a normalizer was given
    /// ([`HistoryOptions::normalize_clause`]), otherwise the text as
    /// written, trimmed.
    #[serde(rename = "ref")]
    pub reference: String,
    pub level: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// One version of a document, as its front-matter and body said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocState {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub version: Option<String>,
    pub status: Status,
    pub effective: Option<jiff::civil::Date>,
    pub review_by: Option<jiff::civil::Date>,
    /// Sorted, without duplicates.
    pub clauses: Vec<ClauseRef>,
    /// Fingerprints (stable within one process) of the body, the title and
    /// the clause references: what an approval covers.
    #[serde(skip)]
    pub body_fingerprint: u64,
    #[serde(skip)]
    pub title_fingerprint: u64,
    #[serde(skip)]
    pub clauses_fingerprint: u64,
}

/// See [`HistoryOptions::normalize_clause`].
pub type ClauseNormalizer = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Options of [`SiteRepo::history`](super::SiteRepo::history) and
/// [`SiteRepo::document_changes`](super::SiteRepo::document_changes).
#[derive(Clone, Default)]
pub struct HistoryOptions {
    /// Turns a clause reference as written (`ISO 9001:2008 clause 7.3.7`)
    /// into its canonical key (`iso9001:2008/7.3.7`), so that rewording a
    /// reference is not a change. Without it the text is compared as
    /// written, trimmed.
    pub normalize_clause: Option<ClauseNormalizer>,
    /// Read the history on one thread (for measurements).
    pub single_threaded: bool,
    /// The site's own fields and kinds, so that older revisions parse as
    /// the current ones do.
    pub schema: crate::load::content::Schema,
    /// Versions already parsed, by blob id: the documents the loader read
    /// (from the working tree, or from a revision's objects). A version
    /// found here is neither read from the repository nor parsed again.
    pub parsed: Parsed,
}

/// Parsed versions of documents by blob id (see [`HistoryOptions::parsed`]).
pub type Parsed = Arc<std::collections::HashMap<gix::ObjectId, Arc<DocState>>>;

impl std::fmt::Debug for HistoryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryOptions")
            .field("normalize_clause", &self.normalize_clause.is_some())
            .field("single_threaded", &self.single_threaded)
            .field("parsed", &self.parsed.len())
            .finish()
    }
}

/// A gix error as one line: its messages from the outermost to the cause.
pub(crate) fn describe(e: &gix::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for err in e.iter_errors() {
        let s = format!("{err:#}");
        if !s.is_empty() && !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    if parts.is_empty() {
        format!("{e:#}")
    } else {
        parts.join(": ")
    }
}
