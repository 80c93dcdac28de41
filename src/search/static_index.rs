//! The compact static index, `search/index.js`, searched in the browser by
//! theme/search.js when the site is not served by `clausebook serve`.
//!
//! It is a classic script (so that it loads from `file://`, where `fetch`
//! cannot) assigning one object to `window.CLAUSEBOOK_SEARCH`:
//!
//! ```text
//! {
//!   "version": 1,
//!   "url": "documents/%/index.html",           // page of a document: % = slug of its id
//!   "kinds": ["policy", …], "statuses": ["approved", …],
//!   "standards": ["iso20000-1:2011", …],          // catalog ids
//!   "clauses": {"0/8.1": ["Incident and service request management", "0/8"], …},
//!                                                 // "standard index/number": [title, parent key or ""]
//!   "docs": [[id, title, url or "", kind index, status index, [clause keys],
//!             [headings], description, [tags]], …],
//!   "terms": ["abil", "accept", …],               // sorted stemmed body terms
//!   "postings": ["0 2 1a", "~HwA…", …]            // per term: the documents containing it
//! }
//! ```
//!
//! The full text is not stored: only each document's distinct body terms
//! (stemmed with [`super::text::stem`], stop words left out) as an inverted
//! index. A posting list is either the gaps between document numbers in
//! base 36, space-separated, or, for terms in many documents, `~` and a
//! bitmap (document n is bit n % 6 of character n / 6, in the base-64
//! alphabet `A–Z a–z 0–9 - _`), whichever is shorter. A document's URL is
//! left empty when the `url` pattern gives it. The clause table holds only
//! the clauses the documents refer to and their ancestors, so a search for
//! `8` finds documents on 8.1. Headings are capped at [`MAX_HEADINGS`] per
//! document and [`HEADING_CHARS`] characters.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use super::Entry;
use super::text::{index_terms, shorten};
use crate::resolve::Site;

