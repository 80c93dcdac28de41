//! The Markdown source difference of one document between two revisions,
//! line by line with the changed words marked inside changed lines (with
//! [similar](https://docs.rs/similar)), in hunks with three lines of
//! context: what the changes page's diff views show.

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

/// A part of a line: changed words are `changed`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiffPart {
    pub changed: bool,
    pub text: String,
}

/// One line of a hunk.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiffLine {
    /// `equal`, `delete` or `insert`.
    pub kind: &'static str,
    /// Line numbers (1-based) in the old and the new text.
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub parts: Vec<DiffPart>,
}

/// The difference of one document's source.
#[derive(Debug, Clone, Serialize)]
pub struct DocDiff {
    pub id: String,
    pub title: String,
    pub from_path: String,
    pub to_path: String,
    pub hunks: Vec<Vec<DiffLine>>,
    /// Lines removed and added.
    pub removed: usize,
    pub added: usize,
    /// Fingerprint of what the diff is made from (paths, title, both
    /// sources): serve renders its page again only when it changed.
    #[serde(skip)]
    pub print: u64,
}

/// The hunks between `old` and `new`, and the lines removed and added.
pub fn hunks(old: &str, new: &str) -> (Vec<Vec<DiffLine>>, usize, usize) {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_lines(old, new);
    let (mut removed, mut added) = (0, 0);
    let mut out = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        let mut hunk = Vec::new();
        for op in &group {
            for change in diff.iter_inline_changes(op) {
                let kind = match change.tag() {
                    ChangeTag::Equal => "equal",
                    ChangeTag::Delete => {
                        removed += 1;
                        "delete"
                    }
                    ChangeTag::Insert => {
                        added += 1;
                        "insert"
                    }
                };
                let parts = change
                    .iter_strings_lossy()
                    .map(|(changed, text)| DiffPart {
                        changed,
                        text: text.trim_end_matches(['\n', '\r']).to_string(),
                    })
                    .filter(|p| !p.text.is_empty() || !p.changed)
                    .collect();
                hunk.push(DiffLine {
                    kind,
                    old: change.old_index().map(|i| i + 1),
                    new: change.new_index().map(|i| i + 1),
                    parts,
                });
            }
        }
        out.push(hunk);
    }
    (out, removed, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_word_is_marked_inside_its_line() {
        // The diff view marks the words that changed inside a changed line, not the whole line.
        let (h, removed, added) = hunks(
            "a\nWe manage services well.\nb\n",
            "a\nWe manage services very well.\nb\n",
        );
        assert_eq!((removed, added), (1, 1));
        let ins = h[0].iter().find(|l| l.kind == "insert").unwrap();
        let marked: Vec<&str> = ins
            .parts
            .iter()
            .filter(|p| p.changed)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["very "]);
        assert_eq!((ins.old, ins.new), (None, Some(2)));
    }
}
