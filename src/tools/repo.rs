//! Writing repositories in-process with gix (no `git` binary needed):
//! [`RepoWriter`] builds fixture repositories for tests step by step, and
//! [`write_corpus_history`] gives a generated corpus a history of N
//! commits (`clausebook gen-corpus --commits N`).
//!
//! Objects are written loose, as `git commit` does; `git gc` packs them.
//! The index is written at the end ([`RepoWriter::write_index`]) so that
//! `git status` agrees that the work tree is clean.
//!
//! It stays here, in the load stage, rather than in `tools/`: it writes
//! the objects the reader beside it reads (and shares its lookup), the
//! tests build their fixtures with it, and `tools::corpus` (a later
//! stage) may call it, while `load` could not call into `tools`.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::objs::tree::EntryKind;

fn io_err(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{what}: {e}"))
}

fn gix_err(what: &str, e: gix::Error) -> io::Error {
    io_err(what, crate::load::history::model::describe(&e))
}

/// A time as git records it: seconds and the UTC offset in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub seconds: i64,
    pub offset: i32,
}

impl When {
    /// Parse an RFC 3339 time with its offset: `2026-01-05T10:00:00+01:00`
    /// or `…Z`.
    pub fn parse(s: &str) -> io::Result<When> {
        let t: jiff::Timestamp = s
            .parse()
            .map_err(|e| io_err(&format!("bad time `{s}`"), e))?;
        let offset = if s.ends_with('Z') || s.ends_with('z') {
            0
        } else {
            let tail = &s[s.len().saturating_sub(6)..];
            let sign = match tail.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(io_err("time without offset", s)),
            };
            let h: i32 = tail[1..3].parse().map_err(|e| io_err(s, e))?;
            let m: i32 = tail[4..6].parse().map_err(|e| io_err(s, e))?;
            sign * (h * 3600 + m * 60)
        };
        Ok(When {
            seconds: t.as_second(),
            offset,
        })
    }
}

/// Writes commits into a repository at `dir`, keeping the work tree equal
/// to the last commit.
pub struct RepoWriter {
    repo: gix::Repository,
    dir: PathBuf,
    tree: ObjectId,
    head: Option<ObjectId>,
    /// Changes since the last commit: path -> entry (None: removed).
    staged: BTreeMap<String, Option<(EntryKind, ObjectId)>>,
    commits: Vec<ObjectId>,
}

impl RepoWriter {
    /// Create a repository in `dir` (made if missing; files already in it
    /// are left alone and not staged).
    pub fn init(dir: &Path) -> io::Result<RepoWriter> {
        std::fs::create_dir_all(dir)?;
        let repo = gix::init(dir).map_err(|e| gix_err("cannot create the repository", e))?;
        let tree = ObjectId::empty_tree(repo.object_hash());
        Ok(RepoWriter {
            repo,
            dir: dir.to_path_buf(),
            tree,
            head: None,
            staged: BTreeMap::new(),
            commits: Vec::new(),
        })
    }

    /// The work tree's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The commits written, oldest first.
    pub fn commits(&self) -> &[ObjectId] {
        &self.commits
    }

    /// The last commit.
    pub fn head(&self) -> Option<ObjectId> {
        self.head
    }

    /// Stage `bytes` at `path` (`/`-separated, relative to the work tree)
    /// without touching the work tree.
    pub fn stage(&mut self, path: &str, bytes: &[u8]) -> io::Result<ObjectId> {
        let id = self
            .repo
            .write_blob(bytes)
            .map_err(|e| gix_err("cannot write a blob", e))?
            .detach();
        self.staged
            .insert(path.to_string(), Some((EntryKind::Blob, id)));
        Ok(id)
    }

    /// Stage a tree entry of any kind (a submodule is `EntryKind::Commit`).
    pub fn stage_entry(&mut self, path: &str, kind: EntryKind, id: ObjectId) -> io::Result<()> {
        self.staged.insert(path.to_string(), Some((kind, id)));
        Ok(())
    }

