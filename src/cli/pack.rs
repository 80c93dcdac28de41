//! `clausebook pack`: the audit pack as one HTML file, or as a PDF printed
//! by a local Chromium (`--pdf`), with the page numbers of its contents
//! found in a first printing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::exit::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::load::source::site_files;
use crate::load::templates::{THEME, load_templates};
use crate::publish::pdf;
use crate::render::pack::{PackOptions, Selection, Target};
use crate::resolve::{LoadOptions, Site};

/// The arguments of `clausebook pack`.
#[derive(clap::Args, Debug)]
pub struct PackArgs {
    /// Site folder (holding clausebook.toml)
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// File to write, or an existing folder to write `audit-pack.html` (`.pdf`) into (default: that name in the current folder)
    #[arg(long, short = 'o', value_name = "FILE or DIR")]
    pub output: Option<PathBuf>,
    /// Only the documents addressing this clause or one below it (repeat for more clauses)
    #[arg(long, short = 'c', value_name = "CLAUSE")]
    pub clause: Vec<String>,
    /// The standard the --clause numbers belong to (an id such as `iso9001:2008`; default: `default_standard`, else the first in scope)
    #[arg(long, short = 's', value_name = "STANDARD")]
    pub standard: Option<String>,
    /// Include draft and review documents (marked as such)
    #[arg(long)]
    pub drafts: bool,
    /// Date to measure review deadlines against (default: $CLAUSEBOOK_TODAY, else today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<jiff::civil::Date>,
    /// Print the pack to PDF through a local Chromium (`chromium`, `google-chrome`, or $CLAUSEBOOK_CHROMIUM)
    #[arg(long)]
    pub pdf: bool,
}

/// Run `clausebook pack`; returns the exit code (0 written, 1 the site has
/// errors, 2 a usage error: unknown clause or standard, no browser for
/// `--pdf`, an output that cannot be written).
pub fn command(args: &PackArgs, today: jiff::civil::Date, print: &dyn Fn(&Diagnostics)) -> i32 {
    let fail = |code: i32, d: Vec<Diagnostic>| {
        print(&Diagnostics(d));
        code
    };
    let browser = match args.pdf.then(pdf::find_browser).transpose() {
        Ok(b) => b,
        Err(d) => return fail(EXIT_USAGE, vec![d]),
    };
    let output = match output_path(args) {
        Ok(o) => o,
        Err(d) => return fail(EXIT_USAGE, vec![d]),
    };
    let load = LoadOptions {
        drafts: args.drafts,
        today,
    };
    let site = match Site::load(&args.root, load) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_USAGE, e.into_diagnostics()),
    };
    let selection = match Selection::new(&site, args.standard.as_deref(), &args.clause) {
        Ok(s) => s,
        Err(d) => return fail(EXIT_USAGE, vec![d]),
    };
    let findings = crate::check::findings(&site);
    if findings.has_errors() {
        let errors: Vec<Diagnostic> = findings
            .iter()
            .filter(|d| d.level == crate::base::diag::Level::Error)
            .cloned()
            .collect();
        let n = errors.len();
        print(&Diagnostics(errors));
        eprintln!(
            "error: the site has {n} error{}: fix {} (as `clausebook check` lists) before making a pack",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        );
        return EXIT_CONTENT;
    }
    let tera = match load_templates(&args.root) {
        Ok((t, _)) => t,
        Err(ds) => return fail(EXIT_CONTENT, ds),
    };
    let printed = match crate::load::history::build_time(jiff::Timestamp::now()) {
        Ok(t) => t,
        Err(d) => return fail(EXIT_USAGE, vec![d]),
    };
    let theme = theme(&args.root);
    let css = theme
        .get("pack.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let images = |path: &str| {
        let name = path.strip_prefix("theme/")?;
        Some(data_url(name, theme.get(name)?))
    };
    let opts = PackOptions {
        selection: &selection,
        target: Target::File,
        printed: Some(printed),
        css: Some(&css),
        images: &images,
        pages: None,
    };
    let count = selection.documents(&site).len();
    let made = match &browser {
        None => crate::render::pack::render(&site, &tera, &opts).map(String::into_bytes),
        Some(b) => print_pdf(&site, &tera, &opts, b),
    };
    let bytes = match made {
        Ok(b) => b,
        Err(d) => return fail(EXIT_USAGE, vec![d]),
    };
    if let Err(d) = pdf::write_replacing(&output, &bytes) {
        return fail(EXIT_USAGE, vec![d]);
    }
    println!(
        "Wrote the audit pack of {count} document{} to {}",
        if count == 1 { "" } else { "s" },
        output.display()
    );
    EXIT_OK
}

