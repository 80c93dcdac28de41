//! The query language (spec to be completed).

pub mod analyze;
pub mod model;
pub mod parse;
pub mod rank;
pub mod shards;

pub use parse::{Mode, Node, Problem, Query, parse};
