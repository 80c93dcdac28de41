//! The search indexes of a served output folder, updated document by
//! document after `clausebook serve`'s incremental rebuilds instead of
//! being rebuilt.
//!
//! [`LiveSearch::open`] opens the tantivy index a full build wrote, with a
//! writer (holding tantivy's `.tantivy-writer.lock` in the index folder),
//! and reads every published document once to fill the cache of the
//! static index ([`StaticIndex`]). [`LiveSearch::update`] then deletes and
//! adds the changed documents in tantivy and commits, and writes
//! `search/index.js` again from the cache: the same bytes as a full build
//! of the same site.
//!
//! A full build writes a new output folder and swaps it in place of the
//! old one. A `LiveSearch` stays bound to the folder it opened: drop it
//! before (or after) a full build and open a new one on the new output;
//! [`LiveSearch::update`] refuses to work on a folder that was swapped
//! under it. Dropping it waits for tantivy's background merges and
//! releases the writer lock. The lock file itself stays (an empty file,
//! unlocked, which locks nothing); full builds do not write it, so it
//! goes when a build replaces or reuses the folder.
//!
//! Scores: the schema, tokenizers and weights are a full build's, but
//! tantivy's statistics (number of documents, of documents with a term,
//! average lengths) count a deleted document, such as the old version of
//! an edited one, until its segment is merged. The merge policy merges a
//! segment in the background once [`MAX_DELETED`] of its documents are
//! deleted; until then a score may differ a little from a full build's
//! (for the edited document's own rare words most: a word in one document
//! counts as in two). Documents of exactly equal scores may also come in
//! another order (tantivy orders them by segment, and an edited document
//! moves to a new one).

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::indexer::LogMergePolicy;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexWriter, Term};

use crate::publish::in_place::{UnsyncedDirectory, overwrite};
use crate::resolve::Site;
use crate::search::engine::{self, Fields};
use crate::search::static_index::StaticIndex;
use crate::search::{Entry, INDEX_DIR, STATIC_INDEX, SearchIndex};

/// Memory of the tantivy writer (its minimum: a few documents at a time).
const WRITER_MEMORY: usize = 15_000_000;
/// Share of deleted documents past which a segment is merged in the
/// background (so that deleted documents stop counting in the scores).
pub const MAX_DELETED: f32 = 0.02;
/// The lock file of tantivy's writer, in the index folder.
const WRITER_LOCK: &str = ".tantivy-writer.lock";
/// Segments below this many documents are merged together, eight at a time.
const SMALL_SEGMENT: u32 = 100;

/// The search indexes of a served output folder, kept open and updated
/// document by document after incremental rebuilds.
pub struct LiveSearch {
    output: PathBuf,
    dir: PathBuf,
    index: Index,
    /// `None` only while dropping.
    writer: Option<IndexWriter>,
    fields: Fields,
    /// The tokenizer of the `id` field: the term a document is deleted by.
    keyword: TextAnalyzer,
    static_index: StaticIndex,
    /// The index folder as opened, to notice a full build swapping it.
    folder: FolderId,
    phases: Vec<(&'static str, Duration)>,
}

impl LiveSearch {
    /// Open the indexes a full build wrote into `output` (the output
    /// folder), for updates. `site` is the site that build was made from
    /// (use it to warm whatever per-document cache the static index
    /// needs).
    ///
    /// Reads every published document once (about as long as the static
    /// index of a full build). Fails when the folder has no index, when
    /// the index was written by another version of Clausebook, or when
    /// another writer holds it.
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
        if index.schema() != engine::schema() {
            return Err(format!(
                "the search index {} was written by another version of Clausebook: build the site again",
                dir.display()
            ));
        }
        engine::register_tokenizers(&index);
        engine::register_indexing_tokenizers(&index);
        let fields = Fields::of(&index.schema()).map_err(|e| e.to_string())?;
        let keyword = index.tokenizer_for_field(fields.id).map_err(cannot)?;
        // One thread: a handful of documents per commit.
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
        let mut policy = LogMergePolicy::default();
        policy.set_min_layer_size(SMALL_SEGMENT);
        policy.set_del_docs_ratio_before_merge(MAX_DELETED);
        writer.set_merge_policy(Box::new(policy));

        let mut static_index = StaticIndex::default();
        static_index.refresh(site, &crate::search::entries(site));
        Ok(LiveSearch {
            output: output.to_path_buf(),
            dir,
            index,
            writer: Some(writer),
            fields,
            keyword,
            static_index,
            folder,
            phases: Vec::new(),
        })
    }

