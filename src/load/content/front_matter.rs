//! The front-matter of a document file: split from the body (TOML between
//! `+++` lines or YAML between `---` lines), bounded in size and depth,
//! parsed, and its keys located; then [`Fields`] validates its values.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;

use super::fields::{Fields, KNOWN_KEYS};
use super::model::{Document, KeySpans, NEXT_SERIAL, Schema, Span};
use super::nesting;
use crate::base::diag::Diagnostic;

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
    schema: &Schema,
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
    let mut bad_dates = Vec::new();
    let parsed = match parse_table(fm.syntax, fm_text) {
        Err(e) if fm.syntax == Syntax::Toml => match quote_bad_dates(fm_text) {
            Some((quoted, found)) => match parse_table(fm.syntax, &quoted) {
                Ok(t) => {
                    bad_dates = found;
                    Ok(t)
                }
                Err(_) => Err(e),
            },
            None => Err(e),
        },
        other => other,
    };
    let table = match parsed {
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
        bad_dates,
        schema,
    };
    let spans: KeySpans = KNOWN_KEYS
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

/// The TOML front-matter with each top-level value that looks like a date
/// but is not one (`review_by = 2026-02-30`) replaced by a quoted string of
/// the same length (so that every offset stays), and the (key, value as
/// written) of each; `None` when there is none.
fn quote_bad_dates(text: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    for line in text.split_inclusive('\n') {
        let replaced = (|| {
            let (key, rest) = line.split_once('=')?;
            let key = key.trim();
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return None;
            }
            let start = line.len() - rest.len() + (rest.len() - rest.trim_start().len());
            let value: &str = line[start..]
                .split(|c: char| c.is_whitespace() || c == '#')
                .next()?;
            let b = value.as_bytes();
            let looks_like_date =
                b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
            if !looks_like_date
                || !value.is_ascii()
                || value.parse::<toml::value::Datetime>().is_ok()
            {
                return None;
            }
            found.push((key.to_string(), value.to_string()));
            let inner: String = value[1..value.len() - 1]
                .chars()
                .map(|c| if c == '"' || c == '\\' { '_' } else { c })
                .collect();
            Some(format!(
                "{}\"{inner}\"{}",
                &line[..start],
                &line[start + value.len()..]
            ))
        })();
        out.push_str(replaced.as_deref().unwrap_or(line));
    }
    (!found.is_empty()).then_some((out, found))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::content::model::{Kind, Level, Status};

    fn parse(text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        parse_document(
            PathBuf::from("content/t.md"),
            "t.md".into(),
            text.to_string(),
            &Schema::default(),
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
