//! Reading the site's git repository (the history core), through
//! the library API: revision histories per document, approval integrity,
//! uncommitted changes, the publication stamp, resolving revisions and
//! dates, reading the site at an earlier revision and the document changes
//! between two revisions.
//!
//! Every repository is built in-process in a temporary folder with
//! `clausebook::tools::repo` (no `git` binary needed), with fixed
//! commit dates, so nothing depends on the calendar or on the machine's
//! git configuration.

use std::path::Path;

use clausebook::base::diag::Level;
use clausebook::load::content::Status;
use clausebook::load::history::{
    Change, FileState, HistoryOptions, SiteRepo, open, source_date_epoch,
};
use clausebook::tools::repo::{RepoWriter, Step, When, build};

// ------------------------------------------------------------ helpers

const CONFIG: &str =
    "title = \"History fixture\"\nstandards = [\"iso20000-1:2011\", \"iso9001:2008\"]\n";

/// A document's text: front-matter lines, then a body.
fn doc(id: &str, title: &str, version: &str, status: &str, clauses: &[&str], body: &str) -> String {
    let clauses: Vec<String> = clauses.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        "+++\nid = \"{id}\"\ntitle = \"{title}\"\nkind = \"policy\"\nversion = \"{version}\"\nstatus = \"{status}\"\n\
         clauses = [{}]\n+++\n\n{body}\n",
        clauses.join(", ")
    )
}

fn open_site(dir: &Path) -> SiteRepo {
    open(dir).unwrap_or_else(|off| panic!("history is off: {}", off.reason))
}

fn opts() -> HistoryOptions {
    HistoryOptions::default()
}

fn short(w: &RepoWriter, i: usize) -> String {
    w.commits()[i].to_hex().to_string()[..7].to_string()
}

fn hex(w: &RepoWriter, i: usize) -> String {
    w.commits()[i].to_hex().to_string()
}

const POLICY: &str = "content/policies/sms-policy.md";
const PROCEDURE: &str = "content/procedures/change.md";
const MOVED: &str = "content/processes/change.md";

