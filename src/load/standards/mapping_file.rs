//! Mapping files: the related clauses of two catalogs (`[[pair]]` tables),
//! read first, then checked against the final catalogs.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::file::{FileCtx, did_you_mean};
use super::model::{Catalog, Mapping, Pair, Relation, Standards, Strength};
use crate::base::diag::Diagnostic;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMapping {
    pub(super) id: Option<Spanned<String>>,
    name: Option<String>,
    left: Option<Spanned<String>>,
    right: Option<Spanned<String>>,
    source: Option<String>,
    description: Option<String>,
    #[serde(default)]
    pair: Vec<Spanned<RawPair>>,
    no_counterpart: Option<Spanned<RawNoCounterpart>>,
}

/// Clauses the source marks as having no related clause, per side.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNoCounterpart {
    #[serde(default)]
    left: Vec<Spanned<String>>,
    #[serde(default)]
    right: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    left: Option<Spanned<String>>,
    right: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    strength: Option<Spanned<String>>,
    note: Option<String>,
    source: Option<String>,
}

/// A mapping whose pairs are checked once every catalog is known.
pub(super) struct PendingMapping {
    pub(super) id: String,
    pub(super) file: PathBuf,
    pub(super) src: String,
    pub(super) raw: RawMapping,
    pub(super) builtin: bool,
}

/// Read a mapping file; its pairs are checked later ([`check_mapping`]).
pub(super) fn parse_mapping(file: &Path, src: &str) -> (Option<RawMapping>, Vec<Diagnostic>) {
    let mut cx = FileCtx::new(file, src);
    let raw: RawMapping = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            cx.toml_error(&e);
            return (None, cx.diags);
        }
    };
    match &raw.id {
        Some(id) if id.as_ref().trim().is_empty() => {
            cx.error(id.span(), "empty mapping id", None);
            (None, cx.diags)
        }
        Some(_) => (Some(raw), cx.diags),
        None => {
            let top = cx.top();
            cx.error(
                top,
                "mapping has no `id`",
                Some("add `id = \"…\"` before the first `[[pair]]`".into()),
            );
            (None, cx.diags)
        }
    }
}

/// Check a mapping against the final catalogs. `None` when a side names no
/// catalog. Pairs naming unknown clauses are reported and left out.
pub(super) fn check_mapping(
    p: &PendingMapping,
    standards: &Standards,
) -> (Option<Mapping>, Vec<Diagnostic>) {
    let mut cx = FileCtx::new(&p.file, &p.src);
    let raw = &p.raw;
    let side = |value: &Option<Spanned<String>>, which: &str, cx: &mut FileCtx| {
        let Some(v) = value else {
            let top = cx.top();
            cx.error(
                top,
                format!("mapping has no `{which}` catalog"),
                Some(format!("add `{which} = \"<catalog id>\"`")),
            );
            return None;
        };
        match standards.find_catalog(v.as_ref(), &[]) {
            Ok(c) => Some(c),
            Err(e) => {
                cx.error(v.span(), e.message(), e.help());
                None
            }
        }
    };
    let left = side(&raw.left, "left", &mut cx);
    let right = side(&raw.right, "right", &mut cx);

    let mut pairs = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for rp in &raw.pair {
        let header = rp.span();
        let rp = rp.as_ref();
        let l = pair_clause(&rp.left, "left", left, &header, &mut cx);
        let r = pair_clause(&rp.right, "right", right, &header, &mut cx);
        let relation = pair_relation(&rp.relation, &mut cx);
        let strength = match &rp.strength {
            None => Some(None),
            Some(s) => match Strength::parse(s.as_ref()) {
                Some(st) => Some(Some(st)),
                None => {
                    cx.error(
                        s.span(),
                        format!("unknown strength `{}`", s.as_ref()),
                        Some("use `closely` or `partially` (related), or leave it out".into()),
                    );
                    None
                }
            },
        };
        let (Some(l), Some(r), Some(relation), Some(strength)) = (l, r, relation, strength) else {
            continue;
        };
        let line = cx.line_of(header.start);
        if let Some(first) = seen.get(&(l.clone(), r.clone())) {
            cx.warning(
                header.clone(),
                format!("duplicate pair {l} ↔ {r}"),
                Some(format!("the same pair is already listed on line {first}")),
            );
            continue;
        }
        seen.insert((l.clone(), r.clone()), line);
        pairs.push(Pair {
            left: l,
            right: r,
            relation,
            note: rp.note.clone().filter(|s| !s.trim().is_empty()),
            source: rp.source.clone().filter(|s| !s.trim().is_empty()),
            strength,
        });
    }
    let (nil_left, nil_right) = match &raw.no_counterpart {
        Some(nc) => (
            no_counterpart(&nc.as_ref().left, "left", left, &pairs, &mut cx),
            no_counterpart(&nc.as_ref().right, "right", right, &pairs, &mut cx),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let mut diags = cx.diags;
    if p.builtin && !diags.is_empty() {
        // Only a site catalog replacing a built-in one can break a built-in
        // mapping: one warning, and the pairs that still hold are used.
        let mut examples: Vec<&str> = diags
            .iter()
            .filter_map(|d| d.message.split('`').nth(1))
            .take(3)
            .collect();
        if diags.len() > examples.len() {
            examples.push("…");
        }
        diags = vec![
            Diagnostic::warning(
                &p.file,
                format!(
                    "built-in mapping `{}` ignores {} pair(s) naming clauses that the site's \
                     catalogs lack ({})",
                    p.id,
                    raw.pair.len() - pairs.len(),
                    examples.join(", ")
                ),
            )
            .with_help("copy the mapping into `standards/` and adapt it to the site's catalog"),
        ];
    }
    let (Some(left), Some(right)) = (left, right) else {
        return (None, diags);
    };
    let mapping = Mapping {
        id: p.id.clone(),
        name: raw
            .name
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| p.id.clone()),
        left: left.id.clone(),
        right: right.id.clone(),
        source: raw.source.clone().unwrap_or_default(),
        description: raw
            .description
            .clone()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty()),
        pairs,
        no_counterpart_left: nil_left,
        no_counterpart_right: nil_right,
    };
    (Some(mapping), diags)
}

