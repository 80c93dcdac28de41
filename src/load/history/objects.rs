//! Object reads for the walk: packed objects decoded by
//! [`super::packed`], loose objects read with `read(2)`, anything else
//! from gix's object database.
//!
//! gix maps every loose object file into memory. A walk of a repository as
//! `git commit` leaves it (loose, not yet packed) reads some 15,000 small
//! files, and at that count the `mmap`/`munmap` pair of each (a process-wide
//! lock and a TLB flush on every core) costs about as much as inflating
//! the objects, and slows the threads loading documents beside the walk.
//! Reading the file into a buffer avoids both. Only the plain case is done
//! here: an object that is not a loose file of the repository's own object
//! folder (packed, in an alternate) or that does not read cleanly is asked
//! of gix, which then finds it or reports the problem as it always did.
//!
//! A tree diff reads most trees twice: as the new side of the commit that
//! made it, then as the old side of the next commit that changed it (the
//! walk goes newest first). gix's object cache kept the second read, but
//! reads that bypass gix bypass its cache too, so the trees read loose are
//! kept here until their second read (or until the cache is full).

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::Read as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use gix::objs::{Data, Find};

use super::packed::{PackReader, Packs};

/// Bytes of a loose object's header (`tree 12345\0`) at most.
const HEADER_MAX: usize = 64;

/// Bytes of decoded loose trees kept per handle, at most.
const TREE_CACHE: usize = 16 * 1024 * 1024;

/// Loose trees read once, kept for their second read (see the module).
#[derive(Default)]
struct TreeCache {
    trees: HashMap<gix::ObjectId, Vec<u8>>,
    /// Ids in the order they were kept (some may be gone already).
    order: VecDeque<gix::ObjectId>,
    bytes: usize,
}

impl TreeCache {
    /// The tree `id` moved into `out` and forgotten (a tree is rarely
    /// read a third time; if it is, it is read again).
    fn take(&mut self, id: &gix::hash::oid, out: &mut Vec<u8>) -> bool {
        let Some(data) = self.trees.remove(id) else {
            return false;
        };
        self.bytes -= data.len();
        *out = data;
        true
    }

    fn keep(&mut self, id: &gix::hash::oid, data: &[u8]) {
        if data.len() > TREE_CACHE / 4 {
            return;
        }
        while self.bytes + data.len() > TREE_CACHE {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(d) = self.trees.remove(&old) {
                self.bytes -= d.len();
            }
        }
        if self.trees.insert(id.to_owned(), data.to_vec()).is_none() {
            self.bytes += data.len();
            self.order.push_back(id.to_owned());
        }
        if self.order.len() > 4 * self.trees.len() + 64 {
            let trees = &self.trees;
            self.order.retain(|i| trees.contains_key(i));
        }
    }
}

/// The objects of a repository as the walk reads them (see the module).
pub(crate) struct Objects {
    /// The repository, for what is not a loose object.
    pub(crate) repo: gix::Repository,
    /// The repository's `objects` folder.
    dir: PathBuf,
    /// The compressed bytes of the last loose object read.
    raw: RefCell<Vec<u8>>,
    /// Loose trees read once (see the module).
    trees: RefCell<TreeCache>,
    /// Packed objects (see [`super::packed`]).
    packed: RefCell<PackReader>,
}

impl Objects {
    /// A handle reading the packs `packs` (of the `objects` folder `dir`).
    pub(crate) fn new(repo: gix::Repository, dir: PathBuf, packs: Arc<Packs>) -> Self {
        Objects {
            repo,
            dir,
            raw: RefCell::new(Vec::new()),
            trees: RefCell::new(TreeCache::default()),
            packed: RefCell::new(PackReader::new(packs)),
        }
    }

    /// The loose object `id` read and inflated into `out`: its kind, or
    /// `None` when it is not a readable loose object here.
    fn loose(&self, id: &gix::hash::oid, out: &mut Vec<u8>) -> Option<gix::objs::Kind> {
        let hex = id.to_hex().to_string();
        let mut path = self.dir.join(&hex[..2]);
        path.push(&hex[2..]);
        let mut file = std::fs::File::open(&path).ok()?;
        let mut raw = self.raw.try_borrow_mut().ok()?;
        raw.clear();
        raw.reserve(16 * 1024);
        file.read_to_end(&mut raw).ok()?;
        inflate(&raw, out)
    }
}

