//! History end to end through the binary: `check` and rule
//! `changed-since-approval`, `build` and its warning, `clausebook changes`
//! (documents and coverage), and what the pages show (revision history,
//! banner, publication stamp).
//!
//! The repository is the audit fixture (a policy edited after approval, a
//! procedure moved and re-approved without a clause), written in-process
//! with `clausebook::tools::repo` (no `git` binary), with fixed
//! commit dates.

mod common;

use std::path::Path;

use clausebook::tools::repo::{RepoWriter, Step, build};
use common::*;

const CONFIG: &str = "title = \"History site\"\nstandards = [\"iso9001:2008\"]\n\n\
[check]\ncoverage = \"allow\"\nrequired-document = \"allow\"\norphan = \"allow\"\n\n[history]\nbaseline = \"2026-01-05\"\n";

const POLICY: &str = "content/policies/sms-policy.md";
const PROCEDURE: &str = "content/procedures/change.md";
const MOVED: &str = "content/processes/change.md";

fn policy(status: &str, body: &str) -> String {
    format!(
        "+++\nid = \"SMS-POL-001\"\ntitle = \"Quality Policy\"\nkind = \"policy\"\nversion = \"1.0\"\n\
         status = \"{status}\"\nowner = \"Quality manager\"\napprover = \"Managing director\"\n\
         effective = 2026-01-12\nreview_by = 2027-06-01\nclauses = [\"iso9001:2008/5.3\"]\n+++\n\n{body}\n"
    )
}

fn procedure(version: &str, clauses: &[&str]) -> String {
    let clauses: Vec<String> = clauses.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        "+++\nid = \"SMS-PRO-007\"\ntitle = \"Design Change Procedure\"\nkind = \"procedure\"\n\
         version = \"{version}\"\nstatus = \"approved\"\nowner = \"Quality manager\"\n\
         approver = \"Managing director\"\neffective = 2026-01-05\nreview_by = 2027-06-01\n\
         clauses = [{}]\n+++\n\nDesign changes are identified, reviewed and approved.\n",
        clauses.join(", ")
    )
}

/// The fixture: a policy approved at 1.0, its body edited in a later
/// commit without a new version; a procedure moved to another folder, then
/// re-approved at 1.1 with the clause reference 7.3.7 removed.
fn fixture(dir: &Path) -> RepoWriter {
    build(
        dir,
        &[
            Step::write("clausebook.toml", CONFIG),
            Step::write(
                POLICY,
                &policy("draft", "We meet our customers' requirements."),
            ),
            Step::write(
                PROCEDURE,
                &procedure("1.0", &["iso9001:2008/7.3.7", "iso9001:2008/4.2.3"]),
            ),
            Step::commit(
                "Priya Natarajan",
                "2026-01-05T10:00:00+01:00",
                "Add the first documents",
            ),
            Step::write(
                POLICY,
                &policy("approved", "We meet our customers' requirements."),
            ),
            Step::commit(
                "Tom Hale",
                "2026-01-12T09:30:00+01:00",
                "Approve the policy",
            ),
            Step::write(
                POLICY,
                &policy(
                    "approved",
                    "We meet and exceed our customers' requirements.",
                ),
            ),
            Step::commit(
                "Ines Duarte",
                "2026-02-02T16:00:00+01:00",
                "Tidy the policy's wording",
            ),
            Step::moved(PROCEDURE, MOVED),
            Step::commit(
                "Ines Duarte",
                "2026-02-09T11:00:00+01:00",
                "Move the change procedure",
            ),
            Step::write(MOVED, &procedure("1.1", &["iso9001:2008/4.2.3"])),
            Step::commit(
                "Tom Hale",
                "2026-02-16T14:00:00+01:00",
                "Re-approve the change procedure",
            ),
        ],
    )
    .expect("the fixture repository is written")
}

fn hex(w: &RepoWriter, i: usize) -> String {
    w.commits()[i].to_hex().to_string()
}

fn short(w: &RepoWriter, i: usize) -> String {
    hex(w, i)[..7].to_string()
}

