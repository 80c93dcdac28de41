//! Listings: the documents of each kind and of each tag, `page_size` a
//! page (`kinds/<kind>/`, then `kinds/<kind>/page/2/`, …), and the indexes
//! of kinds and tags.

use std::collections::BTreeMap;

use foldhash::HashMap;
use tera::Context;

use crate::base::fingerprint::fingerprint;
use crate::load::content::Kind;
use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push};
use crate::render::paging::{page_count, page_of, page_path, pager};
use crate::render::plan::{Plan, listing_print};
use crate::render::views::tag_slug;

/// The published documents by kind, and by tag (slug, first spelling).
struct Groups<'a> {
    kinds: BTreeMap<Kind, Vec<usize>>,
    tags: BTreeMap<String, (&'a str, Vec<usize>)>,
}

/// The listings and their indexes.
pub fn pages(p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>) {
    let Groups { kinds, tags } = groups(p);
    for (k, docs) in &kinds {
        let listing = Listing {
            base: format!("kinds/{}", k.as_str()),
            title: k.plural_in(&p.site.config.kinds).to_string(),
            heading: k.plural_in(&p.site.config.kinds).to_string(),
            term_kind: "kind",
        };
        listing.pages(p, plan, jobs, docs);
    }
    for (slug, (t, docs)) in &tags {
        let listing = Listing {
            base: format!("tags/{slug}"),
            title: format!("Tag: {t}"),
            heading: format!("Tagged “{t}”"),
            term_kind: "tag",
        };
        listing.pages(p, plan, jobs, docs);
    }
    let urls = &p.globals.urls;
    let kind_terms: Vec<serde_json::Value> = kinds
        .iter()
        .map(|(k, v)| {
            serde_json::json!({"name": k.plural_in(&p.site.config.kinds), "key": k.as_str(), "count": v.len(), "url": urls.dir(&format!("kinds/{}", k.as_str()))})
        })
        .collect();
    let tag_terms: Vec<serde_json::Value> = tags
        .iter()
        .map(|(slug, (name, v))| {
            serde_json::json!({"name": name, "key": slug, "count": v.len(), "url": urls.dir(&format!("tags/{slug}"))})
        })
        .collect();
    let terms_print = |terms: &Vec<serde_json::Value>| {
        fingerprint(&serde_json::to_string(terms).unwrap_or_default())
    };
    if plan.due("kinds/index.html", &|_| terms_print(&kind_terms)) {
        let mut c = Context::new();
        c.insert("title", "Documents by kind");
        c.insert("terms", &kind_terms);
        push(jobs, "kinds/index.html".into(), "terms.html", "kinds", c);
    }
    if plan.due("tags/index.html", &|_| terms_print(&tag_terms)) {
        let mut c = Context::new();
        c.insert("title", "Tags");
        c.insert("terms", &tag_terms);
        push(jobs, "tags/index.html".into(), "terms.html", "tags", c);
    }
}

/// A kind's or a tag's listing, `page_size` documents a page.
struct Listing {
    /// The folder of its first page.
    base: String,
    title: String,
    heading: String,
    term_kind: &'static str,
}

impl Listing {
    fn pages(&self, p: &Pages<'_>, plan: &mut dyn Plan, jobs: &mut Vec<PageJob>, docs: &[usize]) {
        let size = p.site.config.page_size;
        let section = if self.term_kind == "kind" {
            "kinds"
        } else {
            "tags"
        };
        for n in 1..=page_count(docs.len(), size) {
            let path = page_path(&self.base, n);
            let items = page_of(docs, n, size);
            if !plan.due(&path, &|pr| {
                listing_print(pr, &(&self.heading, n, docs.len()), items)
            }) {
                continue;
            }
            let mut c = Context::new();
            c.insert("title", &self.title);
            c.insert("heading", &self.heading);
            c.insert("term_kind", self.term_kind);
            c.insert("total", &docs.len());
            c.insert(
                "pager",
                &pager(&p.globals.urls, &self.base, n, docs.len(), size),
            );
            c.insert_value("items", p.values(items));
            push(jobs, path, "listing.html", section, c);
        }
    }
}

/// The published documents by kind and by tag. Tags are grouped by their
/// URL slug, so "service level" and "service-level" share one page (named
/// after the first spelling). Few distinct tags, on thousands of
/// documents: each spelling is slugged once, and the documents are grouped
/// by slug number.
fn groups<'a>(p: &'a Pages<'_>) -> Groups<'a> {
    let table = p.table;
    let mut kinds: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
    let mut slug_ids: HashMap<String, usize> = HashMap::default();
    let mut slug_of: Vec<usize> = Vec::new();
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    for &i in &p.published {
        kinds.entry(table.kinds[i]).or_default().push(i);
        for &k in table.tags_of(i) {
            let k = k as usize;
            while slug_of.len() <= k {
                let slug = tag_slug(table.tag(slug_of.len() as u32));
                let n = slug_ids.len();
                let id = *slug_ids.entry(slug).or_insert(n);
                if id == groups.len() {
                    groups.push((None, Vec::new()));
                }
                slug_of.push(id);
            }
            let g = &mut groups[slug_of[k]];
            g.0.get_or_insert(table.tag(k as u32));
            g.1.push(i);
        }
    }
    let mut groups: Vec<Option<(Option<&str>, Vec<usize>)>> =
        groups.into_iter().map(Some).collect();
    let tags = slug_ids
        .into_iter()
        .filter_map(|(slug, id)| match groups[id].take()? {
            (Some(name), docs) => Some((slug, (name, docs))),
            (None, _) => None,
        })
        .collect();
    Groups { kinds, tags }
}
