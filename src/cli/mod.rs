//! The command line: argument parsing and reporting. The work itself is done
//! by the library modules; this file only wires them to the terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::base::diag::{Diagnostic, Diagnostics, Level};
use crate::publish::{BuildError, BuildOptions};
use crate::resolve::LoadOptions;

pub mod changes;
pub mod pack;
pub mod search;

use crate::base::exit::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE};

#[derive(Parser, Debug)]
#[command(
    name = "clausebook",
    version,
    about = "Compile service management system documents into a searchable, auditable website",
    long_about = "Clausebook compiles an organization's service management system (SMS) documents, \
written in Markdown with front-matter, into a cross-linked static website with clause pages, \
coverage dashboards and an ISO 9001 <-> ISO/IEC 20000-1 traceability matrix.\n\n\
A site is a folder with clausebook.toml, content/ (the documents), and optional templates/, \
theme/ and standards/ folders that override the built-in ones file by file.",
    after_help = "Exit codes: 0 success, 1 content errors, 2 usage or configuration errors.\n\
Start with `clausebook init my-sms && clausebook build --root my-sms`.",
    arg_required_else_help = true
)]
pub struct Cli {
    /// When to color messages
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder
    #[command(
        long_about = "Build the site: load and check every document, resolve links \
and clause references, render the pages and exports, and replace the output folder in one \
step. When any document has an error, every error is reported, the command exits with 1 and \
the previous output is left untouched.\n\n\
Draft and review documents are left out unless --drafts is given; retired documents are \
published with a banner."
    )]
    Build {
        /// Site folder (holding clausebook.toml)
        #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Output folder (default: `output` of clausebook.toml, relative to the site)
        #[arg(long, short = 'o', value_name = "DIR")]
        output: Option<PathBuf>,
        /// Publish draft and review documents too (marked as such)
        #[arg(long)]
        drafts: bool,
        /// Publish even if documents have errors (for draft previews)
        #[arg(long)]
        allow_errors: bool,
        /// Date to measure review deadlines against (default: $CLAUSEBOOK_TODAY, else today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<jiff::civil::Date>,
        /// Print the time spent in each phase
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Print errors only and a one-line count of the warnings, no summary (build without --quiet, or run `clausebook check`, to see the warnings)
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Check coverage, document control and links without writing a site
    #[command(
        long_about = "Run every check without writing a site: clause coverage of each \
standard in scope, required documents, clause references, ids, front-matter fields, dates, \
links, review dates, approvals and orphans. Each finding has a rule id; set a rule's level \
in the [check] table of clausebook.toml (rule = \"allow\" | \"warn\" | \"deny\").\n\n\
Exit codes: 0 no error, 1 findings at error level, 2 the site cannot be loaded.\n\n\
Formats: human (default), json (schema clausebook-check/2), junit (a test case per \
requirement clause and per finding, for GitLab, Jenkins and GitHub test reports), github \
(::error annotations for GitHub Actions)."
    )]
    Check {
        /// Site folder (holding clausebook.toml)
        #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Output format
        #[arg(long, short = 'f', value_enum, default_value_t = crate::check::report::Format::Human)]
        format: crate::check::report::Format,
        /// Treat warnings as errors (exit code and report)
        #[arg(long)]
        deny_warnings: bool,
        /// Date to measure review deadlines against (default: $CLAUSEBOOK_TODAY, else today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<jiff::civil::Date>,
        /// Print the errors and the summary line only, not the warnings and the coverage lines (the human format; json, junit and github always hold every finding)
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Search the built site's documents
    #[command(
        long_about = "Search the documents of the built site, ranked best first, with the id, \
title, page and a snippet of each match (matches in bold on a terminal). Reads the index that \
`clausebook build` writes into the output folder (search/tantivy/): build first, and again after \
editing.\n\n\
Words match in any field, ids and titles weigh most, and English words match their other \
forms (\"changes\" finds \"change\"). A clause number finds the documents addressing that \
clause or one below it (`8` finds documents on 8.1). The query language: \"a phrase\", \
field:value (fields id, title, kind, status, owner, tags, summary, headings, body, clause, \
within, clausetitle), +required, -excluded, AND, OR, (groups). A malformed query, or one the \
engine cannot run (`id:*`, an unknown field), is reported with the fields there are and exit \
code 2.\n\n\
--json prints {\"query\": …, \"total\": N, \"results\": [{\"id\", \"title\", \"kind\", \"status\", \
\"url\" (relative to the site root), \"score\", \"snippet\" (HTML: escaped text, matches in \
<mark>)}]}, the same shape as the /api/search endpoint of `clausebook serve`.",
        after_help = "Examples:\n  clausebook search incident\n  clausebook search SMS-PRO-007\n  \
clausebook search 4.3.2\n  clausebook search \"emergency change\" --kind procedure\n  \
clausebook search supplier --clause iso20000-1:2011/7 --json"
    )]
    Search {
        /// What to look for
        #[arg(value_name = "QUERY")]
        query: String,
        /// Site folder (holding clausebook.toml)
        #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Only documents of this kind (policy, plan, process, procedure, work-instruction, form, register, record, agreement, other, or a kind the site declares in clausebook.toml)
        #[arg(long, short = 'k', value_name = "KIND")]
        kind: Option<String>,
        /// Only documents addressing this clause or one below it (`8.1` or `iso20000-1:2011/8.1`)
        #[arg(long, short = 'c', value_name = "CLAUSE")]
        clause: Option<String>,
        /// Only documents with this status
        #[arg(long, short = 's', value_name = "STATUS", value_parser = clap::builder::PossibleValuesParser::new(crate::load::content::Status::ALL.map(|s| s.as_str())))]
        status: Option<String>,
        /// Show at most N results
        #[arg(long, short = 'n', value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10000))]
        limit: u32,
        /// Print the results as JSON
        #[arg(long)]
        json: bool,
    },
    /// Build the site and serve it on this machine, with search
    #[command(
        long_about = "Build the site (as `clausebook build` does), then serve the output folder \
at http://127.0.0.1:PORT/ (this machine only) until Ctrl-C. The search box of the pages then \
searches through the server's full-text index (GET /api/search?q=…&limit=…, JSON as \
`clausebook search --json`; queries up to 256 characters, at most 50 results) instead of the \
static index used on other hosts.\n\n\
Only files inside the output folder are served; folders answer with their index.html and \
missing pages with the site's 404.html. Port 0 picks a free port; the URL is printed. Only \
requests for 127.0.0.1:PORT or localhost:PORT are answered (others get 403, which defeats DNS \
rebinding), and the search API and live-reload endpoints refuse calls from pages of other \
origins.\n\n\
Live preview: the server watches content/, templates/, theme/, standards/ and clausebook.toml, \
rebuilds after each change and reloads the open pages. Rebuilds are incremental: only the \
changed files are read and only the pages a change affects are rendered and written (templates, \
theme, catalogs and clausebook.toml make a full build). When a rebuild fails, the errors show \
in the terminal and over the page, and the last good site stays served."
    )]
    Serve {
        /// Site folder (holding clausebook.toml)
        #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Output folder (default: `output` of clausebook.toml, relative to the site)
        #[arg(long, short = 'o', value_name = "DIR")]
        output: Option<PathBuf>,
        /// Port on 127.0.0.1 (0: any free port)
        #[arg(long, short = 'p', value_name = "PORT", default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// Publish draft and review documents too (marked as such)
        #[arg(long)]
        drafts: bool,
        /// Print the time spent in each phase of every rebuild
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Do not watch for changes (no rebuild, no live reload)
        #[arg(long)]
        no_watch: bool,
        /// Date to measure review deadlines against (default: $CLAUSEBOOK_TODAY, else today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<jiff::civil::Date>,
    },
    /// What changed between two revisions of the site (documents, clause references, coverage)
    #[command(
        long_about = "Compare the site at two revisions of its git repository, read straight \
from the repository's objects (no checkout): documents added, removed, retired, re-approved (a new \
version), changed without a new version, moved (the same id at another path), clause references \
added and removed, and the coverage of every clause of the standards in scope that changed (from \
full to gap, partial to full...) with the documents that made the change.\n\n\
REV is anything git resolves (a tag, a branch, a commit) or a date YYYY-MM-DD (the last commit on \
that day or before, on HEAD's first-parent line).\n\n\
Formats: human (default), markdown (for a report), json (schema clausebook-changes/1, see the README). \
Exit codes: 0 the report was written, 2 no repository or a revision that cannot be resolved.",
        after_help = "Examples:\n  clausebook changes --since 2026-09-01\n  clausebook changes --since audit-2025 --until audit-2026 --format markdown"
    )]
    Changes(changes::ChangesArgs),
    /// Make the audit pack: the published documents in one printable HTML file or PDF
    #[command(
        long_about = "Make the audit pack: the published documents (or those addressing chosen \
clauses) in one self-contained HTML file, in register order, with a cover page (organization, \
standards in scope, the publication stamp, the selection), a table of contents, each document on \
new pages with its metadata and a running header (id, version, \"Uncontrolled when printed\", the \
print date), and the clauses with the documents addressing them as an appendix.\n\n\
--pdf prints it to PDF through a local Chromium or Google Chrome (headless, stopped after 120 s \
or $CLAUSEBOOK_PDF_TIMEOUT seconds), with page numbers in the contents. Links between documents \
of the pack stay inside it; links to other pages go to the site's `base_url`, or show their \
target in brackets without one.\n\n\
Exit codes: 0 written, 1 the site has errors, 2 an unknown clause or standard, no browser for \
--pdf, or an output that cannot be written.",
        after_help = "Examples:\n  clausebook pack --output audit-pack.html\n  clausebook pack --pdf\n  \
clausebook pack --clause 8.1 --clause 8.2 --standard iso9001:2008 --pdf --output evidence.pdf"
    )]
    Pack(pack::PackArgs),
    /// Generate a synthetic document set of any size, for benchmarks
    #[command(
        name = "gen-corpus",
        long_about = "Write a synthetic site of N documents into DIR \
(clausebook.toml and content/): realistic SMS documents of 1-5 KB with headings, lists, tables, \
links between documents and clause front-matter covering ISO/IEC 20000-1:2011 and ISO 9001:2008. \
The front-matter is TOML with a title, so Hugo builds the same content. Output is deterministic \
for a given N, profile and seed. Profile `even` spreads clause references evenly over eight \
kinds; `records` makes most documents records (change records, incident reports, audit records, \
review minutes) citing one to three of a few clauses, with a long tail of policies and procedures."
    )]
    GenCorpus {
        /// Number of documents
        #[arg(long, value_name = "N")]
        docs: usize,
        /// Folder to create (must not exist or be empty)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Seed of the generator
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Shape of the set: `even` or `records`
        #[arg(long, default_value = "even", value_parser = ["even", "records"])]
        profile: String,
        /// Also make DIR a git repository with N commits over the corpus (approvals, edits after approval, moves, clause changes)
        #[arg(long, value_name = "N")]
        commits: Option<usize>,
    },
    /// Create a new site with a few sample documents
    #[command(
        long_about = "Create a new site in DIR: clausebook.toml, and content/ with a few \
sample documents that build at once, referencing clauses of the editions given by --standards \
(iso20000-1:2018, iso9001:2015, iso20000-1:2011, iso9001:2008; by default the current \
editions ISO/IEC 20000-1:2018 and ISO 9001:2015). DIR is created if needed; an existing site is \
never overwritten."
    )]
    Init {
        /// Folder for the new site
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Site title
        #[arg(long)]
        title: Option<String>,
        /// Organization name
        #[arg(long)]
        organization: Option<String>,
        /// Editions in scope, comma-separated catalog ids (default: the current editions)
        #[arg(
            long,
            value_name = "IDS",
            value_delimiter = ',',
            default_value = "iso20000-1:2018,iso9001:2015"
        )]
        standards: Vec<String>,
        /// Date the sample documents take effect (default: $CLAUSEBOOK_TODAY, else today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<jiff::civil::Date>,
    },
}

