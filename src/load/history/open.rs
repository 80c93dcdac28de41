//! Finding the site's repository, the site's folder inside it, `HEAD`, and
//! the publication stamp.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use gix::ObjectId;
use gix::objs::FindExt as _;
use serde::Serialize;

use super::model::{CommitInfo, RULE_HISTORY, describe};
use super::objects::{ObjectPool, Objects};
use super::packed::Packs;
use crate::base::diag::Diagnostic;

/// Why the site has no history. A build goes on as without history.
#[derive(Debug, Clone)]
pub struct HistoryOff {
    /// One sentence for `-v`: "history is off: …".
    pub reason: String,
    /// A warning worth showing without `-v` (a repository that exists but
    /// cannot be read); `None` when there is simply no repository.
    pub warning: Option<Diagnostic>,
}

impl HistoryOff {
    fn quiet(reason: impl Into<String>) -> Self {
        HistoryOff {
            reason: reason.into(),
            warning: None,
        }
    }
}

/// Bytes of decoded objects cached per thread.
const OBJECT_CACHE: usize = 4 * 1024 * 1024;

/// The repository holding a site, opened.
pub struct SiteRepo {
    pub(crate) repo: gix::ThreadSafeRepository,
    /// The site's folder as given.
    pub(crate) root: PathBuf,
    /// The site's folder relative to the work tree, `/`-separated, empty
    /// when the site is the work tree's top.
    pub(crate) prefix: String,
    pub(crate) head: ObjectId,
    pub(crate) head_tree: ObjectId,
    /// `HEAD`'s commit, its `short` the full hash: [`SiteRepo::head`]
    /// (in `short.rs`) cuts it.
    pub(crate) head_info: Arc<CommitInfo>,
    /// `head_info` with its short hash, once [`SiteRepo::short_len`] is known.
    pub(crate) head_short: OnceLock<Arc<CommitInfo>>,
    /// The length of the short hashes (see `short.rs`).
    pub(crate) short_len: OnceLock<usize>,
    /// The branch `HEAD` is on (`main`), `None` when detached.
    pub(crate) branch: Option<String>,
    /// Sorted shallow boundary commits (empty unless a shallow clone).
    pub(crate) shallow: Vec<ObjectId>,
    /// The repository's hash (SHA-1).
    pub(crate) hash: gix::hash::Kind,
    /// Findings made while opening (none so far is fatal).
    pub notes: Vec<Diagnostic>,
}

impl std::fmt::Debug for SiteRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteRepo")
            .field("git_dir", &self.repo.git_dir())
            .field("prefix", &self.prefix)
            .field("head", &self.head_info.id)
            .field("branch", &self.branch)
            .field("shallow", &!self.shallow.is_empty())
            .finish()
    }
}

/// Open the repository that holds the site at `root`: the nearest folder
/// at or above `root` with a `.git` (folder, or file of a linked work tree
/// or submodule). `GIT_DIR` and the other `GIT_*` variables are not
/// consulted: the site's own folder decides.
pub fn open(root: &Path) -> Result<SiteRepo, HistoryOff> {
    let site = root
        .canonicalize()
        .map_err(|e| HistoryOff::quiet(format!("the site folder cannot be resolved: {e}")))?;
    let Some(top) = site.ancestors().find(|d| d.join(".git").exists()) else {
        return Err(HistoryOff::quiet(
            "the site is not inside a git repository (no `.git` at or above its folder)",
        ));
    };
    let dot_git = top.join(".git");
    let shown = crate::base::diag::display_path(root, &dot_git);
    let unreadable = |what: String| HistoryOff {
        reason: format!("the git repository at {} cannot be read", top.display()),
        warning: Some(
            Diagnostic::warning(&shown, format!("cannot read the git repository: {what}"))
                .with_help(
                    "the site builds without history; run `git status` in the site's folder to see \
                     what git says, or `git fsck` for a damaged repository",
                )
                .with_rule(RULE_HISTORY),
        ),
    };
    let repo = match gix::ThreadSafeRepository::open(top) {
        Ok(r) => r,
        Err(e) => return Err(unreadable(describe(&e))),
    };
    let local = repo.to_thread_local();
    let Some(workdir) = local.workdir() else {
        return Err(HistoryOff::quiet(
            "the repository has no work tree (a bare repository)",
        ));
    };
    let workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    let Ok(rel) = site.strip_prefix(&workdir) else {
        return Err(HistoryOff::quiet(format!(
            "the site's folder is not inside the repository's work tree {}",
            workdir.display()
        )));
    };
    let prefix = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let head = match local.head() {
        Ok(h) => h,
        Err(e) => return Err(unreadable(format!("HEAD: {}", describe(&e)))),
    };
    let branch = head.referent_name().map(|n| n.shorten().to_string());
    let head_id = match head.id() {
        Some(id) => id.detach(),
        None => {
            return Err(HistoryOff::quiet(format!(
                "the repository has no commits yet (branch `{}` is unborn)",
                branch.as_deref().unwrap_or("HEAD")
            )));
        }
    };
    let shallow: Vec<ObjectId> = match local.shallow_commits() {
        Ok(Some(list)) => {
            let mut v: Vec<ObjectId> = list.iter().copied().collect();
            v.sort();
            v
        }
        Ok(None) => Vec::new(),
        Err(e) => return Err(unreadable(format!("the shallow file: {}", describe(&e)))),
    };
    let (head_info, head_tree) = match commit_info(&local, head_id, &shallow, 40) {
        Ok((info, links)) => (Arc::new(info), links.tree),
        Err(e) => {
            return Err(unreadable(format!(
                "HEAD's commit {head_id} cannot be read: {e}"
            )));
        }
    };
    Ok(SiteRepo {
        repo,
        root: root.to_path_buf(),
        prefix,
        head: head_id,
        head_tree,
        head_info,
        head_short: OnceLock::new(),
        short_len: OnceLock::new(),
        branch,
        shallow,
        hash: local.object_hash(),
        notes: Vec::new(),
    })
}

