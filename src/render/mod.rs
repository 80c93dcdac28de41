//! Pages: the Tera templates (built in, overridable file by file from the
//! site's `templates/`), the views the templates read, and the list of pages
//! of a site, rendered in parallel.
//!
//! Each document's view is converted to a template value once; Tera values
//! are reference-counted, so every page that lists a document shares it
//! instead of cloning the page model.

mod facts;

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::base::diag::Diagnostic;
use crate::base::fingerprint::fingerprint;
use crate::base::output::OutputFile;
use crate::load::content::{Kind, Level, Status};
use crate::load::standards::Catalog;
use crate::resolve::markdown::TocEntry;
use crate::resolve::trace::{State, matrix_rows};
use crate::resolve::{Site, dir_url};
use facts::Facts;

/// A page to render: its output path, template and page-specific context.
struct PageJob {
    path: String,
    template: &'static str,
    section: &'static str,
    context: Context,
}

/// Relative path from a page at `path` to the site root.
pub fn root_for(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

// ---------------------------------------------------------------- views

#[derive(Serialize, Hash)]
struct DocSummary<'a> {
    id: &'a str,
    title: &'a str,
    kind: Kind,
    owner: Option<&'a str>,
    approver: Option<&'a str>,
    version: Option<&'a str>,
    status: Status,
    effective: Option<String>,
    review_by: Option<String>,
    overdue: bool,
    url: &'a str,
    published: bool,
    summary: Option<&'a str>,
    tags: Vec<TagRef>,
}

#[derive(Serialize, Hash)]
struct TagRef {
    name: String,
    url: String,
}

#[derive(Serialize, Hash)]
struct ClauseBadge<'a> {
    standard: &'a str,
    standard_name: String,
    clause: &'a str,
    title: String,
    level: Level,
    section: Option<&'a str>,
    url: String,
    in_scope: bool,
}

#[derive(Serialize)]
struct DocPage<'a> {
    path: String,
    extra: &'a BTreeMap<String, serde_json::Value>,
    clauses: Vec<ClauseBadge<'a>>,
    toc: &'a [TocEntry],
}

#[derive(Serialize)]
struct ClauseView {
    number: String,
    title: String,
    depth: usize,
    state: State,
    state_label: &'static str,
    requirement: bool,
    heading: bool,
    url: String,
    documents: usize,
}

#[derive(Serialize)]
struct StandardView {
    id: String,
    name: String,
    title: Option<String>,
    slug: String,
    url: String,
    coverage_url: String,
    in_scope: bool,
    exclusion_rule: String,
}

struct Urls {
    clean: bool,
}

impl Urls {
    fn dir(&self, d: &str) -> String {
        dir_url(d, self.clean)
    }
    fn standard(&self, cat: &Catalog) -> String {
        self.dir(&format!("standards/{}", cat.slug()))
    }
    fn clause(&self, cat: &Catalog, clause: &str) -> String {
        self.dir(&format!("standards/{}/{clause}", cat.slug()))
    }
}

fn doc_summary(site: &Site, i: usize) -> DocSummary<'_> {
    let d = &site.docs[i].meta;
    DocSummary {
        id: &d.id,
        title: &d.title,
        kind: d.kind,
        owner: d.owner.as_deref(),
        approver: d.approver.as_deref(),
        version: d.version.as_deref(),
        status: d.status,
        effective: d.effective.map(|x| x.to_string()),
        review_by: d.review_by.map(|x| x.to_string()),
        overdue: site.is_overdue(i),
        url: &site.urls[i],
        published: site.published[i],
        summary: d.summary.as_deref(),
        tags: d
            .tags
            .iter()
            .map(|t| TagRef {
                name: t.clone(),
                url: dir_url(&format!("tags/{}", tag_slug(t)), site.config.clean_links),
            })
            .collect(),
    }
}

fn exclusion_rule_text(cat: &Catalog) -> String {
    use crate::load::standards::ExclusionRule;
    let base = match &cat.exclusions {
        ExclusionRule::None => "No exclusion allowed".to_string(),
        ExclusionRule::Within(list) => {
            format!("Exclusions allowed only within clause {}", list.join(", "))
        }
        ExclusionRule::NotApplicable => {
            "Requirements may be determined as not applicable, with justification".to_string()
        }
    };
    match &cat.exclusion_note {
        Some(n) if !n.is_empty() => format!("{base}. {n}"),
        _ => base,
    }
}

