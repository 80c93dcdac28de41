//! Uncommitted changes: which of the site's input files differ from
//! `HEAD`, compared by blob id (the file's content hashed as git hashes
//! it), so that the answer does not depend on the index being fresh.
//!
//! The inputs are what a build reads: `clausebook.toml`, the documents
//! below `content/`, `standards/**.toml`, and every file below
//! `templates/` and `theme/`. Hidden files and editors' backups (`.x.swp`,
//! `x~`) are not inputs. A file checked out with CRLF line ends
//! (`core.autocrlf`) whose LF form matches `HEAD` counts as unchanged.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use gix::objs::FindExt as _;
use gix::objs::tree::EntryMode;
use rayon::prelude::*;
use serde::Serialize;

use super::entries::{Entry, is_document_name};
use super::open::SiteRepo;

/// How a site file compares with `HEAD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileState {
    /// Same content as in `HEAD`.
    Clean,
    /// In `HEAD`, changed in the working tree.
    Modified,
    /// Not in `HEAD` (a new file, committed nowhere).
    Untracked,
    /// In `HEAD`, missing from the working tree.
    Deleted,
}

/// The working tree of the site compared with `HEAD`.
#[derive(Debug, Clone)]
pub struct WorktreeStatus {
    /// Site-relative paths of the input files that are not clean.
    pub changed: BTreeMap<String, FileState>,
    head: Arc<HashMap<String, Entry>>,
    hash: gix::hash::Kind,
}

/// The input folders besides `clausebook.toml`.
const INPUT_DIRS: [&str; 4] = ["content", "standards", "templates", "theme"];

/// Whether a site-relative path is an input of the build.
fn is_input(path: &str) -> bool {
    if path == "clausebook.toml" {
        return true;
    }
    let Some((dir, rest)) = path.split_once('/') else {
        return false;
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    if name.ends_with('~') || name.starts_with('.') {
        return false;
    }
    match dir {
        "content" => is_document_name(path),
        "standards" => name.ends_with(".toml") && !rest.split('/').any(|c| c.starts_with('.')),
        "templates" | "theme" => !rest.split('/').any(|c| c.starts_with('.')),
        _ => false,
    }
}

impl WorktreeStatus {
    /// The working tree differs from `HEAD` ("with uncommitted changes").
    pub fn dirty(&self) -> bool {
        !self.changed.is_empty()
    }

    /// How the site file `site_rel` (`content/x.md`) compares with `HEAD`.
    pub fn state(&self, site_rel: &str) -> FileState {
        self.changed
            .get(site_rel)
            .copied()
            .unwrap_or(FileState::Clean)
    }

    /// The document's working-tree file is not the committed one: the page
    /// is not from a committed revision.
    pub fn is_uncommitted(&self, site_rel: &str) -> bool {
        matches!(
            self.state(site_rel),
            FileState::Modified | FileState::Untracked
        )
    }

    /// Compare one file anew (after an edit while serving): `bytes` is its
    /// content, `None` when it was deleted.
    pub fn update(&mut self, site_rel: &str, bytes: Option<&[u8]>) {
        if !is_input(site_rel) {
            return;
        }
        let head = self.head.get(site_rel);
        let state = match (bytes, head) {
            (None, None) => FileState::Clean,
            (None, Some(_)) => FileState::Deleted,
            (Some(_), None) => FileState::Untracked,
            (Some(b), Some(e)) => {
                if same_blob(self.hash, b, e.id) {
                    FileState::Clean
                } else {
                    FileState::Modified
                }
            }
        };
        if state == FileState::Clean {
            self.changed.remove(site_rel);
        } else {
            self.changed.insert(site_rel.to_string(), state);
        }
    }
}

/// Whether `bytes` hash to `id` as a blob, also in their LF form when they
/// hold CRLF line ends.
fn same_blob(kind: gix::hash::Kind, bytes: &[u8], id: ObjectId) -> bool {
    let hash = |b: &[u8]| gix::objs::compute_hash(kind, gix::objs::Kind::Blob, b).ok();
    if hash(bytes) == Some(id) {
        return true;
    }
    if bytes.windows(2).any(|w| w == b"\r\n") {
        let mut lf = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            lf.push(bytes[i]);
            i += 1;
        }
        return hash(&lf) == Some(id);
    }
    false
}

impl SiteRepo {
    /// Compare the site's input files in the working tree with `HEAD`.
    pub fn worktree(&self) -> WorktreeStatus {
        self.worktree_with(&HashMap::new())
    }

    /// The blob id git gives `bytes` in this repository.
    pub fn blob_id(&self, bytes: &[u8]) -> Option<ObjectId> {
        gix::objs::compute_hash(self.hash, gix::objs::Kind::Blob, bytes).ok()
    }

    /// As [`SiteRepo::worktree`], with the blob ids of files already read
    /// (site-relative path to [`SiteRepo::blob_id`] of their bytes): a file
    /// whose id is `HEAD`'s is clean without being read again.
    pub fn worktree_with(&self, known: &HashMap<String, ObjectId>) -> WorktreeStatus {
        self.worktree_files().compare(known)
    }

