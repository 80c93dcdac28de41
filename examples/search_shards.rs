//! Write the search indexes of a site and time their parts, for the
//! figures of BENCHMARKS.md ("Search").
//!
//! `cargo run --release --example search_shards -- SITE OUT [ROUNDS]`
//! loads the site at SITE, writes OUT/search/ (index.js and its shards),
//! and prints the time of the model, the shards and the tantivy index,
//! best of ROUNDS (default 5).

use std::time::{Duration, Instant};

use clausebook::resolve::{LoadOptions, Site};
use clausebook::search::query::{model::Model, shards};

fn best(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (site_dir, out) = match &args[..] {
        [s, o, ..] => (std::path::PathBuf::from(s), std::path::PathBuf::from(o)),
        _ => {
            eprintln!("usage: search_shards SITE OUT [ROUNDS]");
            std::process::exit(2);
        }
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let options = LoadOptions {
        drafts: false,
        today: jiff::civil::date(2026, 11, 23),
    };
    let site = Site::load(&site_dir, options).expect("the site loads");
    let pattern = shards::url_pattern(&site);

    let mut model = Model::default();
    let t_model = best(rounds, || model = Model::of_site(&site));
    let mut files = Vec::new();
    let t_shards = best(rounds, || files = shards::build(&model, &pattern));
    let t_tantivy = best(rounds.min(3), || {
        clausebook::search::tindex::build(&model).expect("tantivy");
    });

    let _ = std::fs::remove_dir_all(out.join("search"));
    let mut total = 0;
    for f in &files {
        let p = out.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("write");
        std::fs::write(&p, &f.bytes).expect("write");
        total += f.bytes.len();
    }
    let words = model.postings.iter().filter(|p| !p.is_empty()).count();
    println!(
        "{} documents, {words} terms, {} pairs",
        model.docs.len(),
        model.pairs.len()
    );
    println!(
        "static index: {} files, {total} bytes; model {:.0} ms + shards {:.0} ms; tantivy {:.0} ms",
        files.len(),
        ms(t_model),
        ms(t_shards),
        ms(t_tantivy)
    );
}
