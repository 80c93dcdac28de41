//! `clausebook build`: load → resolve → render → write, with phase timing.
//! The output is written to a temporary folder beside the target and swapped
//! in only when everything succeeded, so a failed build leaves the previous
//! site untouched.

pub mod exports;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::output::OutputFile;
use crate::render;
use crate::resolve::{LoadOptions, Site, SiteError};
use crate::serve::cache::SiteCache;

mod outdir;
pub use outdir::BuildLock;
pub(crate) use outdir::clear_path;

/// A marker file written into every output folder: Clausebook only ever
/// replaces a folder that carries it (or an empty one).
pub const MARKER: &str = ".clausebook-output";

/// Options of one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    /// Output folder (default: `output` of clausebook.toml, below the root).
    pub output: Option<PathBuf>,
    /// Publish even when there are content errors (for draft previews).
    pub allow_errors: bool,
}

/// What a build did.
pub struct BuildReport {
    pub output: PathBuf,
    pub documents: usize,
    pub pages: usize,
    pub files: usize,
    pub diags: Diagnostics,
    pub phases: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
}

/// Why a build failed.
pub enum BuildError {
    /// Configuration or usage: exit code 2.
    Config(Vec<Diagnostic>),
    /// Content errors (all of them): exit code 1. The output is untouched.
    Content(Diagnostics),
}

/// Build the site at `root`.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_with(root, opts, &mut SiteCache::default()).map(|b| b.report)
}

/// A finished build and what it was made from, for rebuilds to reuse.
pub struct Built {
    pub report: BuildReport,
    pub site: Site,
    pub tera: tera::Tera,
    pub prints: render::PagePrints,
}

/// Build the site at `root`, reusing what `cache` holds from a previous
/// load of the same site.
pub fn build_with(
    root: &Path,
    opts: &BuildOptions,
    cache: &mut SiteCache,
) -> Result<Built, BuildError> {
    let start = Instant::now();
    let site = match Site::load_with(root, opts.load.clone(), cache) {
        Ok(s) => s,
        Err(SiteError::Config(e)) => return Err(BuildError::Config(vec![e.into_diagnostic()])),
        Err(SiteError::Scope(ds)) => return Err(BuildError::Config(ds)),
    };
    let output = match &opts.output {
        Some(o) => o.clone(),
        None => root.join(&site.config.output),
    };
    // `public/` names the same folder as `public`, but a system call given
    // `public/` follows a link named `public`: drop the trailing slash.
    let output: PathBuf = output.components().collect();
    if let Err(d) = check_output_location(root, &output) {
        return Err(BuildError::Config(vec![d]));
    }
    let lock = lock_output(&output).map_err(|d| BuildError::Config(vec![d]))?;
    let mut phases = site.phases.clone();
    let t = Instant::now();
    let mut diags = crate::check::findings(&site);
    phases.push(("check", t.elapsed()));
    if diags.has_errors() && !opts.allow_errors {
        return Err(BuildError::Content(diags));
    }

    let t = Instant::now();
    let tera = match crate::load::templates::load_templates(root) {
        Ok(t) => t,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return Err(BuildError::Content(diags));
        }
    };
    // Pages, exports and the search index only read the site: build them
    // side by side (each also runs in parallel inside).
    let timed = |f: &dyn Fn() -> Result<usize, Vec<Diagnostic>>| {
        let t = Instant::now();
        (f(), t.elapsed())
    };
    // Taking the spare aside and listing it (removing foreign entries).
    let t_prepare = Instant::now();
    let tree = match OutputTree::prepare(&output, lock) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Err(BuildError::Content(diags));
        }
    };
    phases.push(("prepare", t_prepare.elapsed()));
    let prints = std::sync::Mutex::new(render::PagePrints::default());
    // Each part writes its files into the new output as soon as they are
    // made, while the others are still at work.
    use rayon::prelude::*;
    let write_all = |files: Vec<OutputFile>| -> Result<usize, Vec<Diagnostic>> {
        files
            .par_iter()
            .try_for_each(|f| tree.write(f))
            .map_err(|d| vec![d])?;
        Ok(files.len())
    };
    let ((pages_out, render_time), ((exports_out, export_time), (search_out, search_time))) =
        rayon::join(
            || {
                timed(&|| {
                    let outcome = render::render_pages(&site, &tera, &|f| tree.write(&f), None)?;
                    *prints.lock().unwrap_or_else(|e| e.into_inner()) = outcome.prints;
                    Ok(0)
                })
            },
            || {
                rayon::join(
                    || {
                        timed(&|| {
                            write_all(crate::publish::exports::exports(&site).map_err(|d| vec![d])?)
                        })
                    },
                    || {
                        timed(&|| {
                            write_all(crate::search::output_files(&site).map_err(|d| vec![d])?)
                        })
                    },
                )
            },
        );
    phases.push(("render", render_time));
    phases.push(("export", export_time));
    phases.push(("search", search_time));
    phases.push(("generate", t.elapsed()));
    let mut written = 0;
    // A part that failed to generate cannot be published, even with
    // --allow-errors (which only lets content findings through).
    let mut failed = false;
    for out in [pages_out, exports_out, search_out] {
        match out {
            Ok(n) => written += n,
            Err(ds) => {
                failed = true;
                diags.extend(ds);
            }
        }
    }
    // The pages are what the new output holds besides those files.
    let pages = tree
        .written
        .lock()
        .map(|w| w.len())
        .unwrap_or_default()
        .saturating_sub(written);
    let files = theme_files(root, &mut diags);
    if failed || (diags.has_errors() && !opts.allow_errors) {
        tree.abort();
        diags.sort();
        return Err(BuildError::Content(diags));
    }

    let t = Instant::now();
    if let Err(d) = files.par_iter().try_for_each(|f| tree.write(f)) {
        tree.abort();
        diags.push(d);
        return Err(BuildError::Content(diags));
    }
    if let Err(d) = tree.commit() {
        diags.push(d);
        return Err(BuildError::Content(diags));
    }
    phases.push(("write", t.elapsed()));

    let report = BuildReport {
        output,
        documents: site.published.iter().filter(|p| **p).count(),
        pages,
        files: written + files.len(),
        diags,
        phases,
        elapsed: start.elapsed(),
    };
    Ok(Built {
        report,
        site,
        tera,
        prints: prints.into_inner().unwrap_or_else(|e| e.into_inner()),
    })
}

