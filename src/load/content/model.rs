//! The document model: a document's file, metadata and body, and the
//! values its front-matter fields take.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::Value as Json;

use crate::base::diag::{Diagnostic, LineIndex};

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
    /// A kind the site declares in `[kinds]` of clausebook.toml (its name,
    /// interned: kinds are few and live as long as the process).
    #[serde(untagged)]
    Custom(&'static str),
}

/// The one copy of each declared kind's name.
fn intern(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let n: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(n);
    n
}

/// What a site declares beyond the built-in front-matter: its own fields
/// (with their types) and kinds, from clausebook.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Schema {
    pub fields: BTreeMap<String, crate::load::config::FieldType>,
    pub kinds: Vec<String>,
}

impl Schema {
    pub fn of(config: &crate::load::config::Config) -> Schema {
        Schema {
            fields: config.fields.clone(),
            kinds: config.kinds.keys().cloned().collect(),
        }
    }

    /// Every kind name a document may give: the built-in ones, then the
    /// site's.
    pub fn kind_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        names.extend(self.kinds.iter().map(String::as_str));
        names
    }
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
            Kind::Custom(name) => name,
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
            Kind::Custom(name) => name,
        }
    }

    /// Plural label, a declared kind's from `[kinds]`.
    pub fn plural_in(self, declared: &BTreeMap<String, crate::load::config::KindDecl>) -> &str {
        match self {
            Kind::Custom(name) => declared.get(name).map_or(name, |d| d.plural()),
            k => k.plural(),
        }
    }

    /// A built-in kind, else one of the site's `declared` kinds.
    pub fn parse_in(s: &str, declared: &[String]) -> Option<Kind> {
        Kind::parse(s).or_else(|| {
            let t = s.trim();
            declared
                .iter()
                .find(|d| d.as_str() == t || d.eq_ignore_ascii_case(t))
                .map(|d| Kind::Custom(intern(d)))
        })
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

/// Where the value of each known front-matter key present stands: a
/// dozen entries at most, in a block of their own size (a map took about
/// 1 KB per document).
#[derive(Debug, Clone, Default)]
pub struct KeySpans(Box<[(&'static str, Span)]>);

impl KeySpans {
    pub fn get(&self, key: &str) -> Option<Span> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl FromIterator<(&'static str, Span)> for KeySpans {
    fn from_iter<I: IntoIterator<Item = (&'static str, Span)>>(iter: I) -> Self {
        KeySpans(iter.into_iter().collect())
    }
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
    /// Keys of the required documents (of the catalogs in scope) that this
    /// document is, e.g. `service-level-agreement`.
    pub fulfils: Vec<IdRef>,
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
    pub spans: KeySpans,
    /// Unique to this parse of the file within the process (a clone keeps
    /// it): two documents with the same serial hold the same parse, so
    /// what was worked out from one holds for the other.
    pub serial: u64,
    /// The line index of `source`, made at the first finding located in it
    /// (most documents have none).
    pub(super) lines: OnceLock<LineIndex>,
}

/// The serial of the next document parsed.
pub(super) static NEXT_SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

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
        self.spans.get(key).unwrap_or(self.id_span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_knows_the_built_in_kinds() {
        // clausebook.toml refuses to redeclare a built-in kind: its list is Kind::ALL.
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, crate::load::config_keys::BUILT_IN_KINDS);
    }
}
