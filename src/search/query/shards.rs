//! The sharded static index (version 2): a [`Model`] written as small
//! scripts that theme/search.js loads one by one, as a query needs them,
//! with `<script>` tags (so that it works from `file://`).
//!
//! `search/index.js`, the root, loaded on the first query:
//!
//! ```text
//! window.CLAUSEBOOK_SEARCH = {
//!   "version": 2, "n": 10000,                       // documents
//!   "url": "documents/%/index.html",                // page of a document: % = slug of its id
//!   "kinds": ["policy", …], "statuses": ["approved", …],
//!   "declared": ["manual", …],                      // the kinds the site declares (`kind:` accepts them)
//!   "ks": "AAbE…", "ksw": 1,                        // per document: kind × statuses + status, in B64, ksw characters each
//!   "standards": [{"id", "name", "keys": […], "url": "standards/iso20000-1-2011/%/index.html" or null}, …],
//!   "words": [["", "w/0.1a2b3c4d.js"], ["chang", "w/1.….js"], …],   // first term of each word shard
//!   "pairs": [["", "p/0.….js"], …],                                  // first pair of each pair shard
//!   "meta": {"size": 16, "first": ["gen-frm-00001", …], "files": […], "sorted": true},
//!   "clauses": "c.….js"
//! };
//! ```
//!
//! Every other file sets one entry of `self.CLAUSEBOOK_SEARCH_SHARDS`,
//! named by its path relative to `search/`, and is named after a hash of
//! its content (a browser never mixes shards of two builds):
//!
//! - word shards `w/N.HASH.js`: `{"t": [terms], "d": [document counts],
//!   "p": [postings]}`, the terms (words, and the `#` keys of [`Model`])
//!   in UTF-16 order (JavaScript's), cut into shards of about
//!   [`WORD_SHARD_BYTES`];
//! - pair shards `p/N.HASH.js`: the same for pairs (`"emergenc chang"`);
//! - document shards `m/N.HASH.js`: `{"docs": [[id, title, url or "", kind,
//!   status, [[standard, number, anchor]], [[heading, anchor]],
//!   description, [tags]], …]}`, [`META_DOCS`] documents each, in id
//!   order (the URL is empty when the pattern gives it);
//! - the clause table `c.HASH.js`: `{"clauses": [[[number, title,
//!   depth], …] per standard]}` (empty for standards out of scope).
//!
//! A posting list is a string of groups, one per set of fields (mask):
//! the mask, then either `2 × count` and the documents (the first, then
//! each gap less one), or `2 × length + 1` and a bitmap of that many
//! characters (document `6k + b` is bit `b` of character `k`), whichever is
//! shorter. Numbers are variable-length in the alphabet `A–Z a–z 0–9 - _`:
//! five bits per character, most significant first, 32 added to every
//! character but the last.
//!
//! `ks` gives the kind and status of every document without loading its
//! shard: enough to filter and to weigh results, and for the kind and
//! status facets.

use std::fmt::Write as _;

use super::model::Model;
use crate::base::diag::Diagnostic;
use crate::base::output::{OutputFile, Sink};

/// The base-64 alphabet of numbers, bitmaps and `ks`.
pub const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// About this many bytes of terms and postings per word or pair shard.
pub const WORD_SHARD_BYTES: usize = 16_000;
/// Documents per document shard.
pub const META_DOCS: usize = 16;
/// Headings kept per document, and characters per heading.
pub const META_HEADINGS: usize = 12;
pub const HEADING_CHARS: usize = 80;

/// Append `n` as a variable-length number.
pub fn push_varint(out: &mut String, n: u64) {
    let mut groups = [0u8; 13];
    let mut k = 0;
    let mut n = n;
    loop {
        groups[k] = (n & 31) as u8;
        k += 1;
        n >>= 5;
        if n == 0 {
            break;
        }
    }
    for i in (0..k).rev() {
        let more = if i > 0 { 32 } else { 0 };
        out.push(B64[(groups[i] | more) as usize] as char);
    }
}

