//! The output folder's surroundings, which a build must keep in order: the
//! lock that keeps two builds of one output apart, the temporary folders
//! that killed builds left, entries Clausebook did not make in the folder it
//! reuses, and the swap that puts the new output in place.
//!
//! Clausebook only ever makes folders and regular files. Beside the output
//! `<parent>/<name>` it uses `.<name>.lock` (during a build),
//! `.<name>.tmp-<pid>` (the output being built), `.<name>.old-<pid>` (only
//! where the swap cannot be atomic) and `.<name>.spare` (the previous
//! output, reused by the next build).

use std::io;
use std::path::{Path, PathBuf};

use crate::base::diag::Diagnostic;

/// Held from the start of a build's writing to the end of its swap:
/// `.<output>.lock` beside the output, locked with `flock`, removed (while
/// still held) when the build ends. Two builds of the same output cannot
/// run at once: the second is refused.
pub struct BuildLock {
    path: Option<PathBuf>,
    _file: Option<std::fs::File>,
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Removed before the lock is released (the file closes after
        // this): a build that opened it meanwhile finds, once it holds the
        // lock, that the path names another file now, and starts over.
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Why the lock could not be taken.
pub enum LockError {
    /// Another process holds it.
    Busy,
    Io(io::Error),
}

/// Take the lock at `path` without waiting.
#[cfg(unix)]
pub fn lock(path: &Path) -> Result<BuildLock, LockError> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    for _ in 0..16 {
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(0o644)
            // Never through a link: a link there is not ours.
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                std::fs::remove_file(path).map_err(LockError::Io)?;
                continue;
            }
            Err(e) => return Err(LockError::Io(e)),
        };
        // SAFETY: flock on a file descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EWOULDBLOCK) => return Err(LockError::Busy),
                // A file system without locks (some network shares): build
                // unlocked rather than not at all.
                Some(libc::ENOLCK | libc::EOPNOTSUPP | libc::ENOSYS) => {
                    return Ok(BuildLock {
                        path: Some(path.to_path_buf()),
                        _file: Some(file),
                    });
                }
                _ => return Err(LockError::Io(e)),
            }
        }
        // The build that held the lock before may have removed the file
        // after this one opened it: then the lock is on a file nobody else
        // will open, and the path's new file must be locked instead.
        let held = file.metadata().map_err(LockError::Io)?;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.dev() == held.dev() && m.ino() == held.ino() => {
                return Ok(BuildLock {
                    path: Some(path.to_path_buf()),
                    _file: Some(file),
                });
            }
            _ => continue,
        }
    }
    Err(LockError::Io(io::Error::other(
        "the lock file keeps being replaced by another process",
    )))
}

/// Without `flock`, builds are not locked against each other.
#[cfg(not(unix))]
pub fn lock(_path: &Path) -> Result<BuildLock, LockError> {
    Ok(BuildLock {
        path: None,
        _file: None,
    })
}

/// Remove the temporary folders `.<name>.tmp-<pid>` and `.<name>.old-<pid>`
/// of `parent` whose process no longer exists (a build that was killed).
/// Nothing else is touched; a link of that name is removed itself, never
/// followed. Where processes cannot be asked (not Unix), nothing is removed.
pub fn remove_dead_temporaries(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(s) = file_name.to_str() else {
            continue;
        };
        let Some(pid) = prefixes.iter().find_map(|p| s.strip_prefix(p.as_str())) else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || process_may_exist(pid) {
            continue;
        }
        let path = e.path();
        // `file_type` does not follow links; `remove_dir_all` never does.
        let _ = match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
    }
}

/// Whether a process `pid` may exist (when in doubt: yes).
#[cfg(unix)]
fn process_may_exist(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        // Above any process id the system can give.
        return false;
    };
    if pid <= 0 {
        // 0 would signal our own process group: never ask.
        return true;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_may_exist(_pid: u32) -> bool {
    true
}

/// What a reused folder held: its regular files and its folders (with
/// their depth), after the foreign entries were removed.
#[derive(Default)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    pub dirs: Vec<(PathBuf, usize)>,
    /// Entries that were neither a folder nor a regular file (symbolic
    /// links, pipes, sockets, devices), removed.
    pub foreign: usize,
}

/// List the folder `dir` that a build is about to reuse, removing every
/// entry Clausebook cannot have made: symbolic links (the link itself, never
/// its target), pipes, sockets and devices. Writing into the folder then
/// never reaches through a link, and never opens a pipe.
///
/// One `readdir` per folder, read side by side; the entry types come with
/// the directory entries (no `stat` per file on the usual file systems).
pub fn list_own(dir: &Path) -> io::Result<Listing> {
    list_in(dir, 1)
}