#[test]
fn check_fails_on_an_approved_document_edited_without_a_new_version() {
    // `clausebook check` fails with changed-since-approval, naming the policy, the approving commit and the later one, at its version line.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let run = check_cli(tmp.path(), "human", &[]);
    run.assert_code(1);
    let e = &run.stderr;
    assert!(e.contains("changed-since-approval"), "{e}");
    assert!(
        e.contains("`SMS-POL-001` is approved at version 1.0"),
        "{e}"
    );
    assert!(e.contains(&format!("commit {}", short(&w, 1))), "{e}");
    assert!(
        e.contains(&format!("{} (2026-02-02, body", short(&w, 2))),
        "{e}"
    );
    assert!(e.contains("content/policies/sms-policy.md:5:"), "{e}");
    // The procedure was re-approved at 1.1: no finding.
    assert!(!e.contains("`SMS-PRO-007` is approved"), "{e}");
}

#[test]
fn the_rule_is_in_the_json_report_and_a_new_version_clears_it() {
    // The finding is in `check --format json` with its rule id; after a commit raising the version, check passes.
    let tmp = tempdir();
    let mut w = fixture(tmp.path());
    let run = check_cli(tmp.path(), "json", &[]);
    run.assert_code(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["changed-since-approval"], "{}", run.stdout);

    let text = policy(
        "approved",
        "We meet and exceed our customers' requirements.",
    )
    .replace("version = \"1.0\"", "version = \"1.1\"");
    w.write(POLICY, &text).unwrap();
    w.commit(
        "Tom Hale",
        clausebook::tools::repo::When::parse("2026-03-01T10:00:00+00:00").unwrap(),
        "Approve 1.1",
    )
    .unwrap();
    w.write_index().unwrap();
    check_cli(tmp.path(), "human", &[]).assert_code(0);
}

#[test]
fn build_reports_the_rule_as_a_warning_and_publishes() {
    // `clausebook build` publishes with changed-since-approval as a warning (the gate is `check`).
    let tmp = tempdir();
    fixture(tmp.path());
    let out = tempdir();
    let run = build_cli(tmp.path(), &out.path().join("out"), &[]);
    run.assert_code(0);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert!(
        run.stderr.contains("changed-since-approval"),
        "{}",
        run.stderr
    );
}

#[test]
fn with_history_turned_off_the_rule_is_off() {
    // A site in a repository with `[history] enabled = false` builds and checks as before: no history finding.
    let tmp = tempdir();
    fixture(tmp.path());
    without_history(tmp.path());
    let run = check_cli(tmp.path(), "human", &[]);
    run.assert_code(0);
    assert!(
        !run.stderr.contains("changed-since-approval"),
        "{}",
        run.stderr
    );
}

#[test]
fn changes_since_the_first_commit_list_the_edit_the_move_and_the_coverage_change() {
    // `clausebook changes --since <first commit> --format json` lists the edit, the move as the same document and the clause whose coverage the removed reference changed.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let root = tmp.path().to_str().unwrap().to_string();
    let since = hex(&w, 0);
    let run = run_cli(&[
        "changes",
        "--root",
        root.as_str(),
        "--since",
        since.as_str(),
        "--format",
        "json",
    ]);
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["schema"], "clausebook-changes/1");
    assert_eq!(json["since"]["id"], since);
    assert_eq!(json["until"]["id"], hex(&w, 4));
    assert_eq!(json["changed_without_version"][0]["id"], "SMS-POL-001");
    assert_eq!(json["changed_without_version"][0]["body"], true);
    assert_eq!(json["moved"][0]["id"], "SMS-PRO-007");
    assert_eq!(json["moved"][0]["from"], PROCEDURE);
    assert_eq!(json["moved"][0]["to"], MOVED);
    assert_eq!(json["added"], serde_json::json!([]));
    assert_eq!(json["removed"], serde_json::json!([]));
    assert_eq!(json["reapproved"][0]["to_version"], "1.1");
    assert_eq!(
        json["clause_references"][0]["removed"][0]["ref"],
        "iso9001:2008/7.3.7"
    );
    let cov = &json["coverage"][0];
    assert_eq!(cov["standard"], "iso9001:2008");
    let clauses = cov["clauses"].as_array().unwrap();
    let numbers: Vec<&str> = clauses
        .iter()
        .map(|c| c["clause"].as_str().unwrap())
        .collect();
    // 5.3: the policy was a draft at the first commit, approved since.
    assert_eq!(numbers, ["5.3", "7.3.7"], "{clauses:?}");
    assert_eq!(
        (clauses[0]["from"].as_str(), clauses[0]["to"].as_str()),
        (Some("planned"), Some("full"))
    );
    assert_eq!(clauses[0]["documents"], serde_json::json!(["SMS-POL-001"]));
    assert_eq!(clauses[1]["from"], "full");
    assert_eq!(clauses[1]["to"], "gap");
    assert_eq!(clauses[1]["lost"], serde_json::json!(["SMS-PRO-007"]));
    assert_eq!(clauses[1]["documents"], serde_json::json!([]));
}

