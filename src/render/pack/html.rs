//! A document's body as the pack holds it: the body HTML of the site (made
//! by `resolve::markdown`, sanitized) with its heading ids made unique in
//! the pack, and its links and images pointed at what the pack can reach.
//!
//! The body HTML is well-formed output of the renderer and the sanitizer:
//! a tag starts at `<`, its attribute values are quoted, `<` never stands
//! unescaped in text. The rewriter reads tags that way, changes `id`, `href`
//! and `src` attributes through [`Targets`], and copies everything else as
//! it is.

use crate::base::text::has_scheme;
use crate::resolve::markdown::resolve_relative;

/// Where a link of a body goes in the pack.
pub enum Link {
    /// A link to keep or to follow inside the pack (`#doc-…`, an absolute
    /// URL of the site, a path from the pack's page).
    Href(String),
    /// A page the pack cannot reach: the link's text stays, followed by
    /// this label in brackets.
    Text(String),
}

/// What the rewriter asks of the pack.
pub trait Targets {
    /// The pack's anchor for heading `id` of the document being rewritten.
    fn anchor(&self, id: &str) -> String;
    /// Where a link to `path` (a page of the site, relative to its root,
    /// without `#`) with `fragment` goes.
    fn link(&self, path: &str, fragment: Option<&str>) -> Link;
    /// The `src` of an image at `path` (relative to the site root), or
    /// `None` to show its alternative text instead.
    fn image(&self, path: &str) -> Option<String>;
    /// The path of the site on its host (`/docs/` for `base_url =
    /// "https://example.org/docs/"`; `/` without one): where a link
    /// starting with `/` finds the site's pages.
    fn base_path(&self) -> &str;
    /// Where a link starting with `/` (`href`, fragment and all) to a page
    /// of the host outside the site goes.
    fn off_site(&self, href: &str) -> Link;
}

/// `html`, the body of the document whose page is at `page` (relative to
/// the site root, e.g. `procedures/sms-pro-007/index.html`), rewritten for
/// the pack.
pub fn rewrite(html: &str, page: &str, t: &dyn Targets) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // The label to close an `<a>` turned into text with.
    let mut open_text: Option<String> = None;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = tag_end(rest);
        let tag = &rest[..end];
        rest = &rest[end..];
        if tag.starts_with("</a") && tag[3..].starts_with(['>', ' ']) {
            match open_text.take() {
                Some(label) => {
                    out.push_str("</span> <span class=\"pack-target\">[");
                    out.push_str(&label);
                    out.push_str("]</span>");
                }
                None => out.push_str(tag),
            }
            continue;
        }
        if tag.starts_with("</") || tag.starts_with("<!") {
            out.push_str(tag);
            continue;
        }
        match rewrite_tag(tag, page, t) {
            Tag::Same => out.push_str(tag),
            Tag::New(s) => out.push_str(&s),
            Tag::LinkText(label) => {
                out.push_str("<span class=\"pack-offsite\">");
                open_text = Some(label);
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `s`, quotes respected; the whole
/// of `s` when it does not close.
fn tag_end(s: &str) -> usize {
    if s.starts_with("<!--") {
        return s.find("-->").map_or(s.len(), |i| i + 3);
    }
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

enum Tag {
    Same,
    New(String),
    LinkText(String),
}

/// One attribute of a tag: its name, its raw value (entities as written)
/// and where the attribute lies in the tag.
struct Attr<'a> {
    name: &'a str,
    value: &'a str,
    span: (usize, usize),
}

fn attrs(tag: &str) -> (&str, Vec<Attr<'_>>) {
    let b = tag.as_bytes();
    let mut i = 1;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = &tag[1..i];
    let mut out = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' || b[i] == b'/' {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr = &tag[start..i];
        let mut value = "";
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = &tag[vs..i.min(b.len())];
                i = (i + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = &tag[vs..i];
            }
        }
        if i == start {
            break;
        }
        out.push(Attr {
            name: attr,
            value,
            span: (start, i),
        });
    }
    (name, out)
}

