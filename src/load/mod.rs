//! Loading a site: its configuration, its documents and the standards'
//! catalogs and mappings, read through a source of files; and the templates
//! and theme the pages will be made with.

pub mod config;
mod config_keys;
pub mod content;
pub mod history;
pub mod source;
pub mod standards;
pub mod templates;

/// The built-in kinds of documents, by name (the one list; search's
/// `kind:` takes it too).
pub use config_keys::BUILT_IN_KINDS;
