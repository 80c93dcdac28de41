//! `clausebook build`: load, check, then render the pages, the exports and
//! the search indexes side by side into a new output folder, swapped in
//! only when everything succeeded, so a failed build leaves the previous
//! site untouched. Each step is timed (`build -v`).
//!
//! Only this stage writes to the output: [`output::OutputTree`] for a build
//! (a folder beside the output, swapped in whole), and the writers of
//! [`in_place`] for the rebuilds of `clausebook serve`, which write over
//! the files of the output it serves.

pub mod exports;
pub mod in_place;
pub mod outdir;
pub mod output;
pub mod pdf;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Tera;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::output::OutputFile;
use crate::load::source::site_files;
use crate::load::templates::{HISTORY_THEME, THEME, load_templates};
use crate::render::Sink;
use crate::resolve::{LoadOptions, Site, SiteError};
use output::{OutputTree, check_output_location, lock_output};

/// Options of one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    /// Output folder (default: `output` of clausebook.toml, below the root).
    pub output: Option<PathBuf>,
    /// Publish even when there are content errors (for draft previews).
    pub allow_errors: bool,
}

/// What a build did.
pub struct BuildReport {
    pub output: PathBuf,
    pub documents: usize,
    /// Draft and review documents left out (no `--drafts`).
    pub skipped: Skipped,
    pub pages: usize,
    pub files: usize,
    pub diags: Diagnostics,
    pub phases: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
    /// Why the site was built without history (for `-v`).
    pub history_off: Option<String>,
}

/// The documents a build left out because they are not released.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub drafts: usize,
    pub reviews: usize,
}

impl Skipped {
    /// Count the unpublished drafts and reviews of `site`.
    pub fn of(site: &Site) -> Skipped {
        use crate::load::content::Status;
        let mut s = Skipped::default();
        for (d, _) in site.docs.iter().zip(&site.published).filter(|(_, p)| !**p) {
            match d.meta.status {
                Status::Draft => s.drafts += 1,
                Status::Review => s.reviews += 1,
                _ => {}
            }
        }
        s
    }

    /// ", 2 drafts and 1 review skipped (--drafts publishes them)", or
    /// nothing when none was.
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let what = match (self.drafts, self.reviews) {
            (0, 0) => return String::new(),
            (d, 0) => plural(d, "draft", "drafts"),
            (0, r) => plural(r, "document in review", "documents in review"),
            (d, r) => format!(
                "{} and {}",
                plural(d, "draft", "drafts"),
                plural(r, "document in review", "documents in review")
            ),
        };
        format!(", {what} skipped (--drafts publishes them)")
    }
}

/// Why a build failed.
pub enum BuildError {
    /// Configuration or usage: exit code 2.
    Config(Vec<Diagnostic>),
    /// Content errors (all of them): exit code 1. The output is untouched.
    Content(Diagnostics),
}

/// How a build loads, checks and renders the site: [`Plain`] works out
/// everything afresh; `clausebook serve` builds through its session, which
/// keeps what its next rebuild can reuse.
pub trait Pipeline: Sync {
    fn load(&mut self, root: &Path, options: LoadOptions) -> Result<Site, SiteError>;
    fn findings(&self, site: &Site) -> Diagnostics;
    fn render(&self, site: &Site, tera: &Tera, sink: Sink<'_>) -> Result<usize, Vec<Diagnostic>>;
}

/// The plain pipeline: [`Site::load`], [`crate::check::findings`],
/// [`crate::render::render_site_into`].
pub struct Plain;

impl Pipeline for Plain {
    fn load(&mut self, root: &Path, options: LoadOptions) -> Result<Site, SiteError> {
        Site::load(root, options)
    }

    fn findings(&self, site: &Site) -> Diagnostics {
        crate::check::findings(site)
    }

    fn render(&self, site: &Site, tera: &Tera, sink: Sink<'_>) -> Result<usize, Vec<Diagnostic>> {
        crate::render::render_site_into(site, tera, sink)
    }
}

/// Build the site at `root`.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_with(root, opts, &mut Plain).map(|b| b.report)
}

/// A finished build and what it was made from, for rebuilds to reuse.
pub struct Built {
    pub report: BuildReport,
    pub site: Site,
    pub tera: Tera,
}

