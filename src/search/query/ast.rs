//! The query tree (AST) and the fixed vocabularies of the query language.

use serde::Serialize;

/// How a query is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A submitted query (the CLI, the results page, the API without
    /// `live`): anything that had to be repaired is an error.
    #[default]
    Strict,
    /// A query being typed (the search box, the API's `live=1`): problems
    /// are repaired and reported as warnings, and the last word, when the
    /// query does not end with a space, also matches as a prefix.
    Live,
}

/// The text fields a word may be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextField {
    Title,
    Headings,
    Summary,
    Body,
    Owner,
    Clausetitle,
}

/// The fields whose values are compared whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyField {
    Kind,
    Status,
    Tag,
}

/// A node of the query tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Node {
    /// A word: `term` is its stem; `prefix` also matches the terms it
    /// begins; `fuzzy` (five characters or more) may match terms one edit
    /// away when neither the term nor a completion is in the index.
    Word {
        field: Option<TextField>,
        text: String,
        term: String,
        prefix: bool,
        fuzzy: bool,
    },
    /// Terms side by side, in order.
    Phrase {
        field: Option<TextField>,
        text: String,
        terms: Vec<String>,
    },
    /// A clause number, maybe of a named standard (a key, see [`std_key`](super::words::std_key)).
    Clause {
        standard: Option<String>,
        number: String,
    },
    /// A document id (lower case), or the start of one.
    Id {
        value: String,
        prefix: bool,
    },
    /// A kind, status or tag, compared whole.
    Value {
        field: KeyField,
        value: String,
    },
    And {
        items: Vec<Node>,
    },
    Or {
        items: Vec<Node>,
    },
    Not {
        item: Box<Node>,
    },
}

/// A problem with a query: an error in strict mode, a warning in live mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    /// `None`: the query matches nothing (empty, or only common words).
    pub root: Option<Node>,
    /// What live mode repaired.
    pub warnings: Vec<Problem>,
}

/// The kinds of documents (as `clausebook`'s front-matter names them).
pub const KINDS: &[&str] = &crate::load::BUILT_IN_KINDS;
/// The statuses of documents.
pub const STATUSES: &[&str] = &["draft", "review", "approved", "retired"];
/// The field names, as messages list them.
pub const FIELD_NAMES: &str =
    "title, id, kind, status, clause, tag, owner, headings, summary, body, clausetitle";
/// Deepest nesting of brackets.
pub const MAX_DEPTH: usize = 32;
