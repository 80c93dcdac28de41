//! Writing over the files of an output that is being served: the rebuilds
//! of `clausebook serve` write the files whose bytes changed in place and
//! remove the pages that are gone, never through a link found in the
//! output, and the live search index writes its segments through
//! [`UnsyncedDirectory`]. The server takes the session's lock to read, so
//! it never reads half of a file being written.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

use crate::base::diag::Diagnostic;
use crate::base::output::OutputFile;
use crate::publish::outdir::{clear_path, io_err};

/// Replace the content of the file at `path` with `bytes`, for a rebuild
/// of an output that is being served.
///
/// A regular file with a single link is written over in place and cut to
/// its new length. That reuses its blocks and cached pages: for a page of
/// megabytes it is several times cheaper than writing a new file and
/// renaming it over the old one, which makes the file system free the old
/// blocks and allocate new ones. A reader of the file can see a mix of old
/// and new bytes while the write runs; `clausebook serve` keeps its own
/// readers out with an `OutputLock` (`serve::session`).
///
/// A file that is new, a symbolic link, or linked elsewhere too, is written
/// to a temporary file of its folder and renamed over: the write never
/// reaches through a link out of the output folder.
pub fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
pub fn same_content(p: &Path, bytes: &[u8]) -> bool {
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

/// Write files below `output` in place, side by side; how many changed.
pub fn write_files(output: &Path, files: &[OutputFile]) -> Result<usize, Diagnostic> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|f| write_in_place(output, f).map(usize::from))
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Write one file below `output` unless it already holds these bytes.
/// Returns whether it wrote.
fn write_in_place(output: &Path, f: &OutputFile) -> Result<bool, Diagnostic> {
    let path = output.join(&f.path);
    if same_content(&path, &f.bytes) {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(output);
    // Never through a link found in the output (Clausebook makes none).
    clear_path(output, &path).map_err(|e| io_err("write", &path, e))?;
    std::fs::create_dir_all(dir).map_err(|e| io_err("create folder", dir, e))?;
    overwrite(&path, &f.bytes).map_err(|e| io_err("write", &path, e))?;
    Ok(true)
}

/// Remove a page that is no longer produced, and the folders it leaves
/// empty (up to the output folder).
pub fn remove_in_place(output: &Path, rel: &str) {
    let path = output.join(rel);
    if clear_path(output, &path).is_err() {
        return;
    }
    let _ = std::fs::remove_file(&path);
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == output || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// tantivy's list of the files it wrote, in the index folder.
pub const MANAGED_FILE: &str = ".managed.json";

/// tantivy's [`MmapDirectory`] without its `fsync`s, for the writer of
/// the live search index of `clausebook serve` (`serve::search`).
///
/// tantivy makes each new file durable, and records each one in
/// `.managed.json` with a synced atomic write: a commit of one document
/// syncs some twenty times, which took 30 to 200 ms of an update, most of
/// it waiting for the disk. The output folder is not meant to survive a
/// power cut (a full build writes it without syncing either, and serve
/// builds afresh when it starts), so the writer writes and renames
/// without waiting. Reading, deleting and locking are the
/// `MmapDirectory`'s own.
#[derive(Clone, Debug)]
pub struct UnsyncedDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl UnsyncedDirectory {
    pub fn open(dir: &Path) -> Result<UnsyncedDirectory, String> {
        let inner = MmapDirectory::open(dir)
            .map_err(|e| format!("cannot open the search index {}: {e}", dir.display()))?;
        Ok(UnsyncedDirectory {
            inner,
            root: dir.to_path_buf(),
        })
    }
}

/// A file written without syncing it at the end.
struct UnsyncedFile(std::fs::File);

impl Write for UnsyncedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for UnsyncedFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Directory for UnsyncedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        Ok(BufWriter::new(Box::new(UnsyncedFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let target = self.root.join(path);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .root
            .join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        let result = std::fs::write(&tmp, data).and_then(|()| {
            // tantivy rewrites its list of files, `.managed.json`, at each
            // new file (some ten times a commit). Renaming over an existing
            // file makes ext4 write the new one out at once, which took up
            // to several milliseconds each time; removing the old one first
            // avoids it. A reader opening the index in between finds no
            // list, which tantivy reads as empty (readers do not use it).
            // meta.json, which readers need, is always replaced in one step.
            if path == Path::new(MANAGED_FILE) {
                let _ = std::fs::remove_file(&target);
            }
            std::fs::rename(&tmp, &target)
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

/// Write the static index's files into `output`: shards that are not
/// there yet (their names hash their content), then the root script, then
/// remove the shards of earlier versions.
pub fn write_shards(output: &Path, files: &[OutputFile]) -> Result<(), String> {
    let mut keep: HashSet<PathBuf> = HashSet::new();
    let mut root = None;
    for f in files {
        let path = output.join(&f.path);
        keep.insert(path.clone());
        // Never through a link found in the output (Clausebook makes none):
        // a linked folder on the way is replaced by a real one.
        clear_path(output, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if f.path == crate::search::STATIC_INDEX {
            root = Some((path, &f.bytes));
            continue;
        }
        // A shard's name is its content's hash: one already there (a
        // file, not a link to one) holds these bytes.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write_over(&path, &f.bytes)?;
    }
    if let Some((path, bytes)) = root {
        write_over(&path, bytes)?;
    }
    let search = output.join("search");
    for sub in ["w", "p", "m", ""] {
        let dir = if sub.is_empty() {
            search.clone()
        } else {
            search.join(sub)
        };
        // Stale shards are looked for in the output's own folders only. The
        // writes above made `search` and the folders they wrote into real;
        // a link left in place of another (to someone's files) is removed,
        // as a full build does, never followed or deleted from.
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                let _ = std::fs::remove_file(&dir);
                continue;
            }
            Err(_) => continue,
        }
        let Ok(list) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in list.flatten() {
            let p = e.path();
            let shard = p.extension().is_some_and(|x| x == "js")
                && (!sub.is_empty()
                    || p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("c.")));
            if shard && !keep.contains(&p) {
                let _ = std::fs::remove_file(&p);
            }
        }
    }
    Ok(())
}

/// Write `bytes` over the file at `path` (see [`overwrite`]:
/// the caller keeps readers out while it writes).
pub fn write_over(path: &Path, bytes: &[u8]) -> Result<(), String> {
    overwrite(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
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

    #[test]
    fn atomic_writes_replace_files_whole() {
        // tantivy's meta.json is replaced by renaming, never written in place (its readers take no lock).
        let dir = tempfile::tempdir().unwrap();
        let d = UnsyncedDirectory::open(dir.path()).unwrap();
        d.atomic_write(Path::new("meta.json"), b"{}").unwrap();
        d.atomic_write(Path::new(MANAGED_FILE), b"[]").unwrap();
        d.atomic_write(Path::new(MANAGED_FILE), b"[1]").unwrap();
        assert_eq!(d.atomic_read(Path::new(MANAGED_FILE)).unwrap(), b"[1]");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [".managed.json", "meta.json"],
            "no temporary file left"
        );
    }
}
