//! What a search answers, whatever the engine: the request, the results
//! (clause pages first, then documents, each saying where it matched),
//! snippets with the query's words marked, and facet counts.
//! theme/search.js builds the same from the sharded index
//! (`clauseHits`, `where`, `markHtml`, `facets`): keep them in step.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::query::analyze;
use super::query::ast::Node;
use super::query::model::{DocInfo, StandardInfo};
use super::query::rank::{Source, alternatives};

/// Why a search failed.
#[derive(Debug)]
pub enum SearchError {
    /// No index where one was expected.
    Missing(std::path::PathBuf),
    /// The query cannot be parsed (exit code 2, HTTP 400).
    Query(String),
    /// The index cannot be read.
    Index(String),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::Missing(p) => write!(f, "no search index in {}", p.display()),
            SearchError::Query(m) => write!(f, "invalid query: {m}"),
            SearchError::Index(m) => write!(f, "cannot read the search index: {m}"),
        }
    }
}

impl std::error::Error for SearchError {}

/// How a query is read ([`super::query::Mode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParseMode {
    /// A submitted query (the CLI, the results page): a malformed query is
    /// a [`SearchError::Query`]; no word is completed.
    #[default]
    Strict,
    /// A query being typed (the search box, the API's default): problems
    /// are repaired and reported as warnings, and the last word, when the
    /// query does not end with a space, also matches the words it begins.
    Lenient,
}

/// How to write a query: the help of every message about one that cannot
/// be run (the CLI's and the API's alike).
pub const QUERY_HELP: &str = "words match anywhere; \"quotes\" for a phrase; +word to require it, \
     -word to exclude it; AND, OR, NOT and (brackets); field:value with title, headings, summary, \
     body, owner, clausetitle, kind, status, tag, id, clause; a clause number such as 8.2 or \
     \"9001 8.2.2\"";

/// One search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query, in the language of [`super::query`].
    pub query: String,
    /// Only documents of this kind (`procedure`, …).
    pub kind: Option<String>,
    /// Only documents with this status (`approved`, …).
    pub status: Option<String>,
    /// Only documents addressing this clause or a clause below it: `8.1`
    /// or `iso20000-1:2011/8.1`.
    pub clause: Option<String>,
    /// Only documents with this tag.
    pub tag: Option<String>,
    /// At most this many results.
    pub limit: usize,
    pub mode: ParseMode,
    /// Kept for callers of the previous engine: live mode
    /// ([`ParseMode::Lenient`]) always completes the last word.
    pub complete_last_word: bool,
    /// Also count the matches by kind, status, standard and clause, tag.
    pub facets: bool,
}

/// Where a document matched: a clause it addresses (the section that
/// addresses it, if any), or a heading with the query's words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Where {
    pub label: String,
    /// Site-relative link: the page, or the section's anchor on it.
    pub href: String,
}

/// One document found.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    /// Page URL, relative to the site root.
    pub url: String,
    /// The one ranking's score ([`super::query::rank`]).
    pub score: u64,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_: Option<Where>,
    /// An HTML fragment: HTML-escaped text, matches wrapped in `<mark>`.
    pub snippet: String,
    /// The snippet as plain text, and the byte ranges of its matches.
    #[serde(skip)]
    pub snippet_text: String,
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
}

/// A clause page among the results, labelled by its standard.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClauseHit {
    pub number: String,
    pub title: String,
    /// Display name of the standard, e.g. `ISO/IEC 20000-1:2011`.
    pub standard: String,
    /// Site-relative URL of the clause page.
    pub url: String,
}

/// Counts of the matching documents by value.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Facets {
    pub kinds: Vec<(String, usize)>,
    pub statuses: Vec<(String, usize)>,
    pub standards: Vec<StandardFacet>,
    pub tags: Vec<(String, usize)>,
}

/// The matches addressing a standard, and each of its top-level clauses.
#[derive(Debug, Clone, Serialize)]
pub struct StandardFacet {
    pub id: String,
    pub name: String,
    pub count: usize,
    /// (number, title, count), for top-level clauses with matches.
    pub clauses: Vec<(String, String, usize)>,
}

