//! The one ranking: which documents a query tree matches and in which
//! order, from statistics every engine has (the number of documents, each
//! term's document count, the fields each term occurs in per document).
//! theme/search.js implements the same ([`run`] is `cbRun`); everything
//! is integer arithmetic, so that both give the same numbers, bit for bit.
//!
//! The formula is documented in [`super`] ("Ranking").

use std::collections::HashMap;

use super::model::bits;
use super::parse::{KeyField, Node, TextField};
pub use super::words::one_edit;

/// Weight of a match in each field ([`bits`] order): id parts, title,
/// headings, tags, clause titles, summary, owner, body, and body again
/// when the word occurs three times or more there.
pub const FIELD_WEIGHTS: [u64; 9] = [30, 40, 15, 20, 15, 15, 10, 10, 10];
/// Quality of a word's match: the word itself, a completion of a word
/// being typed, a term one edit away; a phrase counts as its words.
pub const Q_EXACT: u64 = 4;
pub const Q_PREFIX: u64 = 3;
pub const Q_FUZZY: u64 = 2;
/// Weight of a clause addressed by the document, or one below it.
pub const CLAUSE_DIRECT: u64 = 80;
pub const CLAUSE_BELOW: u64 = 40;
/// Score of a document whose id is the query's, or begins with it.
pub const ID_EXACT: u64 = 16_000_000;
pub const ID_PREFIX: u64 = 4_000_000;
/// At most this many completions of a word, or terms one edit away.
pub const MAX_EXPANSIONS: usize = 50;

/// log2(1 + n / df), in 256ths (from 256, for a term in every document),
/// in integers: `floor(65536 (n + df) / df)` and then eight bits of its
/// logarithm by repeated squaring.
pub fn idf(n: u64, df: u64) -> u64 {
    let df = df.max(1);
    let r = ((n + df) << 16) / df; // Q16, at least 2.0
    let k = 63 - u64::from(r.leading_zeros()); // floor(log2 r)
    let mut y = r >> (k - 16); // Q16 in [1, 2)
    let mut frac = 0;
    for _ in 0..8 {
        y = (y * y) >> 16;
        frac <<= 1;
        if y >= 1 << 17 {
            y >>= 1;
            frac |= 1;
        }
    }
    ((k - 16) << 8) | frac
}

/// The weight of the fields of `mask`.
pub fn field_weight(mask: u16) -> u64 {
    (0..9)
        .filter(|b| mask & (1 << b) != 0)
        .map(|b| FIELD_WEIGHTS[b])
        .sum()
}

/// The fields a word restricted to `field` is looked up in.
pub fn field_mask(field: Option<TextField>) -> u16 {
    match field {
        None => bits::ALL,
        Some(TextField::Title) => bits::TITLE,
        Some(TextField::Headings) => bits::HEADINGS,
        Some(TextField::Summary) => bits::SUMMARY,
        Some(TextField::Body) => bits::BODY | bits::BODY_MANY,
        Some(TextField::Owner) => bits::OWNER,
        Some(TextField::Clausetitle) => bits::CLAUSETITLE,
    }
}

/// How much a document's kind and status weigh on its score, in percent:
/// the documents that define the system (policies, processes, procedures)
/// come before the forms, registers and records that serve them, and
/// retired documents after current ones.
pub fn doc_weight(kind: &str, status: &str) -> u64 {
    let k = match kind {
        "policy" | "process" => 120,
        "procedure" => 112,
        "plan" | "work-instruction" | "agreement" => 104,
        "register" | "record" | "form" => 92,
        _ => 100,
    };
    match status {
        "retired" => k * 6 / 10,
        "draft" | "review" => k * 9 / 10,
        _ => k,
    }
}

