//! Long lists are split into pages (`page_size`), and nothing is lost: on a
//! records-profile corpus, where a few clauses carry most documents, every
//! document addressing a clause is reachable from that clause's page, the
//! register and the kind and tag listings reach every published document,
//! and the exports hold every clause–document pair of the sources.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use common::*;

/// A page size small enough that every long list has several pages.
const PAGE_SIZE: usize = 20;

/// The pages of a list: its first page and every page its pagers link to.
fn list_pages(out: &Path, first: &str) -> Vec<String> {
    let mut seen = BTreeSet::from([first.to_string()]);
    let mut queue = VecDeque::from([first.to_string()]);
    let mut pages = Vec::new();
    while let Some(page) = queue.pop_front() {
        let html = read(out, &page);
        for nav in html.split("<nav class=\"pager\"").skip(1) {
            let nav = nav.split("</nav>").next().unwrap();
            for href in attr_values(nav, "href") {
                let (target, _) =
                    resolve_href(&page, &href).expect("a pager link stays in the site");
                assert!(
                    out.join(&target).is_file(),
                    "{page} links to {target}, which is missing"
                );
                if seen.insert(target.clone()) {
                    queue.push_back(target);
                }
            }
        }
        pages.push(page);
    }
    pages
}

/// The document ids listed by `doc_list.html` / `doc_refs.html` in the
/// part of `html` that is the list (a clause page's "Documents
/// addressing" section; every other page whole).
fn listed(html: &str) -> BTreeSet<String> {
    let part = match html.split_once("id=\"documents\"") {
        Some((_, rest)) => rest.split("<h2").next().unwrap(),
        None => html,
    };
    doc_ids_in(part)
}

/// The ids in the register table of a register page.
fn register_ids(html: &str) -> Vec<String> {
    html.split("<td class=\"id\"><a href=\"")
        .skip(1)
        .map(|s| {
            s.split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// (standard, clause) → ids of the documents whose front-matter cites it,
/// and the ids of every document, read from the generated sources.
#[allow(clippy::type_complexity)]
fn source_pairs(
    root: &Path,
) -> (
    BTreeMap<(String, String), BTreeSet<String>>,
    BTreeSet<String>,
) {
    let mut pairs: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for part in std::fs::read_dir(root.join("content")).unwrap() {
        for f in std::fs::read_dir(part.unwrap().path()).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            let field = |k: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(&format!("{k} = ")))
                    .unwrap()
                    .to_string()
            };
            let id = field("id").trim_matches('"').to_string();
            for r in field("clauses").trim_matches(['[', ']']).split(", ") {
                let (std, clause) = r.trim_matches('"').split_once('/').unwrap();
                pairs
                    .entry((std.to_string(), clause.to_string()))
                    .or_default()
                    .insert(id.clone());
            }
            ids.insert(id);
        }
    }
    (pairs, ids)
}

fn json(out: &Path, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(out, rel)).unwrap()
}

#[test]
fn records_corpus_lists_reach_every_document() {
    // Every document addressing a clause is reachable from the clause's page through its pages, the register and listings reach every published document, and the exports hold every pair.
    let tmp = tempdir();
    let root = tmp.path().join("site");
    clausebook::tools::corpus::generate_profile(
        600,
        &root,
        1,
        clausebook::tools::corpus::Profile::Records,
    )
    .unwrap();
    set_config_key(&root, &format!("page_size = {PAGE_SIZE}"));
    let out = build_site(&root, tmp.path(), &[]);
    let (pairs, all_ids) = source_pairs(&root);
    let register = json(&out, "exports/register.json");
    let published: BTreeSet<String> = register["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert!(published.len() > 500 && published.len() < all_ids.len());

    // The register: every published document once, over several pages.
    let pages = list_pages(&out, "index.html");
    assert_eq!(pages.len(), published.len().div_ceil(PAGE_SIZE));
    let mut seen = Vec::new();
    for p in &pages {
        let ids = register_ids(&read(&out, p));
        assert!(ids.len() <= PAGE_SIZE, "{p} lists {} documents", ids.len());
        seen.extend(ids);
    }
    assert_eq!(seen.len(), published.len(), "a document is on two pages");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), published);

    // Kinds and tags: each listing reaches its documents; together, all.
    for index in ["kinds/index.html", "tags/index.html"] {
        let mut union = BTreeSet::new();
        let html = read(&out, index);
        let main = html.split("<main").nth(1).unwrap();
        for href in attr_values(main, "href") {
            let (first, _) = resolve_href(index, &href).unwrap();
            if !first.starts_with(index.split('/').next().unwrap()) {
                continue;
            }
            for p in list_pages(&out, &first) {
                let ids = listed(&read(&out, &p));
                assert!(ids.len() <= PAGE_SIZE, "{p}");
                union.extend(ids);
            }
        }
        assert_eq!(union, published, "{index}");
    }

    // Clause pages: the documents citing a clause, through its pages.
    let mut long = 0;
    for ((std, clause), ids) in &pairs {
        let slug = std.replace(':', "-");
        let first = format!("standards/{slug}/{clause}/index.html");
        let pages = list_pages(&out, &first);
        long += usize::from(pages.len() > 2);
        let mut seen = BTreeSet::new();
        for p in &pages {
            let ids = listed(&read(&out, p));
            assert!(ids.len() <= PAGE_SIZE, "{p}");
            seen.extend(ids);
        }
        assert_eq!(&seen, ids, "{std} {clause}");
        // The exports hold every pair, planned documents too.
        let cov = json(&out, &format!("exports/coverage-{slug}.json"));
        let row = cov["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clause"] == clause.as_str())
            .unwrap();
        let exported: BTreeSet<String> = row["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(&exported, ids, "coverage export of {std} {clause}");
    }
    assert!(
        long >= 4,
        "the records profile has a few clauses with long lists"
    );
    // The register export holds every pair of a published document.
    for d in register["documents"].as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        for c in d["clauses"].as_array().unwrap() {
            let key = (
                c["standard"].as_str().unwrap().to_string(),
                c["clause"].as_str().unwrap().to_string(),
            );
            assert!(pairs[&key].contains(id));
        }
        let n = pairs.values().filter(|ids| ids.contains(id)).count();
        assert_eq!(d["clauses"].as_array().unwrap().len(), n, "{id}");
    }
}
