//! The resolved site: configuration, standards and documents loaded, ids,
//! links and clause references resolved, bodies rendered to HTML. Everything
//! the page templates, the checks and the exports read comes from here.

pub mod markdown;
pub mod trace;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::load::config::{Config, ConfigError, Unpublished};
use crate::load::content::{Document, Level, Span, Status};
use crate::load::standards::{ClauseKey, ResolveOptions, Standards};
use crate::resolve::markdown::{Edge, LinkIndex, LinkMaps, Rendered};
use crate::resolve::trace::Trace;
use crate::serve::cache::{CachedRefs, CachedRelated, Layout, Matching, SiteCache};

/// Options that change what a load includes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Publish draft and review documents too.
    pub drafts: bool,
    /// The date review deadlines are measured against.
    pub today: jiff::civil::Date,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            drafts: false,
            today: jiff::Zoned::now().date(),
        }
    }
}

/// A clause reference of a document, resolved against the catalogs.
#[derive(Debug, Clone)]
pub struct ResolvedRef {
    pub key: ClauseKey,
    pub level: Level,
    pub section: Option<String>,
    pub span: Span,
}

/// A loaded, resolved and rendered site.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub standards: Arc<Standards>,
    pub options: LoadOptions,
    /// Documents with unique ids, sorted by id.
    pub docs: Vec<Arc<Document>>,
    /// Page URL of each document, relative to the site root. Loads that
    /// reuse the layout of the previous load share it: the same allocation
    /// means the same documents in the same order with the same URLs and
    /// publication.
    pub urls: Arc<[String]>,
    /// Whether each document gets a page in this build.
    pub published: Vec<bool>,
    /// Resolved clause references of each document.
    pub clauses: Vec<Arc<Vec<ResolvedRef>>>,
    /// Resolved `related` ids of each document.
    pub related: Vec<Vec<usize>>,
    /// Rendered body of each document.
    pub rendered: Vec<Arc<Rendered>>,
    /// All links between documents.
    pub edges: Vec<Edge>,
    /// Documents that link to or list each document as related, sorted.
    pub backlinks: Vec<Vec<usize>>,
    pub trace: Arc<Trace>,
    /// The coverage as the published pages and exports show it: `trace`
    /// itself, unless `unpublished = "omit"` leaves the unpublished
    /// documents out of the site, then worked out without them.
    pub public_trace: Arc<Trace>,
    pub diags: Diagnostics,
    /// Findings of the document-control rules (required fields, approval,
    /// review dates) at their default levels, which `check::findings`
    /// reports with those of the other rules.
    pub document_findings: Vec<Diagnostic>,
    /// Time spent in each phase, in order.
    pub phases: Vec<(&'static str, Duration)>,
}

/// Why a site could not be loaded at all (a usage or configuration error).
#[derive(Debug)]
pub enum SiteError {
    Config(ConfigError),
    /// clausebook.toml loads but names unknown standards.
    Scope(Vec<Diagnostic>),
}

impl Site {
    pub fn load(root: &Path, options: LoadOptions) -> Result<Site, SiteError> {
        Site::load_with(root, options, &mut SiteCache::default())
    }

    /// Load the site, reusing from `cache` what the previous load of the
    /// same site worked out and is still valid (`clausebook serve` keeps a
    /// cache across rebuilds). The result is the same as [`Site::load`]'s.
    pub fn load_with(
        root: &Path,
        options: LoadOptions,
        cache: &mut SiteCache,
    ) -> Result<Site, SiteError> {
        let mut phases = Vec::new();
        let mut diags = Diagnostics::default();
        let mut t = Instant::now();
        let mut lap = |name: &'static str, t: &mut Instant| {
            phases.push((name, t.elapsed()));
            *t = Instant::now();
        };

