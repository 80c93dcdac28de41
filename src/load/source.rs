//! Where a site's files come from: the file system today. The load reads
//! the configuration, the catalogs and the documents through a [`Source`],
//! so that a revision of the site's git repository can be a second source
//! (the load itself does not change).

use std::path::{Path, PathBuf};

use crate::base::diag::{Diagnostic, display_path};

/// Folder of a site that holds the documents.
pub const CONTENT_DIR: &str = "content";

/// The files of a site, as the load reads them.
pub trait Source: Sync {
    /// The site's folder: messages show paths relative to it.
    fn root(&self) -> &Path;

    /// The document files below `content/`, in path order, and what
    /// finding them found to report.
    fn documents(&self) -> Result<Discovered, Diagnostic>;

    /// The `*.toml` files below `standards/` (the site's catalogs and
    /// mappings), in path order, and the folders that cannot be read.
    fn catalog_files(&self) -> (Vec<PathBuf>, Vec<Diagnostic>);

    /// The whole of one file: a path as [`Source::documents`] or
    /// [`Source::catalog_files`] give it, or the root joined with a path
    /// below it.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;

    /// [`Source::read`] of a file that must be UTF-8 text.
    fn read_text(&self, path: &Path) -> std::io::Result<String> {
        String::from_utf8(self.read(path)?).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    }
}

/// The site as it is on disk, below `root`.
pub struct FileSystem {
    root: PathBuf,
}

impl FileSystem {
    pub fn new(root: &Path) -> FileSystem {
        FileSystem {
            root: root.to_path_buf(),
        }
    }
}

impl Source for FileSystem {
    fn root(&self) -> &Path {
        &self.root
    }

    fn documents(&self) -> Result<Discovered, Diagnostic> {
        discover(&self.root)
    }

    fn catalog_files(&self) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let dir = self.root.join("standards");
        let mut files = Vec::new();
        let mut diags = Vec::new();
        if dir.exists() {
            collect_toml(&self.root, &dir, &mut files, &mut diags);
            files.sort();
        }
        (files, diags)
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

/// The Markdown files below `root/content`, sorted by path so that the
/// build is deterministic, and what the walk found to report.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Symbolic links not followed (rule `symlink`), folders that cannot
    /// be read.
    pub diags: Vec<Diagnostic>,
    /// Whether a symbolic link was followed: a change to its target is not
    /// a change to a file below `content/` (see `SiteCache::changed`).
    pub followed_links: bool,
}

/// Find every Markdown file below `root/content`, through [`walk`].
fn discover(root: &Path) -> Result<Discovered, Diagnostic> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(
            Diagnostic::error(CONTENT_DIR, "the site has no `content/` folder")
                .with_help("put the Markdown documents under content/ (any nesting)"),
        );
    }
    let walked = walk(root, &dir, "check the permissions of the folder");
    Ok(Discovered {
        files: walked
            .files
            .into_iter()
            .filter(|p| is_document_name(p))
            .collect(),
        diags: walked.diags,
        followed_links: walked.followed_links,
    })
}

/// What [`walk`] found below a folder of the site.
struct Walked {
    /// The files, sorted by path.
    files: Vec<PathBuf>,
    diags: Vec<Diagnostic>,
    followed_links: bool,
}

/// Every file below `dir`, a folder of the site at `root`. Symbolic links
/// (to files or folders) are followed when they resolve inside the site's
/// folder; links leading out of it, broken links and links into a loop are
/// reported at the link (rule `symlink`) and skipped. A folder that cannot
/// be read is an error with `help`.
fn walk(root: &Path, dir: &Path, help: &str) -> Walked {
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let shown = |p: &Path| display_path(root, p);
    let mut out = Walked {
        files: Vec::new(),
        diags: Vec::new(),
        followed_links: false,
    };
    let mut outside = Vec::new();
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 || !e.path_is_symlink() {
                return true;
            }
            match e.path().canonicalize() {
                Ok(target) if target.starts_with(&site) => true,
                _ => {
                    outside.push(e.path().to_path_buf());
                    false
                }
            }
        });
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let link = std::fs::read_link(&p).ok();
                out.diags.push(match (e.loop_ancestor(), link) {
                    (Some(_), _) => link_warning(
                        shown(&p),
                        "is a symbolic link to a folder that contains it (a loop): not followed",
                    ),
                    (None, Some(target)) => link_warning(
                        shown(&p),
                        &format!(
                            "is a symbolic link to `{}`, which cannot be read ({}): not followed",
                            target.display(),
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    ),
                    (None, None) => {
                        Diagnostic::error(shown(&p), format!("cannot read: {e}")).with_help(help)
                    }
                });
                continue;
            }
        };
        out.followed_links |= entry.path_is_symlink();
        if entry.depth() > 0 && entry.file_type().is_file() {
            out.files.push(entry.into_path());
        }
    }
    for p in outside {
        let target =
            std::fs::read_link(&p).map_or_else(|_| "?".into(), |t| t.display().to_string());
        out.diags.push(link_warning(
            shown(&p),
            &format!("is a symbolic link to `{target}`, outside the site's folder: not followed"),
        ));
    }
    out
}

/// A finding about a symbolic link of the site, located at the link.
fn link_warning(link: PathBuf, what: &str) -> Diagnostic {
    let name = link.display().to_string();
    Diagnostic::warning(link, format!("`{name}` {what}"))
        .with_help(
            "Clausebook follows links that stay inside the site's folder: copy the file or folder into the site, \
             or point the link inside it",
        )
        .with_rule("symlink")
}

/// Whether a file below `content/` is a document, by its name: Markdown,
/// not hidden (editors' swap and backup files are).
pub fn is_document_name(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.ends_with(".md") && !n.starts_with('.'))
}

/// Every `*.toml` below `dir`.
fn collect_toml(root: &Path, dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                display_path(root, dir),
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_toml(root, &path, out, diags);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// A file of a site's override folder.
pub struct SiteFile {
    /// Path inside the folder, `/`-separated.
    pub rel: String,
    pub path: std::path::PathBuf,
    pub bytes: Vec<u8>,
}

/// Every file below `root/<folder>` (a site's `templates/` or `theme/`,
/// which override the built-in files by name), sorted, as
/// (`/`-separated path inside the folder, full path, bytes), with what
/// reading them found: symbolic links are followed as below `content/`
/// ([`walk`]), and the others reported as warnings.
pub fn site_files(root: &Path, folder: &str) -> (Vec<SiteFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let dir = root.join(folder);
    if !dir.is_dir() {
        return (files, Vec::new());
    }
    let walked = walk(root, &dir, "check the permissions of the folder");
    let mut diags = walked.diags;
    for path in walked.files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(&path) {
            Ok(bytes) => files.push(SiteFile { rel, path, bytes }),
            Err(e) => diags.push(Diagnostic::error(
                display_path(root, &path),
                format!("cannot read: {e}"),
            )),
        }
    }
    (files, diags)
}
