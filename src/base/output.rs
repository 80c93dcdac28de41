//! What a build makes: files of the output, by their path in it.

/// One file of the output, made by the render, the exports or the search
/// indexes, and written by `publish`.
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where made files go: written out as they come, so that the pages and
/// exports of a large site are never all in memory at once.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> Result<(), crate::base::diag::Diagnostic> + Sync);

/// The files that `make` hands to its sink, sorted by path.
pub fn collected<E>(make: impl FnOnce(Sink<'_>) -> Result<usize, E>) -> Result<Vec<OutputFile>, E> {
    let files = std::sync::Mutex::new(Vec::new());
    make(&|f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
