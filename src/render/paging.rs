//! Long lists split into pages of `page_size` documents (the register, the
//! kind and tag listings, each clause's documents): page 1 at the list's
//! own address, page `n` at `<list>/page/<n>/`, addresses that stay put
//! while the list grows. Each page carries a pager (`pager.html`): plain
//! links, so every page is reachable without JavaScript and from
//! `file://`.

use serde::Serialize;

use crate::render::views::Urls;

/// Documents shown in a matrix cell or a related-clause cell before a
/// link to the clause page, which lists them all.
pub const PREVIEW: usize = 5;

/// The pages of a list of `len` items, `size` a page: at least one.
pub fn page_count(len: usize, size: usize) -> usize {
    len.div_ceil(size.max(1)).max(1)
}

/// The folder of page `n` (from 1) of the list at folder `base` (`""` for
/// the site root).
pub fn page_dir(base: &str, n: usize) -> String {
    match (base.is_empty(), n) {
        (_, 1) => base.to_string(),
        (true, _) => format!("page/{n}"),
        (false, _) => format!("{base}/page/{n}"),
    }
}

/// The output path of page `n` of the list at `base`.
pub fn page_path(base: &str, n: usize) -> String {
    let dir = page_dir(base, n);
    if dir.is_empty() {
        "index.html".to_string()
    } else {
        format!("{dir}/index.html")
    }
}

/// The site-relative address of page `n` of the list at `base`.
pub fn page_url(urls: &Urls, base: &str, n: usize) -> String {
    let dir = page_dir(base, n);
    if dir.is_empty() {
        if urls.clean {
            String::new()
        } else {
            "index.html".to_string()
        }
    } else {
        urls.dir(&dir)
    }
}

/// A link of a pager.
#[derive(Serialize)]
pub struct PageLink {
    pub n: usize,
    pub url: String,
    pub current: bool,
}

/// What `pager.html` shows: where this page is in its list, the items it
/// holds, and a link to every page.
#[derive(Serialize)]
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    /// The items of the whole list, and the first and last shown here
    /// (from 1).
    pub total: usize,
    pub first: usize,
    pub last: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PageLink>,
}

/// The pager of page `n` of a list of `total` items at `base`.
pub fn pager(urls: &Urls, base: &str, n: usize, total: usize, size: usize) -> Pager {
    let size = size.max(1);
    let pages = page_count(total, size);
    let url = |k: usize| page_url(urls, base, k);
    Pager {
        page: n,
        pages,
        total,
        first: ((n - 1) * size + 1).min(total),
        last: (n * size).min(total),
        prev: (n > 1).then(|| url(n - 1)),
        next: (n < pages).then(|| url(n + 1)),
        links: (1..=pages)
            .map(|k| PageLink {
                n: k,
                url: url(k),
                current: k == n,
            })
            .collect(),
    }
}

/// The items of page `n` (from 1) of `list`.
pub fn page_of<T>(list: &[T], n: usize, size: usize) -> &[T] {
    let size = size.max(1);
    let start = ((n - 1) * size).min(list.len());
    &list[start..(start + size).min(list.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_a_list_have_stable_addresses() {
        // A list's pages have stable addresses: page 1 is the list itself, page n under page/n/.
        let urls = Urls { clean: false };
        assert_eq!(page_path("", 1), "index.html");
        assert_eq!(page_path("", 3), "page/3/index.html");
        assert_eq!(
            page_path("kinds/record", 2),
            "kinds/record/page/2/index.html"
        );
        assert_eq!(page_url(&urls, "", 1), "index.html");
        assert_eq!(page_url(&urls, "tags/x", 2), "tags/x/page/2/index.html");
        assert_eq!(page_url(&Urls { clean: true }, "", 1), "");
        let p = pager(&urls, "kinds/record", 2, 45, 20);
        assert_eq!((p.pages, p.first, p.last), (3, 21, 40));
        assert_eq!(p.prev.as_deref(), Some("kinds/record/index.html"));
        assert_eq!(p.next.as_deref(), Some("kinds/record/page/3/index.html"));
        assert_eq!(page_of(&[1, 2, 3, 4, 5], 3, 2), &[5]);
        assert_eq!(page_count(0, 20), 1);
    }
}
