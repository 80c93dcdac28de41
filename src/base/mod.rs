//! What every stage uses: located diagnostics and the exit codes.

pub mod diag;
pub mod exit;