/// Length of the description shown under each result.
const DESCRIPTION_CHARS: usize = 140;
/// Headings kept per document.
pub const MAX_HEADINGS: usize = 12;
/// Characters kept of each heading.
pub const HEADING_CHARS: usize = 80;
/// The base-64 alphabet of bitmaps.
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Forget the word cache past this many distinct words (a bound, never
/// reached by a real document set).
const MAX_WORDS: usize = 1_000_000;

/// The script text of `search/index.js` for `entries` (in document order).
pub fn build(site: &Site, entries: &[Entry<'_>]) -> String {
    let mut index = StaticIndex::default();
    index.refresh(site, entries);
    let ids: Vec<&str> = entries.iter().map(|e| e.id).collect();
    // Every id has just been given its part.
    index.script(site, &ids).unwrap_or_default()
}

/// The static index with its work kept, so that the script can be written
/// again after a few documents changed without reading every body again
/// (`clausebook serve`'s incremental rebuilds).
///
/// [`build`] uses it too (with nothing kept), so that a script written
/// after updates is the one a full build writes, byte for byte.
///
/// Kept per word: its term (a word is lower-cased, filtered and stemmed
/// once). Per document ([`DocPart`], by id, checked by a hash of its
/// entry): its distinct terms, the JSON of its fixed fields and its rows
/// of the clause table. And the layout of the last script ([`Layout`]):
/// the documents in order, each one's JSON, the posting lists and their
/// encodings. [`StaticIndex::script`] starts from that layout and redoes
/// only what the documents changed since then touch: the JSON of those
/// documents (of all when the numbering of kinds, statuses or standards
/// changes), and the posting lists of their terms (of all terms when
/// documents are added or removed, which renumbers documents).
#[derive(Default)]
pub struct StaticIndex {
    /// Raw word → its term id (`None`: not stored, e.g. a stop word).
    vocab: HashMap<Box<str>, Option<u32>>,
    /// Term id → term.
    terms: Vec<Box<str>>,
    term_ids: HashMap<Box<str>, u32>,
    /// Term ids sorted by term, for as many terms as it holds.
    sorted_terms: Vec<u32>,
    /// Standard id → catalog id of the standard.
    standards: Vec<Box<str>>,
    /// Per document, by id.
    docs: HashMap<Box<str>, DocPart>,
    /// Rows of the clause table brought by the cached documents:
    /// (standard id, number) → row and the number of documents bringing it.
    rows: HashMap<(u32, Box<str>), (ClauseRow, usize)>,
    /// Documents whose part changed since the last script, with their
    /// terms as that script had them (`None`: it had no part).
    dirty: HashMap<Box<str>, Option<Vec<u32>>>,
    /// The last script.
    layout: Option<Layout>,
}

/// The work done once per version of a document.
struct DocPart {
    /// Hash of everything the part is made of.
    hash: u64,
    /// Distinct body, summary and owner terms (ids), sorted.
    terms: Vec<u32>,
    kind: &'static str,
    status: &'static str,
    /// JSON of `id, title, url,` (with the trailing comma).
    head: String,
    /// JSON of `, [headings], description, [tags]` (with the leading comma).
    tail: String,
    /// Referenced clauses: (standard id, number), in order.
    clauses: Vec<(u32, Box<str>)>,
    /// Rows of the clause table: (standard id, number, row).
    rows: Vec<(u32, Box<str>, ClauseRow)>,
}

/// A clause as the clause table shows it. A pure function of the standard
/// and the number (the catalog's title, the parent of the catalog's
/// tree), whichever document brings it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct ClauseRow {
    title: String,
    /// Number of the parent clause, if any.
    parent: Option<String>,
}

/// What a script was made of.
#[derive(Default)]
struct Layout {
    /// Document n.
    ids: Vec<Box<str>>,
    /// Id → document number.
    positions: HashMap<Box<str>, usize>,
    /// What the numbering reads of document n.
    slots: Vec<Slot>,
    /// JSON of document n, under `numbering`.
    json: Vec<String>,
    numbering: Numbering,
    /// Term id → the documents containing it, in order.
    postings: Vec<Vec<u32>>,
    /// Term id → its encoded posting list (for `ids.len()` documents).
    encoded: Vec<String>,
}

/// A document as the numbering sees it.
#[derive(Clone, Default)]
struct Slot {
    kind: &'static str,
    status: &'static str,
    /// Standard ids, in clause order.
    standards: Vec<u32>,
}

/// Kinds, statuses and standards, numbered in order of first use.
#[derive(Default, PartialEq, Eq)]
struct Numbering {
    kinds: Vec<&'static str>,
    statuses: Vec<&'static str>,
    standards: Vec<u32>,
}

impl Numbering {
    fn of(slots: &[Slot]) -> Numbering {
        let mut n = Numbering::default();
        for s in slots {
            if !n.kinds.contains(&s.kind) {
                n.kinds.push(s.kind);
            }
            if !n.statuses.contains(&s.status) {
                n.statuses.push(s.status);
            }
            for st in &s.standards {
                if !n.standards.contains(st) {
                    n.standards.push(*st);
                }
            }
        }
        n
    }

    /// Index of a standard (one of the numbered documents' standards).
    fn standard(&self, id: u32) -> usize {
        self.standards.iter().position(|s| *s == id).unwrap_or(0)
    }
}

impl StaticIndex {
    /// Whether a part of the document `id` is cached.
    pub fn contains(&self, id: &str) -> bool {
        self.docs.contains_key(id)
    }

    /// Make the parts of `entries` current: each entry whose hash differs
    /// from its cached part's (or that has none) is processed again.
    pub fn refresh(&mut self, site: &Site, entries: &[Entry<'_>]) {
        let url_pattern = url_pattern(site);
        for e in entries {
            let rows = self.clause_rows(site, e);
            let hash = entry_hash(e, &url_pattern, &rows);
            if self.docs.get(e.id).is_some_and(|p| p.hash == hash) {
                continue;
            }
            let part = self.part(e, &url_pattern, rows, hash);
            for (standard, number, row) in &part.rows {
                self.rows
                    .entry((*standard, number.clone()))
                    .or_insert_with(|| (row.clone(), 0))
                    .1 += 1;
            }
            let old = self.docs.insert(e.id.into(), part);
            self.forget(e.id, old);
        }
    }

    /// Drop the part of one document.
    fn remove(&mut self, id: &str) {
        let old = self.docs.remove(id);
        self.forget(id, old);
    }

    /// Account for the part of `id` being replaced or removed.
    fn forget(&mut self, id: &str, old: Option<DocPart>) {
        let Some(old) = old else {
            self.dirty.entry(id.into()).or_insert(None);
            return;
        };
        for (standard, number, _) in &old.rows {
            let key = (*standard, number.clone());
            if let Some((_, n)) = self.rows.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    self.rows.remove(&key);
                }
            }
        }
        self.dirty.entry(id.into()).or_insert(Some(old.terms));
    }

    /// The script for the documents `ids`, in this order (document n of
    /// the script is `ids[n]`). Each must have a current part (see
    /// [`StaticIndex::refresh`]); the parts of other documents are
    /// dropped. Fails, naming it, when a document has no part.
    pub fn script(&mut self, site: &Site, ids: &[&str]) -> Result<String, String> {
        if self.docs.len() != ids.len() {
            let keep: HashSet<&str> = ids.iter().copied().collect();
            let gone: Vec<Box<str>> = self
                .docs
                .keys()
                .filter(|k| !keep.contains(k.as_ref()))
                .cloned()
                .collect();
            for id in gone {
                self.remove(&id);
            }
        }
        // From here, the cache holds at most the documents of `ids`, and
        // `relayout` checks that it holds all of them.
        let old = self.layout.take().unwrap_or_default();
        let layout = self.relayout(old, ids)?;
        self.dirty.clear();
        let script = self.write(site, &layout);
        self.layout = Some(layout);
        Ok(script)
    }

    /// The layout of `ids`, from the previous one.
    fn relayout(&mut self, mut old: Layout, ids: &[&str]) -> Result<Layout, String> {
        let n_docs = ids.len();
        let same_order =
            old.ids.len() == n_docs && old.ids.iter().zip(ids).all(|(a, b)| **a == **b);
        // `kept[n]`: the old number of document n, if it had one.
        let (kept, positions, boxed_ids) = if same_order {
            let kept: Vec<Option<usize>> = (0..n_docs).map(Some).collect();
            (
                kept,
                std::mem::take(&mut old.positions),
                std::mem::take(&mut old.ids),
            )
        } else {
            let kept = ids
                .iter()
                .map(|id| old.positions.get(*id).copied())
                .collect();
            let positions = ids
                .iter()
                .enumerate()
                .map(|(n, id)| ((*id).into(), n))
                .collect();
            (
                kept,
                positions,
                ids.iter().map(|id| Box::from(*id)).collect(),
            )
        };
        // Documents to do again: changed since the last script, or new.
        let mut redo: Vec<bool> = kept.iter().map(Option::is_none).collect();
        for id in self.dirty.keys() {
            if let Some(n) = positions.get(id) {
                redo[*n] = true;
            }
        }
        let todo: Vec<usize> = (0..n_docs).filter(|n| redo[*n]).collect();
        let missing = |id: &str| format!("the static search index has no entry for `{id}`");
        let part_of = |n: usize| self.docs.get(ids[n]).ok_or_else(|| missing(ids[n]));

        let mut slots: Vec<Slot> = if same_order {
            std::mem::take(&mut old.slots)
        } else {
            kept.iter()
                .map(|o| {
                    o.map(|o| std::mem::take(&mut old.slots[o]))
                        .unwrap_or_default()
                })
                .collect()
        };
        for &n in &todo {
            let part = part_of(n)?;
            let mut standards: Vec<u32> = Vec::new();
            for (st, _) in &part.clauses {
                if !standards.contains(st) {
                    standards.push(*st);
                }
            }
            slots[n] = Slot {
                kind: part.kind,
                status: part.status,
                standards,
            };
        }
        let numbering = Numbering::of(&slots);
        let json: Vec<String> = if numbering != old.numbering {
            (0..n_docs)
                .map(|n| part_of(n).map(|part| doc_json(part, &numbering)))
                .collect::<Result<_, _>>()?
        } else {
            let mut json: Vec<String> = if same_order {
                std::mem::take(&mut old.json)
            } else {
                kept.iter()
                    .map(|o| {
                        o.map(|o| std::mem::take(&mut old.json[o]))
                            .unwrap_or_default()
                    })
                    .collect()
            };
            for &n in &todo {
                json[n] = doc_json(part_of(n)?, &numbering);
            }
            json
        };

        // Posting lists: renumber the documents, then move each changed
        // document from the lists of its old terms to those of its new ones.
        let n_terms = self.terms.len();
        let mut postings = std::mem::take(&mut old.postings);
        postings.resize_with(n_terms, Vec::new);
        let mut encoded = std::mem::take(&mut old.encoded);
        encoded.resize_with(n_terms, String::new);
        let mut touched: Vec<u32> = Vec::new();
        if !same_order {
            let mut to: Vec<Option<u32>> = vec![None; old.ids.len()];
            for (n, o) in kept.iter().enumerate() {
                if let Some(o) = o {
                    to[*o] = Some(n as u32);
                }
            }
            let increasing = kept.iter().flatten().is_sorted();
            for list in &mut postings {
                list.retain_mut(|d| match to[*d as usize] {
                    Some(n) => {
                        *d = n;
                        true
                    }
                    None => false,
                });
                if !increasing {
                    list.sort_unstable();
                }
            }
        }
        for &n in &todo {
            let id = ids[n];
            let dirty = self.dirty.get(id);
            let n = n as u32;
            // The terms of the document in the old lists.
            let before: &[u32] = match (kept[n as usize], dirty) {
                (Some(_), None) => continue, // unchanged
                (Some(_), Some(Some(terms))) => terms,
                (Some(_), Some(None)) => {
                    // Numbered without a part: not known, look everywhere.
                    for list in &mut postings {
                        if let Ok(at) = list.binary_search(&n) {
                            list.remove(at);
                        }
                    }
                    touched.extend(0..n_terms as u32);
                    &[]
                }
                (None, _) => &[], // not in the old lists
            };
            let after = &self.docs.get(id).ok_or_else(|| missing(id))?.terms;
            let (mut i, mut j) = (0, 0);
            while i < before.len() || j < after.len() {
                let (t, add) = match (before.get(i), after.get(j)) {
                    (Some(b), Some(a)) if b == a => {
                        i += 1;
                        j += 1;
                        continue;
                    }
                    (Some(b), Some(a)) if b < a => {
                        i += 1;
                        (*b, false)
                    }
                    (Some(b), None) => {
                        i += 1;
                        (*b, false)
                    }
                    (_, Some(a)) => {
                        j += 1;
                        (*a, true)
                    }
                    (None, None) => break,
                };
                let list = &mut postings[t as usize];
                match (list.binary_search(&n), add) {
                    (Err(at), true) => list.insert(at, n),
                    (Ok(at), false) => {
                        list.remove(at);
                    }
                    _ => {}
                }
                touched.push(t);
            }
        }
        // Documents that left or came renumber the rest: encode every list
        // again. Otherwise only the changed ones.
        if same_order {
            touched.sort_unstable();
            touched.dedup();
            for t in touched {
                encoded[t as usize].clear();
                encode_postings_into(&mut encoded[t as usize], &postings[t as usize], n_docs);
            }
        } else {
            for (list, code) in postings.iter().zip(&mut encoded) {
                code.clear();
                encode_postings_into(code, list, n_docs);
            }
        }
        Ok(Layout {
            ids: boxed_ids,
            positions,
            slots,
            json,
            numbering,
            postings,
            encoded,
        })
    }

    /// The text of the script.
    fn write(&mut self, site: &Site, layout: &Layout) -> String {
        let n_terms = self.terms.len();
        if self.sorted_terms.len() != n_terms {
            let terms = &self.terms;
            let mut sorted: Vec<u32> = (0..n_terms as u32).collect();
            sorted.sort_unstable_by(|a, b| terms[*a as usize].cmp(&terms[*b as usize]));
            self.sorted_terms = sorted;
        }
        let numbering = &layout.numbering;
        // The clause table, by key. Every cached document is numbered, so
        // are the standards of every row.
        let mut table: Vec<(String, &ClauseRow, usize)> = self
            .rows
            .iter()
            .map(|((standard, number), (row, _))| {
                let si = numbering.standard(*standard);
                (format!("{si}/{number}"), row, si)
            })
            .collect();
        table.sort_unstable_by(|a, b| a.0.cmp(&b.0));

        let size = layout.json.iter().map(String::len).sum::<usize>()
            + layout.encoded.iter().map(|e| e.len() + 3).sum::<usize>()
            + self.terms.iter().map(|t| t.len() + 3).sum::<usize>()
            + table.len() * 80
            + 1024;
        let mut out = String::with_capacity(size);
        out.push_str(
            "/* Clausebook static search index: generated by `clausebook build`, read by theme/search.js. */\n\
             window.CLAUSEBOOK_SEARCH = {\"clauses\":{",
        );
        for (i, (key, row, si)) in table.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json(&mut out, key);
            out.push_str(":[");
            push_json(&mut out, &row.title);
            out.push(',');
            match &row.parent {
                Some(p) => push_json(&mut out, &format!("{si}/{p}")),
                None => out.push_str("\"\""),
            }
            out.push(']');
        }
        out.push_str("},\"docs\":[");
        for (n, json) in layout.json.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(json);
        }
        out.push_str("],\"kinds\":");
        push_json_list(&mut out, &numbering.kinds);
        // Terms in no document (any more) are left out.
        let used = |t: &&u32| !layout.postings[**t as usize].is_empty();
        out.push_str(",\"postings\":[");
        for (i, t) in self.sorted_terms.iter().filter(used).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(&layout.encoded[*t as usize]);
            out.push('"');
        }
        out.push_str("],\"standards\":[");
        for (i, st) in numbering.standards.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json(&mut out, &self.standards[*st as usize]);
        }
        out.push_str("],\"statuses\":");
        push_json_list(&mut out, &numbering.statuses);
        out.push_str(",\"terms\":[");
        for (i, t) in self.sorted_terms.iter().filter(used).enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json(&mut out, &self.terms[*t as usize]);
        }
        out.push_str("],\"url\":");
        push_json(&mut out, &url_pattern(site));
        out.push_str(",\"version\":1};\n");
        out
    }

    /// Compute the part of one document.
    fn part(
        &mut self,
        e: &Entry<'_>,
        url_pattern: &str,
        rows: Vec<(u32, Box<str>, ClauseRow)>,
        hash: u64,
    ) -> DocPart {
        let description = if e.summary.trim().is_empty() {
            shorten(e.body, DESCRIPTION_CHARS)
        } else {
            shorten(e.summary, DESCRIPTION_CHARS)
        };
        let derived = url_pattern.replace('%', &crate::resolve::layout::doc_slug(e.id));
        let url = if derived == e.url { "" } else { e.url };
        let mut head = String::new();
        for s in [e.id, e.title, url] {
            push_json(&mut head, s);
            head.push(',');
        }
        let mut tail = String::from(",[");
        for (i, h) in e.headings.iter().take(MAX_HEADINGS).enumerate() {
            if i > 0 {
                tail.push(',');
            }
            push_json(&mut tail, &shorten(h, HEADING_CHARS));
        }
        tail.push_str("],");
        push_json(&mut tail, &description);
        tail.push(',');
        push_json_list(&mut tail, e.tags);

        // Each distinct word is lower-cased, filtered and stemmed once (the
        // vocabulary is kept between calls), not at every occurrence.
        if self.vocab.len() > MAX_WORDS {
            self.vocab.clear();
        }
        let mut ids: Vec<u32> = Vec::new();
        for text in [e.body, e.summary, e.owner] {
            for raw in text.split(|c: char| !c.is_alphanumeric()) {
                if raw.is_empty() {
                    continue;
                }
                let id = match self.vocab.get(raw) {
                    Some(id) => *id,
                    None => {
                        let id = index_terms(raw).next().map(|term| self.term_id(term));
                        self.vocab.insert(raw.into(), id);
                        id
                    }
                };
                ids.extend(id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let clauses = e
            .clauses
            .iter()
            .map(|c| (self.standard_id(&c.standard), c.number.as_str().into()))
            .collect();
        DocPart {
            hash,
            terms: ids,
            kind: e.kind,
            status: e.status,
            head,
            tail,
            clauses,
            rows,
        }
    }

    fn term_id(&mut self, term: String) -> u32 {
        if let Some(id) = self.term_ids.get(term.as_str()) {
            return *id;
        }
        let id = self.terms.len() as u32;
        let term: Box<str> = term.into();
        self.terms.push(term.clone());
        self.term_ids.insert(term, id);
        id
    }

    fn standard_id(&mut self, standard: &str) -> u32 {
        match self.standards.iter().position(|s| **s == *standard) {
            Some(i) => i as u32,
            None => {
                self.standards.push(standard.into());
                self.standards.len() as u32 - 1
            }
        }
    }

    /// The rows of the clause table a document brings: each referenced
    /// clause and, for a clause of a catalog, its ancestors, each pointing
    /// at its parent.
    fn clause_rows(&mut self, site: &Site, e: &Entry<'_>) -> Vec<(u32, Box<str>, ClauseRow)> {
        let mut rows = Vec::new();
        for c in &e.clauses {
            let standard = self.standard_id(&c.standard);
            if let Some(cat) = site.standards.catalog(&c.standard) {
                let mut chain = vec![c.number.as_str()];
                chain.extend(c.ancestors.iter().map(String::as_str));
                for (i, number) in chain.iter().enumerate() {
                    rows.push((
                        standard,
                        (*number).into(),
                        ClauseRow {
                            title: cat.display_title(number),
                            parent: chain.get(i + 1).map(|p| p.to_string()),
                        },
                    ));
                }
            } else {
                rows.push((
                    standard,
                    c.number.as_str().into(),
                    ClauseRow {
                        title: c.title.clone(),
                        parent: None,
                    },
                ));
            }
        }
        rows
    }
}

/// The JSON of a document: `[id, title, url, kind, status, [clause keys],
/// [headings], description, [tags]]`.
fn doc_json(part: &DocPart, numbering: &Numbering) -> String {
    let mut json = String::with_capacity(part.head.len() + part.tail.len() + 64);
    json.push('[');
    json.push_str(&part.head);
    let index = |list: &[&str], v: &str| list.iter().position(|x| *x == v).unwrap_or(0);
    let _ = write!(
        json,
        "{},{},[",
        index(&numbering.kinds, part.kind),
        index(&numbering.statuses, part.status)
    );
    for (i, (standard, number)) in part.clauses.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_json(
            &mut json,
            &format!("{}/{number}", numbering.standard(*standard)),
        );
    }
    json.push(']');
    json.push_str(&part.tail);
    json.push(']');
    json
}

/// The page URL of documents, `%` standing for the slug of the id.
fn url_pattern(site: &Site) -> String {
    crate::resolve::layout::dir_url("documents/%", site.config.clean_links)
}

/// A hash of everything a document's part is made of.
fn entry_hash(e: &Entry<'_>, url_pattern: &str, rows: &[(u32, Box<str>, ClauseRow)]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (e.id, e.title, e.kind, e.status, e.owner, e.tags).hash(&mut h);
    (e.summary, e.url, &e.headings, e.body, url_pattern).hash(&mut h);
    for c in &e.clauses {
        (&c.standard, &c.number, &c.title, &c.ancestors).hash(&mut h);
    }
    rows.hash(&mut h);
    h.finish()
}

/// Append `s` as a JSON string (as serde_json writes it).
fn push_json(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::Value::from(s).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Append a JSON array of strings.
fn push_json_list<S: AsRef<str>>(out: &mut String, list: &[S]) {
    out.push('[');
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json(out, s.as_ref());
    }
    out.push(']');
}

/// A posting list: base-36 gaps, or a `~` bitmap when that is shorter.
#[cfg(test)]
fn encode_postings(docs: &[u32], n_docs: usize) -> String {
    let mut out = String::new();
    encode_postings_into(&mut out, docs, n_docs);
    out
}

/// Append the encoding of a posting list (sorted document numbers): the
/// base-36 gaps, space-separated, or a `~` bitmap when that is shorter.
fn encode_postings_into(out: &mut String, docs: &[u32], n_docs: usize) {
    let bitmap_len = n_docs.div_ceil(6) + 1;
    // Length of the gaps, without writing them.
    let mut gaps_len = docs.len().saturating_sub(1);
    let mut prev = 0;
    for (i, &d) in docs.iter().enumerate() {
        let gap = if i == 0 { d } else { d - prev };
        prev = d;
        gaps_len += base36_len(gap);
        if gaps_len > bitmap_len {
            break;
        }
    }
    if gaps_len <= bitmap_len {
        let mut prev = 0;
        for (i, &d) in docs.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_base36(out, if i == 0 { d } else { d - prev });
            prev = d;
        }
        return;
    }
    let mut bits = vec![0u8; n_docs.div_ceil(6)];
    for &d in docs {
        bits[d as usize / 6] |= 1 << (d % 6);
    }
    // Trailing zero characters carry nothing.
    while bits.last() == Some(&0) {
        bits.pop();
    }
    out.reserve(bits.len() + 1);
    out.push('~');
    out.extend(bits.iter().map(|&b| B64[b as usize] as char));
}

/// Number of base-36 digits of `n`.
fn base36_len(mut n: u32) -> usize {
    let mut len = 1;
    while n >= 36 {
        n /= 36;
        len += 1;
    }
    len
}

fn push_base36(out: &mut String, n: u32) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 8];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

#[cfg(test)]
fn base36(n: u32) -> String {
    let mut out = String::new();
    push_base36(&mut out, n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base36_numbers() {
        // Posting gaps are written in base 36.
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        assert_eq!(base36(1295), "zz");
    }

    #[test]
    fn dense_postings_become_bitmaps() {
        // A term in most documents costs a bit per document, not a number.
        assert_eq!(encode_postings(&[0, 2, 40], 100), "0 2 12");
        let all: Vec<u32> = (0..100).collect();
        let enc = encode_postings(&all, 100);
        assert!(enc.starts_with('~') && enc.len() == 18, "{enc}");
        assert_eq!(encode_postings(&[0, 1, 2, 3, 4, 5, 7], 8), "~_C");
        assert_eq!(encode_postings(&(0..12).collect::<Vec<u32>>(), 12), "~__");
    }
}
