//! The query language (spec to be completed).

pub mod analyze;
pub mod parse;

pub use parse::{Mode, Node, Problem, Query, parse};