/// The answer to a [`SearchRequest`]: the JSON of `clausebook search
/// --json` and of `GET /api/search`.
#[derive(Debug, Clone, Serialize)]
pub struct Hits {
    pub query: String,
    /// Number of matching documents (may exceed `results.len()`).
    pub total: usize,
    /// Clause pages the query names, before the documents.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<ClauseHit>,
    pub results: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Problems with the query that live mode repaired.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A document as a result shows it (stored in the tantivy index as JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub kind: String,
    pub status: String,
    /// (standard index, number, anchor of the section addressing it).
    pub clauses: Vec<(usize, String, String)>,
    /// (heading, anchor), as many as the static index keeps.
    pub headings: Vec<(String, String)>,
    pub description: String,
    pub tags: Vec<String>,
}

impl DocView {
    pub fn of(d: &DocInfo) -> DocView {
        DocView {
            id: d.id.clone(),
            title: d.title.clone(),
            url: d.url.clone(),
            kind: d.kind.to_string(),
            status: d.status.to_string(),
            clauses: d.clauses.clone(),
            headings: d
                .headings
                .iter()
                .take(super::query::shards::META_HEADINGS)
                .map(|(h, a)| {
                    (
                        super::text::shorten(h, super::query::shards::HEADING_CHARS),
                        a.clone(),
                    )
                })
                .collect(),
            description: d.description.clone(),
            tags: d.tags.clone(),
        }
    }
}

/// A standard of the site (the index folder's standards file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StdView {
    pub id: String,
    pub name: String,
    pub keys: Vec<String>,
    /// Clause page pattern (`%`: the number); `None` out of scope.
    pub url: Option<String>,
    /// (number, title, depth); empty out of scope.
    pub clauses: Vec<(String, String, usize)>,
}

impl StdView {
    pub fn of(s: &StandardInfo) -> StdView {
        StdView {
            id: s.id.clone(),
            name: s.name.clone(),
            keys: s.keys.clone(),
            url: s.clause_url.clone(),
            clauses: if s.clause_url.is_some() {
                s.clauses.clone()
            } else {
                Vec::new()
            },
        }
    }
}

/// The leaves of a tree that are not under NOT.
pub fn positives<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match node {
        Node::And { items } | Node::Or { items } => {
            for n in items {
                positives(n, out);
            }
        }
        Node::Not { .. } => {}
        n => out.push(n),
    }
}

/// The terms a highlighted word may have: every alternative of the
/// query's positive words, and the terms of its phrases.
pub fn mark_terms(src: &impl Source, root: &Node) -> HashSet<String> {
    let mut leaves = Vec::new();
    positives(root, &mut leaves);
    let mut set = HashSet::new();
    for n in leaves {
        match n {
            Node::Word {
                text,
                term,
                prefix,
                fuzzy,
                ..
            } => set.extend(
                alternatives(src, text, term, *prefix, *fuzzy)
                    .into_iter()
                    .map(|a| a.0),
            ),
            Node::Phrase { terms, .. } => set.extend(terms.iter().cloned()),
            _ => {}
        }
    }
    set
}