/// What an engine must answer for [`run`].
pub trait Source {
    /// Number of documents.
    fn n_docs(&self) -> u64;
    /// (document, fields) of a word or key term, by document; empty when no
    /// document has it.
    fn postings(&self, term: &str) -> Vec<(u32, u16)>;
    /// Number of documents with a term (`postings(term).len()`).
    fn df(&self, term: &str) -> u64;
    /// (document, fields) of a pair (`"a b"`), by document.
    fn pair_postings(&self, pair: &str) -> Vec<(u32, u16)>;
    /// Word terms (not keys) beginning with `prefix`, with their counts,
    /// in term order.
    fn words_with_prefix(&self, prefix: &str) -> Vec<(String, u64)>;
    /// Documents whose lower-case id begins with `prefix`, in order.
    fn ids_with_prefix(&self, prefix: &str) -> Vec<u32>;
    /// The lower-case id of a document.
    fn id(&self, doc: u32) -> String;
    fn kind(&self, doc: u32) -> &str;
    fn status(&self, doc: u32) -> &str;
    /// Catalog ids (lower case) of the standards named by a key.
    fn standards_named(&self, key: &str) -> Vec<String>;
}

/// Documents and their scores.
pub type Scores = HashMap<u32, u64>;

/// The matching documents of `root`, best first (ties in document order,
/// which is id order), with their final scores.
pub fn run(src: &impl Source, root: &Node) -> Vec<(u32, u64)> {
    let scores = eval(src, root);
    let mut hits: Vec<(u32, u64)> = scores
        .into_iter()
        .map(|(d, s)| {
            let w = doc_weight(src.kind(d), src.status(d));
            (d, s * w)
        })
        .collect();
    hits.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    hits
}

/// The terms a word is looked up as, with the quality of each.
pub fn alternatives(
    src: &impl Source,
    text: &str,
    term: &str,
    prefix: bool,
    fuzzy: bool,
) -> Vec<(String, u64)> {
    let mut alts = Vec::new();
    if src.df(term) > 0 {
        alts.push((term.to_string(), Q_EXACT));
    }
    if prefix {
        let p = if text.chars().count() < term.chars().count() {
            text
        } else {
            term
        };
        let mut more: Vec<(String, u64)> = src
            .words_with_prefix(p)
            .into_iter()
            .filter(|(t, _)| t != term)
            .collect();
        more.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        alts.extend(
            more.into_iter()
                .take(MAX_EXPANSIONS)
                .map(|(t, _)| (t, Q_PREFIX)),
        );
    }
    if alts.is_empty() && fuzzy {
        let first: String = term.chars().take(1).collect();
        let mut near: Vec<(String, u64)> = src
            .words_with_prefix(&first)
            .into_iter()
            .filter(|(t, _)| one_edit(t, term))
            .collect();
        near.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        alts.extend(
            near.into_iter()
                .take(MAX_EXPANSIONS)
                .map(|(t, _)| (t, Q_FUZZY)),
        );
    }
    alts
}

/// The runs of words of an AND that follow each other (two or more),
/// none being typed (a prefix), all in the same field: their terms, and
/// the fields they are looked up in.
pub fn adjacent_runs(items: &[Node]) -> Vec<(Vec<String>, u16)> {
    let mut out: Vec<(Vec<String>, u16)> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut run_field = None;
    for item in items.iter().map(Some).chain(std::iter::once(None)) {
        let word = match item {
            Some(Node::Word {
                field,
                term,
                prefix: false,
                ..
            }) => Some((field, term)),
            _ => None,
        };
        if let Some((field, term)) = word
            && (run.is_empty() || run_field == Some(*field))
        {
            run.push(term.clone());
            run_field = Some(*field);
            continue;
        }
        if run.len() >= 2 {
            out.push((std::mem::take(&mut run), field_mask(run_field.flatten())));
        }
        run.clear();
        if let Some((field, term)) = word {
            run.push(term.clone());
            run_field = Some(*field);
        }
    }
    out
}

/// The documents with the terms `terms` side by side in a field of `fm`,
/// and their scores as a phrase.
fn phrase_scores(src: &impl Source, terms: &[String], fm: u16) -> Scores {
    let n = src.n_docs();
    let mut acc: Option<HashMap<u32, (u16, u64)>> = None;
    for w in terms.windows(2) {
        let list = src.pair_postings(&super::analyze::pair(&w[0], &w[1]));
        let idf = idf(n, list.len() as u64);
        let next: HashMap<u32, (u16, u64)> = match &acc {
            None => list.into_iter().map(|(d, m)| (d, (m & fm, idf))).collect(),
            Some(prev) => list
                .into_iter()
                .filter_map(|(d, m)| prev.get(&d).map(|(pm, s)| (d, (pm & m, s + idf))))
                .collect(),
        };
        acc = Some(next);
    }
    acc.unwrap_or_default()
        .into_iter()
        .filter(|(_, (m, _))| *m != 0)
        .map(|(d, (m, idfs))| (d, idfs * field_weight(m) * Q_EXACT))
        .collect()
}

