//! The exit codes of every command.

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the content has errors (the output was not replaced).
pub const EXIT_CONTENT: i32 = 1;
/// Exit code: wrong usage or configuration.
pub const EXIT_USAGE: i32 = 2;
