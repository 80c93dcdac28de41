//! What every engine indexes: each published document analyzed once into
//! terms with the fields they occur in ([`Model`]).
//!
//! The sharded static index ([`super::shards`]) writes a model out; the
//! tantivy index can be filled from the same model ([`crate::search::tindex`]),
//! so that both engines hold the very same terms and statistics and rank
//! alike ([`super::rank`]).
//!
//! A document's terms:
//!
//! - **words** ([`super::analyze`]) of its fields, each with the set of
//!   fields it occurs in ([`bits`]) and whether it occurs three times or
//!   more in the body ([`bits::BODY_MANY`]);
//! - **pairs** of neighbouring words (`"emergenc chang"`), with the fields
//!   the pair occurs in, for phrases;
//! - **keys**, all beginning with `#`: `#t:<tag>` (a tag, [`super::parse::tag_key`]),
//!   `#c:<number>` and `#c:<standard>/<number>` (a clause it addresses),
//!   `#u:<number>`, `#u:<standard>/<number>` and `#u:<standard>` (a clause
//!   it addresses or one below it; the standard itself). Numbers and
//!   standards are lower case.
//!
//! Kinds, statuses and ids are per-document values, not terms.

use foldhash::HashMap;
use rayon::prelude::*;

use super::analyze;
use super::parse::tag_key;
use super::postings::Postings;
use crate::resolve::Site;
use crate::search::entry::Entry;

/// The fields a term occurs in: one bit each.
pub mod bits {
    pub const IDPARTS: u16 = 1 << 0;
    pub const TITLE: u16 = 1 << 1;
    pub const HEADINGS: u16 = 1 << 2;
    pub const TAGS: u16 = 1 << 3;
    pub const CLAUSETITLE: u16 = 1 << 4;
    pub const SUMMARY: u16 = 1 << 5;
    pub const OWNER: u16 = 1 << 6;
    pub const BODY: u16 = 1 << 7;
    /// Three occurrences or more in the body.
    pub const BODY_MANY: u16 = 1 << 8;
    /// Every field a word without `field:` is looked up in.
    pub const ALL: u16 = (1 << 9) - 1;
    /// The mask of keys (`#…` terms).
    pub const KEY: u16 = 1 << 15;
}

/// Occurrences in the body from which [`bits::BODY_MANY`] is set.
pub const BODY_MANY_COUNT: u32 = 3;
/// Characters of the description shown under a result.
pub const DESCRIPTION_CHARS: usize = 140;
/// Headings kept per document in its description.
pub const MAX_HEADINGS: usize = 24;

/// A standard (a catalog of the site's standards).
#[derive(Debug, Clone)]
pub struct StandardInfo {
    /// Catalog id, e.g. `iso20000-1:2011`.
    pub id: String,
    /// e.g. `ISO/IEC 20000-1:2011`.
    pub name: String,
    /// Keys the query names it by ([`super::parse::std_key`] of its id and
    /// aliases), sorted.
    pub keys: Vec<String>,
    /// Whether the site has pages for it (in scope), and their URL pattern
    /// (`%` the clause number).
    pub clause_url: Option<String>,
    /// Its clauses, in catalog order: number, title, depth.
    pub clauses: Vec<(String, String, usize)>,
}

/// A document as results show it.
#[derive(Debug, Clone)]
pub struct DocInfo {
    pub id: String,
    pub title: String,
    pub url: String,
    pub kind: &'static str,
    pub status: &'static str,
    /// Addressed clauses: standard index, number, anchor of the section
    /// addressing it (empty: the whole document).
    pub clauses: Vec<(usize, String, String)>,
    /// Headings with their anchors.
    pub headings: Vec<(String, String)>,
    pub description: String,
    pub tags: Vec<String>,
}

