//! Write the sharded static index (version 2) of a site, and time it
//! against today's indexes, for the figures of issue 17 (a harness of
//! phase 1: phase 2 wires the new index into the build).
//!
//! `cargo run --release --example search_shards -- SITE OUT [ROUNDS]`
//! loads the site at SITE, writes OUT/search/ (index.js and its shards)
//! and OUT/index-v1.js (today's static index), and prints the time of the
//! model, the shards, today's `search/index.js` and today's tantivy
//! index, best of ROUNDS (default 5).

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
    let entries = clausebook::search::entries(&site);
    let pattern = clausebook::resolve::layout::dir_url("documents/%", site.config.clean_links);

    let mut model = Model::default();
    let t_model = best(rounds, || model = Model::of_site(&site));
    let mut files = Vec::new();
    let t_shards = best(rounds, || files = shards::build(&model, &pattern));
    let mut v1 = String::new();
    let t_v1 = best(rounds, || {
        v1 = clausebook::search::static_index::build(&site, &entries);
    });
    let t_tantivy = best(rounds.min(3), || {
        clausebook::search::engine::build_index(&entries).expect("tantivy");
    });

    let _ = std::fs::remove_dir_all(out.join("search"));
    let mut total = 0;
    for f in &files {
        let p = out.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("write");
        std::fs::write(&p, &f.bytes).expect("write");
        total += f.bytes.len();
    }
    std::fs::write(out.join("index-v1.js"), &v1).expect("write");
    let words = model.postings.iter().filter(|p| !p.is_empty()).count();
    println!(
        "{} documents, {words} terms, {} pairs",
        model.docs.len(),
        model.pairs.len()
    );
    println!(
        "version 2: {} files, {total} bytes; model {:.0} ms + shards {:.0} ms = {:.0} ms",
        files.len(),
        ms(t_model),
        ms(t_shards),
        ms(t_model + t_shards)
    );
    println!(
        "version 1 (search/index.js today): {} bytes, {:.0} ms; tantivy index today: {:.0} ms",
        v1.len(),
        ms(t_v1),
        ms(t_tantivy)
    );
}
