//! A catalog or mapping file being checked: its findings point into it.

use std::ops::Range;
use std::path::Path;

use crate::base::diag::{Diagnostic, Level};

/// A source file being checked: diagnostics point into it.
pub(super) struct FileCtx<'a> {
    file: &'a Path,
    src: &'a str,
    pub(super) diags: Vec<Diagnostic>,
}

impl<'a> FileCtx<'a> {
    pub(super) fn new(file: &'a Path, src: &'a str) -> Self {
        FileCtx {
            file,
            src,
            diags: Vec::new(),
        }
    }

    fn report(
        &mut self,
        level: Level,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let d = match level {
            Level::Error => Diagnostic::error(self.file, message),
            Level::Warning => Diagnostic::warning(self.file, message),
        };
        let mut d = d.at_offset(self.src, span.start, span.end.saturating_sub(span.start));
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    pub(super) fn error(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.report(Level::Error, span, message, help);
    }

    pub(super) fn warning(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.report(Level::Warning, span, message, help);
    }

    pub(super) fn toml_error(&mut self, e: &toml::de::Error) {
        let d = Diagnostic::error(self.file, e.message().trim().to_string());
        let d = match e.span() {
            Some(span) => d.at_offset(self.src, span.start, span.end.saturating_sub(span.start)),
            None => d,
        };
        self.diags.push(d);
    }

    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())].matches('\n').count() + 1
    }

    /// The start of the file, for problems with the file as a whole.
    pub(super) fn top(&self) -> Range<usize> {
        0..self.src.find('\n').unwrap_or(self.src.len())
    }
}

pub(super) fn did_you_mean(s: Option<String>) -> Option<String> {
    s.map(|s| format!("did you mean `{s}`?"))
}

/// Where `"<text>"` first stands in `src` (the file's top when nowhere).
pub(super) fn quoted_span(cx: &FileCtx, src: &str, text: &str) -> Range<usize> {
    src.find(&format!("\"{text}\""))
        .map(|s| s..s + text.len() + 2)
        .unwrap_or_else(|| cx.top())
}
