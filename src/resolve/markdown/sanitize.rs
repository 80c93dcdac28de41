//! Raw HTML and URLs in documents, under `[markdown] raw_html = "sanitize"`
//! (the default): the allow-list handed to [ammonia], the URL schemes that
//! never reach a page, and a scanner that tells authors what the sanitizer
//! removed, at the line and column of their markup.
//!
//! ammonia parses HTML as a browser does (html5ever) and keeps only the
//! listed elements, attributes and URL schemes. The list is ammonia's
//! default (formatting, tables, `details`/`summary`, `kbd`, `sup`/`sub`,
//! `abbr`, images, links) plus what our own Markdown rendering writes
//! (heading ids and classes, footnotes, task-list checkboxes, table
//! alignment, code language classes), because the sanitizer sees our markup
//! too wherever it surrounds the author's.
//!
//! The scanner ([`removals`]) is for messages only: what reaches the page is
//! decided by ammonia alone.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The sanitizer and the sets it was configured with (for the scanner).
struct Policy {
    builder: ammonia::Builder<'static>,
    tags: HashSet<&'static str>,
    clean_content: HashSet<&'static str>,
    tag_attrs: HashMap<&'static str, HashSet<&'static str>>,
    generic: HashSet<&'static str>,
    schemes: HashSet<&'static str>,
}

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input"]);
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id", "class"]);
    }
    b.add_tag_attributes("a", ["class", "aria-hidden"])
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("details", ["open"])
        // Task-list checkboxes: only checkboxes, and never editable.
        .add_tag_attributes("input", ["checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .set_tag_attribute_value("input", "disabled", "")
        // Intranet file shares; `data:` only for raster images (the filter).
        .add_url_schemes(["file", "data"])
        .link_rel(None)
        .attribute_filter(filter_attribute);
    Policy {
        tags: b.clone_tags(),
        clean_content: b.clone_clean_content_tags(),
        tag_attrs: b.clone_tag_attributes(),
        generic: b.clone_generic_attributes(),
        schemes: b.clone_url_schemes(),
        builder: b,
    }
});

/// Sanitize an HTML fragment.
pub fn clean(html: &str) -> String {
    POLICY.builder.clean(html).to_string()
}

/// The last word on attributes that passed the allow-list: `style` only
/// for table alignment, no URL with a dangerous scheme.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let keep = match attribute {
        "style" => is_alignment(value),
        a if is_url_attribute(a) => {
            dangerous_scheme(value, element == "img" && a == "src").is_none()
        }
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

/// `text-align: left|center|right` (what our tables write), nothing else.
fn is_alignment(style: &str) -> bool {
    let s = style.trim().trim_end_matches(';').trim();
    let Some((name, value)) = s.split_once(':') else {
        return false;
    };
    name.trim().eq_ignore_ascii_case("text-align")
        && ["left", "center", "right"]
            .iter()
            .any(|v| value.trim().eq_ignore_ascii_case(v))
}

fn is_url_attribute(attribute: &str) -> bool {
    matches!(
        attribute,
        "href"
            | "src"
            | "cite"
            | "action"
            | "data"
            | "formaction"
            | "ping"
            | "poster"
            | "xlink:href"
            | "background"
            | "longdesc"
    )
}

/// The scheme a browser reads in `url`, lowercased: it drops leading
/// control characters and spaces and every tab and line break first.
fn scheme(url: &str) -> Option<String> {
    let mut s = String::new();
    for c in url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
    {
        if c == ':' {
            let ok = s.starts_with(|c: char| c.is_ascii_alphabetic());
            return ok.then_some(s);
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) || s.len() > 32 {
            return None;
        }
        s.push(c.to_ascii_lowercase());
    }
    None
}