#[test]
fn changes_in_markdown_and_for_people_name_the_same_changes() {
    // The human and markdown formats list the edit, the move and the coverage change in words.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let root = tmp.path().to_str().unwrap().to_string();
    for (format, heading) in [("human", "Moved:"), ("markdown", "## Moved")] {
        let run = run_cli(&[
            "changes",
            "--root",
            &root,
            "--since",
            &hex(&w, 0),
            "--format",
            format,
        ]);
        run.assert_code(0);
        let o = &run.stdout;
        assert!(o.contains(heading), "{o}");
        assert!(
            o.contains(&format!(
                "SMS-PRO-007 Design Change Procedure: {PROCEDURE} → {MOVED}"
            )),
            "{o}"
        );
        assert!(
            o.contains(
                "SMS-POL-001 Quality Policy (content/policies/sms-policy.md, version 1.0): body"
            ),
            "{o}"
        );
        assert!(o.contains("7.3.7"), "{o}");
        assert!(
            o.contains("full → gap (no longer addressed by SMS-PRO-007)"),
            "{o}"
        );
    }
}

#[test]
fn changes_with_an_unknown_revision_say_so() {
    // A --since git cannot resolve is a usage error naming the option, with the names that exist.
    let tmp = tempdir();
    fixture(tmp.path());
    let root = tmp.path().to_str().unwrap().to_string();
    let run = run_cli(&["changes", "--root", root.as_str(), "--since", "audit-2025"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--since"), "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot resolve `audit-2025`"),
        "{}",
        run.stderr
    );
}

#[test]
fn changes_outside_a_repository_say_so() {
    // `clausebook changes` on a site outside any repository is a usage error that says why.
    let tmp = tempdir();
    write_file(&tmp.path().join("clausebook.toml"), CONFIG);
    let root = tmp.path().to_str().unwrap().to_string();
    let run = run_cli(&["changes", "--root", root.as_str(), "--since", "HEAD"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("history is off") || run.stderr.contains("repository"),
        "{}",
        run.stderr
    );
}

// ------------------------------------------------------------ pages

const POLICY_PAGE: &str = "documents/sms-pol-001/index.html";

/// Build the site at `site` with the binary (`SOURCE_DATE_EPOCH` fixed)
/// into a new temporary folder, kept while the first value lives.
fn build_in(site: &Path) -> (tempfile::TempDir, std::path::PathBuf, Run) {
    let out_dir = tempdir();
    let out = out_dir.path().join("out");
    let o = std::process::Command::new(bin())
        .args(["--color", "never", "build", "--today", TODAY, "--root"])
        .arg(site)
        .arg("--output")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "1772445600")
        .output()
        .unwrap();
    let run = Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    (out_dir, out, run)
}

/// Turn history off in the fixture's clausebook.toml (`enabled = false`).
fn without_history(site: &Path) {
    replace(
        &site.join("clausebook.toml"),
        "\n[history]\nbaseline = \"2026-01-05\"\n",
        "\n[history]\nenabled = false\n",
    );
}

fn branch(site: &Path) -> String {
    clausebook::load::history::open(site)
        .unwrap()
        .branch()
        .unwrap()
        .to_string()
}

#[test]
fn a_document_page_shows_its_revision_history_newest_first() {
    // The policy's page lists its three commits newest first with date, author, short hash, subject, version and status, the approval marked.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let page = read(&out, POLICY_PAGE);
    let section = page
        .split("<section class=\"revision-history\"")
        .nth(1)
        .expect("a revision history section");
    let rows: Vec<&str> = section.split("<tr").skip(2).collect();
    assert_eq!(rows.len(), 3, "{section}");
    assert!(
        rows[0].contains(&short(&w, 2)) && rows[0].contains("Tidy the policy&#39;s wording"),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].contains("2026-02-02") && rows[0].contains("Ines Duarte"),
        "{}",
        rows[0]
    );
    // Edited after approval: still approved, but not an approval.
    assert!(!rows[0].contains("class=\"approved\""), "{}", rows[0]);
    assert!(
        rows[1].contains(&short(&w, 1)) && rows[1].contains("class=\"approved\""),
        "{}",
        rows[1]
    );
    assert!(
        rows[1].contains("Approved") && rows[1].contains("1.0"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].contains(&short(&w, 0)) && rows[2].contains("Draft"),
        "{}",
        rows[2]
    );
    assert!(!rows[2].contains("class=\"approved\""), "{}", rows[2]);
}