    /// Bring both indexes in `output` up to date with `site`: `changed`
    /// are ids of documents whose entry may differ (added or edited),
    /// `removed` are ids no longer published (deleted, renamed away,
    /// turned draft). Updates tantivy by deleting/adding those documents
    /// (by the id field) and committing; rewrites search/index.js
    /// atomically (write a temp file in the same folder, then rename).
    /// Returns a fresh reader for the server.
    ///
    /// The documents not named are taken as unchanged (their cached part
    /// of the static index is used as it is), except published documents
    /// the indexes have never seen, which are added as if named in
    /// `changed`. An id in `changed` that is not published is removed.
    /// Readers returned before stay usable (they see the index as it was).
    ///
    /// On an error, the two indexes may be left apart (one updated, not
    /// the other): build the site in full and open a new `LiveSearch`.
    pub fn update(
        &mut self,
        site: &Site,
        changed: &[&str],
        removed: &[&str],
    ) -> Result<SearchIndex, String> {
        if FolderId::of(&self.dir).ok() != Some(self.folder) {
            return Err(format!(
                "the search index {} was replaced (by a full build?): open it again",
                self.dir.display()
            ));
        }
        // The published documents, in order, and the entries to index
        // again: the changed ones and any the indexes have not seen.
        let changed_set: HashSet<&str> = changed.iter().copied().collect();
        let mut ids: Vec<&str> = Vec::with_capacity(site.docs.len());
        let mut fresh: Vec<Entry<'_>> = Vec::new();
        let mut unseen: Vec<&str> = Vec::new();
        for (i, doc) in site.docs.iter().enumerate() {
            if !site.published[i] {
                continue;
            }
            let id = doc.meta.id.as_str();
            ids.push(id);
            if changed_set.contains(id) {
                fresh.push(crate::search::entry(site, i));
            } else if !self.static_index.contains(id) {
                fresh.push(crate::search::entry(site, i));
                unseen.push(id);
            }
        }

        let LiveSearch {
            dir,
            index,
            writer,
            fields,
            keyword,
            static_index,
            ..
        } = self;
        let writer = writer.as_mut().ok_or("the search index is closed")?;
        // The two indexes are independent: update them side by side.
        let static_path = self.output.join(STATIC_INDEX);
        let ((reader, tantivy_time, reader_time), (written, script_time, write_time)) = rayon::join(
            || {
                let t = Instant::now();
                let targets = changed.iter().chain(removed).chain(&unseen);
                let updated = update_tantivy(writer, *fields, keyword, site, targets, &ids);
                let tantivy_time = t.elapsed();
                let t = Instant::now();
                let reader = updated
                    .and_then(|()| SearchIndex::from_index(index, dir).map_err(|e| e.to_string()));
                (reader, tantivy_time, t.elapsed())
            },
            || {
                let t = Instant::now();
                static_index.refresh(site, &fresh);
                let script = static_index.script(site, &ids);
                let script_time = t.elapsed();
                let t = Instant::now();
                let written = script.and_then(|s| write_over(&static_path, s.as_bytes()));
                (written, script_time, t.elapsed())
            },
        );
        self.phases = vec![
            ("tantivy", tantivy_time),
            ("reader", reader_time),
            ("static index", script_time),
            ("write index.js", write_time),
        ];
        written?;
        reader
    }

    /// How long each part of the last [`LiveSearch::update`] took: the
    /// tantivy update (delete, add, commit) and opening the new reader, on
    /// one thread, side by side with generating `search/index.js` and
    /// writing it, on another.
    pub fn phases(&self) -> &[(&'static str, Duration)] {
        &self.phases
    }
}

impl Drop for LiveSearch {
    /// Wait for tantivy's background merges, then release the writer and
    /// its lock.
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            let _ = writer.wait_merging_threads();
        }
    }
}

/// Delete the documents of `targets` (by id) and add back those of them
/// that are published, then commit. On failure, the uncommitted changes
/// are rolled back.
fn update_tantivy<'a>(
    writer: &mut IndexWriter,
    f: Fields,
    keyword: &mut TextAnalyzer,
    site: &Site,
    targets: impl Iterator<Item = &'a &'a str>,
    published: &[&str],
) -> Result<(), String> {
    let mut terms: BTreeSet<String> = BTreeSet::new();
    for id in targets {
        let term = id_term(keyword, id).ok_or_else(|| {
            format!("the document id `{id}` is too long to update the search index: rebuild it")
        })?;
        terms.insert(term);
    }
    if terms.is_empty() {
        return Ok(());
    }
    let result = (|| {
        for t in &terms {
            writer.delete_term(Term::from_field_text(f.id, t));
        }
        // A term may stand for several ids (ids differing in case only):
        // every published document with one of the terms goes back.
        for id in published {
            let matches = if id.is_ascii() {
                terms.iter().any(|t| t.eq_ignore_ascii_case(id))
            } else {
                id_term(keyword, id).is_some_and(|t| terms.contains(&t))
            };
            if !matches {
                continue;
            }
            if let Some(i) = site.doc_index(id) {
                let e = crate::search::entry(site, i);
                writer
                    .add_document(engine::document(&f, &e))
                    .map_err(|e| e.to_string())?;
            }
        }
        writer.commit().map(|_| ()).map_err(|e| e.to_string())
    })();
    if let Err(e) = result {
        let _ = writer.rollback();
        return Err(format!("cannot update the search index: {e}"));
    }
    Ok(())
}

/// The term of `id` in the `id` field (the whole id, lower-cased); `None`
/// for an id the tokenizer drops (over 200 bytes).
fn id_term(keyword: &mut TextAnalyzer, id: &str) -> Option<String> {
    let mut stream = keyword.token_stream(id);
    stream.advance().then(|| stream.token().text.clone())
}

/// Write `bytes` over the file at `path` (see [`overwrite`]:
/// the caller keeps readers out while it writes).
fn write_over(path: &Path, bytes: &[u8]) -> Result<(), String> {
    overwrite(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
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
