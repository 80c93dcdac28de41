//! `clausebook serve` as a live preview: the watcher rebuilds after a
//! change to each kind of source (content/, templates/, theme/,
//! standards/, clausebook.toml) and open pages learn of it through the
//! live-reload endpoint; a failed rebuild keeps the last good site;
//! `--drafts` publishes drafts, before and after a rebuild; and the audit
//! pack page (`pack_page = true`) is served and rebuilt after an edit.
//!
//! `serve` has no `--today`: the sites served here report no review date
//! ([`ignore_review_dates`]), so that no test depends on the calendar.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A copy of a fixture site served with `extra` options, once its
/// watcher sees changes (unless `--no-watch`); the copy's path.
fn serve_fixture(name: &str, extra: &[&str]) -> (Served, PathBuf) {
    let tmp = tempdir();
    let site = copy_fixture(name, tmp.path());
    ignore_review_dates(&site);
    let served = serve(&site, &tmp.path().join("out"), extra).keeping(tmp);
    if !extra.contains(&"--no-watch") {
        served.wait_until_watching();
    }
    (served, site)
}

/// Edit the site's file `rel` with `change`, wait for the rebuild it
/// triggers until `shows` holds for the output, and check what the server
/// said about it: a full build, or a rebuild of some pages.
#[track_caller]
fn change_and_wait(
    srv: &Served,
    site: &Path,
    rel: &str,
    full: bool,
    change: impl FnOnce(&Path),
    shows: impl Fn(&Path) -> bool,
) {
    let before = srv.reload_status();
    assert_eq!(before.error, None, "before the change to {rel}");
    let printed = srv.stdout().len();
    change(&site.join(rel));
    srv.wait_for(before.generation, &format!("a change to {rel}"), |s| {
        s.error.is_none() && shows(&srv.output)
    });
    let needle = format!("Rebuilt after a change to {rel} ");
    let said = srv.wait_for_stdout(printed, &needle);
    let line = said.lines().find(|l| l.contains(&needle)).unwrap();
    assert_eq!(line.contains("full build"), full, "{rel}: {line}");
}

#[test]
fn each_watched_source_triggers_its_rebuild() {
    // After a change under content/, templates/, theme/ or standards/, or to clausebook.toml, serve rebuilds (in full for all but content) and open pages learn of it; the reload script is added by the server only.
    let (srv, site) = serve_fixture("watch", &[]);
    let page = "documents/pol-1/index.html";
    let output_has = |rel: &str, text: &str| {
        let rel = rel.to_string();
        let text = text.to_string();
        move |out: &Path| std::fs::read_to_string(out.join(&rel)).is_ok_and(|t| t.contains(&text))
    };
    assert!(output_has(page, "Template mark A")(&srv.output));
    // Served pages carry the reload script; the output never does.
    let (status, _, body) = srv.get(&format!("/{page}"));
    assert_eq!(status, 200);
    assert!(body.contains("/__clausebook/live.js"), "{body}");
    let files = tree(&srv.output);
    let injected: Vec<&String> = files
        .iter()
        .filter(|(_, b)| String::from_utf8_lossy(b).contains("__clausebook"))
        .map(|(p, _)| p)
        .collect();
    assert!(
        injected.is_empty(),
        "the output holds the reload script: {injected:?}"
    );

    change_and_wait(
        &srv,
        &site,
        "content/policy.md",
        false,
        |p| replace(p, "Content mark A", "Content mark B"),
        output_has(page, "Content mark B"),
    );
    change_and_wait(
        &srv,
        &site,
        "templates/document.html",
        true,
        |p| replace(p, "Template mark A", "Template mark B"),
        output_has(page, "Template mark B"),
    );
    change_and_wait(
        &srv,
        &site,
        "theme/site.css",
        true,
        |p| replace(p, "Theme mark A", "Theme mark B"),
        output_has("theme/site.css", "Theme mark B"),
    );
    change_and_wait(
        &srv,
        &site,
        "standards/watch.toml",
        true,
        |p| replace(p, "Context of the service", "Scope of the service"),
        output_has("standards/watch-1/1.1/index.html", "Scope of the service"),
    );
    change_and_wait(
        &srv,
        &site,
        "clausebook.toml",
        true,
        |p| replace(p, "Watch fixture", "Watched fixture"),
        output_has("index.html", "Watched fixture"),
    );
    // Each change is served, not only written.
    let (_, _, body) = srv.get(&format!("/{page}"));
    for mark in ["Content mark B", "Template mark B", "Watched fixture"] {
        assert!(body.contains(mark), "the served page lacks {mark}");
    }
    let (_, _, css) = srv.get("/theme/site.css");
    assert!(css.contains("Theme mark B"), "{css}");
}