/// The built-in theme files, each replaced by the site's `theme/` file of
/// the same name; other files of the site's `theme/` are copied as well.
fn theme_files(root: &Path, diags: &mut Diagnostics) -> Vec<OutputFile> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = crate::load::templates::THEME
        .iter()
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    let (site_theme, errors) = crate::load::source::site_files(root, "theme");
    diags.extend(errors);
    for f in site_theme {
        files.insert(f.rel, f.bytes);
    }
    files
        .into_iter()
        .map(|(n, bytes)| OutputFile {
            path: format!("theme/{n}"),
            bytes,
        })
        .collect()
}

/// Refuse output folders that would overwrite the site's sources, and an
/// output that is a symbolic link.
fn check_output_location(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    // A build replaces its output folder as a whole. Through a link it
    // would either replace the link by a folder or write into (and clean)
    // a folder that others share: neither is right, so a link is refused.
    if std::fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = std::fs::read_link(output)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "an unreadable target".into());
        return Err(Diagnostic::error(
            crate::load::config::CONFIG_FILE,
            format!(
                "the output folder {} is a symbolic link (to {target}); clausebook does not build through links",
                output.display()
            ),
        )
        .with_help(
            "set `output` in clausebook.toml (or --output) to a folder clausebook owns, for example a subfolder of the web root; \
             or let the link (or the web server) point at clausebook's output: the output is swapped in whole, so a link to it always shows a complete site",
        ));
    }
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Normalize what exists; keep the rest as written.
        match p.canonicalize() {
            Ok(c) => c,
            Err(_) => match (
                p.parent().and_then(|pp| pp.canonicalize().ok()),
                p.file_name(),
            ) {
                (Some(parent), Some(name)) => parent.join(name),
                _ => p,
            },
        }
    };
    let out = abs(output);
    let root_abs = abs(root);
    let protected = ["content", "templates", "theme", "standards"];
    let clash = out == root_abs
        || root_abs.starts_with(&out)
        || protected.iter().any(|p| out.starts_with(root_abs.join(p)));
    if clash {
        return Err(Diagnostic::error(
            crate::load::config::CONFIG_FILE,
            format!(
                "refusing to write the site into {}: it holds the site's sources",
                output.display()
            ),
        )
        .with_help(
            "choose an output folder of its own, e.g. `output = \"public\"` or --output public",
        ));
    }
    if out.is_dir() {
        let empty = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join(MARKER).exists() {
            return Err(Diagnostic::error(
                crate::load::config::CONFIG_FILE,
                format!(
                    "refusing to replace {}: it is not empty and was not written by clausebook",
                    output.display()
                ),
            )
            .with_help("choose another output folder, or empty this one yourself"));
        }
    } else if out.exists() {
        return Err(Diagnostic::error(
            crate::load::config::CONFIG_FILE,
            format!("the output path {} is a file", output.display()),
        ));
    }
    Ok(())
}

