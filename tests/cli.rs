//! The command line: front-matter and configuration errors with their exit
//! codes and located messages, usage errors, `init`, and how `build` treats
//! its output folder.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Assert a located message on a given line whose column depends on the
/// parser: `file:line:` with the line shown and a caret under it.
#[track_caller]
fn assert_located_line(stderr: &str, file: &str, line: usize, source: &str) {
    let prefix = format!("{file}:{line}:");
    let loc = stderr
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> ")?.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no location {prefix}<col> in:\n{stderr}"));
    let col: usize = loc.trim().parse().expect("a column number");
    assert!(
        col >= 1 && col <= source.chars().count() + 1,
        "column {col}"
    );
    assert_located(stderr, file, line, col, source);
}

// ---------------------------------------------------------------- front-matter

#[test]
fn bad_toml_front_matter_is_a_located_error() {
    // A TOML syntax error names file, line and column, shows the line, exits 1.
    let run = build_fails(&fixture("fm-bad-toml"), 1, &[]);
    assert_located_line(&run.stderr, "content/bad.md", 3, "title = \"Unterminated");
    assert!(run.stderr.contains("TOML"), "{}", run.stderr);
}

#[test]
fn bad_yaml_front_matter_is_a_located_error() {
    // A YAML syntax error is located like a TOML one.
    let run = build_fails(&fixture("fm-bad-yaml"), 1, &[]);
    assert_located_line(&run.stderr, "content/bad.md", 4, "  owner: Service Manager");
    assert!(run.stderr.contains("YAML"), "{}", run.stderr);
}

#[test]
fn missing_title_is_a_located_error() {
    // A document without title points at its front-matter.
    let run = build_fails(&fixture("fm-missing-title"), 1, &[]);
    assert!(run.stderr.contains("no `title`"), "{}", run.stderr);
    assert_located(&run.stderr, "content/bad.md", 1, 1, "+++");
}

#[test]
fn missing_id_is_a_located_error() {
    // A document without id (YAML front-matter) points at its front-matter.
    let run = build_fails(&fixture("fm-missing-id"), 1, &[]);
    assert!(run.stderr.contains("no `id`"), "{}", run.stderr);
    assert_located(&run.stderr, "content/bad.md", 1, 1, "---");
}

#[test]
fn duplicate_ids_are_reported_once_per_id_naming_every_file() {
    // Three files share DUP-1 and two share DUP-2: one message per id, naming all files.
    let run = build_fails(&fixture("fm-duplicate-id"), 1, &[]);
    let dup: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("duplicate document id"))
        .collect();
    assert_eq!(dup.len(), 2, "{}", run.stderr);
    let one = dup.iter().find(|l| l.contains("`DUP-1`")).expect("DUP-1");
    assert!(
        one.contains("content/b.md:2:6") && one.contains("content/c.md:2:6"),
        "{one}"
    );
    let two = dup.iter().find(|l| l.contains("`DUP-2`")).expect("DUP-2");
    assert!(two.contains("content/sub/y.md:2:5"), "{two}");
    assert!(!two.contains("content/b.md"), "{two}");
    assert_located(&run.stderr, "content/a.md", 2, 6, "id = \"DUP-1\"");
    assert_located(&run.stderr, "content/sub/x.md", 2, 5, "id: DUP-2");
}