        let config = Config::load(root).map_err(SiteError::Config)?;
        cache.start(crate::serve::cache::epoch(root, &config.source, &options));
        let standards = match &cache.standards {
            Some((s, ds)) => {
                diags.extend(ds.iter().cloned());
                Arc::clone(s)
            }
            None => {
                let (s, ds) = Standards::load(root);
                let ds: Vec<Diagnostic> =
                    ds.into_iter().map(|d| d.with_rule("standards")).collect();
                diags.extend(ds.iter().cloned());
                let s = Arc::new(s);
                cache.standards = Some((Arc::clone(&s), ds));
                s
            }
        };
        let scope = check_scope(&config, &standards, &mut diags);
        if !scope.is_empty() {
            // An unknown standard may be one whose catalog has errors: show
            // those too.
            let mut fatal: Vec<Diagnostic> =
                diags.iter().filter(|d| d.is_error()).cloned().collect();
            fatal.extend(scope);
            return Err(SiteError::Scope(fatal));
        }
        lap("config", &mut t);

        let loaded = cache.load_files(root, &mut diags);
        // The previous layout is kept for the comparisons of `render` when
        // this load works out a new one.
        let (layout, old) = match cache.layout.take() {
            Some(mut l) if l.fits(&loaded) => {
                l.files = loaded;
                (l, None)
            }
            old => (
                layout(loaded, config.clean_links, options.drafts, &mut diags),
                old,
            ),
        };
        let same_layout = old.is_none() && !cache.previous().is_empty();
        let docs: Vec<Arc<Document>> = layout
            .order
            .iter()
            .map(|&k| Arc::clone(&layout.files[k]))
            .collect();
        let m = cache.matching(&docs, same_layout);
        lap("load", &mut t);

        let urls = Arc::clone(&layout.urls);
        let published = layout.published.clone();
        let links = LinkIndex::new(&docs, &layout.maps, &urls, &published)
            .with_raw_html(config.markdown.raw_html);
        let related_cache = resolve_related(&docs, &links, &m, cache, &mut diags);
        let resolved = resolve_clauses(&docs, &config, &standards, &m, cache, &mut diags);
        let clauses: Vec<Arc<Vec<ResolvedRef>>> =
            resolved.iter().map(|(r, _)| Arc::clone(r)).collect();
        lap("resolve", &mut t);

        let (rendered, edges) = cache.render(&docs, &m, old.as_ref(), &links);
        lap("markdown", &mut t);

        for r in &rendered {
            diags.extend(r.diags.iter().cloned());
        }
        check_anchors(&docs, &rendered, &edges, &clauses, &mut diags);
        let related: Vec<Vec<usize>> = related_cache.iter().map(|(r, _)| r.clone()).collect();
        let backlinks = backlinks(docs.len(), &edges, &related);
        let trace = match &cache.trace {
            Some(t) if same_coverage(&docs, &resolved, &m, cache) => Arc::clone(t),
            _ => Arc::new(Trace::compute(&config, &standards, &docs, &clauses)),
        };
        trace.exclusion_findings(&config, &standards, &docs, &clauses, &mut diags);
        let public_trace = public_trace(&config, &standards, &docs, &clauses, &published, &trace);
        let control = document_control(&docs, &config, &options, &m, cache);
        let document_findings = control.iter().flatten().cloned().collect();
        cache.finish(
            &docs,
            layout,
            resolved,
            related_cache,
            control,
            Arc::clone(&trace),
        );
        lap("link", &mut t);

        diags.sort();
        Ok(Site {
            root: root.to_path_buf(),
            config,
            standards,
            options,
            docs,
            urls,
            published,
            clauses,
            related,
            rendered,
            edges,
            backlinks,
            trace,
            public_trace,
            diags,
            document_findings,
            phases,
        })
    }

    /// The mappings whose two standards are both in scope, with their
    /// catalogs (left, right), in the order of `trace.mappings`.
    pub fn matrices(
        &self,
    ) -> impl Iterator<
        Item = (
            &crate::load::standards::Mapping,
            &crate::load::standards::Catalog,
            &crate::load::standards::Catalog,
        ),
    > {
        self.trace.mappings.iter().filter_map(|id| {
            let m = self.standards.mapping(id)?;
            Some((
                m,
                self.standards.catalog(&m.left)?,
                self.standards.catalog(&m.right)?,
            ))
        })
    }

    /// Index of the document with this exact id.
    pub fn doc_index(&self, id: &str) -> Option<usize> {
        self.docs
            .binary_search_by(|d| d.meta.id.as_str().cmp(id))
            .ok()
    }

    /// Whether a document's review date has passed.
    pub fn is_overdue(&self, i: usize) -> bool {
        let d = &self.docs[i].meta;
        d.status != Status::Retired && d.review_by.is_some_and(|r| r < self.options.today)
    }
}

