//! Fingerprints: 64-bit hashes of values, to tell cheaply whether what a
//! result was made from changed (the rebuilds of `clausebook serve` compare
//! them; a rendered body carries the fingerprint of its HTML).

use std::hash::{BuildHasher, Hash, Hasher};

/// A hasher for in-memory fingerprints (fast, not for security; fixed seed
/// so that fingerprints compare within and across loads).
pub fn hasher() -> impl Hasher {
    foldhash::fast::FixedState::with_seed(0x636c_6175_7365).build_hasher()
}

/// The fingerprint of a value.
pub fn fingerprint<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = hasher();
    v.hash(&mut h);
    h.finish()
}
