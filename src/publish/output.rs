//! The output folder of a build: where it may be (never over the site's
//! sources, never through a link), its lock, and the [`OutputTree`] a
//! build writes into beside it and swaps in when everything succeeded.

use std::path::{Path, PathBuf};

use crate::base::diag::Diagnostic;
use crate::base::output::OutputFile;
use crate::publish::in_place::{overwrite, same_content};
use crate::publish::outdir::{self, BuildLock, io_err};

/// A marker file written into every output folder: Clausebook only ever
/// replaces a folder that carries it (or an empty one).
pub const MARKER: &str = ".clausebook-output";

/// Refuse output folders that would overwrite the site's sources, and an
/// output that is a symbolic link.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), Diagnostic> {
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

    /// The folder being filled (it becomes the output): where a part of
    /// the build may keep temporary data, in files with no name.
    pub fn scratch(&self) -> &Path {
        &self.tmp
    }

    /// How many files were written so far.
    pub fn written_count(&self) -> usize {
        self.written.lock().map(|w| w.len()).unwrap_or_default()
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
