//! What every engine indexes: each published document analyzed once into
//! terms with the fields they occur in ([`Model`]).
//!
//! The sharded static index ([`super::shards`]) writes a model out; the
//! tantivy index can be filled from the same model ([`super::tantivy`]),
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
    pub postings: Vec<Vec<(u32, u16)>>,
    /// Pair id → the two term ids.
    pub pairs: Vec<(u32, u32)>,
    /// Pair id → (document, fields), by document.
    pub pair_postings: Vec<Vec<(u32, u16)>>,
    /// Document → its terms: the postings seen from each document, as
    /// the builder made them (the tantivy documents are written from
    /// these, without transposing the postings back).
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

impl Model {
    /// The model of the published documents of `site`.
    pub fn of_site(site: &Site) -> Model {
        Model::of_site_each(site, |_| {})
    }

    /// The model of some documents of `site` (indexes into `site.docs`, in
    /// order): their terms are what [`Model::of_site`] gives them, the
    /// counts only theirs.
    pub fn of_docs(site: &Site, published: &[usize]) -> Model {
        Model::of_docs_each(site, published, |_| {})
    }

    /// [`Model::of_site`], handing each document to `each` as soon as its
    /// terms are known, in order: the build fills the tantivy index while
    /// the terms of the later documents are worked out.
    pub fn of_site_each(site: &Site, each: impl FnMut(Analyzed<'_>)) -> Model {
        let published: Vec<usize> = (0..site.docs.len())
            .filter(|&i| site.published[i])
            .collect();
        Model::of_docs_each(site, &published, each)
    }

    /// [`Model::of_docs`], handing each document to `each` as soon as its
    /// terms are known, in order.
    pub fn of_docs_each(
        site: &Site,
        published: &[usize],
        mut each: impl FnMut(Analyzed<'_>),
    ) -> Model {
        // Entries and what a result shows, in parallel; the terms in
        // document order (their ids are given in order of first use).
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
        let by_doc = entries
            .iter()
            .zip(&docs)
            .enumerate()
            .map(|(n, (e, info))| {
                let terms = builder.add(n as u32, e);
                each(Analyzed {
                    info,
                    terms: &terms,
                    words: &builder.terms,
                    pairs: &builder.pairs,
                });
                terms
            })
            .collect();
        Model {
            docs,
            standards,
            declared: declared(site),
            terms: builder.terms,
            postings: builder.postings,
            pairs: builder.pairs,
            pair_postings: builder.pair_postings,
            by_doc,
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

/// Interns terms and pairs, and collects postings, document by document.
#[derive(Default)]
struct Builder {
    /// Normalized word → its term id (`None`: not a term).
    vocab: HashMap<Box<str>, Option<u32>>,
    term_ids: HashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
    postings: Vec<Vec<(u32, u16)>>,
    pair_ids: HashMap<u64, u32>,
    pairs: Vec<(u32, u32)>,
    pair_postings: Vec<Vec<(u32, u16)>>,
    /// Scratch: (term, field bit) of every occurrence in the document.
    occ: Vec<(u32, u16)>,
    /// Scratch: (pair key, field bit).
    pair_occ: Vec<(u64, u16)>,
    /// Scratch: the terms of the current text, for its pairs.
    run: Vec<u32>,
}

impl Builder {
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.term_ids.get(term) {
            return *id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.into());
        self.term_ids.insert(term.into(), id);
        self.postings.push(Vec::new());
        id
    }

    /// The terms of one text of one field (a heading, a tag, the body).
    fn text(&mut self, text: &str, bit: u16) {
        let mut run = std::mem::take(&mut self.run);
        run.clear();
        analyze::for_each_word(text, |w| {
            let id = match self.vocab.get(w) {
                Some(id) => *id,
                None => {
                    let id = analyze::term(w).map(|t| self.term_id(&t));
                    self.vocab.insert(w.into(), id);
                    id
                }
            };
            if let Some(id) = id {
                run.push(id);
            }
        });
        for &t in &run {
            self.occ.push((t, bit));
        }
        for w in run.windows(2) {
            self.pair_occ
                .push(((u64::from(w[0]) << 32) | u64::from(w[1]), bit));
        }
        self.run = run;
    }

    fn key(&mut self, key: &str, doc: u32, terms: &mut DocTerms) {
        let id = self.term_id(key);
        let list = &mut self.postings[id as usize];
        if list.last().map(|p| p.0) != Some(doc) {
            list.push((doc, bits::KEY));
            terms.keys.push(id);
        }
    }

    /// Add document `doc`; returns its terms.
    fn add(&mut self, doc: u32, e: &Entry<'_>) -> DocTerms {
        let mut terms = DocTerms::default();
        self.occ.clear();
        self.pair_occ.clear();
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

        // Words: the fields of each, and whether the body has it often.
        let mut occ = std::mem::take(&mut self.occ);
        occ.sort_unstable();
        for group in occ.chunk_by(|a, b| a.0 == b.0) {
            let mut mask = 0u16;
            let mut body = 0u32;
            for &(_, bit) in group {
                mask |= bit;
                if bit == bits::BODY {
                    body += 1;
                }
            }
            if body >= BODY_MANY_COUNT {
                mask |= bits::BODY_MANY;
            }
            self.postings[group[0].0 as usize].push((doc, mask));
            terms.words.push((group[0].0, mask));
        }
        self.occ = occ;

        let mut pair_occ = std::mem::take(&mut self.pair_occ);
        pair_occ.sort_unstable();
        for group in pair_occ.chunk_by(|a, b| a.0 == b.0) {
            let mask = group.iter().fold(0u16, |m, p| m | p.1);
            let key = group[0].0;
            let id = match self.pair_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = self.pairs.len() as u32;
                    self.pairs.push(((key >> 32) as u32, key as u32));
                    self.pair_postings.push(Vec::new());
                    self.pair_ids.insert(key, id);
                    id
                }
            };
            self.pair_postings[id as usize].push((doc, mask));
            terms.pairs.push((id, mask));
        }
        self.pair_occ = pair_occ;
        terms.pairs.sort_unstable();

        // Keys.
        for t in e.tags {
            let k = tag_key(t);
            if !k.is_empty() {
                self.key(&format!("#t:{k}"), doc, &mut terms);
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
            self.key(k, doc, &mut terms);
        }
        terms.keys.sort_unstable();
        terms
    }
}
