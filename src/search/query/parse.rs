//! The query parser: a query string to a [`Node`] tree (the AST), in one
//! of two [`Mode`]s. theme/search.js has the same parser (`cbParse`),
//! statement for statement; tests/search_parity.rs compares their JSON.
//!
//! The language is specified in the doc of [`super`]; this file follows
//! it in order: tokens, operators, fields, plain words.

use super::analyze;
pub use super::ast::{
    FIELD_NAMES, KINDS, KeyField, MAX_DEPTH, Mode, Node, Problem, Query, STATUSES, TextField,
};
use super::words::*;
pub use super::words::{clause_number, std_key, tag_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Text(TextField),
    Key(KeyField),
    Id,
    Clause,
}

fn field_named(name: &str) -> Option<Field> {
    Some(match name.to_ascii_lowercase().as_str() {
        "title" => Field::Text(TextField::Title),
        "headings" | "heading" => Field::Text(TextField::Headings),
        "summary" => Field::Text(TextField::Summary),
        "body" => Field::Text(TextField::Body),
        "owner" => Field::Text(TextField::Owner),
        "clausetitle" => Field::Text(TextField::Clausetitle),
        "kind" => Field::Key(KeyField::Kind),
        "status" => Field::Key(KeyField::Status),
        "tag" | "tags" => Field::Key(KeyField::Tag),
        "id" => Field::Id,
        "clause" | "within" => Field::Clause,
        _ => return None,
    })
}

fn example(name: &str) -> &'static str {
    match field_named(name) {
        Some(Field::Key(KeyField::Kind)) => "kind:procedure",
        Some(Field::Key(KeyField::Status)) => "status:approved",
        Some(Field::Key(KeyField::Tag)) => "tag:supplier",
        Some(Field::Id) => "id:SMS-PRO-007",
        Some(Field::Clause) => "clause:8.2",
        _ => "title:change",
    }
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    Quote { text: String, closed: bool },
    Word(String),
    Minus,
    Plus,
}

#[derive(Debug, Clone)]
struct Lexed {
    tok: Tok,
    /// 1-based column of its first character.
    col: usize,
    /// Whether whitespace (or the start) comes right before it.
    space_before: bool,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '″')
}

fn lex(query: &str) -> Vec<Lexed> {
    let chars: Vec<char> = query.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    // At the start of a term: after whitespace, the start or `(`.
    let mut at_start = true;
    let mut space = true;
    while i < n {
        let c = chars[i];
        if c.is_whitespace() {
            at_start = true;
            space = true;
            i += 1;
            continue;
        }
        let col = i + 1;
        let space_before = space;
        space = false;
        let tok = if c == '(' {
            i += 1;
            at_start = true;
            out.push(Lexed {
                tok: Tok::LParen,
                col,
                space_before,
            });
            continue;
        } else if c == ')' {
            i += 1;
            Tok::RParen
        } else if is_quote(c) {
            let mut j = i + 1;
            while j < n && !is_quote(chars[j]) {
                j += 1;
            }
            let text: String = chars[i + 1..j].iter().collect();
            let closed = j < n;
            i = if closed { j + 1 } else { n };
            Tok::Quote { text, closed }
        } else if (c == '-' || c == '+')
            && at_start
            && i + 1 < n
            && !chars[i + 1].is_whitespace()
            && chars[i + 1] != ')'
        {
            i += 1;
            at_start = false;
            out.push(Lexed {
                tok: if c == '-' { Tok::Minus } else { Tok::Plus },
                col,
                space_before,
            });
            continue;
        } else {
            let mut j = i;
            while j < n
                && !chars[j].is_whitespace()
                && !matches!(chars[j], '(' | ')')
                && !is_quote(chars[j])
            {
                j += 1;
            }
            let w: String = chars[i..j].iter().collect();
            i = j;
            Tok::Word(w)
        };
        at_start = false;
        out.push(Lexed {
            tok,
            col,
            space_before,
        });
    }
    out
}

fn is_op(t: &Tok, op: &str) -> bool {
    matches!(t, Tok::Word(w) if w == op)
}

fn is_binary_op(t: &Tok) -> bool {
    is_op(t, "AND") || is_op(t, "OR")
}

// ---------------------------------------------------------------- parser