/// Build the site at `root` through `pipeline`: load, check, templates,
/// prepare the new output, generate its files, then write the theme and
/// swap the output in.
pub fn build_with(
    root: &Path,
    opts: &BuildOptions,
    pipeline: &mut dyn Pipeline,
) -> Result<Built, BuildError> {
    let start = Instant::now();
    let site = pipeline
        .load(root, opts.load.clone())
        .map_err(|e| BuildError::Config(e.into_diagnostics()))?;
    let output = output_folder(root, &site, opts)?;
    let lock = lock_output(&output).map_err(|d| BuildError::Config(vec![d]))?;
    let mut phases = site.phases.clone();
    let t = Instant::now();
    let mut diags = pipeline.findings(&site);
    phases.push(("check", t.elapsed()));
    if diags.has_errors() && !opts.allow_errors {
        return Err(BuildError::Content(diags));
    }

    let t = Instant::now();
    let tera = match load_templates(root) {
        Ok((t, warnings)) => {
            diags.extend(warnings);
            t
        }
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return Err(BuildError::Content(diags));
        }
    };
    // Taking the spare aside and listing it (removing foreign entries).
    let t_prepare = Instant::now();
    let tree = match OutputTree::prepare(&output, lock) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Err(BuildError::Content(diags));
        }
    };
    phases.push(("prepare", t_prepare.elapsed()));
    let (written, failed) = generate(&site, &tera, &tree, &*pipeline, &mut phases, &mut diags);
    phases.push(("generate", t.elapsed()));
    // The pages are what the new output holds besides those files.
    let pages = tree.written_count().saturating_sub(written);
    let files = theme_files(root, site.history.is_some(), &mut diags);
    if failed || (diags.has_errors() && !opts.allow_errors) {
        tree.abort();
        diags.sort();
        return Err(BuildError::Content(diags));
    }

    let t = Instant::now();
    if let Err(d) = files.par_iter().try_for_each(|f| tree.write(f)) {
        tree.abort();
        diags.push(d);
        return Err(BuildError::Content(diags));
    }
    if let Err(d) = tree.commit() {
        diags.push(d);
        return Err(BuildError::Content(diags));
    }
    phases.push(("write", t.elapsed()));

    let report = BuildReport {
        output,
        documents: site.published.iter().filter(|p| **p).count(),
        skipped: Skipped::of(&site),
        pages,
        files: written + files.len(),
        diags,
        phases,
        elapsed: start.elapsed(),
        history_off: site.history_off.clone(),
    };
    Ok(Built { report, site, tera })
}

/// The output folder of a build, refused when it would overwrite the
/// site's sources.
fn output_folder(root: &Path, site: &Site, opts: &BuildOptions) -> Result<PathBuf, BuildError> {
    let output = match &opts.output {
        Some(o) => o.clone(),
        None => root.join(&site.config.output),
    };
    // `public/` names the same folder as `public`, but a system call given
    // `public/` follows a link named `public`: drop the trailing slash.
    let output: PathBuf = output.components().collect();
    check_output_location(root, &output).map_err(|d| BuildError::Config(vec![d]))?;
    Ok(output)
}

/// Render the pages, the exports and the search indexes side by side into
/// `tree` (they only read the site; each also runs in parallel inside),
/// each writing its files as soon as they are made. Returns how many
/// files the exports and indexes wrote, and whether a part failed (then
/// the output cannot be published, even with --allow-errors, which only
/// lets content findings through).
fn generate(
    site: &Site,
    tera: &Tera,
    tree: &OutputTree,
    pipeline: &dyn Pipeline,
    phases: &mut Vec<(&'static str, Duration)>,
    diags: &mut Diagnostics,
) -> (usize, bool) {
    let timed = |f: &dyn Fn() -> Result<usize, Vec<Diagnostic>>| {
        let t = Instant::now();
        (f(), t.elapsed())
    };
    // The parts with the most serial work first: a join's second closure
    // waits for an idle thread. The search indexes (the longest part) take
    // one thread; the other starts the exports, whose workbooks are each
    // made by one thread from start to end, and the pages (many small
    // jobs) fill what is left on both. Rendered before the exports, the
    // workbooks finished alone with a core idle (0.2-0.3 s at 10,000
    // documents); with the search second, the search waited for the
    // exports (1.5 s).
    let ((search_out, search_time), ((exports_out, export_time), (pages_out, render_time))) =
        rayon::join(
            || {
                timed(&|| {
                    crate::search::output_files_into(site, &|f| tree.write(&f)).map_err(|d| vec![d])
                })
            },
            || {
                rayon::join(
                    || {
                        timed(&|| {
                            exports::exports_into(site, tree.scratch(), &|f| tree.write(&f))
                                .map_err(|d| vec![d])
                        })
                    },
                    || {
                        timed(&|| {
                            pipeline.render(site, tera, &|f| tree.write(&f))?;
                            Ok(0)
                        })
                    },
                )
            },
        );
    phases.push(("render", render_time));
    phases.push(("export", export_time));
    phases.push(("search", search_time));
    let mut written = 0;
    let mut failed = false;
    for out in [pages_out, exports_out, search_out] {
        match out {
            Ok(n) => written += n,
            Err(ds) => {
                failed = true;
                diags.extend(ds);
            }
        }
    }
    (written, failed)
}

/// The built-in theme files, each replaced by the site's `theme/` file of
/// the same name; other files of the site's `theme/` are copied as well.
/// With `history`, the history theme files too.
fn theme_files(root: &Path, history: bool, diags: &mut Diagnostics) -> Vec<OutputFile> {
    let extra: &[(&str, &str)] = if history { HISTORY_THEME } else { &[] };
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = THEME
        .iter()
        .chain(extra)
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    let (site_theme, errors) = site_files(root, "theme");
    diags.extend(errors);
    for f in site_theme {
        files.insert(f.rel, f.bytes);
    }
    files
        .into_iter()
        .map(|(n, bytes)| OutputFile {
            path: format!("theme/{n}"),
            bytes,
        })
        .collect()
}
