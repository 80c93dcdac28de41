//! The site's look: the Tera templates (built in, each overridable by a
//! file of the same name in the site's `templates/`) and the theme files
//! (`theme/`), read and checked before anything is rendered.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

use crate::base::diag::{Diagnostic, display_path};
use crate::load::source::site_files;

/// The built-in templates, embedded in the binary.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "doc_list.html",
        include_str!("../../templates/doc_list.html"),
    ),
    (
        "doc_refs.html",
        include_str!("../../templates/doc_refs.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    ("pager.html", include_str!("../../templates/pager.html")),
    (
        "clause_documents.html",
        include_str!("../../templates/clause_documents.html"),
    ),
    (
        "register_row.html",
        include_str!("../../templates/register_row.html"),
    ),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    ("history.html", include_str!("../../templates/history.html")),
    ("listing.html", include_str!("../../templates/listing.html")),
    ("terms.html", include_str!("../../templates/terms.html")),
    (
        "standards.html",
        include_str!("../../templates/standards.html"),
    ),
    (
        "standard.html",
        include_str!("../../templates/standard.html"),
    ),
    ("clause.html", include_str!("../../templates/clause.html")),
    (
        "coverage.html",
        include_str!("../../templates/coverage.html"),
    ),
    (
        "coverage_nav.html",
        include_str!("../../templates/coverage_nav.html"),
    ),
    (
        "matrices.html",
        include_str!("../../templates/matrices.html"),
    ),
    ("matrix.html", include_str!("../../templates/matrix.html")),
    ("grid.html", include_str!("../../templates/grid.html")),
    (
        "exclusions.html",
        include_str!("../../templates/exclusions.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("changes.html", include_str!("../../templates/changes.html")),
    ("diff.html", include_str!("../../templates/diff.html")),
    ("pack.html", include_str!("../../templates/pack.html")),
    (
        "pack_header.html",
        include_str!("../../templates/pack_header.html"),
    ),
];

/// The built-in theme files, written under `theme/` in the output.
pub const THEME: &[(&str, &str)] = &[
    ("clausebook.css", include_str!("../../theme/clausebook.css")),
    ("clausebook.js", include_str!("../../theme/clausebook.js")),
    ("search.js", include_str!("../../theme/search.js")),
    ("dark.css", include_str!("../../theme/dark.css")),
    ("favicon.svg", include_str!("../../theme/favicon.svg")),
    ("pack.css", include_str!("../../theme/pack.css")),
];

/// The theme files of sites with `[history]` (the publication stamp, the
/// revision history, review dates at view time, print controls).
pub const HISTORY_THEME: &[(&str, &str)] = &[
    ("history.css", include_str!("../../theme/history.css")),
    ("history.js", include_str!("../../theme/history.js")),
];

/// The ids a document page of the built-in templates has besides those of
/// its body (`main`, the skip link's target, the search box …, and those
/// of the elements the built-in scripts add): a body's headings and
/// footnotes get other ids.
pub fn document_page_ids() -> &'static [String] {
    static IDS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        TEMPLATES
            .iter()
            .filter(|(name, _)| matches!(*name, "base.html" | "document.html" | "history.html"))
            .flat_map(|(_, text)| text.split(" id=\"").skip(1))
            .filter_map(|rest| rest.split('"').next())
            // An id made by the template itself (`{{ … }}`) is not fixed.
            .filter(|id| !id.contains('{'))
            .map(str::to_string)
            .chain(script_ids())
            .collect()
    });
    &IDS
}

/// The ids of the elements the built-in scripts add to a page: the search
/// box's dropdown (theme/search.js: the box, its list, an option per
/// clause and per result, as many as `DROPDOWN`, and the last option) and
/// the error overlay that `clausebook serve` injects (serve/live.rs).
fn script_ids() -> Vec<String> {
    let search = THEME
        .iter()
        .find(|(name, _)| *name == "search.js")
        .map_or("", |(_, text)| text);
    let shown: usize = search
        .split("var DROPDOWN = ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(8);
    let mut ids: Vec<String> = [
        "search-results",
        "search-results-list",
        "search-result-all",
        "clausebook-overlay",
    ]
    .map(String::from)
    .into();
    for i in 0..shown {
        ids.push(format!("search-clause-{i}"));
        ids.push(format!("search-result-{i}"));
    }
    ids
}

/// Load the built-in templates, then the site's `templates/*.html` over
/// them; with the warnings of reading them (a link in `templates/` that
/// is not followed).
pub fn load_templates(root: &Path) -> Result<(Tera, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (String, String)> = TEMPLATES
        .iter()
        .map(|(n, s)| {
            (
                n.to_string(),
                (format!("(built-in) templates/{n}"), s.to_string()),
            )
        })
        .collect();
    let (files, mut diags) = site_files(root, "templates");
    for f in files {
        let shown = display_path(root, &f.path).display().to_string();
        match String::from_utf8(f.bytes) {
            Ok(text) => {
                sources.insert(f.rel, (shown, text));
            }
            Err(_) => diags.push(
                Diagnostic::error(shown, "a template must be UTF-8 text").with_rule("template"),
            ),
        }
    }
    let mut tera = Tera::new();
    tera.register_filter("slug", |s: &str, _: tera::Kwargs, _: &tera::State| {
        crate::base::text::slugify(s)
    });
    // Check each template's syntax on its own first, to locate errors in
    // the right file, then add them together so inheritance resolves.
    for (name, (shown, text)) in &sources {
        let mut single = Tera::new();
        if let Err(e) = single.add_raw_template(name, text)
            && let tera::ErrorKind::SyntaxError(_) = e.kind()
        {
            diags.push(template_error(shown, text, &e));
        }
    }
    if !diags.iter().any(Diagnostic::is_error)
        && let Err(e) = tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        )
    {
        let (shown, text) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => sources
                .get(r.filename())
                .map(|(s, t)| (s.as_str(), t.as_str()))
                .unwrap_or(("templates", "")),
            _ => ("templates", ""),
        };
        diags.push(template_error(shown, text, &e));
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok((tera, diags))
}

/// Turn a Tera error into a located diagnostic where Tera gives a span.
fn template_error(shown: &str, text: &str, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            Diagnostic::error(shown, format!("template error: {}", r.message()))
                .at_line_col(text, span.start_line, span.start_col + 1, span.range.len())
                .with_help("see the Tera 2 template syntax; the built-in templates are in templates/ of the Clausebook source")
                .with_rule("template")
        }
        other => Diagnostic::error(shown, format!("template error: {other}")).with_rule("template"),
    }
}
