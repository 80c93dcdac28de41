//! `exports/history.json`, written straight from the history's own types.
//!
//! The file's keys are in alphabetical order at every level (it was first
//! written through a `serde_json::Value`, whose maps sort their keys). A
//! value of every revision of a large site costs more than writing the
//! file, so the revisions are written through views that list their
//! fields in that same order; the small parts (the stamp, `HEAD`, the
//! approval findings) still go through a value. The bytes are the same.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

use crate::load::history::{
    Change, Changed, ClauseRef, CommitInfo, DocHistory, DocState, Revision,
};
use crate::resolve::history::SiteHistory;

/// The bytes of `exports/history.json`.
pub(super) fn history_json(h: &SiteHistory) -> Vec<u8> {
    super::formats::json_bytes(&Export(h))
}

/// A value's JSON value (what serializing it through a value gives).
fn value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

struct Export<'a>(&'a SiteHistory);

impl Serialize for Export<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let h = self.0;
        let mut approvals: Vec<_> = h.approvals.values().collect();
        approvals.sort_by(|a, b| a.id.cmp(&b.id));
        let mut m = s.serialize_struct("History", 8)?;
        m.serialize_field("changed_since_approval", &value(&approvals))?;
        m.serialize_field("commits", &h.history.commits)?;
        m.serialize_field("documents", &Documents(&h.history.documents))?;
        m.serialize_field("head", &Commit(&h.history.head))?;
        m.serialize_field("published", &h.published.to_string())?;
        m.serialize_field("revision", &value(&h.stamp))?;
        m.serialize_field("schema", "clausebook-history/1")?;
        m.serialize_field("shallow", &h.history.shallow)?;
        m.end()
    }
}

/// The documents by id (a sorted map already).
struct Documents<'a>(&'a std::collections::BTreeMap<String, DocHistory>);

impl Serialize for Documents<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(id, d)| (id, Document(d))))
    }
}

struct Document<'a>(&'a DocHistory);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("DocHistory", 2)?;
        m.serialize_field("id", &self.0.id)?;
        m.serialize_field("revisions", &Revisions(&self.0.revisions))?;
        m.end()
    }
}

struct Revisions<'a>(&'a [Revision]);

impl Serialize for Revisions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Rev))
    }
}

struct Rev<'a>(&'a Revision);

impl Serialize for Rev<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_struct("Revision", 7)?;
        m.serialize_field("approved", &r.approved)?;
        m.serialize_field("change", &ChangeView(&r.change))?;
        m.serialize_field("changed", &ChangedView(&r.changed))?;
        m.serialize_field("commit", &Commit(&r.commit))?;
        m.serialize_field("path", &r.path)?;
        m.serialize_field("problem", &r.problem)?;
        m.serialize_field("state", &r.state.as_deref().map(State))?;
        m.end()
    }
}

struct ChangeView<'a>(&'a Change);

impl Serialize for ChangeView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (kind, from) = match self.0 {
            Change::Added => ("added", None),
            Change::Modified => ("modified", None),
            Change::Moved { from } => ("moved", Some(from)),
            Change::Removed => ("removed", None),
            Change::IdChanged { from } => ("id-changed", Some(from)),
        };
        let mut m = s.serialize_struct("Change", 2)?;
        if let Some(from) = from {
            m.serialize_field("from", from)?;
        }
        m.serialize_field("kind", kind)?;
        m.end()
    }
}

struct ChangedView<'a>(&'a Changed);

impl Serialize for ChangedView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_struct("Changed", 6)?;
        m.serialize_field("body", &c.body)?;
        m.serialize_field("clauses", &c.clauses)?;
        m.serialize_field("effective", &c.effective)?;
        m.serialize_field("status", &c.status)?;
        m.serialize_field("title", &c.title)?;
        m.serialize_field("version", &c.version)?;
        m.end()
    }
}

struct Commit<'a>(&'a CommitInfo);

impl Serialize for Commit<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_struct("CommitInfo", 11)?;
        m.serialize_field("author", &c.author)?;
        m.serialize_field("author_email", &c.author_email)?;
        m.serialize_field("author_offset", &c.author_offset)?;
        m.serialize_field("author_time", &c.author_time)?;
        m.serialize_field("commit_offset", &c.commit_offset)?;
        m.serialize_field("commit_time", &c.commit_time)?;
        m.serialize_field("id", &c.id)?;
        m.serialize_field("parents", &c.parents)?;
        m.serialize_field("shallow_boundary", &c.shallow_boundary)?;
        m.serialize_field("short", &c.short)?;
        m.serialize_field("subject", &c.subject)?;
        m.end()
    }
}

struct State<'a>(&'a DocState);

impl Serialize for State<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let mut m = s.serialize_struct("DocState", 8)?;
        m.serialize_field("clauses", &Clauses(&d.clauses))?;
        m.serialize_field("effective", &d.effective)?;
        m.serialize_field("id", &d.id)?;
        m.serialize_field("kind", &d.kind)?;
        m.serialize_field("review_by", &d.review_by)?;
        m.serialize_field("status", &d.status)?;
        m.serialize_field("title", &d.title)?;
        m.serialize_field("version", &d.version)?;
        m.end()
    }
}

struct Clauses<'a>(&'a [ClauseRef]);

impl Serialize for Clauses<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Clause))
    }
}

struct Clause<'a>(&'a ClauseRef);

impl Serialize for Clause<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_struct("ClauseRef", 3)?;
        m.serialize_field("level", &c.level)?;
        m.serialize_field("ref", &c.reference)?;
        if let Some(section) = &c.section {
            m.serialize_field("section", section)?;
        }
        m.end()
    }
}
