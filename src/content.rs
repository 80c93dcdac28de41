//! Loading the document set: find the Markdown files under `content/`, split
//! and parse their front-matter (TOML `+++` or YAML `---`), and validate each
//! field with a located error.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value as Json;

use crate::diag::{Diagnostic, Diagnostics};

/// Folder of a site that holds the documents.
pub const CONTENT_DIR: &str = "content";

/// What sort of controlled document this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Policy,
    Plan,
    Process,
    Procedure,
    WorkInstruction,
    Form,
    Register,
    Record,
    Agreement,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Policy,
        Kind::Plan,
        Kind::Process,
        Kind::Procedure,
        Kind::WorkInstruction,
        Kind::Form,
        Kind::Register,
        Kind::Record,
        Kind::Agreement,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::Plan => "plan",
            Kind::Process => "process",
            Kind::Procedure => "procedure",
            Kind::WorkInstruction => "work-instruction",
            Kind::Form => "form",
            Kind::Register => "register",
            Kind::Record => "record",
            Kind::Agreement => "agreement",
            Kind::Other => "other",
        }
    }

    /// Plural label for listing pages.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Policy => "Policies",
            Kind::Plan => "Plans",
            Kind::Process => "Processes",
            Kind::Procedure => "Procedures",
            Kind::WorkInstruction => "Work instructions",
            Kind::Form => "Forms",
            Kind::Register => "Registers",
            Kind::Record => "Records",
            Kind::Agreement => "Agreements",
            Kind::Other => "Other documents",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Kind::ALL.into_iter().find(|k| k.as_str() == norm)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a document stands in its approval life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Approved,
    Retired,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Review,
        Status::Approved,
        Status::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Approved => "approved",
            Status::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        let norm = s.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|k| k.as_str() == norm)
    }

    /// Draft and review documents are published only with `--drafts`.
    pub fn is_unreleased(self) -> bool {
        matches!(self, Status::Draft | Status::Review)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much of a clause a document addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Full,
    Partial,
}

/// A byte range in a document's source file, kept to locate later findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

/// A clause reference as written in the front-matter, before resolution.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseRefSpec {
    pub text: String,
    pub level: Level,
    pub section: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A document id as written in `related`, with its location.
#[derive(Debug, Clone, Serialize)]
pub struct IdRef {
    pub id: String,
    #[serde(skip)]
    pub span: Span,
}

/// The metadata of one document.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub owner: Option<String>,
    pub approver: Option<String>,
    pub version: Option<String>,
    pub status: Status,
    pub effective: Option<jiff::civil::Date>,
    pub review_by: Option<jiff::civil::Date>,
    pub clauses: Vec<ClauseRefSpec>,
    pub related: Vec<IdRef>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    /// Unknown front-matter keys, available to templates as `extra`.
    pub extra: BTreeMap<String, Json>,
}

/// One source document: its file, its parsed metadata and its body.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the site root, as shown in messages
    /// (`content/procedures/change.md`).
    pub path: PathBuf,
    /// Path relative to `content/`, with `/` separators, used to resolve
    /// relative links between Markdown files.
    pub content_path: String,
    /// The whole file.
    pub source: Arc<str>,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
    pub meta: Meta,
    /// Where the `id` value stands, for duplicate-id messages.
    pub id_span: Span,
    /// Where the value of each known front-matter key present stands.
    pub spans: BTreeMap<&'static str, Span>,
    /// Unique to this parse of the file within the process (a clone keeps
    /// it): two documents with the same serial hold the same parse, so
    /// what was worked out from one holds for the other.
    pub serial: u64,
}

/// The serial of the next document parsed.
static NEXT_SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Document {
    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }

    /// A diagnostic located at `span` of this document.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, message).at_offset(&self.source, span.offset, span.len)
    }

    pub fn warning_at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.path, message).at_offset(&self.source, span.offset, span.len)
    }

    /// Where a front-matter key's value stands (the id when absent).
    pub fn span_of(&self, key: &str) -> Span {
        self.spans.get(key).copied().unwrap_or(self.id_span)
    }
}

