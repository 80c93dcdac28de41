//! Full-text search: one query language ([`query`]), one ranking
//! ([`query::rank`]), three engines.
//!
//! The build analyzes the published documents once ([`query::model::Model`])
//! and writes that model twice into the output:
//!
//! - `search/tantivy/`: a [tantivy] index ([`tindex`]), searched by
//!   `clausebook search` and by the `/api/search` endpoint of
//!   `clausebook serve` ([`engine`]);
//! - `search/index.js` and its shards: the sharded static index
//!   ([`query::shards`]) that theme/search.js loads piece by piece with
//!   `<script>` tags, so that the search box works on any web server and
//!   from `file://`.
//!
//! Both hold the same terms with the same statistics, and every engine
//! runs the same query tree through the same integer ranking, so that the
//! three give the same results in the same order (tests/search_parity.rs).
//! What a result shows (clause pages first, where a document matched, its
//! snippet, facet counts) is [`answer`], which theme/search.js mirrors.

pub mod answer;
pub mod engine;
pub mod entry;
pub mod query;
pub mod text;
pub mod tindex;

use crate::base::diag::Diagnostic;
use crate::base::output::{OutputFile, Sink};
use crate::resolve::Site;

pub use answer::{ClauseHit, Facets, Hit, Hits, ParseMode, SearchError, SearchRequest, Where};
pub use engine::SearchIndex;
pub use entry::{ClauseEntry, Entry, entries, entry};

/// Folder of the tantivy index, relative to the output folder.
pub const INDEX_DIR: &str = tindex::INDEX_DIR;
/// The root script of the static index, relative to the output folder.
pub const STATIC_INDEX: &str = "search/index.js";

/// Files the search feature adds to the output: the tantivy index under
/// `search/tantivy/` and the sharded static index under `search/`.
pub fn output_files(site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    crate::base::output::collected(|sink| output_files_into(site, sink))
}

/// [`output_files`], each handed to `sink` as soon as it is made (the
/// build writes them at once: at 10,000 documents they are 10–15 MB, and
/// the static index's shards were held twice, as lists and as files).
/// Returns how many files it handed on.
pub fn output_files_into(site: &Site, sink: Sink<'_>) -> Result<usize, Diagnostic> {
    let err =
        |e: String| Diagnostic::error(INDEX_DIR, format!("cannot build the search index: {e}"));
    let pattern = query::shards::url_pattern(site);
    // tantivy indexes each document while the model analyzes the next
    // ones; then the index is committed beside the static index.
    let mut tantivy = tindex::Writer::new(query::model::declared(site)).map_err(err)?;
    let model = query::model::Model::of_site_each(site, |a| tantivy.add_all(a));
    let (tantivy, shards) = rayon::join(
        || tantivy.finish_into(&model, sink, &err),
        || query::shards::build_into(&model, &pattern, sink),
    );
    Ok(tantivy? + shards?)
}