/// The audit fixture: a policy drafted at 1.0 and
/// approved, its body edited later without a new version; a procedure
/// moved to another folder, then re-approved at 1.1 with a clause
/// reference removed.
fn audit_fixture(dir: &Path) -> RepoWriter {
    let policy = |status: &str, effective: Option<&str>, body: &str| {
        let mut t = doc(
            "SMS-POL-001",
            "Service Management Policy",
            "1.0",
            status,
            &["iso20000-1:2011/4.1.1"],
            body,
        );
        if let Some(e) = effective {
            t = t.replace("+++\n\n", &format!("effective = {e}\n+++\n\n"));
        }
        t
    };
    let procedure = |version: &str, clauses: &[&str]| {
        doc(
            "SMS-PRO-007",
            "Change Management Procedure",
            version,
            "approved",
            clauses,
            "Changes are requested, assessed and approved.",
        )
    };
    build(
        dir,
        &[
            Step::write("clausebook.toml", CONFIG),
            Step::write(POLICY, &policy("draft", None, "We manage services well.")),
            Step::write(
                PROCEDURE,
                &procedure("1.0", &["iso20000-1:2011/9.2", "iso9001:2008/7.3.7"]),
            ),
            Step::commit(
                "Priya Natarajan",
                "2026-01-05T10:00:00+01:00",
                "Add the first documents",
            ),
            Step::write(
                POLICY,
                &policy("approved", Some("2026-01-12"), "We manage services well."),
            ),
            Step::commit(
                "Tom Hale",
                "2026-01-12T09:30:00+01:00",
                "Approve the policy",
            ),
            Step::tag("audit-2026"),
            Step::write(
                POLICY,
                &policy(
                    "approved",
                    Some("2026-01-12"),
                    "We manage services very well.",
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
            Step::write(MOVED, &procedure("1.1", &["iso20000-1:2011/9.2"])),
            Step::commit(
                "Tom Hale",
                "2026-02-16T14:00:00+01:00",
                "Re-approve the change procedure",
            ),
        ],
    )
    .expect("the fixture repository is written")
}

// ------------------------------------------------------------ histories

#[test]
fn each_document_has_its_revisions_newest_first_across_a_move() {
    // A document's history lists the commits that changed it, newest first, with version, status and approval at each, and keeps its history when its file moves.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let history = site.history(&opts());
    assert_eq!(history.commits, 5);
    assert!(history.findings.is_empty(), "{:?}", history.findings);

    let policy = history
        .document("SMS-POL-001")
        .expect("the policy has a history");
    let commits: Vec<&str> = policy
        .revisions
        .iter()
        .map(|r| r.commit.short.as_str())
        .collect();
    assert_eq!(commits, [short(&w, 2), short(&w, 1), short(&w, 0)]);
    let approved: Vec<bool> = policy.revisions.iter().map(|r| r.approved).collect();
    assert_eq!(approved, [true, true, false]);
    let statuses: Vec<Status> = policy
        .revisions
        .iter()
        .map(|r| r.state.as_ref().unwrap().status)
        .collect();
    assert_eq!(
        statuses,
        [Status::Approved, Status::Approved, Status::Draft]
    );
    assert_eq!(policy.revisions[2].change, Change::Added);
    assert_eq!(policy.revisions[0].change, Change::Modified);
    assert!(policy.revisions[0].changed.body && !policy.revisions[0].changed.version);
    assert!(policy.revisions[1].changed.status && !policy.revisions[1].changed.body);
    let last = policy.last_changed().unwrap();
    assert_eq!(last.commit.subject, "Tidy the policy's wording");
    assert_eq!(last.commit.author, "Ines Duarte");
    assert_eq!(last.commit.author_date().to_string(), "2026-02-02");

    let procedure = history
        .document("SMS-PRO-007")
        .expect("the procedure has a history");
    let changes: Vec<&Change> = procedure.revisions.iter().map(|r| &r.change).collect();
    assert_eq!(
        changes,
        [
            &Change::Modified,
            &Change::Moved {
                from: PROCEDURE.into()
            },
            &Change::Added
        ]
    );
    let paths: Vec<&str> = procedure
        .revisions
        .iter()
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(paths, [MOVED, MOVED, PROCEDURE]);
    // The move changed nothing in the document.
    assert!(!procedure.revisions[1].changed.content());
    let newest = procedure.revisions[0].state.as_ref().unwrap();
    assert_eq!(newest.version.as_deref(), Some("1.1"));
    assert!(procedure.revisions[0].changed.clauses && procedure.revisions[0].changed.version);
    assert_eq!(history.documents.len(), 2);
}

#[test]
fn an_approved_document_edited_without_a_new_version_is_a_finding() {
    // Rule changed-since-approval names the document, the commit that approved it and the later commit that changed its text, located at the `version` of the working-tree file.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let findings = site.history(&opts()).approval_findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.id, "SMS-POL-001");
    assert_eq!(f.path, POLICY);
    assert_eq!(f.approving.id, hex(&w, 1));
    assert!(!f.approving_at_or_before);
    let later: Vec<&str> = f.later.iter().map(|l| l.commit.id.as_str()).collect();
    assert_eq!(later, [hex(&w, 2)]);
    assert!(f.later[0].changed.body);

    let (doc, _) = clausebook::load::content::read_document(
        &clausebook::load::source::FileSystem::new(tmp.path()),
        &tmp.path().join(POLICY),
        &clausebook::load::content::Schema::default(),
    );
    let d = f.diagnostic(&doc.unwrap(), Level::Error);
    assert_eq!(d.rule, Some("changed-since-approval"));
    assert_eq!(d.file, Path::new(POLICY));
    assert_eq!(d.line, 5, "the version line: {d:?}");
    for part in [
        "SMS-POL-001",
        "version 1.0",
        &short(&w, 1),
        &short(&w, 2),
        "body",
    ] {
        assert!(d.message.contains(part), "{part} missing in: {}", d.message);
    }
    assert!(d.help.as_deref().unwrap().contains("raise `version`"));
}

#[test]
fn a_new_version_after_the_edit_clears_the_finding() {
    // An approved document whose text changed and whose version was then raised is not a finding (the approval covers the text).
    let tmp = tempfile::tempdir().unwrap();
    let mut w = audit_fixture(tmp.path());
    let text = std::fs::read_to_string(tmp.path().join(POLICY)).unwrap();
    w.write(
        POLICY,
        text.replace("version = \"1.0\"", "version = \"1.1\""),
    )
    .unwrap();
    w.commit(
        "Tom Hale",
        When::parse("2026-03-02T09:00:00Z").unwrap(),
        "Approve 1.1",
    )
    .unwrap();
    let site = open_site(tmp.path());
    assert!(site.history(&opts()).approval_findings().is_empty());
}

// ------------------------------------------------------------ changes

#[test]
fn changes_since_the_first_commit_list_the_edit_the_move_and_the_clause() {
    // The document changes between two revisions list a text change without a new version, a move as the same document, a re-approval and the clause reference removed.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let since = site.resolve(&hex(&w, 0)).unwrap();
    let until = site.resolve("HEAD").unwrap();
    let c = site.document_changes(&since, &until, &opts());
    assert!(c.added.is_empty() && c.removed.is_empty() && c.retired.is_empty());
    let unversioned: Vec<&str> = c
        .changed_without_version
        .iter()
        .map(|d| d.document.id.as_str())
        .collect();
    assert_eq!(unversioned, ["SMS-POL-001"]);
    assert!(c.changed_without_version[0].body);
    assert_eq!(c.moved.len(), 1);
    assert_eq!(
        (
            c.moved[0].id.as_str(),
            c.moved[0].from.as_str(),
            c.moved[0].to.as_str()
        ),
        ("SMS-PRO-007", PROCEDURE, MOVED)
    );
    assert_eq!(c.reapproved.len(), 1);
    assert_eq!(c.reapproved[0].from_version.as_deref(), Some("1.0"));
    assert_eq!(c.reapproved[0].to_version.as_deref(), Some("1.1"));
    assert_eq!(c.clause_references.len(), 1);
    let refs: Vec<&str> = c.clause_references[0]
        .removed
        .iter()
        .map(|r| r.reference.as_str())
        .collect();
    assert_eq!(refs, ["iso9001:2008/7.3.7"]);
    assert!(c.clause_references[0].added.is_empty());

    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["schema"], "clausebook-changes/1");
    assert_eq!(json["since"]["id"], hex(&w, 0));
    assert_eq!(json["moved"][0]["from"], PROCEDURE);
    assert_eq!(
        json["clause_references"][0]["removed"][0]["ref"],
        "iso9001:2008/7.3.7"
    );
    assert_eq!(json["reapproved"][0]["status"], "approved");
}

#[test]
fn changes_report_added_removed_and_retired_documents() {
    // A new document is "added", a deleted one "removed", one whose status became retired "retired".
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.0", "approved", &[], "a"),
            ),
            Step::write(
                "content/b.md",
                &doc("B-1", "B", "1.0", "approved", &[], "b"),
            ),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::delete("content/a.md"),
            Step::write("content/b.md", &doc("B-1", "B", "1.0", "retired", &[], "b")),
            Step::write("content/c.md", &doc("C-1", "C", "0.1", "draft", &[], "c")),
            Step::commit("P", "2026-01-06T10:00:00Z", "two"),
        ],
    )
    .unwrap();
    let site = open_site(tmp.path());
    let c = site.document_changes(
        &site.resolve("HEAD~1").unwrap(),
        &site.resolve("HEAD").unwrap(),
        &opts(),
    );
    let ids = |v: &[clausebook::load::history::DocumentRef]| {
        v.iter().map(|d| d.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&c.added), ["C-1"]);
    assert_eq!(ids(&c.removed), ["A-1"]);
    assert_eq!(c.retired.len(), 1);
    assert_eq!(c.retired[0].document.id, "B-1");
    assert_eq!(c.retired[0].from_status, Status::Approved);
    assert!(
        c.changed_without_version.is_empty(),
        "a status change is not a text change"
    );
}