/// The paths of an output's working folders: `.<name>.tmp-<pid>`,
/// `.<name>.old-<pid>`, `.<name>.spare` and `.<name>.lock` beside it.
struct Beside {
    parent: PathBuf,
    name: String,
}

impl Beside {
    fn of(output: &Path) -> Beside {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        Beside { parent, name }
    }

    fn path(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.{what}", self.name))
    }
}

/// Take the lock of the output at `output` (see [`BuildLock`]): only one
/// build writes an output at a time.
pub fn lock_output(output: &Path) -> Result<BuildLock, Diagnostic> {
    let beside = Beside::of(output);
    std::fs::create_dir_all(&beside.parent)
        .map_err(|e| io_err("create folder", &beside.parent, e))?;
    let path = beside.path("lock");
    outdir::lock(&path).map_err(|e| match e {
        outdir::LockError::Busy => Diagnostic::error(
            path.clone(),
            format!(
                "another clausebook build is writing {} right now",
                output.display()
            ),
        )
        .with_help("wait for it to finish and build again (its lock is this file; it goes when that build ends)"),
        outdir::LockError::Io(e) => io_err("lock the output", &path, e),
    })
}

/// The folder a build writes into, beside the output, swapped in when
/// everything succeeded.
///
/// The folder is the previous build's output, kept aside as
/// `.<name>.spare` at each swap: its folders and files exist already, so a
/// rebuild mostly leaves unchanged files alone instead of creating and
/// deleting thousands of inodes (on ext4 the deletion of the old tree cost
/// more than writing the new one). Before anything is written into it, every
/// entry Clausebook cannot have made (a symbolic link, a pipe...) is
/// removed, so no write goes through a link. Files the new build does not
/// produce are removed before the swap. Without a spare (first build), a
/// fresh folder is written. Pages are written as they are rendered, so a
/// large site is never held in memory as a whole.
///
/// The tree holds the output's [`BuildLock`] until it is committed or
/// dropped.
pub struct OutputTree {
    output: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    spare: PathBuf,
    /// What the reused spare held, `None` for a fresh folder.
    reused: Option<outdir::Listing>,
    written: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    _lock: BuildLock,
}

pub(crate) fn io_err(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(p.to_path_buf(), format!("cannot {what}: {e}"))
        .with_help("check that the output folder's parent exists and is writable")
}