/// The coverage the pages show (see [`Site::public_trace`]): the check's,
/// unless `unpublished = "omit"` and an unpublished document addresses a
/// clause.
fn public_trace(
    config: &Config,
    standards: &Standards,
    docs: &[Arc<Document>],
    clauses: &[Arc<Vec<ResolvedRef>>],
    published: &[bool],
    trace: &Arc<Trace>,
) -> Arc<Trace> {
    let hidden = |i: usize| !published[i] && !clauses[i].is_empty();
    if config.unpublished != Unpublished::Omit || !(0..docs.len()).any(hidden) {
        return Arc::clone(trace);
    }
    let none = Arc::new(Vec::new());
    let shown: Vec<Arc<Vec<ResolvedRef>>> = clauses
        .iter()
        .zip(published)
        .map(|(c, &p)| if p { Arc::clone(c) } else { Arc::clone(&none) })
        .collect();
    Arc::new(Trace::compute(config, standards, docs, &shown))
}

/// The URL slug of a document id: lowercase, letters, digits, `-`, `_`, `.`.
pub fn doc_slug(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A site-relative URL for a folder page, honouring `clean_links`.
pub fn dir_url(dir: &str, clean: bool) -> String {
    if clean {
        format!("{dir}/")
    } else {
        format!("{dir}/index.html")
    }
}

/// The page URL of each document, and whether it keeps its page: of the
/// documents whose ids would share a page (ids that differ only in letter
/// case), only the first in id order does, as only the first of the
/// documents sharing an id is kept; the others are reported. A site that
/// allows `duplicate-id` thus never has one document's page overwrite
/// another's.
fn page_urls(
    docs: &[Arc<Document>],
    clean: bool,
    diags: &mut Diagnostics,
) -> (Vec<String>, Vec<bool>) {
    let mut keep = vec![true; docs.len()];
    let slugs: Vec<String> = docs.par_iter().map(|d| doc_slug(&d.meta.id)).collect();
    let urls: Vec<String> = slugs
        .par_iter()
        .map(|slug| dir_url(&format!("documents/{slug}"), clean))
        .collect();
    // Documents sharing a slug, found by sorting (ids are unique already,
    // so clashes are rare and small).
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.par_sort_unstable_by(|&a, &b| slugs[a].cmp(&slugs[b]).then(a.cmp(&b)));
    let clashes = order
        .chunk_by(|&a, &b| slugs[a] == slugs[b])
        .filter(|g| g.len() > 1)
        .map(|g| (slugs[g[0]].clone(), g.to_vec()));
    for (slug, idx) in clashes {
        for &i in &idx[1..] {
            keep[i] = false;
        }
        let first = &docs[idx[0]];
        let others: Vec<String> = idx[1..]
            .iter()
            .map(|&i| format!("`{}` in {}", docs[i].meta.id, docs[i].path.display()))
            .collect();
        diags.push(
            first
                .error_at(
                    first.id_span,
                    format!(
                        "document ids `{}` and {} would share the page documents/{slug}/",
                        first.meta.id,
                        others.join(", ")
                    ),
                )
                .with_help("ids must differ by more than letter case or punctuation; until then only the first has a page")
                .with_rule("duplicate-id"),
        );
    }
    (urls, keep)
}

/// The layout of the loaded documents (in path order): sorted by id with
/// the first (by path) of each id kept, their page URLs, publication and
/// link tables. Duplicate ids and shared pages are reported to `diags`.
fn layout(files: Vec<Arc<Document>>, clean: bool, drafts: bool, diags: &mut Diagnostics) -> Layout {
    let before = diags.len();
    let mut order = dedupe_ids(&files, diags);
    let mut docs: Vec<Arc<Document>> = order.iter().map(|&k| Arc::clone(&files[k])).collect();
    let (mut urls, keep) = page_urls(&docs, clean, diags);
    if keep.contains(&false) {
        let kept = |i: &usize| keep[*i];
        order = (0..order.len()).filter(kept).map(|i| order[i]).collect();
        docs = (0..docs.len())
            .filter(kept)
            .map(|i| Arc::clone(&docs[i]))
            .collect();
        urls = (0..urls.len())
            .filter(kept)
            .map(|i| std::mem::take(&mut urls[i]))
            .collect();
    }
    let published = docs
        .iter()
        .map(|d| drafts || !d.meta.status.is_unreleased())
        .collect();
    Layout {
        maps: Arc::new(LinkMaps::new(&docs)),
        clean: diags.len() == before,
        files,
        order,
        urls: urls.into(),
        published,
    }
}

/// Sort the documents by id and keep the first (by path) of each id, as
/// indexes into `docs`; report every collision in one message per id,
/// listing all the files that use it.
fn dedupe_ids(docs: &[Arc<Document>], diags: &mut Diagnostics) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (&docs[a], &docs[b]);
        a.meta.id.cmp(&b.meta.id).then_with(|| a.path.cmp(&b.path))
    });
    let id = |k: &usize| docs[*k].meta.id.as_str();
    if order.windows(2).all(|w| id(&w[0]) != id(&w[1])) {
        return order;
    }
    let mut out = Vec::with_capacity(order.len());
    for group in order.chunk_by(|a, b| id(a) == id(b)) {
        let first = &docs[group[0]];
        let id = &first.meta.id;
        if group.len() > 1 {
            let others: Vec<String> = group[1..]
                .iter()
                .map(|&k| {
                    let d = &docs[k];
                    let loc = Diagnostic::error(&d.path, "").at_offset(
                        &d.source,
                        d.id_span.offset,
                        d.id_span.len,
                    );
                    loc.location()
                })
                .collect();
            diags.push(
                first
                    .error_at(
                        first.id_span,
                        format!(
                            "duplicate document id `{id}`, also used in {}",
                            others.join(", ")
                        ),
                    )
                    .with_help("every document needs its own id; renumber all but one")
                    .with_rule("duplicate-id"),
            );
        }
        out.push(group[0]);
    }
    out
}

