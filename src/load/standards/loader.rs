//! Loading the standards: the built-in catalogs and mappings embedded in the
//! binary, then the site's `standards/**/*.toml` (a site file replaces a
//! built-in or earlier one with the same id), mappings checked last against
//! the final catalogs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml::Spanned;

use super::catalog_file::parse_catalog;
use super::file::{FileCtx, quoted_span};
use super::mapping_file::{PendingMapping, check_mapping, parse_mapping};
use super::model::{Catalog, Mapping, Standards};
use crate::base::diag::{Diagnostic, display_path};
use crate::load::source::{FileSystem, Source};

/// The embedded catalogs and mappings: (file name, contents).
const BUILTIN: &[(&str, &str)] = &[
    (
        "hs-iso9001-2015--iso20000-1-2018.toml",
        include_str!("../../../standards/hs-iso9001-2015--iso20000-1-2018.toml"),
    ),
    (
        "iso20000-1-2011.toml",
        include_str!("../../../standards/iso20000-1-2011.toml"),
    ),
    (
        "iso20000-1-2018.toml",
        include_str!("../../../standards/iso20000-1-2018.toml"),
    ),
    (
        "iso9001-2008.toml",
        include_str!("../../../standards/iso9001-2008.toml"),
    ),
    (
        "iso9001-2015.toml",
        include_str!("../../../standards/iso9001-2015.toml"),
    ),
    (
        "tr90006-iso9001-2008--iso20000-1-2011.toml",
        include_str!("../../../standards/tr90006-iso9001-2008--iso20000-1-2011.toml"),
    ),
];

/// Collects catalogs and mappings file by file; later files replace earlier
/// ones with the same id.
#[derive(Default)]
pub(super) struct Loader {
    /// With the file each came from and whether it is built in.
    catalogs: Vec<(Catalog, PathBuf, bool)>,
    mappings: Vec<PendingMapping>,
    diags: Vec<Diagnostic>,
}

impl Loader {
    pub(super) fn add_builtin(&mut self) {
        for (name, src) in BUILTIN {
            let file = Path::new("<built-in>/standards").join(name);
            self.add_file(file, src.to_string(), true);
        }
    }

    fn add_site(&mut self, source: &dyn Source) {
        let root = source.root();
        let (files, diags) = source.catalog_files();
        self.diags.extend(diags);
        for path in files {
            let shown = display_path(root, &path);
            match source.read_text(&path) {
                Ok(src) => self.add_file(shown, src, false),
                Err(e) => self
                    .diags
                    .push(Diagnostic::error(shown, format!("cannot read file: {e}"))),
            }
        }
    }

    fn add_file(&mut self, file: PathBuf, src: String, builtin: bool) {
        let table: toml::Table = match toml::from_str(&src) {
            Ok(t) => t,
            Err(e) => {
                let mut cx = FileCtx::new(&file, &src);
                cx.toml_error(&e);
                self.diags.extend(cx.diags);
                return;
            }
        };
        let is_mapping = table.contains_key("pair")
            || (table.contains_key("left") && table.contains_key("right"));
        if table.contains_key("clause") {
            let (catalog, diags) = parse_catalog(&file, &src);
            self.diags.extend(diags);
            if let Some(c) = catalog {
                self.insert_catalog(c, file, builtin, &src);
            }
        } else if is_mapping {
            let (raw, diags) = parse_mapping(&file, &src);
            self.diags.extend(diags);
            if let Some(raw) = raw {
                let id = raw.id.as_ref().map(|i| i.as_ref().trim().to_string());
                let id = id.unwrap_or_default();
                if let Some(pos) = self.mappings.iter().position(|m| m.id == id) {
                    let old = self.mappings.remove(pos);
                    if !old.builtin {
                        let span = raw.id.as_ref().map(Spanned::span).unwrap_or(0..0);
                        let mut cx = FileCtx::new(&file, &src);
                        cx.warning(
                            span,
                            format!(
                                "mapping `{id}` is also defined in {}; this file replaces it",
                                old.file.display()
                            ),
                            None,
                        );
                        self.diags.extend(cx.diags);
                    }
                }
                self.mappings.push(PendingMapping {
                    id,
                    file,
                    src,
                    raw,
                    builtin,
                });
            }
        } else {
            let mut cx = FileCtx::new(&file, &src);
            let top = cx.top();
            cx.error(
                top,
                "neither a catalog nor a mapping",
                Some(
                    "a catalog lists its clauses in `[[clause]]` tables, a mapping its pairs in \
                     `[[pair]]` tables"
                        .into(),
                ),
            );
            self.diags.extend(cx.diags);
        }
    }

