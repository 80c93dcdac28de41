//! The search indexes of a served output folder, brought up to date after
//! `clausebook serve`'s incremental rebuilds without a full build.
//!
//! [`LiveSearch::open`] opens the tantivy index a full build wrote, with a
//! writer (holding tantivy's `.tantivy-writer.lock` in the index folder),
//! and notes a fingerprint of each document's tantivy document.
//! [`LiveSearch::update`] deletes and adds in tantivy the documents whose
//! fingerprint changed (or that were added or removed), commits, reloads
//! its one reader and hands the server a snapshot of the new commit; then,
//! on another thread, it analyzes the site again ([`Model`]) and writes
//! the sharded static index again (new shards, a new `search/index.js`,
//! stale shards removed). The server answers from tantivy: its pages never
//! load the static index (`search/index.js` is served as a pointer to the
//! API), so only the tantivy part is on the rebuild's time. The writer
//! and the reader live as long as the `LiveSearch`; tantivy's default
//! merge policy merges the one-document segments of the edits in the
//! background, a few at a time.
//!
//! Scores stay exactly a full build's: the engine counts only live
//! documents (a deleted version of an edited document counts nowhere) and
//! numbers them in id order whatever their segments, so that the API
//! answers as `clausebook search` after a full build and as the static
//! search box ([`crate::search::engine`]).
//!
//! A full build writes a new output folder and swaps it in place of the
//! old one. A `LiveSearch` stays bound to the folder it opened: drop it
//! before (or after) a full build and open a new one on the new output;
//! [`LiveSearch::update`] refuses to work on a folder that was swapped
//! under it. Dropping it waits for tantivy's background merges and
//! releases the writer lock. The lock file itself stays (an empty file,
//! unlocked, which locks nothing); full builds do not write it, so it
//! goes when a build replaces or reuses the folder.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::publish::in_place::{UnsyncedDirectory, write_over, write_shards};
use crate::resolve::Site;
use crate::search::answer::StdView;
use crate::search::engine::SearchIndex;
use crate::search::query::model::Model;
use crate::search::query::shards;
use crate::search::tindex::{self, Fields, INDEX_DIR, STANDARDS_FILE};

/// Memory of the tantivy writer (its minimum: a few documents at a time).
const WRITER_MEMORY: usize = 15_000_000;
/// The lock file of tantivy's writer, in the index folder.
const WRITER_LOCK: &str = ".tantivy-writer.lock";

/// The search indexes of a served output folder, kept open and updated
/// document by document after incremental rebuilds.
pub struct LiveSearch {
    output: PathBuf,
    dir: PathBuf,
    /// `None` only while dropping.
    writer: Option<IndexWriter>,
    /// Reloaded after each commit ([`ReloadPolicy::Manual`]).
    reader: IndexReader,
    /// The standards and declared kinds of the index (an incremental
    /// rebuild changes neither: a change to the catalogs or to
    /// clausebook.toml makes a full build), and the standards file as
    /// written.
    standards: Arc<Vec<StdView>>,
    declared: Vec<String>,
    standards_file: Vec<u8>,
    fields: Fields,
    /// Id → fingerprint of its tantivy document, as indexed.
    prints: HashMap<String, u64>,
    /// The static index being written after the last update (after the
    /// one of the update before, which it waits for).
    static_write: Option<std::thread::JoinHandle<Result<(), String>>>,
    /// The number of the last update: a static index that a later update
    /// will write again is not written.
    generation: Arc<AtomicU64>,
    /// The index folder as opened, to notice a full build swapping it.
    folder: FolderId,
    phases: Vec<(&'static str, Duration)>,
}

impl LiveSearch {
    /// Open the indexes a full build wrote into `output` (the output
    /// folder), for updates. `site` is the site that build was made from
    /// (analyzed once, for the fingerprints of its documents). Fails when
    /// the folder has no index, when the index was written by another
    /// version of Clausebook, or when another writer holds it.
    pub fn open(output: &Path, site: &Site) -> Result<LiveSearch, String> {
        let dir = output.join(INDEX_DIR);
        if !dir.join("meta.json").is_file() {
            return Err(format!(
                "no search index in {}: build the site first",
                dir.display()
            ));
        }
        let cannot = |e: tantivy::TantivyError| {
            format!("cannot open the search index {}: {e}", dir.display())
        };
        let index = Index::open(UnsyncedDirectory::open(&dir)?).map_err(cannot)?;
        if index.schema() != tindex::schema() {
            return Err(format!(
                "the search index {} was written by another version of Clausebook: build the site again",
                dir.display()
            ));
        }
        let fields = Fields::of(&index.schema())?;
        // One thread: documents stay in model order.
        let writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => format!(
                    "the search index {} is already open for updates (by another `clausebook serve`?)",
                    dir.display()
                ),
                e => cannot(e),
            })?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(cannot)?;
        let (standards, declared) = SearchIndex::read_tables(&dir).map_err(|e| e.to_string())?;
        let standards_file = std::fs::read(dir.join(STANDARDS_FILE)).unwrap_or_default();
        let folder =
            FolderId::of(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let prints = fingerprints(site);
        Ok(LiveSearch {
            output: output.to_path_buf(),
            dir,
            writer: Some(writer),
            reader,
            standards,
            declared,
            standards_file,
            fields,
            prints,
            static_write: None,
            generation: Arc::new(AtomicU64::new(0)),
            folder,
            phases: Vec::new(),
        })
    }