fn varint_len(n: u64) -> usize {
    let bits = 64 - n.leading_zeros() as usize;
    bits.div_ceil(5).max(1)
}

/// Encode a posting list (by document) as [the module doc](self) says.
pub fn encode_postings(list: &[(u32, u16)]) -> String {
    let mut masks: Vec<u16> = list.iter().map(|p| p.1).collect();
    masks.sort_unstable();
    masks.dedup();
    let mut out = String::new();
    for mask in masks {
        let docs: Vec<u32> = list.iter().filter(|p| p.1 == mask).map(|p| p.0).collect();
        push_varint(&mut out, u64::from(mask));
        let mut gaps_len = 0;
        let mut prev: Option<u32> = None;
        for &d in &docs {
            gaps_len += varint_len(u64::from(prev.map_or(d, |p| d - p - 1)));
            prev = Some(d);
        }
        gaps_len += varint_len(docs.len() as u64 * 2);
        let last = *docs.last().unwrap_or(&0) as usize;
        let bitmap_chars = last / 6 + 1;
        let bitmap_len = bitmap_chars + varint_len(bitmap_chars as u64 * 2 + 1);
        if gaps_len <= bitmap_len {
            push_varint(&mut out, docs.len() as u64 * 2);
            let mut prev: Option<u32> = None;
            for &d in &docs {
                push_varint(&mut out, u64::from(prev.map_or(d, |p| d - p - 1)));
                prev = Some(d);
            }
        } else {
            push_varint(&mut out, bitmap_chars as u64 * 2 + 1);
            let mut bitmap = vec![0u8; bitmap_chars];
            for &d in &docs {
                bitmap[d as usize / 6] |= 1 << (d % 6);
            }
            out.extend(bitmap.iter().map(|&b| B64[b as usize] as char));
        }
    }
    out
}