// ------------------------------------------------------------ revisions

#[test]
fn a_tag_a_date_and_an_expression_resolve_to_commits() {
    // A revision is anything git resolves, or a date naming the last commit of that day or before on HEAD's first-parent line.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    assert_eq!(site.resolve("audit-2026").unwrap().id, hex(&w, 1));
    assert_eq!(site.resolve("HEAD~3").unwrap().id, hex(&w, 1));
    assert_eq!(site.resolve(&short(&w, 2)).unwrap().id, hex(&w, 2));
    assert_eq!(site.resolve("main").unwrap().id, hex(&w, 4));
    // The day of a commit, and the days up to the next one.
    assert_eq!(site.resolve("2026-01-12").unwrap().id, hex(&w, 1));
    assert_eq!(site.resolve("2026-02-01").unwrap().id, hex(&w, 1));
    assert_eq!(site.resolve("2026-02-02").unwrap().id, hex(&w, 2));
    assert_eq!(site.resolve("2027-01-01").unwrap().id, hex(&w, 4));
    // A date before the first commit.
    let e = site.resolve("2025-12-31").unwrap_err();
    assert!(
        e.message.contains("no commit on or before 2025-12-31"),
        "{e}"
    );
    assert!(e.help.contains("2026-01-05"), "{e}");
}

#[test]
fn a_date_is_read_in_the_committers_time_zone() {
    // A commit made at 23:30 local time belongs to that day even when it is already the next day in UTC.
    let tmp = tempfile::tempdir().unwrap();
    let w = build(
        tmp.path(),
        &[
            Step::write("content/a.md", &doc("A-1", "A", "1.0", "draft", &[], "a")),
            Step::commit("P", "2026-03-01T09:00:00-05:00", "one"),
            Step::write("content/a.md", &doc("A-1", "A", "1.0", "draft", &[], "b")),
            Step::commit("P", "2026-03-01T23:30:00-05:00", "late"),
        ],
    )
    .unwrap();
    let site = open_site(tmp.path());
    assert_eq!(site.resolve("2026-03-01").unwrap().id, hex(&w, 1));
}

#[test]
fn an_unresolvable_revision_says_so_and_suggests_a_name() {
    // A revision git cannot resolve is a clear error with help (the closest tag or branch name), never a panic.
    let tmp = tempfile::tempdir().unwrap();
    audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let e = site.resolve("audit-2025").unwrap_err();
    assert!(e.message.contains("cannot resolve `audit-2025`"), "{e}");
    assert!(e.help.contains("did you mean `audit-2026`?"), "{e}");
    let e = site.resolve("no-such-thing-at-all").unwrap_err();
    assert!(e.help.contains("tags here: audit-2026"), "{e}");
    let d = e.diagnostic("--since");
    assert_eq!(d.file, Path::new("--since"));
    assert!(d.is_error());
    assert!(site.resolve("").is_err());
    // A tree is not a commit.
    let e = site.resolve("HEAD^{tree}").unwrap_err();
    assert!(e.message.contains("does not name a commit"), "{e}");
}