/// Remove whatever stands at `p` without following a link: a folder with
/// what it holds, anything else itself.
fn remove_entry(p: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

impl OutputTree {
    /// Prepare the folder for a new output at `output`, under its lock.
    /// Temporary folders of builds of this output that were killed are
    /// removed first.
    pub fn prepare(output: &Path, lock: BuildLock) -> Result<OutputTree, Diagnostic> {
        let beside = Beside::of(output);
        std::fs::create_dir_all(&beside.parent)
            .map_err(|e| io_err("create folder", &beside.parent, e))?;
        outdir::remove_dead_temporaries(&beside.parent, &beside.name);
        let pid = std::process::id();
        let tmp = beside.path(&format!("tmp-{pid}"));
        let old = beside.path(&format!("old-{pid}"));
        let spare = beside.path("spare");
        remove_entry(&tmp).map_err(|e| io_err("remove", &tmp, e))?;
        // The spare is reused only when it is a real folder that a build
        // wrote; a link there is not Clausebook's and goes (the link only).
        let spare_is_ours = std::fs::symlink_metadata(&spare).is_ok_and(|m| m.is_dir())
            && std::fs::symlink_metadata(spare.join(MARKER)).is_ok_and(|m| m.is_file());
        let mut reused = None;
        if spare_is_ours && std::fs::rename(&spare, &tmp).is_ok() {
            match outdir::list_own(&tmp) {
                Ok(listing) => reused = Some(listing),
                Err(_) => remove_entry(&tmp).map_err(|e| io_err("remove", &tmp, e))?,
            }
        }
        remove_entry(&spare).map_err(|e| io_err("remove", &spare, e))?;
        if reused.is_none() {
            std::fs::create_dir(&tmp).map_err(|e| io_err("create folder", &tmp, e))?;
        }
        Ok(OutputTree {
            output: output.to_path_buf(),
            tmp,
            old,
            spare,
            reused,
            written: Default::default(),
            _lock: lock,
        })
    }

    /// Write one file (a `/`-separated path below the output).
    pub fn write(&self, f: &OutputFile) -> Result<(), Diagnostic> {
        let p = self.tmp.join(&f.path);
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(p.clone());
        let reused = self.reused.is_some();
        // An unchanged file of the spare tree is left as it is: reading it
        // back (usually from the page cache) is cheaper than rewriting it,
        // which on ext4 forces its blocks to disk.
        if reused && same_content(&p, &f.bytes) {
            return Ok(());
        }
        // A changed file of the spare tree (which nobody reads) is written
        // over: its blocks are reused.
        let write = |p: &Path| {
            if reused {
                overwrite(p, &f.bytes)
            } else {
                std::fs::write(p, &f.bytes)
            }
        };
        match write(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| io_err("create folder", dir, e))?;
                }
                write(&p).map_err(|e| io_err("write", &p, e))
            }
            Err(e) => Err(io_err("write", &p, e)),
        }
    }

    /// Finish the folder and swap it in place of the previous output.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let marker = self.tmp.join(MARKER);
        let prepared = std::fs::write(
            &marker,
            b"This folder is generated by clausebook build and replaced at every build.\n",
        )
        .map_err(|e| io_err("write", &marker, e))
        .and_then(|()| match &self.reused {
            Some(listing) => {
                let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
                outdir::remove_stale(listing, &written, &marker)
                    .map_err(|e| io_err("clean up", &self.tmp, e))
            }
            None => Ok(()),
        });
        if let Err(e) = prepared {
            let _ = std::fs::remove_dir_all(&self.tmp);
            return Err(e);
        }
        self.swap()
    }

    /// Put the finished folder at the output's place; the previous output
    /// becomes the spare.
    ///
    /// On Linux the two folders are exchanged in one step (`renameat2` with
    /// `RENAME_EXCHANGE`), so a reader such as a web server always finds a
    /// whole output. Elsewhere, or on a file system without the exchange,
    /// the previous output is renamed aside and the new one renamed in by
    /// two renames back to back: between them (microseconds) the output is
    /// missing.
    fn swap(&self) -> Result<(), Diagnostic> {
        if std::fs::symlink_metadata(&self.output).is_ok() {
            match outdir::exchange(&self.tmp, &self.output) {
                Ok(true) => {
                    // The temporary name holds the previous output now.
                    if std::fs::rename(&self.tmp, &self.spare).is_err() {
                        let _ = std::fs::remove_dir_all(&self.tmp);
                    }
                    return Ok(());
                }
                // Not supported here, or the output went away meanwhile.
                Ok(false) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&self.tmp);
                    return Err(io_err("swap the new output in", &self.output, e));
                }
            }
        }
        let aside = match std::fs::rename(&self.output, &self.old) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&self.tmp);
                return Err(io_err("move the previous output aside", &self.output, e));
            }
        };
        if let Err(e) = std::fs::rename(&self.tmp, &self.output) {
            // Put the previous output back.
            if aside {
                let _ = std::fs::rename(&self.old, &self.output);
            }
            let _ = std::fs::remove_dir_all(&self.tmp);
            return Err(io_err("move the new output in place", &self.output, e));
        }
        if aside && std::fs::rename(&self.old, &self.spare).is_err() {
            let _ = std::fs::remove_dir_all(&self.old);
        }
        Ok(())
    }

    /// Give up: the previous output stays as it was.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

