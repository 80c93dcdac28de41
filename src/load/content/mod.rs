//! Loading the document set: find the Markdown files under `content/`, split
//! and parse their front-matter (TOML `+++` or YAML `---`), and validate each
//! field with a located error.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value as Json;

use crate::base::diag::{Diagnostic, Diagnostics, LineIndex};

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
    /// The line index of `source`, made at the first finding located in it
    /// (most documents have none).
    lines: OnceLock<LineIndex>,
}

/// The serial of the next document parsed.
static NEXT_SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Document {
    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }

    /// A diagnostic located at `span` of this document.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.locate(Diagnostic::error(&self.path, message), span)
    }

    pub fn warning_at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.locate(Diagnostic::warning(&self.path, message), span)
    }

    /// Locate `d` at `span`, through the line index: thousands of findings
    /// in one file (or on one line of it) cost time in proportion to their
    /// number.
    pub fn locate(&self, d: Diagnostic, span: Span) -> Diagnostic {
        let index = self.lines.get_or_init(|| LineIndex::new(&self.source));
        d.at_index(index, &self.source, span.offset, span.len)
    }

    /// Where a front-matter key's value stands (the id when absent).
    pub fn span_of(&self, key: &str) -> Span {
        self.spans.get(key).copied().unwrap_or(self.id_span)
    }
}

/// The Markdown files below `root/content`, sorted by path so that the
/// build is deterministic, and what the walk found to report.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Symbolic links not followed (rule `symlink`), folders that cannot
    /// be read.
    pub diags: Vec<Diagnostic>,
    /// Whether a symbolic link was followed: a change to its target is not
    /// a change to a file below `content/` (see `SiteCache::changed`).
    pub followed_links: bool,
}

/// Find every Markdown file below `root/content`. Symbolic links (to files
/// or folders) are followed when they resolve inside the site's folder;
/// links leading out of it, broken links and links into a loop are
/// reported (rule `symlink`) and skipped.
pub fn discover(root: &Path) -> Result<Discovered, Diagnostic> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(
            Diagnostic::error(CONTENT_DIR, "the site has no `content/` folder")
                .with_help("put the Markdown documents under content/ (any nesting)"),
        );
    }
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let shown = |p: &Path| crate::base::diag::display_path(root, p);
    let mut out = Discovered::default();
    let mut outside = Vec::new();
    let walk = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 || !e.path_is_symlink() {
                return true;
            }
            match e.path().canonicalize() {
                Ok(target) if target.starts_with(&site) => true,
                _ => {
                    outside.push(e.path().to_path_buf());
                    false
                }
            }
        });
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map_or_else(|| dir.clone(), Path::to_path_buf);
                let link = std::fs::read_link(&p).ok();
                out.diags.push(match (e.loop_ancestor(), link) {
                    (Some(_), _) => link_warning(
                        shown(&p),
                        "is a symbolic link to a folder that contains it (a loop): not followed",
                    ),
                    (None, Some(target)) => link_warning(
                        shown(&p),
                        &format!(
                            "is a symbolic link to `{}`, which cannot be read ({}): not followed",
                            target.display(),
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    ),
                    (None, None) => Diagnostic::error(shown(&p), format!("cannot read: {e}"))
                        .with_help("check the permissions of the folder"),
                });
                continue;
            }
        };
        out.followed_links |= entry.path_is_symlink();
        if entry.depth() > 0 && entry.file_type().is_file() && is_document_name(entry.path()) {
            out.files.push(entry.into_path());
        }
    }
    for p in outside {
        let target =
            std::fs::read_link(&p).map_or_else(|_| "?".into(), |t| t.display().to_string());
        out.diags.push(link_warning(
            shown(&p),
            &format!("is a symbolic link to `{target}`, outside the site's folder: not followed"),
        ));
    }
    Ok(out)
}

/// A finding about a symbolic link below `content/`, located at the link.
fn link_warning(link: PathBuf, what: &str) -> Diagnostic {
    let name = link.display().to_string();
    Diagnostic::warning(link, format!("`{name}` {what}"))
        .with_help(
            "Clausebook follows links that stay inside the site's folder: copy the file or folder into the site, \
             or point the link inside it",
        )
        .with_rule("symlink")
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
        Ok(found) => {
            diags.extend(found.diags);
            found.files
        }
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
    let rel = crate::base::diag::display_path(root, file);
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            return (
                None,
                vec![
                    Diagnostic::error(rel, format!("cannot read file: {e}"))
                        .with_help("check the file's permissions"),
                ],
            );
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return (None, vec![not_utf8(rel, e)]),
    };
    let content_path = file
        .strip_prefix(root.join(CONTENT_DIR))
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    parse_document(rel, content_path, text)
}