/// Everything rendered for a site: pages, theme files, exports.
pub fn render_site(site: &Site, tera: &Tera) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(Vec::new());
    render_site_into(site, tera, &|f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Where rendered files go: written out as they come, so that the pages of
/// a large site are never all in memory at once.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync);

/// Render every page of the site into `sink`; returns the number of pages.
pub fn render_site_into(
    site: &Site,
    tera: &Tera,
    sink: Sink<'_>,
) -> Result<usize, Vec<Diagnostic>> {
    render_pages(site, tera, sink, None).map(|o| o.pages)
}

/// What a render leaves for the next render of the same site with the same
/// templates: the fingerprint of every page's inputs, so that pages whose
/// inputs did not change are skipped, and the template values and HTML
/// fragments (register rows, clause document lists) that can be reused.
#[derive(Default)]
pub struct PagePrints {
    /// Fingerprint of the configuration and catalogs, which every page
    /// reads; the rest is reused only while it is the same.
    globals: u64,
    /// Fingerprint of the inputs of the exports (the summaries and the
    /// coverage, which the register and clause pages also read).
    site: u64,
    /// Every page other than the documents': output path and fingerprint
    /// of the page's inputs.
    pages: HashMap<String, u64>,
    /// What the pages read of each document (see [`Facts`]).
    facts: Facts,
    /// Fingerprint of each document's page (by position, as in `facts`);
    /// `None` for a document without a page.
    doc_pages: Vec<Option<u64>>,
    /// Each document's summary as a template value (by position).
    values: Vec<Value>,
    /// Register rows (`register_row.html`), by position; `None` for a
    /// document not in the register.
    rows: Vec<Option<Value>>,
    /// Documents addressing each clause: list fingerprint, template value,
    /// and that list rendered through `doc_refs.html` for each page root.
    clauses: HashMap<(String, String), ClauseList>,
}

#[derive(Clone)]
struct ClauseList {
    print: u64,
    value: Value,
    html: Vec<(String, Value)>,
}

impl PagePrints {
    /// Every page path of the render.
    fn paths(&self) -> impl Iterator<Item = &str> {
        self.doc_paths()
            .chain(self.pages.keys().map(String::as_str))
    }

    /// The paths of the document pages.
    fn doc_paths(&self) -> impl Iterator<Item = &str> {
        self.doc_pages
            .iter()
            .zip(self.facts.paths.iter())
            .filter(|(p, _)| p.is_some())
            .map(|(_, path)| path.as_str())
    }

    /// The pages of `before` that this render no longer has.
    pub fn gone_since(&self, before: &PagePrints) -> Vec<String> {
        // The same documents in the same order have the same pages: then
        // only the other pages are compared.
        let same_docs = Arc::ptr_eq(&self.facts.paths, &before.facts.paths)
            && self.doc_pages.len() == before.doc_pages.len()
            && self
                .doc_pages
                .iter()
                .zip(&before.doc_pages)
                .all(|(a, b)| a.is_some() == b.is_some());
        let now: std::collections::HashSet<&str> = if same_docs {
            self.pages.keys().map(String::as_str).collect()
        } else {
            self.paths().collect()
        };
        let old: Box<dyn Iterator<Item = &str>> = if same_docs {
            Box::new(before.pages.keys().map(String::as_str))
        } else {
            Box::new(before.paths())
        };
        old.filter(|p| !now.contains(p))
            .map(str::to_string)
            .collect()
    }

    /// Fingerprint of the inputs of the exports (the documents' summaries
    /// and the coverage).
    pub fn site(&self) -> u64 {
        self.site
    }
}

/// What [`render_pages`] did.
pub struct RenderOutcome {
    /// Pages of the site.
    pub pages: usize,
    /// Pages rendered (the others were unchanged).
    pub rendered: usize,
    /// Ids of the documents whose page was rendered.
    pub rendered_docs: Vec<String>,
    pub prints: PagePrints,
}

/// The pages of a render and which of them are due: a page is rendered
/// when the fingerprint of its inputs differs from the previous render's.
struct Plan<'p> {
    previous: &'p HashMap<String, u64>,
    globals: u64,
    pages: HashMap<String, u64>,
}

impl Plan<'_> {
    /// Record page `path` with the fingerprint of its own inputs (the
    /// globals are added here); whether it must be rendered.
    fn due(&mut self, path: &str, print: u64) -> bool {
        let print = fingerprint(&[self.globals, print]);
        let due = self.previous.get(path) != Some(&print);
        self.pages.insert(path.to_string(), print);
        due
    }
}

