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
//! [`sanitize::clean`] after rendering ([`raw_html`]); everything else is
//! written as pulldown-cmark renders it, and a document without raw HTML never meets
//! the sanitizer. Under `sanitize` and `escape`, links and images whose URL
//! would run script are rendered as plain text.

mod link;
mod raw_html;
mod rendered;
pub mod sanitize;

use foldhash::{HashMap, HashMapExt};

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::base::fingerprint::fingerprint;
use crate::load::config::RawHtml;
use crate::load::content::Document;
use crate::load::content::Span;
use crate::resolve::links::LinkIndex;
use link::{LinkOutcome, rewrite_link};
use raw_html::{RawHtmlState, render_sanitized, unsafe_span, unsafe_target};

pub use link::resolve_relative;
pub use rendered::{Rendered, TocEntry};

/// A heading being collected: level, explicit id, classes, inner events.
type OpenHeading<'e> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'e>>);

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
    let doc = links.doc(index);
    let body = doc.body();
    let mut r = Body::new(index, doc, links, root);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if r.policy == RawHtml::Sanitize {
            let next = r.events.len();
            r.raw
                .see(&event, next, doc, r.base, &range, &mut r.out.diags);
        }
        r.note(&event);
        if let Some(event) = r.transform(event, &range) {
            match &mut r.heading {
                Some((_, _, _, inner)) => inner.push(event),
                None => r.events.push(event),
            }
        }
    }
    r.finish(body.len())
}

/// One body being rendered: the events written so far and what the
/// rendering has found.
struct Body<'a, 'l> {
    index: usize,
    doc: &'a Document,
    links: &'l LinkIndex<'a>,
    root: &'l str,
    /// Byte offset of the body in the source file.
    base: usize,
    policy: RawHtml,
    out: Rendered,
    events: Vec<Event<'a>>,
    /// The ids given so far (and the page's own), with how often each
    /// base id was asked for.
    used_ids: HashMap<String, usize>,
    /// The id of each footnote, by its lower-case name.
    footnotes: HashMap<String, String>,
    /// Open links: the HTML closing the plain span a link was turned into
    /// (`None`: the link stays a link).
    link_stack: Vec<Option<&'static str>>,
    /// Open images: true when the image was turned into a plain span.
    image_stack: Vec<bool>,
    heading: Option<OpenHeading<'a>>,
    flat_toc: Vec<(u8, String, String)>,
    raw: RawHtmlState,
}

impl<'a, 'l> Body<'a, 'l> {
    fn new(index: usize, doc: &'a Document, links: &'l LinkIndex<'a>, root: &'l str) -> Self {
        Body {
            index,
            doc,
            links,
            root,
            base: doc.body_offset,
            policy: links.raw_html(),
            out: Rendered::default(),
            events: Vec::new(),
            used_ids: crate::load::templates::document_page_ids()
                .iter()
                .map(|id| (id.clone(), 1))
                .collect(),
            footnotes: HashMap::new(),
            link_stack: Vec::new(),
            image_stack: Vec::new(),
            heading: None,
            flat_toc: Vec::new(),
            raw: RawHtmlState::default(),
        }
    }

