//! Catalog files: a standard's clauses (`[[clause]]` tables), its
//! normative clauses, exclusion rule and required documents, read and
//! checked with located errors.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::exclusion::{RawExclusions, read_exclusions};
use super::file::{FileCtx, did_you_mean};
use super::model::{
    Catalog, Clause, ExclusionRule, MAX_NAME_LEN, RequiredDocument, is_clause_number, slugify,
};
use crate::base::diag::Diagnostic;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalog {
    id: Option<Spanned<String>>,
    name: Option<String>,
    edition: Option<String>,
    title: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    normative: Vec<Spanned<String>>,
    exclusions: Option<Spanned<RawExclusions>>,
    #[serde(default)]
    required_document: Vec<Spanned<RawRequiredDocument>>,
    #[serde(default)]
    clause: Vec<Spanned<RawClause>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequiredDocument {
    key: Option<Spanned<String>>,
    clause: Option<Spanned<String>>,
    listed_in: Option<String>,
    name: Option<String>,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
    #[serde(default)]
    set: bool,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClause {
    number: Option<Spanned<String>>,
    #[serde(default)]
    title: String,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    requirements: bool,
}

/// Check a catalog file. `None` when it cannot be used at all.
pub(super) fn parse_catalog(file: &Path, src: &str) -> (Option<Catalog>, Vec<Diagnostic>) {
    let mut cx = FileCtx::new(file, src);
    let raw: RawCatalog = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            cx.toml_error(&e);
            return (None, cx.diags);
        }
    };
    let Some(id) = catalog_id(&raw, &mut cx) else {
        return (None, cx.diags);
    };
    let (clauses, marked, parent_spans) = read_clauses(&raw, &mut cx);
    let mut catalog = Catalog {
        id,
        name: raw
            .name
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| {
                raw.id
                    .as_ref()
                    .map(|i| i.as_ref().clone())
                    .unwrap_or_default()
            }),
        edition: raw.edition.clone().unwrap_or_default().trim().to_string(),
        title: raw.title.clone().filter(|s| !s.trim().is_empty()),
        aliases: raw.aliases.clone(),
        normative: Vec::new(),
        exclusions: ExclusionRule::None,
        exclusion_note: None,
        reasonable: Vec::new(),
        required_documents: Vec::new(),
        clauses,
        index: HashMap::new(),
    };
    catalog.link(&[]);
    check_parents(&mut catalog, &raw, &parent_spans, &mut cx);
    catalog.link(&[]);
    break_parent_cycles(&mut catalog, &parent_spans, &mut cx);
    read_normative(&mut catalog, &raw, &marked, &mut cx);
    if let Some(ex) = &raw.exclusions {
        read_exclusions(ex, &mut catalog, &mut cx);
    }
    read_required_documents(&mut catalog, &raw, &mut cx);
    (Some(catalog), cx.diags)
}

/// The catalog's id, when it can name the standard's pages.
fn catalog_id(raw: &RawCatalog, cx: &mut FileCtx) -> Option<String> {
    match &raw.id {
        Some(id) if id.as_ref().trim().is_empty() => {
            cx.error(id.span(), "empty catalog id", None);
            None
        }
        Some(id) if id.as_ref().chars().any(char::is_whitespace) => {
            cx.error(
                id.span(),
                format!("catalog id `{}` contains whitespace", id.as_ref()),
                Some("ids look like `iso20000-1:2011`".into()),
            );
            None
        }
        Some(id) if slugify(id.as_ref()).is_empty() || id.as_ref().len() > MAX_NAME_LEN => {
            cx.error(
                id.span(),
                format!(
                    "catalog id `{}` cannot name the standard's pages (standards/<id as letters, digits and `-`>/)",
                    id.as_ref()
                ),
                Some(format!(
                    "ids look like `iso20000-1:2011`: letters and digits, at most {MAX_NAME_LEN} characters"
                )),
            );
            None
        }
        Some(id) => Some(id.as_ref().clone()),
        None => {
            let top = cx.top();
            cx.error(
                top,
                "catalog has no `id`",
                Some(
                    "add `id = \"…\"` (e.g. `id = \"iso27001:2022\"`) before the first table"
                        .into(),
                ),
            );
            None
        }
    }
}

