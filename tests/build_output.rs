//! What a build says and writes beyond the pages' content: `--quiet`,
//! unique ids in a page, and symbolic links in `templates/` and `theme/`.

mod common;

use std::collections::BTreeSet;

use common::*;

#[test]
fn quiet_builds_print_the_errors_and_only_a_count_of_the_warnings() {
    // `build --quiet` prints no warning and no summary but one line counting the warnings and saying how to see them; errors are printed in full; `--help` says so.
    let tmp = tempdir();
    let site = copy_fixture("coverage", tmp.path());
    let out = tmp.path().join("out");
    let loud = build_cli(&site, &out, &[]);
    loud.assert_code(0);
    assert!(loud.stderr.contains("[partial-only]"), "{}", loud.stderr);
    assert!(loud.stdout.contains("3 warnings"), "{}", loud.stdout);

    let quiet = build_cli(&site, &out, &["--quiet"]);
    quiet.assert_code(0);
    assert_eq!(quiet.stdout, "");
    assert_eq!(
        quiet.stderr,
        "warning: 3 warnings not shown (--quiet); build without --quiet, or run `clausebook check`, to see them\n"
    );

    // A failed build still shows its errors, not its warnings.
    append(
        &site.join("content/full.md"),
        "\nSee [the missing one](NOPE-1).\n",
    );
    let failed = build_cli(&site, &out, &["-q"]);
    failed.assert_code(1);
    assert!(
        failed
            .stderr
            .contains("link to an unknown document id `NOPE-1`"),
        "{}",
        failed.stderr
    );
    assert!(
        !failed.stderr.contains("[partial-only]"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("3 warnings not shown (--quiet)"),
        "{}",
        failed.stderr
    );

    // Without warnings, a quiet build prints nothing at all.
    let tags = copy_site(&fixture("tags"), &tmp.path().join("tags"));
    let silent = build_cli(&tags, &tmp.path().join("tags-out"), &["-q"]);
    silent.assert_code(0);
    assert_eq!((silent.stdout.as_str(), silent.stderr.as_str()), ("", ""));

    let help = run_cli(&["build", "--help"]);
    help.assert_code(0);
    assert!(
        help.stdout
            .contains("Print errors only and a one-line count of the warnings"),
        "{}",
        help.stdout
    );
}

#[test]
fn ids_in_a_page_are_unique_and_links_to_headings_still_reach_them() {
    // A heading and a footnote of the same name (`## Log`, `[^log]`), or a heading named like an id of the page itself (`## Main`), get different ids; links to the headings, from the page and from another document, reach the headings, and footnote references their footnotes.
    let tmp = tempdir();
    let site = copy_fixture("ids", tmp.path());
    let out = tmp.path().join("out");
    let run = build_cli(&site, &out, &[]);
    run.assert_code(0);
    assert!(!run.stderr.contains("broken-link"), "{}", run.stderr);
    let page = read(&out, "documents/log-1/index.html");
    let mut seen = std::collections::BTreeSet::new();
    let repeated: Vec<String> = attr_values(&page, "id")
        .into_iter()
        .filter(|id| !seen.insert(id.clone()))
        .collect();
    assert!(repeated.is_empty(), "ids repeated: {repeated:?}\n{page}");
    // The headings keep the ids links name; the page's own `main` stays.
    assert!(page.contains("<h2 id=\"log\">Log "), "{page}");
    assert!(page.contains("<h2 id=\"main-1\">Main "), "{page}");
    assert!(page.contains("<main id=\"main\""), "{page}");
    assert_eq!(href_of(&page, "log").as_deref(), Some("#log"));
    assert_eq!(href_of(&page, "main").as_deref(), Some("#main-1"));
    // Each footnote reference leads to its footnote.
    let refs: Vec<&str> = page
        .split("<sup class=\"footnote-reference\"><a href=\"#")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(refs.len(), 2, "{page}");
    for r in refs {
        assert!(
            page.contains(&format!("<div class=\"footnote-definition\" id=\"{r}\">")),
            "the footnote reference #{r} leads to no footnote:\n{page}"
        );
    }
    let reader = read(&out, "documents/rdr-1/index.html");
    assert_eq!(
        href_of(&reader, "change log").as_deref(),
        Some("../../documents/log-1/index.html#log")
    );
    // Every link of the site, with its fragment, reaches an id.
    assert_links_resolve(&tree(&out), false);
}

#[cfg(unix)]
#[test]
fn links_in_templates_and_theme_are_followed_inside_the_site_and_reported_outside() {
    // A symbolic link in templates/ or theme/ to a file inside the site's folder is read like the file; one leading out of the site or nowhere is not read and is a warning at the link saying what to do, in `build` and in `check`.
    use std::os::unix::fs::symlink;
    let tmp = tempdir();
    let site = copy_fixture("theme-override", tmp.path());
    write_file(&site.join("shared/extra.css"), "/* shared */\n");
    write_file(
        &site.join("shared/404.html"),
        "<!doctype html><title>Lost</title><p>Linked 404</p>\n",
    );
    std::fs::create_dir_all(site.join("templates")).unwrap();
    symlink("../shared/extra.css", site.join("theme/extra.css")).unwrap();
    symlink("../shared/404.html", site.join("templates/404.html")).unwrap();
    write_file(&tmp.path().join("outside/secret.css"), "/* outside */\n");
    symlink(
        tmp.path().join("outside/secret.css"),
        site.join("theme/secret.css"),
    )
    .unwrap();
    symlink("../nowhere.html", site.join("templates/gone.html")).unwrap();

    let out = tmp.path().join("out");
    let run = build_cli(&site, &out, &[]);
    run.assert_code(0);
    assert_eq!(read(&out, "theme/extra.css"), "/* shared */\n");
    assert!(read(&out, "404.html").contains("Linked 404"));
    assert!(!out.join("theme/secret.css").exists());
    for report in [&run.stderr, &check_cli(&site, "human", &[]).stderr] {
        for want in [
            "`theme/secret.css` is a symbolic link to",
            "outside the site's folder: not followed",
            "`templates/gone.html` is a symbolic link to `../nowhere.html`, which cannot be read",
            "point the link inside it",
        ] {
            assert!(report.contains(want), "missing {want:?} in:\n{report}");
        }
    }
    assert!(run.stdout.contains("2 warnings"), "{}", run.stdout);
}

/// The ids the built-in scripts give the elements they add to a page
/// (`x.id = 'a'`, `x.id || 'a'`, `listId = 'a'`, `id="a' + i` in HTML they
/// write; a numbered one as its first, `…-0`), read from their source.
fn script_made_ids() -> BTreeSet<String> {
    let root = repo_root();
    let mut sources: Vec<String> = std::fs::read_dir(root.join("theme"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    sources.push(std::fs::read_to_string(root.join("src/serve/live.rs")).unwrap());
    let mut ids = BTreeSet::new();
    for text in sources.iter().map(|t| t.to_ascii_lowercase()) {
        for (at, _) in text.match_indices("id") {
            let rest = text[at + 2..].trim_start();
            let Some(rest) = rest
                .strip_prefix("||")
                .or_else(|| rest.strip_prefix('=').filter(|r| !r.starts_with('=')))
            else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix(['\'', '"']) else {
                continue;
            };
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !id.is_empty() {
                ids.insert(if id.ends_with('-') {
                    format!("{id}0")
                } else {
                    id
                });
            }
        }
    }
    ids
}

#[test]
fn headings_named_like_the_ids_scripts_add_get_other_ids() {
    // A heading named like an element a built-in script adds to the page (the search dropdown, serve's error overlay) gets another id, so that the script's element and the heading never share one.
    let made = script_made_ids();
    for expected in [
        "search-results",
        "search-results-list",
        "search-result-0",
        "clausebook-overlay",
    ] {
        assert!(made.contains(expected), "{expected} not found in {made:?}");
    }
    let headings: String = made
        .iter()
        .map(|id| format!("## {}\n\nText.\n\n", id.replace('-', " ")))
        .collect();
    let tmp = tempdir();
    let site = copy_fixture("ids", tmp.path());
    write_file(
        &site.join("content/scripted.md"),
        &format!(
            "+++\nid = \"SCR-1\"\ntitle = \"Scripted\"\nkind = \"procedure\"\nstatus = \"approved\"\n\
             owner = \"Service Manager\"\napprover = \"Director\"\nversion = \"1.0\"\n\
             effective = 2026-01-05\nreview_by = 2099-12-31\n+++\n\n{headings}"
        ),
    );
    let out = tmp.path().join("out");
    build_cli(&site, &out, &[]).assert_code(0);
    let page = read(&out, "documents/scr-1/index.html");
    let ids = attr_values(&page, "id");
    for id in &made {
        assert!(!ids.contains(id), "a heading took the script's id {id}");
        assert!(
            page.contains(&format!("<h2 id=\"{id}-1\">")),
            "no heading {id}-1:\n{page}"
        );
    }
}
