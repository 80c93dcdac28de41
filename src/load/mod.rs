//! Loading a site: its configuration, its documents and the standards'
//! catalogs and mappings.

pub mod config;
pub mod content;
pub mod standards;