fn list_in(dir: &Path, depth: usize) -> io::Result<Listing> {
    use rayon::prelude::*;
    let entries = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries
        .par_iter()
        .map(|e| -> io::Result<Listing> {
            let p = e.path();
            let t = e.file_type()?;
            if t.is_dir() {
                let mut below = list_in(&p, depth + 1)?;
                below.dirs.push((p, depth));
                Ok(below)
            } else if t.is_file() {
                Ok(Listing {
                    files: vec![p],
                    ..Listing::default()
                })
            } else {
                std::fs::remove_file(&p)?;
                Ok(Listing {
                    foreign: 1,
                    ..Listing::default()
                })
            }
        })
        .try_reduce(Listing::default, |mut a, b| {
            a.files.extend(b.files);
            a.dirs.extend(b.dirs);
            a.foreign += b.foreign;
            Ok(a)
        })
}

/// Remove from a reused folder every file of `listing` that the build did
/// not write (`keep`) nor is `marker`, then its folders left empty.
pub fn remove_stale(
    listing: &Listing,
    keep: &std::collections::HashSet<PathBuf>,
    marker: &Path,
) -> io::Result<()> {
    use rayon::prelude::*;
    listing
        .files
        .par_iter()
        .filter(|p| !keep.contains(*p) && p.as_path() != marker)
        .try_for_each(|p| match std::fs::remove_file(p) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })?;
    // A folder stays when a kept file lies below it.
    let mut live: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    for p in keep {
        let mut d = p.parent();
        while let Some(dir) = d {
            if !live.insert(dir) {
                break;
            }
            d = dir.parent();
        }
    }
    let mut dead: Vec<&(PathBuf, usize)> = listing
        .dirs
        .iter()
        .filter(|(d, _)| !live.contains(d.as_path()))
        .collect();
    // Deepest first, so that a folder is empty when its turn comes.
    dead.sort_unstable_by_key(|d| std::cmp::Reverse(d.1));
    for (d, _) in dead {
        match std::fs::remove_dir(d) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Make sure that no entry between `root` and the file `path` below it is
/// anything but a folder: a symbolic link (or a file) standing where a
/// folder should be is removed (the entry itself), so that writing or
/// removing `path` stays below `root`. For writes into a live output.
pub fn clear_path(root: &Path, path: &Path) -> io::Result<()> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Ok(());
    };
    let comps: Vec<_> = rel.components().collect();
    let mut dir = root.to_path_buf();
    for c in comps.iter().take(comps.len().saturating_sub(1)) {
        dir.push(c);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return std::fs::remove_file(&dir),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Exchange the folders `from` and `to` in one step (Linux: `renameat2`
/// with `RENAME_EXCHANGE`): a reader of `to` sees the old folder or the new
/// one, never none. `Ok(false)` where the system or the file system cannot
/// (then nothing changed).
#[cfg(target_os = "linux")]
pub fn exchange(from: &Path, to: &Path) -> io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))
    };
    let (a, b) = (c(from)?, c(to)?);
    // SAFETY: two NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // Kernel before 3.15, or a file system without the exchange.
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_from: &Path, _to: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A failed file operation on the output, as a diagnostic.
pub fn io_err(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(p.to_path_buf(), format!("cannot {what}: {e}"))
        .with_help("check that the output folder's parent exists and is writable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn listing_removes_links_and_keeps_their_targets() {
        // A link inside a reused folder goes (the link itself); what it points to stays as it was.
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        let reused = dir.path().join("reused");
        std::fs::create_dir_all(reused.join("a/b")).unwrap();
        std::fs::write(reused.join("a/b/page.html"), "page").unwrap();
        std::os::unix::fs::symlink(&outside, reused.join("a/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), reused.join("file-link")).unwrap();
        let l = list_own(&reused).unwrap();
        assert_eq!(l.foreign, 2);
        assert_eq!(l.files, [reused.join("a/b/page.html")]);
        assert_eq!(l.dirs.len(), 2);
        assert!(!reused.join("a/link").exists());
        assert!(std::fs::symlink_metadata(reused.join("file-link")).is_err());
        assert_eq!(
            std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "keep"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders() {
        // The atomic swap leaves the new folder at the output's name and the old one at the temporary name.
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("new"), "").unwrap();
        std::fs::write(b.join("old"), "").unwrap();
        if exchange(&a, &b).unwrap() {
            assert!(b.join("new").exists() && a.join("old").exists());
        } else {
            // A file system without the exchange: nothing moved.
            assert!(a.join("new").exists() && b.join("old").exists());
        }
    }
}