#[test]
fn a_failed_rebuild_keeps_serving_the_last_good_site() {
    // A broken source makes the live-reload status carry the error (shown over open pages) while the last good site stays served and written; fixing it clears the error.
    let (srv, site) = serve_fixture("watch", &[]);
    let page = "/documents/pol-1/index.html";
    let before = srv.reload_status();
    let (_, _, good) = srv.get(page);
    let output = tree(&srv.output);

    let doc = site.join("content/policy.md");
    replace(&doc, "status = \"approved\"", "status = \"aproved\"");
    let failed = srv.wait_for(before.generation, "a broken document", |s| {
        s.error.is_some()
    });
    let error = failed.error.unwrap();
    assert!(
        error.contains("unknown status `aproved`") && error.contains("content/policy.md:"),
        "{error}"
    );
    assert_eq!(srv.get(page).2, good, "the last good page is not served");
    assert_same_files(
        &output,
        &tree(&srv.output),
        "the output after a failed rebuild",
    );
    assert!(
        srv.stderr().contains("still serving the last good site"),
        "{}",
        srv.stderr()
    );

    replace(&doc, "status = \"aproved\"", "status = \"approved\"");
    srv.wait_for_rebuild(failed.generation, "the document fixed");
    assert_eq!(srv.reload_status().error, None);
}

#[test]
fn serve_drafts_publishes_drafts_and_keeps_them_after_a_rebuild() {
    // `serve --drafts` serves draft and review documents with their banner, also after a rebuild; without it they get no page.
    let (srv, site) = serve_fixture("drafts", &["--drafts"]);
    let (status, _, draft) = srv.get("/documents/drf-1/");
    assert_eq!(status, 200);
    assert!(draft.contains("status-banner status-draft"), "{draft}");
    let (status, _, review) = srv.get("/documents/rev-1/");
    assert_eq!(status, 200);
    assert!(review.contains("status-banner status-review"), "{review}");
    let (_, _, register) = srv.get("/");
    assert!(register.contains("DRF-1") && register.contains("preview including drafts"));

    let before = srv.reload_status();
    replace(
        &site.join("content/draft.md"),
        "Being written.",
        "Being rewritten.",
    );
    srv.wait_for(before.generation, "a draft edited", |s| {
        s.error.is_none()
            && std::fs::read_to_string(srv.output.join("documents/drf-1/index.html"))
                .is_ok_and(|t| t.contains("Being rewritten."))
    });
    let (status, _, draft) = srv.get("/documents/drf-1/");
    assert_eq!(status, 200);
    assert!(draft.contains("Being rewritten."), "{draft}");
    drop(srv);

    let (srv, _) = serve_fixture("drafts", &["--no-watch"]);
    assert_eq!(srv.get("/documents/drf-1/").0, 404);
    assert_eq!(srv.get("/documents/rev-1/").0, 404);
    assert_eq!(srv.get("/documents/app-1/").0, 200);
    let (_, _, register) = srv.get("/");
    assert!(!register.contains("DRF-1") && !register.contains("preview including drafts"));
    // Without watching, there is no reload script and no reload endpoint.
    assert!(!register.contains("__clausebook"), "{register}");
    assert_eq!(srv.get("/__clausebook/reload").0, 404);
}