/// The analyzed documents of a site.
#[derive(Debug, Default)]
pub struct Model {
    pub docs: Vec<DocInfo>,
    pub standards: Vec<StandardInfo>,
    /// The kinds the site declares (`[kinds]` of clausebook.toml), in name
    /// order: `kind:` accepts them beside the built-in [`super::ast::KINDS`].
    pub declared: Vec<String>,
    /// Term id → term: words and keys.
    pub terms: Vec<Box<str>>,
    /// Term id → (document, fields), by document.
    pub postings: Vec<Postings>,
    /// Pair id → the two term ids.
    pub pairs: Vec<(u32, u32)>,
    /// Pair id → (document, fields), by document.
    pub pair_postings: Vec<Postings>,
    /// Document → its terms: the postings seen from each document, as
    /// the builder made them (the tantivy documents are written from
    /// these, without transposing the postings back). Empty in the model
    /// of [`Model::of_site_each`].
    pub by_doc: Vec<DocTerms>,
}

/// One analyzed document as the model's builder hands it on: what a
/// result shows, its terms, and the tables its term and pair ids index
/// (complete up to this document).
#[derive(Clone, Copy)]
pub struct Analyzed<'a> {
    pub info: &'a DocInfo,
    pub terms: &'a DocTerms,
    /// Term id → term.
    pub words: &'a [Box<str>],
    /// Pair id → the two term ids.
    pub pairs: &'a [(u32, u32)],
}

/// The terms of one document: its words and pairs with their fields, and
/// its keys, each list in id order.
#[derive(Debug, Default, Clone)]
pub struct DocTerms {
    /// (term id, fields) of each word.
    pub words: Vec<(u32, u16)>,
    /// (pair id, fields) of each pair.
    pub pairs: Vec<(u32, u16)>,
    /// Term ids of its keys.
    pub keys: Vec<u32>,
}

/// What a model keeps of the documents' terms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The postings and each document's own list ([`Model::by_doc`]).
    Terms,
    /// The postings only.
    Postings,
}

/// The indexes of the published documents of `site`.
fn published(site: &Site) -> Vec<usize> {
    (0..site.docs.len())
        .filter(|&i| site.published[i])
        .collect()
}

impl Model {
    /// The model of the published documents of `site`.
    pub fn of_site(site: &Site) -> Model {
        Model::of_docs_each(site, &published(site), Keep::Terms, |_| {})
    }

    /// The model of some documents of `site` (indexes into `site.docs`, in
    /// order): their terms are what [`Model::of_site`] gives them, the
    /// counts only theirs.
    pub fn of_docs(site: &Site, published: &[usize]) -> Model {
        Model::of_docs_each(site, published, Keep::Terms, |_| {})
    }