/// Write every file into a folder beside `output`, then swap it in.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    use rayon::prelude::*;
    let tree = OutputTree::prepare(output, lock_output(output)?)?;
    if let Err(e) = files.par_iter().try_for_each(|f| tree.write(f)) {
        tree.abort();
        return Err(e);
    }
    tree.commit()
}

/// Replace the content of the file at `path` with `bytes`, for a rebuild
/// of an output that is being served.
///
/// A regular file with a single link is written over in place and cut to
/// its new length. That reuses its blocks and cached pages: for a page of
/// megabytes it is several times cheaper than writing a new file and
/// renaming it over the old one, which makes the file system free the old
/// blocks and allocate new ones. A reader of the file can see a mix of old
/// and new bytes while the write runs; `clausebook serve` keeps its own
/// readers out with an [`OutputLock`](crate::serve::session::OutputLock).
///
/// A file that is new, a symbolic link, or linked elsewhere too, is written
/// to a temporary file of its folder and renamed over: the write never
/// reaches through a link out of the output folder.
pub(crate) fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let in_place = std::fs::symlink_metadata(path).is_ok_and(|m| {
        #[cfg(unix)]
        let single = std::os::unix::fs::MetadataExt::nlink(&m) == 1;
        #[cfg(not(unix))]
        let single = true;
        m.is_file() && single
    });
    if in_place {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(false)
            .open(path)?;
        f.write_all(bytes)?;
        return f.set_len(bytes.len() as u64);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Whether the file at `p` holds exactly `bytes`.
pub(crate) fn same_content(p: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(p) else {
        return false;
    };
    if !f
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    // Compared piece by piece: no copy of a large page in memory, and a
    // changed page stops at its first difference.
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
    while !rest.is_empty() {
        let want = rest.len().min(buf.len());
        if f.read_exact(&mut buf[..want]).is_err() || buf[..want] != rest[..want] {
            return false;
        }
        rest = &rest[want..];
    }
    // Nothing more: the file did not grow since its length was read.
    f.read(&mut buf[..1]).is_ok_and(|n| n == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn overwrite_replaces_the_whole_content_in_place() {
        // Longer, then shorter: the file ends where the new bytes end, with no temporary file left and the same inode (its blocks reused).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap());
        overwrite(&path, b"a longer page").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a longer page");
        overwrite(&path, b"short").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "short");
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap()),
            inode
        );
        overwrite(&dir.path().join("new.html"), b"new").unwrap();
        assert_eq!(names(dir.path()), ["new.html", "page.html"]);
    }

    #[cfg(unix)]
    #[test]
    fn overwrite_never_writes_through_a_link() {
        // A symbolic or hard link in the output must not carry the write to a file elsewhere: the link is replaced instead.
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("sym.html")).unwrap();
        std::fs::hard_link(&outside, out.join("hard.html")).unwrap();
        overwrite(&out.join("sym.html"), b"page 1").unwrap();
        overwrite(&out.join("hard.html"), b"page 2").unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(
            std::fs::read_to_string(out.join("sym.html")).unwrap(),
            "page 1"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("hard.html")).unwrap(),
            "page 2"
        );
        assert!(
            !std::fs::symlink_metadata(out.join("sym.html"))
                .unwrap()
                .is_symlink()
        );
        assert_eq!(names(&out), ["hard.html", "sym.html"]);
    }
}
