//! Markdown to HTML: CommonMark with tables, footnotes, strikethrough, task
//! lists and heading ids. Links between documents (by id or by relative path
//! to the `.md` file) are rewritten to the target page's URL and recorded as
//! edges, which the build checks afterwards (anchors), and which drive
//! backlinks.
//!
//! Raw HTML follows `[markdown] raw_html` ([`RawHtml`]). Under `sanitize`
//! (the default) the top-level blocks that hold raw HTML — from the block
//! where it starts to the block where its elements are closed again, so a
//! `<details>` wrapping Markdown stays one piece — go through
//! [`crate::resolve::markdown::sanitize::clean`] after rendering; everything else is written as
//! pulldown-cmark renders it, and a document without raw HTML never meets
//! the sanitizer. Under `sanitize` and `escape`, links and images whose URL
//! would run script are rendered as plain text.

pub mod sanitize;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::cell::RefCell;
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::base::diag::Diagnostic;
use crate::load::config::RawHtml;
use crate::load::content::{Document, Span};

/// A heading being collected: level, explicit id, classes, inner events.
type OpenHeading<'e> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'e>>);

/// The lookup tables of a [`LinkIndex`]: they depend on the documents'
/// ids and paths only, so a load can keep them while those are unchanged.
#[derive(Debug, Default)]
pub struct LinkMaps {
    by_id: HashMap<String, usize>,
    by_id_lower: HashMap<String, usize>,
    by_path: HashMap<String, usize>,
}

impl LinkMaps {
    /// `docs` must have unique ids (the build reports duplicates first).
    pub fn new(docs: &[Arc<Document>]) -> Self {
        let mut by_id = HashMap::with_capacity(docs.len());
        let mut by_id_lower = HashMap::with_capacity(docs.len());
        let mut by_path = HashMap::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            by_id.entry(d.meta.id.clone()).or_insert(i);
            by_id_lower.entry(d.meta.id.to_lowercase()).or_insert(i);
            by_path.insert(d.content_path.clone(), i);
        }
        LinkMaps {
            by_id,
            by_id_lower,
            by_path,
        }
    }
}

/// Where a link can point: every loaded document, by index.
pub struct LinkIndex<'a> {
    docs: &'a [Arc<Document>],
    maps: &'a LinkMaps,
    /// Page URL of each document relative to the site root.
    urls: &'a [String],
    /// Whether each document is published in this build.
    published: &'a [bool],
    /// What becomes of raw HTML (`[markdown] raw_html`).
    raw_html: RawHtml,
}

impl<'a> LinkIndex<'a> {
    /// `maps` must be the [`LinkMaps`] of `docs`.
    pub fn new(
        docs: &'a [Arc<Document>],
        maps: &'a LinkMaps,
        urls: &'a [String],
        published: &'a [bool],
    ) -> Self {
        LinkIndex {
            docs,
            maps,
            urls,
            published,
            raw_html: RawHtml::default(),
        }
    }

    /// Render raw HTML as `raw_html` says (default: sanitize).
    pub fn with_raw_html(mut self, raw_html: RawHtml) -> Self {
        self.raw_html = raw_html;
        self
    }

    /// Page URL of document `i`.
    pub fn url(&self, i: usize) -> &'a str {
        &self.urls[i]
    }

    /// Whether document `i` is published in this build.
    pub fn published(&self, i: usize) -> bool {
        self.published[i]
    }

    /// Index of the document with this id (exact, then case-insensitive).
    pub fn find_id(&self, id: &str) -> Option<usize> {
        let maps = self.maps;
        maps.by_id
            .get(id)
            .or_else(|| maps.by_id_lower.get(&id.to_lowercase()))
            .copied()
    }

    /// The closest existing id, for "did you mean".
    pub fn suggest_id(&self, id: &str) -> Option<&'a str> {
        let id_l = id.to_lowercase();
        self.docs
            .iter()
            .map(|d| {
                (
                    strsim::jaro_winkler(&d.meta.id.to_lowercase(), &id_l),
                    d.meta.id.as_str(),
                )
            })
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, id)| id)
    }
}

/// One link from a document to a document (possibly itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub anchor: Option<String>,
    /// Location of the link destination in the source document.
    pub span: Span,
}

/// A heading, for the table of contents.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one document body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a link may target in this document (headings, footnotes).
    pub anchors: HashSet<String>,
    pub edges: Vec<Edge>,
    pub diags: Vec<Diagnostic>,
    /// The body as plain text (for search and summaries).
    pub text: String,
    /// What the links looked up in the site (`id:<lowercase id>`,
    /// `path:<content path>`): the rendering stays valid while the
    /// documents answering these keys do not change.
    pub lookups: Vec<String>,
    /// Whether a broken link's message suggested an id from the whole site.
    pub suggests: bool,
    /// Fingerprint of `html` and `toc` (what a page shows of the body).
    pub fp: u64,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Render document `index` of `links`. `root` is the relative path from the
