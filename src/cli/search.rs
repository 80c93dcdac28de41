//! `clausebook search`: query the index of the built site from the terminal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::load::config::Config;
use crate::search::{Hit, Hits, ParseMode, SearchError, SearchIndex, SearchRequest};

/// The arguments of `clausebook search`.
#[derive(Debug, Clone)]
pub struct SearchArgs {
    pub root: PathBuf,
    pub query: String,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub clause: Option<String>,
    pub limit: usize,
    pub json: bool,
}

/// How to style the output.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    /// Bold matches and headers on stdout.
    pub stdout: bool,
    /// Colored error labels on stderr.
    pub stderr: bool,
}

/// Run `clausebook search`; returns the exit code (0 done, 2 usage error:
/// no index, malformed query, bad option).
pub fn command(args: &SearchArgs, styles: Styles) -> i32 {
    let config = match Config::load(&args.root) {
        Ok(c) => c,
        Err(e) => {
            for d in e.into_diagnostics() {
                eprintln!("{}\n", d.render(styles.stderr));
            }
            return crate::base::exit::EXIT_USAGE;
        }
    };
    if let Some(kind) = &args.kind {
        let schema = crate::load::content::Schema::of(&config);
        if crate::load::content::Kind::parse_in(kind, &schema.kinds).is_none() {
            report(
                styles.stderr,
                &format!("unknown kind `{kind}`"),
                Some(&crate::base::text::suggest_from(kind, &schema.kind_names())),
            );
            return crate::base::exit::EXIT_USAGE;
        }
    }
    if let Some(clause) = &args.clause
        && let Err((message, help)) = known_clause(&args.root, &config, clause)
    {
        report(styles.stderr, &message, Some(&help));
        return crate::base::exit::EXIT_USAGE;
    }
    let output = args.root.join(&config.output);
    let index_dir = output.join(crate::search::INDEX_DIR);
    let index = match SearchIndex::open(&index_dir) {
        Ok(i) => i,
        Err(SearchError::Missing(_)) => {
            let root_arg = if args.root == Path::new(".") {
                String::new()
            } else {
                format!(" --root {}", args.root.display())
            };
            report(
                styles.stderr,
                &format!(
                    "the site has not been built: no search index in {}",
                    index_dir.display()
                ),
                Some(&format!(
                    "run `clausebook build{root_arg}` first, then search again"
                )),
            );
            return crate::base::exit::EXIT_USAGE;
        }
        Err(e) => {
            report(
                styles.stderr,
                &e.to_string(),
                Some("rebuild the site with `clausebook build` to write a fresh index"),
            );
            return crate::base::exit::EXIT_USAGE;
        }
    };
    if args.query.trim().is_empty() {
        report(
            styles.stderr,
            "the query is empty",
            Some("give words to look for, e.g. `clausebook search \"emergency change\"`"),
        );
        return crate::base::exit::EXIT_USAGE;
    }
    if is_stale(&args.root, &index_dir) {
        warn(
            styles.stderr,
            "the search index is older than the site's content",
            "run `clausebook build` to search the latest version",
        );
    }
    let req = SearchRequest {
        query: args.query.clone(),
        kind: args.kind.as_deref().map(|k| {
            let schema = crate::load::content::Schema::of(&config);
            crate::load::content::Kind::parse_in(k, &schema.kinds)
                .map_or_else(|| k.to_string(), |k| k.as_str().to_string())
        }),
        status: args.status.clone(),
        clause: args.clause.clone(),
        limit: args.limit.max(1),
        mode: ParseMode::Strict,
        complete_last_word: false,
        tag: None,
        facets: false,
    };
    let hits = match index.search(&req) {
        Ok(h) => h,
        Err(SearchError::Query(m)) => {
            report(
                styles.stderr,
                &format!("invalid query `{}`: {m}", args.query),
                Some(crate::search::answer::QUERY_HELP),
            );
            return crate::base::exit::EXIT_USAGE;
        }
        Err(e) => {
            report(
                styles.stderr,
                &e.to_string(),
                Some("rebuild the site with `clausebook build` to write a fresh index"),
            );
            return crate::base::exit::EXIT_USAGE;
        }
    };
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_string_pretty(&hits)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}"))
    } else {
        let base = config
            .base_url
            .as_deref()
            .map(|b| format!("{}/", b.trim_end_matches('/')))
            .unwrap_or_else(|| format!("{}/", output.display()));
        print_text(&mut out, &hits, &base, styles.stdout)
    };
    match written {
        Ok(()) => crate::base::exit::EXIT_OK,
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => crate::base::exit::EXIT_OK,
        Err(e) => {
            report(
                styles.stderr,
                &format!("cannot write the results: {e}"),
                None,
            );
            crate::base::exit::EXIT_USAGE
        }
    }
}

