//! `clausebook serve` keeps the site's history current: a commit, a
//! checkout or a branch switch while serving updates the revision
//! histories, the stamp (`theme/stamp.js`) and the changes page without a
//! full build; an edit to the working tree marks the document uncommitted
//! until it is reverted; a repository that breaks while serving is a
//! warning and the site stays served.
//! In Chromium, the footer of a page left open follows an edit and a
//! commit (tests/browser/stamp.test.js, driven through its stdin).
//!
//! The repository is written in-process with `clausebook::tools::repo`
//! (no `git` binary), with fixed commit dates; the sites set no review
//! dates, so nothing depends on the calendar.

mod common;

use std::path::Path;

use clausebook::tools::repo::{RepoWriter, Step, When, build};
use common::*;

const CONFIG: &str = "title = \"Served history\"\nstandards = [\"iso9001:2008\"]\n\n\
[check]\ncoverage = \"allow\"\nrequired-document = \"allow\"\norphan = \"allow\"\n\
review-overdue = \"allow\"\nreview-due = \"allow\"\n\n\
[history]\nbaseline = \"2026-03-02\"\n";

const MANUAL: &str = "content/manual.md";
const PAGE: &str = "documents/qm-001/index.html";

fn manual(version: &str, body: &str) -> String {
    format!(
        "+++\nid = \"QM-001\"\ntitle = \"Quality Manual\"\nkind = \"policy\"\nversion = \"{version}\"\n\
         status = \"approved\"\nowner = \"Quality lead\"\napprover = \"Director\"\n\
         effective = 2026-03-02\nreview_by = 2027-03-01\n\
         clauses = [\"iso9001:2008/4.2.2\"]\n+++\n\nThe scope of the system is set out here. {body}\n"
    )
}

/// Two commits: the manual added at 1.0, then approved wording at 1.1.
fn repository(dir: &Path) -> RepoWriter {
    build(
        dir,
        &[
            Step::write("clausebook.toml", CONFIG),
            Step::write(MANUAL, &manual("1.0", "First wording.")),
            Step::commit("Ada Reyes", "2026-03-02T09:00:00+00:00", "Add the manual"),
            Step::write(MANUAL, &manual("1.1", "Second wording.")),
            Step::commit("Ada Reyes", "2026-03-09T09:00:00+00:00", "Reword the scope"),
        ],
    )
    .expect("the repository is written")
}

fn short(w: &RepoWriter, i: usize) -> String {
    w.commits()[i].to_hex().to_string()[..7].to_string()
}

/// The repository served (output outside it), once its watcher runs.
fn serve_repo(tmp: &Path) -> (Served, RepoWriter) {
    let site = tmp.join("site");
    let w = repository(&site);
    let srv = serve(&site, &tmp.join("out"), &[]);
    srv.wait_until_watching();
    (srv, w)
}

fn read_out(srv: &Served, rel: &str) -> String {
    std::fs::read_to_string(srv.output.join(rel)).unwrap_or_default()
}

/// Wait for the rebuild after a change until `shows` holds for the output.
#[track_caller]
fn wait_until(srv: &Served, since: u64, what: &str, shows: impl Fn(&Served) -> bool) {
    srv.wait_for(since, what, |s| s.error.is_none() && shows(srv));
}

#[test]
fn a_commit_while_serving_updates_the_history_and_the_stamp() {
    // After a commit, the document page's revision history lists its subject and theme/stamp.js names its short hash, without a full build.
    let tmp = tempdir();
    let (srv, mut w) = serve_repo(tmp.path());
    let page = read_out(&srv, PAGE);
    assert!(page.contains("Reword the scope"), "{page}");
    assert!(page.contains("theme/stamp.js"), "{page}");
    assert!(read_out(&srv, "theme/stamp.js").contains(&short(&w, 1)));

    let since = srv.reload_status().generation;
    let printed = srv.stdout().len();
    w.write(MANUAL, manual("1.2", "Third wording.")).unwrap();
    w.commit(
        "Ben Okafor",
        When::parse("2026-03-16T09:00:00+00:00").unwrap(),
        "Approve the third wording",
    )
    .unwrap();
    let head = short(&w, 2);
    // Serve prints its line after writing the files: wait for both (on a
    // loaded machine the page was there before the line).
    wait_until(&srv, since, "the commit", |s| {
        read_out(s, PAGE).contains("Approve the third wording")
            && read_out(s, "theme/stamp.js").contains(&head)
            && !read_out(s, "theme/stamp.js").contains("\"dirty\":true")
            && s.stdout()[printed..].contains("history read again")
    });
    let page = read_out(&srv, PAGE);
    assert!(!page.contains("Not from a committed revision"), "{page}");
    // The changes page follows HEAD: the manual re-approved at 1.2.
    let changes = read_out(&srv, "changes/index.html");
    assert!(changes.contains("1.2"), "{changes}");
    let said = srv.stdout()[printed..].to_string();
    assert!(said.contains("history read again"), "{said}");
    assert!(!said.contains("full build"), "{said}");
}