/// document's page to the site root (e.g. `../../`).
pub fn render(index: usize, links: &LinkIndex<'_>, root: &str) -> Rendered {
    let doc = &links.docs[index];
    let body = doc.body();
    let base = doc.body_offset;
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    // Open links: the HTML closing the plain span a link was turned into
    // (`None`: the link stays a link).
    let mut link_stack: Vec<Option<&'static str>> = Vec::new();
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();
    let policy = links.raw_html;
    // Open images: true when the image was turned into a plain span.
    let mut image_stack: Vec<bool> = Vec::new();
    let mut raw = RawHtmlState::default();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if policy == RawHtml::Sanitize {
            raw.see(&event, events.len(), doc, base, &range, &mut out.diags);
        }
        match &event {
            Event::Text(t) | Event::Code(t) => {
                out.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => out.text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.text.push('\n'),
            Event::FootnoteReference(name) => {
                out.anchors.insert(format!("fn-{name}"));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                out.anchors.insert(name.to_string());
            }
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                heading = Some((
                    level,
                    id.map(|i| i.to_string()),
                    classes.iter().map(|c| c.to_string()).collect(),
                    Vec::new(),
                ));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, explicit, classes, inner)) = heading.take() else {
                    continue;
                };
                let text = plain_text(&inner);
                // A leading `# Title` repeating the document title would
                // show the title twice: the page template already has it.
                if level == HeadingLevel::H1
                    && events.is_empty()
                    && text.trim().eq_ignore_ascii_case(doc.meta.title.trim())
                {
                    continue;
                }
                let base_id = explicit.unwrap_or_else(|| {
                    let s = crate::base::text::slugify(&text);
                    if s.is_empty() {
                        "section".to_string()
                    } else {
                        s
                    }
                });
                let id = unique_id(&mut used_ids, base_id);
                out.anchors.insert(id.clone());
                let lvl = level as u8;
                flat_toc.push((lvl, id.clone(), text));
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape_attr(&classes.join(" ")))
                };
                events.push(Event::Html(
                    format!("<h{lvl} id=\"{}\"{class_attr}>", escape_attr(&id)).into(),
                ));
                events.extend(inner);
                events.push(Event::Html(
                    format!(
                        " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\">#</a></h{lvl}>\n",
                        escape_attr(&id)
                    )
                    .into(),
                ));
                continue;
            }
            Event::Start(ref tag @ (Tag::Link { .. } | Tag::Image { .. }))
                if policy != RawHtml::Trust
                    && let Some((what, scheme)) = unsafe_target(tag) =>
            {
                raw.unsafe_url(doc, base, &range, what, &scheme, &mut out.diags);
                match what {
                    "image" => image_stack.push(true),
                    _ => link_stack.push(Some("</span>")),
                }
                Event::Html(unsafe_span(what, &scheme).into())
            }
            e @ Event::Start(Tag::Image { .. }) => {
                image_stack.push(false);
                e
            }
            Event::End(TagEnd::Image) => {
                if image_stack.pop() == Some(true) {
                    Event::Html("</span>".into())
                } else {
                    Event::End(TagEnd::Image)
                }
            }
            Event::Html(t) | Event::InlineHtml(t) if policy == RawHtml::Escape => Event::Text(t),
            Event::Start(Tag::HtmlBlock) if policy == RawHtml::Escape => {
                Event::Start(Tag::Paragraph)
            }
            Event::End(TagEnd::HtmlBlock) if policy == RawHtml::Escape => {
                Event::End(TagEnd::Paragraph)
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let span = Span {
                    offset: base + range.start,
                    len: range.len(),
                };
                match rewrite_link(index, link_type, &dest_url, links, root, span, &mut out) {
                    LinkOutcome::Keep => {
                        link_stack.push(None);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    }
                    LinkOutcome::Rewrite(url) => {
                        link_stack.push(None);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url: url.into(),
                            title,
                            id,
                        })
                    }
                    LinkOutcome::Unpublished => {
                        // Plain text with a marker: the target has no page,
                        // and nothing of it (not even its id) is shown.
                        link_stack.push(Some(
                            "</span> <span class=\"unpublished-mark muted\">(not published)</span>",
                        ));
                        Event::Html("<span class=\"unpublished-link\">".into())
                    }
                }
            }
            Event::End(TagEnd::Link) => match link_stack.pop().flatten() {
                Some(close) => Event::Html(close.into()),
                None => Event::End(TagEnd::Link),
            },
            other => other,
        };
        match &mut heading {
            Some((_, _, _, inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    let regions = raw.finish(events.len());
    if regions.is_empty() {
        out.html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    } else {
        out.html = render_sanitized(events, &regions, body.len() * 3 / 2);
    }
    out.toc = nest_toc(flat_toc);
    out.fp = crate::base::fingerprint::fingerprint(&(&out.html, &out.toc));
    out
}

/// Most `unsafe-html` findings one document reports (then one more says
/// how many were left out).
const MAX_UNSAFE_FINDINGS: usize = 20;

const UNSAFE_HELP: &str = "raw HTML may use formatting, tables, details/summary, images and links \
     with safe URLs; write the rest in Markdown, or set `raw_html = \"trust\"` under `[markdown]` \
     in clausebook.toml if every author of the site is trusted";

/// Where a piece of raw HTML stands: its offset in the text being scanned,
/// its offset in the source, and whether it is a verbatim slice of the
/// source (else only its start is known).
type Segment = (usize, usize, bool);

/// Raw HTML seen while rendering one document under `sanitize`: the
/// regions of `events` to sanitize, and the findings about what goes.
#[derive(Default)]
struct RawHtmlState {
    /// Markdown containers open (0: between top-level blocks).
    depth: usize,
    /// Index in `events` where the current top-level block starts.
    block_start: usize,
    /// Closed regions, as ranges of indexes in `events`.
    regions: Vec<(usize, usize)>,
    /// Start of the region being collected.
    open: Option<usize>,
    /// Elements the region's raw HTML left open so far.
    html_depth: i32,
    /// The HTML block being read: its text and, per event, where the
    /// event's text starts in it and in the source (when it is a verbatim
    /// slice of the source).
    block: Option<(String, Vec<Segment>)>,
    findings: usize,
    /// Index in the diagnostics of the one counting findings not listed.
    summary: Option<usize>,
}

impl RawHtmlState {
    /// Note `event` (before it is transformed); `next` is the index in
    /// `events` the next pushed event gets.
    fn see(
        &mut self,
        event: &Event<'_>,
        next: usize,
        doc: &Document,
        base: usize,
        range: &std::ops::Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.depth == 0 {
            if let Some(start) = self.open
                && self.html_depth <= 0
            {
                self.regions.push((start, next));
                self.open = None;
                self.html_depth = 0;
            }
            self.block_start = next;
        }
        match event {
            Event::Start(Tag::HtmlBlock) => {
                self.depth += 1;
                self.block = Some((String::new(), Vec::new()));
            }
            Event::End(TagEnd::HtmlBlock) => {
                self.depth = self.depth.saturating_sub(1);
                if let Some((text, segments)) = self.block.take() {
                    self.report(doc, &text, &segments, diags);
                }
            }
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Html(t) | Event::InlineHtml(t) => {
                if self.open.is_none() {
                    // Adjacent regions are sanitized as one.
                    self.open = Some(match self.regions.last() {
                        Some(&(s, e)) if e == self.block_start => {
                            self.regions.pop();
                            s
                        }
                        _ => self.block_start,
                    });
                }
                self.html_depth += sanitize::balance(t);
                let exact = doc.body().get(range.clone()) == Some(&**t);
                let segment = (0, base + range.start, exact);
                match (&mut self.block, event) {
                    (Some((text, segments)), Event::Html(_)) => {
                        segments.push((text.len(), segment.1, exact));
                        text.push_str(t);
                    }
                    _ => self.report(doc, t, &[segment], diags),
                }
            }
            _ => {}
        }
    }

    /// Findings for what the sanitizer removes from `text`, whose pieces
    /// start in the source where `segments` say.
    fn report(
        &mut self,
        doc: &Document,
        text: &str,
        segments: &[Segment],
        diags: &mut Vec<Diagnostic>,
    ) {
        for r in sanitize::removals(text) {
            let Some(&(at, src, exact)) = segments.iter().rev().find(|s| s.0 <= r.offset) else {
                continue;
            };
            let span = if exact {
                Span {
                    offset: src + (r.offset - at),
                    len: r.len,
                }
            } else {
                Span {
                    offset: src,
                    len: 1,
                }
            };
            self.finding(
                doc,
                span,
                format!("raw HTML sanitized: {}", r.message),
                diags,
            );
        }
    }

    /// A finding for a Markdown link or image whose URL would run script.
    fn unsafe_url(
        &mut self,
        doc: &Document,
        base: usize,
        range: &std::ops::Range<usize>,
        what: &str,
        scheme: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        let span = Span {
            offset: base + range.start,
            len: range.len(),
        };
        self.finding(
            doc,
            span,
            format!("{what} with a `{scheme}:` URL shown as plain text: it could run script"),
            diags,
        );
    }

    fn finding(
        &mut self,
        doc: &Document,
        span: Span,
        message: String,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.findings += 1;
        if self.findings <= MAX_UNSAFE_FINDINGS {
            diags.push(
                doc.warning_at(span, message)
                    .with_help(UNSAFE_HELP)
                    .with_rule("unsafe-html"),
            );
        } else if self.findings == MAX_UNSAFE_FINDINGS + 1 {
            self.summary = Some(diags.len());
            diags.push(
                doc.warning_at(span, "")
                    .with_help(UNSAFE_HELP)
                    .with_rule("unsafe-html"),
            );
        }
        if let Some(d) = self.summary.and_then(|i| diags.get_mut(i)) {
            d.message = format!(
                "{} more pieces of raw HTML or URLs are sanitized from here on (not listed)",
                self.findings - MAX_UNSAFE_FINDINGS
            );
        }
    }

    /// The regions to sanitize, once `len` events are pushed.
    fn finish(mut self, len: usize) -> Vec<(usize, usize)> {
        if let Some(start) = self.open.take() {
            self.regions.push((start, len));
        }
        self.regions
    }
}

/// `("link" | "image", scheme)` when following the link or loading the
/// image could run script.
fn unsafe_target(tag: &Tag<'_>) -> Option<(&'static str, String)> {
    match tag {
        Tag::Link { dest_url, .. } => Some(("link", sanitize::dangerous_scheme(dest_url, false)?)),
        Tag::Image { dest_url, .. } => Some(("image", sanitize::dangerous_scheme(dest_url, true)?)),
        _ => None,
    }
}

/// The span a neutralised link or image becomes (its text stays).
fn unsafe_span(what: &str, scheme: &str) -> String {
    format!(
        "<span class=\"unsafe-{what}\" title=\"{what} removed: a {scheme}: URL could run script\">"
    )
}

/// A `fmt::Write` into a shared string, so that the event iterator can see
/// how much HTML was written before each event.
struct Sink<'a>(&'a RefCell<String>);

impl std::fmt::Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }
}