/// A file that is not UTF-8, located at its first invalid byte.
fn not_utf8(path: PathBuf, e: std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    // The invalid sequence; at the end of the file, an incomplete one.
    let len = e.utf8_error().error_len().unwrap_or(usize::MAX);
    let bytes = e.into_bytes();
    let bad: Vec<String> = bytes[at..]
        .iter()
        .take(len.min(4))
        .map(|b| format!("0x{b:02X}"))
        .collect();
    // The text up to the first bad byte is valid and keeps its offsets;
    // the rest is shown with replacement characters.
    let shown = String::from_utf8_lossy(&bytes);
    Diagnostic::error(
        path,
        format!(
            "the file is not valid UTF-8: {} at byte {at} is not a UTF-8 character",
            bad.join(" ")
        ),
    )
    .at_offset(&shown, at, 1)
    .with_help(
        "save the file as UTF-8 (most editors: \"Save with encoding\" or \"Reopen with encoding\"); \
         files from older Windows tools are often Windows-1252",
    )
    .with_rule("front-matter")
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
    if let Some(d) = bounds(&path, &source, &fm) {
        return (None, vec![d]);
    }
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
        keys: key_spans(fm.syntax, fm.start, fm_text),
        table,
        diags: Vec::new(),
        cursor: None,
        lines: OnceCell::new(),
    };
    let spans: BTreeMap<&'static str, Span> = KNOWN_KEYS
        .iter()
        .filter(|k| fields.table.contains_key(**k))
        .map(|k| (*k, fields.key_span(k)))
        .collect();
    let meta = fields.meta();
    let id_span = fields.key_span("id");
    let lines = fields
        .lines
        .into_inner()
        .map_or_else(OnceLock::new, OnceLock::from);
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
        lines,
    });
    (doc, diags)
}

/// The largest front-matter Clausebook reads, in bytes (metadata is a few
/// hundred bytes; long text belongs in the body).
pub const MAX_FRONT_MATTER: usize = 256 * 1024;

/// The deepest nesting of lists and tables a front-matter may have (a
/// clause reference table in `clauses` is at depth 3).
pub const MAX_DEPTH: usize = 32;

/// A front-matter too large or too deeply nested to be parsed, located:
/// checked before parsing, since the parsers take time (or stack) growing
/// with the depth and the size.
fn bounds(path: &Path, source: &str, fm: &FrontMatter) -> Option<Diagnostic> {
    let size = fm.end - fm.start;
    let (offset, len, message, help) = if size > MAX_FRONT_MATTER {
        let fence = source[..fm.start].trim_end().len().saturating_sub(3);
        (
            fence,
            3,
            format!(
                "the front-matter is {} KiB long: at most {} KiB is read",
                size.div_ceil(1024),
                MAX_FRONT_MATTER / 1024
            ),
            "keep metadata in the front-matter and move long text into the document body",
        )
    } else {
        let text = &source[fm.start..fm.end];
        let at = match fm.syntax {
            Syntax::Toml => nesting::toml(text, MAX_DEPTH),
            Syntax::Yaml => nesting::yaml(text, MAX_DEPTH),
        }?;
        (
            fm.start + at,
            1,
            format!("the front-matter nests lists or tables more than {MAX_DEPTH} deep here"),
            "front-matter values are text, dates and short lists; flatten this value",
        )
    };
    Some(
        Diagnostic::error(path, message)
            .at_offset(source, offset, len)
            .with_help(help)
            .with_rule("front-matter"),
    )
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

/// Where each top-level key of a front-matter and its value stand: the
/// first line that starts with the key followed by `=` (TOML) or `:`
/// (YAML), before the first TOML table header. One pass over the text, so
/// that locating the fields of a front-matter with thousands of keys costs
/// time in proportion to its length.
fn key_spans(
    syntax: Syntax,
    fm_start: usize,
    fm_text: &str,
) -> foldhash::HashMap<&str, (usize, Span)> {
    let sep = match syntax {
        Syntax::Toml => '=',
        Syntax::Yaml => ':',
    };
    let mut out = foldhash::HashMap::default();
    let mut offset = 0;
    for line in fm_text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if let Some(i) = line.find(sep) {
            let key = line[..i].trim_end();
            let value = line[i + 1..].trim_start();
            if !key.is_empty() {
                out.entry(key).or_insert((
                    fm_start + here,
                    Span {
                        offset: fm_start + here + (line.len() - value.len()),
                        len: value.trim_end().len().max(1),
                    },
                ));
            }
        }
        // A TOML table header ends the top-level keys.
        let t = line.trim_start();
        if syntax == Syntax::Toml
            && here > 0
            && t.starts_with('[')
            && !t.starts_with("[[")
            && t.contains(']')
            && !t.contains('=')
        {
            break;
        }
    }
    out
}

