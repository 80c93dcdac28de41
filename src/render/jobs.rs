//! Rendering pages: a page is a job (output path, template, context); the
//! jobs run in parallel, each page written to the sink as soon as it is
//! made, and the same template error on many pages is reported once.

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::base::diag::Diagnostic;
use crate::base::output::OutputFile;

pub use crate::base::output::Sink;

/// A page to render: its output path, template and page-specific context.
pub struct PageJob {
    pub path: String,
    pub template: &'static str,
    pub section: &'static str,
    pub context: Context,
}

/// Relative path from a page at `path` to the site root.
pub fn root_for(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// A template error while rendering `template`, located where Tera says.
pub fn render_error(template: &str, e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    match e.kind() {
        tera::ErrorKind::RenderingError(r) | tera::ErrorKind::SyntaxError(r) => {
            let name = if r.filename().is_empty() {
                template
            } else {
                r.filename()
            };
            let span = r.span();
            let mut d = Diagnostic::error(
                format!("templates/{name}"),
                format!("template error: {}", r.message()),
            )
            .with_help("a template reads a variable or attribute the page does not have; `{% if x %}` guards optional values");
            d.line = span.start_line;
            d.column = span.start_col + 1;
            d
        }
        _ => Diagnostic::error(
            format!("templates/{template}"),
            format!("template error: {msg}"),
        ),
    }
}

/// The same template error fails many pages: report it once, naming the
/// first page and how many others.
fn group_errors(errors: Vec<(Diagnostic, String)>) -> Vec<Diagnostic> {
    let mut grouped: BTreeMap<(String, usize, String), (Diagnostic, Vec<String>)> = BTreeMap::new();
    for (d, path) in errors {
        grouped
            .entry((d.file.display().to_string(), d.line, d.message.clone()))
            .or_insert_with(|| (d, Vec::new()))
            .1
            .push(path);
    }
    grouped
        .into_values()
        .map(|(mut d, mut paths)| {
            paths.sort();
            d.message = match paths.len() {
                1 => format!("{} (while rendering {})", d.message, paths[0]),
                n => format!(
                    "{} (while rendering {} and {} other pages)",
                    d.message,
                    paths[0],
                    n - 1
                ),
            };
            d
        })
        .collect()
}

/// Render the pages `doc_jobs` (made as they are rendered: one a
/// document) and `jobs` into `sink`, each with `globals`, the context
/// every page shares.
pub fn render(
    tera: &Tera,
    globals: &Context,
    doc_jobs: impl IndexedParallelIterator<Item = PageJob>,
    jobs: Vec<PageJob>,
    sink: Sink<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let results: Vec<Result<(), (Diagnostic, String)>> = doc_jobs
        .chain(jobs.into_par_iter())
        // Small pieces, so that a thread done with its other work (the
        // search indexes, the exports) can take pages from the one still
        // rendering. Rayon otherwise splits a list into a few pieces and
        // splits further only what is stolen early: at 10,000 documents
        // with history the last quarter of the pages was rendered by one
        // thread with the other core idle (0.2-0.3 s).
        .with_max_len(PIECE)
        .map(|mut j| {
            let root = match j.context.get("root_override").and_then(|v| v.as_str()) {
                Some(r) => r.to_string(),
                None => root_for(&j.path),
            };
            j.context.insert("root", &root);
            j.context.insert("section", j.section);
            let mut ctx = globals.clone();
            ctx.extend(j.context);
            let html = tera
                .render(j.template, &ctx)
                .map_err(|e| (render_error(j.template, &e), j.path.clone()))?;
            sink(OutputFile {
                path: j.path.clone(),
                bytes: html.into_bytes(),
            })
            .map_err(|d| (d, j.path.clone()))
        })
        .collect();
    let errors: Vec<(Diagnostic, String)> = results.into_iter().filter_map(Result::err).collect();
    if !errors.is_empty() {
        return Err(group_errors(errors));
    }
    Ok(())
}

/// The most pages a thread renders before another may take the rest.
const PIECE: usize = 8;

/// Add a page to `jobs`.
pub fn push(
    jobs: &mut Vec<PageJob>,
    path: String,
    template: &'static str,
    section: &'static str,
    context: Context,
) {
    jobs.push(PageJob {
        path,
        template,
        section,
        context,
    });
}
