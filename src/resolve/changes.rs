//! What changed between two revisions of the site (`clausebook changes`
//! and the `changes/` page): the document changes the repository's
//! history gives (`load::history`), and the coverage changes per clause,
//! worked out by loading the site at both revisions from the repository's
//! objects (a [`GitSource`], no checkout) and comparing their coverage.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use gix::ObjectId;

use crate::base::diag::Diagnostic;
use crate::load::history::{
    CommitInfo, DocState, DocumentChanges, GitSource, HistoryOptions, SiteRepo, state_of,
};
use crate::load::source::Source;
use crate::resolve::diff::DocDiff;
pub use crate::resolve::report::{Changes, CoverageChange, StandardChanges};
use crate::resolve::trace::State;
use crate::resolve::{LoadOptions, Site};

/// The changes from `since` to `until` (both anything git resolves, or a
/// date; `until` defaults to `HEAD`). `what` names the setting or option
/// that gave `since` (`--since`, `clausebook.toml`) for messages.
pub fn between(
    repo: &SiteRepo,
    since: &str,
    until: Option<&str>,
    what: &str,
) -> Result<Changes, Diagnostic> {
    let from = repo.resolve(since).map_err(|e| e.diagnostic(what))?;
    let to = match until {
        Some(u) => repo.resolve(u).map_err(|e| e.diagnostic("--until"))?,
        None => repo.head().clone(),
    };
    let mut notes = Vec::new();
    let (before, mut parsed) = versions_at(repo, &from, &mut notes)?;
    let (after, parsed_after) = versions_at(repo, &to, &mut notes)?;
    parsed.extend(parsed_after);
    let mut changes = report(repo, &from, &to, &before, &after, parsed, notes);
    // The site's diff pages are from its baseline to `HEAD`: only this
    // range has them.
    let baseline = after
        .config
        .history
        .as_ref()
        .and_then(|h| h.baseline.as_deref());
    let is_site_range = to.id == repo.head().id
        && baseline.is_some_and(|b| repo.resolve(b).is_ok_and(|c| c.id == from.id));
    if is_site_range {
        changes.diff_urls = diff_ids(&changes.documents, &before, &after)
            .into_iter()
            .filter_map(|id| {
                let i = after.doc_index(id).filter(|&i| after.published[i])?;
                Some((id.to_string(), diff_url_of(&after, i)))
            })
            .collect();
    }
    Ok(changes)
}

/// The output path of document `i`'s diff page (`changes/sms-pol-001/index.html`).
pub fn diff_page(site: &Site, i: usize) -> String {
    let dir = site.urls[i]
        .trim_end_matches("index.html")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    format!("changes/{dir}/index.html")
}

/// The URL (from the site root) of document `i`'s diff page.
pub fn diff_url_of(site: &Site, i: usize) -> String {
    let page = diff_page(site, i);
    if site.config.clean_links {
        page.trim_end_matches("index.html").to_string()
    } else {
        page
    }
}

/// The site at `commit` (unrendered: coverage and metadata only) and the
/// versions of its documents by blob id, for [`SiteRepo::document_changes`].
fn versions_at(
    repo: &SiteRepo,
    commit: &CommitInfo,
    notes: &mut Vec<Diagnostic>,
) -> Result<(Site, HashMap<ObjectId, Arc<DocState>>), Diagnostic> {
    let (source, ids) = source_at(repo, commit, notes);
    let site = load_quietly(&source, commit)?;
    let parsed = parsed_of(&site, &ids);
    Ok((site, parsed))
}

/// The loaded documents of `site` by blob id (`ids`: the blob id of each
/// site-relative path).
fn parsed_of(site: &Site, ids: &HashMap<String, ObjectId>) -> HashMap<ObjectId, Arc<DocState>> {
    let opts = HistoryOptions {
        schema: crate::load::content::Schema::of(&site.config),
        ..HistoryOptions::default()
    };
    site.docs
        .iter()
        .filter_map(|d| {
            let rel = crate::load::history::site_rel(&site.root, &d.path);
            ids.get(&rel).map(|id| (*id, state_of(d, &opts)))
        })
        .collect()
}