/// Parse `query`. Strict mode fails on the first problem; live mode
/// repairs every problem and returns them as warnings.
pub fn parse(query: &str, mode: Mode) -> Result<Query, Problem> {
    parse_in(query, mode, &[])
}

/// [`parse`] for a site that declares its own kinds (`[kinds]` of
/// clausebook.toml): `kind:` also accepts `declared`.
pub fn parse_in(query: &str, mode: Mode, declared: &[String]) -> Result<Query, Problem> {
    let toks = lex(query);
    let ends_with_space = query.chars().last().is_none_or(char::is_whitespace);
    let mut p = Parser {
        toks,
        pos: 0,
        problems: Vec::new(),
        live_last: mode == Mode::Live && !ends_with_space,
        depth: 0,
        kinds: KINDS
            .iter()
            .map(|k| k.to_string())
            .chain(declared.iter().cloned())
            .collect(),
    };
    if p.toks.is_empty() {
        if mode == Mode::Strict {
            return Err(Problem {
                column: 1,
                message: "the query is empty".into(),
            });
        }
        return Ok(Query {
            root: None,
            warnings: Vec::new(),
        });
    }
    let items = p.parse_seq(None, false);
    let mut root = and_of(items);
    if root.as_ref().is_some_and(|r| !has_positive(r)) {
        let col = p.toks[0].col;
        p.problem(col, "the query only excludes; add a word to look for");
        root = None;
    }
    if root.is_none() && p.problems.is_empty() {
        p.problem(
            1,
            "the query has no word to search for (common words such as “the” and one-letter words are not indexed)",
        );
    }
    match mode {
        Mode::Strict => match p.problems.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(Query {
                root,
                warnings: Vec::new(),
            }),
        },
        Mode::Live => Ok(Query {
            root,
            warnings: p.problems,
        }),
    }
}

/// The kind `value` (not a kind) was probably meant to be: the first of
/// `kinds` it begins, or one edit away from it.
fn near_kind<'k>(kinds: &'k [String], value: &str) -> Option<&'k str> {
    let near = |k: &&String| {
        (value.chars().count() >= 2 && k.starts_with(value)) || one_edit(k.as_str(), value)
    };
    kinds.iter().find(near).map(String::as_str)
}

struct Parser {
    toks: Vec<Lexed>,
    pos: usize,
    problems: Vec<Problem>,
    /// Live mode, and the query does not end with a space.
    live_last: bool,
    depth: usize,
    /// The kinds `kind:` accepts: the built-in ones, then the site's.
    kinds: Vec<String>,
}

/// Whether a node finds documents by itself (not only excludes).
fn has_positive(n: &Node) -> bool {
    match n {
        Node::Not { .. } => false,
        Node::And { items } => items.iter().any(has_positive),
        _ => true,
    }
}

fn and_of(items: Vec<Node>) -> Option<Node> {
    let mut flat = Vec::new();
    for n in items {
        match n {
            Node::And { items } => flat.extend(items),
            n => flat.push(n),
        }
    }
    match flat.len() {
        0 => None,
        1 => flat.pop(),
        _ => Some(Node::And { items: flat }),
    }
}

fn or_of(items: Vec<Node>) -> Option<Node> {
    let mut flat = Vec::new();
    for n in items {
        match n {
            Node::Or { items } => flat.extend(items),
            n => flat.push(n),
        }
    }
    match flat.len() {
        0 => None,
        1 => flat.pop(),
        _ => Some(Node::Or { items: flat }),
    }
}