    /// The input files of `HEAD` and of the working tree, listed but not
    /// compared yet: this needs no loaded document, so a build lists them
    /// beside the load.
    pub fn worktree_files(&self) -> WorktreeFiles {
        let repo = self.local();
        let mut head: HashMap<String, Entry> = HashMap::new();
        if let Ok(Some((id, mode))) =
            super::open::lookup(&repo, self.head_tree, &self.repo_path("clausebook.toml"))
            && !mode.is_tree()
        {
            head.insert("clausebook.toml".into(), Entry { id, mode });
        }
        for dir in INPUT_DIRS {
            if let Ok(Some(tree)) = self.subtree(&repo, self.head_tree, dir) {
                collect_tree(&repo, tree, dir, &mut head);
            }
        }
        head.retain(|p, _| is_input(p));
        // The files on disk.
        let mut disk: Vec<String> = Vec::new();
        if self.root.join("clausebook.toml").is_file() {
            disk.push("clausebook.toml".into());
        }
        for dir in INPUT_DIRS {
            let base = self.root.join(dir);
            if !base.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&base)
                .follow_links(false)
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_dir() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                    continue;
                };
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if is_input(&rel) {
                    disk.push(rel);
                }
            }
        }
        WorktreeFiles {
            root: self.root.clone(),
            head,
            disk,
            hash: repo.object_hash(),
        }
    }
}

/// The site's input files in `HEAD` and on disk, before their contents are
/// compared ([`SiteRepo::worktree_files`]).
pub struct WorktreeFiles {
    root: std::path::PathBuf,
    head: HashMap<String, Entry>,
    /// Site-relative paths of the input files on disk.
    disk: Vec<String>,
    hash: gix::hash::Kind,
}

impl WorktreeFiles {
    /// The blob ids of the input files in `HEAD`.
    pub fn head_blobs(&self) -> HashSet<ObjectId> {
        self.head.values().map(|e| e.id).collect()
    }

    /// `clausebook.toml` is on disk but not in `HEAD`: its state is
    /// [`FileState::Untracked`].
    pub fn config_untracked(&self) -> bool {
        let config = crate::load::config::CONFIG_FILE;
        !self.head.contains_key(config) && self.disk.iter().any(|p| p == config)
    }

    /// Compare the files' contents: `known` as in
    /// [`SiteRepo::worktree_with`].
    pub fn compare(self, known: &HashMap<String, ObjectId>) -> WorktreeStatus {
        let WorktreeFiles {
            root,
            head,
            disk,
            hash,
        } = self;
        let states: Vec<(String, FileState)> = disk
            .par_iter()
            .filter_map(|rel| {
                let state = match head.get(rel) {
                    None => FileState::Untracked,
                    Some(e) if !e.mode.is_link() && known.get(rel) == Some(&e.id) => {
                        FileState::Clean
                    }
                    Some(e) => match read(&root, rel, e.mode) {
                        Some(bytes) if same_blob(hash, &bytes, e.id) => FileState::Clean,
                        _ => FileState::Modified,
                    },
                };
                (state != FileState::Clean).then(|| (rel.clone(), state))
            })
            .collect();
        let mut changed: BTreeMap<String, FileState> = states.into_iter().collect();
        let on_disk: HashSet<&String> = disk.iter().collect();
        for p in head.keys() {
            if !on_disk.contains(p) {
                changed.insert(p.clone(), FileState::Deleted);
            }
        }
        WorktreeStatus {
            changed,
            head: Arc::new(head),
            hash,
        }
    }
}

/// A file's content as git stores it: a symbolic link's target, a file's
/// bytes.
fn read(root: &Path, rel: &str, mode: EntryMode) -> Option<Vec<u8>> {
    let path = root.join(rel);
    if mode.is_link()
        && let Ok(target) = std::fs::read_link(&path)
    {
        return Some(target.to_string_lossy().into_owned().into_bytes());
    }
    std::fs::read(path).ok()
}

/// Every leaf below `tree`, with paths prefixed by `prefix`.
fn collect_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    prefix: &str,
    out: &mut HashMap<String, Entry>,
) {
    let mut buf = Vec::new();
    let Ok(iter) = repo.objects.find_tree_iter(&tree, &mut buf) else {
        return;
    };
    let entries: Vec<(String, ObjectId, EntryMode)> = iter
        .flatten()
        .map(|e| {
            (
                format!("{prefix}/{}", String::from_utf8_lossy(e.filename.as_ref())),
                e.oid.to_owned(),
                e.mode,
            )
        })
        .collect();
    for (path, id, mode) in entries {
        if mode.is_tree() {
            collect_tree(repo, id, &path, out);
        } else if mode.is_blob() || mode.is_link() {
            out.insert(path, Entry { id, mode });
        }
    }
}