/// The changes from `[history] baseline` to `site`; `None` without
/// history or without a baseline. Those kept with the history (by serve)
/// when there are.
pub fn baseline(site: &Site) -> Option<Arc<Result<Changes, Diagnostic>>> {
    let h = site.history.as_deref()?;
    let since = site.config.history.as_ref()?.baseline.as_deref()?;
    if let Some((c, _)) = &h.changes {
        return Some(Arc::clone(c));
    }
    Some(Arc::new(since_baseline(&h.repo, site, since)))
}

/// The changes from `since` to the site as loaded now (`site`, the working
/// tree): the document changes up to `HEAD`, the coverage changes up to
/// `site`.
pub fn since_baseline(repo: &SiteRepo, site: &Site, since: &str) -> Result<Changes, Diagnostic> {
    let from = repo
        .resolve(since)
        .map_err(|e| e.diagnostic(crate::load::config::CONFIG_FILE))?;
    let mut notes = Vec::new();
    let (before, mut parsed) = versions_at(repo, &from, &mut notes)?;
    if let Some(h) = site.history.as_deref() {
        parsed.extend(h.parsed.iter().map(|(id, st)| (*id, st.clone())));
    }
    let mut changes = report(repo, &from, repo.head(), &before, site, parsed, notes);
    changes.diffs = diffs(&changes.documents, &before, site);
    changes.diff_urls = diff_urls(site, &changes.diffs);
    Ok(changes)
}

/// The changes page's baseline as `clausebook serve` keeps it between
/// rebuilds: the site at the baseline is loaded once, the document changes
/// are walked again only when `HEAD` moved, and a document's diff is
/// worked out again only when its source changed; the coverage changes
/// (a comparison of the two coverages) at every rebuild.
pub struct KeptBaseline {
    since: String,
    from: Arc<CommitInfo>,
    before: Site,
    parsed: HashMap<ObjectId, Arc<DocState>>,
    notes: Vec<Diagnostic>,
    /// The document changes up to `HEAD`, with `HEAD`'s id.
    documents: Option<(String, DocumentChanges)>,
    /// Each document's diff, with the serial of the parse it was made from.
    diffs: HashMap<String, (u64, Arc<DocDiff>)>,
}

impl KeptBaseline {
    /// Load the site at `since` (the `[history] baseline` setting).
    pub fn load(repo: &SiteRepo, since: &str) -> Result<KeptBaseline, Diagnostic> {
        let from = repo
            .resolve(since)
            .map_err(|e| e.diagnostic(crate::load::config::CONFIG_FILE))?;
        let mut notes = Vec::new();
        let (before, parsed) = versions_at(repo, &from, &mut notes)?;
        Ok(KeptBaseline {
            since: since.to_string(),
            from,
            before,
            parsed,
            notes,
            documents: None,
            diffs: HashMap::new(),
        })
    }

    /// Whether this is the baseline `since` still resolves to in `repo`
    /// (a date or a branch resolves anew after a commit).
    pub fn holds(&self, repo: &SiteRepo, since: &str) -> bool {
        self.since == since && repo.resolve(since).is_ok_and(|c| c.id == self.from.id)
    }