/// Parse the command line; on `--help`, `--version` or a usage error,
/// print the message and give the exit code.
pub fn parse() -> Result<Cli, i32> {
    Cli::try_parse().map_err(|e| {
        let _ = e.print();
        if e.use_stderr() { EXIT_USAGE } else { EXIT_OK }
    })
}

impl Command {
    /// The command's `--today`, if it has one and it was given.
    fn today(&self) -> Option<jiff::civil::Date> {
        match self {
            Command::Build { today, .. }
            | Command::Check { today, .. }
            | Command::Serve { today, .. }
            | Command::Init { today, .. } => *today,
            Command::Pack(a) => a.today,
            _ => None,
        }
    }

    /// Whether the command keeps running and rebuilds (`serve --watch`),
    /// rather than building once and exiting.
    pub fn is_long_running(&self) -> bool {
        matches!(self, Command::Serve { .. })
    }
}

/// The environment variable that sets "today" for every command that
/// measures review deadlines or dates samples, when `--today` is not given
/// (for tests and for reproducible builds).
pub const TODAY_VAR: &str = "CLAUSEBOOK_TODAY";

/// `--today`, else `$CLAUSEBOOK_TODAY`, else the machine's date; an
/// invalid `$CLAUSEBOOK_TODAY` is a usage error.
fn resolve_today(flag: Option<jiff::civil::Date>) -> Result<jiff::civil::Date, String> {
    if let Some(d) = flag {
        return Ok(d);
    }
    match std::env::var(TODAY_VAR) {
        Ok(v) if !v.trim().is_empty() => v.trim().parse().map_err(|e| {
            format!("error: {TODAY_VAR}={v:?} is not a date ({e}); write it as YYYY-MM-DD")
        }),
        _ => Ok(jiff::Zoned::now().date()),
    }
}

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let today = match resolve_today(cli.command.today()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_USAGE;
        }
    };
    match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            allow_errors,
            today: _,
            verbose,
            quiet,
        } => {
            let opts = BuildOptions {
                load: LoadOptions { drafts, today },
                output,
                allow_errors,
            };
            build(&root, &opts, verbose, quiet, color)
        }
        Command::Check {
            root,
            format,
            deny_warnings,
            today: _,
            quiet,
        } => check(&root, format, deny_warnings, quiet, today, color),
        Command::Search {
            query,
            root,
            kind,
            clause,
            status,
            limit,
            json,
        } => crate::cli::search::command(
            &crate::cli::search::SearchArgs {
                root,
                query,
                kind,
                status,
                clause,
                limit: limit as usize,
                json,
            },
            crate::cli::search::Styles {
                stdout: match cli.color {
                    Color::Always => true,
                    Color::Never => false,
                    Color::Auto => {
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                    }
                },
                stderr: color,
            },
        ),
        Command::Serve {
            root,
            output,
            port,
            drafts,
            verbose,
            no_watch,
            today: _,
        } => crate::serve::command(
            &crate::serve::ServeOptions {
                root,
                output,
                port,
                drafts,
                watch: !no_watch,
                verbose,
                today,
            },
            color,
        ),
        Command::Changes(args) => changes::command(&args, |ds| print_diags(ds, color)),
        Command::Pack(args) => {
            pack::command(&args, today, &|ds| print_build_diags(ds, color, false))
        }
        Command::GenCorpus {
            docs,
            out,
            seed,
            profile,
            commits,
        } => {
            let profile = crate::tools::corpus::Profile::parse(&profile).unwrap_or_default();
            match crate::tools::corpus::generate_with_history(docs, &out, seed, profile, commits) {
                Ok(written) => {
                    println!("Wrote {docs} documents into {}{written}", out.display());
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: cannot write the corpus into {}: {e}", out.display());
                    EXIT_USAGE
                }
            }
        }
        Command::Init {
            dir,
            title,
            organization,
            standards,
            today: _,
        } => run_init(&dir, title, organization, &standards, today, color),
    }
}