fn rewrite_tag(tag: &str, page: &str, t: &dyn Targets) -> Tag {
    let (name, list) = attrs(tag);
    let name = name.to_ascii_lowercase();
    let mut changes: Vec<((usize, usize), String)> = Vec::new();
    for a in &list {
        match a.name.to_ascii_lowercase().as_str() {
            "id" => changes.push((a.span, format!("id=\"{}\"", t.anchor(a.value)))),
            "href" if name == "a" => match link(a.value, page, t) {
                Some(Link::Href(h)) => changes.push((a.span, format!("href=\"{}\"", attr(&h)))),
                Some(Link::Text(label)) => return Tag::LinkText(text(&label)),
                None => {}
            },
            "src" if name == "img" => {
                if let Some(new) = image(a.value, page, t) {
                    match new {
                        Some(src) => changes.push((a.span, format!("src=\"{}\"", attr(&src)))),
                        None => {
                            let alt = list
                                .iter()
                                .find(|x| x.name.eq_ignore_ascii_case("alt"))
                                .map_or("", |x| x.value);
                            return Tag::New(format!(
                                "<span class=\"pack-image\">[image{}{}]</span>",
                                if alt.is_empty() { "" } else { ": " },
                                alt
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if changes.is_empty() {
        return Tag::Same;
    }
    let mut out = String::with_capacity(tag.len() + 32);
    let mut at = 0;
    for ((s, e), new) in changes {
        out.push_str(&tag[at..s]);
        out.push_str(&new);
        at = e;
    }
    out.push_str(&tag[at..]);
    Tag::New(out)
}

/// What becomes of a link: `None` to keep it as it is (a link with a
/// scheme, `mailto:` …).
fn link(href: &str, page: &str, t: &dyn Targets) -> Option<Link> {
    if let Some(frag) = href.strip_prefix('#') {
        return Some(Link::Href(format!("#{}", t.anchor(frag))));
    }
    if has_scheme(href) || href.starts_with("//") {
        return None;
    }
    let (path, frag) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f).filter(|f| !f.is_empty())),
        None => (href, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    // A link from the host's root, as a browser reads it on the site's
    // pages: below the site's path it is a page of the site.
    let path = match path.strip_prefix('/') {
        Some(_) => match below_base(path, t.base_path()) {
            Some(p) => p,
            None => return Some(t.off_site(href)),
        },
        None => path.to_string(),
    };
    match site_path(page, &path) {
        Some(p) => Some(t.link(&p, frag)),
        None => Some(Link::Text(href.to_string())),
    }
}

/// `path`, starting with `/`, from the site's root when it lies below
/// `base` (the site's path on its host, ending with `/`).
fn below_base(path: &str, base: &str) -> Option<String> {
    if path == base.trim_end_matches('/') {
        return Some("/".into());
    }
    path.strip_prefix(base).map(|rest| format!("/{rest}"))
}

/// `Some(new src)` to change an image, `None` to keep it (a `data:` image).
fn image(src: &str, page: &str, t: &dyn Targets) -> Option<Option<String>> {
    if src.starts_with("data:") {
        return None;
    }
    if has_scheme(src) || src.starts_with("//") {
        // A remote image would be a request to another host.
        return Some(None);
    }
    Some(site_path(page, src).and_then(|p| t.image(&p)))
}

/// `link`, relative to the page at `page`, as a path from the site root;
/// `None` when it climbs above the root. A path starting with `/` is
/// taken from the root; the root itself is its `index.html`.
pub fn site_path(page: &str, link: &str) -> Option<String> {
    // From a file at the root when the link starts at the root.
    let from = if link.starts_with('/') {
        "index.html"
    } else {
        page
    };
    let mut out = resolve_relative(from, link)?;
    if out.is_empty() {
        // The site's root: its home page.
        out.push_str("index.html");
    } else if link.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// `s` for a double-quoted attribute (it may hold entities already).
fn attr(s: &str) -> String {
    s.replace('"', "&quot;").replace('<', "&lt;")
}

/// `s` as text.
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct T;
    impl Targets for T {
        fn anchor(&self, id: &str) -> String {
            format!("d1-{id}")
        }
        fn link(&self, path: &str, fragment: Option<&str>) -> Link {
            match (path, fragment) {
                ("procedures/p/index.html", None) => Link::Href("#doc-p".into()),
                ("procedures/p/index.html", Some(f)) => Link::Href(format!("#d2-{f}")),
                (p, _) => Link::Text(p.to_string()),
            }
        }
        fn image(&self, path: &str) -> Option<String> {
            (path == "theme/x.png").then(|| "data:image/png;base64,AA".into())
        }
        fn base_path(&self) -> &str {
            "/docs/"
        }
        fn off_site(&self, href: &str) -> Link {
            Link::Href(format!("https://example.org{href}"))
        }
    }

    #[test]
    fn ids_links_and_images_are_rewritten_for_the_pack() {
        // Heading ids are made unique, links to documents of the pack stay inside it, others become text with their target, remote images make no request.
        let page = "policies/a/index.html";
        let html = "<h2 id=\"scope\">Scope <a class=\"anchor\" href=\"#scope\">#</a></h2>\n\
<p><a href=\"../../procedures/p/index.html\" title=\"P\">P</a> <a href=\"../../procedures/p/index.html#steps\">s</a> \
<a href=\"../../clauses/x/\">c</a> <a href=\"https://example.org/\">e</a> a&lt;b \"q\" href=\"#no\"</p>\
<img src=\"https://example.org/i.png\" alt=\"remote\"><img src=\"../../theme/x.png\" alt=\"x\"><img src=\"data:image/png;base64,BB\">";
        let out = rewrite(html, page, &T);
        assert_eq!(
            out,
            "<h2 id=\"d1-scope\">Scope <a class=\"anchor\" href=\"#d1-scope\">#</a></h2>\n\
<p><a href=\"#doc-p\" title=\"P\">P</a> <a href=\"#d2-steps\">s</a> \
<span class=\"pack-offsite\">c</span> <span class=\"pack-target\">[clauses/x/]</span> <a href=\"https://example.org/\">e</a> a&lt;b \"q\" href=\"#no\"</p>\
<span class=\"pack-image\">[image: remote]</span><img src=\"data:image/png;base64,AA\" alt=\"x\"><img src=\"data:image/png;base64,BB\">"
        );
    }

    #[test]
    fn links_from_the_host_root_find_the_site_below_its_path() {
        // A link starting with `/` is read as on the site's pages: below the site's path (`/docs/`) a page of the site (inside the pack when there), else a page of the host.
        let page = "policies/a/index.html";
        let html = "<a href=\"/docs/procedures/p/index.html#steps\">in</a> <a href=\"/docs\">home</a> <a href=\"/other/#x\">host</a>";
        assert_eq!(
            rewrite(html, page, &T),
            "<a href=\"#d2-steps\">in</a> <span class=\"pack-offsite\">home</span> <span class=\"pack-target\">[index.html]</span> <a href=\"https://example.org/other/#x\">host</a>"
        );
    }

    #[test]
    fn paths_resolve_from_the_page() {
        // A relative link resolves from its page's folder and never climbs above the site root.
        assert_eq!(
            site_path("a/b/index.html", "../../c/d/").as_deref(),
            Some("c/d/")
        );
        assert_eq!(
            site_path("a/b/index.html", "x.png").as_deref(),
            Some("a/b/x.png")
        );
        assert_eq!(site_path("a/b/index.html", "../../../x"), None);
    }
}