/// A commit read from the object database: its description, its tree and
/// its parents (none at a shallow boundary). `short` is the length of the
/// short hash ([`SiteRepo::short_len`]).
pub(crate) fn commit_info(
    repo: &gix::Repository,
    id: ObjectId,
    shallow: &[ObjectId],
    short: usize,
) -> Result<(CommitInfo, CommitLinks), String> {
    commit_info_in(&repo.objects, id, shallow, short)
}

/// [`commit_info`] reading the commit from `objects`.
pub(crate) fn commit_info_in(
    objects: &impl gix::objs::Find,
    id: ObjectId,
    shallow: &[ObjectId],
    short: usize,
) -> Result<(CommitInfo, CommitLinks), String> {
    let mut buf = Vec::new();
    let commit = objects
        .find_commit(&id, &mut buf)
        .map_err(|e| describe(&e))?;
    let boundary = shallow.binary_search(&id).is_ok();
    let parents: Vec<ObjectId> = if boundary {
        Vec::new()
    } else {
        commit.parents().collect()
    };
    let author = commit
        .author()
        .map_err(|e| format!("bad author line: {e}"))?;
    let committer = commit
        .committer()
        .map_err(|e| format!("bad committer line: {e}"))?;
    let at = |sig: &gix::actor::SignatureRef<'_>| {
        let t = sig.time().unwrap_or_default();
        (
            jiff::Timestamp::from_second(t.seconds).unwrap_or_default(),
            t.offset,
        )
    };
    let (author_time, author_offset) = at(&author);
    let (commit_time, commit_offset) = at(&committer);
    let hex = id.to_hex().to_string();
    let short = hex[..short.min(hex.len())].to_string();
    let subject = String::from_utf8_lossy(commit.message().title.as_ref())
        .trim()
        .to_string();
    let info = CommitInfo {
        id: hex,
        short,
        author: String::from_utf8_lossy(author.trim().name.as_ref()).into_owned(),
        author_email: String::from_utf8_lossy(author.trim().email.as_ref()).into_owned(),
        author_time,
        author_offset,
        commit_time,
        commit_offset,
        subject,
        parents: parents.iter().map(|p| p.to_hex().to_string()).collect(),
        shallow_boundary: boundary,
    };
    Ok((
        info,
        CommitLinks {
            tree: commit.tree(),
            parents,
        },
    ))
}

/// What the walk needs of a commit besides its description.
#[derive(Debug, Clone)]
pub(crate) struct CommitLinks {
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
}

/// The publication stamp: which revision a build was made from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stamp {
    /// `HEAD`'s full hash.
    pub commit: String,
    pub short: String,
    /// The branch checked out, `None` when `HEAD` is detached.
    pub branch: Option<String>,
    /// Tags pointing at `HEAD`, sorted.
    pub tags: Vec<String>,
    pub commit_time: jiff::Timestamp,
    pub commit_offset: i32,
    /// The site's files in the working tree differ from `HEAD`
    /// ("with uncommitted changes").
    pub dirty: bool,
    /// A shallow clone: history shown is partial.
    pub shallow: bool,
}