/// A loose object's zlib stream inflated into `out` (its header removed):
/// its kind, `None` when the stream or its header is not sound.
fn inflate(raw: &[u8], out: &mut Vec<u8>) -> Option<gix::objs::Kind> {
    use gix::zlib::{Inflate, Status};
    let mut header = [0u8; HEADER_MAX];
    let mut z = Inflate::default();
    let (status, consumed_in, consumed_out) = z.prefix(raw, &mut header).ok()?;
    if status == Status::BufError {
        return None;
    }
    let (kind, size, header_size) =
        gix::objs::decode::loose_header(&header[..consumed_out]).ok()?;
    let size = usize::try_from(size).ok()?;
    let body = consumed_out.checked_sub(header_size)?;
    if body > size || (status == Status::StreamEnd && body != size) {
        return None;
    }
    out.clear();
    if status == Status::StreamEnd {
        out.extend_from_slice(&header[header_size..consumed_out]);
    } else {
        let n = z
            .rest(
                &raw[consumed_in..],
                &header[..consumed_out],
                header_size,
                out,
                size,
            )
            .ok()?;
        if n != size {
            return None;
        }
    }
    Some(kind)
}

impl Find for Objects {
    fn try_find<'a>(
        &self,
        id: &gix::hash::oid,
        buffer: &'a mut Vec<u8>,
    ) -> gix::error::Result<Option<Data<'a>>> {
        if let Ok(mut trees) = self.trees.try_borrow_mut()
            && trees.take(id, buffer)
        {
            return Ok(Some(Data {
                kind: gix::objs::Kind::Tree,
                object_hash: id.kind(),
                data: buffer,
            }));
        }
        if let Ok(mut packed) = self.packed.try_borrow_mut()
            && let Some(kind) = packed.find(id, buffer)
        {
            return Ok(Some(Data {
                kind,
                object_hash: id.kind(),
                data: buffer,
            }));
        }
        if let Some(kind) = self.loose(id, buffer) {
            if kind == gix::objs::Kind::Tree
                && let Ok(mut trees) = self.trees.try_borrow_mut()
            {
                trees.keep(id, buffer);
            }
            return Ok(Some(Data {
                kind,
                object_hash: id.kind(),
                data: buffer,
            }));
        }
        self.repo.objects.try_find(id, buffer)
    }
}

/// The handles of one walk's threads, kept from one of rayon's jobs to the
/// next: each job that starts takes a handle that has read before, its
/// caches warm, rather than a new one.
pub(crate) struct ObjectPool<F> {
    make: F,
    free: Mutex<Vec<Objects>>,
}

impl<F: Fn() -> Objects> ObjectPool<F> {
    /// A pool making its handles with `make`.
    pub(crate) fn new(make: F) -> Self {
        ObjectPool {
            make,
            free: Mutex::new(Vec::new()),
        }
    }

    /// A handle until the lease is dropped.
    pub(crate) fn take(&self) -> Lease<'_, F> {
        let kept = self.free.lock().ok().and_then(|mut free| free.pop());
        Lease {
            objects: Some(kept.unwrap_or_else(&self.make)),
            pool: self,
        }
    }
}

/// A handle of an [`ObjectPool`], back in the pool when dropped.
pub(crate) struct Lease<'p, F> {
    objects: Option<Objects>,
    pool: &'p ObjectPool<F>,
}

impl<F> std::ops::Deref for Lease<'_, F> {
    type Target = Objects;
    fn deref(&self) -> &Objects {
        // Some until dropped.
        self.objects.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl<F> Drop for Lease<'_, F> {
    fn drop(&mut self) {
        if let (Some(objects), Ok(mut free)) = (self.objects.take(), self.pool.free.lock()) {
            free.push(objects);
        }
    }
}