    /// Collect the plain text of `event`.
    fn note(&mut self, event: &Event<'_>) {
        let out = &mut self.out;
        match event {
            Event::Text(t) | Event::Code(t) => {
                out.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => out.text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.text.push('\n'),
            _ => {}
        }
    }

    /// The event to write in place of `event` (`None`: nothing now, as for
    /// a heading, which is written when it closes).
    fn transform(&mut self, event: Event<'a>, range: &std::ops::Range<usize>) -> Option<Event<'a>> {
        let policy = self.policy;
        Some(match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                self.heading = Some((
                    level,
                    id.map(|i| i.to_string()),
                    classes.iter().map(|c| c.to_string()).collect(),
                    Vec::new(),
                ));
                return None;
            }
            Event::End(TagEnd::Heading(_)) => {
                self.close_heading();
                return None;
            }
            Event::FootnoteReference(name) => Event::FootnoteReference(self.footnote_id(&name)),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let id = self.footnote_id(&name);
                self.out.anchors.insert(id.to_string());
                Event::Start(Tag::FootnoteDefinition(id))
            }
            Event::Start(ref tag @ (Tag::Link { .. } | Tag::Image { .. }))
                if policy != RawHtml::Trust
                    && let Some((what, scheme)) = unsafe_target(tag) =>
            {
                let diags = &mut self.out.diags;
                self.raw
                    .unsafe_url(self.doc, self.base, range, what, &scheme, diags);
                match what {
                    "image" => self.image_stack.push(true),
                    _ => self.link_stack.push(Some("</span>")),
                }
                Event::Html(unsafe_span(what, &scheme).into())
            }
            e @ Event::Start(Tag::Image { .. }) => {
                self.image_stack.push(false);
                e
            }
            Event::End(TagEnd::Image) => {
                if self.image_stack.pop() == Some(true) {
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
            }) => self.start_link(link_type, dest_url, title, id, range),
            Event::End(TagEnd::Link) => match self.link_stack.pop().flatten() {
                Some(close) => Event::Html(close.into()),
                None => Event::End(TagEnd::Link),
            },
            other => other,
        })
    }

    /// The id of footnote `name` in the page: `fn-<name>`, unique among
    /// the page's ids (a heading `## Log` keeps `log` beside `[^log]`).
    fn footnote_id(&mut self, name: &str) -> CowStr<'a> {
        let key = name.to_lowercase();
        if let Some(id) = self.footnotes.get(&key) {
            return id.clone().into();
        }
        let id = unique_id(&mut self.used_ids, format!("fn-{key}"));
        self.footnotes.insert(key, id.clone());
        id.into()
    }

    /// Write the heading being collected, with its id and anchor, unless it
    /// is a leading `# Title` repeating the document title (the page
    /// template already has it).
    fn close_heading(&mut self) {
        let Some((level, explicit, classes, inner)) = self.heading.take() else {
            return;
        };
        let text = plain_text(&inner);
        if level == HeadingLevel::H1
            && self.events.is_empty()
            && text.trim().eq_ignore_ascii_case(self.doc.meta.title.trim())
        {
            return;
        }
        let base_id = explicit.unwrap_or_else(|| {
            let s = crate::base::text::slugify(&text);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        });
        let id = unique_id(&mut self.used_ids, base_id);
        self.out.anchors.insert(id.clone());
        let lvl = level as u8;
        self.flat_toc.push((lvl, id.clone(), text));
        let class_attr = if classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape_attr(&classes.join(" ")))
        };
        self.events.push(Event::Html(
            format!("<h{lvl} id=\"{}\"{class_attr}>", escape_attr(&id)).into(),
        ));
        self.events.extend(inner);
        self.events.push(Event::Html(
            format!(
                " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\">#</a></h{lvl}>\n",
                escape_attr(&id)
            )
            .into(),
        ));
    }

    /// A link opening: to another document it is rewritten to the target's
    /// page (and recorded as an edge); to an unpublished one it becomes
    /// plain text.
    fn start_link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        range: &std::ops::Range<usize>,
    ) -> Event<'a> {
        let span = Span {
            offset: self.base + range.start,
            len: range.len(),
        };
        let outcome = rewrite_link(
            self.index,
            link_type,
            &dest_url,
            self.links,
            self.root,
            span,
            &mut self.out,
        );
        match outcome {
            LinkOutcome::Keep => {
                self.link_stack.push(None);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            LinkOutcome::Rewrite(url) => {
                self.link_stack.push(None);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })
            }
            LinkOutcome::Unpublished => {
                // Plain text with a marker: the target has no page, and
                // nothing of it (not even its id) is shown.
                self.link_stack.push(Some(
                    "</span> <span class=\"unpublished-mark muted\">(not published)</span>",
                ));
                Event::Html("<span class=\"unpublished-link\">".into())
            }
        }
    }

    /// The HTML (sanitized where raw HTML stands) and table of contents of
    /// a body of `len` bytes.
    fn finish(self, len: usize) -> Rendered {
        let mut out = self.out;
        let regions = self.raw.finish(self.events.len());
        if regions.is_empty() {
            out.html = String::with_capacity(len * 3 / 2);
            pulldown_cmark::html::push_html(&mut out.html, self.events.into_iter());
        } else {
            out.html = render_sanitized(self.events, &regions, len * 3 / 2);
        }
        // Both are kept until the end of the build: copied to their exact
        // size (their capacity guessed or doubled is up to twice that, and
        // the allocator keeps a block that shrinks by less than half).
        exact(&mut out.html);
        exact(&mut out.text);
        out.toc = nest_toc(self.flat_toc);
        out.fp = fingerprint(&(&out.html, &out.toc));
        out
    }
}

/// `s` in a block of its own size, when its block is an eighth larger.
fn exact(s: &mut String) {
    if s.capacity() - s.len() > s.len() / 8 {
        *s = s.as_str().to_owned();
    }
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