/// Print the pack twice: the first PDF tells on which page each document
/// starts; the second has those numbers in its contents. A third printing
/// is made if the numbers moved (they should not: the contents keep their
/// size).
fn print_pdf(
    site: &Site,
    tera: &tera::Tera,
    opts: &PackOptions<'_>,
    browser: &Path,
) -> Result<Vec<u8>, Diagnostic> {
    let tmp = pdf::TempDir::new()?;
    let html = crate::render::pack::render(site, tera, opts)?;
    let mut bytes = pdf::print(browser, &html, &tmp)?;
    let mut pages = dests(&bytes)?;
    for _ in 0..2 {
        let numbered = PackOptions {
            pages: Some(&pages),
            ..*opts
        };
        let html = crate::render::pack::render(site, tera, &numbered)?;
        bytes = pdf::print(browser, &html, &tmp)?;
        let again = dests(&bytes)?;
        if again == pages {
            return Ok(bytes);
        }
        pages = again;
    }
    Err(Diagnostic::error(
        "--pdf",
        "the page numbers of the contents did not settle after three printings",
    )
    .with_help(
        "report this with the site; the HTML pack (without --pdf) prints from a browser meanwhile",
    ))
}

fn dests(bytes: &[u8]) -> Result<HashMap<String, usize>, Diagnostic> {
    pdf::destination_pages(bytes).map_err(|e| {
        Diagnostic::error("--pdf", format!("the printed PDF cannot be read back: {e}"))
            .with_help("try another Chromium with CLAUSEBOOK_CHROMIUM")
    })
}

/// The file to write: `--output` (a folder gets `audit-pack.html` or
/// `.pdf`), else that name in the current folder. It may not lie in the
/// site's sources.
fn output_path(args: &PackArgs) -> Result<PathBuf, Diagnostic> {
    let name = if args.pdf {
        "audit-pack.pdf"
    } else {
        "audit-pack.html"
    };
    let out = match &args.output {
        None => PathBuf::from(name),
        Some(o) if o.is_dir() || o.as_os_str().to_string_lossy().ends_with(['/', '\\']) => {
            o.join(name)
        }
        Some(o) => o.clone(),
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(parent_abs) = parent.canonicalize() else {
        return Err(Diagnostic::error(
            &out,
            format!("the folder {} does not exist", parent.display()),
        )
        .with_help("create it first, or choose another file with --output"));
    };
    if let Ok(root) = args.root.canonicalize() {
        for f in ["content", "standards", "templates", "theme"] {
            if parent_abs.starts_with(root.join(f)) {
                return Err(Diagnostic::error(
                    &out,
                    format!("the pack would be written among the site's sources ({f}/)"),
                )
                .with_help("write it elsewhere with --output, e.g. `--output audit-pack.html`"));
            }
        }
    }
    Ok(out)
}

/// The theme files as the site's output has them: the built-in ones, each
/// replaced by the site's `theme/` file of the same name, and the site's
/// others.
fn theme(root: &Path) -> HashMap<String, Vec<u8>> {
    let mut files: HashMap<String, Vec<u8>> = THEME
        .iter()
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    for f in site_files(root, "theme").0 {
        files.insert(f.rel, f.bytes);
    }
    files
}

/// A `data:` URL of an image file.
fn data_url(name: &str, bytes: &[u8]) -> String {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let mime = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "avif" => "image/avif",
        _ => "application/octet-stream",
    };
    format!("data:{mime};base64,{}", base64(bytes))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_pads_like_the_standard() {
        // Inlined images are valid data URLs: base64 with its padding.
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
        assert_eq!(super::base64(b""), "");
    }
}