/// The longest document id, in characters.
pub const MAX_ID_LEN: usize = 100;

/// The longest tag, in characters (a tag's page is named after it: at most
/// 4 bytes a character keeps the name within the 255 bytes file systems
/// allow).
pub const MAX_TAG_LEN: usize = 60;

/// The syntax of a document id, as the help of its errors says it.
pub const ID_SYNTAX: &str = "an id is a code of ASCII letters, digits, `-`, `_` and `.` (not first or last, never two in a row), \
     at most 100 characters, e.g. SMS-PRO-007: the document's page is documents/<id in lower case>/";

/// Why `id` cannot be a document id, if it cannot: ids name the page
/// folder `documents/<id in lower case>/` and are typed in links, so they
/// are ASCII (non-ASCII letters lower-case and normalize differently from
/// one system to the next: two ids could share a folder, or one page have
/// two names), never `.`/`..` nor hidden (starting with a dot), never end
/// with a dot (Windows drops it), never a Windows device name, and short
/// enough for any file system.
pub fn id_problem(id: &str) -> Option<String> {
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(match c {
            ' ' => "contains a space".to_string(),
            c if c.is_whitespace() || c.is_control() => {
                format!("contains the character U+{:04X}", c as u32)
            }
            c if !c.is_ascii() => format!("contains `{c}`, which is not ASCII"),
            c => format!("contains `{c}`"),
        });
    }
    if id == "." || id == ".." {
        return Some("names a folder (`.` or `..`), not a page".into());
    }
    let n = id.chars().count();
    if n > MAX_ID_LEN {
        return Some(format!("is {n} characters long"));
    }
    if id.starts_with('.') {
        return Some("starts with a dot".into());
    }
    if id.ends_with('.') {
        return Some("ends with a dot".into());
    }
    if id.contains("..") {
        return Some("contains `..`".into());
    }
    let stem = id
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let device = matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && (b'1'..=b'9').contains(&stem.as_bytes()[3]));
    if device {
        return Some("is a device name on Windows (no file may be named so)".into());
    }
    None
}

/// An id as shown in a message: a very long one is cut.
fn shown_id(id: &str) -> String {
    match id.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &id[..i]),
        None => id.to_string(),
    }
}

/// Field-by-field validation of a parsed front-matter table.
struct Fields<'a> {
    path: &'a Path,
    source: &'a str,
    fm_start: usize,
    fm_text: &'a str,
    /// Where each top-level key and its value stand (see [`key_spans`]).
    keys: foldhash::HashMap<&'a str, (usize, Span)>,
    table: serde_json::Map<String, Json>,
    diags: Vec<Diagnostic>,
    /// The key and end offset of the last located list item.
    cursor: Option<(String, usize)>,
    /// The line index of the source, made at the first finding.
    lines: OnceCell<LineIndex>,
}

