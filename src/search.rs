//! Full-text search: the tantivy index written at build time, the compact
//! static index for the browser, and queries for `clausebook search` and
//! `clausebook serve`. (Being implemented: see issue 4.)

use crate::diag::Diagnostic;
use crate::render::OutputFile;
use crate::site::Site;

/// Files the search feature adds to the output (index folders, static
/// index script). Called by the build after pages are rendered.
pub fn output_files(_site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    Ok(Vec::new())
}