    /// The changes from the baseline to `site`, as [`since_baseline`]
    /// works them out; `None` when `site` has no history.
    pub fn changes(&mut self, site: &Site) -> Option<Changes> {
        let h = site.history.as_deref()?;
        let head = h.repo.head();
        let documents = match &self.documents {
            Some((id, d)) if *id == head.id => d.clone(),
            _ => {
                let mut parsed = self.parsed.clone();
                parsed.extend(h.parsed.iter().map(|(id, st)| (*id, st.clone())));
                let d = h.repo.document_changes(
                    &self.from,
                    head,
                    &HistoryOptions {
                        schema: crate::load::content::Schema::of(&site.config),
                        parsed: Arc::new(parsed),
                        ..HistoryOptions::default()
                    },
                );
                self.documents = Some((head.id.clone(), d.clone()));
                d
            }
        };
        let mut notes = self.notes.clone();
        notes.extend(documents.notes.iter().cloned());
        let mut diffs = Vec::new();
        for id in diff_ids(&documents, &self.before, site) {
            let Some(i) = site.doc_index(id) else {
                continue;
            };
            let serial = site.docs[i].serial;
            match self.diffs.get(id) {
                Some((s, d)) if *s == serial => diffs.push(Arc::clone(d)),
                _ => {
                    if let Some(d) = doc_diff(&self.before, site, id).map(Arc::new) {
                        self.diffs.insert(id.to_string(), (serial, Arc::clone(&d)));
                        diffs.push(d);
                    }
                }
            }
        }
        let diff_urls = diff_urls(site, &diffs);
        Some(Changes {
            coverage: coverage_changes(&self.before, site),
            documents,
            shallow: h.repo.is_shallow(),
            notes,
            diffs,
            diff_urls,
        })
    }
}

