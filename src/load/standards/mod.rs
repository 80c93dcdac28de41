//! The standards catalog: which clauses a standard edition has, how they nest,
//! which of them carry requirements, what may be excluded, which documents a
//! standard asks for, and which clauses of two standards relate to each other.
//!
//! Catalogs and mappings are TOML files. The built-in ones live in the crate's
//! `standards/` folder and are embedded in the binary; a site may add its own
//! (or replace a built-in one by id) under `<site>/standards/**/*.toml`. A file
//! with `[[clause]]` tables is a catalog, a file with `[[pair]]` tables a
//! mapping. Catalogs hold clause numbers and titles only, never requirement
//! text.
//!
//! Clause references in documents (`iso20000-1:2011/4.3.2`,
//! `ISO/IEC 20000-1:2011 clause 4.3.2`, a bare `4.3.2` with a default
//! standard, …) are resolved to a [`ClauseKey`] by [`Standards::resolve`].
//!
//! The files, by job: [`model`] (catalogs, clauses, mappings and their
//! lookups), [`reference`](mod@reference) (resolving clause references),
//! [`exclusion`] (what a catalog lets a site exclude), [`catalog_file`] and
//! [`mapping_file`] (reading and validating the TOML files, located errors
//! through [`file`](mod@file)) and [`loader`] (the built-in files, then the site's).

pub mod catalog_file;
pub mod exclusion;
pub mod file;
pub mod loader;
pub mod mapping_file;
pub mod model;
pub mod reference;
#[cfg(test)]
mod tests;

pub use model::{
    Catalog, Clause, ClauseKey, ExclusionRule, Mapping, Pair, Relation, RequiredDocument,
    Standards, Strength, Unrelated,
};
pub use reference::{RefError, ResolveOptions};
