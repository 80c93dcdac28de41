//! Raw HTML and script URLs in documents: the fixture
//! `tests/fixtures/injection/attacks` holds every attack vector (ATK-1) next
//! to markup that must survive (SAFE-1) and a document without raw HTML
//! (POL-1), built under each `[markdown] raw_html` setting. The written
//! HTML is read back, and `tests/browser/injection.test.js` opens it in
//! headless Chromium to see that nothing runs.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{assert_located, build_cli, copy_dir, read, repo_root, tempdir};

const ATTACKS: &str = "documents/atk-1/index.html";
const SAFE: &str = "documents/safe-1/index.html";
const PLAIN: &str = "documents/pol-1/index.html";

/// An injection fixture site (under tests/fixtures/injection/).
fn injection_fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/injection").join(name)
}

/// The attack site copied to `<tmp>/<setting>` with `raw_html = setting`
/// (`None`: the file as it is, i.e. the default) and `extra` appended to
/// its clausebook.toml.
fn site_with(tmp: &Path, setting: Option<&str>, extra: &str) -> PathBuf {
    let site = tmp.join(setting.unwrap_or("default"));
    copy_dir(&injection_fixture("attacks"), &site);
    let mut toml = std::fs::read_to_string(site.join("clausebook.toml")).unwrap();
    toml.push_str(extra);
    if let Some(s) = setting {
        toml.push_str(&format!("\n[markdown]\nraw_html = \"{s}\"\n"));
    }
    std::fs::write(site.join("clausebook.toml"), toml).unwrap();
    site
}

/// Build the attack site under `setting`; returns (output folder, stderr).
fn build(tmp: &Path, setting: Option<&str>) -> (PathBuf, String) {
    let site = site_with(tmp, setting, "");
    let out = tmp.join(format!("out-{}", setting.unwrap_or("default")));
    let r = build_cli(&site, &out, &[]);
    r.assert_code(0);
    (out, r.stderr)
}

/// The document body of a document page: what the Markdown rendered.
fn body(html: &str) -> &str {
    let start = html
        .find("<div class=\"doc-body\">")
        .expect("a document body");
    let end = html[start..]
        .find("<section class=\"related\">")
        .expect("the end of the body");
    &html[start..start + end]
}

/// The start tags of `html`: name and attributes (name, raw value), all
/// names lowercased. Escaped text (`&lt;a href=…&gt;`) holds no tag.
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let word_end = |mut j: usize| {
            while j < b.len() && !(b[j].is_ascii_whitespace() || matches!(b[j], b'>' | b'/' | b'='))
            {
                j += 1;
            }
            j
        };
        let mut j = word_end(i + 1);
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let k = word_end(j + 1);
            let attr = html[j..k].to_ascii_lowercase();
            j = k;
            let mut value = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
                    let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                    value = html[j + 1..end].to_string();
                    j = end + 1;
                } else {
                    let end = word_end(j);
                    value = html[j..end].to_string();
                    j = end;
                }
            }
            attrs.push((attr, common::unescape(&value)));
        }
        out.push((name, attrs));
        i = j;
    }
    out
}

/// What a browser reads as the scheme of a URL attribute value.
fn scheme_of(url: &str) -> String {
    let cleaned: String = url
        .chars()
        .filter(|c| *c > ' ')
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.split(':').next().unwrap_or_default().to_string()
}

#[track_caller]
fn assert_no_script(page: &str, what: &str) {
    let b = body(page);
    for (tag, attrs) in start_tags(b) {
        assert!(
            !matches!(
                tag.as_str(),
                "script"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "svg"
                    | "math"
                    | "style"
                    | "base"
                    | "meta"
                    | "form"
                    | "body"
                    | "link"
                    | "frame"
                    | "noscript"
            ),
            "{what}: a <{tag}> element reaches the page:\n{b}"
        );
        for (a, value) in attrs {
            assert!(
                !a.starts_with("on") && a != "srcdoc",
                "{what}: <{tag} {a}> reaches the page:\n{b}"
            );
            if a == "style" {
                assert!(
                    value.starts_with("text-align:"),
                    "{what}: <{tag} style=\"{value}\"> reaches the page"
                );
            }
            if matches!(
                a.as_str(),
                "href" | "src" | "action" | "formaction" | "data" | "cite" | "poster"
            ) {
                let s = scheme_of(&value);
                assert!(
                    match s.as_str() {
                        "javascript" | "vbscript" => false,
                        "data" => value.starts_with("data:image/png"),
                        _ => true,
                    },
                    "{what}: <{tag} {a}=\"{value}\"> reaches the page"
                );
            }
        }
    }
    // The page's own scripts are the theme's, nothing else.
    for (tag, attrs) in start_tags(page) {
        if tag == "script" {
            assert!(
                attrs
                    .iter()
                    .any(|(a, v)| a == "src" && v.starts_with("../../theme/")),
                "{what}: a script that is not the theme's: {attrs:?}"
            );
        }
    }
}

