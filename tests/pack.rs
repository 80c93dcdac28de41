//! `clausebook pack`: the audit pack as one self-contained HTML file (and
//! the site's pack page). The PDF printed from it is tested in
//! `tests/pack_pdf.rs`.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::*;

/// A fixed print time (`SOURCE_DATE_EPOCH`): 2026-11-18 11:06 UTC.
const EPOCH: &str = "1795000000";

/// `clausebook pack --root <root> --today TODAY <extra>` run in `cwd`, with
/// the print time pinned.
fn pack(cwd: &Path, root: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("pack"),
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("--today"),
        OsStr::new(TODAY),
    ];
    args.extend(extra.iter().map(OsStr::new));
    run_cli_env(Some(cwd), &args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

/// The example site copied into `tmp` (outside any repository).
fn example(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_example_site(&site);
    site
}

/// The document ids of the pack's sections, in order.
fn section_ids(html: &str) -> Vec<String> {
    html.split("<h1 class=\"pack-doc-title\"><span class=\"doc-id\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect()
}

/// The `src` and `href` values of the `link`, `script` and `img` tags.
fn resource_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in ["<link", "<script", "<img"] {
        for part in html.split(tag).skip(1) {
            let end = part.find('>').unwrap_or(part.len());
            let t = &part[..end];
            out.extend(attr_values(t, "src"));
            out.extend(attr_values(t, "href"));
        }
    }
    out
}

#[test]
fn the_example_pack_holds_every_published_document_once_in_register_order() {
    // The pack of the example site holds each published document once, in register order, no draft, with the cover's values, and links only inside itself.
    let tmp = tempdir();
    let site = example(tmp.path());
    let run = pack(tmp.path(), &site, &["--output", "pack.html"]);
    run.assert_code(0);
    let html = std::fs::read_to_string(tmp.path().join("pack.html")).unwrap();
    let loaded = load_site(&site, false);
    let published: Vec<String> = published_docs(&loaded)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(published.len() > 40, "the example publishes its documents");
    assert_eq!(
        section_ids(&html),
        published,
        "one section per document, in register order"
    );
    for (d, p) in loaded.docs.iter().zip(&loaded.published) {
        if !p {
            assert!(
                !html.contains(&format!(">{}<", d.meta.id)),
                "unpublished {} is in the pack",
                d.meta.id
            );
        }
    }
    assert!(
        loaded.published.iter().any(|p| !p),
        "the example has an unpublished document to leave out"
    );
    // The cover.
    for text in [
        "<h1 class=\"pack-title\">Larkspur SMS</h1>",
        "<p class=\"pack-org\">Larkspur IT Services Ltd</p>",
        "ISO/IEC 20000-1:2011",
        "ISO 9001:2008",
        "<dd class=\"pack-selection\">All published documents</dd>",
        &format!("<dd class=\"pack-count\">{}</dd>", published.len()),
        "No revision stamp",
        "printed <span class=\"print-date\">2026-11-18 11:06 UTC</span>",
    ] {
        assert!(html.contains(text), "the cover lacks {text}");
    }
    assert!(
        run.stdout.contains(&format!(
            "Wrote the audit pack of {} documents",
            published.len()
        )),
        "{}",
        run.stdout
    );
    // Every link of the pack to a place in it finds it; the contents link
    // to every document.
    let ids = ids(&html);
    let hrefs = attr_values(&html, "href");
    let internal: Vec<&String> = hrefs.iter().filter(|h| h.starts_with('#')).collect();
    for h in &internal {
        assert!(
            ids.contains(&h[1..]),
            "the link {h} leads nowhere in the pack"
        );
    }
    for id in &published {
        let anchor = format!("#doc-{}", id.to_lowercase());
        assert!(internal.iter().any(|h| **h == anchor), "no link to {id}");
    }
    // Without `base_url`, a link of the pack goes to no page of the site.
    let relative: Vec<&String> = hrefs
        .iter()
        .filter(|h| !h.starts_with('#') && !h.contains(':'))
        .collect();
    assert!(relative.is_empty(), "links out of the pack: {relative:?}");
    // Self-contained: no stylesheet, script or image from anywhere.
    assert!(
        html.contains("<style>") && !html.contains("<link"),
        "the CSS is inline"
    );
    for url in resource_urls(&html) {
        assert!(url.starts_with("data:"), "the pack requests {url}");
    }
}

#[test]
fn a_clause_selection_holds_exactly_the_documents_addressing_the_clause() {
    // `--clause` (with `--standard`) packs exactly the published documents addressing the clause or one below it, and says so on the cover.
    let tmp = tempdir();
    let site = example(tmp.path());
    pack(
        tmp.path(),
        &site,
        &[
            "--standard",
            "iso9001:2008",
            "--clause",
            "7.5",
            "-o",
            "sel.html",
        ],
    )
    .assert_code(0);
    let html = std::fs::read_to_string(tmp.path().join("sel.html")).unwrap();
    let loaded = load_site(&site, false);
    let expected: Vec<String> = (0..loaded.docs.len())
        .filter(|&i| loaded.published[i])
        .filter(|&i| {
            loaded.clauses[i].iter().any(|r| {
                r.key.standard == "iso9001:2008"
                    && (r.key.clause == "7.5" || r.key.clause.starts_with("7.5."))
            })
        })
        .map(|i| loaded.docs[i].meta.id.clone())
        .collect();
    assert!(
        expected.len() > 1 && expected.len() < published_docs(&loaded).len(),
        "the clause selects some documents: {expected:?}"
    );
    assert_eq!(section_ids(&html), expected);
    assert!(html.contains(
        "<dd class=\"pack-selection\">Documents addressing clause 7.5 of ISO 9001:2008 (or a clause below)</dd>"
    ));
    // The appendix holds that clause and those below it only.
    let rows = attr_values(&html, "id")
        .into_iter()
        .filter(|i| i.starts_with("clause-"))
        .collect::<Vec<_>>();
    assert!(
        rows.contains(&"clause-iso90012008-7-5".to_string()),
        "{rows:?}"
    );
    assert!(
        rows.iter().all(|r| r.starts_with("clause-iso90012008-7-5")),
        "{rows:?}"
    );
    // A link to a published document outside the selection names it.
    assert!(html.contains(", not in this pack]"));
}

#[test]
fn an_unknown_clause_or_standard_is_a_usage_error_with_a_suggestion() {
    // An unknown clause or standard exits with 2, names it with a did-you-mean, and writes nothing.
    let tmp = tempdir();
    let site = example(tmp.path());
    let run = pack(tmp.path(), &site, &["--clause", "9.9", "-o", "x.html"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("ISO/IEC 20000-1:2011 has no clause `9.9`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `9."), "{}", run.stderr);
    let run = pack(
        tmp.path(),
        &site,
        &["--standard", "iso9001", "--clause", "4.1", "-o", "x.html"],
    );
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("`iso9001` is not a standard in scope of this site"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `iso9001:2008`?"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("x.html").exists());
}

#[test]
fn links_between_documents_stay_inside_the_pack() {
    // A link to a document or heading of the pack leads inside it; a link to a draft stays text; a link to another page shows its target, or goes to `base_url` when set.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    pack(tmp.path(), &site, &["-o", "p.html"]).assert_code(0);
    let html = std::fs::read_to_string(tmp.path().join("p.html")).unwrap();
    assert_eq!(section_ids(&html), ["FRM-1", "POL-1", "PRO-1", "PRO-2"]);
    assert_eq!(href_of(&html, "form").as_deref(), Some("#doc-frm-1"));
    assert_eq!(
        href_of(&html, "policy").as_deref(),
        Some("#pol-1--commitments")
    );
    assert_eq!(href_of(&html, "steps").as_deref(), Some("#pro-1--steps"));
    assert_eq!(href_of(&html, "below").as_deref(), Some("#pro-1--records"));
    assert!(ids(&html).contains("pro-1--records"));
    assert!(html.contains("<span class=\"unpublished-link\">draft guide</span>"));
    assert!(html.contains(
        "<span class=\"pack-offsite\">their page</span> <span class=\"pack-target\">[site page standards/index.html]</span>"
    ));
    // The picture of the theme is inlined.
    assert!(html.contains("<img src=\"data:image/svg+xml;base64,"));

    set_config_key(&site, "base_url = \"https://sms.example.org/\"");
    pack(tmp.path(), &site, &["-o", "p.html"]).assert_code(0);
    let html = std::fs::read_to_string(tmp.path().join("p.html")).unwrap();
    assert_eq!(
        href_of(&html, "their page").as_deref(),
        Some("https://sms.example.org/standards/index.html")
    );
    assert_eq!(href_of(&html, "form").as_deref(), Some("#doc-frm-1"));
}

#[test]
fn links_from_the_host_root_resolve_as_on_the_site() {
    // A body link starting with `/` is read as the site's pages read it, from the host's root: a page of the pack leads inside it, another page of the site goes to `base_url` (or shows its target), a page of the host outside the site's path goes to that host.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    let records = site.join("content/procedures/records.md");
    append(
        &records,
        "\nSee the [change steps](/documents/pro-1/#steps), the [change page](/documents/pro-1/) and the [standards](/standards/).\n",
    );
    let packed = || {
        pack(tmp.path(), &site, &["-o", "p.html"]).assert_code(0);
        std::fs::read_to_string(tmp.path().join("p.html")).unwrap()
    };
    // The links to PRO-1, a document of the pack.
    let inside = |html: &str| {
        assert_eq!(
            href_of(html, "change steps").as_deref(),
            Some("#pro-1--steps")
        );
        assert_eq!(href_of(html, "change page").as_deref(), Some("#doc-pro-1"));
    };
    let html = packed();
    inside(&html);
    assert!(html.contains(
        "<span class=\"pack-offsite\">standards</span> <span class=\"pack-target\">[site page standards/]</span>"
    ));

    // A site published below a path of its host: `/docs/…` are its pages.
    set_config_key(&site, "base_url = \"https://sms.example.org/docs/\"");
    replace(
        &records,
        "(/documents/pro-1/#steps)",
        "(/docs/documents/pro-1/#steps)",
    );
    replace(&records, "(/documents/pro-1/)", "(/docs/documents/pro-1/)");
    append(
        &records,
        "\nThe [home page](/docs) and the [host](/about/#team).\n",
    );
    let html = packed();
    inside(&html);
    assert_eq!(
        href_of(&html, "home page").as_deref(),
        Some("https://sms.example.org/docs/index.html")
    );
    // `/standards/` is not below `/docs/`: the site's pages lead to the host's page.
    assert_eq!(
        href_of(&html, "standards").as_deref(),
        Some("https://sms.example.org/standards/")
    );
    assert_eq!(
        href_of(&html, "host").as_deref(),
        Some("https://sms.example.org/about/#team")
    );

    // The site's pack page: pages of the site by relative links, as the
    // rest of the pack page; the host's other pages as the site has them.
    let out = build_site(&site, tmp.path(), &[]);
    let page = read(&out, "pack/index.html");
    inside(&page);
    assert_eq!(
        href_of(&page, "home page").as_deref(),
        Some("../index.html")
    );
    assert_eq!(href_of(&page, "standards").as_deref(), Some("/standards/"));
    assert_eq!(href_of(&page, "host").as_deref(), Some("/about/#team"));
}

#[test]
fn the_pack_of_a_small_site_is_as_expected() {
    // The pack's HTML of a small fixture, with the print time pinned, matches its snapshot.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    pack(tmp.path(), &site, &["-o", "p.html"]).assert_code(0);
    let html = std::fs::read_to_string(tmp.path().join("p.html")).unwrap();
    // The stylesheet is theme/pack.css, tested by its use; the snapshot
    // holds the page.
    let body = &html[html.find("</style>").unwrap()..];
    assert_snapshot("pack/pack-fixture.html", body);
}

#[test]
fn drafts_are_packed_only_when_asked() {
    // `--drafts` adds the draft documents, marked as not approved, and the cover says so.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    pack(tmp.path(), &site, &["--drafts", "-o", "p.html"]).assert_code(0);
    let html = std::fs::read_to_string(tmp.path().join("p.html")).unwrap();
    assert_eq!(
        section_ids(&html),
        ["FRM-1", "GDE-1", "POL-1", "PRO-1", "PRO-2"]
    );
    assert!(html.contains("Status: <strong>Draft</strong>: not approved, not in force."));
    assert!(html.contains("including drafts and documents in review (not approved)"));
}

#[test]
fn an_output_folder_gets_the_default_name_and_a_failed_pack_keeps_the_old_file() {
    // `--output DIR` writes audit-pack.html into it; a pack that fails leaves an existing file as it was, and no temporary file stays.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    let dir = tmp.path().join("packs");
    std::fs::create_dir(&dir).unwrap();
    pack(tmp.path(), &site, &["-o", dir.to_str().unwrap()]).assert_code(0);
    let file = dir.join("audit-pack.html");
    assert!(std::fs::read_to_string(&file).unwrap().contains("POL-1"));
    std::fs::write(&file, "old").unwrap();
    pack(
        tmp.path(),
        &site,
        &["--clause", "99", "-o", dir.to_str().unwrap()],
    )
    .assert_code(2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
    pack(tmp.path(), &site, &["-o", dir.to_str().unwrap()]).assert_code(0);
    assert_eq!(
        entries(&dir),
        BTreeSet::from(["audit-pack.html".to_string()])
    );
    // Never among the site's sources.
    let run = pack(
        tmp.path(),
        &site,
        &["-o", site.join("content").to_str().unwrap()],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("among the site's sources"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_site_has_a_pack_page_linked_from_the_home_page_when_asked() {
    // With `pack_page = true` a build makes pack/index.html with every published document, linked from the home page, its links going to the site's pages; without it, neither.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    let out = build_site(&site, tmp.path(), &[]);
    let home = read(&out, "index.html");
    assert_eq!(
        href_of(&home, "Audit pack (to print)").as_deref(),
        Some("./pack/index.html")
    );
    let page = read(&out, "pack/index.html");
    assert_eq!(section_ids(&page), ["FRM-1", "POL-1", "PRO-1", "PRO-2"]);
    assert!(page.contains("<link rel=\"stylesheet\" href=\"../theme/pack.css\">"));
    assert!(out.join("theme/pack.css").is_file());
    assert_eq!(
        href_of(&page, "their page").as_deref(),
        Some("../standards/index.html")
    );
    assert_eq!(href_of(&page, "form").as_deref(), Some("#doc-frm-1"));
    // Every link of the output resolves, the pack page's included.
    assert_links_resolve(&tree(&out), false);

    // Without `pack_page`, no page and no link to it.
    replace(
        &site.join("clausebook.toml"),
        "pack_page = true",
        "pack_page = false",
    );
    let out = build_site(&site, tmp.path(), &[]);
    assert!(!out.join("pack").exists());
    assert_eq!(
        href_of(&read(&out, "index.html"), "Audit pack (to print)"),
        None
    );
}

#[test]
fn printing_to_pdf_without_a_browser_says_what_to_install() {
    // `--pdf` with no Chromium on the PATH exits with 2 and names what to install, writing nothing.
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    let empty = tmp.path().join("bin");
    std::fs::create_dir(&empty).unwrap();
    let args: Vec<&OsStr> = vec![
        OsStr::new("pack"),
        OsStr::new("--root"),
        site.as_os_str(),
        OsStr::new("--pdf"),
    ];
    let run = run_cli_env(
        Some(tmp.path()),
        &args,
        &[
            ("PATH", empty.to_str().unwrap()),
            ("CLAUSEBOOK_CHROMIUM", ""),
        ],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("apt install chromium"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("CLAUSEBOOK_CHROMIUM"), "{}", run.stderr);
    assert!(!tmp.path().join("audit-pack.pdf").exists());
}

#[cfg(unix)]
#[test]
fn a_browser_that_hangs_is_stopped_after_the_timeout() {
    // A browser that never finishes is killed after the timeout with a clear message; nothing is written and its temporary folder is removed.
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let site = copy_fixture("pack", tmp.path());
    let fake = tmp.path().join("fake-chromium");
    std::fs::write(&fake, "#!/bin/sh\nsleep 60\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let temp = tmp.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    let args: Vec<&OsStr> = vec![
        OsStr::new("pack"),
        OsStr::new("--root"),
        site.as_os_str(),
        OsStr::new("--pdf"),
    ];
    let start = std::time::Instant::now();
    let run = run_cli_env(
        Some(tmp.path()),
        &args,
        &[
            ("CLAUSEBOOK_CHROMIUM", fake.to_str().unwrap()),
            ("CLAUSEBOOK_PDF_TIMEOUT", "1"),
            ("TMPDIR", temp.to_str().unwrap()),
        ],
    );
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("did not finish printing within 1 s and was stopped"),
        "{}",
        run.stderr
    );
    assert!(
        start.elapsed().as_secs() < 30,
        "the browser was not stopped"
    );
    assert!(!tmp.path().join("audit-pack.pdf").exists());
    assert!(
        entries(&temp).is_empty(),
        "left in the temporary folder: {:?}",
        entries(&temp)
    );
}