fn eval(src: &impl Source, node: &Node) -> Scores {
    let n = src.n_docs();
    let mut out = Scores::new();
    match node {
        Node::Word {
            field,
            text,
            term,
            prefix,
            fuzzy,
        } => {
            let fm = field_mask(*field);
            for (t, q) in alternatives(src, text, term, *prefix, *fuzzy) {
                let list = src.postings(&t);
                let idf = idf(n, list.len() as u64);
                for (d, m) in list {
                    if m & fm != 0 {
                        let s = idf * field_weight(m & fm) * q;
                        let e = out.entry(d).or_insert(0);
                        *e = (*e).max(s);
                    }
                }
            }
        }
        Node::Phrase { field, terms, .. } => {
            out = phrase_scores(src, terms, field_mask(*field));
        }
        Node::Clause { standard, number } => {
            let stds: Vec<Option<String>> = match standard {
                None => vec![None],
                Some(k) => src.standards_named(k).into_iter().map(Some).collect(),
            };
            // Addressed directly: the best direct score; else below it.
            let mut direct = Scores::new();
            for s in stds {
                let key = match &s {
                    None => number.clone(),
                    Some(s) => format!("{s}/{number}"),
                };
                for (prefix, weight, into) in [
                    ("#c:", CLAUSE_DIRECT, &mut direct),
                    ("#u:", CLAUSE_BELOW, &mut out),
                ] {
                    let list = src.postings(&format!("{prefix}{key}"));
                    let idf = idf(n, list.len() as u64);
                    for (d, _) in list {
                        let e = into.entry(d).or_insert(0);
                        *e = (*e).max(idf * weight * Q_EXACT);
                    }
                }
            }
            out.extend(direct);
        }
        Node::Id { value, prefix } => {
            if *prefix {
                for d in src.ids_with_prefix(value) {
                    let s = if src.id(d) == *value {
                        ID_EXACT
                    } else {
                        ID_PREFIX
                    };
                    out.insert(d, s);
                }
            } else {
                for d in src.ids_with_prefix(value) {
                    let id = src.id(d);
                    if id == *value {
                        out.insert(d, ID_EXACT);
                    } else if matches!(id.as_bytes().get(value.len()), Some(b'-' | b'_' | b'.')) {
                        out.insert(d, ID_PREFIX);
                    }
                }
            }
        }
        Node::Value { field, value } => match field {
            KeyField::Kind | KeyField::Status => {
                for d in 0..n as u32 {
                    let v = if *field == KeyField::Kind {
                        src.kind(d)
                    } else {
                        src.status(d)
                    };
                    if v == value {
                        out.insert(d, 0);
                    }
                }
            }
            KeyField::Tag => {
                for (d, _) in src.postings(&format!("#t:{value}")) {
                    out.insert(d, 0);
                }
            }
        },
        Node::And { items } => {
            let mut first = true;
            let mut excluded: Vec<Scores> = Vec::new();
            for item in items {
                if let Node::Not { item } = item {
                    excluded.push(eval(src, item));
                    continue;
                }
                let s = eval(src, item);
                if first {
                    out = s;
                    first = false;
                } else {
                    out = out
                        .into_iter()
                        .filter_map(|(d, a)| s.get(&d).map(|b| (d, a + b)))
                        .collect();
                }
            }
            for ex in excluded {
                out.retain(|d, _| !ex.contains_key(d));
            }
            // Words typed side by side score as a phrase too, where they
            // are side by side: a title typed whole finds its document first.
            for (terms, fm) in adjacent_runs(items) {
                for (d, bonus) in phrase_scores(src, &terms, fm) {
                    if let Some(s) = out.get_mut(&d) {
                        *s += bonus;
                    }
                }
            }
        }
        Node::Or { items } => {
            for item in items {
                for (d, s) in eval(src, item) {
                    *out.entry(d).or_insert(0) += s;
                }
            }
        }
        // Only inside AND (the parser sees to it).
        Node::Not { .. } => {}
    }
    out
}