#[test]
fn invalid_dates_are_located_errors() {
    // 2026-02-30 (quoted) and 2027-02-29 (a TOML date) are both rejected at their value.
    let run = build_fails(&fixture("fm-bad-date"), 1, &[]);
    assert!(run.stderr.contains("`2026-02-30`"), "{}", run.stderr);
    assert_located(
        &run.stderr,
        "content/bad.md",
        5,
        13,
        "effective = \"2026-02-30\"",
    );
    assert_located(
        &run.stderr,
        "content/native.md",
        5,
        13,
        "review_by = 2027-02-29",
    );
    assert!(
        run.stderr.contains("failed with 2 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_status_suggests_the_closest() {
    // A misspelt status is located at its value and suggests the right one.
    let run = build_fails(&fixture("fm-unknown-status"), 1, &[]);
    assert!(
        run.stderr.contains("unknown status `aproved`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `approved`?"),
        "{}",
        run.stderr
    );
    assert_located(&run.stderr, "content/bad.md", 4, 10, "status = \"aproved\"");
}

#[test]
fn unknown_kind_suggests_the_closest() {
    // A misspelt kind is located at its value and suggests the right one.
    let run = build_fails(&fixture("fm-unknown-kind"), 1, &[]);
    assert!(
        run.stderr.contains("unknown kind `polcy`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `policy`?"),
        "{}",
        run.stderr
    );
    assert_located(&run.stderr, "content/bad.md", 4, 8, "kind = \"polcy\"");
}

#[test]
fn unclosed_front_matter_is_a_located_error() {
    // A `+++` block that never closes points at its opening fence.
    let run = build_fails(&fixture("fm-unclosed"), 1, &[]);
    assert!(run.stderr.contains("never closed"), "{}", run.stderr);
    assert_located(&run.stderr, "content/bad.md", 1, 1, "+++");
}

#[test]
fn missing_front_matter_is_a_located_error() {
    // A Markdown file without front-matter is an error at its first line.
    let run = build_fails(&fixture("fm-none"), 1, &[]);
    assert!(run.stderr.contains("no front-matter"), "{}", run.stderr);
    assert_located(
        &run.stderr,
        "content/bad.md",
        1,
        1,
        "# A document without metadata",
    );
}

#[test]
fn every_error_of_every_file_is_reported_in_one_run() {
    // Errors of parsing, fields, links and clause references in five files all show at once.
    let run = build_fails(&fixture("fm-many-errors"), 1, &[]);
    let expected = [
        ("content/a-bad-toml.md", 4, "version = 1.0.0"),
        ("content/b-status.md", 4, "status: published"),
        (
            "content/c-links.md",
            15,
            "Read the [good document](E-1), the [missing one](E-2)",
        ),
        (
            "content/c-links.md",
            16,
            "and the [missing heading](E-1#scop).",
        ),
        ("content/more/d-date-kind.md", 4, "kind = \"proceedure\""),
        (
            "content/more/d-date-kind.md",
            6,
            "review_by = \"2026-13-01\"",
        ),
        (
            "content/more/f-clause.md",
            11,
            "clauses = [\"iso9001:2008/8.2.9\"]",
        ),
    ];
    for (file, line, source) in expected {
        assert_located_line(&run.stderr, file, line, source);
    }
    assert_eq!(
        error_lines(&run.stderr).len(),
        expected.len(),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("build failed with 7 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn error_output_matches_snapshot() {
    // The whole human error report of a failing build, exactly (--color never).
    let tmp = tempdir();
    let site = fixture("fm-many-errors");
    let out = tmp.path().join("out");
    let run = build_cli(&site, &out, &[]);
    run.assert_code(1);
    let text = normalize_paths(&run.stderr, &[(&out, "<OUT>"), (&site, "<SITE>")]);
    assert_snapshot("errors/fm-many-errors.stderr", &text);
}

// ---------------------------------------------------------------- configuration

#[test]
fn missing_config_is_a_configuration_error() {
    // A folder without clausebook.toml is not a site: exit 2.
    let run = build_fails(&fixture("config-missing"), 2, &[]);
    assert!(run.stderr.contains("no clausebook.toml"), "{}", run.stderr);
}

#[test]
fn unknown_config_key_is_a_located_configuration_error() {
    // A misspelt key of clausebook.toml is rejected at its line with exit 2.
    let run = build_fails(&fixture("config-unknown-key"), 2, &[]);
    assert!(run.stderr.contains("`standard`"), "{}", run.stderr);
    assert_located(
        &run.stderr,
        "clausebook.toml",
        3,
        1,
        "standard = [\"iso20000-1:2011\"]",
    );
}

#[test]
fn unknown_standard_in_scope_is_a_configuration_error() {
    // `standards` naming no catalog is a configuration error: exit 2, located, with a suggestion.
    let run = build_fails(&fixture("config-unknown-standard"), 2, &[]);
    assert_located(
        &run.stderr,
        "clausebook.toml",
        3,
        33,
        "standards = [\"iso20000-1:2011\", \"iso9001:2009\"]",
    );
    assert!(
        run.stderr.contains("did you mean `iso9001:2008`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    // Unknown flags, subcommands and missing arguments are usage errors.
    let run = build_fails(&fixture("links"), 2, &["--frobnicate"]);
    assert!(run.stderr.contains("--frobnicate"), "{}", run.stderr);
    run_cli(&["frobnicate"]).assert_code(2);
    run_cli::<&str>(&[]).assert_code(2);
    run_cli(&["init"]).assert_code(2);
    run_cli(&["build", "--root"]).assert_code(2);
}

#[test]
fn help_is_available_on_every_command() {
    // --help exits 0 and documents the options and exit codes.
    let run = run_cli(&["--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Exit codes"), "{}", run.stdout);
    let run = run_cli(&["build", "--help"]);
    run.assert_code(0);
    for flag in ["--root", "--output", "--drafts"] {
        assert!(run.stdout.contains(flag), "{flag} in:\n{}", run.stdout);
    }
    let run = run_cli(&["init", "--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("DIR"), "{}", run.stdout);
}

// ---------------------------------------------------------------- output folder

#[test]
fn successful_build_reports_a_summary() {
    // A build prints one summary line naming the documents and the output.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(&fixture("links"), &out, &[]);
    run.assert_code(0);
    let summary: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("Built "))
        .collect();
    assert_eq!(summary.len(), 1, "{}", run.stdout);
    assert!(
        summary[0].starts_with("Built 5 documents into "),
        "{}",
        summary[0]
    );
    assert!(
        summary[0].contains(&out.display().to_string()),
        "{}",
        summary[0]
    );
    assert!(out.join(".clausebook-output").is_file());
}

#[test]
fn the_summary_counts_the_drafts_and_reviews_left_out() {
    // A build names how many drafts and documents in review it skipped and how to include them; with --drafts none is skipped.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = build_cli(&fixture("drafts"), &out, &[]);
    run.assert_code(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Built "))
        .unwrap();
    assert!(
        line.starts_with("Built 2 documents into ")
            && line
                .contains(", 1 draft and 1 document in review skipped (--drafts publishes them)"),
        "{line}"
    );
    let run = build_cli(&fixture("drafts"), &out, &["--drafts"]);
    run.assert_code(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Built "))
        .unwrap();
    assert!(
        line.starts_with("Built 4 documents into ") && !line.contains("skipped"),
        "{line}"
    );
}

#[test]
fn failed_build_keeps_the_previous_output() {
    // Breaking a document after a good build exits 1 and leaves every output file as it was.
    let tmp = tempdir();
    let site = copy_fixture("links", tmp.path());
    let out = tmp.path().join("out");
    build_cli(&site, &out, &[]).assert_code(0);
    let before = tree(&out);
    assert!(before.contains_key("documents/pol-1/index.html"));

    replace(
        &site.join("content/policies/policy.md"),
        "status = \"approved\"",
        "status = \"done\"",
    );
    let run = build_cli(&site, &out, &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("left untouched"), "{}", run.stderr);

    assert_same_files(&before, &tree(&out), "the output after a refused build");
    let siblings = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(siblings, 2, "temporary folders were left beside the output");
}

/// The names in `dir` that start with `.out.tmp` or `.out.old`: folders
/// of an unfinished build left behind.
fn unfinished_folders(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.tmp") || n.starts_with(".out.old"))
        .collect()
}

/// A copy of the links fixture built twice into `<tmp>/out`, so that the
/// next build writes into the kept `.out.spare`; the site changed since,
/// so that a successful next build would change the output.
fn site_with_spare_output(tmp: &Path) -> (PathBuf, PathBuf) {
    let site = copy_fixture("links", tmp);
    let out = tmp.join("out");
    build_cli(&site, &out, &[]).assert_code(0);
    build_cli(&site, &out, &[]).assert_code(0);
    assert!(
        tmp.join(".out.spare/.clausebook-output").is_file(),
        "no spare output kept"
    );
    append(
        &site.join("content/policies/policy.md"),
        "\nA paragraph written after the last build.\n",
    );
    (site, out)
}

#[test]
fn a_build_failing_while_writing_keeps_the_previous_output() {
    // A write error in the middle of a build (a folder standing where a page goes, in the spare output being reused) exits 1 naming the file, and the published output stays as it was.
    let tmp = tempdir();
    let (site, out) = site_with_spare_output(tmp.path());
    let before = tree(&out);
    let page = tmp.path().join(".out.spare/documents/pol-1/index.html");
    std::fs::remove_file(&page).unwrap();
    write_file(&page.join("in-the-way.txt"), "a folder where a page goes");

    let run = build_cli(&site, &out, &[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("cannot write") && run.stderr.contains("documents/pol-1/index.html"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("left untouched"), "{}", run.stderr);
    assert_same_files(&before, &tree(&out), "the output after a failed write");
    assert_eq!(unfinished_folders(tmp.path()), Vec::<String>::new());

    // With the obstacle gone (the failed build dropped that spare), the
    // next build publishes the change.
    build_cli(&site, &out, &[]).assert_code(0);
    assert!(read(&out, "documents/pol-1/index.html").contains("written after the last build"));
}

#[test]
fn a_build_failing_after_pages_were_written_keeps_the_previous_output() {
    // A template error on one page, met while the other pages are being written into the reused spare output, exits 1 and leaves the published output as it was.
    let tmp = tempdir();
    let (site, out) = site_with_spare_output(tmp.path());
    let before = tree(&out);
    write_file(
        &site.join("templates/document.html"),
        "{% extends \"base.html\" %}{% block content %}\
         {% if doc.id == \"WI-1\" %}{{ doc.no_such_field }}{% endif %}{{ content }}\
         {% endblock %}\n",
    );
    let run = build_cli(&site, &out, &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("no_such_field"), "{}", run.stderr);
    assert!(run.stderr.contains("left untouched"), "{}", run.stderr);
    assert_same_files(&before, &tree(&out), "the output after a failed render");
    assert_eq!(unfinished_folders(tmp.path()), Vec::<String>::new());
}

#[test]
fn rebuild_replaces_the_output_entirely() {
    // A page of a removed document disappears at the next build, and nothing but the documented `.out.spare` (the previous output, kept for reuse) stays beside the output.
    let tmp = tempdir();
    let site = copy_fixture("links", tmp.path());
    let out = tmp.path().join("out");
    build_cli(&site, &out, &[]).assert_code(0);
    assert!(out.join("documents/oth-1/index.html").is_file());
    std::fs::remove_file(site.join("content/nested/unlinked.md")).unwrap();
    build_cli(&site, &out, &[]).assert_code(0);
    assert!(!out.join("documents/oth-1").exists());
    assert!(out.join("documents/pol-1/index.html").is_file());
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".out.spare")
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn output_refuses_a_foreign_non_empty_folder() {
    // A non-empty folder without the .clausebook-output marker is never replaced.
    let tmp = tempdir();
    let out = tmp.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let run = build_cli(&fixture("links"), &out, &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    let after = tree(&out);
    assert_eq!(after.len(), 1);
    assert_eq!(after["notes.txt"], b"keep me");

    // An empty folder is fine.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    build_cli(&fixture("links"), &empty, &[]).assert_code(0);
    assert!(empty.join("index.html").is_file());
}

#[test]
fn output_refuses_the_site_root_and_its_sources() {
    // --output at the site, or in or below content/, templates/, theme/ or standards/, is refused and changes nothing.
    let tmp = tempdir();
    let site = copy_fixture("template-document", tmp.path());
    write_file(&site.join("theme/site.css"), "body { color: black; }\n");
    std::fs::create_dir_all(site.join("standards")).unwrap();
    std::fs::copy(
        check_fixture("clean").join("standards/tiny.toml"),
        site.join("standards/tiny.toml"),
    )
    .unwrap();
    let before = tree(&site);
    for target in [
        site.clone(),
        site.join("content"),
        site.join("content/sub"),
        site.join("templates"),
        site.join("theme"),
        site.join("theme/out"),
        site.join("standards"),
        site.join("standards/out"),
    ] {
        let run = build_cli(&site, &target, &[]);
        run.assert_code(2);
        assert!(
            run.stderr.contains("refusing") && run.stderr.contains("holds the site's sources"),
            "{}: {}",
            target.display(),
            run.stderr
        );
    }
    // Relative spellings of the same folders, from inside the site.
    for target in [
        ".",
        "content",
        "./content/../content",
        "templates",
        "theme",
        "./standards/",
        "standards/../theme/x",
    ] {
        let run = run_cli_in(
            Some(&site),
            &[
                "build".as_ref(),
                "--today".as_ref(),
                TODAY.as_ref(),
                "--output".as_ref(),
                target.as_ref(),
            ],
        );
        run.assert_code(2);
        assert!(run.stderr.contains("refusing"), "{target}: {}", run.stderr);
    }
    assert_same_files(&before, &tree(&site), "the site after refused builds");
}

// ---------------------------------------------------------------- init

#[test]
fn init_creates_a_site_that_builds() {
    // `clausebook init DIR` gives a site that builds at once with exit 0, whatever the date.
    let tmp = tempdir();
    let dir = tmp.path().join("new-sms");
    let run = run_cli(&[Path::new("init"), dir.as_path()]);
    run.assert_code(0);
    assert!(dir.join("clausebook.toml").is_file());
    // The samples are dated from the real date: build on that date too
    // (any day the test runs is the day a user would run init).
    let out = tmp.path().join("out");
    let run = run_cli(&[
        Path::new("build"),
        Path::new("--root"),
        &dir,
        Path::new("--output"),
        &out,
        Path::new("--today"),
        Path::new(&real_today().to_string()),
    ]);
    run.assert_code(0);
    assert!(error_lines(&run.stderr).is_empty(), "{}", run.stderr);
    // A new site has coverage gaps: warnings counted clause by clause but
    // printed one line per standard, and the summary says so.
    let folded = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: [coverage] ") && l.contains(" requirement clauses of "))
        .count();
    assert_eq!(folded, 2, "{}", run.stderr);
    let gaps: usize = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: [coverage] "))
        .filter_map(|l| {
            l["warning: [coverage] ".len()..]
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert!(
        run.stdout.contains(&format!(
            "({gaps} of them requirement clauses without an approved document, one line per standard above"
        )),
        "{}",
        run.stdout
    );
    let site = load_site(&dir, false);
    assert!(site.docs.len() >= 2, "a few sample documents");
    for (i, d) in site.docs.iter().enumerate() {
        let page = out.join(&site.urls[i]);
        assert_eq!(page.is_file(), site.published[i], "{}", d.meta.id);
    }
}

#[test]
fn init_refuses_an_existing_site() {
    // A second init into the same folder exits 2 and changes no file.
    let tmp = tempdir();
    let dir = tmp.path().join("sms");
    run_cli(&[Path::new("init"), dir.as_path()]).assert_code(0);
    std::fs::write(
        dir.join("content/policies/service-management-policy.md"),
        "edited by hand",
    )
    .unwrap();
    let before = tree(&dir);
    let run = run_cli(&[Path::new("init"), dir.as_path()]);
    run.assert_code(2);
    assert!(run.stderr.contains("already"), "{}", run.stderr);
    assert!(tree(&dir) == before, "init changed an existing site");

    // Nor does it write into a folder whose content/ holds documents.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(other.join("content")).unwrap();
    std::fs::write(other.join("content/mine.md"), "mine").unwrap();
    run_cli(&[Path::new("init"), other.as_path()]).assert_code(2);
    assert_eq!(tree(&other).len(), 1);
}

#[test]
fn builds_reusing_the_spare_output_equal_a_fresh_build() {
    // From the third build on, the previous output is reused as the new folder: stale pages must go and the result must equal a build into a fresh folder.
    let tmp = tempdir();
    let site = copy_fixture("links", tmp.path());
    let out = tmp.path().join("out");
    for _ in 0..3 {
        build_cli(&site, &out, &[]).assert_code(0);
    }
    assert!(tmp.path().join(".out.spare").is_dir(), "no spare kept");
    std::fs::remove_file(site.join("content/nested/unlinked.md")).unwrap();
    append(
        &site.join("content/policies/policy.md"),
        "\nA paragraph added later.\n",
    );
    build_cli(&site, &out, &[]).assert_code(0);
    let fresh = tmp.path().join("fresh");
    build_cli(&site, &fresh, &[]).assert_code(0);
    // The tantivy index names its segment files at random: compare it by
    // file count (stale segments must be gone), everything else exactly.
    let index_files = |dir: &Path| tree(dir).keys().filter(|p| is_search_index(p)).count();
    assert_eq!(
        index_files(&out),
        index_files(&fresh),
        "stale index files were left"
    );
    assert!(index_files(&fresh) > 0, "no search index written");
    assert_same_files(
        &tree_without_index(&out),
        &tree_without_index(&fresh),
        "a build reusing the spare output and a fresh build",
    );
}

#[test]
fn search_for_an_unknown_clause_says_so() {
    // `search --clause 9.9` on a site whose standards have no clause 9.9 is a usage error naming the clause, with the nearest ones, not an empty result.
    let root = fixture("clause-refs");
    let search = |clause: &str| {
        let args = ["search", "policy", "--clause", clause, "--root"];
        let mut args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        args.push(root.as_os_str());
        run_cli(&args)
    };
    let run = search("9.9");
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("no standard in scope (iso20000-1:2011, iso9001:2008) has a clause `9.9`")
            && run.stderr.contains("did you mean `iso20000-1:2011/9."),
        "{}",
        run.stderr
    );
    let run = search("iso9001:2008/4.33");
    run.assert_code(2);
    assert!(
        run.stderr.contains("has no clause `4.33`"),
        "{}",
        run.stderr
    );
}