#[test]
fn the_default_lets_no_script_reach_the_page() {
    // Under the default setting no <script>, event handler, frame or script URL from a document reaches its page.
    let tmp = tempdir();
    let (out, _) = build(tmp.path(), None);
    let page = read(&out, ATTACKS);
    assert_no_script(&page, "default");
    let b = body(&page);
    // The text around the removed markup stays.
    assert!(b.contains("A paragraph with an inline"), "{b}");
    assert!(b.contains("raw javascript link"), "{b}");
    assert!(b.contains("<summary>toggled</summary>"), "{b}");
    // Markdown links and images with a script URL keep their text only.
    assert!(
        b.contains("<span class=\"unsafe-link\" title=\"link removed: a javascript: URL could run script\">markdown javascript link</span>"),
        "{b}"
    );
    assert!(b.contains(">markdown javascript image</span>"), "{b}");
    assert!(b.contains(">reference-style javascript link</span>"), "{b}");
    assert!(
        b.contains("An autolink: <span class=\"unsafe-link\" title=\"link removed: a javascript: URL could run script\">javascript:window.__pwned=8</span>."),
        "{b}"
    );
    // A neutralised link is no link to an unpublished document.
    assert!(!b.contains("not published"), "{b}");
    // The same holds for "sanitize" spelled out.
    let (out, _) = build(tmp.path(), Some("sanitize"));
    assert_eq!(read(&out, ATTACKS), page);
}