/// The clauses of one side marked as having no counterpart: each must be
/// in the side's catalog and in no pair.
fn no_counterpart(
    list: &[Spanned<String>],
    which: &str,
    catalog: Option<&Catalog>,
    pairs: &[Pair],
    cx: &mut FileCtx,
) -> Vec<String> {
    let Some(catalog) = catalog else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for v in list {
        let n = v.as_ref().trim();
        let Some(c) = catalog.clause(n) else {
            let help = did_you_mean(catalog.closest_clause(n));
            cx.error(
                v.span(),
                format!("clause `{n}` is not in catalog `{}`", catalog.id),
                help,
            );
            continue;
        };
        let paired = pairs
            .iter()
            .find(|p| (if which == "left" { &p.left } else { &p.right }) == &c.number);
        if let Some(p) = paired {
            cx.error(
                v.span(),
                format!(
                    "clause `{n}` is marked as having no counterpart, but a pair relates it ({} ↔ {})",
                    p.left, p.right
                ),
                Some("remove it from `no_counterpart` or remove the pair".into()),
            );
            continue;
        }
        if !out.contains(&c.number) {
            out.push(c.number.clone());
        }
    }
    out
}

/// The clause a pair names on one side, when the side's catalog has it.
fn pair_clause(
    value: &Option<Spanned<String>>,
    which: &str,
    catalog: Option<&Catalog>,
    header: &Range<usize>,
    cx: &mut FileCtx,
) -> Option<String> {
    let Some(v) = value else {
        cx.error(
            header.clone(),
            format!("pair has no `{which}` clause"),
            None,
        );
        return None;
    };
    let n = v.as_ref().trim().trim_end_matches('.');
    let catalog = catalog?;
    match catalog.clause(n) {
        Some(c) => Some(c.number.clone()),
        None => {
            let help = did_you_mean(catalog.closest_clause(n));
            cx.error(
                v.span(),
                format!("clause `{n}` is not in catalog `{}`", catalog.id),
                help,
            );
            None
        }
    }
}

/// A pair's relation (`related` when it gives none); `None` for an unknown
/// one, which is reported.
fn pair_relation(relation: &Option<Spanned<String>>, cx: &mut FileCtx) -> Option<Relation> {
    let Some(rel) = relation else {
        return Some(Relation::Related);
    };
    if let Some(r) = Relation::parse(rel.as_ref()) {
        return Some(r);
    }
    let given = rel.as_ref().trim().to_ascii_lowercase();
    let help = match Relation::ALL
        .into_iter()
        .find(|r| strsim::levenshtein(r.as_str(), &given) <= 2)
    {
        Some(r) => format!("did you mean `{r}`?"),
        None => "use `equal`, `subset`, `superset`, `intersect` or `related`".to_string(),
    };
    cx.error(
        rel.span(),
        format!("unknown relation `{}`", rel.as_ref()),
        Some(help),
    );
    None
}
