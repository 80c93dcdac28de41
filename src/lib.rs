//! Clausebook compiles a service management system's Markdown documents into
//! a cross-linked, searchable, auditable static website.
//!
//! Data flows one way: [`config`] and [`content`] load the site, [`standards`]
//! resolves clause references, [`site`] links and renders the documents,
//! [`trace`] computes coverage and the matrix, [`render`] and [`export`] turn
//! the model into files, and [`build`] writes them atomically.

// Diagnostics are returned by value on cold error paths; boxing them would
// only add noise.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod corpus;
pub mod diag;
pub mod export;
mod facts;
pub mod history;
pub mod incremental;
pub mod init;
pub mod live;
pub mod markdown;
pub mod rebuild;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod site;
pub mod standards;
pub mod trace;