impl SiteRepo {
    /// A handle for this thread. Trees are read twice in a walk (as a
    /// commit's and as its child's parent's): a small object cache keeps
    /// the second read of what the walk's own readers leave to gix (see
    /// [`Objects`]).
    pub(crate) fn local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size_if_unset(OBJECT_CACHE);
        repo
    }

    /// Handles for the threads of one walk, reading loose and packed
    /// objects themselves (see [`Objects`] and [`ObjectPool`]); the packs
    /// are opened once for all, when the first handle is made (a pool
    /// that reads nothing opens nothing).
    pub(crate) fn object_pool(&self) -> ObjectPool<impl Fn() -> Objects + Sync + '_> {
        let packs = std::sync::OnceLock::new();
        let dir = self.repo.objects_dir().to_path_buf();
        ObjectPool::new(move || {
            let packs = packs.get_or_init(|| Packs::open(&dir, self.hash));
            Objects::new(self.local(), dir.clone(), Arc::clone(packs))
        })
    }

    /// The site's folder as given to [`open`].
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The repository's `.git` folder.
    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    /// The site's folder relative to the work tree (`""` at its top,
    /// `docs/sms` in a subfolder).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The branch `HEAD` is on, `None` when detached.
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// A shallow clone (as CI makes them): history begins at its boundary.
    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty()
    }

    /// The repository path of a site-relative path.
    pub(crate) fn repo_path(&self, site_rel: &str) -> String {
        if self.prefix.is_empty() {
            site_rel.to_string()
        } else if site_rel.is_empty() {
            self.prefix.clone()
        } else {
            format!("{}/{site_rel}", self.prefix)
        }
    }

    /// The tree at `site_rel` (e.g. `content`) in the tree `root`, if any.
    pub(crate) fn subtree(
        &self,
        repo: &gix::Repository,
        root: ObjectId,
        site_rel: &str,
    ) -> Result<Option<ObjectId>, String> {
        self.subtree_in(&repo.objects, root, site_rel)
    }

    /// [`SiteRepo::subtree`] reading the trees from `objects`.
    pub(crate) fn subtree_in(
        &self,
        objects: &impl gix::objs::Find,
        root: ObjectId,
        site_rel: &str,
    ) -> Result<Option<ObjectId>, String> {
        let path = self.repo_path(site_rel);
        if path.is_empty() {
            return Ok(Some(root));
        }
        lookup_in(objects, root, &path)
            .map(|e| e.and_then(|(id, mode)| mode.is_tree().then_some(id)))
    }

    /// The publication stamp of `HEAD`; `dirty` comes from
    /// [`SiteRepo::worktree`].
    pub fn stamp(&self, dirty: bool) -> Stamp {
        let repo = self.local();
        let mut tags: Vec<String> = Vec::new();
        if let Ok(platform) = repo.references()
            && let Ok(iter) = platform.tags()
        {
            for mut r in iter.flatten() {
                if r.peel_to_id().is_ok_and(|id| id.detach() == self.head) {
                    tags.push(r.name().shorten().to_string());
                }
            }
        }
        tags.sort();
        Stamp {
            commit: self.head_info.id.clone(),
            short: self.head().short.clone(),
            branch: self.branch.clone(),
            tags,
            commit_time: self.head_info.commit_time,
            commit_offset: self.head_info.commit_offset,
            dirty,
            shallow: self.is_shallow(),
        }
    }
}

/// The entry at `path` (`/`-separated) below the tree `root`.
pub(crate) fn lookup(
    repo: &gix::Repository,
    root: ObjectId,
    path: &str,
) -> Result<Option<(ObjectId, gix::objs::tree::EntryMode)>, String> {
    lookup_in(&repo.objects, root, path)
}

/// [`lookup`] reading the trees from `objects`.
pub(crate) fn lookup_in(
    objects: &impl gix::objs::Find,
    root: ObjectId,
    path: &str,
) -> Result<Option<(ObjectId, gix::objs::tree::EntryMode)>, String> {
    let mut buf = Vec::new();
    let mut current = root;
    let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
    while let Some(name) = parts.next() {
        let tree = objects
            .find_tree_iter(&current, &mut buf)
            .map_err(|e| describe(&e))?;
        let mut found = None;
        for entry in tree {
            let entry = entry.map_err(|e| format!("a damaged tree {current}: {e}"))?;
            if entry.filename == name.as_bytes() {
                found = Some((entry.oid.to_owned(), entry.mode));
                break;
            }
        }
        match found {
            None => return Ok(None),
            Some((id, mode)) => {
                if parts.peek().is_none() {
                    return Ok(Some((id, mode)));
                }
                if !mode.is_tree() {
                    return Ok(None);
                }
                current = id;
            }
        }
    }
    Ok(Some((root, gix::objs::tree::EntryKind::Tree.into())))
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): when `value` is set, the
/// build time it names. It must be a whole number of seconds since 1970
/// (what `date +%s` prints); anything else is an error to report.
pub fn source_date_epoch(value: Option<&str>) -> Result<Option<jiff::Timestamp>, String> {
    let Some(v) = value else { return Ok(None) };
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let secs: i64 = v.parse().map_err(|_| {
        format!("SOURCE_DATE_EPOCH is `{v}`, not a number of seconds since 1970-01-01 (as `date +%s` prints)")
    })?;
    jiff::Timestamp::from_second(secs)
        .map(Some)
        .map_err(|_| format!("SOURCE_DATE_EPOCH is `{v}`, out of the range of dates"))
}

/// The build time to stamp: `SOURCE_DATE_EPOCH` when set (so that two
/// builds of the same commit are byte-identical), otherwise `now`.
pub fn build_time(now: jiff::Timestamp) -> Result<jiff::Timestamp, Diagnostic> {
    let value = std::env::var("SOURCE_DATE_EPOCH").ok();
    match source_date_epoch(value.as_deref()) {
        Ok(t) => Ok(t.unwrap_or(now)),
        Err(msg) => Err(Diagnostic::error("SOURCE_DATE_EPOCH", msg).with_help(
            "set it to the output of `date +%s` (or `git log -1 --format=%ct` for the last commit's time), \
             or unset it",
        )),
    }
}