#[test]
fn sanitizing_warns_where_the_markup_was() {
    // Authors learn why their markup vanished: a located `unsafe-html` warning per removal.
    let tmp = tempdir();
    let (_, stderr) = build(tmp.path(), None);
    assert_located(
        &stderr,
        "content/attacks.md",
        14,
        1,
        "<script>window.__pwned = \"script block\"; document.title = \"PWNED\";</script>",
    );
    assert_located(
        &stderr,
        "content/attacks.md",
        18,
        24,
        "<img src=\"missing.png\" onerror=\"window.__pwned = 'img onerror'\">",
    );
    assert_located(
        &stderr,
        "content/attacks.md",
        26,
        1,
        "[markdown javascript link](javascript:window.__pwned=1)",
    );
    assert!(
        stderr.contains(
            "warning: [unsafe-html] raw HTML sanitized: `<script>` was removed with its content"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("the attribute `onerror` of `<img>` was removed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("link with a `javascript:` URL shown as plain text"),
        "{stderr}"
    );
    // One document cannot flood the output: 20 findings, then a count.
    assert!(
        stderr.contains("more pieces of raw HTML or URLs are sanitized from here on"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("[unsafe-html]").count(),
        21,
        "20 findings and a summary:\n{stderr}"
    );
    // The safe document and the plain one get no warning.
    assert!(!stderr.contains("safe.md"), "{stderr}");
    assert!(!stderr.contains("policy.md"), "{stderr}");
}

#[test]
fn the_unsafe_html_rule_follows_the_check_table() {
    // [check] unsafe-html = "deny" stops the build; "allow" silences it.
    let tmp = tempdir();
    let site = site_with(tmp.path(), None, "\n[check]\nunsafe-html = \"deny\"\n");
    let r = build_cli(&site, &tmp.path().join("out-deny"), &[]);
    r.assert_code(1);
    assert!(r.stderr.contains("error: [unsafe-html]"), "{}", r.stderr);
    assert!(!tmp.path().join("out-deny").exists());
    let tmp2 = tempdir();
    let site = site_with(tmp2.path(), None, "\n[check]\nunsafe-html = \"allow\"\n");
    let r = build_cli(&site, &tmp2.path().join("out-allow"), &[]);
    r.assert_code(0);
    assert!(!r.stderr.contains("unsafe-html"), "{}", r.stderr);
}

#[test]
fn safe_markup_and_our_own_survive_the_sanitizer() {
    // Formatting, tables, details, images with safe URLs, and everything our Markdown writes (ids, footnotes, task lists, alignment, code classes, rewritten links) survive sanitizing unchanged.
    let tmp = tempdir();
    let (out, stderr) = build(tmp.path(), None);
    let sanitized = read(&out, SAFE);
    let (trusted_out, _) = build(tmp.path(), Some("trust"));
    let trusted = read(&trusted_out, SAFE);
    let b = body(&sanitized);
    for want in [
        "<kbd>Ctrl</kbd>",
        "H<sub>2</sub>O",
        "x<sup>2</sup>",
        "<abbr title=\"Service Management System\">SMS</abbr>",
        "<b>bold</b>",
        "<details>\n<summary>More detail</summary>",
        "<p>Markdown <strong>inside</strong> details, with a <a href=\"../../documents/pol-1/index.html#scope\">link to the policy</a>.</p>\n</details>",
        "<th colspan=\"2\">table</th>",
        "<img src=\"images/logo.png\" alt=\"Logo\" width=\"20\" height=\"10\">",
        "<img src=\"https://example.com/diagram.png\" alt=\"Remote diagram\">",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"Inline pixel\">",
        "<a href=\"https://example.com/page\" title=\"External\">external link</a>",
        "<a href=\"mailto:sms@example.com\">mail</a>",
        "<div class=\"wrapped\">",
        "<h2 id=\"our-own-markup\" class=\"special\">Our own markup <a class=\"anchor\" href=\"#our-own-markup\" aria-hidden=\"true\">#</a></h2>",
        "<th style=\"text-align: center\">Centre</th>",
        "<td style=\"text-align: right\">r</td>",
        "<sup class=\"footnote-reference\"><a href=\"#fn-note\">1</a></sup>",
        "<div class=\"footnote-definition\" id=\"fn-note\"><sup class=\"footnote-definition-label\">1</sup>",
        "<h3 id=\"tasks\">",
        "<input disabled=\"\" type=\"checkbox\" checked=\"\">",
        "<code class=\"language-rust\">",
        "<a href=\"../../documents/pol-1/index.html\">its file</a>",
        "<a href=\"https://example.com/x?a=1&amp;b=2\">a web page</a>",
        "<a href=\"file://server/share/doc.pdf\">a file share</a>",
        "<img src=\"images/logo.png\" alt=\"an image\" title=\"Logo title\">",
    ] {
        assert!(b.contains(want), "missing {want:?} in:\n{b}");
    }
    // Byte for byte what trusting the HTML gives, but for the author's
    // comment and the spelling of empty elements (`<img …>` for `<img … />`).
    let normalize = |html: &str| {
        body(html)
            .replace(" />", ">")
            .replace("/>", ">")
            .replace("<!-- an author's note, not shown -->", "")
    };
    assert_eq!(normalize(&sanitized), normalize(&trusted));
    assert!(!stderr.contains("safe.md"), "{stderr}");
}

#[test]
fn documents_without_raw_html_are_rendered_alike_under_every_setting() {
    // A document without raw HTML or script URLs never meets the sanitizer: its page is the same under every setting.
    let tmp = tempdir();
    let pages: Vec<String> = [None, Some("escape"), Some("trust")]
        .into_iter()
        .map(|s| read(&build(tmp.path(), s).0, PLAIN))
        .collect();
    assert!(pages[0].contains("<h2 id=\"scope\">"), "{}", pages[0]);
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[0], pages[2]);
}

#[test]
fn escape_shows_raw_html_as_text() {
    // raw_html = "escape" shows every tag as text and still neutralises script URLs in Markdown links.
    let tmp = tempdir();
    let (out, stderr) = build(tmp.path(), Some("escape"));
    let page = read(&out, ATTACKS);
    assert_no_script(&page, "escape");
    let b = body(&page);
    assert!(
        b.contains("<p>&lt;script&gt;window.__pwned = \"script block\"; document.title = \"PWNED\";&lt;/script&gt;"),
        "{b}"
    );
    assert!(
        b.contains("inline &lt;script&gt;window.__pwned = \"inline script\"&lt;/script&gt; tag."),
        "{b}"
    );
    assert!(b.contains(">markdown javascript link</span>"), "{b}");
    let safe = body(&read(&out, SAFE)).to_string();
    assert!(safe.contains("&lt;kbd&gt;Ctrl&lt;/kbd&gt;"), "{safe}");
    // Nothing is removed from raw HTML, so only the URLs are reported.
    assert!(!stderr.contains("raw HTML sanitized"), "{stderr}");
    assert!(
        stderr.contains("link with a `javascript:` URL shown as plain text"),
        "{stderr}"
    );
}

#[test]
fn trust_publishes_raw_html_as_written() {
    // raw_html = "trust" keeps the previous behaviour: raw HTML and every URL as written, without warnings.
    let tmp = tempdir();
    let (out, stderr) = build(tmp.path(), Some("trust"));
    let b = body(&read(&out, ATTACKS)).to_string();
    assert!(
        b.contains(
            "<script>window.__pwned = \"script block\"; document.title = \"PWNED\";</script>"
        ),
        "{b}"
    );
    assert!(
        b.contains("<a href=\"javascript:window.__pwned=1\">markdown javascript link</a>"),
        "{b}"
    );
    assert!(!stderr.contains("unsafe-html"), "{stderr}");
}

#[test]
fn an_unknown_setting_is_a_located_configuration_error() {
    // A misspelt raw_html value names the choices at its line and column.
    let tmp = tempdir();
    let site = site_with(tmp.path(), Some("sanitise"), "");
    let r = build_cli(&site, &tmp.path().join("out"), &[]);
    r.assert_code(2);
    assert_located(
        &r.stderr,
        "clausebook.toml",
        8,
        12,
        "raw_html = \"sanitise\"",
    );
    assert!(
        r.stderr.contains("`sanitize`, `escape`, `trust`"),
        "{}",
        r.stderr
    );
}

#[test]
fn html_wrapping_markdown_is_sanitized_as_one_piece() {
    // <details> around Markdown blocks keeps its content inside, and an unclosed element cannot swallow the page.
    let tmp = tempdir();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("clausebook.toml"), "title = \"Wrap\"\n").unwrap();
    std::fs::write(
        site.join("content/wrap.md"),
        "+++\nid = \"W-1\"\ntitle = \"Wrap\"\nowner = \"o\"\napprover = \"a\"\nversion = \"1\"\nstatus = \"approved\"\neffective = 2026-01-05\nreview_by = 2099-01-01\n+++\n\n\
         <details><summary>Open me</summary>\n\n## Inside {#inside}\n\n- [ ] a task\n\n<div onclick=\"x()\">\n\nText\n\n</div>\n\n</details>\n\n\
         Between.\n\n<div>\n\nUnclosed *emphasis*.\n\n## After {#after}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = build_cli(&site, &out, &[]);
    r.assert_code(0);
    let page = read(&out, "documents/w-1/index.html");
    let b = body(&page);
    assert!(
        b.contains("<details><summary>Open me</summary>\n<h2 id=\"inside\">Inside <a class=\"anchor\" href=\"#inside\" aria-hidden=\"true\">#</a></h2>\n<ul>\n<li><input disabled=\"\" type=\"checkbox\">\na task</li>\n</ul>\n<div>\n<p>Text</p>\n</div>\n</details>"),
        "{b}"
    );
    assert!(b.contains("<p>Between.</p>"), "{b}");
    // The unclosed <div> is closed within the document body.
    assert!(
        b.contains("<div>\n<p>Unclosed <em>emphasis</em>.</p>\n<h2 id=\"after\">After <a class=\"anchor\" href=\"#after\" aria-hidden=\"true\">#</a></h2>\n</div>"),
        "{b}"
    );
    assert!(
        r.stderr
            .contains("the attribute `onclick` of `<div>` was removed"),
        "{}",
        r.stderr
    );
}

// -------------------------------------------------------------- browser

#[test]
fn browser_runs_no_script_from_a_document() {
    // In headless Chromium no payload of the attack document runs under sanitize or escape, while under trust it does (so the probe can see one run).
    let Some(tools) = common::browser_or_skip("browser_runs_no_script_from_a_document") else {
        return;
    };
    let tmp = tempdir();
    let (sanitized, _) = build(tmp.path(), None);
    let (escaped, _) = build(tmp.path(), Some("escape"));
    let (trusted, _) = build(tmp.path(), Some("trust"));
    // The script bounds its own time (120 s) and always exits.
    let out = Command::new(&tools.node)
        .current_dir(&tools.dir)
        .arg("injection.test.js")
        .args([OsStr::new("--safe"), sanitized.as_os_str()])
        .args([OsStr::new("--safe"), escaped.as_os_str()])
        .args([OsStr::new("--unsafe"), trusted.as_os_str()])
        .env("CHROMIUM_PATH", &tools.chromium)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("7 passed, 0 failed"), "{stdout}");
}
