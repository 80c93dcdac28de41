//! In-process benchmarks of the build stages, on a generated corpus of
//! 1,000 documents: load (read and parse front-matter), site (load, resolve,
//! Markdown, links, coverage), render (all pages), matrix (exports) and
//! index (search), and the incremental rebuild of `clausebook serve` after
//! a one-document change (a body edit and a title edit). Run with
//! `cargo bench --bench pipeline`; `CLAUSEBOOK_BENCH_DOCS=10000` for the
//! larger corpus.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Duration;

use clausebook::resolve::{LoadOptions, Site};
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
    clausebook::tools::corpus::generate(docs, &root, 1).expect("corpus");
    let site = Site::load(&root, options()).expect("site loads");
    let tera = clausebook::load::templates::load_templates(&root)
        .expect("templates")
        .0;

    let mut g = c.benchmark_group(format!("{docs} documents"));
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let files = clausebook::load::source::FileSystem::new(&root);
    g.bench_function("load", |b| {
        b.iter(|| {
            black_box(clausebook::load::content::load(
                &files,
                &clausebook::load::content::Schema::default(),
            ))
        })
    });
    g.bench_function("site", |b| {
        b.iter(|| black_box(Site::load(&root, options()).ok()))
    });
    g.bench_function("render", |b| {
        b.iter(|| black_box(clausebook::render::render_site(&site, &tera).ok()))
    });
    g.bench_function("matrix", |b| {
        b.iter(|| black_box(clausebook::publish::exports::exports(&site, dir.path()).ok()))
    });
    g.bench_function("index", |b| {
        b.iter(|| black_box(clausebook::search::output_files(&site).ok()))
    });

    // Incremental rebuilds: each iteration makes a real change to one
    // document (two versions alternate) and rebuilds.
    let opts = clausebook::publish::BuildOptions {
        load: options(),
        output: Some(dir.path().join("public")),
        allow_errors: false,
    };
    let Ok((mut session, _)) = clausebook::serve::session::Session::start(&root, &opts) else {
        panic!("the corpus does not build");
    };
    let file = first_document(&root.join("content"));
    let original = std::fs::read_to_string(&file).expect("read");
    let mut n = 0u64;
    g.bench_function("rebuild after a body edit", |b| {
        b.iter(|| {
            n += 1;
            let text = format!("{original}\nEdit {}.\n", n % 2);
            std::fs::write(&file, text).expect("write");
            black_box(session.rebuild(std::slice::from_ref(&file)).is_ok())
        })
    });
    g.bench_function("rebuild after a title edit", |b| {
        b.iter(|| {
            n += 1;
            let text = original.replacen("title = \"", &format!("title = \"{} ", n % 2), 1);
            std::fs::write(&file, text).expect("write");
            // The exports, written after the pages, are counted too.
            let ok = session.rebuild(std::slice::from_ref(&file)).is_ok();
            black_box(ok && session.settle().is_none_or(|e| e.is_ok()))
        })
    });
    g.finish();
}

/// The first Markdown file below `dir`, in name order.
fn first_document(dir: &std::path::Path) -> std::path::PathBuf {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.truncate(1);
    files.pop().expect("a document")
}

criterion_group!(benches, stages);
criterion_main!(benches);
