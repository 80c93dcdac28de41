//! Listings: the documents of each kind and of each tag, and the indexes of
//! kinds and tags.

use std::collections::BTreeMap;

use foldhash::HashMap;
use tera::Context;

use crate::base::fingerprint::fingerprint;
use crate::load::content::Kind;
use crate::render::context::Pages;
use crate::render::jobs::{PageJob, push};
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
        let path = format!("kinds/{}/index.html", k.as_str());
        if plan.due(&path, &|pr| listing_print(pr, k, docs)) {
            let mut c = Context::new();
            let plural = k.plural_in(&p.site.config.kinds);
            c.insert("title", plural);
            c.insert("heading", plural);
            c.insert("term_kind", "kind");
            c.insert_value("items", p.values(docs));
            push(jobs, path, "listing.html", "kinds", c);
        }
    }
    for (slug, (t, docs)) in &tags {
        let path = format!("tags/{slug}/index.html");
        if plan.due(&path, &|pr| listing_print(pr, t, docs)) {
            let mut c = Context::new();
            c.insert("title", &format!("Tag: {t}"));
            c.insert("heading", &format!("Tagged “{t}”"));
            c.insert("term_kind", "tag");
            c.insert_value("items", p.values(docs));
            push(jobs, path, "listing.html", "tags", c);
        }
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