#[test]
fn the_site_is_read_at_an_earlier_revision_without_a_checkout() {
    // The site's files at a revision come from the repository's objects: clausebook.toml, content/**.md and standards/**.toml.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let first = site.resolve(&hex(&w, 0)).unwrap();
    let files = site.site_files(&first);
    let paths: Vec<&str> = files.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["clausebook.toml", POLICY, PROCEDURE]);
    assert_eq!(files.files[0].bytes, CONFIG.as_bytes());
    assert!(String::from_utf8_lossy(&files.files[1].bytes).contains("status = \"draft\""));
    assert!(files.notes.is_empty());
    // The work tree has moved on, and is untouched.
    assert!(!tmp.path().join(PROCEDURE).exists());
}

// ------------------------------------------------------------ bad input

#[test]
fn a_site_outside_any_repository_has_history_off() {
    // Without a repository history is off, with a reason for -v and no warning.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("clausebook.toml"), CONFIG).unwrap();
    let off = open(tmp.path()).unwrap_err();
    assert!(
        off.reason.contains("not inside a git repository"),
        "{}",
        off.reason
    );
    assert!(off.warning.is_none());
}

#[test]
fn a_repository_without_commits_has_history_off() {
    // A repository whose branch has no commit yet turns history off quietly.
    let tmp = tempfile::tempdir().unwrap();
    RepoWriter::init(tmp.path()).unwrap();
    let off = open(tmp.path()).unwrap_err();
    assert!(off.reason.contains("no commits yet"), "{}", off.reason);
    assert!(off.warning.is_none());
}

#[test]
fn an_unreadable_repository_is_a_warning_not_a_failure() {
    // A damaged repository (HEAD naming a missing commit) turns history off with a warning located at .git.
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write("content/a.md", &doc("A-1", "A", "1.0", "draft", &[], "a")),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
        ],
    )
    .unwrap();
    std::fs::write(
        tmp.path().join(".git/refs/heads/main"),
        "0123456789012345678901234567890123456789\n",
    )
    .unwrap();
    let off = open(tmp.path()).unwrap_err();
    let warning = off.warning.expect("a warning");
    assert_eq!(warning.level, Level::Warning);
    assert_eq!(warning.file, Path::new(".git"));
    assert!(
        warning.message.contains("cannot read the git repository"),
        "{warning:?}"
    );
}

#[test]
fn a_shallow_clone_works_with_the_commits_it_has_and_says_so() {
    // In a shallow clone the history begins at the boundary, which is marked, and the stamp says the history is partial.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    w.make_shallow(w.commits()[2]).unwrap();
    let site = open_site(tmp.path());
    assert!(site.is_shallow());
    assert!(site.stamp(false).shallow);
    let history = site.history(&opts());
    assert!(history.shallow);
    assert_eq!(history.commits, 3);
    let policy = history.document("SMS-POL-001").unwrap();
    assert_eq!(policy.revisions.len(), 1);
    assert!(policy.revisions[0].commit.shallow_boundary);
    assert_eq!(policy.revisions[0].change, Change::Added);
    // The approval is before the boundary: nothing after it changed the
    // policy, so no finding; the procedure's history starts at the boundary.
    assert!(history.approval_findings().is_empty());
    let procedure = history.document("SMS-PRO-007").unwrap();
    assert_eq!(procedure.revisions.len(), 3);
    // A date before the boundary cannot be resolved, and says why.
    let e = site.resolve("2026-01-12").unwrap_err();
    assert!(e.help.contains("shallow clone"), "{e}");
}

#[test]
fn a_change_after_a_shallow_boundary_names_the_boundary_as_approval() {
    // When the approval lies before a shallow boundary, the finding names the boundary commit "at or before".
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    w.make_shallow(w.commits()[1]).unwrap();
    let site = open_site(tmp.path());
    let findings = site.history(&opts()).approval_findings();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].approving.id, hex(&w, 1));
    assert!(findings[0].approving_at_or_before);
}

#[test]
fn a_detached_head_reads_the_history_of_that_commit() {
    // With HEAD detached, the revision is the commit itself; no branch is named.
    let tmp = tempfile::tempdir().unwrap();
    let mut w = audit_fixture(tmp.path());
    let at = w.commits()[2];
    w.detach_head(at).unwrap();
    let site = open_site(tmp.path());
    assert_eq!(site.branch(), None);
    assert_eq!(site.head().id, hex(&w, 2));
    let stamp = site.stamp(false);
    assert_eq!(stamp.branch, None);
    assert_eq!(stamp.commit, hex(&w, 2));
    let history = site.history(&opts());
    assert_eq!(history.commits, 3);
    assert_eq!(history.document("SMS-PRO-007").unwrap().revisions.len(), 1);
}

