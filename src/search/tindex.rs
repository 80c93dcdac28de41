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
//! | `f0` … `f8`  | the word terms and pairs of each field of [`bits`]           |
//! | `keys`       | the `#` keys (tags, clauses addressed, clauses below)        |
//! | `doc`        | what a result shows, as JSON ([`DocView`])                   |
//!
//! Terms are indexed as the model made them, one value each through the
//! `raw` tokenizer: tantivy's own analyzers are not used. The standards
//! (names, keys, clause tables) are [`STANDARDS_FILE`] in the index folder,
//! the kinds the site declares [`KINDS_FILE`].

use std::path::PathBuf;

use tantivy::directory::RamDirectory;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Directory, Index, IndexSettings, IndexWriter, TantivyDocument};

use super::answer::{DocView, StdView};
use super::query::ast::STATUSES;
use super::query::model::{Model, bits};
use crate::base::output::OutputFile;

/// Folder of the tantivy index, relative to the output folder.
pub const INDEX_DIR: &str = "search/tantivy";
/// The standards of the site, as JSON, in the index folder.
pub const STANDARDS_FILE: &str = "clausebook-standards.json";
/// The kinds the site declares (`[kinds]`), as a JSON list, in the index
/// folder: `kind` numbers them after the built-in ones.
pub const KINDS_FILE: &str = "clausebook-kinds.json";
/// Fields of [`bits`] (one tantivy field each).
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
/// `only`, when given).
///
/// Each term is one value of its field, indexed whole by the `raw`
/// tokenizer: the same terms as a pre-tokenized string, without the JSON
/// round trip tantivy makes of one (a third of a 10,000-document build's
/// CPU time went to it).
pub fn documents(f: &Fields, model: &Model, only: Option<&[bool]>) -> Vec<TantivyDocument> {
    let n = model.docs.len();
    let wanted = |d: usize| only.is_none_or(|o| o.get(d).copied().unwrap_or(false));
    let mut words: Vec<Vec<&str>> = vec![Vec::new(); n];
    let mut by_bit: Vec<[Vec<&str>; FIELD_BITS]> = (0..n).map(|_| Default::default()).collect();
    let mut keys: Vec<Vec<&str>> = vec![Vec::new(); n];
    for (t, list) in model.terms.iter().zip(&model.postings) {
        for &(d, mask) in list {
            let d = d as usize;
            if !wanted(d) {
                continue;
            }
            if mask & bits::KEY != 0 {
                keys[d].push(t);
                continue;
            }
            words[d].push(t);
            for (bit, terms) in by_bit[d].iter_mut().enumerate() {
                if mask & (1 << bit) != 0 {
                    terms.push(t);
                }
            }
        }
    }
    let pair_texts: Vec<Option<String>> = model
        .pair_postings
        .iter()
        .enumerate()
        .map(|(p, list)| {
            list.iter()
                .any(|&(d, _)| wanted(d as usize))
                .then(|| model.pair_text(p))
        })
        .collect();
    for (list, text) in model.pair_postings.iter().zip(&pair_texts) {
        let Some(text) = text else { continue };
        for &(d, mask) in list.iter().filter(|&&(d, _)| wanted(d as usize)) {
            for (bit, terms) in by_bit[d as usize].iter_mut().enumerate() {
                if mask & (1 << bit) != 0 {
                    terms.push(text);
                }
            }
        }
    }
    let code = |list: &[&str], v: &str| list.iter().position(|x| *x == v).unwrap_or(0) as u64;
    let kinds = model.kinds();
    let mut out = Vec::with_capacity(n);
    for (d, ((info, w), (b, k))) in model
        .docs
        .iter()
        .zip(words)
        .zip(by_bit.into_iter().zip(keys))
        .enumerate()
    {
        if !wanted(d) {
            continue;
        }
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &info.id);
        doc.add_u64(f.kind, code(&kinds, info.kind));
        doc.add_u64(f.status, code(STATUSES, info.status));
        for t in w {
            doc.add_text(f.words, t);
        }
        for (bit, terms) in b.into_iter().enumerate() {
            for t in terms {
                doc.add_text(f.by_bit[bit], t);
            }
        }
        for t in k {
            doc.add_text(f.keys, t);
        }
        let json = serde_json::to_string(&DocView::of(info)).unwrap_or_default();
        doc.add_text(f.doc, json);
        out.push(doc);
    }
    out
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

/// Add every document of `model` to `writer` (not committed).
pub fn add_all(writer: &IndexWriter, f: &Fields, model: &Model) -> tantivy::Result<()> {
    for doc in documents(f, model, None) {
        writer.add_document(doc)?;
    }
    Ok(())
}

/// Build the index of `model` in memory and return its files, to be
/// written under [`INDEX_DIR`].
pub fn build(model: &Model) -> Result<Vec<OutputFile>, String> {
    let err = |e: tantivy::TantivyError| e.to_string();
    let schema = schema();
    let f = Fields::of(&schema)?;
    let ram = RamDirectory::create();
    let index = Index::create(ram.clone(), schema, IndexSettings::default()).map_err(err)?;
    // One indexing thread: one segment.
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 128 << 20).map_err(err)?;
    add_all(&writer, &f, model).map_err(err)?;
    writer.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;

    let mut paths: Vec<PathBuf> = index.directory().list_managed_files().into_iter().collect();
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