/// The documents each document lists as `related` (same layout and same
/// document: as in the previous load), with their findings.
fn resolve_related(
    docs: &[Arc<Document>],
    links: &LinkIndex<'_>,
    m: &Matching,
    cache: &mut SiteCache,
    diags: &mut Diagnostics,
) -> Vec<CachedRelated> {
    let mut previous = std::mem::take(&mut cache.related);
    let out: Vec<CachedRelated> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if m.same_layout
                && let Some(j) = m.reused(cache, i, d)
            {
                return std::mem::take(&mut previous[j]);
            }
            let mut out = Vec::new();
            let mut ds = Vec::new();
            for r in &d.meta.related {
                match links.find_id(&r.id) {
                    Some(i) => {
                        if !out.contains(&i) {
                            out.push(i)
                        }
                    }
                    None => {
                        let mut e = d.error_at(
                            r.span,
                            format!("`related` names an unknown document `{}`", r.id),
                        );
                        e.help = links
                            .suggest_id(&r.id)
                            .map(|s| format!("did you mean `{s}`?"));
                        ds.push(e.with_rule("broken-link"));
                    }
                }
            }
            (out, ds)
        })
        .collect();
    for (_, ds) in &out {
        diags.extend(ds.iter().cloned());
    }
    out
}

/// The clause references of each document, resolved against the catalogs
/// (the very same document: as in the previous load), with their findings.
fn resolve_clauses(
    docs: &[Arc<Document>],
    config: &Config,
    standards: &Standards,
    m: &Matching,
    cache: &SiteCache,
    diags: &mut Diagnostics,
) -> Vec<CachedRefs> {
    let opts = ResolveOptions {
        default_standard: config.default_standard.as_deref(),
        in_scope: &config.standards,
    };
    let out: Vec<CachedRefs> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            if let Some((refs, ds)) = m.reuse(cache, &cache.resolved, i, d) {
                return (Arc::clone(refs), ds.clone());
            }
            let mut refs: Vec<ResolvedRef> = Vec::new();
            let mut ds = Vec::new();
            for spec in &d.meta.clauses {
                match standards.resolve(&spec.text, &opts) {
                    Ok(key) => {
                        if !config.standards.is_empty() && !config.standards.contains(&key.standard)
                        {
                            ds.push(
                                d.warning_at(
                                    spec.span,
                                    format!(
                                        "`{}` refers to {}, which is not in scope",
                                        spec.text, key.standard
                                    ),
                                )
                                .with_help(format!(
                                    "add \"{}\" to `standards` in clausebook.toml to report on it",
                                    key.standard
                                ))
                                .with_rule("out-of-scope"),
                            );
                        }
                        if refs
                            .iter()
                            .any(|r| r.key == key && r.section == spec.section)
                        {
                            ds.push(
                                d.warning_at(spec.span, format!("clause `{key}` is listed twice"))
                                    .with_rule("front-matter"),
                            );
                            continue;
                        }
                        refs.push(ResolvedRef {
                            key,
                            level: spec.level,
                            section: spec.section.clone(),
                            span: spec.span,
                        });
                    }
                    Err(e) => {
                        let mut diag = d.error_at(spec.span, e.message());
                        diag.help = e.help();
                        ds.push(diag.with_rule("unknown-clause"));
                    }
                }
            }
            (Arc::new(refs), ds)
        })
        .collect();
    for (_, ds) in &out {
        diags.extend(ds.iter().cloned());
    }
    out
}