#[test]
fn an_uncommitted_edit_is_marked_until_it_is_reverted() {
    // An edit without a commit marks the page "Not from a committed revision" and the stamp "dirty"; reverting the edit removes both.
    let tmp = tempdir();
    let (srv, _w) = serve_repo(tmp.path());
    let file = tmp.path().join("site").join(MANUAL);
    let committed = std::fs::read_to_string(&file).unwrap();
    let since = srv.reload_status().generation;
    std::fs::write(
        &file,
        committed.replace("Second wording.", "Edited wording."),
    )
    .unwrap();
    wait_until(&srv, since, "the edit", |s| {
        read_out(s, PAGE).contains("Edited wording.")
            && read_out(s, PAGE).contains("Not from a committed revision")
            && read_out(s, "theme/stamp.js").contains("\"dirty\":true")
    });
    let since = srv.reload_status().generation;
    std::fs::write(&file, &committed).unwrap();
    wait_until(&srv, since, "the revert", |s| {
        !read_out(s, PAGE).contains("Not from a committed revision")
            && read_out(s, "theme/stamp.js").contains("\"dirty\":false")
    });
}

#[test]
fn a_checkout_and_a_branch_switch_move_the_history() {
    // Checking out an earlier commit (detached HEAD) shows the history up to it; switching to a branch shows the branch's.
    let tmp = tempdir();
    let (srv, mut w) = serve_repo(tmp.path());
    let first = w.commits()[0];
    let since = srv.reload_status().generation;
    w.detach_head(first).unwrap();
    let at = short(&w, 0);
    wait_until(&srv, since, "the checkout", |s| {
        !read_out(s, PAGE).contains("Reword the scope")
            && read_out(s, "theme/stamp.js").contains(&at)
    });
    assert!(read_out(&srv, PAGE).contains("Add the manual"));

    // A branch at the second commit, checked out as git does: HEAD names it.
    let second = w.commits()[1];
    w.branch("wording", second).unwrap();
    let since = srv.reload_status().generation;
    let git_dir = tmp.path().join("site").join(".git");
    std::fs::write(git_dir.join("HEAD"), "ref: refs/heads/wording\n").unwrap();
    wait_until(&srv, since, "the branch switch", |s| {
        read_out(s, PAGE).contains("Reword the scope")
            && read_out(s, "theme/stamp.js").contains("\"branch\":\"wording\"")
    });
}

