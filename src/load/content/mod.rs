//! Loading the document set: find the Markdown files under `content/`
//! (through the site's [`Source`]), split and parse their front-matter
//! ([`front_matter`]: TOML `+++` or YAML `---`), and validate each field with
//! a located error ([`fields`]) into the document model ([`model`]).

mod fields;
mod front_matter;
mod model;
mod nesting;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::load::source::{CONTENT_DIR, Source};

pub use fields::{ID_SYNTAX, KNOWN_KEYS, MAX_ID_LEN, MAX_TAG_LEN, id_problem};
pub use front_matter::{MAX_DEPTH, MAX_FRONT_MATTER, parse_document};
pub use model::{ClauseRefSpec, Document, IdRef, Kind, Level, Meta, Schema, Span, Status};

/// Load and parse every document of the site in parallel, in path order.
/// Returns the documents that parsed and every problem found; a document
/// with an error in its front-matter is left out.
/// `schema` holds the fields and kinds the site declares.
pub fn load(source: &dyn Source, schema: &Schema) -> (Vec<Document>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let files = match source.documents() {
        Ok(found) => {
            diags.extend(found.diags);
            found.files
        }
        Err(d) => {
            diags.push(d);
            return (Vec::new(), diags);
        }
    };
    let results: Vec<(Option<Document>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| read_document(source, file, schema))
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for (doc, ds) in results {
        diags.extend(ds);
        docs.extend(doc);
    }
    (docs, diags)
}

/// Read and parse one document file of the site (`file` is the path as
/// [`Source::documents`] gives it).
pub fn read_document(
    source: &dyn Source,
    file: &Path,
    schema: &Schema,
) -> (Option<Document>, Vec<Diagnostic>) {
    let root = source.root();
    let rel = crate::base::diag::display_path(root, file);
    let bytes = match source.read(file) {
        Ok(b) => b,
        Err(e) => {
            return (
                None,
                vec![
                    Diagnostic::error(rel, format!("cannot read file: {e}"))
                        .with_help("check the file's permissions"),
                ],
            );
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return (None, vec![not_utf8(rel, e)]),
    };
    let content_path = file
        .strip_prefix(root.join(CONTENT_DIR))
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    parse_document(rel, content_path, text, schema)
}

/// A file that is not UTF-8, located at its first invalid byte.
fn not_utf8(path: PathBuf, e: std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    // The invalid sequence; at the end of the file, an incomplete one.
    let len = e.utf8_error().error_len().unwrap_or(usize::MAX);
    let bytes = e.into_bytes();
    let bad: Vec<String> = bytes[at..]
        .iter()
        .take(len.min(4))
        .map(|b| format!("0x{b:02X}"))
        .collect();
    // The text up to the first bad byte is valid and keeps its offsets;
    // the rest is shown with replacement characters.
    let shown = String::from_utf8_lossy(&bytes);
    Diagnostic::error(
        path,
        format!(
            "the file is not valid UTF-8: {} at byte {at} is not a UTF-8 character",
            bad.join(" ")
        ),
    )
    .at_offset(&shown, at, 1)
    .with_help(
        "save the file as UTF-8 (most editors: \"Save with encoding\" or \"Reopen with encoding\"); \
         files from older Windows tools are often Windows-1252",
    )
    .with_rule("front-matter")
}
