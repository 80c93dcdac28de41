//! Packed objects for the walk, every object of a delta chain decoded once
//! and kept.
//!
//! gix keeps only the object a delta chain ends in, not the objects the
//! chain passes through. In a packed history the trees of one folder form
//! long chains (up to 50 deltas) that run through the same older versions,
//! and the newest versions, read first, sit at the far end of them: reading
//! a folder's trees newest first applied nearly the whole chain again for
//! each tree (some 45,000 deltas for the 9,300 trees of 10,000 documents
//! and 2,000 commits). Here the chain is followed down to an object kept or
//! to its base, then decoded base first, each object on the way decoded as
//! itself and kept: a delta is applied about once per object.
//!
//! Only the plain case is done here: an object in none of the repository's
//! own packs, a chain through a delta that names its base by id, or an
//! entry that does not decode is left to gix (see [`super::objects`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::odb::pack;
use pack::cache::DecodeEntry as _;
use pack::data::entry::Header;

/// Bytes of decoded pack entries kept per handle.
const ENTRY_CACHE: usize = 32 * 1024 * 1024;

/// The repository's own packs, opened once per walk and shared by its
/// threads.
pub(crate) struct Packs(Vec<pack::Bundle>);

impl Packs {
    /// The packs of the `objects` folder `dir` that open (none when the
    /// folder cannot be read: gix then reads every object).
    pub(crate) fn open(dir: &Path, hash: gix::hash::Kind) -> Arc<Packs> {
        let mut indexes: Vec<PathBuf> = std::fs::read_dir(dir.join("pack"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        indexes.sort();
        let mut bundles: Vec<pack::Bundle> = Vec::new();
        for path in indexes {
            let (Ok(mut bundle), Ok(id)) =
                (pack::Bundle::at(&path, hash), u32::try_from(bundles.len()))
            else {
                continue;
            };
            // The cache's key: unique among these packs.
            bundle.pack.id = id;
            bundles.push(bundle);
        }
        Arc::new(Packs(bundles))
    }
}

/// One thread's reader of the packs (see the module).
pub(crate) struct PackReader {
    packs: Arc<Packs>,
    kept: pack::cache::lru::MemoryCappedHashmap,
    inflate: gix::zlib::Inflate,
    /// The entries of the chain being decoded, the object's first.
    chain: Vec<pack::data::Entry>,
}

impl PackReader {
    pub(crate) fn new(packs: Arc<Packs>) -> Self {
        PackReader {
            packs,
            kept: pack::cache::lru::MemoryCappedHashmap::new(ENTRY_CACHE),
            inflate: gix::zlib::Inflate::default(),
            chain: Vec::new(),
        }
    }

    /// The object `id` decoded into `out`: its kind, or `None` when it is
    /// left to gix (see the module).
    pub(crate) fn find(
        &mut self,
        id: &gix::hash::oid,
        out: &mut Vec<u8>,
    ) -> Option<gix::objs::Kind> {
        let packs = Arc::clone(&self.packs);
        let (bundle, index) = packs
            .0
            .iter()
            .find_map(|b| b.index.lookup(id).map(|i| (b, i)))?;
        self.decode(&bundle.pack, bundle.index.pack_offset_at_index(index), out)
    }

    /// The object at `offset` of `pack` decoded into `out`.
    fn decode(
        &mut self,
        pack: &pack::data::File,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<gix::objs::Kind> {
        let mut chain = std::mem::take(&mut self.chain);
        chain.clear();
        let mut entry = pack.entry(offset).ok()?;
        // Down the chain to an object kept or to the base.
        loop {
            if let Some((kind, _)) = self.kept.get(pack.id, entry.data_offset, out) {
                if chain.is_empty() {
                    self.chain = chain;
                    return Some(kind);
                }
                break;
            }
            match entry.header {
                Header::OfsDelta { base_distance } => {
                    let base = entry.checked_base_pack_offset(base_distance)?;
                    chain.push(entry);
                    entry = pack.entry(base).ok()?;
                }
                Header::RefDelta { .. } => return None,
                Header::Tree | Header::Blob | Header::Commit | Header::Tag => {
                    chain.push(entry);
                    break;
                }
            }
        }
        // Up again, base first: each object decoded from the one below it
        // (kept by then) and kept in turn (gix keeps what a delta gives; a
        // base is kept here when an object above needs it, or when it is a
        // tree, which the walk reads twice).
        let mut kind = None;
        let top = chain.len();
        for (i, e) in chain.drain(..).rev().enumerate() {
            let at = e.data_offset;
            let delta = e.header.is_delta();
            let outcome = pack
                .decode_entry(e, out, &mut self.inflate, &|_, _| Ok(None), &mut self.kept)
                .ok()?;
            if !delta && (i + 1 < top || outcome.kind == gix::objs::Kind::Tree) {
                self.kept
                    .put(pack.id, at, out, outcome.kind, outcome.compressed_size);
            }
            kind = Some(outcome.kind);
        }
        self.chain = chain;
        kind
    }
}