fn print_text(out: &mut impl Write, hits: &Hits, base: &str, bold: bool) -> std::io::Result<()> {
    let (b, dim, reset) = if bold {
        ("\x1b[1m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    // Clause pages first, labelled by standard.
    for c in &hits.clauses {
        writeln!(
            out,
            "§ {b}{}{reset} {}, {}  {dim}{base}{}{reset}",
            c.number, c.title, c.standard, c.url
        )?;
    }
    if !hits.clauses.is_empty() {
        writeln!(out)?;
    }
    if hits.results.is_empty() {
        writeln!(out, "No document matches “{}”.", hits.query)?;
        return Ok(());
    }
    let noun = if hits.total == 1 {
        "document matches"
    } else {
        "documents match"
    };
    writeln!(out, "{} {noun} “{}”:", hits.total, hits.query)?;
    for (n, hit) in hits.results.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "{:>3}. {b}{}{reset}  {}", n + 1, hit.id, hit.title)?;
        writeln!(
            out,
            "     {dim}{} · {} · {base}{}{reset}",
            hit.kind, hit.status, hit.url
        )?;
        if let Some(w) = &hit.where_ {
            writeln!(out, "     § {}  {dim}{base}{}{reset}", w.label, w.href)?;
        }
        let snippet = terminal_snippet(hit, bold);
        if !snippet.is_empty() {
            writeln!(out, "     {snippet}")?;
        }
    }
    if hits.total > hits.results.len() {
        writeln!(out)?;
        writeln!(
            out,
            "Showing {} of {}: use --limit {} to see them all.",
            hits.results.len(),
            hits.total,
            hits.total
        )?;
    }
    Ok(())
}

/// The snippet with its matches in bold (terminal) or between `*` stars
/// (plain output, e.g. piped).
fn terminal_snippet(hit: &Hit, bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let text = &hit.snippet_text;
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for r in &hit.highlights {
        if r.start < pos || r.end > text.len() {
            continue;
        }
        out.push_str(&text[pos..r.start]);
        out.push_str(open);
        out.push_str(&text[r.clone()]);
        out.push_str(close);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Whether a content file or the configuration changed after the index was
/// written.
fn is_stale(root: &Path, index_dir: &Path) -> bool {
    let Ok(built) = std::fs::metadata(index_dir.join("meta.json")).and_then(|m| m.modified())
    else {
        return false;
    };
    let newer = |t: std::io::Result<SystemTime>| t.map(|t| t > built).unwrap_or(false);
    if newer(
        std::fs::metadata(root.join(crate::load::config::CONFIG_FILE)).and_then(|m| m.modified()),
    ) {
        return true;
    }
    walkdir::WalkDir::new(root.join(crate::load::source::CONTENT_DIR))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .any(|e| {
            newer(
                e.metadata()
                    .map_err(std::io::Error::other)
                    .and_then(|m| m.modified()),
            )
        })
}

/// Whether `--clause` names a clause of a standard in scope: a bare
/// number of any of them, or a full reference. Else the error and its help.
fn known_clause(root: &Path, config: &Config, clause: &str) -> Result<(), (String, String)> {
    use crate::load::standards::ResolveOptions;
    let (standards, _) =
        crate::resolve::scope::load_standards(&crate::load::source::FileSystem::new(root));
    let bare = clause.trim().trim_end_matches('.');
    // No `standards` in clausebook.toml: every catalog is in scope.
    let in_scope: Vec<&crate::load::standards::Catalog> = if config.standards.is_empty() {
        standards.catalogs.iter().collect()
    } else {
        config
            .standards
            .iter()
            .filter_map(|id| standards.catalog(id))
            .collect()
    };
    let is_bare = bare.chars().all(|c| c.is_ascii_digit() || c == '.');
    if is_bare {
        if in_scope.iter().any(|c| c.clause(bare).is_some()) {
            return Ok(());
        }
        let near: Vec<String> = in_scope
            .iter()
            .filter_map(|c| c.closest_clause(bare).map(|n| format!("`{}/{n}`", c.id)))
            .collect();
        let names: Vec<String> = in_scope.iter().map(|c| c.id.clone()).collect();
        return Err((
            format!(
                "no standard in scope ({}) has a clause `{bare}`",
                names.join(", ")
            ),
            match near.is_empty() {
                true => "give a clause number of a standard in scope, e.g. `8.1`".into(),
                false => format!("did you mean {}?", near.join(" or ")),
            },
        ));
    }
    let opts = ResolveOptions {
        default_standard: config.default_standard.as_deref(),
        in_scope: &config.standards,
    };
    match standards.resolve(clause, &opts) {
        Ok(_) => Ok(()),
        Err(e) => Err((
            e.message(),
            e.help()
                .unwrap_or_else(|| "write a clause as `8.1` or `iso20000-1:2018/8.1`".into()),
        )),
    }
}

fn report(color: bool, message: &str, help: Option<&str>) {
    let label = if color {
        "\x1b[1;31merror\x1b[0m\x1b[1m"
    } else {
        "error"
    };
    let end = if color { "\x1b[0m" } else { "" };
    let mut text = format!("{label}: {message}{end}");
    if let Some(h) = help {
        text.push_str(&format!("\n   = help: {h}"));
    }
    eprintln!("{text}");
}

fn warn(color: bool, message: &str, help: &str) {
    let label = if color {
        "\x1b[1;33mwarning\x1b[0m\x1b[1m"
    } else {
        "warning"
    };
    let end = if color { "\x1b[0m" } else { "" };
    eprintln!("{label}: {message}{end}\n   = help: {help}");
}
