//! What a build makes: files of the output, by their path in it.

/// One file of the output, made by the render, the exports or the search
/// indexes, and written by `publish`.
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}