    /// Bring both indexes in `output` up to date with `site`. `changed`
    /// are the ids of the documents whose page was rendered again: of
    /// those, and of the documents not indexed yet, the ones whose
    /// fingerprint differs are replaced; the documents no longer published
    /// are deleted (found by id; `removed` is kept for callers). Returns a snapshot of
    /// the new commit for the server once tantivy is updated; snapshots
    /// returned before stay usable (they see the index as it was).
    ///
    /// The static index (read by browsers only where no server answers)
    /// is made and written on another thread after this returns, after
    /// the one of the update before, and not at all when a later update
    /// comes first: [`LiveSearch::settle`] waits for it, as does dropping.
    ///
    /// On an error, the two indexes may be left apart (one updated, not
    /// the other): build the site in full and open a new `LiveSearch`.
    pub fn update(
        &mut self,
        site: &Arc<Site>,
        changed: &[&str],
        _removed: &[&str],
    ) -> Result<SearchIndex, String> {
        if FolderId::of(&self.dir).ok() != Some(self.folder) {
            return Err(format!(
                "the search index {} was replaced (by a full build?): open it again",
                self.dir.display()
            ));
        }
        let t = Instant::now();
        // What a document's search entry is made of comes from its page:
        // only the documents whose page was rendered (`changed`) and those
        // new to the index can differ, and only those are fingerprinted.
        let rendered: HashSet<&str> = changed.iter().copied().collect();
        let mut now: HashMap<String, u64> = HashMap::new();
        let mut fresh: Vec<usize> = Vec::new();
        let mut published: HashSet<&str> = HashSet::new();
        for i in (0..site.docs.len()).filter(|&i| site.published[i]) {
            let id = site.docs[i].meta.id.as_str();
            published.insert(id);
            let old = self.prints.get(id);
            if old.is_some() && !rendered.contains(id) {
                continue;
            }
            let print = fingerprint(site, i);
            if old != Some(&print) {
                fresh.push(i);
            }
            now.insert(id.to_string(), print);
        }
        let gone: Vec<String> = self
            .prints
            .keys()
            .filter(|id| !published.contains(id.as_str()))
            .cloned()
            .collect();
        let prints_time = t.elapsed();
        let t = Instant::now();
        let changed = Model::of_docs(site, &fresh);
        let writer = self.writer.as_mut().ok_or("the search index is closed")?;
        replace_changed(writer, &self.fields, &mut self.prints, now, &gone, &changed)?;
        let standards = tindex::standards_json(&changed);
        if standards != self.standards_file {
            write_over(&self.dir.join(STANDARDS_FILE), &standards)?;
            self.standards_file = standards;
        }
        let tantivy_time = t.elapsed();
        let t = Instant::now();
        self.reader
            .reload()
            .map_err(|e| format!("cannot read the search index again: {e}"))?;
        let index = SearchIndex::of_searcher(
            self.reader.searcher(),
            &self.dir,
            Arc::clone(&self.standards),
            self.declared.clone(),
        )
        .map_err(|e| e.to_string());
        let reader_time = t.elapsed();
        let pattern = shards::url_pattern(site);
        let output = self.output.clone();
        let site = Arc::clone(site);
        let before = self.static_write.take();
        let latest = Arc::clone(&self.generation);
        let generation = latest.fetch_add(1, Ordering::SeqCst) + 1;
        self.static_write = Some(std::thread::spawn(move || {
            // One writer at a time, in order; an update that a later one
            // supersedes writes nothing (the later one writes it all).
            let before = before.map_or(Ok(()), join_static);
            let superseded = || latest.load(Ordering::SeqCst) != generation;
            if superseded() {
                return before;
            }
            let model = Model::of_site(&site);
            // The site (many small allocations) is freed here, off the
            // rebuild's time, unless the session still holds it.
            drop(site);
            if superseded() {
                return before;
            }
            let files = shards::build(&model, &pattern);
            before.and(write_shards(&output, &files))
        }));
        self.phases = vec![
            ("fingerprints", prints_time),
            ("tantivy", tantivy_time),
            ("reader", reader_time),
        ];
        index
    }

