//! Building sites: link rewriting and checking, backlinks, drafts, template
//! and theme overrides, determinism, and a full build of the example site.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

/// Assert that `href`, found on output page `page`, is relative, names an
/// existing file of `files`, and that its fragment (if any) is an id there.
/// Returns the target file.
#[track_caller]
fn assert_href_resolves(
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    page: &str,
    href: &str,
) -> String {
    assert!(
        !is_external(href) && !href.starts_with('/'),
        "{page}: href {href} is not relative"
    );
    let (target, fragment) = resolve_href(page, href).expect("stays in the output");
    let bytes = files
        .get(&target)
        .unwrap_or_else(|| panic!("{page}: {href} → missing {target}"));
    if let Some(f) = fragment {
        let html = String::from_utf8_lossy(bytes);
        assert!(
            ids(&html).contains(&f),
            "{page}: {href} → no id=\"{f}\" in {target}"
        );
    }
    target
}

/// The "Referenced by" list of a document page: the ids it shows.
fn referenced_by(html: &str) -> BTreeSet<String> {
    let start = html.find("Referenced by").expect("a Referenced by section");
    let rest = &html[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    doc_ids_in(&rest[..end])
}

// ---------------------------------------------------------------- links

#[test]
fn links_by_id_and_path_are_rewritten_to_relative_page_urls() {
    // Every link form (id, id#heading, relative .md, ../dir/x.md#h, #h) lands on the right page and heading.
    let tmp = tempdir();
    let out = build_site(&fixture("links"), tmp.path(), &[]);
    let files = tree(&out);
    let page = "documents/pro-1/index.html";
    let html = read(&out, page);
    let cases = [
        ("link by id", "POL-1", None),
        ("link by id and heading", "POL-1", Some("commitments")),
        ("link by lowercase id", "POL-1", None),
        ("link by path", "POL-1", None),
        ("link by path and heading", "POL-1", Some("purpose")),
        ("link to sibling", "FRM-1", None),
        ("link to sibling with dot", "FRM-1", Some("fields")),
        ("link to same page", "PRO-1", Some("steps")),
    ];
    for (text, id, anchor) in cases {
        let href = href_of(&html, text).unwrap_or_else(|| panic!("no link `{text}`"));
        assert!(
            !href.contains(".md"),
            "{text}: {href} still names the Markdown file"
        );
        let target = assert_href_resolves(&files, page, &href);
        let target_html = String::from_utf8_lossy(&files[&target]);
        assert!(
            target_html.contains(&format!("<h1>{}", title_of(id))),
            "{text}: {href} → {target}, which is not the page of {id}"
        );
        assert_eq!(
            href.split_once('#').map(|(_, a)| a),
            anchor,
            "{text}: {href} keeps the wrong anchor"
        );
    }
    // A link to another host is left alone.
    assert_eq!(
        href_of(&html, "link to another host").as_deref(),
        Some("https://example.org/change")
    );

    // Links from a document two folders deep.
    let page = "documents/wi-1/index.html";
    let html = read(&out, page);
    for (text, id) in [
        ("link up two folders", "POL-1"),
        ("link to the procedure", "PRO-1"),
    ] {
        let href = href_of(&html, text).unwrap();
        let target = assert_href_resolves(&files, page, &href);
        assert!(
            String::from_utf8_lossy(&files[&target]).contains(&format!("<h1>{}", title_of(id)))
        );
    }
}

/// Titles of the `links` fixture documents.
fn title_of(id: &str) -> &'static str {
    match id {
        "POL-1" => "Service Policy",
        "PRO-1" => "Change Procedure",
        "FRM-1" => "Change Form",
        "WI-1" => "Deep Work Instruction",
        _ => panic!("unknown fixture document {id}"),
    }
}

