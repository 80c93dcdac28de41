//! The command line: argument parsing and reporting. The work itself is done
//! by the library modules; this file only wires them to the terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::build::{BuildError, BuildOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::site::LoadOptions;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the content has errors (the output was not replaced).
pub const EXIT_CONTENT: i32 = 1;
/// Exit code: wrong usage or configuration.
pub const EXIT_USAGE: i32 = 2;

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
        /// Print the time spent in each phase
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Print errors and warnings only, no summary
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Create a new site with a few sample documents
    #[command(
        long_about = "Create a new site in DIR: clausebook.toml, and content/ with a few \
sample documents that build at once. DIR is created if needed; an existing site is never \
overwritten."
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
    },
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            allow_errors,
            verbose,
            quiet,
        } => {
            let opts = BuildOptions {
                load: LoadOptions {
                    drafts,
                    ..LoadOptions::default()
                },
                output,
                allow_errors,
            };
            match crate::build::build(&root, &opts) {
                Ok(report) => {
                    print_diags(&report.diags, color);
                    if verbose {
                        for (name, d) in &report.phases {
                            eprintln!("  {name:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                        }
                    }
                    if !quiet {
                        let warn = match report.diags.warning_count() {
                            0 => String::new(),
                            1 => ", 1 warning".into(),
                            n => format!(", {n} warnings"),
                        };
                        let errs = match report.diags.error_count() {
                            0 => String::new(),
                            n => format!(", {n} errors published anyway"),
                        };
                        println!(
                            "Built {} documents into {} pages in {:.2} s{warn}{errs}: open {}",
                            report.documents,
                            report.pages,
                            report.elapsed.as_secs_f64(),
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
                    print_diags(&ds, color);
                    eprintln!(
                        "error: build failed with {} error{}{}; the previous output was left untouched",
                        ds.error_count(),
                        if ds.error_count() == 1 { "" } else { "s" },
                        match ds.warning_count() {
                            0 => String::new(),
                            1 => " and 1 warning".into(),
                            n => format!(" and {n} warnings"),
                        }
                    );
                    EXIT_CONTENT
                }
            }
        }
        Command::Init {
            dir,
            title,
            organization,
        } => match crate::init::init(&dir, title.as_deref(), organization.as_deref()) {
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
        },
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