/// Render the pages of the site into `sink`. With the prints of a previous
/// render of the same site (same templates), pages whose inputs did not
/// change are skipped: only what a change affects is rendered again.
pub fn render_pages(
    site: &Site,
    tera: &Tera,
    sink: Sink<'_>,
    previous: Option<&PagePrints>,
) -> Result<RenderOutcome, Vec<Diagnostic>> {
    let urls = Urls {
        clean: site.config.clean_links,
    };
    let scope_cats: Vec<&Catalog> = site
        .public_trace
        .scope
        .iter()
        .filter_map(|id| site.standards.catalog(id))
        .collect();
    let standards_view: Vec<StandardView> = scope_cats
        .iter()
        .map(|c| StandardView {
            id: c.id.clone(),
            name: c.display_name(),
            title: c.title.clone(),
            slug: c.slug(),
            url: urls.standard(c),
            coverage_url: urls.dir(&format!("standards/{}/coverage", c.slug())),
            in_scope: true,
            exclusion_rule: exclusion_rule_text(c),
        })
        .collect();
    let mappings_view: Vec<serde_json::Value> = site
        .public_trace
        .mappings
        .iter()
        .filter_map(|id| site.standards.mapping(id))
        .map(|m| {
            let l = site.standards.catalog(&m.left);
            let r = site.standards.catalog(&m.right);
            serde_json::json!({
                "id": m.id,
                "name": m.name,
                "source": m.source,
                "slug": m.slug(),
                "left": l.map(|c| c.display_name()),
                "right": r.map(|c| c.display_name()),
                "url": urls.dir(&format!("matrix/{}", m.slug())),
                "reverse_url": urls.dir(&format!("matrix/{}/reverse", m.slug())),
                "grid_url": urls.dir(&format!("matrix/{}/grid", m.slug())),
                "pairs": m.pairs.len(),
                "exports": export_links(&m.slug()),
            })
        })
        .collect();

    let site_json = serde_json::json!({
        "title": site.config.title,
        "organization": site.config.organization,
        "base_url": site.config.base_url,
        "extra": site.config.extra,
        "drafts": site.options.drafts,
        "clean_links": site.config.clean_links,
        "unpublished": site.config.unpublished.as_str(),
        "generator": concat!("Clausebook ", env!("CARGO_PKG_VERSION")),
        "home_url": if site.config.clean_links { "" } else { "index.html" },
        "standards_url": urls.dir("standards"),
        "matrix_url": urls.dir("matrix"),
        "kinds_url": urls.dir("kinds"),
        "tags_url": urls.dir("tags"),
        "exclusions_url": urls.dir("exclusions"),
        "search_url": urls.dir("search"),
    });
    let globals_print = fingerprint(&[
        serde_json::to_string(&site_json).unwrap_or_default(),
        serde_json::to_string(&standards_view).unwrap_or_default(),
        serde_json::to_string(&mappings_view).unwrap_or_default(),
    ]);
    // What the previous render left is reused only under the same
    // configuration and catalogs (a change to them makes a full build
    // anyway).
    let empty = PagePrints::default();
    let prev = match previous {
        Some(p) if p.globals == globals_print => p,
        _ => &empty,
    };
    let facts = Facts::new(site, globals_print, &prev.facts);
    let summary_prints: Vec<u64> = facts.summaries().collect();
    // The documents of the previous render that can be found by position;
    // after a change of layout, by summary fingerprint.
    let same_docs = Arc::ptr_eq(&facts.paths, &prev.facts.paths);
    let by_print: HashMap<u64, usize> = if same_docs {
        HashMap::default()
    } else {
        prev.facts
            .summaries()
            .enumerate()
            .map(|(j, p)| (p, j))
            .collect()
    };
    let before = |i: usize| -> Option<usize> {
        if same_docs {
            (prev.facts.docs[i].summary == summary_prints[i]).then_some(i)
        } else {
            by_print.get(&summary_prints[i]).copied()
        }
    };
    // Every page that lists a document shares its value; a value is made
    // again only when its summary changed.
    let summaries: Vec<Value> = (0..site.docs.len())
        .into_par_iter()
        .map(|i| match before(i).and_then(|j| prev.values.get(j)) {
            Some(v) => v.clone(),
            None => Value::from_serializable(&doc_summary(site, i)),
        })
        .collect();
    let site_print = {
        let mut h = crate::base::fingerprint::hasher();
        globals_print.hash(&mut h);
        summary_prints.hash(&mut h);
        for c in &site.public_trace.coverage {
            (&c.standard, &c.clauses).hash(&mut h);
        }
        site.public_trace.scope.hash(&mut h);
        site.public_trace.mappings.hash(&mut h);
        h.finish()
    };

    let mut globals = Context::new();
    globals.insert("site", &site_json);
    globals.insert("standards", &standards_view);
    globals.insert("mappings", &mappings_view);

    let mut plan = Plan {
        previous: &prev.pages,
        globals: globals_print,
        pages: HashMap::default(),
    };

    // Document pages whose inputs changed.
    let doc_pages: Vec<Option<u64>> = (0..site.docs.len())
        .into_par_iter()
        .map(|i| {
            site.published[i].then(|| fingerprint(&[globals_print, facts.page_print(site, i)]))
        })
        .collect();
    let prev_doc_pages: HashMap<&str, u64> = if same_docs {
        HashMap::default()
    } else {
        prev.facts
            .paths
            .iter()
            .zip(&prev.doc_pages)
            .filter_map(|(path, p)| Some((path.as_str(), (*p)?)))
            .collect()
    };
    let due: Vec<usize> = (0..site.docs.len())
        .filter(|&i| {
            doc_pages[i].is_some()
                && doc_pages[i]
                    != if same_docs {
                        prev.doc_pages[i]
                    } else {
                        prev_doc_pages.get(facts.paths[i].as_str()).copied()
                    }
        })
        .collect();

    // The fragments the site pages are made of, rendered again only when
    // what they show changed.
    let fragments = Fragments::new(
        site,
        tera,
        &globals,
        &summary_prints,
        &summaries,
        &before,
        &scope_cats,
        prev,
    )
    .map_err(|e| vec![e])?;

    let jobs = site_pages(
        site,
        &facts,
        &summaries,
        &summary_prints,
        &fragments,
        &urls,
        &scope_cats,
        &standards_view,
        &mappings_view,
        &mut plan,
    );
    let pages = plan.pages.len() + doc_pages.iter().flatten().count();
    let rendered = jobs.len() + due.len();
    let rendered_docs = due.iter().map(|&i| site.docs[i].meta.id.clone()).collect();
    let doc_jobs = due.into_par_iter().map(|i| {
        let context = doc_context(site, &summaries, &urls, i);
        let path = facts.paths[i].clone();
        PageJob {
            path,
            template: "document.html",
            section: "register",
            context,
        }
    });
    let results: Vec<Result<(), (Diagnostic, String)>> = doc_jobs
        .chain(jobs.into_par_iter())
        .map(|mut j| {
            let root = match j.context.get("root_override").and_then(|v| v.as_str()) {
                Some(r) => r.to_string(),
                None => root_for(&j.path),
            };
            j.context.insert("root", &root);
            j.context.insert("section", j.section);
            let mut ctx = globals.clone();
            ctx.extend(j.context);
            let html = tera
                .render(j.template, &ctx)
                .map_err(|e| (render_error(j.template, &e), j.path.clone()))?;
            sink(OutputFile {
                path: j.path.clone(),
                bytes: html.into_bytes(),
            })
            .map_err(|d| (d, j.path.clone()))
        })
        .collect();
    let errors: Vec<(Diagnostic, String)> = results.into_iter().filter_map(Result::err).collect();
    if !errors.is_empty() {
        return Err(group_errors(errors));
    }
    let prints = PagePrints {
        globals: globals_print,
        site: site_print,
        pages: plan.pages,
        facts,
        doc_pages,
        values: summaries,
        rows: fragments.rows,
        clauses: fragments.clauses,
    };
    Ok(RenderOutcome {
        pages,
        rendered,
        rendered_docs,
        prints,
    })
}

