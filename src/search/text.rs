//! Word splitting and "stemming-lite" for the static browser index.
//!
//! theme/search.js implements the very same rules (`words`, `stem`,
//! `STOP`): the build stems the body terms here, the page stems the query
//! there, and both must agree. Change one, change the other (the test
//! `stem_matches_the_browser_script` keeps them honest).

/// Words too common to help find a document; never stored as body terms.
pub const STOP_WORDS: &[&str] = &[
    "a", "all", "an", "and", "any", "are", "as", "at", "be", "been", "by", "can", "do", "does",
    "for", "from", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "no", "not",
    "of", "on", "or", "our", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "to", "us", "was", "we", "were", "what", "when", "where", "which",
    "who", "why", "will", "with", "you", "your",
];

/// Whether `w` (lowercase) is a stop word.
pub fn is_stop_word(w: &str) -> bool {
    STOP_WORDS.binary_search(&w).is_ok()
}

/// Lowercase words: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
}

/// Reduce an English word to a crude stem, so that "changes", "changed"
/// and "changing" all give "chang". Only plain ASCII words are touched.
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    let mut w = word.to_string();
    // Plurals.
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    }
    // Past tense and gerunds.
    let mut stripped = false;
    if w.ends_with("ied") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("ing") && w.len() > 5 {
        w.truncate(w.len() - 3);
        stripped = true;
    } else if w.ends_with("ed") && w.len() > 4 && !w.ends_with("eed") {
        w.truncate(w.len() - 2);
        stripped = true;
    }
    let b = w.as_bytes();
    let n = b.len();
    if stripped && n >= 2 && b[n - 1] == b[n - 2] && !b"aeioulsz".contains(&b[n - 1]) {
        // planned -> plann -> plan
        w.truncate(n - 1);
    } else if w.ends_with('e') && w.len() > 4 {
        // change, changes, changed all end as "chang"
        w.truncate(w.len() - 1);
    }
    w
}

/// The terms of a text worth storing for the static index: stemmed words
/// of two characters or more (up to 30), stop words left out.
pub fn index_terms(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text)
        .filter(|w| (2..=30).contains(&w.chars().count()) && !is_stop_word(w))
        .map(|w| stem(&w))
}

/// At most `max` characters of `text` on one line, cut at a word boundary
/// and ended with an ellipsis (no punctuation left dangling before it).
pub fn shorten(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted() {
        // binary_search needs a sorted list.
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn stems() {
        // Inflections of one word meet in one stem.
        for (a, b) in [
            ("change", "changes"),
            ("change", "changed"),
            ("change", "changing"),
            ("policy", "policies"),
            ("supplier", "suppliers"),
            ("plan", "planned"),
            ("process", "processes"),
            ("apply", "applied"),
            ("incident", "incidents"),
            ("raise", "raised"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(stem("need"), "need");
        assert_eq!(stem("café"), "café");
        assert_eq!(stem("4.3.2"), "4.3.2");
    }

    #[test]
    fn splits_words() {
        // Ids and clause numbers split into the words readers type (sms, pro, 007; 4, 3, 2).
        let w: Vec<String> = words("SMS-PRO-007: Raising a Request (4.3.2)").collect();
        assert_eq!(
            w,
            [
                "sms", "pro", "007", "raising", "a", "request", "4", "3", "2"
            ]
        );
        let t: Vec<String> = index_terms("The changes to a policy").collect();
        assert_eq!(t, ["chang", "policy"]);
    }
}