/// The documents `d` lists as changed, moved or re-approved that are in
/// both sites, sorted: those with a diff page.
fn diff_ids<'d>(d: &'d DocumentChanges, before: &Site, site: &Site) -> Vec<&'d str> {
    let mut ids: Vec<&str> = d
        .changed_without_version
        .iter()
        .map(|c| c.document.id.as_str())
        .chain(d.reapproved.iter().map(|r| r.document.id.as_str()))
        .chain(d.moved.iter().map(|m| m.id.as_str()))
        .chain(d.clause_references.iter().map(|c| c.id.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.retain(|id| before.doc_index(id).is_some() && site.doc_index(id).is_some());
    ids
}

/// The source differences of the documents `d` lists as changed, moved
/// or re-approved: their text at `before` against their text in `site`.
fn diffs(d: &DocumentChanges, before: &Site, site: &Site) -> Vec<Arc<DocDiff>> {
    diff_ids(d, before, site)
        .into_iter()
        .filter_map(|id| doc_diff(before, site, id).map(Arc::new))
        .collect()
}

/// The URLs of the diff pages of `diffs` (the published documents').
fn diff_urls(site: &Site, diffs: &[Arc<DocDiff>]) -> BTreeMap<String, String> {
    diffs
        .iter()
        .filter_map(|d| {
            let i = site.doc_index(&d.id).filter(|&i| site.published[i])?;
            Some((d.id.clone(), diff_url_of(site, i)))
        })
        .collect()
}

/// The source difference of document `id` from `before` to `site`.
fn doc_diff(before: &Site, site: &Site, id: &str) -> Option<DocDiff> {
    let b = &before.docs[before.doc_index(id)?];
    let a = &site.docs[site.doc_index(id)?];
    let (hunks, removed, added) = crate::resolve::diff::hunks(&b.source, &a.source);
    Some(DocDiff {
        id: id.to_string(),
        title: a.meta.title.clone(),
        from_path: b.path.display().to_string(),
        to_path: a.path.display().to_string(),
        hunks,
        removed,
        added,
        print: crate::base::fingerprint::fingerprint(&(
            &b.path,
            &a.path,
            &a.meta.title,
            &b.source,
            &a.source,
        )),
    })
}

fn report(
    repo: &SiteRepo,
    from: &Arc<CommitInfo>,
    to: &Arc<CommitInfo>,
    before: &Site,
    after: &Site,
    parsed: HashMap<ObjectId, Arc<DocState>>,
    mut notes: Vec<Diagnostic>,
) -> Changes {
    let documents = repo.document_changes(
        from,
        to,
        &HistoryOptions {
            schema: crate::load::content::Schema::of(&after.config),
            parsed: Arc::new(parsed),
            ..HistoryOptions::default()
        },
    );
    notes.extend(documents.notes.iter().cloned());
    Changes {
        documents,
        coverage: coverage_changes(before, after),
        shallow: repo.is_shallow(),
        notes,
        diffs: Vec::new(),
        diff_urls: BTreeMap::new(),
    }
}

/// The site as it was at `commit`, loaded from the repository's objects
/// (unrendered: see [`Site::load_unrendered`]).
pub fn site_at(
    repo: &SiteRepo,
    commit: &CommitInfo,
    notes: &mut Vec<Diagnostic>,
) -> Result<Site, Diagnostic> {
    let (source, _) = source_at(repo, commit, notes);
    load_quietly(&source, commit)
}

/// The site's files at `commit`, as a source for the loader, and the blob
/// id of each (by site-relative path).
fn source_at(
    repo: &SiteRepo,
    commit: &CommitInfo,
    notes: &mut Vec<Diagnostic>,
) -> (GitSource, HashMap<String, ObjectId>) {
    let files = repo.site_files(commit);
    notes.extend(files.notes.iter().cloned());
    let ids = files
        .files
        .iter()
        .map(|f| (f.path.clone(), f.blob))
        .collect();
    (GitSource::new(repo.root(), files), ids)
}

fn load_quietly(source: &dyn Source, commit: &CommitInfo) -> Result<Site, Diagnostic> {
    let options = LoadOptions {
        drafts: false,
        today: commit.commit_date(),
    };
    Site::load_unrendered(source, options).map_err(|e| {
        let first = e.into_diagnostics().into_iter().next();
        let why = first.map_or_else(String::new, |d| format!(": {}", d.message));
        Diagnostic::error(
            crate::load::config::CONFIG_FILE,
            format!(
                "the site cannot be loaded as it was at commit {} ({}){why}",
                commit.short,
                commit.commit_date()
            ),
        )
        .with_help("choose a later revision, when the site's clausebook.toml was valid")
        .with_rule(crate::load::history::RULE_HISTORY)
    })
}

/// The ids of the documents addressing a clause.
fn addressing(site: &Site, standard: &str, clause: &str) -> Vec<String> {
    let mut ids: Vec<String> = site
        .trace
        .direct(standard, clause)
        .iter()
        .map(|a| site.docs[a.doc].meta.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The coverage changes per clause for every standard in scope at either
/// revision (in the order of the later scope, then the earlier one).
pub fn coverage_changes(before: &Site, after: &Site) -> Vec<StandardChanges> {
    let mut standards: Vec<&str> = after.trace.scope.iter().map(String::as_str).collect();
    for s in &before.trace.scope {
        if !standards.contains(&s.as_str()) {
            standards.push(s);
        }
    }
    let mut out = Vec::new();
    for std in standards {
        let b = before.trace.standard(std);
        let a = after.trace.standard(std);
        let cat = after
            .standards
            .catalog(std)
            .or_else(|| before.standards.catalog(std));
        let mut numbers: Vec<&str> = Vec::new();
        for cov in a.iter().chain(b.iter()) {
            for c in &cov.clauses {
                if !numbers.contains(&c.number.as_str()) {
                    numbers.push(&c.number);
                }
            }
        }
        let mut clauses = Vec::new();
        for n in numbers {
            let from = b.and_then(|s| s.clause(n)).map_or(State::Gap, |c| c.state);
            let to = a.and_then(|s| s.clause(n)).map_or(State::Gap, |c| c.state);
            let was = addressing(before, std, n);
            let now = addressing(after, std, n);
            if from == to {
                continue;
            }
            let was_set: BTreeSet<&String> = was.iter().collect();
            let now_set: BTreeSet<&String> = now.iter().collect();
            clauses.push(CoverageChange {
                clause: n.to_string(),
                title: cat.map(|c| c.display_title(n)).unwrap_or_default(),
                from,
                to,
                gained: now_set.difference(&was_set).map(|s| (*s).clone()).collect(),
                lost: was_set.difference(&now_set).map(|s| (*s).clone()).collect(),
                documents: now,
            });
        }
        out.push(StandardChanges {
            standard: std.to_string(),
            name: cat.map_or_else(|| std.to_string(), |c| c.display_name()),
            percent_before: b.map_or(0.0, |s| s.stats.percent),
            percent_after: a.map_or(0.0, |s| s.stats.percent),
            clauses,
        });
    }
    out
}