/// Render `events` to HTML, sanitizing the HTML of the `regions` (sorted
/// ranges of event indexes) and keeping the rest as rendered.
fn render_sanitized(events: Vec<Event<'_>>, regions: &[(usize, usize)], capacity: usize) -> String {
    let buf = RefCell::new(String::with_capacity(capacity));
    let bounds: Vec<usize> = regions.iter().flat_map(|&(s, e)| [s, e]).collect();
    let mut cuts: Vec<usize> = Vec::with_capacity(bounds.len());
    {
        let mut next = 0;
        let iter = events.into_iter().enumerate().map(|(i, e)| {
            // The writer has written everything before event `i`.
            while bounds.get(next) == Some(&i) {
                cuts.push(buf.borrow().len());
                next += 1;
            }
            e
        });
        // Writing into a String cannot fail.
        let _ = pulldown_cmark::html::write_html_fmt(Sink(&buf), iter);
    }
    let rendered = buf.into_inner();
    cuts.resize(bounds.len(), rendered.len());
    let mut html = String::with_capacity(rendered.len());
    let mut pos = 0;
    for pair in cuts.chunks(2) {
        html.push_str(&rendered[pos..pair[0]]);
        html.push_str(&sanitize::clean(&rendered[pair[0]..pair[1]]));
        pos = pair[1];
    }
    html.push_str(&rendered[pos..]);
    html
}