    /// Write a file in the work tree and stage it.
    pub fn write(&mut self, path: &str, bytes: impl AsRef<[u8]>) -> io::Result<ObjectId> {
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, bytes.as_ref())?;
        self.stage(path, bytes.as_ref())
    }

    /// Delete a file from the work tree and stage its removal.
    pub fn remove(&mut self, path: &str) -> io::Result<()> {
        match std::fs::remove_file(self.dir.join(path)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        self.staged.insert(path.to_string(), None);
        Ok(())
    }

    /// Move a file in the work tree and stage the move.
    pub fn rename(&mut self, from: &str, to: &str) -> io::Result<()> {
        let bytes = std::fs::read(self.dir.join(from))?;
        self.remove(from)?;
        self.write(to, bytes)?;
        Ok(())
    }

    /// Commit what is staged on the current branch (or detached `HEAD`),
    /// as `author` (`Name <email>` or a bare name) at `when`.
    pub fn commit(&mut self, author: &str, when: When, message: &str) -> io::Result<ObjectId> {
        let tree = self.staged_tree()?;
        let parents: Vec<ObjectId> = self.head.into_iter().collect();
        self.commit_tree(author, when, message, tree, &parents)
    }

    /// Commit `tree` with explicit `parents` (a merge has two), moving
    /// `HEAD` (and its branch) to it. What is staged is dropped.
    pub fn commit_tree(
        &mut self,
        author: &str,
        when: When,
        message: &str,
        tree: ObjectId,
        parents: &[ObjectId],
    ) -> io::Result<ObjectId> {
        let (name, email) = match author.split_once('<') {
            Some((n, e)) => (
                n.trim().to_string(),
                e.trim_end_matches('>').trim().to_string(),
            ),
            None => (
                author.to_string(),
                format!("{}@example.org", author.to_lowercase().replace(' ', ".")),
            ),
        };
        let sig = gix::actor::Signature {
            name: name.into(),
            email: email.into(),
            time: gix::date::Time::new(when.seconds, when.offset),
        };
        let mut buf = gix::date::parse::TimeBuf::default();
        let sig_ref = sig.to_ref(&mut buf);
        let id = match self.head {
            // `commit_as` expects the branch at the first parent.
            Some(head) if parents.first() != Some(&head) => {
                let commit = gix::objs::Commit {
                    tree,
                    parents: parents.iter().copied().collect(),
                    author: sig.clone(),
                    committer: sig.clone(),
                    encoding: None,
                    message: message.into(),
                    extra_headers: Vec::new(),
                };
                let id = self
                    .repo
                    .write_object(&commit)
                    .map_err(|e| gix_err("cannot write a commit", e))?
                    .detach();
                self.set_head_target(id)?;
                id
            }
            _ => self
                .repo
                .commit_as(
                    sig_ref,
                    sig_ref,
                    "HEAD",
                    message,
                    tree,
                    parents.iter().copied(),
                )
                .map_err(|e| gix_err("cannot write a commit", e))?
                .detach(),
        };
        self.tree = tree;
        self.head = Some(id);
        self.staged.clear();
        self.commits.push(id);
        Ok(id)
    }

    /// The tree of the last commit with the staged changes applied.
    pub fn staged_tree(&mut self) -> io::Result<ObjectId> {
        if self.staged.is_empty() {
            return Ok(self.tree);
        }
        let mut editor = self
            .repo
            .edit_tree(self.tree)
            .map_err(|e| gix_err("cannot edit the tree", e))?;
        for (path, blob) in &self.staged {
            match blob {
                Some((kind, id)) => editor
                    .upsert(path.as_str(), *kind, *id)
                    .map_err(|e| gix_err(&format!("cannot stage {path}"), e))?,
                None => editor
                    .remove(path.as_str())
                    .map_err(|e| gix_err(&format!("cannot remove {path}"), e))?,
            };
        }
        Ok(editor
            .write()
            .map_err(|e| gix_err("cannot write a tree", e))?
            .detach())
    }

    /// Point `HEAD`'s branch (or a detached `HEAD`) at `id`.
    fn set_head_target(&self, id: ObjectId) -> io::Result<()> {
        let name = match self.repo.head_name() {
            Ok(Some(name)) => name.as_bstr().to_string(),
            _ => "HEAD".to_string(),
        };
        self.set_ref(&name, id)
    }

    fn set_ref(&self, name: &str, id: ObjectId) -> io::Result<()> {
        use gix::refs::transaction::PreviousValue;
        self.repo
            .reference(name, id, PreviousValue::Any, "clausebook fixture")
            .map_err(|e| gix_err(&format!("cannot set {name}"), e))?;
        Ok(())
    }

    /// Create the lightweight tag `name` at the last commit.
    pub fn tag(&self, name: &str) -> io::Result<()> {
        let head = self.head.ok_or_else(|| io_err("no commit to tag", name))?;
        self.set_ref(&format!("refs/tags/{name}"), head)
    }

    /// Create the branch `name` at `at`.
    pub fn branch(&self, name: &str, at: ObjectId) -> io::Result<()> {
        self.set_ref(&format!("refs/heads/{name}"), at)
    }

    /// Detach `HEAD` at `at` (as `git checkout <hash>` does, but the work
    /// tree is not changed); later commits start from `at`'s tree.
    pub fn detach_head(&mut self, at: ObjectId) -> io::Result<()> {
        let tree = self
            .repo
            .find_commit(at)
            .and_then(|c| c.tree_id())
            .map_err(|e| gix_err("cannot read the commit", e))?
            .detach();
        std::fs::write(
            self.repo.git_dir().join("HEAD"),
            format!("{}\n", at.to_hex()),
        )?;
        self.head = Some(at);
        self.tree = tree;
        self.staged.clear();
        Ok(())
    }

    /// Make the repository a shallow clone whose boundary is `at`: its
    /// parents are then treated as absent, as after `git clone --depth`.
    pub fn make_shallow(&self, at: ObjectId) -> io::Result<()> {
        std::fs::write(
            self.repo.git_dir().join("shallow"),
            format!("{}\n", at.to_hex()),
        )
    }

    /// Where the loose object `id` is stored (to damage it in a test).
    pub fn loose_object_path(&self, id: ObjectId) -> PathBuf {
        let hex = id.to_hex().to_string();
        self.repo
            .git_dir()
            .join("objects")
            .join(&hex[..2])
            .join(&hex[2..])
    }

    /// Write the index from the last commit's tree, so that `git status`
    /// sees a clean work tree.
    pub fn write_index(&self) -> io::Result<()> {
        let mut index = self
            .repo
            .index_from_tree(&self.tree)
            .map_err(|e| gix_err("cannot make the index", e))?;
        index
            .write(Default::default())
            .map_err(|e| io_err("cannot write the index", e))
    }

    /// The blob id of `path` in the last commit.
    pub fn blob_at(&self, path: &str) -> Option<ObjectId> {
        crate::load::history::open::lookup(&self.repo, self.tree, path)
            .ok()
            .flatten()
            .map(|(id, _)| id)
    }
}

