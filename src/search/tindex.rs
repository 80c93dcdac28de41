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
//! `raw` tokenizer: tantivy's own analyzers are not used. A build does not
//! hand tantivy the terms, though: its writer gets each document's `id`,
//! `kind`, `status` and `doc` only, and [`Writer::finish`] then writes the
//! segment's term dictionary and postings of every indexed field from the
//! model's postings ([`write_postings`]), the same bytes tantivy makes of
//! the full documents (a test compares them), for a fifth of the build's
//! CPU less. `clausebook serve` adds changed documents whole
//! ([`documents`]) through tantivy's writer. The standards
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
use super::query::model::{Analyzed, Model, bits, kinds};
use super::query::postings::Postings;
use crate::base::diag::Diagnostic;
use crate::base::output::{OutputFile, Sink};

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
    let (terms, words) = (a.terms, a.words);
    let mut doc = document_fields(f, kinds, a);
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
    doc
}

/// The index of `v` in `list` (0 when absent): how the `kind` and
/// `status` fields number their values.
fn code(list: &[&str], v: &str) -> u64 {
    list.iter().position(|x| *x == v).unwrap_or(0) as u64
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
    crate::base::output::collected(|sink| {
        writer.finish_into(model, sink, &|e| Diagnostic::error(INDEX_DIR, e))
    })
    .map_err(|d| d.message)
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
        // One indexing thread and a budget it does not reach (the budget
        // is when tantivy flushes a segment, not what it allocates; with
        // the terms written from the model, each document adds only its
        // id, kind, status and stored view): one segment, which
        // `write_postings` needs. Checked at 50,000 documents.
        let writer: IndexWriter = index.writer_with_num_threads(1, 1 << 30).map_err(err)?;
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
        let doc = document_fields(&self.fields, &kinds(&self.declared), a);
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
                .map(|&a| UserOperation::Add(document_fields(&fields, &kinds, a)))
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

    /// Commit the documents added and hand the index's files, to be
    /// written under [`INDEX_DIR`], with the tables of `model`, to `sink`
    /// one by one (each is dropped from memory once handed on). Errors of
    /// the index are made diagnostics by `err`; the sink's own pass as
    /// they are. Returns how many files it handed on.
    pub fn finish_into(
        mut self,
        model: &Model,
        sink: Sink<'_>,
        err: &dyn Fn(String) -> Diagnostic,
    ) -> Result<usize, Diagnostic> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(err(e));
        }
        let tv = |e: tantivy::TantivyError| err(e.to_string());
        self.writer.commit().map_err(tv)?;
        self.writer.wait_merging_threads().map_err(tv)?;
        write_postings(&self.index, &self.fields, model).map_err(err)?;
        let ram = self.ram;
        let mut paths: Vec<PathBuf> = self
            .index
            .directory()
            .list_managed_files()
            .into_iter()
            .collect();
        paths.push(PathBuf::from(".managed.json"));
        paths.sort();
        let io = |e: &dyn std::fmt::Display| err(e.to_string());
        let mut written = 0;
        for p in paths {
            if !ram.exists(&p).map_err(|e| io(&e))? {
                continue;
            }
            let bytes = ram
                .open_read(&p)
                .map_err(|e| io(&e))?
                .read_bytes()
                .map_err(|e| io(&e))?;
            sink(OutputFile {
                path: format!("{INDEX_DIR}/{}", p.to_string_lossy()),
                bytes: bytes.as_slice().to_vec(),
            })?;
            drop(bytes);
            ram.delete(&p).map_err(|e| io(&e))?;
            written += 1;
        }
        sink(OutputFile {
            path: format!("{INDEX_DIR}/{STANDARDS_FILE}"),
            bytes: standards_json(model),
        })?;
        sink(OutputFile {
            path: format!("{INDEX_DIR}/{KINDS_FILE}"),
            bytes: kinds_json(model),
        })?;
        Ok(written + 2)
    }
}

