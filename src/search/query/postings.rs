//! One term's postings, compact: the (document, fields) pairs of a term in
//! document order, each stored as two LEB128 varints, the gap from the
//! previous document and the field mask.
//!
//! A 10,000-document build holds about 2.3 million postings at once (a
//! third words, two thirds pairs). As `Vec<(u32, u16)>` they took 8 bytes
//! each (6 and 2 of padding) and twice that in the lists' spare room,
//! 30 MB at the search's peak; as gaps and masks they take 2–3 bytes.
//! Every reader goes through the list in order ([`Postings::iter`]), so
//! nothing needs to index into it.

/// The postings of one term, in document order (see the module).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Postings {
    bytes: Vec<u8>,
    /// The last document pushed.
    last: u32,
    len: u32,
}

impl Postings {
    /// Add `doc` with `fields`. Documents come in order: `doc` is never
    /// below the last one pushed (the same document twice is kept twice).
    pub fn push(&mut self, doc: u32, fields: u16) {
        debug_assert!(
            self.len == 0 || doc >= self.last,
            "postings in document order"
        );
        // The first gap is from document 0 (`last` starts there).
        let gap = doc - self.last;
        // Both varints into one buffer: one check of the list's room.
        let mut buf = [0u8; 8];
        let n = put_varint(&mut buf, 0, gap);
        let n = put_varint(&mut buf, n, u32::from(fields));
        self.bytes.extend_from_slice(&buf[..n]);
        self.last = doc;
        self.len += 1;
    }

    /// How many postings.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The (document, fields) pairs in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            doc: 0,
        }
    }

    /// The pairs as a vector.
    pub fn to_vec(&self) -> Vec<(u32, u16)> {
        let mut v = Vec::with_capacity(self.len());
        v.extend(self.iter());
        v
    }
}

impl FromIterator<(u32, u16)> for Postings {
    fn from_iter<I: IntoIterator<Item = (u32, u16)>>(iter: I) -> Self {
        let mut p = Postings::default();
        for (doc, fields) in iter {
            p.push(doc, fields);
        }
        p
    }
}

/// The pairs of a [`Postings`], in order.
pub struct Iter<'a> {
    bytes: &'a [u8],
    /// The last document read (0 before the first: its gap is from 0).
    doc: u32,
}

impl Iterator for Iter<'_> {
    type Item = (u32, u16);

    #[inline]
    fn next(&mut self) -> Option<(u32, u16)> {
        if self.bytes.is_empty() {
            return None;
        }
        let gap = take_varint(&mut self.bytes);
        let fields = take_varint(&mut self.bytes);
        self.doc += gap;
        // A mask was a u16 when it was pushed.
        Some((self.doc, fields as u16))
    }
}

/// `v` as a varint into `buf` from `at`; returns where it ends. A u32
/// takes at most 5 bytes, a u16 at most 3: both fit in 8.
fn put_varint(buf: &mut [u8; 8], mut at: usize, mut v: u32) -> usize {
    while v >= 0x80 {
        buf[at] = (v as u8) | 0x80;
        v >>= 7;
        at += 1;
    }
    buf[at] = v as u8;
    at + 1
}

/// The varint at the start of `bytes`, which it leaves after it. Only
/// [`put_varint`] writes these bytes: they are always complete.
#[inline]
fn take_varint(bytes: &mut &[u8]) -> u32 {
    // Most gaps and masks take one byte.
    if let Some((&b, rest)) = bytes.split_first()
        && b < 0x80
    {
        *bytes = rest;
        return u32::from(b);
    }
    let mut v = 0u32;
    let mut shift = 0;
    while let Some((&b, rest)) = bytes.split_first() {
        *bytes = rest;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::Postings;

    // Every pair comes back in order, across the varints' byte boundaries
    // and with a document repeated.
    #[test]
    fn round_trip() {
        let pairs = vec![
            (0, 1),
            (0, 0x8000),
            (127, 3),
            (128, 0x7f),
            (16_511, 0x80),
            (2_000_000, 0xffff),
            (u32::MAX, 0),
        ];
        let p: Postings = pairs.iter().copied().collect();
        assert_eq!(p.len(), pairs.len());
        assert_eq!(p.to_vec(), pairs);
        assert!(Postings::default().iter().next().is_none());
    }

    // The point of the type: a few bytes per posting, not eight.
    #[test]
    fn small_gaps_take_two_bytes() {
        let p: Postings = (0..1000u32).map(|d| (d * 3, 1)).collect();
        assert_eq!(p.bytes.len(), 2000);
    }
}