/// The clauses in file order, whether each is marked `requirements = true`,
/// and where each one's `parent` stands.
#[allow(clippy::type_complexity)]
fn read_clauses(
    raw: &RawCatalog,
    cx: &mut FileCtx,
) -> (Vec<Clause>, Vec<bool>, Vec<Option<Range<usize>>>) {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut marked: Vec<bool> = Vec::new();
    let mut parent_spans: Vec<Option<Range<usize>>> = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for rc in &raw.clause {
        let header = rc.span();
        let rc = rc.as_ref();
        let Some(number) = &rc.number else {
            cx.error(header, "clause has no `number`", None);
            continue;
        };
        let n = number.as_ref().trim().to_string();
        if n.len() > MAX_NAME_LEN {
            cx.error(
                number.span(),
                format!("a clause number of {} characters", n.len()),
                Some(format!(
                    "each clause gets a page named after its number: at most {MAX_NAME_LEN} characters"
                )),
            );
            continue;
        }
        if !is_clause_number(&n) {
            cx.error(
                number.span(),
                format!("`{n}` is not a clause number"),
                Some("use letters and digits separated by dots, e.g. `4.3.2` or `A.5.1`".into()),
            );
            continue;
        }
        if let Some(&line) = first_seen.get(&n) {
            cx.error(
                number.span(),
                format!("duplicate clause number `{n}`"),
                Some(format!("clause `{n}` is already defined on line {line}")),
            );
            continue;
        }
        first_seen.insert(n.clone(), cx.line_of(number.span().start));
        clauses.push(Clause {
            number: n,
            title: rc.title.trim().to_string(),
            parent: rc.parent.as_ref().map(|p| p.as_ref().trim().to_string()),
            children: Vec::new(),
            requirements: false,
            depth: 0,
        });
        marked.push(rc.requirements);
        parent_spans.push(rc.parent.as_ref().map(Spanned::span));
    }
    (clauses, marked, parent_spans)
}

/// Parents must be clauses of the catalog other than the clause itself;
/// a clause without a parent whose number says it has one is warned about.
fn check_parents(
    catalog: &mut Catalog,
    raw: &RawCatalog,
    parent_spans: &[Option<Range<usize>>],
    cx: &mut FileCtx,
) {
    for (i, span) in parent_spans.iter().enumerate() {
        let Some(p) = catalog.clauses[i].parent.clone() else {
            let number = &catalog.clauses[i].number;
            if let Some((prefix, _)) = number.rsplit_once('.')
                && catalog.clause(prefix).is_some()
            {
                let span = raw_clause_span(raw, number);
                cx.warning(
                    span,
                    format!("clause `{number}` has no parent, though clause `{prefix}` exists"),
                    Some(format!("add `parent = \"{prefix}\"`")),
                );
            }
            continue;
        };
        let span = span.clone().unwrap_or(0..0);
        let number = catalog.clauses[i].number.clone();
        if p == number {
            cx.error(span, format!("clause `{number}` is its own parent"), None);
            catalog.clauses[i].parent = None;
        } else if catalog.clause(&p).is_none() {
            let help = did_you_mean(catalog.closest_clause(&p));
            cx.error(
                span,
                format!("parent `{p}` of clause `{number}` is not in the catalog"),
                help,
            );
            catalog.clauses[i].parent = None;
        }
    }
}

