//! Located diagnostics: every problem Clausebook reports names a file, a line
//! and a column, and shows the offending line with a caret, like rustc.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{Level as SnippetLevel, Renderer, Snippet};
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem, located in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable id of the check rule that produced it (see `check::rules::RULES`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    pub level: Level,
    /// Path as shown to the user (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    pub message: String,
    /// The offending source line, without its line break; on a long line
    /// (over [`SNIPPET_MAX`] characters) only the part around the column,
    /// with `…` where it is cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    /// Where the caret starts in `source_line`, in characters (`column - 1`
    /// unless the line is cut before the column).
    #[serde(skip)]
    pub caret: usize,
    /// How many characters the caret underlines (at least 1, at most
    /// [`SNIPPET_CONTEXT`]).
    #[serde(skip)]
    pub width: usize,
    /// What the finding is about, when it is not a place in a file: for
    /// coverage findings the clause key (`iso20000-1:2011/6.4`).
    #[serde(skip)]
    pub subject: Option<String>,
    /// What the user can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (no useful position, e.g. it cannot be read).
    pub fn file(level: Level, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: None,
            level,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            caret: 0,
            width: 1,
            subject: None,
            help: None,
        }
    }

    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::file(Level::Error, file, message)
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::file(Level::Warning, file, message)
    }

    /// Locate the diagnostic at byte offset `offset` of `source` (the whole
    /// file), underlining `len` bytes (clamped to the line). Costs time in
    /// proportion to `offset`: for many findings in one file, use
    /// [`Diagnostic::at_index`].
    pub fn at_offset(self, source: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let line = newline_count(&source.as_bytes()[..line_start]) + 1;
        let column = source[line_start..offset].chars().count() + 1;
        self.locate(source, offset, len, line_start, line_end, line, column)
    }

    /// Like [`Diagnostic::at_offset`], with the [`LineIndex`] of `source`:
    /// the time does not depend on the offset nor on the line's length.
    pub fn at_index(self, index: &LineIndex, source: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line = index.line_of(offset);
        let line_start = index.starts[line];
        let line_end = index
            .starts
            .get(line + 1)
            .map_or(source.len(), |next| next - 1);
        let column =
            index.chars_before(source, offset) - index.chars_before(source, line_start) + 1;
        self.locate(source, offset, len, line_start, line_end, line + 1, column)
    }

    /// Set the position and the snippet: the line, or on a long line the
    /// part around the column (the snippet's length is bounded, so that
    /// many findings on one long line cost time and memory in proportion
    /// to their number, not to the line's length times their number).
    #[allow(clippy::too_many_arguments)]
    fn locate(
        mut self,
        source: &str,
        offset: usize,
        len: usize,
        line_start: usize,
        line_end: usize,
        line: usize,
        column: usize,
    ) -> Self {
        let text_end = line_start + source[line_start..line_end].trim_end_matches('\r').len();
        // A finding on the line's trailing `\r`s stands at the end of the
        // text shown (they are one byte each).
        let column = column - offset.saturating_sub(text_end);
        let offset = offset.min(text_end);
        self.line = line;
        self.column = column;
        // The underlined characters, at most SNIPPET_CONTEXT of them.
        let span_end = floor_char_boundary(source, (offset + len.max(1)).min(text_end));
        let (width, under_end) = source[offset..span_end]
            .char_indices()
            .take(SNIPPET_CONTEXT)
            .fold((0, offset), |(n, _), (i, c)| {
                (n + 1, offset + i + c.len_utf8())
            });
        self.width = width.max(1);
        if text_end - line_start <= SNIPPET_MAX {
            // Bytes bound characters: the whole line is short enough.
            self.caret = column - 1;
            self.source_line = Some(source[line_start..text_end].to_string());
            return self;
        }
        let from = source[line_start..offset]
            .char_indices()
            .rev()
            .take(SNIPPET_CONTEXT)
            .last()
            .map_or(offset, |(i, _)| line_start + i);
        let to = source[under_end..text_end]
            .char_indices()
            .nth(SNIPPET_CONTEXT)
            .map_or(text_end, |(i, _)| under_end + i);
        let mut snippet = String::with_capacity(to - from + 8);
        if from > line_start {
            snippet.push('…');
        }
        self.caret = snippet.chars().count() + source[from..offset].chars().count();
        snippet.push_str(&source[from..to]);
        if to < text_end {
            snippet.push('…');
        }
        self.source_line = Some(snippet);
        self
    }

    /// Locate the diagnostic at a 1-based line and column of `source`.
    pub fn at_line_col(self, source: &str, line: usize, column: usize, len: usize) -> Self {
        let offset = offset_of_line_col(source, line, column);
        self.at_offset(source, offset, len)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Tag with the id of the rule that found it.
    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// `file:line:column`, the form editors and CI annotations understand.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.display().to_string(),
            (l, 0) => format!("{}:{l}", self.file.display()),
            (l, c) => format!("{}:{l}:{c}", self.file.display()),
        }
    }

    /// Render as rustc does: the message, the location, the line with a caret
    /// and the help. `color` selects ANSI styling.
    pub fn render(&self, color: bool) -> String {
        let level = match self.level {
            Level::Error => SnippetLevel::Error,
            Level::Warning => SnippetLevel::Warning,
        };
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let origin = self.file.display().to_string();
        let Some(line_text) = &self.source_line else {
            // No source line to show: the rustc-style header and location.
            let (tag, style) = match self.level {
                Level::Error => ("error", "\x1b[1;31m"),
                Level::Warning => ("warning", "\x1b[1;33m"),
            };
            let msg = match self.rule {
                Some(r) => format!("[{r}] {}", self.message),
                None => self.message.clone(),
            };
            let head = if color {
                format!("{style}{tag}\x1b[0m\x1b[1m: {msg}\x1b[0m")
            } else {
                format!("{tag}: {msg}")
            };
            let mut out = format!("{head}\n  --> {}", self.location());
            if let Some(h) = &self.help {
                out.push_str(&format!("\n   = help: {h}"));
            }
            return out;
        };
        let title = match self.rule {
            Some(r) => format!("[{r}] {}", self.message),
            None => self.message.clone(),
        };
        let mut message = level.title(&title);
        let start: usize = line_text.chars().take(self.caret).map(char::len_utf8).sum();
        let end: usize = start
            + line_text[start..]
                .chars()
                .take(self.width.max(1))
                .map(char::len_utf8)
                .sum::<usize>();
        message = message.snippet(
            Snippet::source(line_text)
                .line_start(self.line)
                .origin(&origin)
                .annotation(SnippetLevel::Error.span(start..end)),
        );
        let help;
        if let Some(h) = &self.help {
            help = h.clone();
            message = message.footer(SnippetLevel::Help.title(&help));
        }
        let text = renderer.render(message).to_string();
        if self.caret + 1 == self.column {
            return text;
        }
        // A cut line: the renderer counts the column in the part shown.
        let shown = format!("{origin}:{}:{}", self.line, self.caret + 1);
        text.replacen(&shown, &self.location(), 1)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(f, "{}: {level}: {}", self.location(), self.message)
    }
}