/// Find every Markdown file below `root/content`, sorted by path so that the
/// build is deterministic.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(
            Diagnostic::error(CONTENT_DIR, "the site has no `content/` folder")
                .with_help("put the Markdown documents under content/ (any nesting)"),
        );
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let p = e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dir.clone());
            Diagnostic::error(
                crate::diag::display_path(root, &p),
                format!("cannot read: {e}"),
            )
        })?;
        if entry.depth() > 0 && entry.file_type().is_file() && is_document_name(entry.path()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Whether a file below `content/` is a document, by its name: Markdown,
/// not hidden (editors' swap and backup files are).
pub fn is_document_name(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.ends_with(".md") && !n.starts_with('.'))
}

/// Load and parse every document of the site in parallel. Returns the
/// documents that parsed and every problem found; a document with an error
/// in its front-matter is left out.
pub fn load(root: &Path) -> (Vec<Document>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let files = match discover(root) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return (Vec::new(), diags);
        }
    };
    let results: Vec<(Option<Document>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| read_document(root, file))
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for (doc, ds) in results {
        diags.extend(ds);
        docs.extend(doc);
    }
    (docs, diags)
}

/// Read and parse one document file of the site at `root` (`file` is the
/// path as [`discover`] returns it).
pub fn read_document(root: &Path, file: &Path) -> (Option<Document>, Vec<Diagnostic>) {
    let rel = crate::diag::display_path(root, file);
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let content_path = file
                .strip_prefix(root.join(CONTENT_DIR))
                .unwrap_or(file)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            parse_document(rel, content_path, text)
        }
        Err(e) => {
            (
                None,
                vec![Diagnostic::error(rel, format!("cannot read file: {e}")).with_help(
                "documents must be UTF-8 text files; check the file's encoding and permissions",
            )],
            )
        }
    }
}

/// Which front-matter syntax a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Toml,
    Yaml,
}

/// The front-matter block of a file: its syntax and byte ranges.
struct FrontMatter {
    syntax: Syntax,
    /// Byte offset of the first line inside the fences.
    start: usize,
    /// Byte offset just past the last line inside the fences.
    end: usize,
    /// Byte offset where the body starts (after the closing fence line).
    body: usize,
}

fn split_front_matter(text: &str) -> Result<FrontMatter, (usize, String, &'static str)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let fence = rest[..first_end].trim_end();
    let syntax = match fence {
        "+++" => Syntax::Toml,
        "---" => Syntax::Yaml,
        _ => {
            return Err((
                bom,
                "document has no front-matter".into(),
                "start the file with a `+++` line, the TOML metadata (id, title, ...), and a closing `+++` line",
            ));
        }
    };
    let start = bom + first_end;
    let mut pos = start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..line_end].trim_end() == fence {
            return Ok(FrontMatter {
                syntax,
                start,
                end: pos,
                body: line_end,
            });
        }
        pos = line_end;
    }
    Err((
        bom,
        format!("front-matter opened with `{fence}` is never closed"),
        if syntax == Syntax::Toml {
            "add a line with `+++` after the metadata"
        } else {
            "add a line with `---` after the metadata"
        },
    ))
}

/// Parse one document. `path` is for messages, `content_path` the path below
/// `content/`.
pub fn parse_document(
    path: PathBuf,
    content_path: String,
    text: String,
) -> (Option<Document>, Vec<Diagnostic>) {
    let source: Arc<str> = Arc::from(text);
    let fm = match split_front_matter(&source) {
        Ok(fm) => fm,
        Err((offset, msg, help)) => {
            return (
                None,
                vec![
                    Diagnostic::error(&path, msg)
                        .at_offset(&source, offset, 3)
                        .with_help(help)
                        .with_rule("front-matter"),
                ],
            );
        }
    };
    let fm_text = &source[fm.start..fm.end];
    let table = match parse_table(fm.syntax, fm_text) {
        Ok(t) => t,
        Err((offset, len, msg)) => {
            let help = match fm.syntax {
                Syntax::Toml => {
                    "front-matter between `+++` lines is TOML: strings need quotes, dates are written 2026-01-31"
                }
                Syntax::Yaml => {
                    "front-matter between `---` lines is YAML: `key: value`, lists as `[a, b]` or `- item` lines"
                }
            };
            return (
                None,
                vec![
                    Diagnostic::error(&path, msg)
                        .at_offset(&source, fm.start + offset, len)
                        .with_help(help)
                        .with_rule("front-matter"),
                ],
            );
        }
    };
    let mut fields = Fields {
        path: &path,
        source: &source,
        fm_start: fm.start,
        fm_text,
        syntax: fm.syntax,
        table,
        diags: Vec::new(),
        cursor: None,
    };
    let spans: BTreeMap<&'static str, Span> = KNOWN_KEYS
        .iter()
        .filter(|k| fields.table.contains_key(**k))
        .map(|k| (*k, fields.key_span(k)))
        .collect();
    let meta = fields.meta();
    let id_span = fields.key_span("id");
    let diags = fields.diags;
    // A document with an id and a title stays in the set even when another
    // field is wrong (the error is reported and fails the build), so that
    // links to it do not turn into a cascade of follow-on errors.
    let doc = meta.map(|meta| Document {
        path,
        content_path,
        body_offset: fm.body,
        source,
        meta,
        id_span,
        spans,
        serial: NEXT_SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    });
    (doc, diags)
}