#[test]
fn every_link_of_a_fixture_output_resolves() {
    // Every link of a small site's output (pages, theme, listings) leads to an existing file and heading.
    let tmp = tempdir();
    let out = build_site(&fixture("links"), tmp.path(), &[]);
    let checked = assert_links_resolve(&tree(&out), true);
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn link_checker_reports_every_kind_of_bad_link() {
    // The checker run over whole outputs must catch what it claims to (missing file, anchor, other host, root-relative, escape).
    let page = |s: &str| s.as_bytes().to_vec();
    let files = std::collections::BTreeMap::from([
        (
            "index.html".to_string(),
            page(concat!(
                r##"<a href="a/index.html">ok</a> <a href="a/#x">ok</a> <a href="#top">ok</a>"##,
                r##"<p id="top"></p> <a href="b/index.html">missing</a> <a href="a/index.html#y">anchor</a>"##,
                r##"<img src="https://cdn.example.org/x.png"> <link href="//fonts.example.org/f.css">"##,
                r##"<a href="/a/index.html">root</a> <a href="../up.html">escape</a>"##,
            )),
        ),
        (
            "a/index.html".to_string(),
            page(r##"<h2 id="x">X</h2><a href="../index.html#top">back</a>"##),
        ),
    ]);
    let (problems, checked) = link_problems(&files, false);
    assert_eq!(checked, 10);
    let bad = [
        "b/index.html",
        "#y",
        "fonts.example.org",
        "/a/index.html",
        "../up.html",
        "cdn.example.org",
    ];
    assert_eq!(problems.len(), bad.len(), "{problems:#?}");
    for (p, b) in problems.iter().zip(bad) {
        assert!(p.contains(b), "{p} should be about {b}");
    }
}

#[test]
fn link_to_a_missing_id_suggests_the_closest() {
    // A link to an unknown document id is an error at the link with the closest id as "did you mean" ([the plan](POL-2) when only POL-1 exists).
    let run = build_fails(&fixture("link-missing-id"), 1, &[]);
    assert!(
        run.stderr.contains("unknown document id `POL-2`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `POL-1`?"),
        "{}",
        run.stderr
    );
    assert_located(
        &run.stderr,
        "content/procedure.md",
        15,
        32,
        "Follow [the policy](POL-1) and [the plan](POL-2).",
    );
    assert_eq!(error_lines(&run.stderr).len(), 1, "{}", run.stderr);
}

#[test]
fn link_to_a_missing_file_is_a_located_error() {
    // A link to a missing .md file is an error at the link naming the path it resolved to.
    let run = build_fails(&fixture("link-missing-file"), 1, &[]);
    assert!(
        run.stderr.contains("content/plans/plan.md"),
        "{}",
        run.stderr
    );
    assert_located(
        &run.stderr,
        "content/procedure.md",
        15,
        36,
        "Follow [the policy](policy.md) and [the plan](plans/plan.md#scope).",
    );
    assert_eq!(error_lines(&run.stderr).len(), 1, "{}", run.stderr);
}

#[test]
fn link_to_a_missing_heading_of_another_document_is_a_located_error() {
    // A link to a missing heading of another document is an error at the link listing that document's headings (policy.md#scope when POL-1 has only #purpose).
    let run = build_fails(&fixture("link-missing-heading"), 1, &[]);
    assert!(
        run.stderr.contains("missing heading `#scope` in `POL-1`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("#purpose"), "{}", run.stderr);
    assert_located(
        &run.stderr,
        "content/procedure.md",
        15,
        40,
        "Follow [the policy](POL-1#purpose) and [its scope](policy.md#scope).",
    );
    assert_eq!(error_lines(&run.stderr).len(), 1, "{}", run.stderr);
}

#[test]
fn link_to_a_missing_heading_of_the_same_document_is_a_located_error() {
    // A link to a missing heading of the same page is an error at the link with the closest heading as "did you mean" (#check for #checks).
    let run = build_fails(&fixture("link-missing-own-heading"), 1, &[]);
    assert!(
        run.stderr
            .contains("missing heading `#check` in this document"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `#checks`?"),
        "{}",
        run.stderr
    );
    assert_located(
        &run.stderr,
        "content/procedure.md",
        15,
        37,
        "Follow [the policy](POL-1) and then [the checks](#check).",
    );
}

#[test]
fn unknown_related_id_is_located_at_its_own_entry() {
    // An unknown `related` id is an error at its own entry: with related = ["DOC-100", "DOC-1"] and no DOC-1, at line 13, not inside "DOC-100".
    let run = build_fails(&fixture("related-location"), 1, &[]);
    assert!(
        run.stderr.contains("unknown document `DOC-1`"),
        "{}",
        run.stderr
    );
    assert_located(&run.stderr, "content/ten.md", 13, 4, "  \"DOC-1\",");
}

// ---------------------------------------------------------------- backlinks

#[test]
fn referenced_by_lists_linking_and_relating_documents() {
    // "Referenced by" lists, as links, the documents linking to a page or naming it as related, never the page itself (POL-1: PRO-1, WI-1 and FRM-1; OTH-1: none).
    let tmp = tempdir();
    let out = build_site(&fixture("links"), tmp.path(), &[]);
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let pol = read(&out, "documents/pol-1/index.html");
    assert_eq!(referenced_by(&pol), set(&["FRM-1", "PRO-1", "WI-1"]));
    // A same-page link does not make a document refer to itself.
    let pro = read(&out, "documents/pro-1/index.html");
    assert_eq!(referenced_by(&pro), set(&["WI-1"]));
    let frm = read(&out, "documents/frm-1/index.html");
    assert_eq!(referenced_by(&frm), set(&["PRO-1"]));
    let oth = read(&out, "documents/oth-1/index.html");
    assert_eq!(referenced_by(&oth), set(&[]));
    // The backlinks are links to the referring pages.
    let files = tree(&out);
    let href = href_of(
        &pol,
        "<span class=\"doc-id\">WI-1</span> Deep Work Instruction",
    )
    .expect("a link to WI-1 in the backlinks");
    assert_eq!(
        assert_href_resolves(&files, "documents/pol-1/index.html", &href),
        "documents/wi-1/index.html"
    );
}

// ---------------------------------------------------------------- drafts

#[test]
fn drafts_are_left_out_by_default() {
    // Without --drafts, draft and review documents get no page and no register row; links to them become plain text.
    let tmp = tempdir();
    let out = build_site(&fixture("drafts"), tmp.path(), &[]);
    let files = tree(&out);
    let pages: BTreeSet<&str> = files
        .keys()
        .filter_map(|k| k.strip_prefix("documents/")?.strip_suffix("/index.html"))
        .collect();
    assert_eq!(pages, BTreeSet::from(["app-1", "ret-1"]));
    let register = read(&out, "index.html");
    assert!(register.contains("APP-1") && register.contains("RET-1"));
    assert!(!register.contains("DRF-1") && !register.contains("REV-1"));

    let app = read(&out, "documents/app-1/index.html");
    assert!(
        href_of(&app, "draft plan").is_none(),
        "a link to an unpublished draft"
    );
    assert!(href_of(&app, "plan in review").is_none());
    assert!(
        app.contains(">draft plan</span>") && app.contains(">plan in review</span>"),
        "the link text stays as plain text"
    );
    assert!(!app.contains("documents/drf-1/") && !app.contains("documents/rev-1/"));
    assert_links_resolve(&files, false);
}

#[test]
fn retired_documents_are_published_with_a_banner() {
    // A retired document keeps its page, marked as retired; links to it stay links.
    let tmp = tempdir();
    let out = build_site(&fixture("drafts"), tmp.path(), &[]);
    let ret = read(&out, "documents/ret-1/index.html");
    assert!(
        ret.contains("status-banner status-retired"),
        "no retired banner"
    );
    assert!(ret.contains("Retired."));
    let app = read(&out, "documents/app-1/index.html");
    assert!(
        !app.contains("status-banner"),
        "an approved document has no banner"
    );
    let href = href_of(&app, "old procedure").expect("a link to the retired document");
    assert_eq!(
        assert_href_resolves(&tree(&out), "documents/app-1/index.html", &href),
        "documents/ret-1/index.html"
    );
}

#[test]
fn drafts_flag_publishes_drafts_with_a_banner() {
    // With --drafts every document has a page, drafts and reviews carry a banner, and links resolve.
    let tmp = tempdir();
    let out = build_site(&fixture("drafts"), tmp.path(), &["--drafts"]);
    let files = tree(&out);
    for (slug, banner) in [("drf-1", "status-draft"), ("rev-1", "status-review")] {
        let html = read(&out, &format!("documents/{slug}/index.html"));
        assert!(
            html.contains(&format!("status-banner {banner}")),
            "{slug}: no banner"
        );
    }
    let register = read(&out, "index.html");
    assert!(register.contains("DRF-1") && register.contains("REV-1"));
    let page = "documents/app-1/index.html";
    let app = read(&out, page);
    let href = href_of(&app, "draft plan").expect("a real link with --drafts");
    let target = assert_href_resolves(&files, page, &href);
    assert_eq!(target, "documents/drf-1/index.html");
    assert!(href.ends_with("#scope"));
    assert_links_resolve(&files, false);
}

// ---------------------------------------------------------------- tags

/// For each document page, the tag pages it links to and whether each of
/// them lists the document: (document, tag page, listed).
fn tag_links(out: &Path) -> Vec<(String, String, bool)> {
    let files = tree(out);
    let mut found = Vec::new();
    for (page, bytes) in &files {
        let Some(slug) = page
            .strip_prefix("documents/")
            .and_then(|p| p.strip_suffix("/index.html"))
        else {
            continue;
        };
        let html = String::from_utf8_lossy(bytes);
        let id = html
            .split("<p class=\"doc-id\">")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or_else(|| panic!("{page}: no document id"))
            .to_string();
        assert_eq!(id.to_lowercase(), slug);
        for href in attr_values(&html, "href") {
            // Links to a tag page (not to the index of tags).
            if !href.contains("tags/") || href.ends_with("/tags/index.html") {
                continue;
            }
            let (target, _) = resolve_href(page, &href).expect("a relative link");
            let listed = files
                .get(&target)
                .is_some_and(|b| doc_ids_in(&String::from_utf8_lossy(b)).contains(&id));
            found.push((id.clone(), target, listed));
        }
    }
    found
}

#[test]
fn tag_pages_list_every_document_with_the_tag() {
    // Tags are case-insensitive: "Change" and "change" share one page listing both documents.
    let tmp = tempdir();
    let out = build_site(&fixture("tags"), tmp.path(), &[]);
    let change: Vec<_> = tag_links(&out)
        .into_iter()
        .filter(|(_, t, _)| t == "tags/change/index.html")
        .collect();
    assert_eq!(change.len(), 2, "{change:?}");
    assert!(change.iter().all(|(_, _, listed)| *listed), "{change:?}");
    let page = read(&out, "tags/change/index.html");
    assert_eq!(
        doc_ids_in(&page),
        BTreeSet::from(["T-1".to_string(), "T-2".to_string()])
    );
}

#[test]
fn every_tag_link_leads_to_a_page_listing_the_document() {
    // "service level" / "service-level" share a URL, and "★" has no letters: each document's tag link must still list it.
    let tmp = tempdir();
    let out = build_site(&fixture("tags"), tmp.path(), &[]);
    let links = tag_links(&out);
    assert_eq!(links.len(), 5, "{links:?}");
    let broken: Vec<_> = links.iter().filter(|(_, _, listed)| !listed).collect();
    assert!(
        broken.is_empty(),
        "tag links that do not list their document: {broken:?}"
    );
    assert_links_resolve(&tree(&out), false);
}

// ---------------------------------------------------------------- templates and theme

#[test]
fn site_document_template_replaces_the_built_in_one_only() {
    // templates/document.html of the site renders document pages; other pages keep the built-in templates.
    let tmp = tempdir();
    let out = build_site(&fixture("template-document"), tmp.path(), &[]);
    let doc = read(&out, "documents/pol-1/index.html");
    assert!(
        doc.contains("<article class=\"site-document-template\">"),
        "{doc}"
    );
    assert!(doc.contains("<h1>POL-1: Policy</h1>"));
    assert!(doc.contains("Owned by Quality Manager"));
    assert!(
        !doc.contains("Referenced by"),
        "the built-in document template was used"
    );
    // The body and the built-in base template are still there.
    assert!(doc.contains("id=\"purpose\""));
    assert!(doc.contains("site-header"));
    let index = read(&out, "index.html");
    assert!(index.contains("Document register"));
    assert!(!index.contains("site-document-template"));
}

#[test]
fn site_base_template_frames_every_page() {
    // templates/base.html of the site replaces the frame of every page, built-in children included.
    let tmp = tempdir();
    let out = build_site(&fixture("template-base"), tmp.path(), &[]);
    let files = tree(&out);
    let mut pages = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") || is_search_index(path) {
            continue;
        }
        pages += 1;
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains("<p class=\"site-banner\">Intranet copy of Override fixture</p>"),
            "{path} does not use the site's base.html"
        );
        assert!(
            !html.contains("site-header"),
            "{path} uses the built-in base.html"
        );
    }
    assert!(pages >= 5);
    assert!(read(&out, "documents/pol-1/index.html").contains("id=\"purpose\""));
}

#[test]
fn template_syntax_error_is_located_in_the_site_template() {
    // A syntax error in templates/document.html names that file and line; exit 1, no output.
    let run = build_fails(&fixture("template-syntax-error"), 1, &[]);
    assert_located(
        &run.stderr,
        "templates/document.html",
        3,
        18,
        "<h1>{{ doc.title }</h1>",
    );
}

#[test]
fn template_rendering_error_names_the_template_and_line() {
    // A template reading a missing field fails the build with templates/document.html:4.
    let run = build_fails(&fixture("template-render-error"), 1, &[]);
    assert!(
        run.stderr.contains("templates/document.html:4:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no_such_field"), "{}", run.stderr);
}

#[test]
fn site_theme_file_replaces_the_built_in_one() {
    // theme/clausebook.css of the site is published instead of the built-in stylesheet.
    let tmp = tempdir();
    let out = build_site(&fixture("theme-override"), tmp.path(), &[]);
    let site_css = std::fs::read(fixture("theme-override").join("theme/clausebook.css")).unwrap();
    let built_in = std::fs::read(repo_root().join("theme/clausebook.css")).unwrap();
    assert_ne!(site_css, built_in);
    assert_eq!(
        std::fs::read(out.join("theme/clausebook.css")).unwrap(),
        site_css
    );
    // The other theme files are still the built-in ones.
    assert_eq!(
        std::fs::read(out.join("theme/clausebook.js")).unwrap(),
        std::fs::read(repo_root().join("theme/clausebook.js")).unwrap()
    );
    assert!(read(&out, "index.html").contains("theme/clausebook.css"));
}

// ---------------------------------------------------------------- example site

#[test]
fn example_site_builds_deterministically() {
    // Two builds of the example site are byte-identical, file by file (XLSX included), except the search index, which lives in search/tantivy/ alone.
    let tmp = tempdir();
    // The example has [history]: its publication stamp takes the build
    // time from SOURCE_DATE_EPOCH, as reproducible builds set it.
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let status = std::process::Command::new(bin())
            .args(["--color", "never", "build", "--today", TODAY, "--root"])
            .arg(repo_root())
            .arg("--output")
            .arg(out)
            .env("SOURCE_DATE_EPOCH", "1772445600")
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert!(a.join("search/tantivy/meta.json").is_file());
    let outside: Vec<String> = tree(&a)
        .into_keys()
        .filter(|k| is_search_index(k) && !k.starts_with("search/tantivy/"))
        .collect();
    assert!(outside.is_empty(), "index files elsewhere: {outside:?}");
    let (ta, tb) = (tree_without_index(&a), tree_without_index(&b));
    assert!(ta.keys().any(|k| k.ends_with(".xlsx")));
    assert!(
        ta.keys()
            .any(|k| k.ends_with("documents/sms-pro-007/index.html"))
    );
    assert_same_files(&ta, &tb, "two builds of the example site");
}

#[test]
fn example_site_publishes_every_document_in_the_register() {
    // The example site builds with exit 0; each published document has its page and a register row, unpublished ones neither.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(&repo_root(), &out, &[]);
    run.assert_code(0);
    assert!(error_lines(&run.stderr).is_empty(), "{}", run.stderr);
    let site = load_site(&repo_root(), false);
    let published = site.published.iter().filter(|p| **p).count();
    assert!(published >= 40, "only {published} published documents");
    assert!(
        run.stdout.contains(&format!("Built {published} documents")),
        "{}",
        run.stdout
    );
    assert!(site.published.iter().any(|p| !p), "the example has drafts");

    let register = read(&out, "index.html");
    let linked: BTreeSet<String> = attr_values(&register, "href")
        .iter()
        .filter_map(|h| resolve_href("index.html", h))
        .map(|(t, _)| t)
        .collect();
    for (i, d) in site.docs.iter().enumerate() {
        let page = &site.urls[i];
        assert_eq!(
            out.join(page).is_file(),
            site.published[i],
            "{}: page {page}",
            d.meta.id
        );
        assert_eq!(
            linked.contains(page),
            site.published[i],
            "{}: register link",
            d.meta.id
        );
        if site.published[i] {
            let html = read(&out, page);
            assert!(html.contains(&d.meta.id), "{} not on its page", d.meta.id);
            assert!(
                register.contains(&format!(">{}<", d.meta.id)),
                "{} not in the register",
                d.meta.id
            );
        }
    }
}

#[test]
fn example_site_links_all_resolve_and_stay_on_the_site() {
    // A link checker over the whole example output: every internal href resolves, nothing points to another host.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_cli(&repo_root(), &out, &["--drafts"]).assert_code(0);
    let files = tree(&out);
    let checked = assert_links_resolve(&files, false);
    assert!(checked > 1000, "only {checked} links checked");
    // Links name files, not folders, so that the site also works from file://.
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && !is_search_index(p))
    {
        let html = String::from_utf8_lossy(bytes);
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "action"))
        {
            let target = url.split('#').next().unwrap();
            assert!(
                is_external(&url) || !target.ends_with('/'),
                "{path}: {url} names a folder, which file:// does not open"
            );
        }
    }

    for (path, bytes) in &files {
        if is_search_index(path) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") {
            // No template leakage.
            assert!(
                !text.contains("{{") && !text.contains("{%"),
                "{path} shows template syntax"
            );
            // No stylesheet, script or font from another host.
            for tag in text
                .split('<')
                .filter(|t| t.starts_with("link ") || t.starts_with("script"))
            {
                let tag = tag.split('>').next().unwrap();
                for url in attr_values(tag, "href")
                    .into_iter()
                    .chain(attr_values(tag, "src"))
                {
                    // `data:` (the empty favicon) is inline, not a request.
                    assert!(
                        url.starts_with("data:") || !is_external(&url),
                        "{path}: <{tag}> loads {url}"
                    );
                }
            }
        }
        if path.ends_with(".css") {
            assert!(!text.contains("@import"), "{path} imports a stylesheet");
            for url in text.split("url(").skip(1) {
                let url = url.trim_start_matches(['"', '\'']);
                // `data:` (the banners' SVG icons) is inline, not a request.
                assert!(
                    url.starts_with("data:") || !is_external(url),
                    "{path} loads {url}"
                );
            }
        }
        if path.ends_with(".js") {
            for q in ['"', '\'', '`'] {
                for scheme in ["http://", "https://"] {
                    assert!(
                        !text.contains(&format!("{q}{scheme}")),
                        "{path} requests another host"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_tables_footnotes_strikethrough_task_lists_and_heading_ids() {
    // The Markdown the README promises renders as HTML: a table with its alignment, a footnote linked both ways, strikethrough, a task list, `{#id}` and derived heading ids that links reach.
    let tmp = tempdir();
    let out = build_site(&fixture("markdown"), tmp.path(), &[]);
    let page = "documents/md-1/index.html";
    let html = read(&out, page);
    let body = &html[html.find("<div class=\"doc-body\">").expect("a body")..];
    for (what, expected) in [
        (
            "table head",
            "<thead><tr><th>Role</th><th style=\"text-align: center\">Approves</th></tr></thead>",
        ),
        (
            "table row",
            "<tr><td>CAB</td><td style=\"text-align: center\">major changes</td></tr>",
        ),
        ("strikethrough", "The <del>paper form</del> is retired."),
        (
            "checked task",
            "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nRequest raised",
        ),
        (
            "open task",
            "<input disabled=\"\" type=\"checkbox\"/>\nRequest reviewed",
        ),
        ("footnote text", "In the ITSM tool, for seven years."),
    ] {
        assert!(
            body.contains(expected),
            "no {what} `{expected}` in:\n{body}"
        );
    }
    // The footnote reference leads to the footnote.
    let reference = body
        .split("<sup class=\"footnote-reference\">")
        .nth(1)
        .expect("a footnote reference");
    let href = attr_values(reference, "href").into_iter().next().unwrap();
    let (_, fragment) = resolve_href(page, &href).unwrap();
    let fragment = fragment.expect("a fragment");
    assert!(
        body.contains(&format!(
            "<div class=\"footnote-definition\" id=\"{fragment}\">"
        )),
        "the footnote reference {href} does not lead to the footnote:\n{body}"
    );
    // `{#approval}` names the heading; another heading gets its text in
    // lower case, letters and digits kept, words joined by `-`.
    let heading_ids = ids(body);
    assert!(heading_ids.contains("approval"), "{heading_ids:?}");
    assert!(
        heading_ids.contains("emergency-changes-other-cases"),
        "{heading_ids:?}"
    );
    assert!(!body.contains("{#approval}"), "the id syntax is shown");
    for text in ["the approval", "the cases"] {
        let href = href_of(body, text).unwrap_or_else(|| panic!("no link `{text}`"));
        let (_, f) = resolve_href(page, &href).unwrap();
        assert!(heading_ids.contains(&f.clone().unwrap()), "{text}: {href}");
    }
    assert_links_resolve(&tree(&out), false);
}

#[test]
fn a_leading_title_heading_is_dropped_only_when_it_repeats_the_title() {
    // The page shows the title once: a leading `# Title` equal to the document's title is dropped, a different first heading stays.
    let tmp = tempdir();
    let out = build_site(&fixture("markdown"), tmp.path(), &[]);
    let same = read(&out, "documents/md-1/index.html");
    assert_eq!(same.matches("<h1").count(), 1, "{same}");
    assert_eq!(same.matches("Markdown Features</h1>").count(), 1);
    let other = read(&out, "documents/md-2/index.html");
    assert!(other.contains("<h1>Release Checklist</h1>"), "{other}");
    let body = &other[other.find("<div class=\"doc-body\">").unwrap()..];
    assert!(
        body.contains("Release Checklist for Major Releases"),
        "the differing first heading is gone: {body}"
    );
}

// ---------------------------------------------------------------- settings

#[test]
fn extra_values_reach_templates_and_extra_theme_files_are_copied() {
    // `[extra]` values are `site.extra.*` and unknown front-matter keys `page.extra.*` in templates (escaped), and the site's other theme files are published beside the built-in ones.
    let tmp = tempdir();
    let site = fixture("extra");
    let run = build_cli(&site, &tmp.path().join("out"), &[]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("warning: [unknown-key] unknown front-matter key `confidentiality`"),
        "{}",
        run.stderr
    );
    let out = tmp.path().join("out");
    let html = read(&out, "documents/pol-1/index.html");
    for expected in [
        "<p class=\"notice\">Controlled copy &lt;R&amp;D&gt;</p>",
        "<p class=\"contact\">Service Desk, +44 20 7946 0000</p>",
        "<p class=\"confidentiality\">Confidentiality: internal</p>",
    ] {
        assert!(html.contains(expected), "no `{expected}` in:\n{html}");
    }
    for file in ["logo.svg", "print/print.css"] {
        assert_eq!(
            std::fs::read(out.join("theme").join(file)).unwrap(),
            std::fs::read(site.join("theme").join(file)).unwrap(),
            "theme/{file}"
        );
    }
    for (name, _) in clausebook::load::templates::THEME {
        assert!(out.join("theme").join(name).is_file(), "theme/{name}");
    }
    assert_links_resolve(&tree(&out), false);
}

#[test]
fn clean_links_end_in_the_folder() {
    // With `clean_links = true` every link to a page ends in `dir/`, never `index.html`, and still resolves; by default links name `index.html`.
    let tmp = tempdir();
    let site = copy_fixture("links", tmp.path());
    let plain = build_site(&site, &tmp.path().join("plain"), &[]);
    set_config_key(&site, "clean_links = true");
    let clean = build_site(&site, &tmp.path().join("clean"), &[]);
    for (out, is_clean) in [(&plain, false), (&clean, true)] {
        let files = tree(out);
        // The fixture links to another host on purpose.
        let checked = assert_links_resolve(&files, true);
        assert!(checked > 50, "only {checked} links checked");
        let (mut folders, mut index_html) = (0, 0);
        for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
            if is_search_index(page) || page == "404.html" {
                continue;
            }
            for href in internal_hrefs(&String::from_utf8_lossy(bytes)) {
                let path = href.split(['#', '?']).next().unwrap();
                folders += usize::from(path.ends_with('/'));
                index_html += usize::from(path.ends_with("index.html"));
            }
        }
        if is_clean {
            assert!(folders > 50 && index_html == 0, "{folders} / {index_html}");
        } else {
            assert!(folders == 0 && index_html > 50, "{folders} / {index_html}");
        }
    }
    // Links written by id in Markdown follow the setting too.
    let page = "documents/pro-1/index.html";
    let href = href_of(&read(&clean, page), "link by id").unwrap();
    assert!(href.ends_with('/'), "{href}");
    assert_eq!(
        resolve_href(page, &href).unwrap().0,
        "documents/pol-1/index.html"
    );
    // So does the search box's URL pattern.
    assert!(read(&clean, "search/index.js").contains("\"url\":\"documents/%/\""));
    assert!(read(&plain, "search/index.js").contains("\"url\":\"documents/%/index.html\""));
}

#[test]
fn the_404_page_links_from_the_base_url_or_the_host_root() {
    // The 404 page, served at any address, links from `/` by default and from `base_url` when set (with or without its trailing `/`); every other file is the same either way.
    let tmp = tempdir();
    let site = copy_fixture("links", tmp.path());
    let plain = build_site(&site, &tmp.path().join("plain"), &[]);
    set_config_key(&site, "base_url = \"https://intranet.example/sms\"");
    let based = build_site(&site, &tmp.path().join("based"), &[]);
    for (out, prefix) in [(&plain, "/"), (&based, "https://intranet.example/sms/")] {
        let files = tree(out);
        let html = read(out, "404.html");
        let mut links = 0;
        for attr in ["href", "src", "action"] {
            for url in attr_values(&html, attr) {
                if url.starts_with("data:") || url.starts_with('#') {
                    continue;
                }
                let rest = url.strip_prefix(prefix).unwrap_or_else(|| {
                    panic!("404.html: {attr}=\"{url}\" does not start with {prefix}")
                });
                let (target, _) = resolve_href("404.html", &format!("/{rest}")).unwrap();
                assert!(
                    files.contains_key(&target),
                    "404.html: {url} → missing {target}"
                );
                links += 1;
            }
        }
        assert!(links >= 5, "only {links} links on the 404 page");
    }
    let (mut a, mut b) = (tree_without_index(&plain), tree_without_index(&based));
    assert_ne!(a.remove("404.html"), b.remove("404.html"));
    assert_same_files(&a, &b, "outputs with and without base_url, 404.html aside");
}

#[test]
fn a_link_to_a_missing_file_suggests_the_nearest_file() {
    // A link to a misspelt file name gets "did you mean" with the nearest document's file, as a link from the linking document.
    let tmp = tempdir();
    let site = copy_fixture("link-missing-file", tmp.path());
    std::fs::create_dir_all(site.join("content/plans")).unwrap();
    std::fs::rename(
        site.join("content/policy.md"),
        site.join("content/plans/service-plan.md"),
    )
    .unwrap();
    replace(
        &site.join("content/procedure.md"),
        "(plans/plan.md#scope)",
        "(plans/servce-plan.md)",
    );
    replace(
        &site.join("content/procedure.md"),
        "(policy.md)",
        "(procedure.md)",
    );
    let run = build_fails(&site, 1, &[]);
    assert!(
        run.stderr
            .contains("did you mean `plans/service-plan.md` (content/plans/service-plan.md)?"),
        "{}",
        run.stderr
    );
}

#[test]
fn declared_fields_and_kinds_are_checked_by_type_and_shown() {
    // A site's own fields are validated by their declared type at their value, a wrong kind suggests the declared one, a misspelt field still warns with a did-you-mean, and good values show on the page with an edit link and the kind's own listing.
    let run = build_fails(&fixture("custom-fields"), 1, &[]);
    let err = &run.stderr;
    for (line, col, message) in [
        (4, 7, "unknown kind `manuel`"),
        (
            12,
            18,
            "`confidentiality` must be a text in quotes, found a number",
        ),
        (
            13,
            13,
            "invalid date `2026-02-30` in `next_audit`: February 2026 has 28 days",
        ),
        (14, 8, "`pages` must be a number, found a string"),
        (15, 13, "`controlled` must be true or false, found a string"),
        (16, 12, "`audiences` must be a list of texts"),
    ] {
        assert!(
            err.contains(message) && err.contains(&format!("content/bad.md:{line}:{col}")),
            "{message} at {line}:{col}\n{err}"
        );
    }
    assert!(err.contains("did you mean `manual`?"), "{err}");
    assert!(
        err.contains("unknown front-matter key `confidentialty`")
            && err.contains("did you mean `confidentiality`?"),
        "{err}"
    );
    // Declared fields are not unknown keys.
    assert!(
        !err.contains("unknown front-matter key `confidentiality`"),
        "{err}"
    );

    let tmp = tempdir();
    let site = copy_fixture("custom-fields", tmp.path());
    std::fs::remove_file(site.join("content/bad.md")).unwrap();
    let out = build_site(&site, tmp.path(), &[]);
    let page = std::fs::read_to_string(out.join("documents/man-1/index.html")).unwrap();
    for shown in [
        "<dt>Audiences</dt><dd class=\"field\">staff</dd>",
        "<dt>Confidentiality</dt><dd class=\"field\">internal</dd>",
        "<dt>Controlled</dt><dd class=\"field\">Yes</dd>",
        "<dt>Next audit</dt><dd class=\"field\">2026-09-30</dd>",
        "<dt>Pages</dt><dd class=\"field\">12</dd>",
        "<a class=\"edit-link\" href=\"https://git.example.com/sms/edit/main/content/manual.md\">Edit this page</a>",
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    let listing = std::fs::read_to_string(out.join("kinds/manual/index.html")).unwrap();
    assert!(listing.contains("<h1 class=\"page-title\">Manuals</h1>"));
    assert!(listing.contains("MAN-1"));
}

#[test]
fn the_example_site_builds_without_warnings_about_its_own_fields() {
    // The example declares `confidentiality` and the `manual` kind: no unknown-key warning, and its manuals have their own listing.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(Path::new(env!("CARGO_MANIFEST_DIR")), &out, &[]);
    run.assert_code(0);
    assert!(!run.stderr.contains("unknown-key"), "{}", run.stderr);
    let listing = std::fs::read_to_string(out.join("kinds/manual/index.html")).unwrap();
    assert!(listing.contains("SMS-MAN-001") && listing.contains("Manuals"));
}

#[test]
fn small_things_of_the_pages() {
    // The exclusion register is in clause order, clause badges are in clause order (not front-matter order), and a site's logo and favicon settings reach every page (a built-in favicon otherwise).
    let tmp = tempdir();
    let site = copy_fixture("coverage", tmp.path());
    replace(
        &site.join("clausebook.toml"),
        "[[exclusions.\"acme-a:1\"]]\nclause = \"4.5\"\njustification = \"We provide no such service.\"\n",
        "[[exclusions.\"acme-a:1\"]]\nclause = \"4.6\"\njustification = \"Second.\"\n\n[[exclusions.\"acme-a:1\"]]\nclause = \"4.5\"\njustification = \"We provide no such service.\"\n",
    );
    let out = build_site(&site, tmp.path(), &[]);
    let register = std::fs::read_to_string(out.join("exclusions/index.html")).unwrap();
    let (a, b) = (
        register.find("We provide no such service.").unwrap(),
        register.find("Second.").unwrap(),
    );
    assert!(a < b, "4.5 comes after 4.6 in the exclusion register");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("<link rel=\"icon\" href=\"./theme/favicon.svg\">"),
        "{page}"
    );
    assert!(out.join("theme/favicon.svg").is_file());

    // Badges: the document lists 4.9 before 4.1 in its front-matter.
    let doc = std::fs::read_dir(site.join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).unwrap().contains("acme-a:1/4.9"))
        .unwrap();
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(
        &doc,
        text.replace("\"acme-a:1/4.1\", ", "")
            .replace("\"acme-a:1/4.9\"]", "\"acme-a:1/4.9\", \"acme-a:1/4.1\"]"),
    )
    .unwrap();
    std::fs::create_dir_all(site.join("theme")).unwrap();
    std::fs::write(
        site.join("theme/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::write(site.join("theme/icon.png"), b"png").unwrap();
    replace(
        &site.join("clausebook.toml"),
        "organization = \"Fixture Ltd\"",
        "organization = \"Fixture Ltd\"\nlogo = \"logo.svg\"\nfavicon = \"icon.png\"",
    );
    let out = build_site(&site, tmp.path(), &[]);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("<link rel=\"icon\" href=\"./theme/icon.png\">"),
        "{page}"
    );
    assert!(
        page.contains("<img class=\"logo\" src=\"./theme/logo.svg\" alt=\"\">"),
        "{page}"
    );
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("id = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_lowercase();
    let doc_page = std::fs::read_to_string(out.join(format!("documents/{id}/index.html"))).unwrap();
    let (first, last) = (
        doc_page.find("<span class=\"num\">4.1</span>").unwrap(),
        doc_page.find("<span class=\"num\">4.9</span>").unwrap(),
    );
    assert!(first < last, "badges in front-matter order");
}

#[test]
fn the_dashboard_draws_every_requirement_clause_in_its_state() {
    // The coverage dashboard's heat map has one cell per requirement clause, in clause order, each with its clause's state and a link to its page.
    let tmp = tempdir();
    let out = build_site(&fixture("coverage"), tmp.path(), &[]);
    let page = std::fs::read_to_string(out.join("standards/acme-a-1/coverage/index.html")).unwrap();
    let cells: Vec<&str> = page.split("<a class=\"cell cov-").skip(1).collect();
    let requirements: usize = page
        .split("<span class=\"stat-value\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert_eq!(cells.len(), requirements);
    let states: std::collections::BTreeSet<&str> =
        cells.iter().map(|c| c.split('"').next().unwrap()).collect();
    for s in [
        "full",
        "partial",
        "gap",
        "derived",
        "planned",
        "not-applicable",
    ] {
        assert!(states.contains(s), "no {s} cell: {states:?}");
    }
    let first = cells[0];
    assert!(
        first.contains("href=\"../../../standards/acme-a-1/") && first.contains("<title>"),
        "{first}"
    );
}
