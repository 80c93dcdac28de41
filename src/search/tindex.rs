//! The tantivy index of a [`Model`]: the same terms, fields and
//! statistics as the sharded static index, so that [`super::engine`] ranks
//! exactly as theme/search.js does.
//!
//! One tantivy document per published document (a reader numbers them in
//! id order, as the model does, whatever their segments: see
//! [`super::engine`]). Each is a function of its own document only, so
//! that `clausebook serve` replaces just the documents that changed:
//!
//! | field        | holds                                                        |
//! |--------------|--------------------------------------------------------------|
//! | `id`         | the id (whole, fast)                                         |
//! | `kind`, `status` | indexes into [`Model::kinds`] and [`STATUSES`] (fast)     |
//! | `words`      | every word term of the document (document counts, prefixes)  |
//! | `f0` … `f8`  | the word terms and pairs of each field of [`bits`][b]        |
//! | `keys`       | the `#` keys (tags, clauses addressed, clauses below)        |
//! | `doc`        | what a result shows, as JSON ([`DocView`])                   |
//!
//! Terms are indexed as the model made them, one value each through the
//! `raw` tokenizer: tantivy's own analyzers are not used. The standards
//! (names, keys, clause tables) are [`STANDARDS_FILE`] in the index folder,
//! the kinds the site declares [`KINDS_FILE`].
//!
//! [b]: super::query::model::bits

use std::path::PathBuf;

use rayon::prelude::*;
use tantivy::directory::RamDirectory;
use tantivy::indexer::UserOperation;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Directory, Index, IndexSettings, IndexWriter, TantivyDocument};

use super::answer::{DocView, StdView};
use super::query::analyze;
use super::query::ast::STATUSES;
use super::query::model::{Analyzed, Model, kinds};
use crate::base::output::OutputFile;

/// Folder of the tantivy index, relative to the output folder.
pub const INDEX_DIR: &str = "search/tantivy";
/// The standards of the site, as JSON, in the index folder.
pub const STANDARDS_FILE: &str = "clausebook-standards.json";
/// The kinds the site declares (`[kinds]`), as a JSON list, in the index
/// folder: `kind` numbers them after the built-in ones.
pub const KINDS_FILE: &str = "clausebook-kinds.json";
/// Fields of [`bits`](super::query::model::bits) (one tantivy field each).
pub const FIELD_BITS: usize = 9;

/// The fields of the schema.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub status: Field,
    pub words: Field,
    pub by_bit: [Field; FIELD_BITS],
    pub keys: Field,
    pub doc: Field,
}

/// Terms indexed as given: document lists only.
fn terms_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

pub fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | FAST);
    b.add_u64_field("kind", FAST | INDEXED);
    b.add_u64_field("status", FAST | INDEXED);
    b.add_text_field("words", terms_options());
    for bit in 0..FIELD_BITS {
        b.add_text_field(&format!("f{bit}"), terms_options());
    }
    b.add_text_field("keys", terms_options());
    b.add_text_field("doc", STORED);
    b.build()
}

impl Fields {
    /// The fields of `schema`, or a message when it is not [`schema`]'s.
    pub fn of(schema: &Schema) -> Result<Fields, String> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                format!(
                    "the index has no field `{name}`: it was written by another version of Clausebook"
                )
            })
        };
        let mut by_bit = [f("id")?; FIELD_BITS];
        for (bit, field) in by_bit.iter_mut().enumerate() {
            *field = f(&format!("f{bit}"))?;
        }
        Ok(Fields {
            id: f("id")?,
            kind: f("kind")?,
            status: f("status")?,
            words: f("words")?,
            by_bit,
            keys: f("keys")?,
            doc: f("doc")?,
        })
    }
}

/// The tantivy documents of `model`, in model order (only those of
/// `only`, when given), made in parallel.
pub fn documents(f: &Fields, model: &Model, only: Option<&[bool]>) -> Vec<TantivyDocument> {
    let wanted = |d: usize| only.is_none_or(|o| o.get(d).copied().unwrap_or(false));
    let kinds = model.kinds();
    (0..model.docs.len())
        .into_par_iter()
        .filter(|&d| wanted(d))
        .map(|d| document(f, &kinds, model.analyzed(d)))
        .collect()
}

/// The tantivy document of one analyzed document; `kinds` is
/// [`Model::kinds`].
///
/// Each term is one value of its field, indexed whole by the `raw`
/// tokenizer: the same terms as a pre-tokenized string, without the JSON
/// round trip tantivy makes of one (a third of a 10,000-document build's
/// CPU time went to it).
fn document(f: &Fields, kinds: &[&str], a: Analyzed<'_>) -> TantivyDocument {
    let code = |list: &[&str], v: &str| list.iter().position(|x| *x == v).unwrap_or(0) as u64;
    let (info, terms, words) = (a.info, a.terms, a.words);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &info.id);
    doc.add_u64(f.kind, code(kinds, info.kind));
    doc.add_u64(f.status, code(STATUSES, info.status));
    for &(t, _) in &terms.words {
        doc.add_text(f.words, &words[t as usize]);
    }
    let mut pair = String::new();
    for (bit, &field) in f.by_bit.iter().enumerate() {
        let bit = 1u16 << bit;
        for &(t, mask) in &terms.words {
            if mask & bit != 0 {
                doc.add_text(field, &words[t as usize]);
            }
        }
        for &(p, mask) in &terms.pairs {
            if mask & bit != 0 {
                let (x, y) = a.pairs[p as usize];
                analyze::pair_into(&mut pair, &words[x as usize], &words[y as usize]);
                doc.add_text(field, &pair);
            }
        }
    }
    for &t in &terms.keys {
        doc.add_text(f.keys, &words[t as usize]);
    }
    let json = serde_json::to_string(&DocView::of(info)).unwrap_or_default();
    doc.add_text(f.doc, json);
    doc
}