/// The byte ranges of the words of `text` whose term is in `set`.
pub fn marks(text: &str, set: &HashSet<String>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    let check = |s: usize, e: usize, out: &mut Vec<Range<usize>>| {
        let hit = analyze::words(&text[s..e])
            .iter()
            .any(|w| analyze::term(w).is_some_and(|t| set.contains(&t)));
        if hit {
            out.push(s..e);
        }
    };
    for (i, c) in text.char_indices() {
        match (analyze::is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                check(s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        check(s, text.len(), &mut out);
    }
    out
}

/// Escape `text` for HTML, wrapping the `marks` ranges in `<mark>`.
pub fn mark_html(text: &str, marks: &[Range<usize>]) -> String {
    let esc = crate::resolve::markdown::escape_attr;
    let mut out = String::with_capacity(text.len() + marks.len() * 13);
    let mut pos = 0;
    for r in marks {
        if r.start < pos || r.end > text.len() {
            continue;
        }
        out.push_str(&esc(&text[pos..r.start]));
        out.push_str("<mark>");
        out.push_str(&esc(&text[r.start..r.end]));
        out.push_str("</mark>");
        pos = r.end;
    }
    out.push_str(&esc(&text[pos..]));
    out
}

/// Clause pages the query names: by number (`8.2`, `9001 8.2`), else by
/// title, when every positive word of the query is in it.
pub fn clause_hits(root: &Node, stds: &[StdView], limit: usize) -> Vec<ClauseHit> {
    let mut leaves = Vec::new();
    positives(root, &mut leaves);
    // (rank, standard, clause)
    let mut found: Vec<(i64, usize, usize)> = Vec::new();
    let mut numbered = false;
    for n in &leaves {
        if let Node::Clause { standard, number } = n {
            numbered = true;
            for (si, s) in stds.iter().enumerate() {
                if s.url.is_none() || standard.as_ref().is_some_and(|k| !s.keys.contains(k)) {
                    continue;
                }
                for (ci, c) in s.clauses.iter().enumerate() {
                    if c.0.to_lowercase() == *number {
                        found.push((0, si, ci));
                    }
                }
            }
        }
    }
    // (term, text, prefix)
    let mut words: Vec<(String, String, bool)> = Vec::new();
    for n in &leaves {
        match n {
            Node::Word {
                field,
                text,
                term,
                prefix,
                ..
            } if field.is_none() || *field == Some(super::query::ast::TextField::Clausetitle) => {
                words.push((term.clone(), text.clone(), *prefix));
            }
            Node::Phrase { field, terms, .. }
                if field.is_none() || *field == Some(super::query::ast::TextField::Clausetitle) =>
            {
                words.extend(terms.iter().map(|t| (t.clone(), t.clone(), false)));
            }
            _ => {}
        }
    }
    if !words.is_empty() && !numbered {
        for (si, s) in stds.iter().enumerate() {
            if s.url.is_none() {
                continue;
            }
            for (ci, c) in s.clauses.iter().enumerate() {
                let terms = analyze::terms(&c.1);
                let all = words.iter().all(|(term, text, prefix)| {
                    if terms.contains(term) {
                        return true;
                    }
                    let p = if text.chars().count() < term.chars().count() {
                        text
                    } else {
                        term
                    };
                    *prefix && terms.iter().any(|t| t.starts_with(p.as_str()))
                });
                if all {
                    found.push((1 + terms.len() as i64 - words.len() as i64, si, ci));
                }
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .take(limit)
        .map(|(_, si, ci)| {
            let s = &stds[si];
            let c = &s.clauses[ci];
            ClauseHit {
                number: c.0.clone(),
                title: c.1.clone(),
                standard: s.name.clone(),
                url: s.url.as_deref().unwrap_or("").replace('%', &c.0),
            }
        })
        .collect()
}

/// Where in `doc` the query matched: a clause it names (its section, if a
/// section addresses it), else a heading with its words.
pub fn where_of(
    doc: &DocView,
    root: &Node,
    stds: &[StdView],
    set: &HashSet<String>,
) -> Option<Where> {
    let mut leaves = Vec::new();
    positives(root, &mut leaves);
    let link = |anchor: &str| {
        if anchor.is_empty() {
            doc.url.clone()
        } else {
            format!("{}#{anchor}", doc.url)
        }
    };
    for (si, number, anchor) in &doc.clauses {
        let s = stds.get(*si)?;
        let num = number.to_lowercase();
        let named = leaves.iter().any(|n| match n {
            Node::Clause {
                standard,
                number: q,
            } => {
                (num == *q || num.starts_with(&format!("{q}.")))
                    && standard.as_ref().is_none_or(|k| s.keys.contains(k))
            }
            _ => false,
        });
        if named {
            let title = s
                .clauses
                .iter()
                .find(|c| c.0 == *number)
                .map(|c| c.1.as_str())
                .filter(|t| !t.is_empty());
            let label = match title {
                Some(t) => format!("{number} {t}, {}", s.name),
                None => format!("{number}, {}", s.name),
            };
            return Some(Where {
                label,
                href: link(anchor),
            });
        }
    }
    for (heading, anchor) in &doc.headings {
        let hit = analyze::words(heading)
            .iter()
            .any(|w| analyze::term(w).is_some_and(|t| set.contains(&t)));
        if hit {
            return Some(Where {
                label: heading.clone(),
                href: link(anchor),
            });
        }
    }
    None
}