#[test]
fn an_lfs_pointer_is_a_located_warning() {
    // A document stored in Git LFS (its blob is a pointer) is reported at its file; the rest of the history is read.
    let tmp = tempfile::tempdir().unwrap();
    let pointer = "version https://git-lfs.github.com/spec/v1\n\
                   oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    build(
        tmp.path(),
        &[
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.0", "approved", &[], "a"),
            ),
            Step::write("content/big.md", pointer),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::write("content/a.md", pointer),
            Step::commit("P", "2026-01-06T10:00:00Z", "move a to LFS"),
        ],
    )
    .unwrap();
    let site = open_site(tmp.path());
    let history = site.history(&opts());
    let lfs: Vec<_> = history
        .findings
        .iter()
        .filter(|d| d.message.contains("Git LFS pointer"))
        .collect();
    let files: Vec<&Path> = lfs.iter().map(|d| d.file.as_path()).collect();
    assert_eq!(
        files,
        [Path::new("content/a.md"), Path::new("content/big.md")]
    );
    assert!(
        lfs.iter()
            .all(|d| d.level == Level::Warning && d.rule == Some("history"))
    );
    // A-1's newest revision is listed, without content.
    let a = history.document("A-1").unwrap();
    assert_eq!(a.revisions.len(), 2);
    assert!(a.revisions[0].state.is_none());
    assert!(a.revisions[0].problem.as_deref().unwrap().contains("LFS"));
    // Reading the site at HEAD leaves both out, located.
    let files = site.site_files(site.head());
    assert!(files.files.iter().all(|f| !f.path.ends_with(".md")));
    assert_eq!(files.notes.len(), 2);
}

#[test]
fn a_corrupt_object_is_a_located_warning_and_the_rest_is_read() {
    // An object that cannot be read (a damaged loose blob) is reported at the document's file; the other revisions are read.
    let tmp = tempfile::tempdir().unwrap();
    let w = build(
        tmp.path(),
        &[
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.0", "approved", &[], "first"),
            ),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.0", "approved", &[], "second"),
            ),
            Step::commit("P", "2026-01-06T10:00:00Z", "two"),
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.1", "approved", &[], "third"),
            ),
            Step::commit("P", "2026-01-07T10:00:00Z", "three"),
        ],
    )
    .unwrap();
    // Damage the blob of the second version.
    let site = open_site(tmp.path());
    let blob = {
        let files = site.site_files(&site.resolve("HEAD~1").unwrap());
        let bytes = &files
            .files
            .iter()
            .find(|f| f.path == "content/a.md")
            .unwrap()
            .bytes;
        gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).unwrap()
    };
    let path = w.loose_object_path(blob);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, b"this is not a zlib stream").unwrap();

    let site = open_site(tmp.path());
    let history = site.history(&opts());
    let a = history.document("A-1").unwrap();
    assert_eq!(a.revisions.len(), 3);
    assert!(a.revisions[1].state.is_none());
    assert!(
        a.revisions[1]
            .problem
            .as_deref()
            .unwrap()
            .contains("cannot be read")
    );
    assert!(a.revisions[0].state.is_some() && a.revisions[2].state.is_some());
    let d = history
        .findings
        .iter()
        .find(|d| d.file == Path::new("content/a.md"))
        .expect("a finding at the file");
    assert!(d.message.contains("cannot be read"), "{d:?}");
}

#[test]
fn a_missing_commit_ends_the_history_with_a_warning() {
    // A commit object that is gone ends the walk there, with a warning at .git; the commits after it are read.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    std::fs::remove_file(w.loose_object_path(w.commits()[1])).unwrap();
    let site = open_site(tmp.path());
    let history = site.history(&opts());
    assert_eq!(history.commits, 3);
    assert!(
        history
            .findings
            .iter()
            .any(|d| d.file == Path::new(".git") && d.message.contains(&hex(&w, 1))),
        "{:?}",
        history.findings
    );
}

#[test]
fn a_changed_id_is_reported_and_starts_a_new_history() {
    // A file whose id changed is a finding at the file naming both ids; the old id's history ends, the new one's begins.
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write(
                "content/a.md",
                &doc("OLD-1", "A", "1.0", "approved", &[], "a"),
            ),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::write(
                "content/a.md",
                &doc("NEW-1", "A", "1.0", "approved", &[], "a"),
            ),
            Step::commit("P", "2026-01-06T10:00:00Z", "rename the id"),
        ],
    )
    .unwrap();
    let history = open_site(tmp.path()).history(&opts());
    let d = history
        .findings
        .iter()
        .find(|d| d.message.contains("changed this document's id"))
        .expect("an id-change finding");
    assert_eq!(d.file, Path::new("content/a.md"));
    assert!(d.message.contains("`OLD-1`") && d.message.contains("`NEW-1`"));
    let old = history.document("OLD-1").unwrap();
    assert_eq!(old.revisions[0].change, Change::Removed);
    assert!(!old.exists());
    let new = history.document("NEW-1").unwrap();
    assert_eq!(
        new.revisions[0].change,
        Change::IdChanged {
            from: "OLD-1".into()
        }
    );
    assert!(new.exists());
}