/// Cut the parents that make a cycle.
fn break_parent_cycles(
    catalog: &mut Catalog,
    parent_spans: &[Option<Range<usize>>],
    cx: &mut FileCtx,
) {
    for (i, span) in parent_spans.iter().enumerate() {
        // Walk up; a clause met again is in a cycle. A walk longer than the
        // catalog is stuck in a cycle above this clause, reported with its
        // members.
        let mut current = catalog.clauses[i].parent.clone();
        let mut steps = 0;
        while let Some(p) = current {
            if steps > catalog.clauses.len() {
                break;
            }
            if p == catalog.clauses[i].number {
                let span = span.clone().unwrap_or(0..0);
                cx.error(
                    span,
                    format!(
                        "clause `{}` is its own ancestor (a cycle of parents)",
                        catalog.clauses[i].number
                    ),
                    None,
                );
                catalog.clauses[i].parent = None;
                break;
            }
            steps += 1;
            current = catalog.clause(&p).and_then(|c| c.parent.clone());
        }
    }
}

/// The normative subtrees, and which clauses carry requirements.
fn read_normative(catalog: &mut Catalog, raw: &RawCatalog, marked: &[bool], cx: &mut FileCtx) {
    for n in &raw.normative {
        let v = n.as_ref().trim();
        if catalog.clause(v).is_none() {
            let help = did_you_mean(catalog.closest_clause(v));
            cx.error(
                n.span(),
                format!("normative clause `{v}` is not in the catalog"),
                help,
            );
        } else if !catalog.normative.iter().any(|x| x == v) {
            catalog.normative.push(v.to_string());
        }
    }
    catalog.link(marked);
    for rc in &raw.clause {
        let Some(number) = rc.as_ref().number.as_ref() else {
            continue;
        };
        let n = number.as_ref().trim();
        if rc.as_ref().requirements && catalog.clause(n).is_some() && !catalog.is_normative(n) {
            cx.warning(
                number.span(),
                format!("clause `{n}` is marked `requirements = true` but is outside the normative clauses"),
                Some("list its top-level clause in `normative`".into()),
            );
        }
    }
}

/// The documents the standard asks for by name.
fn read_required_documents(catalog: &mut Catalog, raw: &RawCatalog, cx: &mut FileCtx) {
    for rd in &raw.required_document {
        let header = rd.span();
        let rd = rd.as_ref();
        let Some(clause) = &rd.clause else {
            cx.error(header, "required document has no `clause`", None);
            continue;
        };
        let c = clause.as_ref().trim();
        if catalog.clause(c).is_none() {
            let help = did_you_mean(catalog.closest_clause(c));
            cx.error(
                clause.span(),
                format!("required document clause `{c}` is not in the catalog"),
                help,
            );
            continue;
        }
        let Some(name) = rd.name.clone().filter(|n| !n.trim().is_empty()) else {
            cx.error(header, "required document has no `name`", None);
            continue;
        };
        let key = match &rd.key {
            Some(k) if slugify(k.as_ref()) != k.as_ref().trim() || k.as_ref().trim().is_empty() => {
                cx.error(
                    k.span(),
                    format!("required document key `{}` is not a key", k.as_ref()),
                    Some(format!(
                        "keys are lower-case words joined by `-`, e.g. `{}`",
                        slugify(&name)
                    )),
                );
                continue;
            }
            Some(k) => k.as_ref().trim().to_string(),
            None => slugify(&name),
        };
        if catalog.required_documents.iter().any(|d| d.key == key) {
            let span = rd.key.as_ref().map_or(header, Spanned::span);
            cx.error(
                span,
                format!("two required documents have the key `{key}`"),
                Some("give each `[[required_document]]` its own `key`".into()),
            );
            continue;
        }
        catalog.required_documents.push(RequiredDocument {
            key,
            clause: c.to_string(),
            listed_in: rd.listed_in.clone().filter(|s| !s.trim().is_empty()),
            name,
            kinds: rd.kinds.clone(),
            titles: rd.titles.clone(),
            set: rd.set,
            note: rd.note.clone().filter(|s| !s.trim().is_empty()),
        });
    }
}

/// Span of the `number` value of clause `number` in the raw file.
fn raw_clause_span(raw: &RawCatalog, number: &str) -> Range<usize> {
    raw.clause
        .iter()
        .filter_map(|c| c.as_ref().number.as_ref())
        .find(|n| n.as_ref().trim() == number)
        .map(Spanned::span)
        .unwrap_or(0..0)
}
