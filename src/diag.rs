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
    /// Stable id of the check rule that produced it (see `check::RULES`).
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
    /// The offending source line, without its line break.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    /// How many characters the caret underlines (at least 1).
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
    /// file), underlining `len` bytes (clamped to the line).
    pub fn at_offset(mut self, source: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        self.line = source[..line_start].matches('\n').count() + 1;
        self.column = source[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(source, (offset + len.max(1)).min(line_end));
        self.width = source[offset..end].chars().count().max(1);
        self.source_line = Some(line_text.to_string());
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
        let start: usize = line_text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
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
        renderer.render(message).to_string()
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
    fn line_col_round_trip() {
        // A line and column, counted in characters (é included), lead back to the same place in the text.
        let src = "ab\ncdé\nf";
        let off = offset_of_line_col(src, 2, 3);
        assert_eq!(&src[off..], "é\nf");
    }
}