#[test]
fn duplicate_ids_at_an_older_revision_are_reported_not_fatal() {
    // Two files with the same id at an older commit are a warning naming both; the history is still read.
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write("content/a.md", &doc("DUP-1", "A", "1.0", "draft", &[], "a")),
            Step::write("content/b.md", &doc("DUP-1", "B", "1.0", "draft", &[], "b")),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::write("content/b.md", &doc("B-1", "B", "1.0", "draft", &[], "b")),
            Step::commit("P", "2026-01-06T10:00:00Z", "fix the id"),
            Step::write("content/c.md", &doc("B-1", "C", "1.0", "draft", &[], "c")),
            Step::commit("P", "2026-01-07T10:00:00Z", "a copy"),
        ],
    )
    .unwrap();
    let history = open_site(tmp.path()).history(&opts());
    let dups: Vec<&str> = history
        .findings
        .iter()
        .filter(|d| d.message.contains("files had the id"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(dups.len(), 2, "{dups:#?}");
    assert!(
        dups.iter()
            .any(|m| m.contains("`DUP-1`") && m.contains("content/a.md, content/b.md"))
    );
    assert!(
        dups.iter()
            .any(|m| m.contains("`B-1`") && m.contains("content/b.md, content/c.md"))
    );
    assert!(history.document("DUP-1").is_some() && history.document("B-1").is_some());
}

#[test]
fn a_submodule_below_content_is_reported() {
    // A git submodule inside content/ is a located warning: its documents have no history here.
    let tmp = tempfile::tempdir().unwrap();
    let mut w = RepoWriter::init(tmp.path()).unwrap();
    w.write("content/a.md", doc("A-1", "A", "1.0", "draft", &[], "a"))
        .unwrap();
    let first = w
        .commit("P", When::parse("2026-01-05T10:00:00Z").unwrap(), "one")
        .unwrap();
    w.stage_entry("content/shared", gix::objs::tree::EntryKind::Commit, first)
        .unwrap();
    w.commit(
        "P",
        When::parse("2026-01-06T10:00:00Z").unwrap(),
        "add a submodule",
    )
    .unwrap();
    let site = open_site(tmp.path());
    let history = site.history(&opts());
    let d = history
        .findings
        .iter()
        .find(|d| d.message.contains("submodule"))
        .expect("a submodule finding");
    assert_eq!(d.file, Path::new("content/shared"));
    let files = site.site_files(site.head());
    assert!(
        files
            .notes
            .iter()
            .any(|d| d.file == Path::new("content/shared"))
    );
}

#[test]
fn an_unreadable_version_in_the_history_is_listed_without_content() {
    // A version with broken front-matter is a revision without content plus a warning at the file, never a failure.
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write("content/a.md", &doc("A-1", "A", "1.0", "draft", &[], "a")),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::write("content/a.md", "+++\nid = \"A-1\"\ntitle = \n+++\nbroken\n"),
            Step::commit("P", "2026-01-06T10:00:00Z", "break it"),
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.0", "draft", &[], "fixed"),
            ),
            Step::commit("P", "2026-01-07T10:00:00Z", "fix it"),
        ],
    )
    .unwrap();
    let history = open_site(tmp.path()).history(&opts());
    let a = history.document("A-1").unwrap();
    assert_eq!(a.revisions.len(), 3);
    assert!(a.revisions[1].state.is_none());
    assert!(a.revisions[1].problem.is_some());
    assert!(
        history
            .findings
            .iter()
            .any(|d| d.file == Path::new("content/a.md"))
    );
}

// ------------------------------------------------------------ merges