/// A sorted, de-duplicated list of diagnostics: errors of a build are
/// collected and reported together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }
    /// Stable order: by file, line, column, then message.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message, a.level)
                .cmp(&(&b.file, b.line, b.column, &b.message, b.level))
        });
        self.0.dedup();
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Show `path` relative to `root` when it lies below it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Byte offset of a 1-based line and (character) column in `source`.
pub fn offset_of_line_col(source: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line.max(1) {
        match source[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return source.len(),
        }
    }
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    source[offset..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(i, _)| offset + i)
}

/// Characters of a long source line shown on each side of a finding.
pub const SNIPPET_CONTEXT: usize = 120;

/// Lines up to this many bytes are shown whole.
pub const SNIPPET_MAX: usize = 2 * SNIPPET_CONTEXT + 16;

/// Where the lines of a text start, and how many characters precede every
/// [`LineIndex::STRIDE`]th byte: locates any byte offset at its line and
/// column in time independent of the offset and of the line's length.
/// Made once per file that has findings (see `content::Document`).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// Characters before byte `k * STRIDE`, for each `k`.
    chars: Vec<usize>,
}

impl LineIndex {
    const STRIDE: usize = 1024;

    pub fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        let mut chars = Vec::with_capacity(bytes.len() / Self::STRIDE + 1);
        let mut count = 0;
        for (k, chunk) in bytes.chunks(Self::STRIDE).enumerate() {
            chars.push(count);
            count += chunk.iter().filter(|&&b| !is_continuation(b)).count();
            let base = k * Self::STRIDE;
            starts.extend(
                chunk
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| base + i + 1),
            );
        }
        LineIndex { starts, chars }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The number of characters before byte `offset`.
    fn chars_before(&self, source: &str, offset: usize) -> usize {
        let k = offset / Self::STRIDE;
        let Some(&before) = self.chars.get(k) else {
            return source.chars().count();
        };
        before
            + source.as_bytes()[k * Self::STRIDE..offset]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }
}