#[test]
fn a_repository_broken_while_serving_is_a_warning() {
    // A HEAD that cannot be read while serving: a warning, the site is still served (without history) and comes back with it once HEAD is mended.
    let tmp = tempdir();
    let (srv, _w) = serve_repo(tmp.path());
    let head = tmp.path().join("site").join(".git").join("HEAD");
    let good = std::fs::read_to_string(&head).unwrap();
    let since = srv.reload_status().generation;
    std::fs::write(&head, "this is not a ref\n").unwrap();
    // The warning reaches stderr through a pipe read on another thread: wait for it as for the page.
    wait_until(&srv, since, "the broken HEAD", |s| {
        !read_out(s, PAGE).contains("Revision history")
            && s.stderr().contains("cannot read the git repository")
    });
    let (status, _, body) = srv.get(&format!("/{PAGE}"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Quality Manual"), "{body}");
    let err = srv.stderr();
    assert!(err.contains("cannot read the git repository"), "{err}");

    let since = srv.reload_status().generation;
    std::fs::write(&head, good).unwrap();
    wait_until(&srv, since, "the mended HEAD", |s| {
        read_out(s, PAGE).contains("Reword the scope")
    });
}

#[test]
fn after_an_edit_then_its_commit_the_pack_page_and_about_json_follow() {
    // The pack page's stamp and exports/about.json say "with uncommitted changes" after an edit, and name the new commit, clean, once it is committed; a later commit of no document moves them too.
    let tmp = tempdir();
    let site = tmp.path().join("site");
    let config = CONFIG.replace("\n\n[check]", "\npack_page = true\n\n[check]");
    let mut w = build(
        &site,
        &[
            Step::write("clausebook.toml", &config),
            Step::write(MANUAL, &manual("1.0", "First wording.")),
            Step::commit("Ada Reyes", "2026-03-02T09:00:00+00:00", "Add the manual"),
        ],
    )
    .expect("the repository is written");
    let srv = serve(&site, &tmp.path().join("out"), &[]);
    srv.wait_until_watching();
    let about = |s: &Served| -> serde_json::Value {
        serde_json::from_str(&read_out(s, "exports/about.json")).unwrap_or_default()
    };
    assert!(read_out(&srv, "pack/index.html").contains(&short(&w, 0)));
    assert_eq!(about(&srv)["revision"]["dirty"], false);

    let since = srv.reload_status().generation;
    std::fs::write(site.join(MANUAL), manual("1.1", "Second wording.")).unwrap();
    wait_until(&srv, since, "the edit", |s| {
        let pack = read_out(s, "pack/index.html");
        pack.contains("Second wording.")
            && pack.contains("with uncommitted changes")
            && about(s)["revision"]["dirty"] == true
    });

    let since = srv.reload_status().generation;
    w.write(MANUAL, manual("1.1", "Second wording.")).unwrap();
    w.commit(
        "Ada Reyes",
        When::parse("2026-03-09T09:00:00+00:00").unwrap(),
        "Reword the scope",
    )
    .unwrap();
    let head = short(&w, 1);
    wait_until(&srv, since, "the commit", |s| {
        read_out(s, "theme/stamp.js").contains(&head)
            && about(s)["revision"]["short"] == head.as_str()
    });
    let json = about(&srv);
    assert_eq!(json["revision"]["dirty"], false, "{json}");
    let pack = read_out(&srv, "pack/index.html");
    assert!(
        pack.contains(&head),
        "the pack page names the old commit:\n{pack}"
    );
    assert!(!pack.contains("with uncommitted changes"), "{pack}");

    // A commit that changes no document (a file outside content/).
    let since = srv.reload_status().generation;
    w.write("notes.txt", "Audit notes.\n").unwrap();
    w.commit(
        "Ada Reyes",
        When::parse("2026-03-16T09:00:00+00:00").unwrap(),
        "Add notes",
    )
    .unwrap();
    let head = short(&w, 2);
    wait_until(&srv, since, "the second commit", |s| {
        read_out(s, "theme/stamp.js").contains(&head)
            && about(s)["revision"]["short"] == head.as_str()
    });
    let pack = read_out(&srv, "pack/index.html");
    assert!(
        pack.contains(&head),
        "the pack page names the old commit:\n{pack}"
    );
}

#[test]
fn browser_the_served_footer_follows_an_edit_and_a_commit() {
    // In Chromium, the footer of a page left open under serve names HEAD's commit, then says "with uncommitted changes" after an edit, then names the new commit, clean, once the edit is committed (tests/browser/stamp.test.js).
    let Some(tools) = browser_or_skip("browser_the_served_footer_follows_an_edit_and_a_commit")
    else {
        return;
    };
    let tmp = tempdir();
    let (srv, mut w) = serve_repo(tmp.path());
    let mut page = StampPage::open(
        &tools,
        &format!("http://127.0.0.1:{}/documents/qm-001/", srv.port),
    );

    let first = page.first();
    assert!(first.contains(&short(&w, 1)), "{first}");
    assert!(!first.contains("with uncommitted changes"), "{first}");

    std::fs::write(
        tmp.path().join("site").join(MANUAL),
        manual("1.2", "Third wording."),
    )
    .unwrap();
    let edited = page.command("EXPECT with uncommitted changes");
    assert!(edited.contains(&short(&w, 1)), "{edited}");

    w.write(MANUAL, manual("1.2", "Third wording.")).unwrap();
    w.commit(
        "Ada Reyes",
        When::parse("2026-03-16T09:00:00+00:00").unwrap(),
        "Approve the third wording",
    )
    .unwrap();
    let head = short(&w, 2);
    page.command(&format!("EXPECT {head}"));
    let committed = page.command("ABSENT with uncommitted changes");
    assert!(committed.contains(&head), "{committed}");
    page.end();
}

/// tests/browser/stamp.test.js running against a served page, driven one
/// command at a time through its stdin.
struct StampPage {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl StampPage {
    fn open(tools: &BrowserTools, url: &str) -> StampPage {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(&tools.node)
            .current_dir(&tools.dir)
            .arg("stamp.test.js")
            .arg("--url")
            .arg(url)
            .env("CHROMIUM_PATH", &tools.chromium)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        StampPage {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next `STAMP` line's text; panics with the script's output on a
    /// failed check, its end, or no answer within the wait.
    fn next_stamp(&mut self) -> String {
        loop {
            match self
                .lines
                .recv_timeout(SERVE_WAIT + std::time::Duration::from_secs(30))
            {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if let Some(text) = line.strip_prefix("STAMP ") {
                        return text.to_string();
                    }
                    if line.starts_with("FAILED") {
                        panic!("the browser check failed:\n{}", self.seen.join("\n"));
                    }
                }
                Err(_) => panic!(
                    "the browser test stopped answering:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The stamp once the page first shows one.
    fn first(&mut self) -> String {
        self.next_stamp()
    }

    /// Send `command` (EXPECT/ABSENT text) and return the stamp it waited for.
    fn command(&mut self, command: &str) -> String {
        use std::io::Write;
        let stdin = self.stdin.as_mut().expect("the script's stdin is open");
        writeln!(stdin, "{command}").expect("the script reads its commands");
        self.next_stamp()
    }

    /// End the script: no console error, every check passed.
    fn end(mut self) {
        use std::io::Write;
        if let Some(mut stdin) = self.stdin.take() {
            let _ = writeln!(stdin, "END");
        }
        while let Ok(line) = self.lines.recv_timeout(std::time::Duration::from_secs(60)) {
            self.seen.push(line);
        }
        let status = self.child.wait().expect("the script ends");
        let out = self.seen.join("\n");
        assert!(status.success(), "browser test failed:\n{out}");
        assert!(out.contains(" passed, 0 failed"), "{out}");
    }
}

impl Drop for StampPage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