/// The same template error fails many pages: report it once, naming the
/// first page and how many others.
fn group_errors(errors: Vec<(Diagnostic, String)>) -> Vec<Diagnostic> {
    let mut grouped: BTreeMap<(String, usize, String), (Diagnostic, Vec<String>)> = BTreeMap::new();
    for (d, path) in errors {
        grouped
            .entry((d.file.display().to_string(), d.line, d.message.clone()))
            .or_insert_with(|| (d, Vec::new()))
            .1
            .push(path);
    }
    grouped
        .into_values()
        .map(|(mut d, mut paths)| {
            paths.sort();
            d.message = match paths.len() {
                1 => format!("{} (while rendering {})", d.message, paths[0]),
                n => format!(
                    "{} (while rendering {} and {} other pages)",
                    d.message,
                    paths[0],
                    n - 1
                ),
            };
            d
        })
        .collect()
}

/// Parts of the site pages rendered once and shared: the register's rows
/// and, for each clause of the standards in scope, the list of documents
/// addressing it, as a template value and as HTML for each page root that
/// shows it (clause pages and matrices). Each is kept from the previous
/// render while what it shows is unchanged.
struct Fragments {
    /// By position; `None` for a document not in the register.
    rows: Vec<Option<Value>>,
    clauses: HashMap<(String, String), ClauseList>,
}

impl Fragments {
    #[allow(clippy::too_many_arguments)]
    fn new(
        site: &Site,
        tera: &Tera,
        globals: &Context,
        summary_prints: &[u64],
        summaries: &[Value],
        before: &(dyn Fn(usize) -> Option<usize> + Sync),
        scope_cats: &[&Catalog],
        prev: &PagePrints,
    ) -> Result<Fragments, Diagnostic> {
        let render = |template: &str, fill: &dyn Fn(&mut Context)| -> Result<Value, Diagnostic> {
            let mut c = globals.clone();
            fill(&mut c);
            tera.render(template, &c)
                .map(|html| Value::safe_string(&html))
                .map_err(|e| render_error(template, &e))
        };
        // Register rows, for the published documents.
        let register_root = root_for("index.html");
        let rows: Vec<Option<Value>> = (0..site.docs.len())
            .into_par_iter()
            .map(|i| {
                if !site.published[i] {
                    return Ok(None);
                }
                let row = match before(i).and_then(|j| prev.rows.get(j)?.as_ref()) {
                    Some(v) => v.clone(),
                    None => render("register_row.html", &|c| {
                        c.insert_value("d", summaries[i].clone());
                        c.insert("root", &register_root);
                    })
                    .map_err(|mut d| {
                        d.message = format!("{} (while rendering index.html)", d.message);
                        d
                    })?,
                };
                Ok(Some(row))
            })
            .collect::<Result<_, Diagnostic>>()?;

        // Clause document lists. The roots are those of a clause page and
        // of the two matrix directions.
        let mut roots = vec![
            root_for("standards/s/c/index.html"),
            root_for("matrix/m/index.html"),
            root_for("matrix/m/reverse/index.html"),
        ];
        roots.sort();
        roots.dedup();
        let keys: Vec<(&str, &str)> = scope_cats
            .iter()
            .flat_map(|cat| {
                cat.clauses
                    .iter()
                    .map(|cl| (cat.id.as_str(), cl.number.as_str()))
            })
            .collect();
        let clauses = keys
            .into_par_iter()
            .map(|(std, clause)| {
                let key = (std.to_string(), clause.to_string());
                let addresses = site.public_trace.direct(std, clause);
                let print = fingerprint(
                    &addresses
                        .iter()
                        .map(|a| (summary_prints[a.doc], a.level, &a.section))
                        .collect::<Vec<_>>(),
                );
                if let Some(l) = prev.clauses.get(&key).filter(|l| l.print == print) {
                    return Ok((key, l.clone()));
                }
                let value = refs_value(addresses, summaries);
                let html = roots
                    .iter()
                    .map(|root| {
                        render("doc_refs.html", &|c| {
                            c.insert_value("refs", value.clone());
                            c.insert("root", root);
                        })
                        .map(|h| (root.clone(), h))
                        .map_err(|mut d| {
                            d.message = format!(
                                "{} (while rendering the documents of {std} {clause})",
                                d.message
                            );
                            d
                        })
                    })
                    .collect::<Result<Vec<_>, Diagnostic>>()?;
                Ok((key, ClauseList { print, value, html }))
            })
            .collect::<Result<HashMap<_, _>, Diagnostic>>()?;
        Ok(Fragments { rows, clauses })
    }

    fn list(&self, standard: &str, clause: &str) -> Option<&ClauseList> {
        self.clauses
            .get(&(standard.to_string(), clause.to_string()))
    }

    /// Fingerprint of the documents listed for a clause.
    fn print(&self, standard: &str, clause: &str) -> u64 {
        self.list(standard, clause).map_or(0, |l| l.print)
    }

    /// The documents addressing a clause, as a template value.
    fn docs(&self, standard: &str, clause: &str) -> Value {
        self.list(standard, clause)
            .map_or_else(|| Value::from(Vec::<Value>::new()), |l| l.value.clone())
    }

    /// The same list rendered for a page at `root`.
    fn docs_html(&self, standard: &str, clause: &str, root: &str) -> Value {
        self.list(standard, clause)
            .and_then(|l| l.html.iter().find(|(r, _)| r == root))
            .map_or_else(Value::none, |(_, h)| h.clone())
    }
}

/// Template value of a clause's document list.
fn refs_value(addresses: &[crate::resolve::trace::Address], summaries: &[Value]) -> Value {
    Value::from(
        addresses
            .iter()
            .map(|a| {
                obj([
                    ("doc", summaries[a.doc].clone()),
                    (
                        "level",
                        match a.level {
                            Level::Full => "full",
                            Level::Partial => "partial",
                        }
                        .into(),
                    ),
                    ("section", a.section.clone().into()),
                ])
            })
            .collect::<Vec<_>>(),
    )
}

