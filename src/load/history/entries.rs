//! The units of the walk: a commit with its trees, a file's entry in a
//! tree, a document file a commit changed, what reading a version gave.

use std::sync::Arc;

use gix::ObjectId;
use gix::objs::tree::EntryMode;

use super::model::{CommitInfo, DocState};
use super::open::CommitLinks;

/// A commit of the walk.
pub(crate) struct Node {
    pub id: ObjectId,
    pub info: Arc<CommitInfo>,
    pub links: CommitLinks,
    /// The site's `content/` tree at this commit.
    pub content: Option<ObjectId>,
}

/// A file's entry in a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub id: ObjectId,
    pub mode: EntryMode,
}

/// A document file changed by a commit. `path` is site-relative
/// (`content/…`).
#[derive(Debug, Clone)]
pub(crate) struct PathChange {
    pub path: String,
    pub old: Option<Entry>,
    pub new: Option<Entry>,
}

/// What reading one version of a document gave.
pub(crate) type Summary = Result<Arc<DocState>, String>;

/// Whether a file name is a document's (as `content::is_document_name`).
pub(crate) fn is_document_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".md") && !name.starts_with('.')
}
