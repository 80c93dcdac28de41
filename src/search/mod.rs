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
use crate::base::output::OutputFile;
use crate::resolve::Site;

pub use answer::{ClauseHit, Facets, Hit, Hits, ParseMode, SearchError, SearchRequest, Where};
pub use engine::SearchIndex;
pub use entry::{ClauseEntry, Entry, entries, entry};

/// Folder of the tantivy index, relative to the output folder.
pub const INDEX_DIR: &str = tindex::INDEX_DIR;
/// The root script of the static index, relative to the output folder.
pub const STATIC_INDEX: &str = "search/index.js";

/// Files the search feature adds to the output: the tantivy index under
/// `search/tantivy/` and the sharded static index under `search/`. Called
/// by the build after pages are rendered.
pub fn output_files(site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    let model = query::model::Model::of_site(site);
    let pattern = query::shards::url_pattern(site);
    // The two indexes are independent: write them side by side.
    let (tantivy, shards) = rayon::join(
        || tindex::build(&model),
        || query::shards::build(&model, &pattern),
    );
    let mut files = tantivy
        .map_err(|e| Diagnostic::error(INDEX_DIR, format!("cannot build the search index: {e}")))?;
    files.extend(shards);
    Ok(files)
}