    fn insert_catalog(&mut self, catalog: Catalog, file: PathBuf, builtin: bool, src: &str) {
        // Another id with the same slug would share the standard's pages.
        if let Some((other, other_file, _)) = self
            .catalogs
            .iter()
            .find(|(c, _, _)| c.id != catalog.id && c.slug() == catalog.slug())
        {
            let mut cx = FileCtx::new(&file, src);
            let span = quoted_span(&cx, src, &catalog.id);
            cx.error(
                span,
                format!(
                    "catalog ids `{}` and `{}` (in {}) would share the pages standards/{}/",
                    catalog.id,
                    other.id,
                    other_file.display(),
                    catalog.slug()
                ),
                Some("ids must differ by more than punctuation and letter case; this catalog is left out".into()),
            );
            self.diags.extend(cx.diags);
            return;
        }
        if let Some(pos) = self
            .catalogs
            .iter()
            .position(|(c, _, _)| c.id == catalog.id)
        {
            let (_, old_file, old_builtin) = self.catalogs.remove(pos);
            if !old_builtin {
                let mut cx = FileCtx::new(&file, src);
                let span = quoted_span(&cx, src, &catalog.id);
                cx.warning(
                    span,
                    format!(
                        "catalog `{}` is also defined in {}; this file replaces it",
                        catalog.id,
                        old_file.display()
                    ),
                    None,
                );
                self.diags.extend(cx.diags);
            }
        }
        self.catalogs.push((catalog, file, builtin));
    }

    pub(super) fn finish(self) -> (Standards, Vec<Diagnostic>) {
        let mut diags = self.diags;
        let mut catalogs: Vec<Catalog> = self.catalogs.into_iter().map(|(c, _, _)| c).collect();
        catalogs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut standards = Standards {
            catalogs,
            mappings: Vec::new(),
        };
        let mut mappings: Vec<(Mapping, bool)> = Vec::new();
        for p in &self.mappings {
            let (m, d) = check_mapping(p, &standards);
            diags.extend(d);
            // A site's mapping of two standards replaces a built-in one of
            // the same two (such as the harmonized-structure
            // correspondence of the 2015 and 2018 editions).
            if let Some(m) = &m
                && !p.builtin
                && let Some(pos) = mappings
                    .iter()
                    .position(|(o, builtin)| *builtin && o.slug() == m.slug())
            {
                let (old, _) = mappings.remove(pos);
                let (mut cx, span) = at_mapping_id(p);
                cx.warning(
                    span,
                    format!(
                        "mapping `{}` replaces the built-in mapping `{}`: both map {} to {}",
                        m.id, old.id, m.left, m.right
                    ),
                    Some(format!(
                        "give it the id `{}` to say so and silence this warning",
                        old.id
                    )),
                );
                diags.extend(cx.diags);
            }
            // Two mappings of the same two standards would share the
            // matrix pages and exports.
            if let Some(m) = &m
                && let Some((other, _)) = mappings.iter().find(|(o, _)| o.slug() == m.slug())
            {
                let (mut cx, span) = at_mapping_id(p);
                cx.error(
                    span,
                    format!(
                        "mappings `{}` and `{}` both map {} to {}: they would share the pages matrix/{}/",
                        m.id,
                        other.id,
                        m.left,
                        m.right,
                        m.slug()
                    ),
                    Some(format!(
                        "keep one mapping per pair of standards: give this one the id `{}` to replace the other, or remove it",
                        other.id
                    )),
                );
                diags.extend(cx.diags);
                continue;
            }
            mappings.extend(m.map(|m| (m, p.builtin)));
        }
        let mut mappings: Vec<Mapping> = mappings.into_iter().map(|(m, _)| m).collect();
        mappings.sort_by(|a, b| a.id.cmp(&b.id));
        standards.mappings = mappings;
        (standards, diags)
    }
}

/// A context for findings in a mapping's file, and where its id stands.
fn at_mapping_id(p: &PendingMapping) -> (FileCtx<'_>, std::ops::Range<usize>) {
    let cx = FileCtx::new(&p.file, &p.src);
    let span = p
        .raw
        .id
        .as_ref()
        .map(Spanned::span)
        .unwrap_or_else(|| cx.top());
    (cx, span)
}

impl Standards {
    /// The embedded catalogs and mappings.
    pub fn builtin() -> Standards {
        static CACHE: OnceLock<Standards> = OnceLock::new();
        CACHE
            .get_or_init(|| {
                let mut loader = Loader::default();
                loader.add_builtin();
                let (standards, diags) = loader.finish();
                assert!(
                    diags.is_empty(),
                    "built-in standards data is invalid: {}",
                    diags
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                standards
            })
            .clone()
    }

    /// The built-in data plus every `root/standards/**/*.toml` (in sorted
    /// order). A site file replaces a built-in (or earlier) catalog or mapping
    /// with the same id. Without a `standards` folder this is the built-in
    /// data. Invalid entries are reported and left out.
    pub fn load(root: &Path) -> (Standards, Vec<Diagnostic>) {
        Standards::load_from(&FileSystem::new(root))
    }

    /// [`Standards::load`] from the files of `source`.
    pub fn load_from(source: &dyn Source) -> (Standards, Vec<Diagnostic>) {
        let mut loader = Loader::default();
        loader.add_builtin();
        loader.add_site(source);
        loader.finish()
    }
}