/// The postings of one term of one field: its bytes in the term
/// dictionary and its documents, ascending.
type TermDocs<'a> = (std::borrow::Cow<'a, [u8]>, Vec<u32>);

/// A word or pair of the model: its bytes and (document, fields) postings.
type ModelTerm<'a> = (std::borrow::Cow<'a, [u8]>, &'a Postings);

/// Rewrite the inverted index of the one committed segment of `index`
/// from `model`'s postings: the term dictionary and postings of every
/// indexed field, as tantivy would have written them had each document's
/// terms been added one by one ([`document`]), at a fraction of the CPU
/// (tantivy spent ~0.8 s of a 10,000-document build hashing each term of
/// each document into its postings table; the model holds those postings
/// already). The segment's stored documents, fast fields and field norms
/// stay tantivy's own.
fn write_postings(index: &Index, f: &Fields, model: &Model) -> Result<(), String> {
    use tantivy::index::SegmentComponent;
    use tantivy::postings::InvertedIndexSerializer;
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let metas = index.searchable_segment_metas().map_err(|e| err(&e))?;
    if metas.is_empty() && model.docs.is_empty() {
        return Ok(());
    }
    let [meta] = metas.as_slice() else {
        return Err(format!(
            "tantivy wrote {} segments of the index, not one (more documents than its writer holds at once): this is a limit of clausebook, please report it",
            metas.len()
        ));
    };
    if meta.max_doc() as usize != model.docs.len() {
        return Err("the index does not hold the model's documents".into());
    }
    let segment = index.segment(meta.clone());
    // The field norms tantivy wrote (read before its term files go).
    let norms: Vec<(Field, tantivy::fieldnorm::FieldNormReader)> = {
        let reader = tantivy::SegmentReader::open(&segment).map_err(|e| err(&e))?;
        index
            .schema()
            .fields()
            .filter_map(|(field, _)| Some((field, reader.get_fieldnorms_reader(field).ok()?)))
            .collect()
    };
    let dir = index.directory();
    for c in [
        SegmentComponent::Terms,
        SegmentComponent::Postings,
        SegmentComponent::Positions,
    ] {
        let p = segment.relative_path(c);
        if dir.exists(&p).map_err(|e| err(&e))? {
            dir.delete(&p).map_err(|e| err(&e))?;
        }
    }
    let entries = model_terms(model);
    let (groups, totals) = model_groups(&entries);
    let mut ser = InvertedIndexSerializer::open(&segment).map_err(|e| err(&e))?;
    let mut write = |field: Field, terms: &FieldTerms<'_>| -> Result<(), String> {
        let total = match terms {
            FieldTerms::Model { total, .. } => *total,
            FieldTerms::Listed(list) => list.iter().map(|t| t.1.len() as u64).sum(),
        };
        let norms = norms
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, n)| n.clone());
        let mut fs = ser.new_field(field, total, norms).map_err(|e| err(&e))?;
        let mut term = |t: &[u8], docs: &[u32]| -> Result<(), String> {
            fs.new_term(t, docs.len() as u32, false)
                .map_err(|e| err(&e))?;
            for &d in docs {
                fs.write_doc(d, 0, &[]);
            }
            fs.close_term().map_err(|e| err(&e))
        };
        match terms {
            FieldTerms::Model {
                mask, words_only, ..
            } => {
                each_model_term(&entries, &groups, *mask, *words_only, &mut term)?;
            }
            FieldTerms::Listed(list) => {
                for (t, docs) in list {
                    term(t, docs)?;
                }
            }
        }
        fs.close().map_err(|e| err(&e))
    };
    // The model's words and pairs go from its postings to tantivy's term
    // by term, never listed per field (two fields' lists at a time were
    // 15 MB of a 10,000-document build's peak); the count of each field's
    // postings, which tantivy asks first, is worked out for all of them in
    // one pass.
    for (field, terms) in field_terms(f, model, &totals) {
        write(field, &terms)?;
    }
    ser.close().map_err(|e| err(&e))?;
    Ok(())
}

