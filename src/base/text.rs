//! Small text helpers that several stages share.

/// "did you mean `x`?" when one name is close, else the list of valid names.
pub fn suggest_from(given: &str, names: &[&str]) -> String {
    let given_l = given.to_lowercase();
    let best = names
        .iter()
        .map(|n| (strsim::jaro_winkler(n, &given_l), n))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, name)) if score > 0.8 => {
            format!("did you mean `{name}`? (one of: {})", names.join(", "))
        }
        _ => format!("use one of: {}", names.join(", ")),
    }
}

/// Whether a link starts with a URL scheme (`https:`, `mailto:` …): a
/// letter, then letters, digits, `+`, `-` or `.`, then `:`.
pub fn has_scheme(s: &str) -> bool {
    let Some(i) = s.find(':') else { return false };
    let scheme = &s[..i];
    scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The heading id derived from its text: lowercase, letters and digits kept,
/// spaces and hyphens become `-`, everything else dropped, runs of `-`
/// collapsed and trimmed.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        // Heading ids are the heading text in lower case, letters and digits kept, words joined by `-`.
        assert_eq!(slugify("5. Emergency changes"), "5-emergency-changes");
        assert_eq!(
            slugify("Roles & responsibilities"),
            "roles-responsibilities"
        );
        assert_eq!(slugify("  Über -- Größe "), "über-größe");
    }
}