impl Parser {
    fn problem(&mut self, column: usize, message: impl Into<String>) {
        self.problems.push(Problem {
            column,
            message: message.into(),
        });
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|l| &l.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Lexed> {
        self.toks.get(self.pos + k)
    }

    fn col(&self) -> usize {
        self.toks
            .get(self.pos)
            .map_or_else(|| self.toks.last().map_or(1, |l| l.col), |l| l.col)
    }

    /// Whether the next token cannot start an operand.
    fn no_operand_next(&self) -> bool {
        match self.peek() {
            None | Some(Tok::RParen) => true,
            Some(t) => is_binary_op(t),
        }
    }

    /// Items joined by AND (said or implied), up to the end or a `)`.
    fn parse_seq(&mut self, field: Option<Field>, in_group: bool) -> Vec<Node> {
        let mut items = Vec::new();
        let mut operands = 0;
        while let Some(tok) = self.peek().cloned() {
            let col = self.col();
            match tok {
                Tok::RParen => {
                    if in_group {
                        break;
                    }
                    self.problem(col, "a closing bracket has no opening one");
                    self.pos += 1;
                }
                ref t if is_op(t, "AND") => {
                    self.pos += 1;
                    if operands == 0 {
                        self.problem(col, "`AND` needs a term before it");
                    } else if self.no_operand_next() {
                        self.problem(col, "`AND` needs a term after it");
                    }
                }
                ref t if is_op(t, "OR") => {
                    self.pos += 1;
                    self.problem(col, "`OR` needs a term before it");
                }
                _ => {
                    operands += 1;
                    if let Some(n) = self.parse_or(field) {
                        items.push(n);
                    }
                }
            }
        }
        items
    }

    /// Operands joined by OR. An operand that only excludes cannot be one
    /// side of an OR.
    fn parse_or(&mut self, field: Option<Field>) -> Option<Node> {
        let mut operands: Vec<(Option<Node>, usize)> = Vec::new();
        let col = self.col();
        operands.push((self.parse_unary(field), col));
        while self.peek().is_some_and(|t| is_op(t, "OR")) {
            let col = self.col();
            self.pos += 1;
            if self.no_operand_next() {
                self.problem(col, "`OR` needs a term after it");
                continue;
            }
            let col = self.col();
            operands.push((self.parse_unary(field), col));
        }
        let several = operands.len() > 1;
        let mut items = Vec::new();
        for (node, col) in operands {
            let Some(node) = node else { continue };
            if several && !has_positive(&node) {
                self.problem(
                    col,
                    "an exclusion cannot be one side of OR; put brackets around what to exclude, e.g. NOT (a OR b)",
                );
                continue;
            }
            items.push(node);
        }
        or_of(items)
    }

    /// NOT, `-` and `+` before a primary.
    fn parse_unary(&mut self, field: Option<Field>) -> Option<Node> {
        let mut negations = 0;
        let first_col = self.col();
        let mut second_col = 0;
        loop {
            let col = self.col();
            match self.peek() {
                Some(Tok::Minus) => {
                    negations += 1;
                    if negations == 2 {
                        second_col = col;
                    }
                    self.pos += 1;
                }
                Some(Tok::Plus) => self.pos += 1,
                Some(t) if is_op(t, "NOT") => {
                    self.pos += 1;
                    if self.no_operand_next() {
                        self.problem(col, "`NOT` needs a term after it");
                        return None;
                    }
                    negations += 1;
                    if negations == 2 {
                        second_col = col;
                    }
                }
                _ => break,
            }
        }
        let node = self.parse_primary(field)?;
        match negations {
            0 => Some(node),
            1 if has_positive(&node) => Some(Node::Not {
                item: Box::new(node),
            }),
            1 => {
                self.problem(first_col, "two exclusions in a row");
                None
            }
            _ => {
                self.problem(second_col, "two exclusions in a row");
                None
            }
        }
    }

    fn parse_primary(&mut self, field: Option<Field>) -> Option<Node> {
        let lexed = self.toks.get(self.pos)?.clone();
        let col = lexed.col;
        self.pos += 1;
        match lexed.tok {
            Tok::LParen => {
                if self.depth >= MAX_DEPTH {
                    self.problem(col, "brackets are nested too deeply");
                    return None;
                }
                if self.peek() == Some(&Tok::RParen) {
                    self.pos += 1;
                    self.problem(col, "empty brackets");
                    return None;
                }
                self.depth += 1;
                let items = self.parse_seq(field, true);
                self.depth -= 1;
                if self.peek() == Some(&Tok::RParen) {
                    self.pos += 1;
                } else {
                    self.problem(col, "a bracket is not closed");
                }
                and_of(items)
            }
            Tok::Quote { text, closed } => {
                if !closed {
                    self.problem(col, "a quote is not closed");
                }
                self.quoted(&text, field, col)
            }
            Tok::Word(w) => self.word(&w, field, col),
            // Operators are handled by the callers; a stray one is nothing.
            Tok::RParen | Tok::Minus | Tok::Plus => None,
        }
    }

    /// Whether the token just consumed is the last of the query and is
    /// still being typed.
    fn typing(&self) -> bool {
        self.live_last && self.pos == self.toks.len()
    }

    fn word(&mut self, w: &str, field: Option<Field>, col: usize) -> Option<Node> {
        if let Some((name, value)) = split_field(w) {
            match field_named(name) {
                Some(f) => {
                    if !value.is_empty() {
                        return self.value(value, f, col + name.chars().count() + 1);
                    }
                    let adjacent = self.peek_at(0).is_some_and(|l| {
                        !l.space_before && matches!(l.tok, Tok::Quote { .. } | Tok::LParen)
                    });
                    if adjacent {
                        return self.parse_primary(Some(f));
                    }
                    self.problem(
                        col,
                        format!("`{name}:` needs a value, e.g. {}", example(name)),
                    );
                    return None;
                }
                None if !value.is_empty() => {
                    self.problem(
                        col,
                        format!("there is no field `{name}`; the fields are {FIELD_NAMES}"),
                    );
                }
                None => {}
            }
        }
        self.plain(w, field, col)
    }

    /// A phrase in quotes.
    fn quoted(&mut self, text: &str, field: Option<Field>, col: usize) -> Option<Node> {
        match field {
            Some(Field::Text(f)) => phrase(text, Some(f)),
            None => phrase(text, None),
            Some(f) => {
                let value = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if value.is_empty() {
                    return None;
                }
                self.key_value(&value, f, col, false)
            }
        }
    }

    /// The value of `field:value`.
    fn value(&mut self, value: &str, f: Field, col: usize) -> Option<Node> {
        match f {
            Field::Text(_) => self.plain(value, Some(f), col),
            _ => {
                let typing = self.typing();
                self.key_value(value, f, col, typing)
            }
        }
    }

    fn key_value(&mut self, value: &str, f: Field, col: usize, typing: bool) -> Option<Node> {
        match f {
            Field::Text(_) => None,
            Field::Id => {
                let lower = value.to_lowercase();
                if let Some(base) = lower.strip_suffix('*') {
                    if base.chars().count() < 2 || base.contains('*') {
                        self.problem(col, STAR);
                        return None;
                    }
                    return Some(Node::Id {
                        value: base.to_string(),
                        prefix: true,
                    });
                }
                if lower.contains('*') {
                    self.problem(col, STAR);
                    return None;
                }
                Some(Node::Id {
                    value: lower,
                    prefix: typing,
                })
            }
            Field::Key(KeyField::Kind) => {
                let v = value.to_ascii_lowercase().replace(['_', ' '], "-");
                if !self.kinds.contains(&v) {
                    let message = format!(
                        "`kind:{value}` is not a kind; {}the kinds are {}",
                        near_kind(&self.kinds, &v)
                            .map(|k| format!("did you mean `kind:{k}`? "))
                            .unwrap_or_default(),
                        self.kinds.join(", ")
                    );
                    self.problem(col, message);
                }
                Some(Node::Value {
                    field: KeyField::Kind,
                    value: v,
                })
            }
            Field::Key(KeyField::Status) => {
                let v = value.to_ascii_lowercase();
                if !STATUSES.contains(&v.as_str()) {
                    self.problem(
                        col,
                        format!(
                            "`status:{value}` is not a status; the statuses are {}",
                            STATUSES.join(", ")
                        ),
                    );
                }
                Some(Node::Value {
                    field: KeyField::Status,
                    value: v,
                })
            }
            Field::Key(KeyField::Tag) => Some(Node::Value {
                field: KeyField::Tag,
                value: tag_key(value),
            }),
            Field::Clause => match clause_ref(trim_punct(value)) {
                Some(node) => Some(node),
                None => {
                    self.problem(
                        col,
                        format!(
                            "`clause:{value}` is not a clause number; write e.g. clause:8.2 or clause:iso20000-1:2011/8.2"
                        ),
                    );
                    None
                }
            },
        }
    }

    /// A token without field syntax (or the value of a text field).
    fn plain(&mut self, w: &str, field: Option<Field>, col: usize) -> Option<Node> {
        let text_field = match field {
            Some(Field::Text(f)) => Some(f),
            None => None,
            Some(f) => return self.key_value(w, f, col, self.typing()),
        };
        let core = trim_punct(w);
        if let Some(base) = core.strip_suffix('*') {
            let base = base.trim_end_matches('*');
            if field.is_none() && is_id_like(base) {
                return Some(Node::Id {
                    value: base.to_ascii_lowercase(),
                    prefix: true,
                });
            }
            let ws = analyze::words(base);
            if ws.len() == 1 && ws[0].chars().count() >= 2 && !base.contains('*') {
                return Some(prefix_word(&ws[0], text_field));
            }
            self.problem(col, STAR);
            return None;
        }
        let typing = self.typing();
        if field.is_none() {
            if let Some(node) = self.standard_clause(core) {
                return Some(node);
            }
            if let Some((std, number)) = split_std_ref(core) {
                return Some(Node::Clause {
                    standard: Some(std),
                    number,
                });
            }
            if let Some(number) = clause_number(core) {
                let digits = number.bytes().all(|b| b.is_ascii_digit());
                let clause = Node::Clause {
                    standard: None,
                    number: number.clone(),
                };
                if digits && number.len() == 2 {
                    return or_of(
                        vec![clause]
                            .into_iter()
                            .chain(word_node(&number, None))
                            .collect(),
                    );
                }
                if !digits || number.len() == 1 {
                    return Some(clause);
                }
            }
            if is_id_like(core) {
                let id = Node::Id {
                    value: core.to_ascii_lowercase(),
                    prefix: typing,
                };
                return match text_node(core, None, false) {
                    Some(t) => or_of(vec![id, t]),
                    None => Some(id),
                };
            }
        }
        text_node(core, text_field, typing)
    }

    /// `9001 8.2`, `ISO 9001 8.2.2`, `ISO/IEC 20000-1 8.2`: a standard
    /// then a clause number, as separate tokens from the current one on.
    fn standard_clause(&mut self, core: &str) -> Option<Node> {
        let plain_word = |l: Option<&Lexed>| match l {
            Some(Lexed {
                tok: Tok::Word(w),
                space_before: true,
                ..
            }) if !is_binary_op(&Tok::Word(w.clone())) && w != "NOT" => {
                Some(trim_punct(w).to_string())
            }
            _ => None,
        };
        let lower = core.to_ascii_lowercase();
        let (std, skip) = if lower == "iso" || lower == "iso/iec" || lower == "iec" {
            match (plain_word(self.peek_at(0)), plain_word(self.peek_at(1))) {
                (Some(s), Some(n)) if is_standard(&s) && clause_number(&n).is_some() => {
                    (format!("{core} {s}"), 2)
                }
                _ => return None,
            }
        } else if is_standard(core) {
            match plain_word(self.peek_at(0)) {
                Some(n) if clause_number(&n).is_some() => (core.to_string(), 1),
                _ => return None,
            }
        } else {
            return None;
        };
        let number = plain_word(self.peek_at(skip - 1)).and_then(|n| clause_number(&n))?;
        self.pos += skip;
        Some(Node::Clause {
            standard: Some(std_key(&std)),
            number,
        })
    }
}

const STAR: &str = "`*` ends a word of at least two letters, e.g. chang*";

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(q: &str) -> String {
        match parse(q, Mode::Strict) {
            Ok(q) => serde_json::to_string(&q.root).unwrap(),
            Err(p) => format!("error {p}"),
        }
    }

