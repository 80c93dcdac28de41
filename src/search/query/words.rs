//! Words of a query: fields, prefixes, ids, clause numbers, standards.

use super::analyze;
use super::ast::{Node, TextField};

/// `name:value` when `name` is letters only.
pub(super) fn split_field(w: &str) -> Option<(&str, &str)> {
    let (name, value) = w.split_once(':')?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Some((name, value))
}

/// A token without the punctuation around it (a colon or full stop
/// ending a word, quotes of a word in 'single quotes').
pub(super) fn trim_punct(w: &str) -> &str {
    let p = |c: char| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '‘' | '’');
    w.trim_start_matches(p).trim_end_matches(p)
}

/// A word (or a CJK pair) completed as a prefix.
pub(super) fn prefix_word(word: &str, field: Option<TextField>) -> Node {
    Node::Word {
        field,
        text: word.to_string(),
        term: if analyze::is_cjk_word(word) {
            word.to_string()
        } else {
            analyze::stem(word)
        },
        prefix: true,
        fuzzy: fuzzy(word),
    }
}

pub(super) fn fuzzy(word: &str) -> bool {
    !analyze::is_cjk_word(word) && word.chars().count() >= 5
}

/// The node of one normalized word, if it is a term.
pub(super) fn word_node(word: &str, field: Option<TextField>) -> Option<Node> {
    let term = analyze::term(word)?;
    Some(Node::Word {
        field,
        text: word.to_string(),
        term,
        prefix: false,
        fuzzy: fuzzy(word),
    })
}

/// The words of a text: a word, a phrase, or nothing.
pub(super) fn text_node(text: &str, field: Option<TextField>, typing: bool) -> Option<Node> {
    let ws = analyze::words(text);
    if typing && ws.len() == 1 {
        if ws[0].chars().count() >= 2 || analyze::is_cjk_word(&ws[0]) {
            return Some(prefix_word(&ws[0], field));
        }
        return None;
    }
    let kept: Vec<&String> = ws.iter().filter(|w| analyze::term(w).is_some()).collect();
    match kept.len() {
        0 => None,
        1 => word_node(kept[0], field),
        _ => Some(Node::Phrase {
            field,
            text: ws.join(" "),
            terms: kept.iter().filter_map(|w| analyze::term(w)).collect(),
        }),
    }
}

/// A quoted phrase.
pub(super) fn phrase(text: &str, field: Option<TextField>) -> Option<Node> {
    text_node(text, field, false)
}

/// A tag as stored: normalized words, one space between them.
pub fn tag_key(tag: &str) -> String {
    tag.split_whitespace()
        .map(analyze::normalize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a token looks like a document id: letters, digits, `.`, `_`
/// and `-`, with a `-` or `_` inside, starting and ending with a letter or
/// digit.
pub(super) fn is_id_like(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 3
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.iter().any(|c| matches!(c, b'-' | b'_'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A clause number (`8`, `8.2`, `A.5.1`, `4.3.` with its full stop
/// dropped), lower case.
pub fn clause_number(w: &str) -> Option<String> {
    let w = w.strip_suffix('.').unwrap_or(w);
    let b = w.as_bytes();
    let rest = if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b'.' {
        &w[2..]
    } else {
        w
    };
    if rest.is_empty() {
        return None;
    }
    for part in rest.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    Some(w.to_ascii_lowercase())
}

/// Whether a token names a standard by number: `9001`, `20000-1`,
/// `iso9001`, `ISO/IEC20000-1:2011`, `9001:2015`.
pub(super) fn is_standard(w: &str) -> bool {
    let lower = w.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("iso/iec")
        .or_else(|| lower.strip_prefix("iso"))
        .unwrap_or(&lower);
    let (main, year) = match rest.split_once(':') {
        Some((m, y)) => (m, Some(y)),
        None => (rest, None),
    };
    if year.is_some_and(|y| y.len() != 4 || !y.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let (number, part) = match main.split_once('-') {
        Some((n, p)) => (n, Some(p)),
        None => (main, None),
    };
    (4..=5).contains(&number.len())
        && number.bytes().all(|c| c.is_ascii_digit())
        && part.is_none_or(|p| (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
}

/// `iso20000-1:2011/8.1`, `9001/8.2`: a standard and a clause number in
/// one token.
pub(super) fn split_std_ref(w: &str) -> Option<(String, String)> {
    let (std, number) = w.rsplit_once('/')?;
    let number = clause_number(number)?;
    let ok = !std.is_empty()
        && std.as_bytes()[0].is_ascii_alphanumeric()
        && std
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'.' | b'_' | b'-' | b'/'));
    ok.then(|| (std_key(std), number))
}

/// A clause reference as the value of `clause:`.
pub(super) fn clause_ref(w: &str) -> Option<Node> {
    if let Some((standard, number)) = split_std_ref(w) {
        return Some(Node::Clause {
            standard: Some(standard),
            number,
        });
    }
    clause_number(w).map(|number| Node::Clause {
        standard: None,
        number,
    })
}

/// The key a standard is compared by: lower case, only letters, digits,
/// `:` and `-` kept, a leading `iso`, `iso/iec` or `iec` dropped
/// (`ISO/IEC 20000-1:2011` and `iso20000-1:2011` are both `20000-1:2011`).
pub fn std_key(s: &str) -> String {
    let kept: String = s
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-'))
        .collect();
    for p in ["isoiec", "iso", "iec"] {
        if let Some(rest) = kept.strip_prefix(p)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    kept
}

/// Whether `a` and `b` (different) are one edit apart: a letter added,
/// removed or replaced, or two neighbours swapped.
pub fn one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let i = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        if i == short.len() {
            return false;
        }
        // Replaced, or swapped with the next.
        short[i + 1..] == long[i + 1..]
            || (i + 1 < short.len()
                && short[i] == long[i + 1]
                && short[i + 1] == long[i]
                && short[i + 2..] == long[i + 2..])
    } else {
        short[i..] == long[i + 1..]
    }
}
