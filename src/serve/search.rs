//! The search indexes of a served output folder, brought up to date after
//! `clausebook serve`'s incremental rebuilds without a full build.
//!
//! [`LiveSearch::open`] opens the tantivy index a full build wrote, with a
//! writer (holding tantivy's `.tantivy-writer.lock` in the index folder),
//! and notes a fingerprint of each document's tantivy document.
//! [`LiveSearch::update`] analyzes the site again ([`Model`]), deletes and
//! adds in tantivy the documents whose fingerprint changed (or that were
//! added or removed) and commits, and writes the sharded static index
//! again (new shards, a new `search/index.js`, stale shards removed).
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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::{Index, IndexWriter, Term};

use crate::publish::in_place::{UnsyncedDirectory, write_over, write_shards};
use crate::resolve::Site;
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
    index: Index,
    /// `None` only while dropping.
    writer: Option<IndexWriter>,
    fields: Fields,
    /// Id → fingerprint of its tantivy document, as indexed.
    prints: HashMap<String, u64>,
    /// The static index being written after the last update.
    static_write: Option<std::thread::JoinHandle<Result<(), String>>>,
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
        let folder =
            FolderId::of(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let prints = fingerprints(site);
        Ok(LiveSearch {
            output: output.to_path_buf(),
            dir,
            index,
            writer: Some(writer),
            fields,
            prints,
            static_write: None,
            folder,
            phases: Vec::new(),
        })
    }

    /// Bring both indexes in `output` up to date with `site`. `changed`
    /// and `removed` (ids of documents edited or added, and no longer
    /// published) are kept for callers: the documents to replace are found
    /// by their fingerprints (see the module doc). Returns a fresh reader
    /// for the server once tantivy is updated; readers returned before stay
    /// usable (they see the index as it was).
    ///
    /// The static index (read by browsers only where no server answers)
    /// is written on another thread after this returns: [`LiveSearch::settle`]
    /// waits for it, as does the next update and dropping.
    ///
    /// On an error, the two indexes may be left apart (one updated, not
    /// the other): build the site in full and open a new `LiveSearch`.
    pub fn update(
        &mut self,
        site: &Site,
        _changed: &[&str],
        _removed: &[&str],
    ) -> Result<SearchIndex, String> {
        self.settle()?;
        if FolderId::of(&self.dir).ok() != Some(self.folder) {
            return Err(format!(
                "the search index {} was replaced (by a full build?): open it again",
                self.dir.display()
            ));
        }
        let t = Instant::now();
        let now = fingerprints(site);
        let published: Vec<usize> = (0..site.docs.len())
            .filter(|&i| site.published[i])
            .collect();
        let fresh: Vec<usize> = published
            .iter()
            .copied()
            .filter(|&i| {
                let id = &site.docs[i].meta.id;
                self.prints.get(id).is_none_or(|p| now.get(id) != Some(p))
            })
            .collect();
        let prints_time = t.elapsed();
        let LiveSearch {
            dir,
            index,
            writer,
            fields,
            prints,
            ..
        } = self;
        let writer = writer.as_mut().ok_or("the search index is closed")?;
        // The changed documents for tantivy, and the whole site for the
        // static index, side by side.
        let ((reader, tantivy_time, reader_time), (model, model_time)) = rayon::join(
            || {
                let t = Instant::now();
                let changed = Model::of_docs(site, &fresh);
                let updated =
                    replace_changed(writer, fields, prints, now, &changed).and_then(|()| {
                        write_over(&dir.join(STANDARDS_FILE), &tindex::standards_json(&changed))
                    });
                let tantivy_time = t.elapsed();
                let t = Instant::now();
                let reader = updated
                    .and_then(|()| SearchIndex::from_index(index, dir).map_err(|e| e.to_string()));
                (reader, tantivy_time, t.elapsed())
            },
            || {
                let t = Instant::now();
                (Model::of_site(site), t.elapsed())
            },
        );
        let pattern = shards::url_pattern(site);
        let output = self.output.clone();
        self.static_write = Some(std::thread::spawn(move || {
            let files = shards::build(&model, &pattern);
            write_shards(&output, &files)
        }));
        self.phases = vec![
            ("fingerprints", prints_time),
            ("tantivy", tantivy_time),
            ("reader", reader_time),
            ("model", model_time),
        ];
        reader
    }

    /// Wait for the static index of the last update to be written; its
    /// error, if writing it failed.
    pub fn settle(&mut self) -> Result<(), String> {
        match self.static_write.take() {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|_| Err("writing the static search index failed".to_string())),
            None => Ok(()),
        }
    }

    /// How long each part of the last [`LiveSearch::update`] took: the
    /// fingerprints, then the tantivy update (the changed documents
    /// analyzed, deleted, added, committed) and opening the new reader, on
    /// one thread, side by side with analyzing the whole site for the
    /// static index, on another.
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

/// Id → fingerprint of every published document of `site`: a hash of
/// all that its tantivy document is made of (its [`crate::search::Entry`]
/// and the description, clauses and headings a result shows).
fn fingerprints(site: &Site) -> HashMap<String, u64> {
    use std::hash::{Hash, Hasher};
    let mut out = HashMap::new();
    for i in (0..site.docs.len()).filter(|&i| site.published[i]) {
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
        out.insert(e.id.to_string(), h.finish());
    }
    out
}

/// Replace in the index the documents of `changed` (those whose
/// fingerprint in `now` differs from `prints`: added or edited), delete
/// those no longer in `now`, and commit; `prints` becomes `now`. On
/// failure, the uncommitted changes are rolled back.
fn replace_changed(
    writer: &mut IndexWriter,
    f: &Fields,
    prints: &mut HashMap<String, u64>,
    now: HashMap<String, u64>,
    changed: &Model,
) -> Result<(), String> {
    let mut delete: Vec<&str> = changed
        .docs
        .iter()
        .filter(|d| prints.contains_key(&d.id))
        .map(|d| d.id.as_str())
        .collect();
    delete.extend(
        prints
            .keys()
            .filter(|id| !now.contains_key(*id))
            .map(String::as_str),
    );
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
    *prints = now;
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