    #[test]
    fn precedence() {
        // OR binds tighter than AND: `a b OR c` is a AND (b OR c).
        assert_eq!(
            strict("supplier contract OR agreement"),
            strict("supplier AND (contract OR agreement)")
        );
        assert_eq!(
            strict("-supplier contract"),
            strict("NOT supplier contract")
        );
    }

    #[test]
    fn kinds_and_statuses_are_the_documents() {
        // kind: and status: accept exactly the kinds and statuses of front-matter.
        let kinds: Vec<&str> = crate::load::content::Kind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(kinds, KINDS);
        let statuses: Vec<&str> = crate::load::content::Status::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(statuses, STATUSES);
    }

    #[test]
    fn standards() {
        // A standard is named by number, with or without ISO, edition or part.
        assert_eq!(std_key("ISO/IEC 20000-1:2011"), "20000-1:2011");
        assert_eq!(std_key("iso9001:2008"), "9001:2008");
        assert!(is_standard("9001") && is_standard("ISO/IEC20000-1:2011"));
        assert!(!is_standard("900") && !is_standard("2026-11-23"));
        assert_eq!(clause_number("A.5.1").as_deref(), Some("a.5.1"));
        assert_eq!(clause_number("4.3.").as_deref(), Some("4.3"));
        assert_eq!(clause_number("4..3"), None);
    }
}
