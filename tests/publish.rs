//! The output folder on a shared web root or file share: a build writes
//! and deletes nothing outside its output and its hidden working folders,
//! never through a symbolic link, never leaves a reader without a site, and
//! cleans up after builds that were killed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// An output tree without the tantivy index (its segment names are random).
fn pages(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(out);
    t.retain(|rel, _| !is_search_index(rel));
    t
}

/// Every symbolic link below `dir`.
fn links_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_symlink() {
            out.push(e.path());
        } else if t.is_dir() {
            out.extend(links_below(&e.path()));
        }
    }
    out
}

/// A folder of someone else's files, as on a shared web root.
fn foreign_folder(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::create_dir_all(dir.join("pol-1")).unwrap();
    std::fs::write(dir.join(".htaccess"), "Require all granted\n").unwrap();
    std::fs::write(dir.join("admin-notes.txt"), "keep me\n").unwrap();
    std::fs::write(dir.join("pol-1/index.html"), "not clausebook's\n").unwrap();
    tree(dir)
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_refused_and_its_target_left_alone() {
    // An output that is a link to a web root holding other files exits 2 before writing, names the link and its target, and says what to do; build after build, the link and the web root stay as they were.
    let tmp = tempdir();
    let webroot = tmp.path().join("webroot");
    let before = foreign_folder(&webroot);
    let out = tmp.path().join("public");
    std::os::unix::fs::symlink(&webroot, &out).unwrap();
    for _ in 0..2 {
        let run = build_cli(&fixture("links"), &out, &[]);
        run.assert_code(2);
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        assert!(
            run.stderr.contains(&out.display().to_string())
                && run.stderr.contains(&webroot.display().to_string()),
            "the message names the link and its target:\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("--output") && run.stderr.contains("point at"),
            "the message says what to do:\n{}",
            run.stderr
        );
        assert!(std::fs::symlink_metadata(&out).unwrap().is_symlink());
        assert!(tree(&webroot) == before, "the link's target changed");
        assert_eq!(names(tmp.path()), ["public", "webroot"]);
    }
    // A link to a folder that a build wrote (with the marker) is refused too.
    let real = tmp.path().join("real");
    build_cli(&fixture("links"), &real, &[]).assert_code(0);
    std::fs::remove_file(&out).unwrap();
    std::os::unix::fs::symlink(&real, &out).unwrap();
    let published = tree(&real);
    build_cli(&fixture("links"), &out, &[]).assert_code(2);
    assert!(tree(&real) == published);
    // Spelled with a trailing slash, the link is still refused.
    let slash = PathBuf::from(format!("{}/", out.display()));
    let run = build_cli(&fixture("links"), &slash, &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(tree(&real) == published);
    assert!(std::fs::symlink_metadata(&out).unwrap().is_symlink());
    // `check` writes nothing: a symlinked output does not concern it.
    run_cli(&[
        "check".as_ref(),
        "--root".as_ref(),
        fixture("links").as_os_str(),
        "--today".as_ref(),
        "2026-06-01".as_ref(),
    ])
    .assert_code(0);
}

#[cfg(unix)]
#[test]
fn links_found_in_the_reused_output_are_removed_never_followed() {
    // Links placed in the published output (which the next build reuses) or in the spare are removed, link only: no file is written or deleted through them, and the output equals a fresh build.
    let tmp = tempdir();
    let site = fixture("links");
    let out = tmp.path().join("out");
    let spare = tmp.path().join(".out.spare");
    let foreign = tmp.path().join("foreign");
    let before = foreign_folder(&foreign);
    let file = tmp.path().join("foreign-file.html");
    std::fs::write(&file, "someone's page").unwrap();
    build_cli(&site, &out, &[]).assert_code(0);
    build_cli(&site, &out, &[]).assert_code(0);
    assert!(spare.join(".clausebook-output").is_file(), "a spare kept");

    // In the spare: a folder the build writes into, and a page.
    std::fs::remove_dir_all(spare.join("documents")).unwrap();
    std::os::unix::fs::symlink(&foreign, spare.join("documents")).unwrap();
    std::fs::remove_file(spare.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&file, spare.join("index.html")).unwrap();
    // In the live output, which becomes the spare at the next build: a
    // folder of stale files to delete.
    std::os::unix::fs::symlink(&foreign, out.join("old-stuff")).unwrap();
    std::os::unix::fs::symlink(&foreign, out.join("theme/more")).unwrap();
    for _ in 0..3 {
        build_cli(&site, &out, &[]).assert_code(0);
        assert!(
            tree(&foreign) == before,
            "a file was written or deleted through a link"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "someone's page");
        assert_eq!(links_below(&out), Vec::<PathBuf>::new());
    }
    let fresh = tmp.path().join("fresh");
    build_cli(&site, &fresh, &[]).assert_code(0);
    assert!(
        pages(&out) == pages(&fresh),
        "the output differs from a fresh build"
    );
}

/// `serve`'s rebuilder (`Session`) for the `links` fixture in `tmp`, built
/// in full into `out`; its site folder and its output folder.
#[cfg(unix)]
fn live_session(tmp: &Path) -> (clausebook::serve::session::Session, PathBuf, PathBuf) {
    use clausebook::publish::BuildOptions;
    use clausebook::serve::session::Session;
    let site = copy_fixture("links", tmp);
    let out = tmp.join("out");
    let opts = BuildOptions {
        load: load_options(false),
        output: Some(out.clone()),
        allow_errors: false,
    };
    let Ok((session, _)) = Session::start(&site, &opts) else {
        panic!("the fixture builds");
    };
    (session, site, out)
}

/// Append `sentence` to the fixture's policy and rebuild the session.
#[cfg(unix)]
fn edit_policy(session: &mut clausebook::serve::session::Session, site: &Path, sentence: &str) {
    let doc = site.join("content/policies/policy.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, format!("{text}\n{sentence}\n")).unwrap();
    assert!(session.rebuild(&[doc]).is_ok(), "the rebuild succeeds");
    let _ = session.settle();
}

#[cfg(unix)]
#[test]
fn a_live_rebuild_never_writes_through_a_link_in_the_output() {
    // `serve` writes changed pages in place: a folder of the output replaced by a link to foreign files is replaced back by a real folder, and the foreign files stay as they were.
    let tmp = tempdir();
    let (mut session, site, out) = live_session(tmp.path());
    let foreign = tmp.path().join("foreign");
    let before = foreign_folder(&foreign);
    let page_dir = out.join("documents/pol-1");
    assert!(page_dir.join("index.html").is_file());
    std::fs::remove_dir_all(&page_dir).unwrap();
    std::os::unix::fs::symlink(&foreign, &page_dir).unwrap();
    edit_policy(&mut session, &site, "A paragraph added while serving.");
    assert!(
        tree(&foreign) == before,
        "a file was written through the link"
    );
    assert!(!std::fs::symlink_metadata(&page_dir).unwrap().is_symlink());
    assert!(read(&out, "documents/pol-1/index.html").contains("added while serving"));
}

#[cfg(unix)]
#[test]
fn a_live_rebuild_never_writes_or_deletes_search_files_through_a_link() {
    // The static search index that `serve` rewrites after a rebuild (a thread of its own) treats a link in the output as the pages do: a shard folder replaced by a link to foreign files gets a real folder back, and the foreign files, `.js` ones included, are neither written nor deleted.
    let tmp = tempdir();
    let (mut session, site, out) = live_session(tmp.path());
    let foreign = tmp.path().join("foreign");
    foreign_folder(&foreign);
    std::fs::write(foreign.join("widget.js"), "someone's script\n").unwrap();
    let before = tree(&foreign);
    let mut linked = Vec::new();
    for sub in ["w", "p"] {
        let dir = out.join("search").join(sub);
        assert!(dir.is_dir(), "the build wrote search/{sub}");
        std::fs::remove_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(&foreign, &dir).unwrap();
        linked.push(dir);
    }
    edit_policy(&mut session, &site, "A sentence with searchable wording.");
    session
        .settle_search()
        .expect("the static search index is written");
    assert!(
        tree(&foreign) == before,
        "a search file was written or deleted through a link"
    );
    for dir in &linked {
        assert!(!std::fs::symlink_metadata(dir).unwrap().is_symlink());
        assert!(std::fs::read_dir(dir).unwrap().next().is_some());
    }
    assert_eq!(links_below(&out), Vec::<PathBuf>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn a_reader_never_finds_the_output_missing() {
    // A web server reading the output while 20 builds swap it in always finds the site: the swap is one atomic exchange.
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let tmp = tempdir();
    let site = fixture("links");
    let out = tmp.path().join("public");
    build_ok(&site, &out, false);
    let index = out.join("index.html");
    let stop = Arc::new(AtomicBool::new(false));
    let (missing, polls) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let reader = {
        let (stop, missing, polls) = (stop.clone(), missing.clone(), polls.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if !index.exists() {
                    missing.fetch_add(1, Ordering::Relaxed);
                }
                polls.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    for _ in 0..20 {
        build_ok(&site, &out, false);
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(polls.load(Ordering::Relaxed) > 1000, "the reader polled");
    assert_eq!(
        missing.load(Ordering::Relaxed),
        0,
        "the output was missing to a reader during a swap"
    );
    assert_eq!(names(tmp.path()), [".public.spare", "public"]);
}

/// A process id that cannot exist: above the largest the kernel gives.
#[cfg(target_os = "linux")]
fn dead_pid() -> u64 {
    let max: u64 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    max + 1
}

#[cfg(target_os = "linux")]
#[test]
fn temporaries_of_killed_builds_are_removed_and_nothing_else() {
    // A killed build leaves `.public.tmp-PID`: the next build removes those whose process is gone (a link of that name: the link only), and leaves a live build's folder and everything not of its naming alone.
    let tmp = tempdir();
    let out = tmp.path().join("public");
    let dead = dead_pid();
    let live = std::process::id();
    let make = |name: &str| {
        let d = tmp.path().join(name);
        std::fs::create_dir_all(d.join("documents/x")).unwrap();
        std::fs::write(d.join("documents/x/index.html"), "half a site").unwrap();
        d
    };
    make(&format!(".public.tmp-{dead}"));
    make(&format!(".public.old-{dead}"));
    make(&format!(".public.tmp-{live}"));
    make(&format!(".other.tmp-{dead}"));
    make(".public.tmp-abc");
    make(&format!("public.tmp-{dead}"));
    let foreign = tmp.path().join("foreign");
    let before = foreign_folder(&foreign);
    std::os::unix::fs::symlink(
        &foreign,
        tmp.path().join(format!(".public.tmp-{}", dead + 1)),
    )
    .unwrap();
    build_cli(&fixture("links"), &out, &[]).assert_code(0);
    let mut expected = vec![
        format!(".other.tmp-{dead}"),
        ".public.tmp-abc".to_string(),
        format!(".public.tmp-{live}"),
        "foreign".to_string(),
        "public".to_string(),
        format!("public.tmp-{dead}"),
    ];
    expected.sort();
    assert_eq!(names(tmp.path()), expected);
    assert!(tree(&foreign) == before);
    assert_eq!(
        std::fs::read_to_string(
            tmp.path()
                .join(format!(".public.tmp-{live}/documents/x/index.html"))
        )
        .unwrap(),
        "half a site"
    );
}
#[cfg(unix)]
#[test]
fn a_second_build_of_the_same_output_is_refused_while_one_runs() {
    // Two builds of one output never race: while one holds `.public.lock`, another exits 2 saying so and changes nothing; once it is done, builds run again and no lock file stays.
    let tmp = tempdir();
    let out = tmp.path().join("public");
    let site = fixture("links");
    build_cli(&site, &out, &[]).assert_code(0);
    let published = tree(&out);
    let lock = clausebook::publish::output::lock_output(&out)
        .unwrap_or_else(|d| panic!("cannot lock: {}", d.render(false)));
    assert!(tmp.path().join(".public.lock").is_file());
    let run = build_cli(&site, &out, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("another clausebook build is writing"),
        "{}",
        run.stderr
    );
    assert!(tree(&out) == published);
    drop(lock);
    assert!(!tmp.path().join(".public.lock").exists());
    build_cli(&site, &out, &[]).assert_code(0);
    assert_eq!(names(tmp.path()), [".public.spare", "public"]);
}
