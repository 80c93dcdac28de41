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

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Entry;
use super::text::{index_terms, shorten};
use crate::site::Site;

/// Length of the description shown under each result.
const DESCRIPTION_CHARS: usize = 140;
/// Headings kept per document.
pub const MAX_HEADINGS: usize = 12;
/// Characters kept of each heading.
pub const HEADING_CHARS: usize = 80;
/// The base-64 alphabet of bitmaps.
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The script text of `search/index.js`.
pub fn build(site: &Site, entries: &[Entry<'_>]) -> String {
    // Standards, numbered in order of first use.
    let mut standards: Vec<String> = Vec::new();
    let mut clauses: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut docs: Vec<Value> = Vec::with_capacity(entries.len());
    // Terms get ids in order of first use; postings are indexed by id.
    let mut vocab: std::collections::HashMap<String, Option<u32>> = Default::default();
    let mut term_ids: std::collections::HashMap<String, u32> = Default::default();
    let mut postings: Vec<Vec<usize>> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut statuses: Vec<&str> = Vec::new();
    let index_of =
        |list: &mut Vec<&'static str>, v: &'static str| match list.iter().position(|x| *x == v) {
            Some(i) => i,
            None => {
                list.push(v);
                list.len() - 1
            }
        };
    let clean = site.config.clean_links;
    let url_pattern = crate::site::dir_url("documents/%", clean);

    for (n, e) in entries.iter().enumerate() {
        let mut keys = Vec::new();
        for c in &e.clauses {
            let si = match standards.iter().position(|s| *s == c.standard) {
                Some(i) => i,
                None => {
                    standards.push(c.standard.clone());
                    standards.len() - 1
                }
            };
            let key = format!("{si}/{}", c.number);
            keys.push(key.clone());
            // The clause and its ancestors, each pointing at its parent.
            if let Some(cat) = site.standards.catalog(&c.standard) {
                let mut chain = vec![c.number.clone()];
                chain.extend(c.ancestors.iter().cloned());
                for (i, number) in chain.iter().enumerate() {
                    let parent = chain
                        .get(i + 1)
                        .map(|p| format!("{si}/{p}"))
                        .unwrap_or_default();
                    clauses
                        .entry(format!("{si}/{number}"))
                        .or_insert_with(|| (cat.display_title(number), parent));
                }
            } else {
                clauses
                    .entry(key)
                    .or_insert_with(|| (c.title.clone(), String::new()));
            }
        }
        let description = if e.summary.trim().is_empty() {
            shorten(e.body, DESCRIPTION_CHARS)
        } else {
            shorten(e.summary, DESCRIPTION_CHARS)
        };
        let derived = url_pattern.replace('%', &crate::site::doc_slug(e.id));
        let url = if derived == e.url { "" } else { e.url };
        let headings: Vec<String> = e
            .headings
            .iter()
            .take(MAX_HEADINGS)
            .map(|h| shorten(h, HEADING_CHARS))
            .collect();
        docs.push(json!([
            e.id,
            e.title,
            url,
            index_of(&mut kinds, e.kind),
            index_of(&mut statuses, e.status),
            keys,
            headings,
            description,
            e.tags,
        ]));

        // Each distinct word is lower-cased, filtered and stemmed once per
        // build (`vocab`), not at every occurrence.
        let mut ids: Vec<u32> = Vec::new();
        for text in [e.body, e.summary, e.owner] {
            for raw in text.split(|c: char| !c.is_alphanumeric()) {
                if raw.is_empty() {
                    continue;
                }
                let id = match vocab.get(raw) {
                    Some(id) => *id,
                    None => {
                        let id = index_terms(raw).next().map(|term| {
                            let next = term_ids.len() as u32;
                            *term_ids.entry(term).or_insert(next)
                        });
                        vocab.insert(raw.to_string(), id);
                        id
                    }
                };
                ids.extend(id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let id = id as usize;
            if postings.len() <= id {
                postings.resize_with(id + 1, Vec::new);
            }
            postings[id].push(n);
        }
    }

    let n_docs = entries.len();
    let mut sorted: Vec<(String, u32)> = term_ids.into_iter().collect();
    sorted.sort_unstable();
    let mut terms = Vec::with_capacity(sorted.len());
    let mut lists = Vec::with_capacity(sorted.len());
    for (term, id) in sorted {
        lists.push(encode_postings(&postings[id as usize], n_docs));
        terms.push(term);
    }
    let clauses: BTreeMap<String, Value> = clauses
        .into_iter()
        .map(|(k, (title, parent))| (k, json!([title, parent])))
        .collect();
    let data = json!({
        "version": 1,
        "url": url_pattern,
        "kinds": kinds,
        "statuses": statuses,
        "standards": standards,
        "clauses": clauses,
        "docs": docs,
        "terms": terms,
        "postings": lists,
    });
    format!(
        "/* Clausebook static search index: generated by `clausebook build`, read by theme/search.js. */\n\
         window.CLAUSEBOOK_SEARCH = {data};\n"
    )
}

/// A posting list: base-36 gaps, or a `~` bitmap when that is shorter.
fn encode_postings(docs: &[usize], n_docs: usize) -> String {
    let mut prev = 0;
    let gaps: Vec<String> = docs
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let gap = if i == 0 { d } else { d - prev };
            prev = d;
            base36(gap)
        })
        .collect();
    let gaps = gaps.join(" ");
    let bitmap_len = n_docs.div_ceil(6) + 1;
    if gaps.len() <= bitmap_len {
        return gaps;
    }
    let mut bits = vec![0u8; n_docs.div_ceil(6)];
    for &d in docs {
        bits[d / 6] |= 1 << (d % 6);
    }
    // Trailing zero characters carry nothing.
    while bits.last() == Some(&0) {
        bits.pop();
    }
    let mut out = String::with_capacity(bits.len() + 1);
    out.push('~');
    out.extend(bits.iter().map(|&b| B64[b as usize] as char));
    out
}

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[n % 36]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
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
        let all: Vec<usize> = (0..100).collect();
        let enc = encode_postings(&all, 100);
        assert!(enc.starts_with('~') && enc.len() == 18, "{enc}");
        assert_eq!(encode_postings(&[0, 1, 2, 3, 4, 5, 7], 8), "~_C");
        assert_eq!(encode_postings(&(0..12).collect::<Vec<_>>(), 12), "~__");
    }
}