#[test]
fn a_merge_lists_the_branch_commits_not_the_merge() {
    // A change made on a branch is the branch commit's revision; the merge that brings it in is not listed again (as `git log -- file`), unless the merge itself changed the file.
    let tmp = tempfile::tempdir().unwrap();
    let mut w = RepoWriter::init(tmp.path()).unwrap();
    let t = |s: &str| When::parse(s).unwrap();
    w.write("content/a.md", doc("A-1", "A", "1.0", "draft", &[], "a"))
        .unwrap();
    w.write("content/b.md", doc("B-1", "B", "1.0", "draft", &[], "b"))
        .unwrap();
    let base = w.commit("P", t("2026-01-05T10:00:00Z"), "base").unwrap();
    // A branch changes a.md; main changes b.md; the merge takes both and
    // also edits b.md itself.
    w.write(
        "content/a.md",
        doc("A-1", "A", "1.0", "draft", &[], "a on a branch"),
    )
    .unwrap();
    let side = w
        .commit("P", t("2026-01-06T10:00:00Z"), "branch work")
        .unwrap();
    w.detach_head(base).unwrap();
    w.write(
        "content/b.md",
        doc("B-1", "B", "1.0", "draft", &[], "b on main"),
    )
    .unwrap();
    let main = w
        .commit("P", t("2026-01-07T10:00:00Z"), "main work")
        .unwrap();
    w.stage(
        "content/a.md",
        doc("A-1", "A", "1.0", "draft", &[], "a on a branch").as_bytes(),
    )
    .unwrap();
    w.write(
        "content/b.md",
        doc("B-1", "B", "1.0", "draft", &[], "b resolved"),
    )
    .unwrap();
    let tree = w.staged_tree().unwrap();
    let merge = w
        .commit_tree("P", t("2026-01-08T10:00:00Z"), "merge", tree, &[main, side])
        .unwrap();
    let site = open_site(tmp.path());
    assert_eq!(site.head().id, merge.to_hex().to_string());
    let history = site.history(&opts());
    assert_eq!(history.commits, 4);
    let subjects = |id: &str| -> Vec<String> {
        history
            .document(id)
            .unwrap()
            .revisions
            .iter()
            .map(|r| r.commit.subject.clone())
            .collect()
    };
    assert_eq!(subjects("A-1"), ["branch work", "base"]);
    assert_eq!(subjects("B-1"), ["merge", "main work", "base"]);
}

// ------------------------------------------------------------ work tree

#[test]
fn uncommitted_changes_are_found_per_document() {
    // A document edited but not committed, and a new document not yet committed, are uncommitted; the working tree is then dirty.
    let tmp = tempfile::tempdir().unwrap();
    audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let clean = site.worktree();
    assert!(!clean.dirty(), "{:?}", clean.changed);
    assert!(!site.stamp(clean.dirty()).dirty);

    std::fs::write(
        tmp.path().join(POLICY),
        std::fs::read_to_string(tmp.path().join(POLICY)).unwrap() + "\nMore.\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("content/new.md"),
        doc("N-1", "N", "0.1", "draft", &[], "n"),
    )
    .unwrap();
    std::fs::remove_file(tmp.path().join(MOVED)).unwrap();
    // Not inputs: an editor's swap file and a file outside the input folders.
    std::fs::write(tmp.path().join("content/.sms-policy.md.swp"), "x").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "x").unwrap();
    let mut status = site.worktree();
    assert!(status.dirty());
    assert_eq!(status.state(POLICY), FileState::Modified);
    assert_eq!(status.state("content/new.md"), FileState::Untracked);
    assert_eq!(status.state(MOVED), FileState::Deleted);
    assert_eq!(status.state("clausebook.toml"), FileState::Clean);
    assert!(status.is_uncommitted(POLICY) && status.is_uncommitted("content/new.md"));
    assert_eq!(status.changed.len(), 3, "{:?}", status.changed);
    assert!(site.stamp(status.dirty()).dirty);

    // An edit undone while serving.
    let committed = site.site_files(site.head());
    let policy = &committed
        .files
        .iter()
        .find(|f| f.path == POLICY)
        .unwrap()
        .bytes;
    status.update(POLICY, Some(policy));
    assert_eq!(status.state(POLICY), FileState::Clean);
}

#[test]
fn crlf_line_ends_of_a_checkout_are_not_a_change() {
    // A file checked out with CRLF line ends (core.autocrlf) whose LF form is the committed one counts as unchanged.
    let tmp = tempfile::tempdir().unwrap();
    audit_fixture(tmp.path());
    let text = std::fs::read_to_string(tmp.path().join(POLICY)).unwrap();
    std::fs::write(tmp.path().join(POLICY), text.replace('\n', "\r\n")).unwrap();
    let site = open_site(tmp.path());
    assert_eq!(site.worktree().state(POLICY), FileState::Clean);
}

// ------------------------------------------------------------ stamp

#[test]
fn the_stamp_names_the_commit_branch_and_tags() {
    // The publication stamp has HEAD's hash, its branch and the tags pointing at it.
    let tmp = tempfile::tempdir().unwrap();
    let w = audit_fixture(tmp.path());
    w.tag("release-2").unwrap();
    w.tag("audit-ready").unwrap();
    let site = open_site(tmp.path());
    let stamp = site.stamp(false);
    assert_eq!(stamp.commit, hex(&w, 4));
    assert!(stamp.commit.starts_with(&stamp.short) && stamp.short.len() >= 7);
    assert_eq!(stamp.branch.as_deref(), Some("main"));
    assert_eq!(stamp.tags, ["audit-ready", "release-2"]);
    assert_eq!(stamp.commit_time.to_string(), "2026-02-16T13:00:00Z");
    assert!(!stamp.dirty && !stamp.shallow);
}