/// The jobs of the pages other than the document pages that are due.
#[allow(clippy::too_many_arguments)]
fn site_pages(
    site: &Site,
    facts: &Facts,
    summaries: &[Value],
    summary_prints: &[u64],
    frags: &Fragments,
    urls: &Urls,
    scope_cats: &[&Catalog],
    standards_view: &[StandardView],
    mappings_view: &[serde_json::Value],
    plan: &mut Plan<'_>,
) -> Vec<PageJob> {
    let state = |standard: &str, clause: &str| {
        site.public_trace
            .standard(standard)
            .and_then(|s| s.clause(clause))
            .map(|c| c.state)
    };
    let mut kinds: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
    // Tags are grouped by their URL slug, so "service level" and
    // "service-level" share one page (named after the first spelling).
    // Few distinct tags, on thousands of documents: each spelling is
    // slugged once, and the documents are grouped by slug number.
    let mut slug_ids: HashMap<String, usize> = HashMap::default();
    let mut slug_of: Vec<usize> = Vec::new();
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    let mut published = Vec::new();
    for i in 0..site.docs.len() {
        if !site.published[i] {
            continue;
        }
        published.push(i);
        kinds.entry(facts.docs[i].kind).or_default().push(i);
        for &k in facts.tags_of(i) {
            let k = k as usize;
            while slug_of.len() <= k {
                let slug = tag_slug(facts.tag(slug_of.len() as u32));
                let n = slug_ids.len();
                let id = *slug_ids.entry(slug).or_insert(n);
                if id == groups.len() {
                    groups.push((None, Vec::new()));
                }
                slug_of.push(id);
            }
            let g = &mut groups[slug_of[k]];
            g.0.get_or_insert(facts.tag(k as u32));
            g.1.push(i);
        }
    }
    let mut groups: Vec<Option<(Option<&str>, Vec<usize>)>> =
        groups.into_iter().map(Some).collect();
    let tags: BTreeMap<String, (&str, Vec<usize>)> = slug_ids
        .into_iter()
        .filter_map(|(slug, id)| match groups[id].take()? {
            (Some(name), docs) => Some((slug, (name, docs))),
            (None, _) => None,
        })
        .collect();
    let members =
        |list: &[usize]| -> Vec<u64> { list.iter().map(|&i| summary_prints[i]).collect() };
    let values = |list: &[usize]| -> Value {
        Value::from(
            list.iter()
                .map(|&i| summaries[i].clone())
                .collect::<Vec<_>>(),
        )
    };

    let mut jobs: Vec<PageJob> = Vec::new();
    let mut job =
        |path: String, template: &'static str, section: &'static str, context: Context| {
            jobs.push(PageJob {
                path,
                template,
                section,
                context,
            })
        };

    // Home: the document register.
    if plan.due("index.html", fingerprint(&members(&published))) {
        let mut c = Context::new();
        c.insert("title", "Document register");
        c.insert("status_counts", &status_counts(facts, &published));
        c.insert_value("documents", values(&published));
        let rows: String = frags
            .rows
            .iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        c.insert_value("register_rows", Value::safe_string(&rows));
        job("index.html".into(), "index.html", "register", c);
    }
    // Listings per kind and per tag, and their indexes.
    for (k, docs) in &kinds {
        let path = format!("kinds/{}/index.html", k.as_str());
        if plan.due(&path, fingerprint(&(k, members(docs)))) {
            let mut c = Context::new();
            c.insert("title", k.plural());
            c.insert("heading", k.plural());
            c.insert("term_kind", "kind");
            c.insert_value("items", values(docs));
            job(path, "listing.html", "kinds", c);
        }
    }
    for (slug, (t, docs)) in &tags {
        let path = format!("tags/{slug}/index.html");
        if plan.due(&path, fingerprint(&(t, members(docs)))) {
            let mut c = Context::new();
            c.insert("title", &format!("Tag: {t}"));
            c.insert("heading", &format!("Tagged “{t}”"));
            c.insert("term_kind", "tag");
            c.insert_value("items", values(docs));
            job(path, "listing.html", "tags", c);
        }
    }
    {
        let kind_terms: Vec<serde_json::Value> = kinds
            .iter()
            .map(|(k, v)| {
                serde_json::json!({"name": k.plural(), "key": k.as_str(), "count": v.len(), "url": urls.dir(&format!("kinds/{}", k.as_str()))})
            })
            .collect();
        let tag_terms: Vec<serde_json::Value> = tags
            .iter()
            .map(|(slug, (name, v))| {
                serde_json::json!({"name": name, "key": slug, "count": v.len(), "url": urls.dir(&format!("tags/{slug}"))})
            })
            .collect();
        if plan.due(
            "kinds/index.html",
            fingerprint(&serde_json::to_string(&kind_terms).unwrap_or_default()),
        ) {
            let mut c = Context::new();
            c.insert("title", "Documents by kind");
            c.insert("terms", &kind_terms);
            job("kinds/index.html".into(), "terms.html", "kinds", c);
        }
        if plan.due(
            "tags/index.html",
            fingerprint(&serde_json::to_string(&tag_terms).unwrap_or_default()),
        ) {
            let mut c = Context::new();
            c.insert("title", "Tags");
            c.insert("terms", &tag_terms);
            job("tags/index.html".into(), "terms.html", "tags", c);
        }
    }

    // Standards: index, per-standard clause tree, dashboard, clause pages.
    // A standard's pages read the state and document count of its clauses.
    let outline_prints: Vec<u64> = site
        .public_trace
        .coverage
        .iter()
        .map(|cov| {
            fingerprint(
                &cov.clauses
                    .iter()
                    .map(|c| {
                        (
                            &c.number,
                            c.state,
                            c.requirement,
                            c.direct.len(),
                            &c.derived,
                            &c.exclusion,
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    if plan.due("standards/index.html", fingerprint(&&outline_prints)) {
        let stats: Vec<_> = site
            .public_trace
            .coverage
            .iter()
            .map(|c| &c.stats)
            .collect();
        let mut c = Context::new();
        c.insert("title", "Standards");
        c.insert("stats", &stats);
        job(
            "standards/index.html".into(),
            "standards.html",
            "standards",
            c,
        );
    }
    for (si, cat) in scope_cats.iter().enumerate() {
        let Some(cov) = site.public_trace.standard(&cat.id) else {
            continue;
        };
        let outline = site
            .public_trace
            .coverage
            .iter()
            .position(|c| c.standard == cat.id)
            .map_or(0, |p| outline_prints[p]);
        let clause_views: Vec<ClauseView> = cat
            .clauses
            .iter()
            .zip(&cov.clauses)
            .map(|(cl, cc)| ClauseView {
                number: cl.number.clone(),
                title: cat.display_title(&cl.number),
                depth: cl.depth,
                state: cc.state,
                state_label: cc.state.label(),
                requirement: cc.requirement,
                heading: cl.is_heading(),
                url: urls.clause(cat, &cl.number),
                documents: cc.direct.len(),
            })
            .collect();
        let slug = cat.slug();
        let std_mappings: Vec<&serde_json::Value> = mappings_view
            .iter()
            .filter(|m| {
                let id = m["id"].as_str().unwrap_or_default();
                site.standards
                    .mapping(id)
                    .is_some_and(|mm| mm.left == cat.id || mm.right == cat.id)
            })
            .collect();

        let path = format!("standards/{slug}/index.html");
        if plan.due(&path, outline) {
            let mut c = Context::new();
            c.insert("title", &cat.display_name());
            c.insert("standard", &standards_view[si]);
            c.insert("clauses", &clause_views);
            c.insert("stats", &cov.stats);
            c.insert("mappings", &std_mappings);
            job(path, "standard.html", "standards", c);
        }

        let path = format!("standards/{slug}/coverage/index.html");
        if plan.due(&path, outline) {
            let gaps: Vec<&ClauseView> = clause_views
                .iter()
                .filter(|v| v.requirement && v.state != State::Full && v.state != State::Excluded)
                .collect();
            let mut c = Context::new();
            c.insert("title", &format!("Coverage of {}", cat.display_name()));
            c.insert("standard", &standards_view[si]);
            c.insert("stats", &cov.stats);
            c.insert("gaps", &gaps);
            c.insert("exports", &coverage_export_links(&slug));
            c.insert("mappings", &std_mappings);
            job(path, "coverage.html", "coverage", c);
        }

        // The mappings in scope from this standard, with the other side.
        let mappings: Vec<(&crate::load::standards::Mapping, &Catalog)> = site
            .standards
            .mappings_for(&cat.id)
            .filter(|m| site.public_trace.mappings.contains(&m.id))
            .filter_map(|m| Some((m, site.standards.catalog(m.other_side(&cat.id)?)?)))
            .collect();
        for (ci, (cl, cc)) in cat.clauses.iter().zip(&cov.clauses).enumerate() {
            let path = format!("standards/{slug}/{}/index.html", cl.number);
            let root = root_for(&path);
            // What the page shows: the clause, its subclauses' states and
            // counts, and the related clauses' states and documents.
            let print = {
                let mut h = crate::base::fingerprint::hasher();
                (cc.state, cc.requirement, &cc.derived, &cc.exclusion).hash(&mut h);
                frags.print(&cat.id, &cl.number).hash(&mut h);
                for v in clause_views
                    .iter()
                    .filter(|v| cl.children.contains(&v.number))
                {
                    (v.state, v.documents).hash(&mut h);
                }
                for (m, other) in &mappings {
                    for (oc, _) in m.related_to(&cat.id, &cl.number) {
                        (state(&other.id, oc), frags.print(&other.id, oc)).hash(&mut h);
                    }
                }
                h.finish()
            };
            if !plan.due(&path, print) {
                continue;
            }
            let related: Vec<Value> = mappings
                .iter()
                .map(|(m, other)| {
                    let rel: Vec<Value> = m
                        .related_to(&cat.id, &cl.number)
                        .into_iter()
                        .map(|(oc, pair)| {
                            let state = state(&other.id, oc);
                            obj([
                                ("clause", oc.into()),
                                ("title", other.display_title(oc).into()),
                                ("url", urls.clause(other, oc).into()),
                                ("relation", pair.relation.as_str().into()),
                                ("note", pair.note.clone().into()),
                                ("state", state.map(State::as_str).into()),
                                ("state_label", state.map(State::label).into()),
                                ("documents", frags.docs(&other.id, oc)),
                                ("documents_html", frags.docs_html(&other.id, oc, &root)),
                            ])
                        })
                        .collect();
                    obj([
                        ("standard", other.display_name().into()),
                        ("mapping", m.name.clone().into()),
                        (
                            "matrix_url",
                            urls.dir(&format!("matrix/{}", m.slug())).into(),
                        ),
                        ("clauses", Value::from(rel)),
                    ])
                })
                .collect();
            let parent = cl.parent.as_deref().and_then(|p| {
                cat.clause(p).map(|pc| {
                    serde_json::json!({"number": pc.number, "title": cat.display_title(p), "url": urls.clause(cat, p)})
                })
            });
            let children: Vec<&ClauseView> = clause_views
                .iter()
                .filter(|v| cl.children.contains(&v.number))
                .collect();
            let mut c = Context::new();
            c.insert(
                "title",
                &format!(
                    "{} {} {}",
                    cat.display_name(),
                    cl.number,
                    cat.display_title(&cl.number)
                ),
            );
            c.insert("standard", &standards_view[si]);
            c.insert("clause", &clause_views[ci]);
            c.insert("parent", &parent);
            c.insert("children", &children);
            c.insert_value("addressed_by", frags.docs(&cat.id, &cl.number));
            c.insert_value(
                "addressed_by_html",
                frags.docs_html(&cat.id, &cl.number, &root),
            );
            c.insert_value("related", Value::from(related));
            c.insert("derived", &cc.derived);
            c.insert("exclusion", &cc.exclusion);
            job(path, "clause.html", "standards", c);
        }
    }

    // Matrices: index, both directions, grid.
    if plan.due("matrix/index.html", 0) {
        let mut c = Context::new();
        c.insert("title", "Traceability matrices");
        job("matrix/index.html".into(), "matrices.html", "matrix", c);
    }
    for (mi, (m, left, right)) in site.matrices().enumerate() {
        for (base, other, reverse) in [(left, right, false), (right, left, true)] {
            let path = if reverse {
                format!("matrix/{}/reverse/index.html", m.slug())
            } else {
                format!("matrix/{}/index.html", m.slug())
            };
            let root = root_for(&path);
            let rows = matrix_rows(m, base);
            // A row shows the states and documents of its clause and of the
            // related clauses.
            let print = {
                let mut h = crate::base::fingerprint::hasher();
                for row in &rows {
                    (
                        state(&base.id, row.clause),
                        frags.print(&base.id, row.clause),
                    )
                        .hash(&mut h);
                    for (oc, _, _) in &row.related {
                        (state(&other.id, oc), frags.print(&other.id, oc)).hash(&mut h);
                    }
                }
                h.finish()
            };
            if !plan.due(&path, print) {
                continue;
            }
            let rows: Vec<Value> = rows
                .into_iter()
                .map(|row| {
                    let state_here = state(&base.id, row.clause);
                    let related: Vec<Value> = row
                        .related
                        .iter()
                        .map(|(oc, rel, note)| {
                            let ostate = state(&other.id, oc);
                            let pair_id = if reverse {
                                pair_anchor(oc, row.clause)
                            } else {
                                pair_anchor(row.clause, oc)
                            };
                            obj([
                                ("clause", (*oc).into()),
                                ("title", other.display_title(oc).into()),
                                ("url", urls.clause(other, oc).into()),
                                ("relation", rel.as_str().into()),
                                ("note", note.map(str::to_string).into()),
                                ("state", ostate.map(State::as_str).into()),
                                ("state_label", ostate.map(State::label).into()),
                                ("documents", frags.docs(&other.id, oc)),
                                ("documents_html", frags.docs_html(&other.id, oc, &root)),
                                ("pair_id", pair_id.into()),
                            ])
                        })
                        .collect();
                    obj([
                        ("clause", row.clause.into()),
                        ("title", base.display_title(row.clause).into()),
                        ("url", urls.clause(base, row.clause).into()),
                        ("state", state_here.map(State::as_str).into()),
                        ("state_label", state_here.map(State::label).into()),
                        (
                            "heading",
                            base.clause(row.clause)
                                .is_some_and(|c| c.is_heading())
                                .into(),
                        ),
                        ("documents", frags.docs(&base.id, row.clause)),
                        (
                            "documents_html",
                            frags.docs_html(&base.id, row.clause, &root),
                        ),
                        ("related", Value::from(related)),
                    ])
                })
                .collect();
            let mut c = Context::new();
            c.insert(
                "title",
                &format!(
                    "Traceability: {} → {}",
                    base.display_name(),
                    other.display_name()
                ),
            );
            c.insert("mapping", &mappings_view[mi]);
            c.insert("base", &base.display_name());
            c.insert("other", &other.display_name());
            c.insert("reverse", &reverse);
            c.insert_value("rows", Value::from(rows));
            job(path, "matrix.html", "matrix", c);
        }
        // Grid: left clauses as rows, right clauses as columns; made of the
        // mapping only.
        let path = format!("matrix/{}/grid/index.html", m.slug());
        if !plan.due(&path, 0) {
            continue;
        }
        let cols: Vec<serde_json::Value> = right
            .clauses
            .iter()
            .filter(|c| m.pairs.iter().any(|p| p.right == c.number))
            .map(|c| serde_json::json!({"clause": c.number, "title": right.display_title(&c.number), "url": urls.clause(right, &c.number)}))
            .collect();
        let grid_rows: Vec<serde_json::Value> = left
            .clauses
            .iter()
            .filter(|c| m.pairs.iter().any(|p| p.left == c.number))
            .map(|lc| {
                let marks: Vec<serde_json::Value> = cols
                    .iter()
                    .map(|col| {
                        let rc = col["clause"].as_str().unwrap_or_default();
                        let pair = m.pairs.iter().find(|p| p.left == lc.number && p.right == rc);
                        match pair {
                            Some(p) => serde_json::json!({"mark": true, "relation": p.relation.as_str(), "anchor": pair_anchor(&lc.number, rc), "right": rc}),
                            None => serde_json::json!({"mark": false}),
                        }
                    })
                    .collect();
                serde_json::json!({"clause": lc.number, "title": left.display_title(&lc.number), "url": urls.clause(left, &lc.number), "marks": marks})
            })
            .collect();
        let mut c = Context::new();
        c.insert(
            "title",
            &format!("Grid: {} × {}", left.display_name(), right.display_name()),
        );
        c.insert("mapping", &mappings_view[mi]);
        c.insert("left", &left.display_name());
        c.insert("right", &right.display_name());
        c.insert("columns", &cols);
        c.insert("rows", &grid_rows);
        job(path, "grid.html", "matrix", c);
    }

    // Applicability and exclusion register (from the configuration and the
    // catalogs, which make a full build when they change).
    if plan.due("exclusions/index.html", 0) {
        let registers: Vec<serde_json::Value> = scope_cats
            .iter()
            .map(|cat| {
                let list: Vec<serde_json::Value> = site
                    .config
                    .exclusions
                    .get(&cat.id)
                    .map(|l| {
                        l.iter()
                            .map(|e| serde_json::json!({
                                "clause": e.clause,
                                "title": cat.display_title(&e.clause),
                                "url": urls.clause(cat, &e.clause),
                                "justification": e.justification,
                            }))
                            .collect()
                    })
                    .unwrap_or_default();
                serde_json::json!({"standard": cat.display_name(), "url": urls.standard(cat), "rule": exclusion_rule_text(cat), "exclusions": list})
            })
            .collect();
        let mut c = Context::new();
        c.insert("title", "Applicability and exclusions");
        c.insert("registers", &registers);
        job(
            "exclusions/index.html".into(),
            "exclusions.html",
            "exclusions",
            c,
        );
    }

    // Full search results page (filled in by theme/search.js).
    if plan.due("search/index.html", 0) {
        let mut c = Context::new();
        c.insert("title", "Search");
        job("search/index.html".into(), "search.html", "search", c);
    }

    // 404: served at any depth, so it links from the base URL when known.
    if plan.due("404.html", 0) {
        let mut c = Context::new();
        c.insert("title", "Page not found");
        let root = site
            .config
            .base_url
            .as_deref()
            .map(|b| {
                if b.ends_with('/') {
                    b.to_string()
                } else {
                    format!("{b}/")
                }
            })
            .unwrap_or_else(|| "/".to_string());
        c.insert("root_override", &root);
        job("404.html".into(), "404.html", "", c);
    }
    jobs
}

fn render_error(template: &str, e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    match e.kind() {
        tera::ErrorKind::RenderingError(r) | tera::ErrorKind::SyntaxError(r) => {
            let name = if r.filename().is_empty() {
                template
            } else {
                r.filename()
            };
            let span = r.span();
            let mut d = Diagnostic::error(
                format!("templates/{name}"),
                format!("template error: {}", r.message()),
            )
            .with_help("a template reads a variable or attribute the page does not have; `{% if x %}` guards optional values");
            d.line = span.start_line;
            d.column = span.start_col + 1;
            d
        }
        _ => Diagnostic::error(
            format!("templates/{template}"),
            format!("template error: {msg}"),
        ),
    }
}

/// The page-specific part of document page `i`.
fn doc_page<'a>(site: &'a Site, urls: &Urls, i: usize) -> DocPage<'a> {
    let d = &site.docs[i];
    DocPage {
        path: d.path.display().to_string(),
        extra: &d.meta.extra,
        clauses: site.clauses[i]
            .iter()
            .map(|r| {
                let cat = site.standards.catalog(&r.key.standard);
                ClauseBadge {
                    standard: &r.key.standard,
                    standard_name: cat.map_or_else(|| r.key.standard.clone(), |c| c.display_name()),
                    clause: &r.key.clause,
                    title: cat
                        .map(|c| c.display_title(&r.key.clause))
                        .unwrap_or_default(),
                    level: r.level,
                    section: r.section.as_deref(),
                    url: cat
                        .map(|c| urls.clause(c, &r.key.clause))
                        .unwrap_or_default(),
                    in_scope: site.public_trace.scope.contains(&r.key.standard),
                }
            })
            .collect(),

        toc: &site.rendered[i].toc,
    }
}

/// The context of document page `i` (built in the parallel render stage:
/// there are as many of these as documents).
fn doc_context(site: &Site, summaries: &[Value], urls: &Urls, i: usize) -> Context {
    let d = &site.docs[i];
    let page = doc_page(site, urls, i);
    let mut c = Context::new();
    c.insert("title", &format!("{} {}", d.meta.id, d.meta.title));
    c.insert_value("doc", summaries[i].clone());
    // Related documents and backlinks share the documents' values; they
    // sit beside `page` so that converting `page` does not copy them. Only
    // published documents are listed: nothing of an unpublished one shows
    // on another document's page.
    let listed = |list: &[usize]| {
        Value::from(
            list.iter()
                .filter(|&&j| site.published[j])
                .map(|&j| summaries[j].clone())
                .collect::<Vec<_>>(),
        )
    };
    let mut page = Value::from_serializable(&page);
    if let Some(m) = page.as_map() {
        let mut m = m.clone();
        m.insert("related".into(), listed(&site.related[i]));
        m.insert("backlinks".into(), listed(&site.backlinks[i]));
        page = Value::from(m);
    }
    c.insert_value("page", page);
    c.insert_value("content", Value::safe_string(&site.rendered[i].html));
    c
}

/// Build a template map from fields, without going through serde.
fn obj<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    let mut m = tera::Map::with_capacity(N);
    for (k, v) in fields {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

fn status_counts(facts: &Facts, published: &[usize]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for &i in published {
        *m.entry(facts.docs[i].status.as_str()).or_insert(0) += 1;
    }
    m
}

/// The anchor of a pair in the left-to-right matrix page.
pub fn pair_anchor(left: &str, right: &str) -> String {
    format!("p-{left}--{right}")
}

/// File-name-safe form of a tag.
pub fn tag_slug(t: &str) -> String {
    let s = crate::base::text::slugify(t);
    if s.is_empty() { "tag".into() } else { s }
}

fn export_links(slug: &str) -> serde_json::Value {
    serde_json::json!({
        "csv": format!("exports/matrix-{slug}.csv"),
        "json": format!("exports/matrix-{slug}.json"),
        "xlsx": format!("exports/matrix-{slug}.xlsx"),
    })
}

fn coverage_export_links(slug: &str) -> serde_json::Value {
    serde_json::json!({
        "csv": format!("exports/coverage-{slug}.csv"),
        "json": format!("exports/coverage-{slug}.json"),
    })
}
