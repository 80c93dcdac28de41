//! Incremental rebuilds (`clausebook serve`): after each change of a
//! series, the output of the kept-in-memory rebuild equals a full build of
//! the same sources, and a document change renders only what it affects.

mod common;

use std::path::{Path, PathBuf};

use clausebook::publish::{BuildError, BuildOptions};
use clausebook::serve::session::{Rebuild, Session};
use common::*;

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    full: PathBuf,
    session: Session,
}

impl Fixture {
    /// A copy of the example site, built once in full by a session.
    fn new() -> Fixture {
        let tmp = tempdir();
        let root = copy_site(&repo_root(), tmp.path());
        let out = tmp.path().join("out");
        let opts = BuildOptions {
            load: load_options(false),
            output: Some(out.clone()),
            allow_errors: false,
        };
        let (session, first) = match Session::start(&root, &opts) {
            Ok(s) => s,
            Err(_) => panic!("the example site does not build"),
        };
        assert!(first.full);
        let full = tmp.path().join("full");
        Fixture {
            _tmp: tmp,
            root,
            out,
            full,
            session,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    #[track_caller]
    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        edit(&self.path(rel), f);
    }

    /// Rebuild after changes to `changed`, which must succeed.
    #[track_caller]
    fn rebuild(&mut self, changed: &[&str]) -> Rebuild {
        let changed: Vec<PathBuf> = changed.iter().map(|r| self.path(r)).collect();
        match self.session.rebuild(&changed) {
            Ok(r) => {
                // The exports are written after the pages: wait for them.
                if let Some(exported) = self.session.settle() {
                    exported.expect("the exports of the rebuild are written");
                }
                // And the static search index, written by another thread
                // (compared below; a race before `settle_search`).
                self.session
                    .settle_search()
                    .expect("the static search index of the rebuild is written");
                r
            }
            Err(BuildError::Config(ds))
            | Err(BuildError::Content(clausebook::base::diag::Diagnostics(ds))) => {
                let text: Vec<String> = ds.iter().map(|d| d.render(false)).collect();
                panic!("rebuild failed:\n{}", text.join("\n"))
            }
        }
    }

    /// Assert that the output equals a full build of the sources now (the
    /// search index aside, whose files the incremental path updates in
    /// place).
    #[track_caller]
    fn assert_equals_full_build(&self, step: &str) {
        build_ok(&self.root, &self.full, false);
        assert_same_files(
            &tree_without_index(&self.out),
            &tree_without_index(&self.full),
            &format!("{step} (left: incremental output, right: full build)"),
        );
    }
}

#[test]
fn a_series_of_edits_rebuilds_to_the_same_output_as_a_full_build() {
    // Under `clausebook serve`, the output after each kind of change (body, title, tags, new, moved, renamed, deleted, drafted document, template, catalog) equals a full build of the same sources.
    let mut fx = Fixture::new();
    let change = "content/procedures/change-management.md";

    // A body edit with a new link: the page, and the target's backlinks.
    fx.edit(change, |t| {
        t + "\nSee also the [information security policy](SMS-POL-001).\n"
    });
    let r = fx.rebuild(&[change]);
    assert!(!r.full);
    assert!(
        r.rendered <= 3,
        "a body edit rendered {} of {} pages",
        r.rendered,
        r.pages
    );
    fx.assert_equals_full_build("body edit");

    // A title edit: every page listing the document.
    fx.edit(change, |t| {
        t.replacen(
            "title = \"Change Management Procedure\"",
            "title = \"Change Control Procedure\"",
            1,
        )
    });
    let r = fx.rebuild(&[change]);
    // Only the pages showing the document: its own, its neighbours', the
    // register, its listings, its clauses' pages and the matrices.
    assert!(!r.full && r.rendered * 10 < r.pages, "{r:?}");
    fx.assert_equals_full_build("title edit");

    // Tags and kind edited in place (the same layout, so the facts of the
    // other documents are reused): a new tag gets its page, another
    // spelling of an existing tag's slug joins that tag's page, and the
    // kind listings swap the document.
    fx.edit(change, |t| {
        t.replacen(
            "tags = [\"change\", \"control\"]",
            "tags = [\"Governance\", \"release-and-deployment\"]",
            1,
        )
        .replacen("kind = \"procedure\"", "kind = \"process\"", 1)
    });
    let r = fx.rebuild(&[change]);
    assert!(!r.full, "{r:?}");
    fx.assert_equals_full_build("tags and kind edit");

    // A new document, with clauses, a new tag, a related id and a link.
    let added = "content/procedures/supplier-onboarding.md";
    std::fs::write(
        fx.path(added),
        "+++\nid = \"SMS-PRO-900\"\ntitle = \"Supplier Onboarding\"\nkind = \"procedure\"\n\
         owner = \"Ana Ruiz\"\napprover = \"Tom Hale\"\nversion = \"1.0\"\nstatus = \"approved\"\neffective = 2026-03-01\n\
         review_by = 2027-03-01\nclauses = [\"iso20000-1:2011/7.2\", \"iso9001:2008/7.4.1\"]\n\
         related = [\"SMS-PRO-007\"]\ntags = [\"suppliers\", \"onboarding\"]\n+++\n\n\
         # Supplier Onboarding\n\n## Checks\n\nFollow the [change procedure](SMS-PRO-007#raising).\n",
    )
    .unwrap();
    let r = fx.rebuild(&[added]);
    assert!(!r.full);
    fx.assert_equals_full_build("added document");

    // The new document's file renamed and moved to another folder.
    let moved = "content/work-instructions/supplier-onboarding.md";
    std::fs::rename(fx.path(added), fx.path(moved)).unwrap();
    fx.rebuild(&[added, moved]);
    fx.assert_equals_full_build("renamed file");

    // Its id changed: the old page goes, the new one comes.
    fx.edit(moved, |t| t.replacen("SMS-PRO-900", "SMS-WI-900", 1));
    let r = fx.rebuild(&[moved]);
    assert!(r.removed >= 1, "the page of the old id stays: {r:?}");
    fx.assert_equals_full_build("changed id");

    // Deleted.
    std::fs::remove_file(fx.path(moved)).unwrap();
    fx.rebuild(&[moved]);
    fx.assert_equals_full_build("deleted document");

    // A document turned draft: its page goes, links to it become spans.
    fx.edit("content/forms/request-for-change.md", |t| {
        t.replacen("status: approved", "status: draft", 1)
    });
    fx.rebuild(&["content/forms/request-for-change.md"]);
    fx.assert_equals_full_build("document turned draft");

    // A template changed: a full build.
    let template = "templates/document.html";
    std::fs::create_dir_all(fx.path("templates")).unwrap();
    let builtin = std::fs::read_to_string(repo_root().join(template)).unwrap();
    std::fs::write(
        fx.path(template),
        builtin.replacen(
            "</article>",
            "<p class=\"site-note\">Controlled copy</p></article>",
            1,
        ),
    )
    .unwrap();
    let r = fx.rebuild(&[template]);
    assert!(r.full);
    fx.assert_equals_full_build("template change");
    assert!(read(&fx.out, "documents/sms-pro-007/index.html").contains("Controlled copy"));

    // A catalog changed (a site file replacing a built-in one).
    let catalog = "standards/iso20000-1-2011.toml";
    std::fs::create_dir_all(fx.path("standards")).unwrap();
    let builtin = std::fs::read_to_string(repo_root().join(catalog)).unwrap();
    let renamed = builtin.replacen("Change management", "Change control", 1);
    assert_ne!(builtin, renamed);
    std::fs::write(fx.path(catalog), renamed).unwrap();
    let r = fx.rebuild(&[catalog]);
    assert!(r.full);
    fx.assert_equals_full_build("catalog change");

    // And documents again, on top of the new templates and catalog.
    fx.edit(change, |t| t + "\nA closing remark.\n");
    let r = fx.rebuild(&[change]);
    assert!(!r.full && r.rendered <= 3, "{r:?}");
    fx.assert_equals_full_build("body edit after a full rebuild");
}

#[test]
fn a_failed_rebuild_leaves_the_output_and_the_next_rebuild_recovers() {
    // A failed rebuild publishes nothing, and fixing the error gives the output of a full build (the cache keeps no broken state).
    let mut fx = Fixture::new();
    let change = "content/procedures/change-management.md";
    let before = tree_without_index(&fx.out);
    fx.edit(change, |t| t + "\nSee [nowhere](SMS-NOPE-999).\n");
    let err = fx.session.rebuild(&[fx.path(change)]);
    assert!(matches!(err, Err(BuildError::Content(_))));
    assert_same_files(
        &before,
        &tree_without_index(&fx.out),
        "the output after a failed rebuild",
    );

    fx.edit(change, |t| {
        t.replace("\nSee [nowhere](SMS-NOPE-999).\n", "\nFixed.\n")
    });
    let r = fx.rebuild(&[change]);
    assert!(!r.full);
    fx.assert_equals_full_build("after the fix");
}

#[test]
fn a_body_edit_reuses_every_other_document() {
    // A one-word edit re-renders only the edited document's page and writes at most its neighbours' pages, with the output of a full build.
    let mut fx = Fixture::new();
    let change = "content/procedures/change-management.md";
    fx.edit(change, |t| {
        t.replacen("back-out plan", "back-out plan (tested)", 1)
    });
    let r = fx.rebuild(&[change]);
    assert!(!r.full);
    assert_eq!(r.rendered, 1, "{r:?}");
    assert!(r.written >= 1 && r.written <= 3, "{r:?}");
    fx.assert_equals_full_build("one-word edit");
}

/// What a load worked out and the findings of every rule on it, for
/// comparing a cached load with a fresh one.
fn site_summary(
    s: &clausebook::resolve::Site,
    findings: &clausebook::base::diag::Diagnostics,
) -> String {
    let docs: Vec<(&str, &str)> = s
        .docs
        .iter()
        .map(|d| (d.meta.id.as_str(), d.meta.title.as_str()))
        .collect();
    let clauses: Vec<&Vec<clausebook::resolve::clauses::ResolvedRef>> =
        s.clauses.iter().map(|c| c.as_ref()).collect();
    let html: Vec<&str> = s.rendered.iter().map(|r| r.html.as_str()).collect();
    format!(
        "docs {docs:?}\nurls {:?}\npublished {:?}\nclauses {clauses:?}\nrelated {:?}\n\
         edges {:?}\nbacklinks {:?}\ncoverage {:?}\nscope {:?}\ndiags {:?}\n\
         findings {:?}\nhtml {html:?}",
        s.urls,
        s.published,
        s.related,
        s.edges,
        s.backlinks,
        s.trace.coverage,
        s.trace.scope,
        s.diags,
        findings,
    )
}

#[test]
fn a_cached_load_equals_a_fresh_load_with_the_same_diagnostics() {
    // After edits that keep or change the layout, coverage and finding locations, a load through the rebuild cache gives the same site and findings as a load from scratch.
    let tmp = tempdir();
    let root = copy_site(&repo_root(), tmp.path());
    let mut cache = clausebook::serve::cache::SiteCache::default();
    let mut step = |name: &str, root: &Path| {
        let cached = cache.load(root, load_options(false)).unwrap();
        let fresh = load_site(root, false);
        assert_eq!(
            site_summary(&cached, &cache.findings(&cached)),
            site_summary(&fresh, &clausebook::check::findings(&fresh)),
            "{name}"
        );
    };
    step("first load", &root);
    let edit = |rel: &str, f: &dyn Fn(String) -> String| edit(&root.join(rel), f);
    let change = "content/procedures/change-management.md";
    let form = "content/forms/request-for-change.md";

    edit(change, &|t| {
        t + "\nSee [the form](SMS-FRM-002#no-such-heading).\n"
    });
    step("body edit with a broken anchor", &root);
    edit(change, &|t| {
        t.replacen(
            "title = \"Change Management Procedure\"",
            "title = \"Change Procedure\"\nsummary = \"\"\"Two\nlines\"\"\"",
            1,
        )
    });
    step("front-matter edit moving the findings", &root);
    edit(change, &|t| {
        t.replacen(
            "  \"iso9001:2008/7.3.7\",\n",
            "  \"iso9001:2008/8.2.2\",\n",
            1,
        )
    });
    step("a clause changed", &root);
    edit(form, &|t| {
        t.replacen("status: approved", "status: draft", 1)
    });
    step("a document turned draft", &root);
    edit(form, &|t| t.replacen("status: draft", "status: review", 1));
    step("draft to review (same publication)", &root);
    edit(form, &|t| {
        t.replacen("review_by: 2027-06-30", "review_by: 2026-12-10", 1)
    });
    step("a review coming due", &root);
    let copy = "content/forms/copy.md";
    std::fs::copy(root.join(form), root.join(copy)).unwrap();
    step("a duplicate id", &root);
    edit(copy, &|t| t + "\nMore.\n");
    step("an edit of the duplicate", &root);
    std::fs::remove_file(root.join(copy)).unwrap();
    step("the duplicate removed", &root);
    edit(change, &|t| {
        t.replacen("id = \"SMS-PRO-007\"", "id = \"SMS-PRO-070\"", 1)
    });
    step("an id changed", &root);
}