/// The terms of one indexed field, in byte order.
enum FieldTerms<'a> {
    /// The model's words (and pairs, unless `words_only`) whose postings
    /// have a bit of `mask`, read from the model's postings as they are
    /// written ([`each_model_term`]); `total` postings in all, counted
    /// by [`model_groups`].
    Model {
        mask: u16,
        words_only: bool,
        total: u64,
    },
    /// Listed beforehand: keys, ids, kinds and statuses.
    Listed(Vec<TermDocs<'a>>),
}

/// A run of [`ModelTerm`]s with the same bytes (one term, in practice),
/// with what [`each_model_term`] needs to pass over it without reading
/// its postings.
struct Group {
    start: usize,
    len: usize,
    /// Every field bit of its postings.
    fields: u16,
    /// A pair (two words and a space), not a word.
    pair: bool,
}

/// Each term of `entries` in the field of `mask` and `words_only`, with
/// its documents, in order: what [`document`] gives tantivy, seen from
/// the terms.
fn each_model_term(
    entries: &[ModelTerm<'_>],
    groups: &[Group],
    mask: u16,
    words_only: bool,
    mut each: impl FnMut(&[u8], &[u32]) -> Result<(), String>,
) -> Result<(), String> {
    let mut docs: Vec<u32> = Vec::new();
    for g in groups {
        if g.fields & mask == 0 || (words_only && g.pair) {
            continue;
        }
        let group = &entries[g.start..g.start + g.len];
        docs.clear();
        for (_, list) in group {
            docs.extend(list.iter().filter(|p| p.1 & mask != 0).map(|p| p.0));
        }
        // The same bytes twice (never seen): one term, documents merged.
        if g.len > 1 {
            docs.sort_unstable();
            docs.dedup();
        }
        if !docs.is_empty() {
            each(&group[0].0, &docs)?;
        }
    }
    Ok(())
}

/// The [`Group`]s of `entries`, and how many postings each field of the
/// model's words and pairs has, as [`each_model_term`] hands them on: the
/// words field first, then one per field bit. One pass over the postings.
fn model_groups(entries: &[ModelTerm<'_>]) -> (Vec<Group>, [u64; FIELD_BITS + 1]) {
    let mut n = [0u64; FIELD_BITS + 1];
    let mut groups = Vec::with_capacity(entries.len());
    let mut merged: Vec<(u32, u16)> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let t: &[u8] = &entries[i].0;
        let same = entries[i..].iter().take_while(|(u, _)| **u == *t).count();
        let group = &entries[i..i + same];
        // Words hold no space; pairs are two words and a space.
        let pair = t.contains(&b' ');
        let mut all = 0;
        let mut count = |fields: u16| {
            let mut m = fields & bits::ALL;
            all |= m;
            if !pair && m != 0 {
                n[0] += 1;
            }
            while m != 0 {
                n[m.trailing_zeros() as usize + 1] += 1;
                m &= m - 1;
            }
        };
        if let [(_, list)] = group {
            list.iter().for_each(|(_, fields)| count(fields));
        } else {
            // The same bytes twice: a document once per field, with any
            // of its postings' bits.
            merged.clear();
            merged.extend(group.iter().flat_map(|(_, list)| list.iter()));
            merged.sort_unstable();
            let mut k = 0;
            while k < merged.len() {
                let doc = merged[k].0;
                let mut fields = 0;
                while k < merged.len() && merged[k].0 == doc {
                    fields |= merged[k].1;
                    k += 1;
                }
                count(fields);
            }
        }
        groups.push(Group {
            start: i,
            len: same,
            fields: all,
            pair,
        });
        i += same;
    }
    (groups, n)
}

/// Every word and pair of `model` once, in the term dictionary's (byte)
/// order, with its postings.
fn model_terms(model: &Model) -> Vec<ModelTerm<'_>> {
    use std::borrow::Cow;
    let mut entries: Vec<ModelTerm<'_>> = model
        .terms
        .iter()
        .zip(&model.postings)
        .filter(|(t, _)| !t.starts_with('#'))
        .map(|(t, list)| (Cow::Borrowed(t.as_bytes()), list))
        .collect();
    let mut pair = String::new();
    for (&(a, b), list) in model.pairs.iter().zip(&model.pair_postings) {
        analyze::pair_into(
            &mut pair,
            &model.terms[a as usize],
            &model.terms[b as usize],
        );
        entries.push((Cow::Owned(pair.as_bytes().to_vec()), list));
    }
    entries.par_sort_unstable_by(|x, y| x.0.cmp(&y.0));
    entries
}

