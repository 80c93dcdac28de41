//! Clausebook compiles a service management system's Markdown documents into
//! a cross-linked, searchable, auditable static website.
//!
//! Data flows one way, stage by stage (ARCHITECTURE.md has the map):
//! [`load`] reads the configuration, the standards and the documents;
//! [`resolve`] makes the [`resolve::Site`] (order, links, clause references,
//! bodies, coverage); [`check`] turns it into findings; [`render`] makes the
//! pages from views of it; [`search`] indexes the published documents; and
//! [`publish`] writes everything into a new output folder swapped in whole.
//! [`serve`] rebuilds through the same stages after a change, [`cli`] wires
//! the commands, [`tools`] makes new sites and benchmark corpora, and
//! [`base`] (diagnostics, exit codes, fingerprints) lies below them all.

// Diagnostics are returned by value on cold error paths; boxing them would
// only add noise.
#![allow(clippy::result_large_err)]

pub mod base;
pub mod check;
pub mod cli;
pub mod load;
pub mod publish;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod tools;
