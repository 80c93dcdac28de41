//! The site at an earlier revision as a [`Source`]: the files
//! [`SiteRepo::site_files`](super::SiteRepo::site_files) read from the
//! repository's objects, so that the normal loader loads the site as it
//! was, with no checkout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::revision::SiteFiles;
use crate::base::diag::Diagnostic;
use crate::load::source::{CONTENT_DIR, Discovered, Source, is_document_name};

/// The site's files at one revision, in memory.
pub struct GitSource {
    root: PathBuf,
    /// By full path (the site's folder joined with the site-relative path).
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// The commit, for messages (`a1b2c3d`).
    short: String,
}

impl GitSource {
    /// The files of `site`, as if they were below `root` (the site's
    /// folder, so that messages name the same paths as today's).
    pub fn new(root: &Path, site: SiteFiles) -> GitSource {
        let files = site
            .files
            .into_iter()
            .map(|f| (root.join(&f.path), f.bytes))
            .collect();
        GitSource {
            root: root.to_path_buf(),
            files,
            short: site.commit.short.clone(),
        }
    }

    fn below(&self, dir: &str) -> impl Iterator<Item = &PathBuf> {
        let dir = self.root.join(dir);
        self.files.keys().filter(move |p| p.starts_with(&dir))
    }
}

impl Source for GitSource {
    fn root(&self) -> &Path {
        &self.root
    }

    fn documents(&self) -> Result<Discovered, Diagnostic> {
        let files: Vec<PathBuf> = self
            .below(CONTENT_DIR)
            .filter(|p| is_document_name(p))
            .cloned()
            .collect();
        if files.is_empty() {
            return Err(Diagnostic::error(
                CONTENT_DIR,
                format!(
                    "the site has no documents below content/ at commit {}",
                    self.short
                ),
            )
            .with_help("choose a later revision, when the site had its documents"));
        }
        Ok(Discovered {
            files,
            ..Discovered::default()
        })
    }

    fn catalog_files(&self) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        (self.below("standards").cloned().collect(), Vec::new())
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        // The loader asks for paths it made by joining `root` (relative
        // when the site was given as a relative folder), or site-relative.
        let found = self
            .files
            .get(path)
            .or_else(|| self.files.get(&self.root.join(path)));
        found.cloned().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("not in the repository at commit {}", self.short),
            )
        })
    }
}