/// One step of building a fixture repository with [`build`].
#[derive(Debug, Clone)]
pub enum Step {
    /// Write a file (path relative to the work tree).
    Write(String, String),
    /// Move a file.
    Move(String, String),
    /// Delete a file.
    Delete(String),
    /// Commit what the steps since the last commit did.
    Commit {
        author: String,
        /// RFC 3339 with offset: `2026-01-05T10:00:00+01:00`.
        when: String,
        message: String,
    },
    /// A lightweight tag at the last commit.
    Tag(String),
}

impl Step {
    pub fn write(path: &str, content: &str) -> Step {
        Step::Write(path.into(), content.into())
    }
    pub fn moved(from: &str, to: &str) -> Step {
        Step::Move(from.into(), to.into())
    }
    pub fn delete(path: &str) -> Step {
        Step::Delete(path.into())
    }
    pub fn commit(author: &str, when: &str, message: &str) -> Step {
        Step::Commit {
            author: author.into(),
            when: when.into(),
            message: message.into(),
        }
    }
    pub fn tag(name: &str) -> Step {
        Step::Tag(name.into())
    }
}

/// Build a repository in `dir` from `steps`; the work tree ends equal to
/// the last commit, with a fresh index.
pub fn build(dir: &Path, steps: &[Step]) -> io::Result<RepoWriter> {
    let mut w = RepoWriter::init(dir)?;
    for step in steps {
        match step {
            Step::Write(path, content) => {
                w.write(path, content)?;
            }
            Step::Move(from, to) => w.rename(from, to)?,
            Step::Delete(path) => w.remove(path)?,
            Step::Commit {
                author,
                when,
                message,
            } => {
                w.commit(author, When::parse(when)?, message)?;
            }
            Step::Tag(name) => w.tag(name)?,
        }
    }
    w.write_index()?;
    Ok(w)
}

/// A small deterministic generator (SplitMix64) for the corpus history.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What [`write_corpus_history`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusHistory {
    pub commits: usize,
    /// Document changes of each kind: approvals (version raised, status
    /// approved), body edits of approved documents without a new version,
    /// moves, clause reference changes, body edits of other documents.
    pub approvals: usize,
    pub edits_after_approval: usize,
    pub moves: usize,
    pub clause_changes: usize,
    pub draft_edits: usize,
}

const AUTHORS: [&str; 6] = [
    "Priya Natarajan",
    "Tom Hale",
    "Ines Duarte",
    "Kwame Mensah",
    "Sofia Lindqvist",
    "Daniel Okafor",
];

