//! Tools beside the pipeline: a new site, a generated corpus.

pub mod corpus;
pub mod init;
pub mod repo;