#[test]
fn source_date_epoch_sets_the_build_time() {
    // SOURCE_DATE_EPOCH, when set, is the build time (for byte-identical builds); a value that is not seconds is an error.
    assert_eq!(source_date_epoch(None).unwrap(), None);
    assert_eq!(source_date_epoch(Some("")).unwrap(), None);
    assert_eq!(
        source_date_epoch(Some("1767225600"))
            .unwrap()
            .unwrap()
            .to_string(),
        "2026-01-01T00:00:00Z"
    );
    let e = source_date_epoch(Some("2026-01-01")).unwrap_err();
    assert!(e.contains("not a number of seconds"), "{e}");
    assert!(source_date_epoch(Some("99999999999999999")).is_err());
}

#[test]
fn a_site_in_a_subfolder_of_the_repository_has_its_history() {
    // The site may be a subfolder of the repository; its paths stay relative to the site.
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write("README.md", "not a document\n"),
            Step::write("docs/sms/clausebook.toml", CONFIG),
            Step::write(
                "docs/sms/content/a.md",
                &doc("A-1", "A", "1.0", "draft", &[], "a"),
            ),
            Step::write(
                "content/elsewhere.md",
                &doc("X-1", "X", "1.0", "draft", &[], "x"),
            ),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
        ],
    )
    .unwrap();
    let site = open_site(&tmp.path().join("docs/sms"));
    assert_eq!(site.prefix(), "docs/sms");
    let history = site.history(&opts());
    assert_eq!(history.documents.keys().collect::<Vec<_>>(), ["A-1"]);
    assert_eq!(
        history.document("A-1").unwrap().revisions[0].path,
        "content/a.md"
    );
    let files = site.site_files(site.head());
    let paths: Vec<&str> = files.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["clausebook.toml", "content/a.md"]);
    assert!(!site.worktree().dirty());
}

#[test]
fn clause_references_are_compared_through_the_normalizer() {
    // Rewording a clause reference (same clause) is not a change when a normalizer is given.
    let tmp = tempfile::tempdir().unwrap();
    build(
        tmp.path(),
        &[
            Step::write(
                "content/a.md",
                &doc("A-1", "A", "1.0", "approved", &["iso9001:2008/7.3.7"], "a"),
            ),
            Step::commit("P", "2026-01-05T10:00:00Z", "one"),
            Step::write(
                "content/a.md",
                &doc(
                    "A-1",
                    "A",
                    "1.0",
                    "approved",
                    &["ISO 9001:2008 clause 7.3.7"],
                    "a",
                ),
            ),
            Step::commit("P", "2026-01-06T10:00:00Z", "reword"),
        ],
    )
    .unwrap();
    let site = open_site(tmp.path());
    assert_eq!(site.history(&opts()).approval_findings().len(), 1);
    let normalize = HistoryOptions {
        normalize_clause: Some(std::sync::Arc::new(|s: &str| {
            s.strip_prefix("ISO 9001:2008 clause ")
                .map(|c| format!("iso9001:2008/{c}"))
                .or_else(|| Some(s.to_string()))
        })),
        ..HistoryOptions::default()
    };
    assert!(site.history(&normalize).approval_findings().is_empty());
}

#[test]
fn single_and_multi_threaded_histories_agree() {
    // The history does not depend on the number of threads.
    let tmp = tempfile::tempdir().unwrap();
    audit_fixture(tmp.path());
    let site = open_site(tmp.path());
    let a = serde_json::to_string(&site.history(&opts())).unwrap();
    let single = HistoryOptions {
        single_threaded: true,
        ..HistoryOptions::default()
    };
    let b = serde_json::to_string(&site.history(&single)).unwrap();
    assert_eq!(a, b);
}

// ------------------------------------------------------------ corpus

#[test]
fn a_generated_corpus_gets_a_deterministic_history() {
    // Gen-corpus's history writer makes N commits of approvals, edits after approval, moves and clause changes, the same for the same seed, with the work tree equal to the last commit.
    let make = |dir: &Path| {
        clausebook::tools::corpus::generate(40, dir, 7).unwrap();
        clausebook::tools::repo::write_corpus_history(dir, 60, 7).unwrap()
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let written = make(a.path());
    assert_eq!(written, make(b.path()));
    assert_eq!(written.commits, 60);
    assert!(written.approvals > 0 && written.edits_after_approval > 0);
    assert!(written.moves > 0 && written.clause_changes > 0);
    let site_a = open_site(a.path());
    let site_b = open_site(b.path());
    assert_eq!(
        site_a.head().id,
        site_b.head().id,
        "same seed, same commits"
    );
    assert!(
        !site_a.worktree().dirty(),
        "{:?}",
        site_a.worktree().changed
    );
    let history = site_a.history(&opts());
    assert_eq!(history.commits, 60);
    assert_eq!(history.documents.len(), 40);
    assert!(history.findings.is_empty(), "{:?}", history.findings);
    assert!(!history.approval_findings().is_empty());
    assert!(history.documents.values().any(|d| {
        d.revisions
            .iter()
            .any(|r| matches!(r.change, Change::Moved { .. }))
    }));
}