/// A line of the front-matter (`key = …`) replaced, or `None` when the
/// document has no such line.
fn set_line(text: &str, key: &str, value: &str) -> Option<String> {
    let end = text[3..].find("\n+++").map(|i| i + 3)?;
    let prefix = format!("\n{key} = ");
    let start = text[..end].find(&prefix)? + 1;
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(format!(
        "{}{key} = {value}{}",
        &text[..start],
        &text[line_end..]
    ))
}

fn get_line<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let end = text[3..].find("\n+++").map(|i| i + 3)?;
    let prefix = format!("\n{key} = ");
    let start = text[..end].find(&prefix)? + prefix.len();
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(&text[start..line_end])
}

/// Give the generated corpus at `site` (from `clausebook gen-corpus`, not
/// yet a repository) a history of `commits` commits: the first adds every
/// file; each later one, chosen with `seed`, approves documents (version
/// raised, status approved, effective date set), edits approved documents'
/// bodies without a new version, moves files to another folder, adds or
/// removes clause references, or edits drafts. The work tree ends equal to
/// the last commit. Deterministic for a given corpus, count and seed.
pub fn write_corpus_history(site: &Path, commits: usize, seed: u64) -> io::Result<CorpusHistory> {
    if site.join(".git").exists() {
        return Err(io_err(
            "cannot write a history",
            format!("{} is already a git repository", site.display()),
        ));
    }
    let files = read_corpus(site)?;
    let mut w = RepoWriter::init(site)?;
    if commits == 0 {
        return Ok(CorpusHistory::default());
    }
    let mut rng = Mix(seed ^ 0x5151_7ea5);
    let start = When::parse("2025-01-06T09:00:00+00:00")?.seconds;
    let when = |k: usize, rng: &mut Mix| When {
        // About three commits a working day.
        seconds: start + k as i64 * 8 * 3600 + rng.below(3600) as i64,
        offset: [0, 3600, 7200, -18000][k % 4],
    };
    for (path, text) in &files {
        w.stage(path, text.as_bytes())?;
    }
    let t = when(0, &mut rng);
    w.commit(AUTHORS[0], t, "Add the document set")?;
    let mut g = CorpusEdits {
        refs: clause_refs(&files),
        folders: folders_of(&files),
        files,
        rng,
        out: CorpusHistory {
            commits: 1,
            ..CorpusHistory::default()
        },
    };
    let mut touched: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut k = 0;
    while g.out.commits < commits && k < commits * 4 {
        k += 1;
        let docs: Vec<String> = g
            .files
            .keys()
            .filter(|p| p.starts_with("content/"))
            .cloned()
            .collect();
        if docs.is_empty() {
            break;
        }
        let kind = g.rng.below(100);
        let n = 1 + g.rng.below(4);
        let t = when(k, &mut g.rng);
        let mut message = String::new();
        for _ in 0..n {
            let path = docs[g.rng.below(docs.len())].clone();
            let Some((new_path, new_text, what)) = g.edit(kind, k, t, &path)? else {
                continue;
            };
            if new_path != path {
                g.files.remove(&path);
                w.staged.insert(path.clone(), None);
                touched.insert(path.clone(), None);
            }
            w.stage(&new_path, new_text.as_bytes())?;
            touched.insert(new_path.clone(), Some(new_text.clone()));
            g.files.insert(new_path, new_text);
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(&what);
        }
        if message.is_empty() {
            continue;
        }
        w.commit(AUTHORS[g.rng.below(AUTHORS.len())], t, &message)?;
        g.out.commits += 1;
    }
    write_work_tree(site, &touched)?;
    w.write_index()?;
    Ok(g.out)
}

/// The corpus's configuration and documents, in memory.
fn read_corpus(site: &Path) -> io::Result<BTreeMap<String, String>> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(site).sort_by_file_name() {
        let entry = entry.map_err(|e| io_err("cannot read the corpus", e))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(site)
            .map_err(|e| io_err("cannot read the corpus", e))?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "clausebook.toml" || rel.starts_with("content/") {
            files.insert(rel, std::fs::read_to_string(entry.path())?);
        }
    }
    Ok(files)
}

/// The clause references the documents make, to add from.
fn clause_refs(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut refs: Vec<String> = Vec::new();
    for text in files.values() {
        if let Some(list) = get_line(text, "clauses") {
            for r in list.trim_matches(|c| c == '[' || c == ']').split(", ") {
                if !r.is_empty() && !refs.iter().any(|x| x == r) {
                    refs.push(r.to_string());
                }
            }
        }
    }
    refs
}

