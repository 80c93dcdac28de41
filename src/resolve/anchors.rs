//! Anchors: a link to `#heading` of a document, and a clause reference's
//! `section`, must name a heading of the target; a finding suggests the
//! nearest one.

use std::sync::Arc;

use crate::base::diag::Diagnostics;
use crate::load::content::Document;
use crate::resolve::clauses::ResolvedRef;
use crate::resolve::links::Edge;
use crate::resolve::markdown::Rendered;

/// Report the links and sections that name no heading of their target.
pub fn check(
    docs: &[Arc<Document>],
    rendered: &[Arc<Rendered>],
    edges: &[Edge],
    clauses: &[Arc<Vec<ResolvedRef>>],
    diags: &mut Diagnostics,
) {
    let suggest = |to: usize, anchor: &str| -> String {
        let best = rendered[to]
            .anchors
            .iter()
            .map(|a| (strsim::jaro_winkler(a, anchor), a))
            .filter(|(s, _)| *s > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)));
        match best {
            Some((_, a)) => format!("did you mean `#{a}`?"),
            None => {
                let mut all: Vec<&String> = rendered[to].anchors.iter().collect();
                all.sort();
                let shown: Vec<String> = all.iter().take(8).map(|a| format!("#{a}")).collect();
                if shown.is_empty() {
                    "the target has no headings".into()
                } else {
                    format!("its headings are: {}", shown.join(", "))
                }
            }
        }
    };
    for e in edges {
        if let Some(a) = &e.anchor
            && !rendered[e.to].anchors.contains(a)
        {
            let target = if e.to == e.from {
                "this document".to_string()
            } else {
                format!("`{}`", docs[e.to].meta.id)
            };
            diags.push(
                docs[e.from]
                    .error_at(
                        e.span,
                        format!("link to a missing heading `#{a}` in {target}"),
                    )
                    .with_help(suggest(e.to, a))
                    .with_rule("broken-link"),
            );
        }
    }
    for (i, refs) in clauses.iter().enumerate() {
        for r in refs.iter() {
            if let Some(s) = &r.section
                && !rendered[i].anchors.contains(s)
            {
                diags.push(
                    docs[i]
                        .error_at(
                            r.span,
                            format!("`section = \"{s}\"` is not a heading of this document"),
                        )
                        .with_help(suggest(i, s))
                        .with_rule("broken-link"),
                );
            }
        }
    }
}
