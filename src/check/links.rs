//! Findings about how documents hang together: an approved document that
//! links to or lists an unapproved one, and a document that addresses no
//! clause and that no document links to.

use crate::base::diag::Diagnostic;
use crate::check::rules::allowed;
use crate::load::content::Status;
use crate::resolve::Site;

/// Approved documents linking to or listing unapproved ones.
pub fn links_to_unapproved(site: &Site, diags: &mut Vec<Diagnostic>) {
    if allowed(site, "link-to-unapproved") {
        return;
    }
    // One flag per document, contiguous: the edges are many.
    let approved: Vec<bool> = site
        .docs
        .iter()
        .map(|d| d.meta.status == Status::Approved)
        .collect();
    let unapproved = |i: usize| !approved[i];
    for e in &site.edges {
        if e.from != e.to && approved[e.from] && unapproved(e.to) {
            let t = &site.docs[e.to].meta;
            diags.push(
                site.docs[e.from]
                    .warning_at(e.span, format!("approved document links to {} `{}`", t.status, t.id))
                    .with_help("link to the approved document that replaces it, or approve the target first")
                    .with_rule("link-to-unapproved"),
            );
        }
    }
    for (from, doc) in site.docs.iter().enumerate() {
        // The resolved list says cheaply whether there is anything to
        // locate (a lookup per listed id is costly at 10,000 documents).
        if doc.meta.status != Status::Approved
            || !site.related[from]
                .iter()
                .any(|&to| to != from && unapproved(to))
        {
            continue;
        }
        for r in &doc.meta.related {
            if let Some(to) = site.doc_index(&r.id)
                && to != from
                && unapproved(to)
            {
                diags.push(
                    doc.warning_at(
                        r.span,
                        format!(
                            "approved document lists {} `{}` as related",
                            site.docs[to].meta.status, r.id
                        ),
                    )
                    .with_help("list the approved document that replaces it, or approve the related one first")
                    .with_rule("link-to-unapproved"),
                );
            }
        }
    }
}

/// Documents that address no clause and that no document links to.
pub fn orphans(site: &Site, diags: &mut Vec<Diagnostic>) {
    if allowed(site, "orphan") {
        return;
    }
    for (i, doc) in site.docs.iter().enumerate() {
        if doc.meta.status == Status::Retired
            || !site.clauses[i].is_empty()
            || !site.backlinks[i].is_empty()
        {
            continue;
        }
        diags.push(
            doc.warning_at(doc.id_span, format!("`{}` addresses no clause and no document links to it", doc.meta.id))
                .with_help("list the clauses it addresses in `clauses`, or link to it from the document that relies on it")
                .with_rule("orphan"),
        );
    }
}