/// The folders of the documents, and one more to move documents to.
fn folders_of(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut f: Vec<String> = files
        .keys()
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d.to_string()))
        .filter(|d| d.starts_with("content"))
        .collect();
    f.dedup();
    f.push("content/archive".into());
    f
}

/// The work tree: the last commit's files.
fn write_work_tree(site: &Path, touched: &BTreeMap<String, Option<String>>) -> io::Result<()> {
    for (path, text) in touched {
        let full = site.join(path);
        match text {
            None => match std::fs::remove_file(&full) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            },
            Some(text) => {
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&full, text)?;
            }
        }
    }
    Ok(())
}

/// The state of the corpus history being written.
struct CorpusEdits {
    files: BTreeMap<String, String>,
    refs: Vec<String>,
    folders: Vec<String>,
    rng: Mix,
    out: CorpusHistory,
}

/// One edit: the document's new path and text, and the commit message's
/// part for it.
type Edit = (String, String, String);

impl CorpusEdits {
    /// One edit of kind `kind` (0..100) to the document at `path` in the
    /// `k`th commit (at `t`); `None` when that edit does not apply.
    fn edit(&mut self, kind: usize, k: usize, t: When, path: &str) -> io::Result<Option<Edit>> {
        let text = self.files[path].clone();
        let id = get_line(&text, "id")
            .unwrap_or("\"?\"")
            .trim_matches('"')
            .to_string();
        let approved = get_line(&text, "status") == Some("\"approved\"");
        let path = path.to_string();
        Ok(Some(if kind < 30 {
            // Approve: raise the minor version, set status and date.
            let v = get_line(&text, "version")
                .unwrap_or("\"1.0\"")
                .trim_matches('"');
            let (major, minor) = v.split_once('.').unwrap_or((v, "0"));
            let minor: u32 = minor.parse().unwrap_or(0);
            let nv = format!("\"{major}.{}\"", minor + 1);
            let date = jiff::Timestamp::from_second(t.seconds)
                .map_err(|e| io_err("date", e))?
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date();
            let text = set_line(&text, "version", &nv)
                .and_then(|t| set_line(&t, "status", "\"approved\""))
                .and_then(|t| set_line(&t, "effective", &date.to_string()))
                .unwrap_or(text);
            self.out.approvals += 1;
            let what = format!("Approve {id} version {}", nv.trim_matches('"'));
            (path, text, what)
        } else if kind < 55 {
            // An edit of the body, without a new version.
            let mut text = text;
            text.push_str(&format!(
                "\nClarified in revision {k}: the owner confirms the records are kept.\n"
            ));
            let what = if approved {
                self.out.edits_after_approval += 1;
                format!("Edit {id} after approval (no new version)")
            } else {
                self.out.draft_edits += 1;
                format!("Edit draft {id}")
            };
            (path, text, what)
        } else if kind < 70 {
            // A move to another folder.
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            let folder = self.folders[self.rng.below(self.folders.len())].clone();
            let to = format!("{folder}/{name}");
            if self.files.contains_key(&to) {
                return Ok(None);
            }
            self.out.moves += 1;
            (to, text, format!("Move {id} to {folder}/"))
        } else if kind < 85 {
            let Some((text, what)) = self.clause_edit(&id, text) else {
                return Ok(None);
            };
            (path, text, what)
        } else {
            // A draft's body edited.
            let mut text = text;
            text.push_str(&format!(
                "\nNote {k}: to be discussed at the next review.\n"
            ));
            if approved {
                self.out.edits_after_approval += 1;
            } else {
                self.out.draft_edits += 1;
            }
            (path, text, format!("Work on {id}"))
        }))
    }

    /// Clause references: add one, or remove one that is not the first
    /// (the first ones keep coverage complete).
    fn clause_edit(&mut self, id: &str, text: String) -> Option<(String, String)> {
        let list = get_line(&text, "clauses").unwrap_or("[]");
        let mut items: Vec<String> = list
            .trim_matches(|c| c == '[' || c == ']')
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let what = if items.len() > 1 && self.rng.below(2) == 0 {
            let r = items.remove(1 + self.rng.below(items.len() - 1));
            format!("{id}: remove clause reference {}", r.trim_matches('"'))
        } else if !self.refs.is_empty() {
            let r = self.refs[self.rng.below(self.refs.len())].clone();
            if items.contains(&r) {
                return None;
            }
            let what = format!("{id}: add clause reference {}", r.trim_matches('"'));
            items.push(r);
            what
        } else {
            return None;
        };
        let text = set_line(&text, "clauses", &format!("[{}]", items.join(", "))).unwrap_or(text);
        self.out.clause_changes += 1;
        Some((text, what))
    }
}
