//! Short hashes: their length is a property of the history, never of how
//! the repository stores its objects (gix's `shorten` follows `core.abbrev`,
//! whose automatic length counts packed objects only, so a packed clone
//! printed 8 digits where a loose one of the same history printed 7).
//! Every short hash of a site (pages, stamp, exports, `clausebook changes`)
//! has the same length: 7, or more where two commits reachable from
//! `HEAD` share the first 7 digits.

use std::collections::HashSet;
use std::sync::Arc;

use gix::ObjectId;
use gix::objs::FindExt as _;

use super::model::CommitInfo;
use super::open::SiteRepo;

/// The shortest length, at least 7, at which the hashes `ids` (full,
/// hexadecimal) all differ.
pub(crate) fn short_len_of<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.windows(2)
        .map(|w| {
            w[0].bytes()
                .zip(w[1].bytes())
                .take_while(|(a, b)| a == b)
                .count()
                + 1
        })
        .fold(7, usize::max)
}

impl SiteRepo {
    /// `HEAD`'s commit.
    pub fn head(&self) -> &Arc<CommitInfo> {
        self.head_short.get_or_init(|| {
            let info = &self.head_info;
            let len = self.short_len().min(info.id.len());
            Arc::new(CommitInfo {
                short: info.id[..len].to_string(),
                ..(**info).clone()
            })
        })
    }

    /// The length of every short hash of this history: set by the walk
    /// when a build walks it, otherwise (`clausebook changes`) worked out
    /// once from the ids of the commits reachable from `HEAD`.
    pub fn short_len(&self) -> usize {
        *self.short_len.get_or_init(|| self.reachable_short_len())
    }

    /// [`short_len_of`] the commits reachable from `HEAD` (to the shallow
    /// boundary; a commit that cannot be read ends its line).
    fn reachable_short_len(&self) -> usize {
        let repo = self.local();
        let mut seen: HashSet<ObjectId> = HashSet::from([self.head]);
        let mut queue = vec![self.head];
        let mut buf = Vec::new();
        while let Some(id) = queue.pop() {
            if self.shallow.binary_search(&id).is_ok() {
                continue;
            }
            let Ok(commit) = repo.objects.find_commit(&id, &mut buf) else {
                continue;
            };
            for p in commit.parents() {
                if seen.insert(p) {
                    queue.push(p);
                }
            }
        }
        let hex: Vec<String> = seen.iter().map(|id| id.to_hex().to_string()).collect();
        short_len_of(hex.iter().map(String::as_str))
    }
}
