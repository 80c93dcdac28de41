//! `clausebook build`: load → resolve → render → write, with phase timing.
//! The output is written to a temporary folder beside the target and swapped
//! in only when everything succeeded, so a failed build leaves the previous
//! site untouched.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{self, OutputFile};
use crate::site::{LoadOptions, Site, SiteError};

/// A marker file written into every output folder: Clausebook only ever
/// replaces a folder that carries it (or an empty one).
pub const MARKER: &str = ".clausebook-output";

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
    pub pages: usize,
    pub files: usize,
    pub diags: Diagnostics,
    pub phases: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
}

/// Why a build failed.
pub enum BuildError {
    /// Configuration or usage: exit code 2.
    Config(Vec<Diagnostic>),
    /// Content errors (all of them): exit code 1. The output is untouched.
    Content(Diagnostics),
}

/// Build the site at `root`.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let site = match Site::load(root, opts.load.clone()) {
        Ok(s) => s,
        Err(SiteError::Config(e)) => return Err(BuildError::Config(vec![config_diag(e)])),
        Err(SiteError::Scope(ds)) => return Err(BuildError::Config(ds)),
    };
    let output = match &opts.output {
        Some(o) => o.clone(),
        None => root.join(&site.config.output),
    };
    if let Err(d) = check_output_location(root, &output) {
        return Err(BuildError::Config(vec![d]));
    }
    let mut phases = site.phases.clone();
    let t = Instant::now();
    let mut diags = crate::check::run(&site).findings;
    phases.push(("check", t.elapsed()));
    if diags.has_errors() && !opts.allow_errors {
        return Err(BuildError::Content(diags));
    }

    let t = Instant::now();
    let tera = match render::load_templates(root) {
        Ok(t) => t,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return Err(BuildError::Content(diags));
        }
    };
    let mut files = match render::render_site(&site, &tera) {
        Ok(f) => f,
        Err(ds) => {
            diags.extend(ds);
            return Err(BuildError::Content(diags));
        }
    };
    let pages = files.len();
    phases.push(("render", t.elapsed()));

    let t = Instant::now();
    match crate::export::exports(&site) {
        Ok(f) => files.extend(f),
        Err(d) => {
            diags.push(d);
            return Err(BuildError::Content(diags));
        }
    }
    phases.push(("export", t.elapsed()));

    let t = Instant::now();
    match crate::search::output_files(&site) {
        Ok(f) => files.extend(f),
        Err(d) => {
            diags.push(d);
            return Err(BuildError::Content(diags));
        }
    }
    files.extend(theme_files(root, &mut diags));
    if diags.has_errors() && !opts.allow_errors {
        return Err(BuildError::Content(diags));
    }
    phases.push(("search", t.elapsed()));

    let t = Instant::now();
    if let Err(d) = write_atomically(&output, &files) {
        diags.push(d);
        return Err(BuildError::Content(diags));
    }
    phases.push(("write", t.elapsed()));

    Ok(BuildReport {
        output,
        documents: site
            .docs
            .iter()
            .zip(&site.published)
            .filter(|(_, p)| **p)
            .count(),
        pages,
        files: files.len(),
        diags,
        phases,
        elapsed: start.elapsed(),
    })
}

/// A configuration error as a diagnostic.
pub fn config_diag(e: crate::config::ConfigError) -> Diagnostic {
    match e {
        crate::config::ConfigError::Missing(dir) => Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("no clausebook.toml in {}", dir.display()),
        )
        .with_help("run the command in a site folder, pass --root DIR, or create a site with `clausebook init DIR`"),
        crate::config::ConfigError::Invalid(d) => *d,
    }
}

/// The built-in theme files, each replaced by the site's `theme/` file of
/// the same name; other files of the site's `theme/` are copied as well.
fn theme_files(root: &Path, diags: &mut Diagnostics) -> Vec<OutputFile> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = render::THEME
        .iter()
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    let dir = root.join("theme");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    files.insert(rel, bytes);
                }
                Err(e) => diags.push(Diagnostic::error(
                    crate::diag::display_path(root, entry.path()),
                    format!("cannot read theme file: {e}"),
                )),
            }
        }
    }
    files
        .into_iter()
        .map(|(n, bytes)| OutputFile {
            path: format!("theme/{n}"),
            bytes,
        })
        .collect()
}

/// Refuse output folders that would overwrite the site's sources.
fn check_output_location(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Normalize what exists; keep the rest as written.
        match p.canonicalize() {
            Ok(c) => c,
            Err(_) => match (
                p.parent().and_then(|pp| pp.canonicalize().ok()),
                p.file_name(),
            ) {
                (Some(parent), Some(name)) => parent.join(name),
                _ => p,
            },
        }
    };
    let out = abs(output);
    let root_abs = abs(root);
    let protected = ["content", "templates", "theme", "standards"];
    let clash = out == root_abs
        || root_abs.starts_with(&out)
        || protected.iter().any(|p| out.starts_with(root_abs.join(p)));
    if clash {
        return Err(Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!(
                "refusing to write the site into {}: it holds the site's sources",
                output.display()
            ),
        )
        .with_help(
            "choose an output folder of its own, e.g. `output = \"public\"` or --output public",
        ));
    }
    if out.is_dir() {
        let empty = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join(MARKER).exists() {
            return Err(Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!(
                    "refusing to replace {}: it is not empty and was not written by clausebook",
                    output.display()
                ),
            )
            .with_help("choose another output folder, or empty this one yourself"));
        }
    } else if out.exists() {
        return Err(Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("the output path {} is a file", output.display()),
        ));
    }
    Ok(())
}

/// Write every file into a fresh folder beside `output`, then swap it in.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    let io_err = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostic::error(p.to_path_buf(), format!("cannot {what}: {e}"))
            .with_help("check that the output folder's parent exists and is writable")
    };
    std::fs::create_dir_all(&parent).map_err(|e| io_err("create folder", &parent, e))?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| io_err("create folder", &tmp, e))?;
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter_map(|f| Path::new(&f.path).parent().map(|p| tmp.join(p)))
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in &dirs {
            std::fs::create_dir_all(d).map_err(|e| io_err("create folder", d, e))?;
        }
        use rayon::prelude::*;
        files.par_iter().try_for_each(|f| {
            let p = tmp.join(&f.path);
            std::fs::write(&p, &f.bytes).map_err(|e| io_err("write", &p, e))
        })?;
        let marker = tmp.join(MARKER);
        std::fs::write(
            &marker,
            b"This folder is generated by clausebook build and replaced at every build.\n",
        )
        .map_err(|e| io_err("write", &marker, e))?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if output.exists() {
        std::fs::rename(output, &old)
            .map_err(|e| io_err("move the previous output aside", output, e))?;
    }
    if let Err(e) = std::fs::rename(&tmp, output) {
        // Put the previous output back.
        let _ = std::fs::rename(&old, output);
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(io_err("move the new output in place", output, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