enum LinkOutcome {
    Keep,
    Rewrite(String),
    Unpublished,
}

fn rewrite_link(
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
    let doc = &links.docs[from];
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
        match resolved.as_deref().and_then(|p| links.maps.by_path.get(p)) {
            Some(&i) => Some(i),
            None => {
                let shown = resolved.unwrap_or_else(|| path.to_string());
                out.diags.push(
                    doc.error_at(span, format!("link to a missing file: content/{shown}"))
                        .with_help("link to a Markdown file relative to this one, or to a document id, e.g. [text](SMS-PRO-007)")
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
    if !links.published[to] {
        return LinkOutcome::Unpublished;
    }
    let mut url = if to == from {
        String::new()
    } else {
        format!("{root}{}", links.urls[to])
    };
    if let Some(a) = anchor {
        url.push('#');
        url.push_str(&a);
    }
    LinkOutcome::Rewrite(url)
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
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

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    let n = used.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        let id = format!("{base}-{}", *n - 1);
        used.insert(id.clone(), 1);
        id
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn nest_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, e: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < e.level => insert(&mut last.children, e),
            _ => list.push(e),
        }
    }
    let mut top = Vec::new();
    for (level, id, title) in flat {
        // The document title is the page's h1: a body h1 still gets listed.
        insert(
            &mut top,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    top
}

/// Escape text for an HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
