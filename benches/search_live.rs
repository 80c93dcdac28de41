//! The search indexes of `clausebook serve` updated after one document
//! changed (`LiveSearch::update`), against the static index written from
//! scratch, on a generated corpus of 10,000 documents
//! (`CLAUSEBOOK_BENCH_DOCS` to change it). Run with
//! `cargo bench --bench search_live`.
//!
//! Each iteration of an update switches one document's body between two
//! versions (two sites loaded beforehand); every update analyzes the site
//! again, replaces the tantivy documents and writes the static index's
//! changed shards.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use clausebook::resolve::{LoadOptions, Site};
use clausebook::search;
use clausebook::serve::search::LiveSearch;
use criterion::{Criterion, criterion_group, criterion_main};

fn options() -> LoadOptions {
    LoadOptions {
        drafts: false,
        today: jiff::civil::date(2026, 11, 23),
    }
}

/// Write the search part of a full build into `out`.
fn write_search_files(site: &Site, out: &Path) {
    for f in search::output_files(site).expect("search index") {
        let p = out.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.bytes).unwrap();
    }
}

fn live(c: &mut Criterion) {
    let docs: usize = std::env::var("CLAUSEBOOK_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    let out = dir.path().join("public");
    clausebook::tools::corpus::generate(docs, &root, 1).expect("corpus");
    let site = std::sync::Arc::new(Site::load(&root, options()).expect("site loads"));
    write_search_files(&site, &out);

    // The second version of a document in the middle.
    let i = (0..site.docs.len())
        .filter(|&i| site.published[i])
        .nth(site.docs.len() / 2)
        .unwrap_or(0);
    let id = site.docs[i].meta.id.clone();
    let path = root.join(&site.docs[i].path);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nOne more paragraph, on zyzzyvas.\n")).unwrap();
    let edited = std::sync::Arc::new(Site::load(&root, options()).expect("site loads"));
    let mut live = LiveSearch::open(&out, &site).expect("live search");

    let mut g = c.benchmark_group(format!("{docs} documents"));
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("static index from scratch", |b| {
        b.iter(|| black_box(search::query::shards::site_files(&site)))
    });
    let mut flip = false;
    g.bench_function("update after one edit", |b| {
        b.iter(|| {
            flip = !flip;
            let s = if flip { &edited } else { &site };
            let index = live.update(s, &[&id], &[]).expect("update");
            live.settle().expect("static index");
            black_box(index)
        })
    });
    g.finish();
    let phases: Vec<String> = live
        .phases()
        .iter()
        .map(|(n, d)| format!("{n} {d:.1?}"))
        .collect();
    eprintln!("last update: {}", phases.join(", "));
}

criterion_group!(benches, live);
criterion_main!(benches);