/// The findings of the document-control rules for each document (the very
/// same document: as in the previous load).
fn document_control(
    docs: &[Arc<Document>],
    config: &Config,
    options: &LoadOptions,
    m: &Matching,
    cache: &mut SiteCache,
) -> Vec<Vec<Diagnostic>> {
    let rules = crate::check::DocumentRules::new(config, options.today);
    let mut previous = std::mem::take(&mut cache.control);
    docs.iter()
        .enumerate()
        .map(|(i, d)| match m.reused(cache, i, d) {
            Some(j) => std::mem::take(&mut previous[j]),
            None => rules.check(d),
        })
        .collect()
}

/// Whether the coverage of the previous load holds for these documents:
/// the same layout, and every changed document has the same status and
/// addresses the same clauses (where in its file does not matter).
fn same_coverage(
    docs: &[Arc<Document>],
    resolved: &[CachedRefs],
    m: &Matching,
    cache: &SiteCache,
) -> bool {
    m.same_layout
        && cache.resolved.len() == docs.len()
        && docs
            .iter()
            .zip(cache.previous())
            .zip(resolved.iter().zip(&cache.resolved))
            .all(|((d, p), ((refs, _), (old, _)))| {
                Arc::ptr_eq(d, p)
                    || (d.meta.status == p.meta.status
                        && refs.len() == old.len()
                        && refs.iter().zip(old.iter()).all(|(a, b)| {
                            a.key == b.key && a.level == b.level && a.section == b.section
                        }))
            })
}

