//! What the history keeps of one version of a document: its metadata and
//! fingerprints of what approval covers, parsed from a blob with the
//! loader's own front-matter parser.

use std::hash::BuildHasher;
use std::path::PathBuf;
use std::sync::Arc;

use crate::load::content;

use super::model::{Changed, ClauseRef, DocState, HistoryOptions};

impl DocState {
    /// What differs from `before`.
    pub fn changed_from(&self, before: &DocState) -> Changed {
        Changed {
            body: self.body_fingerprint != before.body_fingerprint,
            title: self.title_fingerprint != before.title_fingerprint,
            clauses: self.clauses_fingerprint != before.clauses_fingerprint,
            version: self.version != before.version,
            status: self.status != before.status,
            effective: self.effective != before.effective,
        }
    }
}

/// The fingerprint hasher: fixed seed, so equal texts give equal values
/// in every thread of the process.
fn fingerprint<T: std::hash::Hash + ?Sized>(v: &T) -> u64 {
    foldhash::fast::FixedState::with_seed(0x5ee_d0c5).hash_one(v)
}

/// The start of a Git LFS pointer file.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/";

/// Whether a blob is a Git LFS pointer (its content lives outside git).
pub(crate) fn is_lfs_pointer(data: &[u8]) -> bool {
    data.len() < 1024 && data.starts_with(LFS_POINTER)
}

/// The message for a document that is an LFS pointer at some revision.
pub(crate) const LFS_PROBLEM: &str = "the file is a Git LFS pointer in the repository: \
its text is stored outside git, so this version cannot be read from the history";

/// Parse one version of a document. `path` is the site-relative path it
/// had (for the parser's messages); `Err` says why it cannot be read.
pub(crate) fn summarize(
    data: &[u8],
    path: &str,
    opts: &HistoryOptions,
) -> Result<Arc<DocState>, String> {
    if is_lfs_pointer(data) {
        return Err(LFS_PROBLEM.to_string());
    }
    let text = match std::str::from_utf8(data) {
        Ok(t) => t.to_string(),
        Err(e) => {
            return Err(format!(
                "the file is not valid UTF-8 (byte {})",
                e.valid_up_to()
            ));
        }
    };
    let content_path = path.strip_prefix("content/").unwrap_or(path).to_string();
    let (doc, diags) =
        content::parse_document(PathBuf::from(path), content_path, text, &opts.schema);
    let Some(doc) = doc else {
        let why = diags
            .iter()
            .find(|d| d.is_error())
            .or(diags.first())
            .map_or_else(
                || "the front-matter cannot be read".to_string(),
                |d| {
                    if d.line > 0 {
                        format!("{} (line {})", d.message, d.line)
                    } else {
                        d.message.clone()
                    }
                },
            );
        return Err(why);
    };
    Ok(state_of(&doc, opts))
}

/// What the history keeps of a parsed document (one the loader read from
/// the working tree, or a version read from the repository).
pub fn state_of(doc: &content::Document, opts: &HistoryOptions) -> Arc<DocState> {
    let meta = &doc.meta;
    let mut clauses: Vec<ClauseRef> = meta
        .clauses
        .iter()
        .map(|c| {
            let text = c.text.trim();
            ClauseRef {
                reference: opts
                    .normalize_clause
                    .as_ref()
                    .and_then(|f| f(text))
                    .unwrap_or_else(|| text.to_string()),
                level: c.level,
                section: c.section.clone(),
            }
        })
        .collect();
    clauses.sort();
    clauses.dedup();
    Arc::new(DocState {
        id: meta.id.clone(),
        title: meta.title.clone(),
        kind: meta.kind,
        version: meta.version.clone(),
        status: meta.status,
        effective: meta.effective,
        review_by: meta.review_by,
        body_fingerprint: fingerprint(doc.body()),
        title_fingerprint: fingerprint(meta.title.as_str()),
        clauses_fingerprint: fingerprint(&clauses),
        clauses,
    })
}