/// `clausebook init`.
fn run_init(
    dir: &std::path::Path,
    title: Option<String>,
    organization: Option<String>,
    standards: &[String],
    today: jiff::civil::Date,
    color: bool,
) -> i32 {
    match crate::tools::init::init(
        dir,
        title.as_deref(),
        organization.as_deref(),
        standards,
        today,
    ) {
        Ok(()) => {
            println!(
                "Created a new site in {0}. Build it with: clausebook build --root {0}",
                dir.display()
            );
            EXIT_OK
        }
        Err(d) => {
            print_diags(&Diagnostics(vec![d]), color);
            EXIT_USAGE
        }
    }
}

/// `clausebook build`: build, print the findings and a summary.
fn build(root: &Path, opts: &BuildOptions, verbose: bool, quiet: bool, color: bool) -> i32 {
    // The process ends after the summary: the site and the templates are
    // not freed (at 10,000 documents that took one thread 30-50 ms at the
    // very end of the build, for memory the exit gives back anyway).
    let built = crate::publish::build_with(root, opts, &mut crate::publish::Plain).map(|b| {
        std::mem::forget(b.site);
        std::mem::forget(b.tera);
        b.report
    });
    match built {
        Ok(report) => {
            print_build_diags(&report.diags, color, quiet);
            if verbose {
                if let Some(off) = &report.history_off {
                    eprintln!("  {off}");
                }
                for (name, d) in &report.phases {
                    eprintln!("  {name:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                }
            }
            if quiet {
                print_hidden_warnings(&report.diags);
            } else {
                let warn = match report.diags.warning_count() {
                    0 => String::new(),
                    1 => ", 1 warning".into(),
                    n => format!(
                        ", {n} warnings{}",
                        folded_count(&report.diags, Level::Warning)
                    ),
                };
                let errs = match report.diags.error_count() {
                    0 => String::new(),
                    n => format!(", {n} errors published anyway"),
                };
                println!(
                    "Built {} documents into {} pages in {:.2} s{}{warn}{errs}: open {}",
                    report.documents,
                    report.pages,
                    report.elapsed.as_secs_f64(),
                    report.skipped.summary(),
                    report.output.join("index.html").display()
                );
            }
            EXIT_OK
        }
        Err(BuildError::Config(ds)) => {
            print_diags(&Diagnostics(ds), color);
            EXIT_USAGE
        }
        Err(BuildError::Content(ds)) => {
            print_build_diags(&ds, color, quiet);
            if quiet {
                print_hidden_warnings(&ds);
            }
            eprintln!(
                "error: build failed with {} error{}{}{}; the previous output was left untouched",
                ds.error_count(),
                if ds.error_count() == 1 { "" } else { "s" },
                folded_count(&ds, Level::Error),
                match ds.warning_count() {
                    0 => String::new(),
                    1 => " and 1 warning".into(),
                    n => format!(" and {n} warnings{}", folded_count(&ds, Level::Warning)),
                }
            );
            EXIT_CONTENT
        }
    }
}

/// `clausebook check`: load the site, run every check and print the report
/// in `format`.
fn check(
    root: &Path,
    format: crate::check::report::Format,
    deny_warnings: bool,
    quiet: bool,
    today: jiff::civil::Date,
    color: bool,
) -> i32 {
    let load = LoadOptions {
        drafts: false,
        today,
    };
    let site = match crate::resolve::Site::load(root, load) {
        Ok(s) => s,
        Err(e) => {
            print_diags(&Diagnostics(e.into_diagnostics()), color);
            return EXIT_USAGE;
        }
    };
    let report = crate::check::run(&site);
    let text = match format {
        crate::check::report::Format::Human => {
            crate::check::report::human(&report, deny_warnings, quiet, color)
        }
        crate::check::report::Format::Json => crate::check::report::json(&report, deny_warnings),
        crate::check::report::Format::Junit => crate::check::report::junit(&report, deny_warnings),
        crate::check::report::Format::Github => {
            crate::check::report::github(&report, deny_warnings)
        }
    };
    if format == crate::check::report::Format::Human {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    if report.errors(deny_warnings) > 0 {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}

/// Like `print_diags`, but coverage findings, one per clause, are folded
/// into one line per standard (`clausebook check` lists them); with
/// `quiet`, the errors only.
fn print_build_diags(diags: &Diagnostics, color: bool, quiet: bool) {
    for d in crate::check::report::folded(diags) {
        if !quiet || d.is_error() {
            eprintln!("{}\n", d.render(color));
        }
    }
}

/// How many of the findings at `level` are coverage gaps, which the
/// terminal shows folded into one line per standard (so that a count of
/// 130 beside 14 lines printed adds up): " (118 of them …)", or nothing.
fn folded_count(diags: &Diagnostics, level: Level) -> String {
    let lines: Vec<usize> = crate::check::report::coverage_gaps(diags)
        .into_iter()
        .filter(|((l, _), _)| *l == level)
        .map(|(_, n)| n)
        .collect();
    match lines.iter().sum::<usize>() {
        n if n <= lines.len() => String::new(),
        n => format!(
            " ({n} of them requirement clauses without an approved document, one line per standard above; `clausebook check` lists them)"
        ),
    }
}

/// What `build --quiet` says of the warnings it does not print: one line
/// with their count and how to see them (nothing when there are none).
fn print_hidden_warnings(diags: &Diagnostics) {
    match diags.warning_count() {
        0 => {}
        n => eprintln!(
            "warning: {n} warning{} not shown (--quiet); build without --quiet, or run `clausebook check`, to see {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        ),
    }
}

fn print_diags(diags: &Diagnostics, color: bool) {
    for d in diags.iter() {
        eprintln!("{}\n", render_diag(d, color));
    }
}

fn render_diag(d: &Diagnostic, color: bool) -> String {
    d.render(color)
}