/// Whether a byte continues a UTF-8 sequence (rather than starting a
/// character).
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The number of line breaks in `bytes`.
fn newline_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offset_and_renders_caret() {
        // An error names file:line:column and shows the offending line with a caret under the value.
        let src = "+++\ntitle = 1\nstatus = \"done\"\n+++\n";
        let off = src.find("\"done\"").unwrap();
        let d = Diagnostic::error("content/a.md", "unknown status `done`").at_offset(src, off, 6);
        assert_eq!((d.line, d.column), (3, 10));
        let text = d.render(false);
        assert!(text.contains("content/a.md:3:10"), "{text}");
        assert!(text.contains("status = \"done\""), "{text}");
        assert!(text.contains("^^^^^^"), "{text}");
    }

    #[test]
    fn long_lines_show_a_bounded_window_around_the_column() {
        // A finding far into a long line shows the part around it, cut with an ellipsis, and the caret under the finding.
        let line = format!("{}TARGET{}", "é".repeat(5_000), "x".repeat(5_000));
        let src = format!("first\n{line}\nlast\n");
        let off = src.find("TARGET").unwrap();
        let index = LineIndex::new(&src);
        for d in [
            Diagnostic::error("a.md", "m").at_offset(&src, off, 6),
            Diagnostic::error("a.md", "m").at_index(&index, &src, off, 6),
        ] {
            assert_eq!((d.line, d.column, d.width), (2, 5_001, 6));
            let shown = d.source_line.as_deref().unwrap();
            assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
            assert!(shown.chars().count() <= 2 * SNIPPET_CONTEXT + 8, "{shown}");
            let at: String = shown.chars().skip(d.caret).take(6).collect();
            assert_eq!(at, "TARGET");
            let text = d.render(false);
            assert!(text.contains("a.md:2:5001"), "{text}");
            let lines: Vec<&str> = text.lines().collect();
            let src_line = lines.iter().position(|l| l.contains("TARGET")).unwrap();
            let caret_col = lines[src_line + 1].find('^').unwrap();
            let target_col = lines[src_line].find("TARGET").unwrap();
            // Both are byte positions; the line holds two-byte characters.
            let chars_before = |l: &str, b: usize| l[..b].chars().count();
            assert_eq!(
                chars_before(lines[src_line + 1], caret_col),
                chars_before(lines[src_line], target_col)
            );
        }
    }

    #[test]
    fn the_index_agrees_with_the_plain_locator() {
        // Every offset of a text with short and long lines, ASCII and not, is located the same way by both paths.
        let src = format!(
            "ab\r\ncdé\n\n{}\nf{}\ng",
            "x".repeat(3000),
            "ü".repeat(1500)
        );
        let index = LineIndex::new(&src);
        for off in (0..=src.len()).filter(|&o| src.is_char_boundary(o)) {
            let a = Diagnostic::error("f", "m").at_offset(&src, off, 3);
            let b = Diagnostic::error("f", "m").at_index(&index, &src, off, 3);
            assert_eq!(a, b, "offset {off}");
        }
    }

    #[test]
    fn a_finding_past_a_trailing_carriage_return_stays_on_the_line() {
        // An offset just past a line's trailing `\r` (the fuzz suite found one in a TOML error) puts the caret at the end of the text shown, not beyond it.
        let d = Diagnostic::error("c.toml", "m").at_offset("title = \r", 9, 1);
        assert_eq!((d.line, d.column, d.caret), (1, 9, 8));
        assert_eq!(d.source_line.as_deref(), Some("title = "));
        assert!(d.render(false).contains("c.toml:1:9"));
    }

    #[test]
    fn line_col_round_trip() {
        // A line and column, counted in characters (é included), lead back to the same place in the text.
        let src = "ab\ncdé\nf";
        let off = offset_of_line_col(src, 2, 3);
        assert_eq!(&src[off..], "é\nf");
    }
}
