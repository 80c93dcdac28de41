//! The query language, specified in README.md ("Search", "The query
//! language"): [`analyze`] (text to terms), [`parse`](mod@parse) (a query to an
//! [`ast::Node`] tree), [`rank`] (the one ranking, over any [`rank::Source`]),
//! [`model`] (what every index holds) and [`shards`] (the static index).
//! theme/search.js implements the same; tests/search_parity.rs checks it.

pub mod analyze;
pub mod ast;
pub mod model;
pub mod parse;
pub mod postings;
pub mod rank;
pub mod shards;
pub mod source;
pub mod words;

pub use parse::{Mode, Node, Problem, Query, parse, parse_in};