/// Decode a posting list (for tests and tools; theme/search.js has its own).
pub fn decode_postings(s: &str) -> Option<Vec<(u32, u16)>> {
    let b = s.as_bytes();
    let mut i = 0;
    let next = |i: &mut usize| -> Option<u64> {
        let mut n = 0u64;
        loop {
            let ch = *b.get(*i)?;
            let v = B64.iter().position(|&c| c == ch)? as u64;
            *i += 1;
            n = (n << 5) | (v & 31);
            if v & 32 == 0 {
                return Some(n);
            }
        }
    };
    let mut out = Vec::new();
    while i < b.len() {
        let mask = next(&mut i)? as u16;
        let header = next(&mut i)?;
        if header % 2 == 0 {
            let mut prev: Option<u64> = None;
            for _ in 0..header / 2 {
                let g = next(&mut i)?;
                let d = prev.map_or(g, |p| p + g + 1);
                out.push((d as u32, mask));
                prev = Some(d);
            }
        } else {
            for k in 0..(header / 2) as usize {
                let ch = *b.get(i)?;
                let v = B64.iter().position(|&c| c == ch)?;
                i += 1;
                for bit in 0..6 {
                    if v & (1 << bit) != 0 {
                        out.push(((k * 6 + bit) as u32, mask));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    Some(out)
}

/// The order of the dictionaries: UTF-16 code units, as JavaScript
/// compares strings.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// FNV-1a, for file names.
fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", (h >> 32) ^ (h & 0xffff_ffff))
}

/// Append `s` as a JSON string.
fn push_json(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
        || s.contains(['\u{2028}', '\u{2029}'])
    {
        out.push_str(&serde_json::Value::from(s).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// A shard script for `name` (its path under `search/`).
fn shard_script(dir: &str, n: usize, body: &str) -> (String, String) {
    let name = format!("{dir}{n}.{}.js", hash(body.as_bytes()));
    let mut script = String::with_capacity(body.len() + 80);
    script.push_str("(self.CLAUSEBOOK_SEARCH_SHARDS=self.CLAUSEBOOK_SEARCH_SHARDS||{})[");
    push_json(&mut script, &name);
    script.push_str("]=");
    script.push_str(body);
    script.push_str(";\n");
    (name, script)
}

/// Cut sorted (key, document count, postings) into shards; returns the
/// root's list of (first key, file) and the files.
fn dictionary(dir: &str, entries: &[(String, usize, String)]) -> (String, Vec<OutputFile>) {
    let mut list = String::from("[");
    let mut files = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start;
        let mut size = 0;
        while end < entries.len() && (end == start || size < WORD_SHARD_BYTES) {
            size += entries[end].0.len() + entries[end].2.len() + 12;
            end += 1;
        }
        let part = &entries[start..end];
        let mut body = String::with_capacity(size + 64);
        body.push_str("{\"t\":[");
        for (i, e) in part.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            push_json(&mut body, &e.0);
        }
        body.push_str("],\"d\":[");
        for (i, e) in part.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            let _ = write!(body, "{}", e.1);
        }
        body.push_str("],\"p\":[");
        for (i, e) in part.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push('"');
            body.push_str(&e.2);
            body.push('"');
        }
        body.push_str("]}");
        let (name, script) = shard_script(dir, files.len(), &body);
        if !files.is_empty() {
            list.push(',');
        }
        list.push('[');
        // The first shard starts at the smallest string.
        push_json(&mut list, if files.is_empty() { "" } else { &part[0].0 });
        list.push(',');
        push_json(&mut list, &name);
        list.push(']');
        files.push(OutputFile {
            path: format!("search/{name}"),
            bytes: script.into_bytes(),
        });
        start = end;
    }
    list.push(']');
    (list, files)
}

/// The files of the static index of the published documents of `site`.
pub fn site_files(site: &crate::resolve::Site) -> Vec<OutputFile> {
    build(&Model::of_site(site), &url_pattern(site))
}

/// The page of a document, `%` standing for the slug of its id.
pub fn url_pattern(site: &crate::resolve::Site) -> String {
    crate::resolve::layout::dir_url("documents/%", site.config.clean_links)
}

/// The kinds and statuses the documents of `model` have (sorted), and
/// `ks`: per document its kind × statuses + status, in [`B64`], in `ksw`
/// characters (one, two when the site has many kinds).
fn kinds_and_statuses(model: &Model) -> (Vec<&str>, Vec<&str>, String, usize) {
    let mut kinds: Vec<&str> = Vec::new();
    let mut statuses: Vec<&str> = Vec::new();
    for d in &model.docs {
        if !kinds.contains(&d.kind) {
            kinds.push(d.kind);
        }
        if !statuses.contains(&d.status) {
            statuses.push(d.status);
        }
    }
    kinds.sort_unstable();
    statuses.sort_unstable();
    let index = |list: &[&str], v: &str| list.iter().position(|x| *x == v).unwrap_or(0);
    let ksw = if kinds.len() * statuses.len() <= B64.len() {
        1
    } else {
        2
    };
    let mut ks = String::with_capacity(model.docs.len() * ksw);
    for d in &model.docs {
        let code = index(&kinds, d.kind) * statuses.len() + index(&statuses, d.status);
        if ksw == 2 {
            ks.push(B64[(code / B64.len()) % B64.len()] as char);
        }
        ks.push(B64[code % B64.len()] as char);
    }
    (kinds, statuses, ks, ksw)
}

/// The files of the static index of `model`: `search/index.js` and its
/// shards. `url_pattern` is the page of a document (`%`: the slug of its id).
pub fn build(model: &Model, url_pattern: &str) -> Vec<OutputFile> {
    // A sink that collects cannot fail.
    crate::base::output::collected(|sink| build_into(model, url_pattern, sink)).unwrap_or_default()
}

/// [`build`], each part's files handed to `sink` as soon as the part is
/// made (the word and pair lists are freed before the next part). Returns
/// how many files it handed on.
pub fn build_into(model: &Model, url_pattern: &str, sink: Sink<'_>) -> Result<usize, Diagnostic> {
    let mut files = Vec::new();
    let mut handed = 0;
    let mut hand_on = |files: &mut Vec<OutputFile>| -> Result<(), Diagnostic> {
        for f in files.drain(..) {
            sink(f)?;
            handed += 1;
        }
        Ok(())
    };

    // Words and keys.
    let mut words: Vec<(String, usize, String)> = model
        .terms
        .iter()
        .zip(&model.postings)
        .filter(|(_, p)| !p.is_empty())
        .map(|(t, p)| (t.to_string(), p.len(), encode_postings(&p.to_vec())))
        .collect();
    words.sort_unstable_by(|a, b| js_cmp(&a.0, &b.0));
    let (word_list, mut word_files) = dictionary("w/", &words);
    drop(words);
    hand_on(&mut word_files)?;

    let mut pairs: Vec<(String, usize, String)> = (0..model.pairs.len())
        .filter(|&p| !model.pair_postings[p].is_empty())
        .map(|p| {
            let list = &model.pair_postings[p];
            (
                model.pair_text(p),
                list.len(),
                encode_postings(&list.to_vec()),
            )
        })
        .collect();
    pairs.sort_unstable_by(|a, b| js_cmp(&a.0, &b.0));
    let (pair_list, mut pair_files) = dictionary("p/", &pairs);
    drop(pairs);
    hand_on(&mut pair_files)?;

    // Documents.
    let (kinds, statuses, ks, ksw) = kinds_and_statuses(model);
    let (meta_first, meta_files, sorted) = doc_shards(model, url_pattern, &mut files);
    hand_on(&mut files)?;

    // Clauses of the standards in scope.
    let mut body = String::from("{\"clauses\":[");
    for (i, s) in model.standards.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push('[');
        if s.clause_url.is_some() {
            for (j, (num, title, depth)) in s.clauses.iter().enumerate() {
                if j > 0 {
                    body.push(',');
                }
                body.push('[');
                push_json(&mut body, num);
                body.push(',');
                push_json(&mut body, title);
                let _ = write!(body, ",{depth}]");
            }
        }
        body.push(']');
    }
    body.push_str("]}");
    let (clauses_name, script) = shard_script("c", 0, &body);
    files.push(OutputFile {
        path: format!("search/{clauses_name}"),
        bytes: script.into_bytes(),
    });

    // The root.
    let mut root = String::from(
        "/* Clausebook search index (version 2): generated by `clausebook build`, read by theme/search.js. */\n\
         window.CLAUSEBOOK_SEARCH = {\"version\":2,\"n\":",
    );
    let _ = write!(root, "{}", model.docs.len());
    root.push_str(",\"url\":");
    push_json(&mut root, url_pattern);
    root.push_str(",\"kinds\":[");
    for (i, k) in kinds.iter().enumerate() {
        if i > 0 {
            root.push(',');
        }
        push_json(&mut root, k);
    }
    root.push_str("],\"statuses\":[");
    for (i, s) in statuses.iter().enumerate() {
        if i > 0 {
            root.push(',');
        }
        push_json(&mut root, s);
    }
    root.push_str("],\"declared\":[");
    for (i, k) in model.declared.iter().enumerate() {
        if i > 0 {
            root.push(',');
        }
        push_json(&mut root, k);
    }
    root.push_str("],\"ks\":\"");
    root.push_str(&ks);
    let _ = write!(root, "\",\"ksw\":{ksw},\"standards\":[");
    for (i, s) in model.standards.iter().enumerate() {
        if i > 0 {
            root.push(',');
        }
        root.push_str("{\"id\":");
        push_json(&mut root, &s.id);
        root.push_str(",\"name\":");
        push_json(&mut root, &s.name);
        root.push_str(",\"keys\":[");
        for (j, k) in s.keys.iter().enumerate() {
            if j > 0 {
                root.push(',');
            }
            push_json(&mut root, k);
        }
        root.push_str("],\"url\":");
        match &s.clause_url {
            Some(u) => push_json(&mut root, u),
            None => root.push_str("null"),
        }
        root.push('}');
    }
    root.push_str("],\"words\":");
    root.push_str(&word_list);
    root.push_str(",\"pairs\":");
    root.push_str(&pair_list);
    let _ = write!(
        root,
        ",\"meta\":{{\"size\":{META_DOCS},\"sorted\":{sorted},\"first\":"
    );
    root.push_str(&meta_first);
    root.push_str(",\"files\":");
    root.push_str(&meta_files);
    root.push_str("},\"clauses\":");
    push_json(&mut root, &clauses_name);
    root.push_str("};\n");
    files.push(OutputFile {
        path: "search/index.js".to_string(),
        bytes: root.into_bytes(),
    });
    hand_on(&mut files)?;
    Ok(handed)
}

/// The document shards of `model` (added to `files`): the JSON lists of
/// the first id and the name of each, and whether the ids are in order.
fn doc_shards(
    model: &Model,
    url_pattern: &str,
    files: &mut Vec<OutputFile>,
) -> (String, String, bool) {
    let ids: Vec<String> = model.docs.iter().map(|d| d.id.to_lowercase()).collect();
    let sorted = ids.windows(2).all(|w| js_cmp(&w[0], &w[1]).is_le());
    let mut meta_first = String::from("[");
    let mut meta_files = String::from("[");
    for (k, chunk) in model.docs.chunks(META_DOCS).enumerate() {
        let mut body = String::from("{\"docs\":[");
        for (i, d) in chunk.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push('[');
            push_json(&mut body, &d.id);
            body.push(',');
            push_json(&mut body, &d.title);
            body.push(',');
            let derived = url_pattern.replace('%', &crate::resolve::layout::doc_slug(&d.id));
            push_json(&mut body, if derived == d.url { "" } else { &d.url });
            body.push(',');
            push_json(&mut body, d.kind);
            body.push(',');
            push_json(&mut body, d.status);
            body.push_str(",[");
            for (j, (si, num, anchor)) in d.clauses.iter().enumerate() {
                if j > 0 {
                    body.push(',');
                }
                let _ = write!(body, "[{si},");
                push_json(&mut body, num);
                body.push(',');
                push_json(&mut body, anchor);
                body.push(']');
            }
            body.push_str("],[");
            for (j, (h, anchor)) in d.headings.iter().take(META_HEADINGS).enumerate() {
                if j > 0 {
                    body.push(',');
                }
                body.push('[');
                push_json(&mut body, &crate::search::text::shorten(h, HEADING_CHARS));
                body.push(',');
                push_json(&mut body, anchor);
                body.push(']');
            }
            body.push_str("],");
            push_json(&mut body, &d.description);
            body.push_str(",[");
            for (j, t) in d.tags.iter().enumerate() {
                if j > 0 {
                    body.push(',');
                }
                push_json(&mut body, t);
            }
            body.push_str("]]");
        }
        body.push_str("]}");
        let (name, script) = shard_script("m/", k, &body);
        if k > 0 {
            meta_first.push(',');
            meta_files.push(',');
        }
        push_json(&mut meta_first, &ids[k * META_DOCS]);
        push_json(&mut meta_files, &name);
        files.push(OutputFile {
            path: format!("search/{name}"),
            bytes: script.into_bytes(),
        });
    }
    meta_first.push(']');
    meta_files.push(']');
    (meta_first, meta_files, sorted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        // Every posting list reads back as written, sparse or dense, with several field masks.
        let sparse = vec![(0, 128), (5, 128), (40, 130), (1000, 128)];
        assert_eq!(decode_postings(&encode_postings(&sparse)).unwrap(), sparse);
        let dense: Vec<(u32, u16)> = (0..500)
            .map(|d| (d, if d % 7 == 0 { 2 } else { 128 }))
            .collect();
        let enc = encode_postings(&dense);
        assert!(enc.len() < 200, "{} characters", enc.len());
        assert_eq!(decode_postings(&enc).unwrap(), dense);
        let mut s = String::new();
        push_varint(&mut s, 31);
        push_varint(&mut s, 32);
        push_varint(&mut s, 1023);
        assert_eq!(s, "fhA_f");
    }
}
