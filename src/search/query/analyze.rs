//! Text analysis shared by every index and by the query parser: how a text
//! becomes the terms that are stored and looked up.
//!
//! theme/search.js implements exactly the same rules (`cbWords`,
//! `cbTerm`, `cbFold`); tests/search_parity.rs checks both on the same
//! texts. The steps:
//!
//! 1. **Words** are runs of word characters: letters (Unicode
//!    `Alphabetic`), digits (Unicode `N`) and combining marks (Unicode
//!    `M`: a decomposed `é`, a Devanagari virama stay in their word).
//!    Everything else separates words: `SMS-PRO-007` is `sms`, `pro`,
//!    `007`; `4.3.2` is `4`, `3`, `2`.
//! 2. **Normalization**: lower case (Unicode default case mapping), then
//!    accents folded: canonical decomposition, the marks U+0300–U+036F
//!    dropped, canonical composition (`Café` → `cafe`, `Ærø` → `ærø`,
//!    `İ` → `i`); a final sigma becomes `σ`. Other marks (Devanagari vowel
//!    signs, …) are kept. `ß` stays `ß`.
//! 3. **CJK**: Han ideographs, Hiragana and Katakana are not separated by
//!    spaces, so a run of them is cut into overlapping pairs of characters
//!    (`情報管理` → `情報`, `報管`, `管理`; one character alone stays
//!    itself). Other scripts keep whole words (Hangul, Thai as written).
//! 4. **Terms**: a word of fewer than 2 or more than 30 characters, or a
//!    stop word ([`STOP_WORDS`]: `the`, `and`, `of`, …), is not a term
//!    (CJK pairs and single CJK characters always are). A word of ASCII
//!    letters is reduced to its English stem ([`stem`]: `changes`,
//!    `changed`, `changing` → `chang`); other words are kept as they are.
//! 5. **Pairs**: two terms that follow each other in one text (stop words
//!    and dropped words skipped) form a pair, `"emergenc chang"`: phrases
//!    are looked up as pairs.

use unicode_normalization::UnicodeNormalization;

pub use crate::search::text::{STOP_WORDS, is_stop_word, stem};

/// Longest word kept as a term, in characters.
pub const MAX_TERM_CHARS: usize = 30;

/// Whether `c` belongs to a word (see the module doc).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && unicode_normalization::char::is_combining_mark(c))
}

/// The combining diacritical marks that folding removes.
fn is_folded_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Han, Hiragana and Katakana: scripts written without spaces, cut into
/// pairs of characters.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'     // Hiragana, Katakana
        | '\u{31f0}'..='\u{31ff}'   // Katakana phonetic extensions
        | '\u{3400}'..='\u{4dbf}'   // CJK extension A
        | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ff9f}'   // halfwidth Katakana
        | '\u{20000}'..='\u{3ffff}' // CJK extensions B and later
    )
}

/// Lower case and fold accents (step 2 of the module doc).
pub fn normalize(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let lower = word.to_lowercase();
    let folded: String = lower.nfd().filter(|c| !is_folded_mark(*c)).nfc().collect();
    folded.replace('ς', "σ")
}

/// The normalized words of `text`, CJK runs cut into pairs of characters
/// (steps 1–3), in order.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

/// Call `f` with each normalized word of `text` (see [`words`]).
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    for raw in text.split(|c: char| !is_word_char(c)) {
        if raw.is_empty() {
            continue;
        }
        if raw.is_ascii() {
            if raw.bytes().any(|b| b.is_ascii_uppercase()) {
                f(&raw.to_ascii_lowercase());
            } else {
                f(raw);
            }
            continue;
        }
        let word = normalize(raw);
        split_cjk(&word, &mut f);
    }
}

/// Cut a normalized word into its CJK and other parts, CJK parts into
/// pairs of characters.
fn split_cjk(word: &str, f: &mut impl FnMut(&str)) {
    if !word.chars().any(is_cjk) {
        if !word.is_empty() {
            f(word);
        }
        return;
    }
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let cjk = is_cjk(chars[i].1);
        let mut j = i;
        while j < chars.len() && is_cjk(chars[j].1) == cjk {
            j += 1;
        }
        let start = chars[i].0;
        let end = chars.get(j).map_or(word.len(), |c| c.0);
        if !cjk || j - i == 1 {
            f(&word[start..end]);
        } else {
            for k in i..j - 1 {
                let a = chars[k].0;
                let b = chars.get(k + 2).map_or(word.len(), |c| c.0);
                f(&word[a..b]);
            }
        }
        i = j;
    }
}

/// Whether a normalized word is a CJK word (a pair or a single character).
pub fn is_cjk_word(word: &str) -> bool {
    word.chars().next().is_some_and(is_cjk)
}

/// The term of a normalized word, or `None` when it is not stored (step 4).
pub fn term(word: &str) -> Option<String> {
    if is_cjk_word(word) {
        return Some(word.to_string());
    }
    let n = word.chars().count();
    if !(2..=MAX_TERM_CHARS).contains(&n) || is_stop_word(word) {
        return None;
    }
    Some(stem(word))
}

/// The terms of `text`, in order (stop words and dropped words left out).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.extend(term(w)));
    out
}

/// The key of a pair of terms (step 5).
pub fn pair(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + b.len() + 1);
    pair_into(&mut out, a, b);
    out
}

/// [`pair`] written into `out` (cleared first), for a loop that reuses
/// one buffer.
pub fn pair_into(out: &mut String, a: &str, b: &str) {
    out.clear();
    out.push_str(a);
    out.push(' ');
    out.push_str(b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        // "Café" finds "cafe", whatever the case or the encoding of the accent.
        assert_eq!(words("Café CAFÉ cafe\u{301}"), ["cafe", "cafe", "cafe"]);
        assert_eq!(words("Ærø İstanbul ΟΔΟΣ"), ["ærø", "istanbul", "οδοσ"]);
        assert_eq!(words("Straße"), ["straße"]);
        // Marks outside the diacritical block are kept (Devanagari).
        assert_eq!(words("प्रबंधन"), ["प्रबंधन"]);
    }

    #[test]
    fn cuts_cjk_into_pairs() {
        // Japanese and Chinese text is searchable without spaces.
        assert_eq!(words("情報管理"), ["情報", "報管", "管理"]);
        assert_eq!(words("ISO情報"), ["iso", "情報"]);
        assert_eq!(words("情 x"), ["情", "x"]);
        assert_eq!(terms("情 x"), ["情"]);
    }

    #[test]
    fn terms_drop_stop_and_short_words() {
        // Stop words and one-letter words are not indexed; English words are stemmed.
        assert_eq!(
            terms("The changes to a policy (4.3.2) SMS-PRO-007"),
            ["chang", "policy", "sms", "pro", "007"]
        );
        assert_eq!(terms(&"x".repeat(31)), Vec::<String>::new());
    }
}