#[test]
fn a_busy_port_fails_at_once_before_building() {
    // `serve --port P` on a port another program holds exits with 2 at once, saying what to do, and builds nothing.
    let tmp = tempdir();
    let site = copy_fixture("drafts", tmp.path());
    let holder = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let out = tmp.path().join("out");
    let run = common::run_cli(&[
        std::ffi::OsStr::new("serve"),
        "--port".as_ref(),
        port.as_ref(),
        "--root".as_ref(),
        site.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains(&format!("cannot listen on 127.0.0.1:{port}"))
            && run.stderr.contains("--port 0")
            && run.stderr.contains("nothing was built"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "serve built before binding its port");
}

#[test]
fn serve_prints_its_warnings() {
    // `serve` prints each warning of the first build (not only their count), and the drafts it left out.
    let tmp = tempdir();
    let site = copy_fixture("drafts", tmp.path());
    ignore_review_dates(&site);
    replace(
        &site.join("content/approved.md"),
        "status = \"approved\"",
        "status = \"approved\"\nconfidentialty = \"internal\"",
    );
    let srv = serve(&site, &tmp.path().join("out"), &["--no-watch"]).keeping(tmp);
    srv.wait_for_stdout(0, "Serving at ");
    let err = srv.wait_for_stderr("confidentialty");
    assert!(err.contains("content/approved.md:"), "{err}");
    assert!(
        srv.stdout().contains(
            "1 draft and 1 document in review skipped (--drafts publishes them), 6 warnings"
        ),
        "{}",
        srv.stdout()
    );
}

#[test]
fn a_source_folder_created_while_serving_is_watched() {
    // A theme/ folder made while serving is built at once, and a later change inside it triggers a rebuild too.
    let (srv, site) = serve_fixture("drafts", &[]);
    let css = site.join("theme/clausebook.css");
    let served_css = |mark: &'static str| {
        let out = srv.output.clone();
        move |_: &Path| {
            std::fs::read_to_string(out.join("theme/clausebook.css"))
                .is_ok_and(|t| t.contains(mark))
        }
    };
    let before = srv.reload_status();
    std::fs::create_dir(site.join("theme")).unwrap();
    std::fs::write(&css, "/* New theme mark A */").unwrap();
    let first = srv.wait_for(before.generation, "a new theme/ folder", |s| {
        s.error.is_none() && served_css("mark A")(&srv.output)
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    std::fs::write(&css, "/* New theme mark B */").unwrap();
    srv.wait_for(first.generation, "a change inside the new folder", |s| {
        s.error.is_none() && served_css("mark B")(&srv.output)
    });
}

#[test]
fn the_pack_page_is_served_and_rebuilt_after_an_edit() {
    // With `pack_page = true`, serve serves the audit pack page and renders it again after a document is edited, without a full build: the page shows the new text.
    let (srv, site) = serve_fixture("pack", &[]);
    let (status, _, pack) = srv.get("/pack/");
    assert_eq!(status, 200);
    assert!(pack.contains("We meet requirements."), "{pack}");
    assert!(!pack.contains("We meet every requirement."), "{pack}");
    change_and_wait(
        &srv,
        &site,
        "content/policies/quality.md",
        false,
        |p| replace(p, "We meet requirements.", "We meet every requirement."),
        |out| {
            std::fs::read_to_string(out.join("pack/index.html"))
                .is_ok_and(|t| t.contains("We meet every requirement."))
        },
    );
    let (status, _, pack) = srv.get("/pack/");
    assert_eq!(status, 200);
    assert!(pack.contains("We meet every requirement."), "{pack}");
    assert!(!pack.contains("We meet requirements."), "{pack}");
}
