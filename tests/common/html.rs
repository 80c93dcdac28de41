//! Output folders read back: their files, the links and ids of their
//! pages, and a link checker over a whole output.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path};

/// Whether `rel` lies in a tantivy index folder (a binary index whose
/// segment files are not meant to be byte-identical between builds).
pub fn is_search_index(rel: &str) -> bool {
    rel.split('/').any(|c| c == "tantivy")
}

/// Every file below `dir`: `/`-separated relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// A text file of an output folder.
#[track_caller]
pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel} of the output: {e}"))
}

/// Decode the entities the templates and pulldown-cmark write in attributes.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values of every `attr="..."` (or `attr='...'`) attribute in `html`,
/// unescaped.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let pat = format!("{attr}={quote}");
        let mut from = 0;
        while let Some(i) = html[from..].find(&pat) {
            let start = from + i;
            let value_start = start + pat.len();
            from = value_start;
            let before = html[..start].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            if let Some(end) = html[value_start..].find(quote) {
                out.push(unescape(&html[value_start..value_start + end]));
            }
        }
    }
    out
}

/// Every `id` in a page.
pub fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id").into_iter().collect()
}

/// The `href` of the link whose whole text is `text` (`<a href="X">text</a>`).
pub fn href_of(html: &str, text: &str) -> Option<String> {
    let end = format!(">{text}</a>");
    let i = html.find(&end)?;
    let open = html[..i].rfind("<a ")?;
    attr_values(&html[open..=i], "href").into_iter().next()
}

/// Document ids shown as `<span class="doc-id">ID</span>` (document lists
/// of the built-in templates).
pub fn doc_ids_in(html: &str) -> BTreeSet<String> {
    html.split("<span class=\"doc-id\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect()
}

/// Decode `%XX` escapes of a URL path.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a URL names a scheme (`https:`, `mailto:`) or another host (`//`).
pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.chars().next().unwrap().is_ascii_alphabetic()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolve a relative `href` of the page at `page` (a path of the output)
/// to the path of an output file and its fragment. `None` when it climbs
/// out of the output folder.
pub fn resolve_href(page: &str, href: &str) -> Option<(String, Option<String>)> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Some((page.to_string(), fragment));
    }
    let mut parts: Vec<String> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<String> = page.split('/').map(str::to_string).collect();
        p.pop();
        p
    };
    for comp in Path::new(&percent_decode(path.trim_start_matches('/'))).components() {
        match comp {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    let mut target = parts.join("/");
    if path.ends_with('/') || target.is_empty() {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some((target, fragment))
}

/// Check every `href`, `src` and `action` of every HTML page of an output
/// tree: relative links must name a file of the output (a folder meaning its
/// `index.html`) and a fragment must be an `id` of the target page. Links
/// to other hosts are reported unless `allow_external`. Root-relative links
/// (`/x`) are accepted only in `404.html`, which is served at any depth.
/// Returns one line per problem, and the number of links checked.
pub fn link_problems(
    files: &BTreeMap<String, Vec<u8>>,
    allow_external: bool,
) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut id_cache: HashMap<String, BTreeSet<String>> = HashMap::new();
    let is_dir = |p: &str| {
        let prefix = format!("{p}/");
        files.keys().any(|k| k.starts_with(&prefix))
    };
    for (page, bytes) in files {
        if !page.ends_with(".html") || is_search_index(page) {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href", "src", "action"] {
            for url in attr_values(&html, attr) {
                checked += 1;
                // A `data:` URL (the empty favicon) is inline: no request.
                if url.starts_with("data:") {
                    continue;
                }
                if is_external(&url) {
                    if !allow_external
                        || !(url.starts_with("http://")
                            || url.starts_with("https://")
                            || url.starts_with("mailto:"))
                    {
                        problems.push(format!("{page}: {attr}=\"{url}\" points to another host"));
                    }
                    continue;
                }
                if url.starts_with('/') && page != "404.html" {
                    problems.push(format!(
                        "{page}: {attr}=\"{url}\" is root-relative (breaks under a sub-path and on file://)"
                    ));
                    continue;
                }
                let Some((mut target, fragment)) = resolve_href(page, &url) else {
                    problems.push(format!("{page}: {attr}=\"{url}\" leaves the output folder"));
                    continue;
                };
                if !files.contains_key(&target) && is_dir(&target) {
                    target = format!("{target}/index.html");
                }
                let Some(target_bytes) = files.get(&target) else {
                    problems.push(format!("{page}: {attr}=\"{url}\" → missing file {target}"));
                    continue;
                };
                if let Some(f) = fragment.filter(|f| !f.is_empty())
                    && target.ends_with(".html")
                {
                    let ids = id_cache
                        .entry(target.clone())
                        .or_insert_with(|| ids(&String::from_utf8_lossy(target_bytes)));
                    if !ids.contains(&f) {
                        problems.push(format!(
                            "{page}: {attr}=\"{url}\" → {target} has no id=\"{f}\""
                        ));
                    }
                }
            }
        }
    }
    (problems, checked)
}

/// [`tree`] without the tantivy index, whose segment files are named at
/// random and differ between two builds of the same sources.
pub fn tree_without_index(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(dir);
    t.retain(|rel, _| !is_search_index(rel));
    t
}

/// Assert that two trees hold the same files with the same bytes; the
/// message names the files only in one and those that differ.
#[track_caller]
pub fn assert_same_files(
    left: &BTreeMap<String, Vec<u8>>,
    right: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let only_left: Vec<&String> = left.keys().filter(|k| !right.contains_key(*k)).collect();
    let only_right: Vec<&String> = right.keys().filter(|k| !left.contains_key(*k)).collect();
    let differ: Vec<&String> = left
        .iter()
        .filter(|(k, v)| right.get(*k).is_some_and(|r| r != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_left.is_empty() && only_right.is_empty() && differ.is_empty(),
        "{what}: files only on the left {only_left:?}, only on the right {only_right:?}, differing {differ:?}"
    );
}

/// The `href`s of a page that stay on the site (no other host, no
/// `data:`), unescaped.
pub fn internal_hrefs(html: &str) -> Vec<String> {
    attr_values(html, "href")
        .into_iter()
        .filter(|u| !is_external(u) && !u.starts_with("data:"))
        .collect()
}

/// Every file and folder below `dir` (folders end in `/`), empty folders
/// included, which [`tree`] leaves out.
pub fn entries(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            let rel = rel.replace('\\', "/");
            if e.file_type().is_dir() {
                format!("{rel}/")
            } else {
                rel
            }
        })
        .collect()
}

/// Assert that [`link_problems`] finds none in `files`; returns the number
/// of links checked.
#[track_caller]
pub fn assert_links_resolve(files: &BTreeMap<String, Vec<u8>>, allow_external: bool) -> usize {
    let (problems, checked) = link_problems(files, allow_external);
    assert!(
        problems.is_empty(),
        "{} broken links:\n{}",
        problems.len(),
        problems.join("\n")
    );
    checked
}
