//! Which pages a render makes: every page ([`Every`], the build), or only
//! those whose inputs changed since the previous render (the rebuilds of
//! `clausebook serve`, which keep the prints of every page).
//!
//! Beside each page, its family says what the page reads, as a
//! fingerprint closure; [`Every`] never calls it.

use std::hash::Hash;

use crate::base::fingerprint::fingerprint;

/// Fingerprints of what the pages list: each document's summary, each
/// clause's list of documents.
pub trait Prints {
    /// The fingerprint of document `doc`'s summary.
    fn summary(&self, doc: usize) -> u64;

    /// The fingerprint of the documents listed for a clause.
    fn clause_list(&self, standard: &str, clause: &str) -> u64;
}

/// The summaries' fingerprints of the documents `list`.
pub fn members(p: &dyn Prints, list: &[usize]) -> Vec<u64> {
    list.iter().map(|&i| p.summary(i)).collect()
}

/// The fingerprint of a page that reads `what` and the summaries of the
/// documents `list`.
pub fn listing_print(p: &dyn Prints, what: &impl Hash, list: &[usize]) -> u64 {
    fingerprint(&(what, members(p, list)))
}

/// What a page reads besides the site-wide globals, as a fingerprint.
pub type Reads<'r> = &'r dyn Fn(&dyn Prints) -> u64;

/// Which pages to render.
pub trait Plan {
    /// Whether to render the page at `path`; `reads` fingerprints what it
    /// reads, for a plan that compares renders.
    fn due(&mut self, path: &str, reads: Reads<'_>) -> bool;
}

/// Every page (a full render).
pub struct Every;

impl Plan for Every {
    fn due(&mut self, _path: &str, _reads: Reads<'_>) -> bool {
        true
    }
}

/// A page made of the configuration and catalogs only (the globals).
pub fn nothing(_: &dyn Prints) -> u64 {
    0
}
