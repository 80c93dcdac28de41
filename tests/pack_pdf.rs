//! `clausebook pack --pdf` through the local Chromium: the PDF holds every
//! published document, its contents give the right page numbers and its
//! links lead to pages. It needs Chromium and poppler's `pdftotext` and
//! `pdfinfo`: without them the test is skipped with a notice, unless
//! `CLAUSEBOOK_REQUIRE_BROWSER=1` (set by `.ci/run`) makes them mandatory.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::*;

/// The missing tools, or `None` to skip (after saying so).
fn tools_or_skip(test: &str) -> Option<()> {
    let mut missing = Vec::new();
    let browser = std::env::var_os("CLAUSEBOOK_CHROMIUM").is_some_and(|v| !v.is_empty())
        || clausebook::publish::pdf::BROWSERS
            .iter()
            .any(|b| which(b).is_some());
    if !browser {
        missing.push("Chromium (apt-get install chromium)");
    }
    for t in ["pdftotext", "pdfinfo"] {
        if which(t).is_none() {
            missing.push("poppler-utils (apt-get install poppler-utils)");
            break;
        }
    }
    if missing.is_empty() {
        return Some(());
    }
    let required =
        std::env::var_os("CLAUSEBOOK_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0");
    if required {
        panic!(
            "{test} needs {} (CLAUSEBOOK_REQUIRE_BROWSER is set: it may not be skipped)",
            missing.join(", ")
        );
    }
    // Straight to the terminal, past the test runner's capture.
    let notice = format!(
        "\n*** SKIPPED {test}: it needs {} ***\n\n",
        missing.join(", ")
    );
    let _ = std::io::stderr().write_all(notice.as_bytes());
    None
}

fn tool(name: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(file)
        // pdftotext writes to standard output when told `-`.
        .args((name == "pdftotext").then_some("-"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The page (1-based) of each named destination, and the destination of
/// each link annotation, read with lopdf.
fn dests_and_links(bytes: &[u8]) -> (BTreeMap<String, usize>, Vec<(usize, String)>) {
    use lopdf::{Document, Object};
    let doc = Document::load_mem(bytes).expect("a PDF lopdf reads");
    let pages: BTreeMap<lopdf::ObjectId, usize> = doc
        .get_pages()
        .into_iter()
        .map(|(n, id)| (id, n as usize))
        .collect();
    let catalog = doc.catalog().unwrap();
    let dests = catalog
        .get_deref(b"Dests", &doc)
        .and_then(Object::as_dict)
        .expect("Chromium writes a /Dests dictionary");
    let mut named = BTreeMap::new();
    for (k, v) in dests.iter() {
        let arr = doc.dereference(v).unwrap().1.as_array().unwrap();
        let page = pages[&arr[0].as_reference().unwrap()];
        named.insert(String::from_utf8_lossy(k).into_owned(), page);
    }
    let mut links = Vec::new();
    for (&id, &n) in &pages {
        for a in doc.get_page_annotations(id).unwrap_or_default() {
            if a.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            if let Ok(d) = a.get(b"Dest") {
                let name = d.as_name().or_else(|_| d.as_str()).unwrap();
                links.push((n, String::from_utf8_lossy(name).into_owned()));
            }
        }
    }
    (named, links)
}

#[test]
fn the_pdf_pack_of_the_example_has_every_document_right_page_numbers_and_working_links() {
    // `pack --pdf` prints the example's pack: every published id is in its text, each document starts on the page its contents give, and its links lead to pages.
    let Some(()) = tools_or_skip(
        "the_pdf_pack_of_the_example_has_every_document_right_page_numbers_and_working_links",
    ) else {
        return;
    };
    let tmp = tempdir();
    let site = tmp.path().join("site");
    copy_example_site(&site);
    let site_arg = site.to_str().unwrap();
    let words = [
        "pack", "--root", site_arg, "--today", TODAY, "--pdf", "-o", "pack.pdf",
    ];
    let args: Vec<&std::ffi::OsStr> = words.iter().map(std::ffi::OsStr::new).collect();
    let temp = tmp.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    run_cli_env(
        Some(tmp.path()),
        &args,
        &[
            ("SOURCE_DATE_EPOCH", "1795000000"),
            ("TMPDIR", temp.to_str().unwrap()),
        ],
    )
    .assert_code(0);
    // The browser printed in a temporary folder, removed since.
    assert!(
        entries(&temp).is_empty(),
        "left behind: {:?}",
        entries(&temp)
    );
    let pdf = tmp.path().join("pack.pdf");
    assert_eq!(
        entries(tmp.path())
            .iter()
            .filter(|e| !e.starts_with("site") && !e.starts_with("temp"))
            .count(),
        1,
        "only the PDF is written"
    );
    let ids: Vec<String> = published_docs(&load_site(&site, false))
        .into_iter()
        .map(|(id, _)| id)
        .collect();

    let info = tool("pdfinfo", &[], &pdf);
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo gives the page count")
        .trim()
        .parse()
        .unwrap();
    assert!(
        count >= ids.len() + 2,
        "{count} pages for {} documents",
        ids.len()
    );

    let text = tool("pdftotext", &["-layout"], &pdf);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    for id in &ids {
        assert!(text.contains(id.as_str()), "{id} is not in the PDF's text");
    }
    // The contents: a line per document, its id first and its page last.
    let mut toc: BTreeMap<String, usize> = BTreeMap::new();
    for page in &pages[..4] {
        for line in page.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let (Some(first), Some(last)) = (words.first(), words.last())
                && ids.iter().any(|i| i == first)
                && let Ok(n) = last.parse::<usize>()
            {
                toc.insert(first.to_string(), n);
            }
        }
    }
    assert_eq!(
        toc.len(),
        ids.len(),
        "the contents give a page for every document: {toc:?}"
    );
    // The running header (each page's first line) names the document: its
    // first page is the one the contents give.
    let header = |n: usize| -> String {
        pages[n - 1]
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    };
    for (id, &n) in &toc {
        assert!(n > 2 && n <= count, "{id} on page {n}");
        assert_eq!(&header(n), id, "page {n} does not start {id}");
        assert_ne!(&header(n - 1), id, "{id} starts before page {n}");
    }

    // Links: every link annotation leads to a named destination on a page,
    // and the contents' link to each document leads to its first page.
    let (dests, links) = dests_and_links(&std::fs::read(&pdf).unwrap());
    assert!(links.len() > ids.len(), "{} links", links.len());
    for (page, dest) in &links {
        assert!(
            dests.contains_key(dest),
            "the link to {dest} on page {page} leads nowhere"
        );
    }
    for (id, &n) in &toc {
        let anchor = format!("doc-{}", id.to_lowercase());
        assert_eq!(dests.get(&anchor), Some(&n), "the destination of {id}");
        assert!(
            links.iter().any(|(p, d)| *d == anchor && *p <= 3),
            "the contents do not link to {id}"
        );
    }
}