impl Fields<'_> {
    /// Location of a top-level key's value in the file (falls back to the
    /// start of the front-matter).
    fn key_span(&self, key: &str) -> Span {
        self.keys.get(key).map_or(
            Span {
                offset: self.fm_start,
                len: 1,
            },
            |k| k.1,
        )
    }

    /// Where a top-level key itself stands, when it was found.
    fn key_start(&self, key: &str) -> Option<usize> {
        self.keys.get(key).map(|k| k.0)
    }

    /// `d` located at `span` of the source.
    fn locate(&self, d: Diagnostic, span: Span) -> Diagnostic {
        let index = self.lines.get_or_init(|| LineIndex::new(self.source));
        d.at_index(index, self.source, span.offset, span.len)
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
        let mut d = self
            .locate(Diagnostic::error(self.path, msg), span)
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
        let mut id = self.string("id");
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
            .filter_map(|(t, span)| {
                let n = t.chars().count();
                if n <= MAX_TAG_LEN {
                    return Some(t.to_lowercase());
                }
                self.error(
                    span,
                    format!("a tag of {n} characters: tags have at most {MAX_TAG_LEN}"),
                    Some("tags are short words (each gets a page named after it); put longer text in `summary`".into()),
                );
                None
            })
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
        } else if let Some(shown) = &id
            && let Some(problem) = id_problem(shown)
        {
            let span = self.key_span("id");
            self.error_rule(
                "document-id",
                span,
                format!("document id `{}` {problem}", shown_id(shown)),
                Some(ID_SYNTAX.into()),
            );
            // Without a valid id the document cannot have a page: it is
            // left out (and the build fails on the error).
            id = None;
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
            let mut d = self
                .locate(
                    Diagnostic::warning(self.path, format!("unknown front-matter key `{key}`")),
                    span,
                )
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
            // Point the caret at the key, not the value (the key starts its
            // line when it was found).
            if let Some(start) = self.key_start(key) {
                d = self.locate(
                    d,
                    Span {
                        offset: start,
                        len: key.len(),
                    },
                );
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

/// Where a front-matter first nests deeper than a bound, found by one pass
/// over the text without parsing it. The estimate follows the syntax far
/// enough to ignore brackets in strings, comments and block scalars; where
/// it is unsure it errs on the deep side, which a real front-matter (three
/// levels at most) never comes near.
mod nesting {
    /// The byte offset in a TOML text where the nesting of tables (headers,
    /// dotted keys, inline tables) and arrays first exceeds `max`.
    pub(super) fn toml(text: &str, max: usize) -> Option<usize> {
        let b = text.as_bytes();
        // The depth of the current [table] (the root is 1), and of each
        // open array or inline table with its bracket.
        let mut table = 1;
        let mut open: Vec<(u8, usize)> = Vec::new();
        // Reading a key (at a line start, or after `{` or `,` in an inline
        // table) and the dots seen in it; the depth of the value after `=`.
        let mut in_key = true;
        let mut dots = 0;
        let mut value = table;
        let mut line_start = true;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match c {
                b'"' | b'\'' => {
                    i = skip_toml_string(b, i);
                    line_start = false;
                    continue;
                }
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\n' => {
                    if open.is_empty() {
                        in_key = true;
                        dots = 0;
                    }
                    line_start = true;
                    i += 1;
                    continue;
                }
                b'[' if line_start && open.is_empty() => {
                    // A table header: its depth is its number of keys.
                    let array = b.get(i + 1) == Some(&b'[');
                    let mut j = i + 1 + usize::from(array);
                    let mut keys = 1 + usize::from(array);
                    while j < b.len() && b[j] != b']' && b[j] != b'\n' {
                        match b[j] {
                            b'"' | b'\'' => {
                                j = skip_toml_string(b, j);
                                continue;
                            }
                            b'.' => keys += 1,
                            _ => {}
                        }
                        if keys >= max {
                            return Some(j);
                        }
                        j += 1;
                    }
                    table = keys;
                    in_key = false;
                    i = j;
                    line_start = false;
                    continue;
                }
                b'.' if in_key => {
                    dots += 1;
                    let depth = open.last().map_or(table, |o| o.1) + dots;
                    if depth >= max {
                        return Some(i);
                    }
                }
                b'=' if in_key => {
                    in_key = false;
                    value = open.last().map_or(table, |o| o.1) + dots;
                    dots = 0;
                }
                b'[' | b'{' if !in_key => {
                    let depth = match open.last() {
                        Some((b'[', d)) => d + 1,
                        _ => value + 1,
                    };
                    if depth > max {
                        return Some(i);
                    }
                    open.push((c, depth));
                    if c == b'{' {
                        in_key = true;
                        dots = 0;
                    }
                }
                b']' | b'}' if !open.is_empty() => {
                    open.pop();
                    in_key = false;
                }
                b',' if matches!(open.last(), Some((b'{', _))) => {
                    in_key = true;
                    dots = 0;
                }
                _ => {}
            }
            if !c.is_ascii_whitespace() {
                line_start = false;
            }
            i += 1;
        }
        None
    }

    /// The index just past the TOML string starting at `b[i]` (a quote):
    /// basic or literal, one line or multi-line.
    fn skip_toml_string(b: &[u8], i: usize) -> usize {
        let q = b[i];
        let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
        let mut j = i + if triple { 3 } else { 1 };
        while j < b.len() {
            match b[j] {
                b'\\' if q == b'"' => j += 1,
                b'\n' if !triple => return j,
                c if c == q => {
                    if !triple {
                        return j + 1;
                    }
                    if b.get(j..j + 3) == Some(&[q, q, q][..]) {
                        // Up to two more quotes may end the string's text.
                        let mut k = j + 3;
                        while k < b.len() && b[k] == q && k < j + 5 {
                            k += 1;
                        }
                        return k;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        b.len()
    }

    /// The byte offset in a YAML text where the nesting of block
    /// collections (by indentation and `- ` indicators) and flow
    /// collections (`[` `{`) first exceeds `max`.
    pub(super) fn yaml(text: &str, max: usize) -> Option<usize> {
        // Indentation of the open block collections.
        let mut indents: Vec<usize> = Vec::new();
        let mut flow = 0;
        // The quote of a quoted scalar running over lines.
        let mut quote: Option<u8> = None;
        // Indentation of the line that opened a block scalar (`|`, `>`):
        // more indented lines are its text.
        let mut block_scalar: Option<usize> = None;
        // The depth at the end of the last line, for a line that continues
        // its flow collection or quoted scalar.
        let mut carried = 0;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let b = line.as_bytes();
            let indent = b.iter().take_while(|&&c| c == b' ').count();
            let blank = line[indent..].trim().is_empty();
            if let Some(parent) = block_scalar {
                if blank || indent > parent {
                    continue;
                }
                block_scalar = None;
            }
            let mut i = indent;
            let mut depth = carried;
            // Where a scalar or collection may start: `[` there opens a flow
            // collection, a quote a quoted scalar.
            let mut at_value = true;
            if quote.is_none() && flow == 0 {
                if blank || b[indent] == b'#' {
                    continue;
                }
                while indents.last().is_some_and(|&t| t > indent) {
                    indents.pop();
                }
                if indents.last() != Some(&indent) {
                    indents.push(indent);
                }
                depth = indents.len();
                // Compact nesting: `- - x`, `- key: x`, `? x`.
                while matches!(b.get(i), Some(b'-' | b'?'))
                    && matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None)
                {
                    depth += 1;
                    i += 1;
                    while matches!(b.get(i), Some(b' ' | b'\t')) {
                        i += 1;
                    }
                }
                if depth > max {
                    return Some(start + indent);
                }
            } else {
                at_value = flow > 0;
            }
            while i < b.len() {
                let c = b[i];
                if let Some(q) = quote {
                    if q == b'"' && c == b'\\' {
                        i += 2;
                        continue;
                    }
                    if c == q {
                        if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        quote = None;
                        at_value = false;
                    }
                    i += 1;
                    continue;
                }
                match c {
                    b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t') => break,
                    b'"' | b'\'' if at_value => quote = Some(c),
                    b'[' | b'{' if at_value || flow > 0 => {
                        flow += 1;
                        if depth + flow > max {
                            return Some(start + i);
                        }
                        at_value = true;
                    }
                    b']' | b'}' if flow > 0 => {
                        flow -= 1;
                        at_value = false;
                    }
                    b',' if flow > 0 => at_value = true,
                    b':' if flow > 0
                        || matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None) =>
                    {
                        at_value = true;
                        if flow == 0 {
                            depth += 1;
                            if depth > max {
                                return Some(start + i);
                            }
                        }
                    }
                    b'|' | b'>' if at_value && flow == 0 => {
                        block_scalar = Some(indent);
                        break;
                    }
                    b'&' | b'!' if at_value => {
                        // An anchor or a tag before the value.
                        while i + 1 < b.len() && !matches!(b[i + 1], b' ' | b'\t' | b'\r' | b'\n') {
                            i += 1;
                        }
                    }
                    b' ' | b'\t' | b'\r' | b'\n' => {}
                    _ => at_value = false,
                }
                i += 1;
            }
            carried = depth;
        }
        None
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
