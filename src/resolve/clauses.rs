//! The clause references of documents, resolved against the catalogs.

use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diag::Diagnostic;
use crate::load::config::Config;
use crate::load::content::{Document, Level, Span};
use crate::load::standards::{ClauseKey, ResolveOptions, Standards};

/// A clause reference of a document, resolved against the catalogs.
#[derive(Debug, Clone)]
pub struct ResolvedRef {
    pub key: ClauseKey,
    pub level: Level,
    pub section: Option<String>,
    pub span: Span,
}

/// The clause references of a document, resolved against the catalogs,
/// and their findings (unknown or out-of-scope standards and clauses,
/// references listed twice).
pub fn refs_of(
    d: &Document,
    config: &Config,
    standards: &Standards,
) -> (Arc<Vec<ResolvedRef>>, Vec<Diagnostic>) {
    let opts = ResolveOptions {
        default_standard: config.default_standard.as_deref(),
        in_scope: &config.standards,
    };
    let mut refs: Vec<ResolvedRef> = Vec::new();
    let mut ds = Vec::new();
    for spec in &d.meta.clauses {
        match standards.resolve(&spec.text, &opts) {
            Ok(key) => {
                if !config.standards.is_empty() && !config.standards.contains(&key.standard) {
                    ds.push(
                        d.warning_at(
                            spec.span,
                            format!(
                                "`{}` refers to {}, which is not in scope",
                                spec.text, key.standard
                            ),
                        )
                        .with_help(format!(
                            "add \"{}\" to `standards` in clausebook.toml to report on it",
                            key.standard
                        ))
                        .with_rule("out-of-scope"),
                    );
                }
                if refs
                    .iter()
                    .any(|r| r.key == key && r.section == spec.section)
                {
                    ds.push(
                        d.warning_at(spec.span, format!("clause `{key}` is listed twice"))
                            .with_rule("front-matter"),
                    );
                    continue;
                }
                refs.push(ResolvedRef {
                    key,
                    level: spec.level,
                    section: spec.section.clone(),
                    span: spec.span,
                });
            }
            Err(e) => {
                let mut diag = d.error_at(spec.span, e.message());
                diag.help = e.help();
                ds.push(diag.with_rule("unknown-clause"));
            }
        }
    }
    (Arc::new(refs), ds)
}

/// The clause references of every document (see [`refs_of`]).
pub fn resolve_all(
    docs: &[Arc<Document>],
    config: &Config,
    standards: &Standards,
) -> Vec<(Arc<Vec<ResolvedRef>>, Vec<Diagnostic>)> {
    docs.par_iter()
        .map(|d| refs_of(d, config, standards))
        .collect()
}
