//! Raw HTML in a body under `raw_html = "sanitize"`: which regions of the
//! rendered events go through the sanitizer, the located findings about
//! what it removes, and links or images whose URL would run script.

use std::cell::RefCell;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::sanitize;
use crate::base::diag::Diagnostic;
use crate::load::content::{Document, Span};

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
pub(super) struct RawHtmlState {
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
    pub(super) fn see(
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
    pub(super) fn unsafe_url(
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
    pub(super) fn finish(mut self, len: usize) -> Vec<(usize, usize)> {
        if let Some(start) = self.open.take() {
            self.regions.push((start, len));
        }
        self.regions
    }
}

/// `("link" | "image", scheme)` when following the link or loading the
/// image could run script.
pub(super) fn unsafe_target(tag: &Tag<'_>) -> Option<(&'static str, String)> {
    match tag {
        Tag::Link { dest_url, .. } => Some(("link", sanitize::dangerous_scheme(dest_url, false)?)),
        Tag::Image { dest_url, .. } => Some(("image", sanitize::dangerous_scheme(dest_url, true)?)),
        _ => None,
    }
}

/// The span a neutralised link or image becomes (its text stays).
pub(super) fn unsafe_span(what: &str, scheme: &str) -> String {
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
pub(super) fn render_sanitized(
    events: Vec<Event<'_>>,
    regions: &[(usize, usize)],
    capacity: usize,
) -> String {
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