/// The scheme of `url` when following or loading it could run script:
/// `javascript:`, `vbscript:`, `livescript:`, and `data:` except raster
/// images loaded as an image (`image`).
pub fn dangerous_scheme(url: &str, image: bool) -> Option<String> {
    let s = scheme(url)?;
    match s.as_str() {
        "javascript" | "vbscript" | "livescript" => Some(s),
        "data" if image && is_raster_data(url) => None,
        "data" => Some(s),
        _ => None,
    }
}

fn is_raster_data(url: &str) -> bool {
    let rest = url.trim_start_matches(|c: char| c <= ' ');
    let Some(rest) = rest.get(5..) else {
        return false;
    };
    let mime = rest
        .split([';', ','])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        mime.as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/avif" | "image/bmp"
    )
}

// ------------------------------------------------------------ the scanner

/// One tag of raw HTML, as far as a light tokenizer sees it.
struct Tag<'t> {
    offset: usize,
    name: String,
    closing: bool,
    /// Name (lowercased), value (entities decoded), offset of the name.
    attrs: Vec<(String, String, usize)>,
    text: &'t str,
}

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The tags of `text` in order. Comments, doctypes and the content of
/// raw-text elements are skipped.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = text[i..].find('<') {
        let p = i + lt;
        let rest = &text[p..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = comment.find("-->").map_or(text.len(), |e| p + 4 + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(text.len(), |e| p + e + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_at = p + 1 + usize::from(closing);
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i = p + 1;
            continue;
        }
        let mut j = name_at;
        while j < b.len() && !(b[j].is_ascii_whitespace() || b[j] == b'/' || b[j] == b'>') {
            j += 1;
        }
        let name = text[name_at..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        // Attributes, up to the closing `>`.
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            if b[j] == b'>' {
                j += 1;
                break;
            }
            let at = j;
            j += 1; // an attribute name may start with any character but those
            while j < b.len() && !(b[j].is_ascii_whitespace() || matches!(b[j], b'/' | b'>' | b'='))
            {
                j += 1;
            }
            let attr = text[at..j].to_ascii_lowercase();
            let mut k = j;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            let mut value = String::new();
            if b.get(k) == Some(&b'=') {
                k += 1;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                let (start, end, next) = match b.get(k) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = text[k + 1..]
                            .find(q as char)
                            .map_or(text.len(), |e| k + 1 + e);
                        (k + 1, end, (end + 1).min(text.len()))
                    }
                    _ => {
                        let mut e = k;
                        while e < b.len() && !(b[e].is_ascii_whitespace() || b[e] == b'>') {
                            e += 1;
                        }
                        (k, e, e)
                    }
                };
                value = decode_entities(&text[start..end]);
                j = next;
            }
            attrs.push((attr, value, at));
        }
        let rawtext = !closing && RAW_TEXT.contains(&name.as_str());
        let end = j;
        out.push(Tag {
            offset: p,
            name,
            closing,
            attrs,
            text: &text[p..end.min(text.len())],
        });
        i = end.min(text.len());
        if rawtext {
            // Skip to the end tag (its own token comes next).
            let close = format!("</{}", out.last().map_or("", |t| t.name.as_str()));
            i = find_ascii_ci(&text[i..], &close).map_or(text.len(), |e| i + e);
        }
    }
    out
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Decode the character references a browser decodes in an attribute value
/// (numeric ones and the few named ones that matter for URLs).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(a) = rest.find('&') {
        out.push_str(&rest[..a]);
        rest = &rest[a..];
        let body = &rest[1..];
        let (decoded, used) = if let Some(num) = body.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let n = digits
                .bytes()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            let value = u32::from_str_radix(&digits[..n], if hex { 16 } else { 10 }).ok();
            match value {
                Some(v) if n > 0 => {
                    let mut used = 1 + 1 + usize::from(hex) + n;
                    if rest[used..].starts_with(';') {
                        used += 1;
                    }
                    (Some(char::from_u32(v).unwrap_or('\u{FFFD}')), used)
                }
                _ => (None, 1),
            }
        } else {
            const NAMED: &[(&str, char)] = &[
                ("colon;", ':'),
                ("Tab;", '\t'),
                ("NewLine;", '\n'),
                ("amp;", '&'),
                ("lt;", '<'),
                ("gt;", '>'),
                ("quot;", '"'),
                ("apos;", '\''),
                ("nbsp;", '\u{a0}'),
            ];
            NAMED
                .iter()
                .find(|(n, _)| body.starts_with(n))
                .map_or((None, 1), |(n, c)| (Some(*c), 1 + n.len()))
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push('&'),
        }
        rest = &rest[used..];
    }
    out.push_str(rest);
    out
}

