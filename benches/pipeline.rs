//! In-process benchmarks of the build stages, on a generated corpus of
//! 1,000 documents: load (read and parse front-matter), site (load, resolve,
//! Markdown, links, coverage), render (all pages), matrix (exports) and
//! index (search). Run with `cargo bench --bench pipeline`.

use std::hint::black_box;
use std::time::Duration;

use clausebook::site::{LoadOptions, Site};
use criterion::{Criterion, criterion_group, criterion_main};

fn options() -> LoadOptions {
    LoadOptions {
        drafts: false,
        today: jiff::civil::date(2026, 11, 23),
    }
}

fn stages(c: &mut Criterion) {
    let docs: usize = std::env::var("CLAUSEBOOK_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    clausebook::corpus::generate(docs, &root, 1).expect("corpus");
    let site = Site::load(&root, options()).expect("site loads");
    let tera = clausebook::render::load_templates(&root).expect("templates");

    let mut g = c.benchmark_group(format!("{docs} documents"));
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("load", |b| {
        b.iter(|| black_box(clausebook::content::load(&root)))
    });
    g.bench_function("site", |b| {
        b.iter(|| black_box(Site::load(&root, options()).ok()))
    });
    g.bench_function("render", |b| {
        b.iter(|| black_box(clausebook::render::render_site(&site, &tera).ok()))
    });
    g.bench_function("matrix", |b| {
        b.iter(|| black_box(clausebook::export::exports(&site).ok()))
    });
    g.bench_function("index", |b| {
        b.iter(|| black_box(clausebook::search::output_files(&site).ok()))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