    /// [`Model::of_site`], handing the documents to `each` as soon as their
    /// terms are known, in order, a few hundred at a time: the build fills
    /// the tantivy index while the terms of the later documents are worked
    /// out. The model keeps the postings only: each document's own list
    /// of terms goes to `each` and is freed (30 MB of a 10,000-document
    /// build's peak), so [`Model::analyzed`] cannot be asked of it.
    pub fn of_site_each(site: &Site, each: impl FnMut(&[Analyzed<'_>])) -> Model {
        Model::of_docs_each(site, &published(site), Keep::Postings, each)
    }

    /// [`Model::of_docs`], handing the documents to `each` as soon as their
    /// terms are known, in order, a few hundred at a time; with
    /// [`Keep::Postings`], without the documents' own lists of terms.
    ///
    /// Chunks of [`CHUNK`] documents are analyzed in parallel, each with
    /// its own term ids ([`Analyzer`]); the chunks are then merged in
    /// order, so that term and pair ids are given in order of first use
    /// exactly as if the documents were analyzed one after the other.
    pub fn of_docs_each(
        site: &Site,
        published: &[usize],
        keep: Keep,
        mut each: impl FnMut(&[Analyzed<'_>]),
    ) -> Model {
        // Entries and what a result shows, in parallel.
        let standards = standards(site);
        let (entries, docs): (Vec<Entry<'_>>, Vec<DocInfo>) = published
            .par_iter()
            .map(|&i| {
                let e = crate::search::entry::entry(site, i);
                let info = doc_info(site, &standards, &e, i);
                (e, info)
            })
            .unzip();
        let mut builder = Builder::default();
        let mut by_doc: Vec<DocTerms> = Vec::new();
        if keep == Keep::Terms {
            by_doc.reserve_exact(entries.len());
        }
        // The model's number of the wave's first document.
        let mut start = 0;
        for wave in entries.chunks(CHUNK * WAVE) {
            // The terms of each chunk, with the chunk's own ids.
            let locals: Vec<Local> = wave
                .par_chunks(CHUNK)
                .map_init(Analyzer::default, |a, chunk| a.chunk(chunk))
                .collect();
            // Their ids in the whole model, in chunk order.
            let maps: Vec<Vec<u32>> = locals
                .iter()
                .map(|l| l.terms.iter().map(|t| builder.term_id(t)).collect())
                .collect();
            let mut terms: Vec<Remapped> = locals
                .par_iter()
                .zip(&maps)
                .flat_map_iter(|(l, map)| l.docs.iter().map(move |d| d.remap(map)))
                .collect();
            if keep == Keep::Postings {
                by_doc.clear();
            }
            // The wave's first document in `by_doc` (`start` when kept).
            let first = by_doc.len();
            for (n, r) in terms.iter_mut().enumerate() {
                by_doc.push(builder.add((start + n) as u32, r));
            }
            by_doc[first..]
                .par_iter_mut()
                .for_each(|t| t.pairs.sort_unstable_by_key(|p| p.0));
            let analyzed: Vec<Analyzed<'_>> = (0..terms.len())
                .map(|n| Analyzed {
                    info: &docs[start + n],
                    terms: &by_doc[first + n],
                    words: &builder.terms,
                    pairs: &builder.pairs,
                })
                .collect();
            each(&analyzed);
            start += terms.len();
        }
        Model {
            docs,
            standards,
            declared: declared(site),
            terms: builder.terms,
            postings: builder.postings,
            pairs: builder.pairs,
            pair_postings: builder.pair_postings,
            by_doc: match keep {
                Keep::Terms => by_doc,
                Keep::Postings => Vec::new(),
            },
        }
    }

    /// Document `d` as [`Model::of_docs_each`] handed it on.
    pub fn analyzed(&self, d: usize) -> Analyzed<'_> {
        Analyzed {
            info: &self.docs[d],
            terms: &self.by_doc[d],
            words: &self.terms,
            pairs: &self.pairs,
        }
    }

    /// The term id of `term`, if any document has it (a linear search:
    /// for tests and small tools).
    pub fn term_id(&self, term: &str) -> Option<usize> {
        self.terms.iter().position(|t| &**t == term)
    }

    /// Every kind a document may have, built-in then declared: what
    /// tantivy's `kind` field numbers.
    pub fn kinds(&self) -> Vec<&str> {
        kinds(&self.declared)
    }

    /// The text of a pair.
    pub fn pair_text(&self, p: usize) -> String {
        let (a, b) = self.pairs[p];
        analyze::pair(&self.terms[a as usize], &self.terms[b as usize])
    }
}

/// The kinds `site` declares (`[kinds]` of clausebook.toml), in name
/// order: [`Model::declared`].
pub fn declared(site: &Site) -> Vec<String> {
    site.config.kinds.keys().cloned().collect()
}

/// Every kind a document may have, built-in then `declared`
/// ([`Model::kinds`]).
pub fn kinds(declared: &[String]) -> Vec<&str> {
    let declared = declared.iter().map(String::as_str);
    super::ast::KINDS.iter().copied().chain(declared).collect()
}

/// Every catalog of the site, the ones in scope first (in the order of
/// `clausebook.toml`).
fn standards(site: &Site) -> Vec<StandardInfo> {
    let scope = &site.public_trace.scope;
    let mut cats: Vec<_> = site.standards.catalogs.iter().collect();
    cats.sort_by_key(|c| scope.iter().position(|s| *s == c.id).unwrap_or(usize::MAX));
    cats.into_iter()
        .map(|c| {
            let mut keys: Vec<String> = std::iter::once(&c.id)
                .chain(&c.aliases)
                .map(|a| super::parse::std_key(a))
                .collect();
            keys.sort();
            keys.dedup();
            let in_scope = scope.contains(&c.id);
            StandardInfo {
                id: c.id.clone(),
                name: c.display_name(),
                keys,
                clause_url: in_scope.then(|| {
                    crate::resolve::layout::dir_url(
                        &format!("standards/{}/%", c.slug()),
                        site.config.clean_links,
                    )
                }),
                clauses: c
                    .clauses
                    .iter()
                    .map(|cl| (cl.number.clone(), c.display_title(&cl.number), cl.depth))
                    .collect(),
            }
        })
        .collect()
}

fn doc_info(site: &Site, standards: &[StandardInfo], e: &Entry<'_>, i: usize) -> DocInfo {
    let mut headings = Vec::new();
    flatten(&site.rendered[i].toc, &mut headings);
    headings.truncate(MAX_HEADINGS);
    let mut clauses: Vec<(usize, String, String)> = Vec::new();
    for r in site.clauses[i].iter() {
        let Some(si) = standards.iter().position(|s| s.id == r.key.standard) else {
            continue;
        };
        if clauses.iter().any(|c| c.0 == si && c.1 == r.key.clause) {
            continue;
        }
        clauses.push((
            si,
            r.key.clause.clone(),
            r.section.clone().unwrap_or_default(),
        ));
    }
    let description = if e.summary.trim().is_empty() {
        crate::search::text::shorten(e.body, DESCRIPTION_CHARS)
    } else {
        crate::search::text::shorten(e.summary, DESCRIPTION_CHARS)
    };
    DocInfo {
        id: e.id.to_string(),
        title: e.title.to_string(),
        url: e.url.to_string(),
        kind: e.kind,
        status: e.status,
        clauses,
        headings,
        description,
        tags: e.tags.to_vec(),
    }
}

fn flatten(toc: &[crate::resolve::markdown::TocEntry], out: &mut Vec<(String, String)>) {
    for t in toc {
        out.push((t.title.clone(), t.id.clone()));
        flatten(&t.children, out);
    }
}

/// Documents analyzed by one task of [`Model::of_docs_each`], with their
/// own term ids.
const CHUNK: usize = 64;
/// Chunks analyzed at a time, then merged and handed on.
const WAVE: usize = 8;
/// No local id yet ([`Analyzer::local_of`]).
const NONE: u32 = u32::MAX;

/// The terms of a chunk of documents, with ids of the chunk's own, given
/// in order of first use in the chunk.
struct Local {
    /// Local term id → term.
    terms: Vec<Box<str>>,
    docs: Vec<LocalDoc>,
}

/// One document of a [`Local`] chunk, in local term ids.
struct LocalDoc {
    /// (term, fields) of each word.
    words: Vec<(u32, u16)>,
    /// (pair key: the two terms, fields) of each pair.
    pairs: Vec<(u64, u16)>,
    /// Its keys, each once, in order of first use.
    keys: Vec<u32>,
}

/// A [`LocalDoc`] in the model's term ids, each list sorted.
struct Remapped {
    words: Vec<(u32, u16)>,
    pairs: Vec<(u64, u16)>,
    keys: Vec<u32>,
}

fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Bits of a packed pair occurrence that hold its field bit (one of the
/// text fields, [`bits::IDPARTS`] to [`bits::BODY`]), below the terms.
const FIELD_BITS: u32 = 8;
const FIELD_MASK: u64 = (1 << FIELD_BITS) - 1;
/// Bits of each local term of a packed pair.
const PAIR_TERM_BITS: u32 = 28;

/// A pair's occurrence as one number, ordered as (first, second, field);
/// `None` if a term's id needs more than [`PAIR_TERM_BITS`].
fn pack_pair(a: u32, b: u32, bit: u16) -> Option<u64> {
    if (a | b) >> PAIR_TERM_BITS != 0 {
        return None;
    }
    Some(
        (u64::from(a) << (PAIR_TERM_BITS + FIELD_BITS))
            | (u64::from(b) << FIELD_BITS)
            | u64::from(bit),
    )
}

fn unpack_pair(p: u64) -> (u32, u32) {
    let term = (1u64 << PAIR_TERM_BITS) - 1;
    (
        (p >> (PAIR_TERM_BITS + FIELD_BITS)) as u32,
        ((p >> FIELD_BITS) & term) as u32,
    )
}

impl LocalDoc {
    fn remap(&self, map: &[u32]) -> Remapped {
        // A document's terms and pairs are each listed once: sorted by the
        // term (or pair) alone, as plain numbers where they fit in one.
        let mut packed: Vec<u64> = self
            .words
            .iter()
            .map(|&(t, m)| (u64::from(map[t as usize]) << 16) | u64::from(m))
            .collect();
        packed.sort_unstable();
        let words = packed
            .into_iter()
            .map(|w| ((w >> 16) as u32, w as u16))
            .collect();
        let mut pairs: Vec<(u64, u16)> = self
            .pairs
            .iter()
            .map(|&(k, m)| (pair_key(map[(k >> 32) as usize], map[k as u32 as usize]), m))
            .collect();
        pairs.sort_unstable_by_key(|p| p.0);
        let mut keys: Vec<u32> = self.keys.iter().map(|&t| map[t as usize]).collect();
        keys.sort_unstable();
        Remapped { words, pairs, keys }
    }
}

/// Analyzes chunks of documents into [`Local`] terms; what it learns of
/// words (their terms) serves the next chunks it is given.
#[derive(Default)]
struct Analyzer {
    /// Normalized word → its term ([`Analyzer::known`]; `None`: not a term).
    vocab: HashMap<Box<str>, Option<u32>>,
    /// Term → its index in `known`.
    known_ids: HashMap<Box<str>, u32>,
    /// Every term met so far.
    known: Vec<Box<str>>,
    /// Known term → its id in the current chunk, or [`NONE`].
    local_of: Vec<u32>,
    /// Local term id → known term, for the current chunk.
    chunk_terms: Vec<u32>,
    /// Scratch, per local term: the fields it occurs in in the current
    /// document (low 16 bits) and its occurrences in the body (above
    /// them); zero for a term the document has not used yet.
    word_fields: Vec<u32>,
    /// Scratch: the local terms of the current document, in order of
    /// first use (each once).
    doc_words: Vec<u32>,
    /// Scratch: every pair of the document, packed ([`pack_pair`]).
    pair_occ: Vec<u64>,
    /// Scratch: the pairs whose local terms are too many to pack (more
    /// than 2^28 in a chunk: only ever with gigabytes of text).
    pair_wide: Vec<(u64, u16)>,
    /// Scratch: the terms of the current text, for its pairs.
    run: Vec<u32>,
}

impl Analyzer {
    /// The terms of the documents of `chunk`.
    fn chunk(&mut self, chunk: &[Entry<'_>]) -> Local {
        let docs = chunk.iter().map(|e| self.doc(e)).collect();
        let terms = self
            .chunk_terms
            .iter()
            .map(|&k| self.known[k as usize].clone())
            .collect();
        for &k in &self.chunk_terms {
            self.local_of[k as usize] = NONE;
        }
        self.chunk_terms.clear();
        self.word_fields.clear();
        Local { terms, docs }
    }

    /// The known term `k`'s id in this chunk.
    fn local(&mut self, k: u32) -> u32 {
        let slot = &mut self.local_of[k as usize];
        if *slot == NONE {
            *slot = self.chunk_terms.len() as u32;
            self.chunk_terms.push(k);
            self.word_fields.push(0);
        }
        *slot
    }

    fn known_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.known_ids.get(term) {
            return *id;
        }
        let id = self.known.len() as u32;
        self.known.push(term.into());
        self.known_ids.insert(term.into(), id);
        self.local_of.push(NONE);
        id
    }

    /// The terms of one text of one field (a heading, a tag, the body).
    fn text(&mut self, text: &str, bit: u16) {
        let mut run = std::mem::take(&mut self.run);
        run.clear();
        analyze::for_each_word(text, |w| {
            let known = match self.vocab.get(w) {
                Some(k) => *k,
                None => {
                    let k = analyze::term(w).map(|t| self.known_id(&t));
                    self.vocab.insert(w.into(), k);
                    k
                }
            };
            if let Some(k) = known {
                run.push(self.local(k));
            }
        });
        for &t in &run {
            let fields = &mut self.word_fields[t as usize];
            if *fields == 0 {
                self.doc_words.push(t);
            }
            *fields |= u32::from(bit);
            if bit == bits::BODY {
                *fields = fields.saturating_add(1 << 16);
            }
        }
        for w in run.windows(2) {
            match pack_pair(w[0], w[1], bit) {
                Some(p) => self.pair_occ.push(p),
                None => self.pair_wide.push((pair_key(w[0], w[1]), bit)),
            }
        }
        self.run = run;
    }

    fn key(&mut self, key: &str, keys: &mut Vec<u32>) {
        let k = self.known_id(key);
        let id = self.local(k);
        if !keys.contains(&id) {
            keys.push(id);
        }
    }

    /// The terms of one document, in local ids.
    fn doc(&mut self, e: &Entry<'_>) -> LocalDoc {
        self.doc_words.clear();
        self.pair_occ.clear();
        self.pair_wide.clear();
        self.text(e.id, bits::IDPARTS);
        self.text(e.title, bits::TITLE);
        for h in &e.headings {
            self.text(h, bits::HEADINGS);
        }
        for t in e.tags {
            self.text(t, bits::TAGS);
        }
        for c in &e.clauses {
            self.text(&c.title, bits::CLAUSETITLE);
        }
        self.text(e.summary, bits::SUMMARY);
        self.text(e.owner, bits::OWNER);
        self.text(e.body, bits::BODY);

        // Words: the fields of each, and whether the body has it often
        // (in order of first use: `remap` sorts them by the model's ids).
        let words = self
            .doc_words
            .iter()
            .map(|&t| {
                let fields = std::mem::take(&mut self.word_fields[t as usize]);
                let mut mask = fields as u16;
                if fields >> 16 >= BODY_MANY_COUNT {
                    mask |= bits::BODY_MANY;
                }
                (t, mask)
            })
            .collect();
        let mut pairs = Vec::new();
        if self.pair_wide.is_empty() {
            self.pair_occ.sort_unstable();
            for group in self
                .pair_occ
                .chunk_by(|a, b| a >> FIELD_BITS == b >> FIELD_BITS)
            {
                let (a, b) = unpack_pair(group[0]);
                let mask = group.iter().fold(0u16, |m, &p| m | (p & FIELD_MASK) as u16);
                pairs.push((pair_key(a, b), mask));
            }
        } else {
            let packed = self.pair_occ.iter().map(|&p| {
                let (a, b) = unpack_pair(p);
                (pair_key(a, b), (p & FIELD_MASK) as u16)
            });
            let mut wide: Vec<(u64, u16)> = self.pair_wide.drain(..).chain(packed).collect();
            wide.sort_unstable();
            for group in wide.chunk_by(|a, b| a.0 == b.0) {
                pairs.push((group[0].0, group.iter().fold(0u16, |m, p| m | p.1)));
            }
        }

        // Keys.
        let mut doc_keys = Vec::new();
        for t in e.tags {
            let k = tag_key(t);
            if !k.is_empty() {
                self.key(&format!("#t:{k}"), &mut doc_keys);
            }
        }
        let mut keys: Vec<String> = Vec::new();
        for c in &e.clauses {
            let std = c.standard.to_lowercase();
            let num = c.number.to_lowercase();
            keys.push(format!("#c:{num}"));
            keys.push(format!("#c:{std}/{num}"));
            keys.push(format!("#u:{num}"));
            keys.push(format!("#u:{std}/{num}"));
            keys.push(format!("#u:{std}"));
            for a in &c.ancestors {
                let a = a.to_lowercase();
                keys.push(format!("#u:{a}"));
                keys.push(format!("#u:{std}/{a}"));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            self.key(k, &mut doc_keys);
        }
        LocalDoc {
            words,
            pairs,
            keys: doc_keys,
        }
    }
}

/// The model's term and pair tables and postings, filled chunk by chunk
/// and document by document in order.
#[derive(Default)]
struct Builder {
    term_ids: HashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
    postings: Vec<Postings>,
    pair_ids: HashMap<u64, u32>,
    pairs: Vec<(u32, u32)>,
    pair_postings: Vec<Postings>,
}

impl Builder {
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.term_ids.get(term) {
            return *id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.into());
        self.term_ids.insert(term.into(), id);
        self.postings.push(Postings::default());
        id
    }

    /// Add document `doc`, its terms in the model's ids; returns them
    /// with pair ids (pairs sorted by key, not yet by id).
    fn add(&mut self, doc: u32, r: &mut Remapped) -> DocTerms {
        for &(t, mask) in &r.words {
            self.postings[t as usize].push(doc, mask);
        }
        let mut pairs = Vec::with_capacity(r.pairs.len());
        for &(key, mask) in &r.pairs {
            let id = match self.pair_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = self.pairs.len() as u32;
                    self.pairs.push(((key >> 32) as u32, key as u32));
                    self.pair_postings.push(Postings::default());
                    self.pair_ids.insert(key, id);
                    id
                }
            };
            self.pair_postings[id as usize].push(doc, mask);
            pairs.push((id, mask));
        }
        for &t in &r.keys {
            self.postings[t as usize].push(doc, bits::KEY);
        }
        DocTerms {
            words: std::mem::take(&mut r.words),
            pairs,
            keys: std::mem::take(&mut r.keys),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_pairs_sort_and_group_as_the_pairs_they_hold() {
        // The analyzer sorts packed numbers where it sorted (pair, field)
        // tuples: the order and the grouping must be the same.
        let max = (1u32 << PAIR_TERM_BITS) - 1;
        let mut tuples = vec![
            (3, 7, bits::BODY),
            (3, 7, bits::TITLE),
            (0, max, bits::IDPARTS),
            (max, 0, bits::BODY),
            (3, 6, bits::HEADINGS),
            (max, max, bits::SUMMARY),
        ];
        let mut packed: Vec<u64> = tuples
            .iter()
            .map(|&(a, b, f)| pack_pair(a, b, f).unwrap())
            .collect();
        tuples.sort_unstable();
        packed.sort_unstable();
        let unpacked: Vec<(u32, u32, u16)> = packed
            .iter()
            .map(|&p| {
                let (a, b) = unpack_pair(p);
                (a, b, (p & FIELD_MASK) as u16)
            })
            .collect();
        assert_eq!(unpacked, tuples);
        assert_eq!(pack_pair(max + 1, 0, bits::BODY), None);
        assert_eq!(pack_pair(0, max + 1, bits::BODY), None);
    }
}