fn check_anchors(
    docs: &[Arc<Document>],
    rendered: &[Arc<Rendered>],
    edges: &[Edge],
    clauses: &[Arc<Vec<ResolvedRef>>],
    diags: &mut Diagnostics,
) {
    let suggest = |to: usize, anchor: &str| -> String {
        let best = rendered[to]
            .anchors
            .iter()
            .map(|a| (strsim::jaro_winkler(a, anchor), a))
            .filter(|(s, _)| *s > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)));
        match best {
            Some((_, a)) => format!("did you mean `#{a}`?"),
            None => {
                let mut all: Vec<&String> = rendered[to].anchors.iter().collect();
                all.sort();
                let shown: Vec<String> = all.iter().take(8).map(|a| format!("#{a}")).collect();
                if shown.is_empty() {
                    "the target has no headings".into()
                } else {
                    format!("its headings are: {}", shown.join(", "))
                }
            }
        }
    };
    for e in edges {
        if let Some(a) = &e.anchor
            && !rendered[e.to].anchors.contains(a)
        {
            let target = if e.to == e.from {
                "this document".to_string()
            } else {
                format!("`{}`", docs[e.to].meta.id)
            };
            diags.push(
                docs[e.from]
                    .error_at(
                        e.span,
                        format!("link to a missing heading `#{a}` in {target}"),
                    )
                    .with_help(suggest(e.to, a))
                    .with_rule("broken-link"),
            );
        }
    }
    for (i, refs) in clauses.iter().enumerate() {
        for r in refs.iter() {
            if let Some(s) = &r.section
                && !rendered[i].anchors.contains(s)
            {
                diags.push(
                    docs[i]
                        .error_at(
                            r.span,
                            format!("`section = \"{s}\"` is not a heading of this document"),
                        )
                        .with_help(suggest(i, s))
                        .with_rule("broken-link"),
                );
            }
        }
    }
}

fn backlinks(n: usize, edges: &[Edge], related: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        if e.from != e.to {
            back[e.to].push(e.from);
        }
    }
    for (from, rel) in related.iter().enumerate() {
        for &to in rel {
            if to != from {
                back[to].push(from);
            }
        }
    }
    for b in &mut back {
        b.sort_unstable();
        b.dedup();
    }
    back
}

/// Check that the standards in scope, the default standard and the
/// exclusions of `clausebook.toml` name known catalogs and clauses, and that
/// each exclusion follows its standard's rule. Unknown standards make the
/// configuration unusable and are returned; the rest go to `diags`.
fn check_scope(config: &Config, standards: &Standards, diags: &mut Diagnostics) -> Vec<Diagnostic> {
    let mut fatal = Vec::new();
    let known: Vec<&str> = standards.catalogs.iter().map(|c| c.id.as_str()).collect();
    let unknown = |key: &str, id: &str| {
        let msg = format!("unknown standard `{id}`");
        let d = if key.is_empty() {
            config.error_at(&format!("\"{id}\""), msg)
        } else {
            config.error_at_item(key, id, msg)
        };
        d.with_help(crate::base::text::suggest_from(id, &known))
            .with_rule("config")
    };
    for id in &config.standards {
        if standards.catalog(id).is_none() {
            fatal.push(unknown("standards", id));
        }
    }
    if let Some(id) = &config.default_standard
        && standards.catalog(id).is_none()
    {
        fatal.push(unknown("default_standard", id));
    }
    for (std_id, list) in &config.exclusions {
        let Some(cat) = standards.catalog(std_id) else {
            fatal.push(unknown("", std_id));
            continue;
        };
        for ex in list {
            let needle = format!("\"{}\"", ex.clause);
            if cat.clause(&ex.clause).is_none() {
                diags.push(
                    config
                        .error_at(
                            &needle,
                            format!("{} has no clause {}", cat.display_name(), ex.clause),
                        )
                        .with_help(match cat.closest_clause(&ex.clause) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => "exclusions name clause numbers of the standard's catalog"
                                .to_string(),
                        })
                        .with_rule("exclusion"),
                );
                continue;
            }
            if let Err(rule) = cat.exclusions.allows(cat, &ex.clause) {
                diags.push(
                    config
                        .error_at(
                            &needle,
                            format!(
                                "clause {} of {} cannot be excluded: {rule}",
                                ex.clause,
                                cat.display_name()
                            ),
                        )
                        .with_help("remove the exclusion and address the clause with a document")
                        .with_rule("exclusion"),
                );
            }
            if ex.justification.trim().is_empty() {
                diags.push(
                    config
                        .error_at(
                            &needle,
                            format!(
                                "the exclusion of {} {} has no justification",
                                cat.display_name(),
                                ex.clause
                            ),
                        )
                        .with_help(
                            "add justification = \"...\" saying why the requirement does not apply",
                        )
                        .with_rule("exclusion"),
                );
            }
        }
    }
    fatal
}
