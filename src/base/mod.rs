//! Below every stage: located diagnostics, exit codes, fingerprints, the
//! files of an output, and small text helpers that several stages share.

pub mod diag;
pub mod exit;
pub mod fingerprint;
pub mod output;
pub mod text;
pub mod timing;
