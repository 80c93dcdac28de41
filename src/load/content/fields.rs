//! Field-by-field validation of a parsed front-matter: each known key read
//! into the [`Meta`] of the document, each problem located at its value.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;

use super::model::{ClauseRefSpec, IdRef, Kind, Level, Meta, Schema, Span, Status};
use crate::base::diag::{Diagnostic, LineIndex};
use crate::base::text::suggest_from;

/// The keys Clausebook knows; any other key warns and goes to `extra`.
pub const KNOWN_KEYS: [&str; 14] = crate::load::config_keys::BUILT_IN_FIELDS;

/// Why `text`, ten characters that do not parse as a date, is not one, in
/// words (not the date parser's internals): "there is no month 13",
/// "February 2026 has 28 days".
fn date_problem(text: &str) -> String {
    let parts: Vec<Option<i16>> = text.split('-').map(|p| p.parse().ok()).collect();
    let (y, m, d) = match parts.as_slice() {
        [Some(y), Some(m), Some(d)] if text.len() == 10 => (*y, *m, *d),
        _ => return "expected YYYY-MM-DD".to_string(),
    };
    if !(1..=12).contains(&m) {
        return format!("there is no month {m}");
    }
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let days = jiff::civil::Date::new(y, m as i8, 1)
        .map(|first| first.days_in_month())
        .unwrap_or(31);
    if d < 1 || d > days as i16 {
        return format!("{} {y} has {days} days", MONTHS[m as usize - 1]);
    }
    "expected YYYY-MM-DD".to_string()
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
pub(super) struct Fields<'a> {
    pub(super) path: &'a Path,
    pub(super) source: &'a str,
    pub(super) fm_start: usize,
    pub(super) fm_text: &'a str,
    /// Where each top-level key and its value stand (see `front_matter::key_spans`).
    pub(super) keys: foldhash::HashMap<&'a str, (usize, Span)>,
    pub(super) table: serde_json::Map<String, Json>,
    pub(super) diags: Vec<Diagnostic>,
    /// The key and end offset of the last located list item.
    pub(super) cursor: Option<(String, usize)>,
    /// The line index of the source, made at the first finding.
    pub(super) lines: OnceCell<LineIndex>,
    /// Unquoted TOML values that looked like dates but were not valid ones
    /// (`review_by = 2026-02-30`), by key, as written: the parser was given
    /// them quoted, so that they are `invalid-date` findings at their place
    /// rather than a syntax error hiding the file's other findings.
    pub(super) bad_dates: Vec<(String, String)>,
    /// The fields and kinds the site declares.
    pub(super) schema: &'a Schema,
}

impl Fields<'_> {
    /// Location of a top-level key's value in the file (falls back to the
    /// start of the front-matter).
    pub(super) fn key_span(&self, key: &str) -> Span {
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
        let written = self
            .bad_dates
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.clone());
        let text = match &v {
            Json::String(_) if written.is_some() => written.unwrap_or_default(),
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
                    Some(Err(_)) => date_problem(&text[..10]),
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

    /// Check the value of a field the site declares against its type;
    /// a single text given for a list becomes a list of one, and a date is
    /// kept as its text.
    fn declared_field(&mut self, key: &str, ty: crate::load::config::FieldType, v: &mut Json) {
        use crate::load::config::FieldType;
        let fine = match (ty, &*v) {
            (FieldType::Text, Json::String(_)) => true,
            (FieldType::Number, Json::Number(_)) => true,
            (FieldType::Boolean, Json::Bool(_)) => true,
            (FieldType::List, Json::String(t)) => {
                *v = Json::Array(vec![Json::String(t.clone())]);
                true
            }
            (FieldType::List, Json::Array(items)) => items.iter().all(Json::is_string),
            (FieldType::Date, Json::String(t)) => {
                let written = self
                    .bad_dates
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| t.trim().to_string());
                if written.len() == 10 && written.parse::<jiff::civil::Date>().is_ok() {
                    true
                } else {
                    let span = self.key_span(key);
                    let why = match written.len() {
                        10 => date_problem(&written),
                        _ => "expected YYYY-MM-DD".into(),
                    };
                    self.error_rule(
                        "invalid-date",
                        span,
                        format!("invalid date `{written}` in `{key}`: {why}"),
                        Some("write dates as YYYY-MM-DD, e.g. 2026-03-31".into()),
                    );
                    return;
                }
            }
            _ => false,
        };
        if !fine {
            let span = self.key_span(key);
            let found = type_name(v);
            self.error(
                span,
                format!("`{key}` must be {}, found {found}", ty.described()),
                Some(format!(
                    "clausebook.toml declares `{key}` in [fields] as `{}`",
                    serde_json::to_value(ty)
                        .ok()
                        .and_then(|t| t.as_str().map(str::to_string))
                        .unwrap_or_default()
                )),
            );
        }
    }

    /// The keys left once the built-in ones are read: the site's own
    /// fields, checked by type, and unknown keys, each a warning; all kept
    /// for templates.
    fn extra(&mut self) -> BTreeMap<String, Json> {
        let mut extra: BTreeMap<String, Json> =
            std::mem::take(&mut self.table).into_iter().collect();
        // The site's own fields: checked by type, kept for templates.
        for (key, ty) in &self.schema.fields {
            if let Some(v) = extra.get_mut(key) {
                self.declared_field(key, *ty, v);
            }
        }
        for key in extra.keys() {
            if self.schema.fields.contains_key(key) {
                continue;
            }
            let span = self.key_span(key);
            let mut d = self
                .locate(
                    Diagnostic::warning(self.path, format!("unknown front-matter key `{key}`")),
                    span,
                )
                .with_rule("unknown-key");
            let close = KNOWN_KEYS
                .iter()
                .copied()
                .chain(self.schema.fields.keys().map(String::as_str))
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
        extra
    }

    pub(super) fn meta(&mut self) -> Option<Meta> {
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
        let tags = self.tags();
        let summary = self.string("summary");
        let fulfils = self
            .string_list("fulfils")
            .into_iter()
            .map(|(id, span)| IdRef { id, span })
            .collect();

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
            Some(k) => match Kind::parse_in(&k, &self.schema.kinds) {
                Some(k) => k,
                None => {
                    let span = self.key_span("kind");
                    let names = self.schema.kind_names();
                    self.error(
                        span,
                        format!("unknown kind `{k}`"),
                        Some(format!(
                            "{}; a site declares its own kinds in [kinds] of clausebook.toml",
                            suggest_from(&k, &names)
                        )),
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
        let extra = self.extra();
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
            fulfils,
            extra,
        })
    }

    /// The tags, in lower case; a tag too long to name its page is an error.
    fn tags(&mut self) -> Vec<String> {
        self.string_list("tags")
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
            .collect()
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