/// How many elements `text` leaves open (negative: closes more than it
/// opens). Void elements, `/>` and comments do not count.
pub fn balance(text: &str) -> i32 {
    let mut depth = 0;
    for t in tags(text) {
        if VOID.contains(&t.name.as_str()) {
            continue;
        }
        if t.closing {
            depth -= 1;
        } else if !t.text.ends_with("/>") {
            depth += 1;
        }
    }
    depth
}

/// What the sanitizer removes from a piece of raw HTML: byte offset and
/// length in `text` of the markup, and a message naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// What [`clean`] removes from `text` (comments aside, which it drops
/// silently), one entry per tag.
pub fn removals(text: &str) -> Vec<Removal> {
    let p = &*POLICY;
    let mut out = Vec::new();
    for t in tags(text) {
        if t.closing {
            continue;
        }
        let name = t.name.as_str();
        if p.clean_content.contains(name) {
            out.push(Removal {
                offset: t.offset,
                len: name.len() + 1,
                message: format!("`<{name}>` was removed with its content"),
            });
            continue;
        }
        if !p.tags.contains(name) {
            out.push(Removal {
                offset: t.offset,
                len: name.len() + 1,
                message: format!("`<{name}>` was removed (its text is kept)"),
            });
            continue;
        }
        let removed: Vec<&(String, String, usize)> = t
            .attrs
            .iter()
            .filter(|(a, v, _)| !attribute_kept(p, name, a, v))
            .collect();
        if let Some((first, _, at)) = removed.first() {
            let list = removed
                .iter()
                .map(|(a, v, _)| match dangerous_scheme(v, false) {
                    Some(s) if is_url_attribute(a) => format!("`{a}` (a `{s}:` URL)"),
                    _ => format!("`{a}`"),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let (noun, verb) = if removed.len() == 1 {
                ("attribute", "was")
            } else {
                ("attributes", "were")
            };
            out.push(Removal {
                offset: *at,
                len: first.len(),
                message: format!("the {noun} {list} of `<{name}>` {verb} removed"),
            });
        }
    }
    out
}

fn attribute_kept(p: &Policy, tag: &str, attr: &str, value: &str) -> bool {
    let listed = p.generic.contains(attr)
        || p.tag_attrs.get(tag).is_some_and(|s| s.contains(attr))
        || (tag == "input" && attr == "type" && value.trim().eq_ignore_ascii_case("checkbox"));
    if !listed {
        return false;
    }
    if matches!(
        attr,
        "href" | "src" | "action" | "data" | "formaction" | "ping" | "poster"
    ) {
        match ammonia::Url::parse(value) {
            Ok(u) if !p.schemes.contains(u.scheme()) => return false,
            Ok(_) | Err(ammonia::url::ParseError::RelativeUrlWithoutBase) => {}
            Err(_) => return false,
        }
    }
    filter_attribute(tag, attr, value).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_as_a_browser_reads_them() {
        // Case, entities (decoded before), control characters and line breaks.
        for url in [
            "javascript:x",
            "JaVaScRiPt:x",
            " \u{1}javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "vbscript:x",
            "data:text/html,x",
            "data:image/svg+xml,x",
        ] {
            assert!(dangerous_scheme(url, false).is_some(), "{url:?}");
        }
        assert!(dangerous_scheme("data:image/svg+xml,x", true).is_some());
        for url in [
            "https://a",
            "mailto:a@b",
            "file://s/x",
            "../x.md",
            "java%09script:x",
            "#x",
            "a/javascript:x",
        ] {
            assert_eq!(dangerous_scheme(url, false), None, "{url:?}");
        }
        assert_eq!(dangerous_scheme("data:image/png;base64,AA", true), None);
        assert!(dangerous_scheme("data:image/png;base64,AA", false).is_some());
    }

    #[test]
    fn keeps_our_markup_and_safe_html() {
        // What our Markdown rendering writes passes through unchanged in meaning.
        let ours = "<h2 id=\"a-b\" class=\"x\">T <a class=\"anchor\" href=\"#a-b\" aria-hidden=\"true\">#</a></h2>\n\
            <table><thead><tr><th style=\"text-align: left\">h</th></tr></thead><tbody>\n<tr><td style=\"text-align: right\">d</td></tr>\n</tbody></table>\n\
            <ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\ndone</li>\n</ul>\n\
            <pre><code class=\"language-rust\">fn main() {}\n</code></pre>\n\
            <p>x<sup class=\"footnote-reference\"><a href=\"#n\">1</a></sup></p>\n\
            <div class=\"footnote-definition\" id=\"n\"><sup class=\"footnote-definition-label\">1</sup>\n<p>t</p>\n</div>\n\
            <p><a href=\"../../documents/x/index.html#s\" title=\"t\">l</a> <span class=\"unpublished-link\" title=\"X\">u</span> <img src=\"a.png\" alt=\"i\"></p>\n\
            <details open=\"\"><summary>s</summary><p><kbd>k</kbd> <abbr title=\"t\">A</abbr></p></details>";
        assert_eq!(clean(ours), ours);
    }

    #[test]
    fn removes_script_in_every_spelling() {
        // Elements, handlers and URLs that would run script.
        let dirty = "<script>x</script><img src=x onerror=alert(1)><a href=\"jav&#x61;script:x\">a</a>\
            <a href=\" &#x09;java&#x0A;script:x\">b</a><svg onload=x><script>y</script></svg>\
            <iframe src=javascript:x></iframe><div style=\"background:url(javascript:x)\">d</div>\
            <input type=text onfocus=x autofocus><a href=\"data:text/html,x\">c</a><img src=\"data:image/png;base64,AA\">";
        let c = clean(dirty);
        let lc = c.to_ascii_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "onfocus",
            "javascript",
            "<iframe",
            "style=",
            "data:text",
            "<svg",
        ] {
            assert!(!lc.contains(bad), "{bad} in {c}");
        }
        assert!(c.contains("src=\"data:image/png;base64,AA\""), "{c}");
        assert!(c.contains("<input disabled=\"\">"), "{c}");
    }

    #[test]
    fn reports_what_it_removes() {
        // One message per tag, at the removed element or attribute.
        let text = "<p>ok</p>\n<img src=\"x.png\" onerror=\"a()\">\n<script>b()</script><!-- c --><b>x</b>";
        let r = removals(text);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(&text[r[0].offset..r[0].offset + r[0].len], "onerror");
        assert!(r[0].message.contains("`onerror`"), "{}", r[0].message);
        assert_eq!(&text[r[1].offset..r[1].offset + r[1].len], "<script");
        let r = removals("<a href=\"javascript:x\" title=t>a</a>");
        assert!(
            r[0].message.contains("`href` (a `javascript:` URL)"),
            "{r:?}"
        );
    }

    #[test]
    fn balance_counts_open_elements() {
        assert_eq!(balance("<details>"), 1);
        assert_eq!(balance("<summary>x</summary>"), 0);
        assert_eq!(balance("</details>"), -1);
        assert_eq!(balance("<br><img src=x><svg/><!-- <div> -->"), 0);
        assert_eq!(balance("<script>if (a<b) {}</script>"), 0);
    }
}