    /// Wait for the static index of the last update to be written; its
    /// error, if writing it failed.
    pub fn settle(&mut self) -> Result<(), String> {
        self.static_write.take().map_or(Ok(()), join_static)
    }

    /// How long each part of the last [`LiveSearch::update`] took: the
    /// fingerprints, the tantivy update (the changed documents analyzed, deleted, added,
    /// committed) and the reader reloaded with its document table.
    pub fn phases(&self) -> &[(&'static str, Duration)] {
        &self.phases
    }
}

impl Drop for LiveSearch {
    /// Wait for tantivy's background merges, then release the writer and
    /// its lock.
    fn drop(&mut self) {
        let _ = self.settle();
        if let Some(writer) = self.writer.take() {
            let _ = writer.wait_merging_threads();
        }
    }
}

/// Wait for a thread writing the static index; its error.
fn join_static(handle: std::thread::JoinHandle<Result<(), String>>) -> Result<(), String> {
    handle
        .join()
        .unwrap_or_else(|_| Err("writing the static search index failed".to_string()))
}

/// Id → fingerprint of every published document of `site`.
fn fingerprints(site: &Site) -> HashMap<String, u64> {
    (0..site.docs.len())
        .filter(|&i| site.published[i])
        .map(|i| (site.docs[i].meta.id.clone(), fingerprint(site, i)))
        .collect()
}

/// A hash of all that the tantivy document of `site.docs[i]` is made of
/// (its [`crate::search::Entry`] and the description, clauses and
/// headings a result shows).
fn fingerprint(site: &Site, i: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let e = crate::search::entry::entry(site, i);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        e.id, e.title, e.kind, e.status, e.owner, e.tags, e.summary, e.url,
    )
        .hash(&mut h);
    (&e.headings, e.body).hash(&mut h);
    for c in &e.clauses {
        (&c.standard, &c.number, &c.title, &c.ancestors).hash(&mut h);
    }
    for r in site.clauses[i].iter() {
        (&r.section, &r.key.standard, &r.key.clause).hash(&mut h);
    }
    for t in &site.rendered[i].toc {
        (&t.title, &t.id, t.children.len()).hash(&mut h);
    }
    h.finish()
}

/// Replace in the index the documents of `changed` (added or edited),
/// delete those of `gone`, and commit; `prints` takes the fingerprints of
/// `now` and loses those of `gone`. On failure, the uncommitted changes are
/// rolled back.
fn replace_changed(
    writer: &mut IndexWriter,
    f: &Fields,
    prints: &mut HashMap<String, u64>,
    now: HashMap<String, u64>,
    gone: &[String],
    changed: &Model,
) -> Result<(), String> {
    let mut delete: Vec<&str> = changed
        .docs
        .iter()
        .filter(|d| prints.contains_key(&d.id))
        .map(|d| d.id.as_str())
        .collect();
    delete.extend(gone.iter().map(String::as_str));
    if delete.is_empty() && changed.docs.is_empty() {
        return Ok(());
    }
    let result = (|| {
        for id in &delete {
            writer.delete_term(Term::from_field_text(f.id, id));
        }
        for doc in tindex::documents(f, changed, None) {
            writer.add_document(doc)?;
        }
        writer.commit().map(|_| ())
    })();
    if let Err(e) = result {
        let _ = writer.rollback();
        return Err(format!("cannot update the search index: {e}"));
    }
    for id in gone {
        prints.remove(id);
    }
    prints.extend(now);
    Ok(())
}

/// What identifies the index folder as opened: on Unix, the device and
/// inode of the folder and of the writer's lock file. A full build swaps a
/// new folder in (another inode) or, reusing an old output folder, removes
/// the files it does not write, the lock file among them. Elsewhere the
/// swap fails while the index is open, and nothing is compared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct FolderId([u64; 4]);

impl FolderId {
    fn of(dir: &Path) -> std::io::Result<FolderId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let folder = std::fs::metadata(dir)?;
            let lock = std::fs::metadata(dir.join(WRITER_LOCK))?;
            Ok(FolderId([
                folder.dev(),
                folder.ino(),
                lock.dev(),
                lock.ino(),
            ]))
        }
        #[cfg(not(unix))]
        {
            std::fs::metadata(dir)?;
            Ok(FolderId([0; 4]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn can_move_to_another_thread() {
        // serve keeps it in its watcher thread and hands the readers to request threads.
        fn send<T: Send>() {}
        send::<LiveSearch>();
        send::<SearchIndex>();
    }
}