/// The terms of each indexed field, in field order, each field's terms in
/// byte order with their documents: what [`document`] gives tantivy, seen
/// from the terms.
fn field_terms<'a>(
    f: &Fields,
    model: &'a Model,
    totals: &[u64; FIELD_BITS + 1],
) -> Vec<(Field, FieldTerms<'a>)> {
    use std::borrow::Cow;
    let mut fields: Vec<(Field, FieldTerms<'a>)> = vec![(
        f.words,
        FieldTerms::Model {
            mask: bits::ALL,
            words_only: true,
            total: totals[0],
        },
    )];
    for (bit, &field) in f.by_bit.iter().enumerate() {
        fields.push((
            field,
            FieldTerms::Model {
                mask: 1 << bit,
                words_only: false,
                total: totals[bit + 1],
            },
        ));
    }
    // A key's postings are its documents, each once, ascending.
    let mut keys: Vec<TermDocs<'a>> = model
        .terms
        .iter()
        .zip(&model.postings)
        .filter(|(t, _)| t.starts_with('#'))
        .map(|(t, list)| {
            (
                Cow::Borrowed(t.as_bytes()),
                list.iter().map(|p| p.0).collect(),
            )
        })
        .collect();
    keys.sort_unstable_by(|x, y| x.0.cmp(&y.0));
    fields.push((f.keys, FieldTerms::Listed(keys)));
    let kinds = model.kinds();
    let u64_term = |field: Field, v: u64| {
        tantivy::Term::from_field_u64(field, v)
            .serialized_value_bytes()
            .to_vec()
    };
    let per_doc = |term: &dyn Fn(&super::query::model::DocInfo) -> Vec<u8>| {
        grouped(
            model
                .docs
                .iter()
                .enumerate()
                .map(|(d, i)| (term(i), d as u32))
                .collect(),
        )
    };
    let ids = per_doc(&|i| i.id.as_bytes().to_vec());
    let kind_terms = per_doc(&|i| u64_term(f.kind, code(&kinds, i.kind)));
    let statuses = per_doc(&|i| u64_term(f.status, code(STATUSES, i.status)));
    fields.push((f.id, FieldTerms::Listed(ids)));
    fields.push((f.kind, FieldTerms::Listed(kind_terms)));
    fields.push((f.status, FieldTerms::Listed(statuses)));
    fields.sort_by_key(|(field, _)| field.field_id());
    fields
}

/// (term, document) pairs grouped by term, in byte order.
fn grouped(mut v: Vec<(Vec<u8>, u32)>) -> Vec<TermDocs<'static>> {
    v.sort_unstable();
    let mut out: Vec<TermDocs<'static>> = Vec::new();
    for (t, d) in v {
        match out.last_mut() {
            Some((last, docs)) if **last == *t => docs.push(d),
            _ => out.push((std::borrow::Cow::Owned(t), vec![d])),
        }
    }
    out
}

/// The tantivy document of one analyzed document without its terms (the
/// build writes those from the model: [`write_postings`]).
fn document_fields(f: &Fields, kinds: &[&str], a: Analyzed<'_>) -> TantivyDocument {
    let info = a.info;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &info.id);
    doc.add_u64(f.kind, code(kinds, info.kind));
    doc.add_u64(f.status, code(STATUSES, info.status));
    let json = serde_json::to_string(&DocView::of(info)).unwrap_or_default();
    doc.add_text(f.doc, json);
    doc
}