/// Parse the front-matter text into a JSON-like table. Errors give a byte
/// offset within `text`, a length and a message.
fn parse_table(
    syntax: Syntax,
    text: &str,
) -> Result<serde_json::Map<String, Json>, (usize, usize, String)> {
    match syntax {
        Syntax::Toml => {
            let value: toml::Table = toml::from_str(text).map_err(|e| {
                let span = e.span().unwrap_or(0..0);
                (span.start, span.len(), e.message().trim().to_string())
            })?;
            Ok(value
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect())
        }
        Syntax::Yaml => {
            if text.trim().is_empty() {
                return Ok(serde_json::Map::new());
            }
            let value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
                let offset = e.location().map_or(0, |l| l.index());
                let msg = e.to_string();
                // serde_norway appends " at line X column Y"; the caret shows it.
                let msg = msg
                    .split(" at line ")
                    .next()
                    .unwrap_or(&msg)
                    .trim()
                    .to_string();
                (offset, 1, msg)
            })?;
            match yaml_to_json(value) {
                Json::Object(m) => Ok(m),
                Json::Null => Ok(serde_json::Map::new()),
                _ => Err((
                    0,
                    1,
                    "YAML front-matter must be a mapping of keys to values".into(),
                )),
            }
        }
    }
}

fn toml_to_json(v: toml::Value) -> Json {
    match v {
        toml::Value::String(s) => Json::String(s),
        toml::Value::Integer(i) => Json::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        toml::Value::Boolean(b) => Json::Bool(b),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Json::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn yaml_to_json(v: serde_norway::Value) -> Json {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Json::Null,
        Y::Bool(b) => Json::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
        }
        Y::String(s) => Json::String(s),
        Y::Sequence(s) => Json::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Json::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

/// The keys Clausebook knows; any other key warns and goes to `extra`.
pub const KNOWN_KEYS: [&str; 13] = [
    "id",
    "title",
    "kind",
    "owner",
    "approver",
    "version",
    "status",
    "effective",
    "review_by",
    "clauses",
    "related",
    "tags",
    "summary",
];

/// Field-by-field validation of a parsed front-matter table.
struct Fields<'a> {
    path: &'a Path,
    source: &'a str,
    fm_start: usize,
    fm_text: &'a str,
    syntax: Syntax,
    table: serde_json::Map<String, Json>,
    diags: Vec<Diagnostic>,
    /// The key and end offset of the last located list item.
    cursor: Option<(String, usize)>,
}

impl Fields<'_> {
    /// Location of a top-level key's value in the file (falls back to the
    /// start of the front-matter).
    fn key_span(&self, key: &str) -> Span {
        let sep = match self.syntax {
            Syntax::Toml => '=',
            Syntax::Yaml => ':',
        };
        let mut offset = 0;
        for line in self.fm_text.split_inclusive('\n') {
            if let Some(after) = line.strip_prefix(key) {
                let trimmed = after.trim_start();
                if trimmed.starts_with(sep) {
                    let value = trimmed[1..].trim_start();
                    let value_start = offset + (line.len() - value.len());
                    let len = value.trim_end().len().max(1);
                    return Span {
                        offset: self.fm_start + value_start,
                        len,
                    };
                }
            }
            // A TOML table header ends the top-level keys.
            if self.syntax == Syntax::Toml && line.trim_start().starts_with('[') && offset > 0 {
                let t = line.trim_start();
                if !t.starts_with("[[") && t.contains(']') && !t.contains('=') {
                    break;
                }
            }
            offset += line.len();
        }
        Span {
            offset: self.fm_start,
            len: 1,
        }
    }

    /// Location of a list item: the next whole occurrence of `needle` after
    /// the previous item of the same key (so `["DOC-100", "DOC-1"]` locates
    /// each entry at its own place).
    fn item_span(&mut self, key: &str, needle: &str) -> Span {
        let key_span = self.key_span(key);
        let start = match &self.cursor {
            Some((k, pos)) if k == key => *pos,
            _ => key_span.offset,
        };
        let end = self.fm_start + self.fm_text.len();
        match find_item(&self.source[start..end], needle) {
            Some(i) => {
                self.cursor = Some((key.to_string(), start + i + needle.len()));
                Span {
                    offset: start + i,
                    len: needle.len(),
                }
            }
            None => key_span,
        }
    }

    fn error(&mut self, span: Span, msg: impl Into<String>, help: Option<String>) {
        self.error_rule("front-matter", span, msg, help);
    }

    fn error_rule(
        &mut self,
        rule: &'static str,
        span: Span,
        msg: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(self.path, msg)
            .at_offset(self.source, span.offset, span.len)
            .with_rule(rule);
        d.help = help;
        self.diags.push(d);
    }

    fn take(&mut self, key: &str) -> Option<Json> {
        self.table.remove(key).filter(|v| !v.is_null())
    }

    /// A string field; numbers are accepted and written out (`version = 2`).
    fn string(&mut self, key: &str) -> Option<String> {
        let v = self.take(key)?;
        match v {
            Json::String(s) => {
                let s = s.trim().to_string();
                if s.is_empty() { None } else { Some(s) }
            }
            Json::Number(n) => Some(n.to_string()),
            other => {
                let span = self.key_span(key);
                self.error(
                    span,
                    format!("`{key}` must be a string, found {}", type_name(&other)),
                    Some(format!("write it in quotes, e.g. {key} = \"...\"")),
                );
                None
            }
        }
    }

    fn string_list(&mut self, key: &str) -> Vec<(String, Span)> {
        let Some(v) = self.take(key) else {
            return Vec::new();
        };
        let items = match v {
            Json::Array(a) => a,
            Json::String(s) => vec![Json::String(s)],
            other => {
                let span = self.key_span(key);
                self.error(
                    span,
                    format!(
                        "`{key}` must be a list of strings, found {}",
                        type_name(&other)
                    ),
                    Some(format!("write e.g. {key} = [\"a\", \"b\"]")),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Json::String(s) => {
                    let span = self.item_span(key, &s);
                    out.push((s.trim().to_string(), span));
                }
                other => {
                    let span = self.key_span(key);
                    self.error(
                        span,
                        format!(
                            "`{key}` must hold strings only, found {}",
                            type_name(&other)
                        ),
                        None,
                    );
                }
            }
        }
        out
    }

    fn date(&mut self, key: &str) -> Option<jiff::civil::Date> {
        let v = self.take(key)?;
        let span = self.key_span(key);
        let text = match &v {
            Json::String(s) => s.trim().to_string(),
            other => {
                self.error_rule(
                    "invalid-date",
                    span,
                    format!("`{key}` must be a date, found {}", type_name(other)),
                    Some("write dates as YYYY-MM-DD, e.g. 2026-03-31".into()),
                );
                return None;
            }
        };
        match text.parse::<jiff::civil::Date>() {
            Ok(d) if text.len() == 10 => Some(d),
            Ok(_) | Err(_) => {
                // Accept a full datetime only if it has a valid date part.
                let why = match text.get(..10).map(str::parse::<jiff::civil::Date>) {
                    Some(Ok(d)) if text.len() > 10 && text.as_bytes()[10] == b'T' => {
                        return Some(d);
                    }
                    Some(Err(e)) => e.to_string(),
                    _ => "expected YYYY-MM-DD".to_string(),
                };
                self.error_rule(
                    "invalid-date",
                    span,
                    format!("invalid date `{text}` in `{key}`: {why}"),
                    Some("write dates as YYYY-MM-DD, e.g. 2026-03-31".into()),
                );
                None
            }
        }
    }

    fn meta(&mut self) -> Option<Meta> {
        let id = self.string("id");
        let title = self.string("title");
        let kind_text = self.string("kind");
        let owner = self.string("owner");
        let approver = self.string("approver");
        let version = self.string("version");
        let status_text = self.string("status");
        let effective = self.date("effective");
        let review_by = self.date("review_by");
        let clauses = self.clauses();
        let related = self
            .string_list("related")
            .into_iter()
            .map(|(id, span)| IdRef { id, span })
            .collect();
        let tags = self
            .string_list("tags")
            .into_iter()
            .map(|(t, _)| t.to_lowercase())
            .collect();
        let summary = self.string("summary");

        let top = Span {
            offset: self.fm_start.saturating_sub(4),
            len: 3,
        };
        if id.is_none() {
            self.error(
                top,
                "document has no `id`",
                Some("add a unique document code, e.g. id = \"SMS-PRO-007\"".into()),
            );
        } else if let Some(id) = &id
            && let Some(bad) = id
                .chars()
                .find(|c| c.is_whitespace() || "#/?\"<>\\".contains(*c))
        {
            let span = self.key_span("id");
            self.error(
                span,
                format!("document id `{id}` contains `{bad}`"),
                Some("ids are codes made of letters, digits, `-`, `_` and `.`".into()),
            );
        }
        if title.is_none() {
            self.error(
                top,
                "document has no `title`",
                Some("add e.g. title = \"Change Management Procedure\"".into()),
            );
        }
        let kind = match kind_text {
            None => Kind::Other,
            Some(k) => match Kind::parse(&k) {
                Some(k) => k,
                None => {
                    let span = self.key_span("kind");
                    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                    self.error(
                        span,
                        format!("unknown kind `{k}`"),
                        Some(suggest_from(&k, &names)),
                    );
                    Kind::Other
                }
            },
        };
        let status = match status_text {
            None => Status::Draft,
            Some(s) => match Status::parse(&s) {
                Some(s) => s,
                None => {
                    let span = self.key_span("status");
                    let names: Vec<&str> = Status::ALL.iter().map(|k| k.as_str()).collect();
                    self.error(
                        span,
                        format!("unknown status `{s}`"),
                        Some(suggest_from(&s, &names)),
                    );
                    Status::Draft
                }
            },
        };
        // Whatever is left is unknown: warn, keep for templates.
        let extra: BTreeMap<String, Json> = std::mem::take(&mut self.table).into_iter().collect();
        for key in extra.keys() {
            let span = self.key_span(key);
            let mut d = Diagnostic::warning(self.path, format!("unknown front-matter key `{key}`"))
                .at_offset(self.source, span.offset, span.len)
                .with_rule("unknown-key");
            let close = KNOWN_KEYS
                .iter()
                .filter(|k| strsim::jaro_winkler(k, key) > 0.85)
                .max_by(|a, b| {
                    strsim::jaro_winkler(a, key).total_cmp(&strsim::jaro_winkler(b, key))
                });
            d.help = Some(match close {
                Some(k) => format!(
                    "did you mean `{k}`? Unknown keys are kept as `extra.{key}` for templates"
                ),
                None => format!("it is kept as `extra.{key}` for templates"),
            });
            // Point the caret at the key, not the value.
            if let Some(line_start) = self.source[..span.offset].rfind('\n') {
                let line = &self.source[line_start + 1..];
                if line.starts_with(key.as_str()) {
                    d = d.at_offset(self.source, line_start + 1, key.len());
                }
            }
            self.diags.push(d);
        }
        Some(Meta {
            id: id?,
            title: title?,
            kind,
            owner,
            approver,
            version,
            status,
            effective,
            review_by,
            clauses,
            related,
            tags,
            summary,
            extra,
        })
    }

    fn clauses(&mut self) -> Vec<ClauseRefSpec> {
        let Some(v) = self.take("clauses") else {
            return Vec::new();
        };
        let items = match v {
            Json::Array(a) => a,
            Json::String(s) => vec![Json::String(s)],
            other => {
                let span = self.key_span("clauses");
                self.error(
                    span,
                    format!("`clauses` must be a list, found {}", type_name(&other)),
                    Some("write e.g. clauses = [\"iso20000-1:2011/9.2\"]".into()),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Json::String(text) => {
                    let span = self.item_span("clauses", &text);
                    out.push(ClauseRefSpec {
                        text: text.trim().to_string(),
                        level: Level::Full,
                        section: None,
                        span,
                    });
                }
                Json::Object(mut t) => {
                    let Some(Json::String(text)) = t.remove("ref") else {
                        let span = self.key_span("clauses");
                        self.error(
                            span,
                            "a clause reference table needs `ref`",
                            Some("write { ref = \"iso9001:2008/4.2.3\", level = \"partial\", section = \"approval\" }".into()),
                        );
                        continue;
                    };
                    let span = self.item_span("clauses", &text);
                    let level = match t.remove("level") {
                        None => Level::Full,
                        Some(Json::String(l)) if l == "full" => Level::Full,
                        Some(Json::String(l)) if l == "partial" => Level::Partial,
                        Some(other) => {
                            let shown = other
                                .as_str()
                                .map_or_else(|| other.to_string(), str::to_string);
                            let span = self.item_span("clauses", &shown);
                            self.error(
                                span,
                                format!("unknown clause level `{shown}`"),
                                Some("the level is \"full\" (the default) or \"partial\"".into()),
                            );
                            Level::Full
                        }
                    };
                    let section = match t.remove("section") {
                        None => None,
                        Some(Json::String(s)) => Some(s.trim().trim_start_matches('#').to_string()),
                        Some(other) => {
                            self.error(
                                span,
                                format!(
                                    "`section` must be a heading id, found {}",
                                    type_name(&other)
                                ),
                                None,
                            );
                            None
                        }
                    };
                    for key in t.keys() {
                        let kspan = self.item_span("clauses", key);
                        self.error(
                            kspan,
                            format!("unknown key `{key}` in clause reference"),
                            Some(
                                "a clause reference table has `ref`, `level` and `section`".into(),
                            ),
                        );
                    }
                    out.push(ClauseRefSpec {
                        text: text.trim().to_string(),
                        level,
                        section,
                        span,
                    });
                }
                other => {
                    let span = self.key_span("clauses");
                    self.error(
                        span,
                        format!(
                            "a clause reference must be a string or a table, found {}",
                            type_name(&other)
                        ),
                        None,
                    );
                }
            }
        }
        out
    }
}

/// The first occurrence of `needle` in `hay` that is not part of a longer
/// word (so `DOC-1` does not match inside `DOC-100`).
fn find_item(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let word = |c: char| c.is_alphanumeric() || "-_.:/".contains(c);
    hay.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "nothing",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a table",
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        parse_document(
            PathBuf::from("content/t.md"),
            "t.md".into(),
            text.to_string(),
        )
    }

    #[test]
    fn toml_front_matter() {
        // TOML front-matter reads kinds, numeric versions and table clause references; an unknown key is kept as extra, with a warning at its line.
        let (doc, diags) = parse(
            "+++\nid = \"A-1\"\ntitle = \"T\"\nkind = \"work instruction\"\nversion = 2.1\nstatus = \"approved\"\neffective = 2026-01-02\nclauses = [\"iso20000-1:2011/9.2\", { ref = \"4.3.2\", level = \"partial\", section = \"x\" }]\nconfidentiality = \"internal\"\n+++\nBody\n",
        );
        let doc = doc.expect("parses");
        assert_eq!(doc.meta.kind, Kind::WorkInstruction);
        assert_eq!(doc.meta.version.as_deref(), Some("2.1"));
        assert_eq!(doc.meta.clauses[1].level, Level::Partial);
        assert_eq!(doc.meta.clauses[1].section.as_deref(), Some("x"));
        assert_eq!(doc.body(), "Body\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, 9);
        assert!(doc.meta.extra.contains_key("confidentiality"));
    }

    #[test]
    fn yaml_front_matter() {
        // YAML front-matter, for people migrating from other tools, reads like TOML (status, tags in lower case, dates).
        let (doc, diags) = parse(
            "---\nid: B-2\ntitle: Form\nstatus: review\nreview_by: 2027-01-31\ntags: [A, b]\n---\n# Hi\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let doc = doc.unwrap();
        assert_eq!(doc.meta.status, Status::Review);
        assert_eq!(doc.meta.tags, vec!["a", "b"]);
        assert_eq!(doc.meta.review_by.unwrap().to_string(), "2027-01-31");
    }

    #[test]
    fn bad_date_is_located() {
        // An impossible date is an error at its value; the document stays, without the date.
        let (doc, diags) =
            parse("+++\nid = \"A\"\ntitle = \"T\"\neffective = \"2026-02-30\"\n+++\n");
        // The document stays (links to it resolve), without the bad date.
        assert!(doc.is_some_and(|d| d.meta.effective.is_none()));
        assert_eq!((diags[0].line, diags[0].column), (4, 13));
    }
}
