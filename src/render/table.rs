//! What the listing pages read of each document: its kind, status and tags,
//! and the path of its page, in a compact table (a rebuild of
//! `clausebook serve` takes most of it over from the previous render
//! instead of reading every document's front-matter again).

use std::sync::Arc;

use foldhash::HashMap;
use rayon::prelude::*;

use crate::load::content::{Kind, Status};
use crate::resolve::Site;
use crate::resolve::layout::doc_slug;

/// The table of a site's documents, by position.
#[derive(Default)]
pub struct DocTable {
    pub kinds: Vec<Kind>,
    pub statuses: Vec<Status>,
    /// Output path of each document's page.
    pub paths: Arc<[String]>,
    /// Tags of document `i`: `tag_list[tag_start[i]..tag_start[i + 1]]`,
    /// indexes into `tags`.
    pub tag_start: Vec<u32>,
    pub tag_list: Vec<u32>,
    /// Every tag spelling seen, in order of first sight.
    pub tags: Vec<String>,
    pub tag_index: HashMap<String, u32>,
}

impl DocTable {
    /// The table of `site`'s documents.
    pub fn new(site: &Site) -> DocTable {
        let n = site.docs.len();
        let mut t = DocTable {
            kinds: site.docs.iter().map(|d| d.meta.kind).collect(),
            statuses: site.docs.iter().map(|d| d.meta.status).collect(),
            paths: (0..n)
                .into_par_iter()
                .map(|i| doc_page_path(site, i))
                .collect::<Vec<_>>()
                .into(),
            ..DocTable::default()
        };
        t.tag_start.push(0);
        for d in &site.docs {
            for tag in &d.meta.tags {
                t.add_tag(tag);
            }
            t.tag_start.push(t.tag_list.len() as u32);
        }
        t
    }

    /// Add `tag` to the tags of the last document (the one being added).
    pub fn add_tag(&mut self, tag: &str) {
        let k = match self.tag_index.get(tag) {
            Some(&k) => k,
            None => {
                let k = self.tags.len() as u32;
                self.tags.push(tag.to_string());
                self.tag_index.insert(tag.to_string(), k);
                k
            }
        };
        self.tag_list.push(k);
    }

    /// The tags of document `i`, as indexes for [`DocTable::tag`].
    pub fn tags_of(&self, i: usize) -> &[u32] {
        let (a, b) = (self.tag_start[i] as usize, self.tag_start[i + 1] as usize);
        &self.tag_list[a..b]
    }

    /// The spelling of tag `k`.
    pub fn tag(&self, k: u32) -> &str {
        &self.tags[k as usize]
    }
}

/// Output path of document `i`'s page.
pub fn doc_page_path(site: &Site, i: usize) -> String {
    format!("documents/{}/index.html", doc_slug(&site.docs[i].meta.id))
}
