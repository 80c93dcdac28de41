//! Links in a body: a link to another document (by id, or by relative
//! path to its `.md` file) becomes a link to its page and an edge; a link
//! to a missing document is a located finding.

use pulldown_cmark::{CowStr, LinkType};

use super::rendered::Rendered;
use crate::base::text::has_scheme;
use crate::load::content::Span;
use crate::resolve::links::{Edge, LinkIndex};

pub(super) enum LinkOutcome {
    Keep,
    Rewrite(String),
    Unpublished,
}

pub(super) fn rewrite_link(
    from: usize,
    link_type: LinkType,
    dest: &CowStr<'_>,
    links: &LinkIndex<'_>,
    root: &str,
    span: Span,
    out: &mut Rendered,
) -> LinkOutcome {
    if matches!(link_type, LinkType::Autolink | LinkType::Email) {
        return LinkOutcome::Keep;
    }
    let doc = links.doc(from);
    let dest = dest.trim();
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let anchor = anchor.filter(|a| !a.is_empty()).map(str::to_string);
    if path.is_empty() {
        // Same-page anchor: checked after rendering like any other edge.
        if let Some(a) = anchor {
            out.edges.push(Edge {
                from,
                to: from,
                anchor: Some(a),
                span,
            });
        }
        return LinkOutcome::Keep;
    }
    if has_scheme(path) || path.starts_with('/') || path.starts_with("//") {
        return LinkOutcome::Keep;
    }
    out.lookups.push(format!("id:{}", path.to_lowercase()));
    let target = if let Some(i) = links.find_id(path) {
        Some(i)
    } else if path.ends_with(".md") {
        let resolved = resolve_relative(&doc.content_path, &percent_decode(path));
        if let Some(p) = &resolved {
            out.lookups.push(format!("path:{p}"));
        }
        match resolved.as_deref().and_then(|p| links.find_path(p)) {
            Some(i) => Some(i),
            None => {
                let shown = resolved.unwrap_or_else(|| path.to_string());
                out.suggests = true;
                let help = match links.suggest_path(&shown) {
                    Some(near) => format!(
                        "did you mean `{}` (content/{near})?",
                        relative_link(&doc.content_path, near)
                    ),
                    None => "link to a Markdown file relative to this one, or to a document id, e.g. [text](SMS-PRO-007)".into(),
                };
                out.diags.push(
                    doc.error_at(span, format!("link to a missing file: content/{shown}"))
                        .with_help(help)
                        .with_rule("broken-link"),
                );
                return LinkOutcome::Keep;
            }
        }
    } else if !path.contains('/') && !path.contains('.') {
        let mut d = doc.error_at(span, format!("link to an unknown document id `{path}`"));
        out.suggests = true;
        d.help = Some(match links.suggest_id(path) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "no document has this id; check the `id` in the target's front-matter".into(),
        });
        out.diags.push(d.with_rule("broken-link"));
        return LinkOutcome::Keep;
    } else {
        None
    };
    let Some(to) = target else {
        return LinkOutcome::Keep;
    };
    out.edges.push(Edge {
        from,
        to,
        anchor: anchor.clone(),
        span,
    });
    if !links.published(to) {
        return LinkOutcome::Unpublished;
    }
    let mut url = if to == from {
        String::new()
    } else {
        format!("{root}{}", links.url(to))
    };
    if let Some(a) = anchor {
        url.push('#');
        url.push_str(&a);
    }
    LinkOutcome::Rewrite(url)
}

/// The link from the document at `from` to the file `to` (both below
/// content/): `../forms/f1.md`.
fn relative_link(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut out: Vec<&str> = vec![".."; from_dirs.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// Resolve `link` relative to the folder of `from` (both below `content/`),
/// normalizing `.` and `..`. `None` when it climbs out of `content/`.
pub fn resolve_relative(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        // A link by relative path to a .md file resolves from the linking file's folder and never climbs out of content/.
        assert_eq!(
            resolve_relative("procedures/change.md", "../policies/a.md").as_deref(),
            Some("policies/a.md")
        );
        assert_eq!(resolve_relative("a.md", "./b.md").as_deref(), Some("b.md"));
        assert_eq!(resolve_relative("a.md", "../b.md"), None);
    }

    #[test]
    fn percent() {
        // A link to a file name with escapes (`my%20doc.md`) finds the file; a lone `%` stays as it is.
        assert_eq!(percent_decode("my%20doc.md"), "my doc.md");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