/// The standards file of `model` ([`STANDARDS_FILE`]).
pub fn standards_json(model: &Model) -> Vec<u8> {
    let views: Vec<StdView> = model.standards.iter().map(StdView::of).collect();
    serde_json::to_vec(&views).unwrap_or_default()
}

/// The kinds file of `model` ([`KINDS_FILE`]).
pub fn kinds_json(model: &Model) -> Vec<u8> {
    serde_json::to_vec(&model.declared).unwrap_or_default()
}

/// Build the index of a finished `model` in memory and return its files,
/// to be written under [`INDEX_DIR`] (the build fills a [`Writer`] while
/// it makes the model instead).
pub fn build(model: &Model) -> Result<Vec<OutputFile>, String> {
    let mut writer = Writer::new(model.declared.clone())?;
    for d in 0..model.docs.len() {
        writer.add(model.analyzed(d));
    }
    writer.finish(model)
}

/// A tantivy index being filled in memory, one analyzed document at a
/// time ([`Model::of_site_each`]): its indexing thread works while the
/// model's builder analyzes the next documents.
pub struct Writer {
    ram: RamDirectory,
    index: Index,
    writer: IndexWriter,
    fields: Fields,
    /// [`Model::kinds`], known before the model is.
    declared: Vec<String>,
    /// Documents not yet handed to the indexing thread.
    batch: Vec<UserOperation>,
    /// The first error of [`Writer::add`], reported by [`Writer::finish`].
    error: Option<String>,
}

/// Documents handed to the indexing thread at a time: one at a time, the
/// thread woke up for each and spun waiting for the next (user CPU of a
/// 10,000-document build +0.5–1 s).
const BATCH: usize = 256;

impl Writer {
    /// An empty index in memory, for a site declaring the kinds `declared`.
    pub fn new(declared: Vec<String>) -> Result<Writer, String> {
        let err = |e: tantivy::TantivyError| e.to_string();
        let schema = schema();
        let fields = Fields::of(&schema)?;
        let ram = RamDirectory::create();
        let index = Index::create(ram.clone(), schema, IndexSettings::default()).map_err(err)?;
        // One indexing thread: one segment.
        let writer: IndexWriter = index.writer_with_num_threads(1, 128 << 20).map_err(err)?;
        Ok(Writer {
            ram,
            index,
            writer,
            fields,
            declared,
            batch: Vec::with_capacity(BATCH),
            error: None,
        })
    }

    /// Add one document; every [`BATCH`] documents go to the indexing
    /// thread.
    pub fn add(&mut self, a: Analyzed<'_>) {
        let doc = document(&self.fields, &kinds(&self.declared), a);
        self.batch.push(UserOperation::Add(doc));
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    /// Add documents in order, their tantivy documents made in parallel;
    /// they go to the indexing thread [`BATCH`] at a time.
    pub fn add_all(&mut self, all: &[Analyzed<'_>]) {
        let declared = self.declared.clone();
        let kinds = kinds(&declared);
        let fields = self.fields;
        for part in all.chunks(BATCH) {
            let mut docs: Vec<UserOperation> = part
                .par_iter()
                .map(|&a| UserOperation::Add(document(&fields, &kinds, a)))
                .collect();
            if self.batch.is_empty() && docs.len() == BATCH {
                self.batch = docs;
            } else {
                self.batch.append(&mut docs);
            }
            if self.batch.len() >= BATCH {
                self.flush();
            }
        }
    }

    /// Hand the documents added so far to the indexing thread.
    fn flush(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if self.error.is_none()
            && let Err(e) = self.writer.run(batch)
        {
            self.error = Some(e.to_string());
        }
    }

    /// Commit the documents added and return the index's files, to be
    /// written under [`INDEX_DIR`], with the tables of `model`.
    pub fn finish(mut self, model: &Model) -> Result<Vec<OutputFile>, String> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let err = |e: tantivy::TantivyError| e.to_string();
        self.writer.commit().map_err(err)?;
        self.writer.wait_merging_threads().map_err(err)?;
        let ram = self.ram;
        let mut paths: Vec<PathBuf> = self
            .index
            .directory()
            .list_managed_files()
            .into_iter()
            .collect();
        paths.push(PathBuf::from(".managed.json"));
        paths.sort();
        let mut files = Vec::with_capacity(paths.len() + 1);
        for p in paths {
            if !ram.exists(&p).map_err(|e| e.to_string())? {
                continue;
            }
            let bytes = ram
                .open_read(&p)
                .map_err(|e| e.to_string())?
                .read_bytes()
                .map_err(|e| e.to_string())?;
            files.push(OutputFile {
                path: format!("{INDEX_DIR}/{}", p.to_string_lossy()),
                bytes: bytes.as_slice().to_vec(),
            });
        }
        files.push(OutputFile {
            path: format!("{INDEX_DIR}/{STANDARDS_FILE}"),
            bytes: standards_json(model),
        });
        files.push(OutputFile {
            path: format!("{INDEX_DIR}/{KINDS_FILE}"),
            bytes: kinds_json(model),
        });
        Ok(files)
    }
}