#[test]
fn the_page_of_a_document_changed_since_approval_has_a_banner() {
    // The policy's page warns that its text changed after approval, naming the approving commit and the later one; the re-approved procedure's page does not.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let (_out_dir, out, _) = build_in(tmp.path());
    let page = read(&out, POLICY_PAGE);
    let banner = page
        .split("changed-since-approval\"")
        .nth(1)
        .expect("a banner");
    let banner = &banner[..banner.find("</div>").unwrap()];
    assert!(banner.contains("Changed since approval"), "{banner}");
    assert!(
        banner.contains(&format!("<code>{}</code> (2026-01-12)", short(&w, 1))),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("<code>{}</code> (2026-02-02", short(&w, 2))),
        "{banner}"
    );
    let pro = read(&out, "documents/sms-pro-007/index.html");
    assert!(!pro.contains("Changed since approval"));
    assert!(
        pro.contains("moved from content/procedures/change.md"),
        "the move is in the history"
    );
}

#[test]
fn every_page_has_the_publication_stamp() {
    // Every page's footer says when (SOURCE_DATE_EPOCH) and from which revision and branch the site was published; exports say it too.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let expected = format!(
        "Published <time datetime=\"2026-03-02T10:00:00Z\">2026-03-02 10:00 UTC</time> from revision <code title=\"{}\">{}</code> ({})",
        hex(&w, 4),
        short(&w, 4),
        branch(tmp.path())
    );
    for page in [
        "index.html",
        POLICY_PAGE,
        "search/index.html",
        "changes/index.html",
    ] {
        let html = read(&out, page);
        assert!(html.contains(&expected), "{page}: {html}");
        assert!(!html.contains("with uncommitted changes"), "{page}");
    }
    let about: serde_json::Value = serde_json::from_str(&read(&out, "exports/about.json")).unwrap();
    assert_eq!(about["published"], "2026-03-02T10:00:00Z");
    assert_eq!(about["revision"]["commit"], hex(&w, 4));
    assert_eq!(about["revision"]["dirty"], false);
    let history: serde_json::Value =
        serde_json::from_str(&read(&out, "exports/history.json")).unwrap();
    assert_eq!(
        history["documents"]["SMS-POL-001"]["revisions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(history["changed_since_approval"][0]["id"], "SMS-POL-001");
}

#[test]
fn the_history_export_keeps_its_keys_in_alphabetical_order() {
    // exports/history.json has its keys in alphabetical order at every level (revisions, commits, states, moves), as it always had: it reads back and prints the same.
    let tmp = tempdir();
    fixture(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let text = read(&out, "exports/history.json");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let revisions = &value["documents"]["SMS-PRO-007"]["revisions"];
    assert!(
        revisions
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["change"]["kind"] == "moved" && r["change"]["from"] == PROCEDURE),
        "{revisions}"
    );
    assert!(
        revisions[0]["state"]["clauses"][0]["ref"].is_string(),
        "{revisions}"
    );
    assert_eq!(
        text,
        format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
    );
}

#[test]
fn an_uncommitted_edit_is_marked_on_the_page_and_in_the_stamp() {
    // Editing an approved document without committing: build warns, its page says it is not from a committed revision, the stamp says "with uncommitted changes".
    let tmp = tempdir();
    fixture(tmp.path());
    append(&tmp.path().join(POLICY), "\nAn extra sentence.\n");
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    assert!(
        run.stderr.contains("has uncommitted changes"),
        "{}",
        run.stderr
    );
    let page = read(&out, POLICY_PAGE);
    assert!(page.contains("Not from a committed revision"), "{page}");
    assert!(page.contains("with uncommitted changes"), "{page}");
    let other = read(&out, "documents/sms-pro-007/index.html");
    assert!(!other.contains("Not from a committed revision"));
}

#[test]
fn the_list_is_bounded_and_says_where_the_rest_is() {
    // With revisions_per_page = 2 the policy's page lists two revisions and says one more is in exports/history.json.
    let tmp = tempdir();
    let mut w = fixture(tmp.path());
    let cfg = CONFIG.replace("[history]\n", "[history]\nrevisions_per_page = 2\n");
    w.write("clausebook.toml", &cfg).unwrap();
    w.commit(
        "Tom Hale",
        clausebook::tools::repo::When::parse("2026-03-01T10:00:00+00:00").unwrap(),
        "Shorter histories",
    )
    .unwrap();
    w.write_index().unwrap();
    let (_out_dir, out, _) = build_in(tmp.path());
    let page = read(&out, POLICY_PAGE);
    let section = page
        .split("<section class=\"revision-history\"")
        .nth(1)
        .unwrap();
    assert_eq!(section.split("<tr").count() - 2, 2, "{section}");
    assert!(
        section.contains("1 older revision not listed (3 in all)"),
        "{section}"
    );
    assert!(section.contains("exports/history.json"), "{section}");
}

#[test]
fn the_changes_page_compares_with_the_baseline() {
    // The changes page lists, against `[history] baseline`, the edit, the move as the same document with a link, and the coverage change of 7.3.7.
    let tmp = tempdir();
    fixture(tmp.path());
    let (_out_dir, out, _) = build_in(tmp.path());
    let page = read(&out, "changes/index.html");
    assert!(page.contains("Baseline: <code>2026-01-05</code>"), "{page}");
    let moved = page
        .split("<h2>Moved</h2>")
        .nth(1)
        .expect("a Moved section");
    assert!(
        moved.contains("href=\"../documents/sms-pro-007/index.html\">SMS-PRO-007</a>"),
        "{moved}"
    );
    assert!(
        moved.contains("content/procedures/change.md → content/processes/change.md"),
        "{moved}"
    );
    assert!(
        page.contains("<h2>Changed without a new version</h2>"),
        "{page}"
    );
    let cov = page.split("<h2>Coverage</h2>").nth(1).unwrap();
    let row = cov
        .split("<tr>")
        .find(|r| r.contains("7.3.7"))
        .expect("a row for 7.3.7");
    assert!(
        row.contains("state-full") && row.contains("state-gap"),
        "{row}"
    );
    assert!(row.contains("no longer addressed by"), "{row}");
}

#[test]
fn a_baseline_the_repository_does_not_have_is_said_on_the_page() {
    // A baseline date before the first commit (as in a shallow clone) makes the changes page say why it is empty; the build succeeds.
    let tmp = tempdir();
    fixture(tmp.path());
    replace(
        &tmp.path().join("clausebook.toml"),
        "2026-01-05",
        "2020-01-01",
    );
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let page = read(&out, "changes/index.html");
    assert!(page.contains("The changes cannot be listed:"), "{page}");
    assert!(page.contains("2020-01-01"), "{page}");
}

#[test]
fn a_site_without_history_gets_no_history_files() {
    // With `[history] enabled = false` no page has a stamp or a revision history and no history export or theme file is written.
    let tmp = tempdir();
    fixture(tmp.path());
    without_history(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let page = read(&out, POLICY_PAGE);
    assert!(!page.contains("Revision history") && !page.contains("class=\"stamp\""));
    for f in [
        "exports/about.json",
        "exports/history.json",
        "theme/history.js",
        "changes/index.html",
    ] {
        assert!(!out.join(f).exists(), "{f}");
    }
}

#[test]
fn the_example_site_built_from_this_repository_shows_its_history() {
    // The example site, built in place from this repository, has real revision histories, the stamp and a changes page against its baseline date (or says the clone is too shallow for it).
    let tmp = tempdir();
    let out = tmp.path().join("out");
    build_cli(&repo_root(), &out, &["--quiet"]).assert_code(0);
    let repo = clausebook::load::history::open(&repo_root()).expect("this repository");
    let head = repo.head().short.clone();
    let index = read(&out, "index.html");
    assert!(
        index.contains(&format!(
            "from revision <code title=\"{}\">{head}</code>",
            repo.head().id
        )),
        "{index}"
    );
    let docs: Vec<String> = std::fs::read_dir(out.join("documents"))
        .unwrap()
        .map(|e| e.unwrap().path().join("index.html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let with_rows = docs
        .iter()
        .filter(|p| {
            p.contains("<section class=\"revision-history\"")
                && p.contains("<table class=\"revisions\">")
        })
        .count();
    assert!(with_rows > 0, "no document page lists a revision");
    let changes = read(&out, "changes/index.html");
    assert!(
        changes.contains("Baseline: <code>2026-11-23</code>"),
        "{changes}"
    );
    if repo.is_shallow() {
        assert!(changes.contains("shallow clone"), "{changes}");
    } else {
        assert!(changes.contains("From commit <code"), "{changes}");
        assert!(changes.contains("<h2>Coverage</h2>"), "{changes}");
    }
}

#[test]
fn the_register_has_a_last_changed_column_with_history() {
    // With history the register page and its CSV/JSON exports gain "Last changed": the date of each document's last commit.
    let tmp = tempdir();
    fixture(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let index = read(&out, "index.html");
    assert!(
        index.contains("<th scope=\"col\">Last changed</th>"),
        "{index}"
    );
    assert!(
        index.contains("<td class=\"last-changed\">2026-02-02</td>"),
        "{index}"
    );
    assert!(
        index.contains("<td class=\"last-changed\">2026-02-16</td>"),
        "{index}"
    );
    let csv = read(&out, "exports/register.csv");
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",last_changed,url"), "{header}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "exports/register.json")).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"last_changed\":\"2026-02-02\""), "{text}");
}

#[test]
fn browser_flags_reviews_that_became_due_after_publication() {
    // In headless Chromium a document page flags a review that has become due or overdue since publication (the browser's clock), and shows nothing without JavaScript (tests/browser/history.test.js).
    let Some(tools) = browser_or_skip("browser_flags_reviews_that_became_due_after_publication")
    else {
        return;
    };
    let tmp = tempdir();
    fixture(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    // The script bounds its own time (120 s) and always exits.
    let o = std::process::Command::new(&tools.node)
        .current_dir(&tools.dir)
        .arg("history.test.js")
        .arg("--out")
        .arg(&out)
        .args(["--page", POLICY_PAGE, "--review", "2027-06-01"])
        .env("CHROMIUM_PATH", &tools.chromium)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    eprintln!("{stdout}");
    assert!(
        o.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("4 passed, 0 failed"), "{stdout}");
}

#[test]
fn a_changed_document_has_a_diff_page_with_the_changed_words_marked() {
    // The changes page and the policy's history link to a diff page that marks the words changed since the baseline inside the changed line.
    let tmp = tempdir();
    fixture(tmp.path());
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let changes = read(&out, "changes/index.html");
    assert!(
        changes.contains("href=\"../changes/sms-pol-001/index.html\">source changes</a>"),
        "{changes}"
    );
    let page = read(&out, POLICY_PAGE);
    assert!(
        page.contains("href=\"../../changes/sms-pol-001/index.html\">What changed in its source"),
        "{page}"
    );
    let diff = read(&out, "changes/sms-pol-001/index.html");
    let ins = diff
        .split("<tr class=\"diff-insert\">")
        .filter(|r| r.contains("customers"))
        .collect::<Vec<_>>();
    assert!(!ins.is_empty(), "{diff}");
    assert!(
        ins.iter().any(|r| r.contains("<ins>and exceed </ins>")),
        "{diff}"
    );
    // The status line changed from draft to approved since the baseline.
    assert!(
        diff.contains("<del>&quot;draft&quot;</del>") || diff.contains("<del>\"draft\"</del>"),
        "{diff}"
    );
}

#[test]
fn history_is_on_by_default_inside_a_repository() {
    // A site in a git repository whose clausebook.toml has no `[history]` table still gets revision histories and the stamp: history is on by default.
    let tmp = tempdir();
    fixture(tmp.path());
    replace(
        &tmp.path().join("clausebook.toml"),
        "\n[history]\nbaseline = \"2026-01-05\"\n",
        "\n",
    );
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let page = read(&out, POLICY_PAGE);
    assert!(page.contains("Revision history"), "{page}");
    assert!(page.contains("class=\"stamp\""), "{page}");
    assert!(out.join("exports/history.json").is_file());
}

/// `clausebook changes --since SINCE --format json` in `root`, parsed.
fn changes_json(root: &Path, since: &str) -> serde_json::Value {
    let root = root.to_str().unwrap();
    let run = run_cli(&[
        "changes", "--root", root, "--since", since, "--format", "json",
    ]);
    run.assert_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn the_changes_json_gives_each_document_its_diff_page_when_the_range_is_the_sites() {
    // From the baseline to HEAD, `changes --format json` and the changes page's JSON give each changed document the URL of its diff page (which exists); from another revision the URL is null.
    let tmp = tempdir();
    let w = fixture(tmp.path());
    let url = "changes/sms-pol-001/index.html";
    // The baseline's date and its commit are the same range.
    for since in ["2026-01-05".to_string(), hex(&w, 0)] {
        let json = changes_json(tmp.path(), &since);
        assert_eq!(json["schema"], "clausebook-changes/1");
        assert_eq!(
            json["changed_without_version"][0]["diff_url"], url,
            "{since}"
        );
        assert_eq!(
            json["moved"][0]["diff_url"], "changes/sms-pro-007/index.html",
            "{since}"
        );
    }
    let json = changes_json(tmp.path(), &hex(&w, 1));
    assert_eq!(json["changed_without_version"][0]["id"], "SMS-POL-001");
    assert_eq!(
        json["changed_without_version"][0]["diff_url"],
        serde_json::Value::Null
    );

    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let page = read(&out, "changes/index.html");
    let start = "<script type=\"application/json\" id=\"changes-data\">";
    let data = page
        .split(start)
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap_or_else(|| panic!("no changes JSON in the page: {page}"));
    let site: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(site["schema"], "clausebook-changes/1");
    assert_eq!(site["changed_without_version"][0]["diff_url"], url);
    let moved = site["moved"][0]["diff_url"].as_str().unwrap();
    assert!(out.join(moved).is_file(), "{moved}");
    assert!(out.join(url).is_file());
}

#[test]
fn a_packed_and_a_loose_copy_of_one_history_print_the_same_short_hashes() {
    // Short hashes are 7 digits (more only where two commits of the history share them) whether the clone's objects are packed or loose: two clones of one history publish the same site and the same changes.
    let tmp = tempdir();
    let loose = tmp.path().join("loose");
    let mut w = fixture(&loose);
    // Enough objects that git's automatic abbreviation, which counts
    // packed objects only, would take 8 digits once they are packed.
    for i in 0..16_400 {
        w.stage(
            &format!("records/{:02}/{i}.txt", i % 64),
            i.to_string().as_bytes(),
        )
        .unwrap();
    }
    w.commit(
        "Tom Hale",
        clausebook::tools::repo::When::parse("2026-02-20T09:00:00+01:00").unwrap(),
        "Add the records",
    )
    .unwrap();
    let packed = tmp.path().join("packed");
    copy_dir(&loose, &packed);
    let gc = std::process::Command::new("git")
        .args(["repack", "-a", "-d", "-q"])
        .current_dir(&packed)
        .status()
        .expect("git repacks the copy");
    assert!(gc.success());
    let changes = |site: &Path| {
        let run = run_cli(&[
            "changes",
            "--root",
            site.to_str().unwrap(),
            "--since",
            "2026-01-05",
            "--format",
            "json",
        ]);
        run.assert_code(0);
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
    };
    let (from_loose, from_packed) = (changes(&loose), changes(&packed));
    assert_eq!(from_loose, from_packed);
    assert_eq!(from_packed["since"]["short"], short(&w, 0));
    assert_eq!(from_packed["until"]["short"], hex(&w, 5)[..7]);
    let (_l, out_loose, run) = build_in(&loose);
    run.assert_code(0);
    let (_p, out_packed, run) = build_in(&packed);
    run.assert_code(0);
    let about: serde_json::Value =
        serde_json::from_str(&read(&out_packed, "exports/about.json")).unwrap();
    assert_eq!(about["revision"]["short"], hex(&w, 5)[..7]);
    assert_same_files(
        &tree_without_index(&out_loose),
        &tree_without_index(&out_packed),
        "a loose and a packed clone",
    );
}

#[test]
fn a_history_packed_in_long_delta_chains_publishes_as_the_loose_one() {
    // A long history packed as `git gc` packs it, the trees of a folder stored as long chains of deltas, publishes the same site, revision histories and exports as the loose objects it was packed from.
    let tmp = tempdir();
    let loose = tmp.path().join("loose");
    let mut w = fixture(&loose);
    let record = |n: usize, round: usize| {
        format!(
            "+++\nid = \"SMS-REC-{n:03}\"\ntitle = \"Record {n}\"\nkind = \"record\"\n\
             version = \"1.{round}\"\nstatus = \"approved\"\n+++\n\nRound {round} of record {n}.\n"
        )
    };
    for round in 0..150 {
        for k in 0..3 {
            let n = (round * 7 + k * 13) % 60;
            w.stage(
                &format!("content/records/part-{}/rec-{n:03}.md", n % 3),
                record(n, round).as_bytes(),
            )
            .unwrap();
        }
        let when = format!(
            "2026-02-{:02}T{:02}:{:02}:00+01:00",
            20 + round / 60,
            8 + round % 60 / 10,
            round % 10
        );
        w.commit(
            "Tom Hale",
            clausebook::tools::repo::When::parse(&when).unwrap(),
            &format!("Records, round {round}"),
        )
        .unwrap();
    }
    let packed = tmp.path().join("packed");
    copy_dir(&loose, &packed);
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(&packed)
            .output()
            .expect("git runs");
        assert!(o.status.success(), "git {args:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    git(&[
        "repack",
        "-a",
        "-d",
        "-f",
        "-q",
        "--depth=50",
        "--window=50",
    ]);
    // The packing this test is about: chains of 20 deltas and more.
    let pack = std::fs::read_dir(packed.join(".git/objects/pack"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    let verify = git(&["verify-pack", "-v", pack.to_str().unwrap()]);
    let longest = verify
        .lines()
        .filter_map(|l| l.strip_prefix("chain length = "))
        .filter_map(|l| l.split(':').next()?.parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    assert!(longest >= 20, "{verify}");
    let (_l, out_loose, run) = build_in(&loose);
    run.assert_code(0);
    let (_p, out_packed, run) = build_in(&packed);
    run.assert_code(0);
    assert!(read(&out_packed, "exports/history.json").contains("Records, round 0"));
    assert_same_files(
        &tree_without_index(&out_loose),
        &tree_without_index(&out_packed),
        "a loose and a long-chained packed clone",
    );
}

#[test]
fn a_site_may_replace_the_revision_history_alone() {
    // templates/history.html in the site lays out the revision history of every document page, with the rest of the built-in document page kept.
    let tmp = tempdir();
    fixture(tmp.path());
    write_file(
        &tmp.path().join("templates/history.html"),
        "<ol class=\"own-history\">{% for r in history.revisions %}<li>{{ r.short }} {{ r.subject }}</li>{% endfor %}</ol>",
    );
    let (_out_dir, out, run) = build_in(tmp.path());
    run.assert_code(0);
    let page = read(&out, POLICY_PAGE);
    assert!(!page.contains("class=\"revision-history\""), "{page}");
    let own = page.split("<ol class=\"own-history\">").nth(1).unwrap();
    assert_eq!(
        own.split("</ol>").next().unwrap().matches("<li>").count(),
        3,
        "{own}"
    );
    assert!(own.contains("Tidy the policy&#39;s wording"), "{own}");
    assert!(
        page.contains("class=\"notice warning changed-since-approval\""),
        "{page}"
    );
}
