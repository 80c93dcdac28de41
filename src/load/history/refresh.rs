//! What `clausebook serve` watches to know that `HEAD` moved: a commit, a
//! checkout or a branch switch changes one of these files, and nothing
//! else in the repository needs watching.

use std::path::{Path, PathBuf};

use super::open::SiteRepo;

impl SiteRepo {
    /// The files whose change means `HEAD` may have moved: `HEAD` itself
    /// (in the work tree's own git folder, which for a linked work tree is
    /// `.git/worktrees/<name>`), the current branch's ref file and
    /// `packed-refs` (in the common git folder).
    pub fn head_files(&self) -> Vec<PathBuf> {
        let repo = self.local();
        let common = repo.common_dir().to_path_buf();
        let mut out = vec![repo.git_dir().join("HEAD"), common.join("packed-refs")];
        if let Ok(Some(name)) = repo.head_name() {
            // `refs/heads/main`: '/'-separated, as git writes it.
            out.push(common.join(name.as_bstr().to_string()));
        }
        out
    }
}

/// The site-relative path (`content/x.md`) of a file below the site's
/// folder `root`, `/`-separated, as the history names files.
pub fn site_rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
