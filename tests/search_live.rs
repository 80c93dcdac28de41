//! `LiveSearch`: the search indexes of a served output folder, updated
//! document by document, compared with full builds of the same sources.
//!
//! Each test copies a site into a temporary folder, builds it with the
//! library, opens the output with `LiveSearch`, changes the sources, loads
//! the site again and calls `update` with the ids that changed.

mod common;

use std::path::{Path, PathBuf};

use clausebook::search::{INDEX_DIR, STATIC_INDEX, SearchIndex, SearchRequest};
use clausebook::serve::search::LiveSearch;
use common::*;

/// A site copied into a temporary folder and built into `<tmp>/out`.
struct Fixture {
    tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
}

impl Fixture {
    /// The example site (the repository's own content).
    fn example() -> Fixture {
        let tmp = tempdir();
        let root = copy_site(&repo_root(), tmp.path());
        // The built-in catalogs as site files too: the live index must
        // read the site's catalogs as a full build does.
        copy_dir(&repo_root().join("standards"), &root.join("standards"));
        Fixture::built(tmp, root)
    }

    /// A small site written by the test: `docs` are (file name, front
    /// matter lines, body).
    fn small(docs: &[(&str, &str, &str)]) -> Fixture {
        let tmp = tempdir();
        let root = write_site(
            tmp.path(),
            "title = \"Live search fixture\"\n\
             standards = [\"iso20000-1:2011\", \"iso9001:2008\"]\n\
             [check]\ncoverage = \"allow\"\nrequired-document = \"allow\"\norphan = \"allow\"\n",
            &[],
        );
        for (file, front, body) in docs {
            write_doc(&root, file, front, body);
        }
        Fixture::built(tmp, root)
    }

    fn built(tmp: tempfile::TempDir, root: PathBuf) -> Fixture {
        let out = tmp.path().join("out");
        build_ok(&root, &out, false);
        Fixture { tmp, root, out }
    }

    fn content(&self, rel: &str) -> PathBuf {
        self.root.join("content").join(rel)
    }

    /// Load the sources again and update `live` with them.
    fn update(&self, live: &mut LiveSearch, changed: &[&str], removed: &[&str]) -> SearchIndex {
        let site = std::sync::Arc::new(load_site(&self.root, false));
        let index = live
            .update(&site, changed, removed)
            .unwrap_or_else(|e| panic!("update failed: {e}"));
        // The static index is written on another thread.
        live.settle()
            .unwrap_or_else(|e| panic!("writing the static index failed: {e}"));
        index
    }

    /// The index.js a full build of the current sources writes (into a
    /// folder of its own).
    fn full_build_index_js(&self, name: &str) -> String {
        read(&self.full_build(name), STATIC_INDEX)
    }

    /// A full build of the current sources into a folder of its own.
    fn full_build(&self, name: &str) -> PathBuf {
        let out = self.tmp.path().join(format!("full-{name}"));
        build_ok(&self.root, &out, false);
        out
    }

    #[track_caller]
    fn assert_index_js_as_full_build(&self, step: &str) {
        let live = read(&self.out, STATIC_INDEX);
        let full = self.full_build_index_js(step);
        assert!(
            live == full,
            "after {step}: index.js differs from a full build's\n--- live\n{}\n--- full\n{}",
            excerpt(&live, &full),
            excerpt(&full, &live)
        );
    }
}

/// A document file: `+++` front matter (the given lines) and a body.
fn write_doc(root: &Path, file: &str, front: &str, body: &str) {
    write_file(
        &root.join("content").join(file),
        &format!("+++\n{front}\n+++\n\n{body}\n"),
    );
}

/// Where `a` starts to differ from `b`, with some context.
fn excerpt(a: &str, b: &str) -> String {
    let at = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map(|((i, _), _)| i)
        .unwrap_or(a.len().min(b.len()));
    a.chars()
        .skip(a[..at].chars().count().saturating_sub(120))
        .take(240)
        .collect()
}

/// Ids of the documents a query finds, best first.
fn found(index: &SearchIndex, query: &str) -> Vec<String> {
    scored(index, query).into_iter().map(|(id, _)| id).collect()
}

/// A new procedure for the example site.
const NEW_DOC: &str = "id = \"SMS-TST-001\"\n\
title = \"Quokka Handling Procedure\"\n\
kind = \"procedure\"\n\
owner = \"Tom Hale (Head of Service Operations)\"\n\
approver = \"Tom Hale (Head of Service Operations)\"\n\
version = \"1.0\"\n\
status = \"approved\"\n\
effective = 2026-01-05\n\
review_by = 2027-12-31\n\
clauses = [\"iso20000-1:2011/8.1\", \"iso9001:2008/7.5.5\"]\n\
tags = [\"quokka\", \"test\"]\n\
summary = \"How quokkas are handled.\"";

#[test]
fn updates_write_the_index_js_of_a_full_build() {
    // The search box of a served site reads index.js: after every kind of change it must be the very file a full build writes.
    let fx = Fixture::example();
    let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();

    let wi = fx.content("work-instructions/continuity-test.md");
    replace(
        &wi,
        "## Before the test {#before}",
        "Bring a flask of wombatine.\n\n## Before the test {#before}",
    );
    fx.update(&mut live, &["SMS-WI-002"], &[]);
    fx.assert_index_js_as_full_build("a body edit");

    write_doc(
        &fx.root,
        "procedures/quokka.md",
        NEW_DOC,
        "# Quokka Handling Procedure\n\n## Scope\n\nEvery quokka is logged.",
    );
    fx.update(&mut live, &["SMS-TST-001"], &[]);
    fx.assert_index_js_as_full_build("a new document");

    replace(
        &wi,
        "clauses = [\"iso20000-1:2011/6.3.3\"]",
        "clauses = [\"iso9001:2008/8.5.3\", \"iso20000-1:2011/6.3.3\"]",
    );
    replace(
        &wi,
        "title = \"Service Continuity Test\"",
        "title = \"Continuity Drill\"",
    );
    replace(
        &wi,
        "tags = [\"continuity\", \"test\", \"dr\"]",
        "tags = [\"drill\"]",
    );
    fx.update(&mut live, &["SMS-WI-002"], &[]);
    fx.assert_index_js_as_full_build("new clauses, title and tags");

    // A rename: one id goes, another comes, in one update.
    replace(
        &fx.content("procedures/quokka.md"),
        "SMS-TST-001",
        "SMS-TST-009",
    );
    fx.update(&mut live, &["SMS-TST-009"], &["SMS-TST-001"]);
    fx.assert_index_js_as_full_build("a renamed document");

    // The only retired document: the statuses change too.
    std::fs::remove_file(fx.content("procedures/retired/problem-management-procedure.md")).unwrap();
    fx.update(&mut live, &[], &["SMS-PRO-003"]);
    fx.assert_index_js_as_full_build("a deleted document");

    replace(
        &fx.content("procedures/quokka.md"),
        "status = \"approved\"",
        "status = \"draft\"",
    );
    fx.update(&mut live, &[], &["SMS-TST-009"]);
    fx.assert_index_js_as_full_build("a document turned draft");

    // Several changes in one update: an edit, a new document and a
    // deleted one.
    replace(&wi, "Bring a flask of wombatine.", "Bring two flasks.");
    write_doc(
        &fx.root,
        "work-instructions/numbat.md",
        &replaced(
            &replaced(
                &replaced(NEW_DOC, "SMS-TST-001", "SMS-WI-900"),
                "Quokka Handling",
                "Numbat Feeding",
            ),
            "kind = \"procedure\"",
            "kind = \"work-instruction\"",
        ),
        "# Numbat Feeding Procedure\n\nTermites only.",
    );
    std::fs::remove_file(fx.content("procedures/quokka.md")).unwrap();
    fx.update(&mut live, &["SMS-WI-002", "SMS-WI-900"], &["SMS-TST-009"]);
    fx.assert_index_js_as_full_build("an edit, an addition and a deletion at once");

    // Nothing changed: the same file again.
    fx.update(&mut live, &[], &[]);
    fx.assert_index_js_as_full_build("an empty update");
}

#[test]
fn numbering_of_standards_kinds_and_clauses_follows_removals() {
    // Standards, kinds and statuses are numbered by first use and the clause table holds only referenced clauses: removing the first document renumbers them all.
    let doc = |id: &str, kind: &str, status: &str, clause: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"Doc {id}\"\nkind = \"{kind}\"\nowner = \"Owner\"\n\
             approver = \"Director\"\nversion = \"1.0\"\neffective = 2026-01-05\n\
             review_by = 2099-12-31\nstatus = \"{status}\"\nclauses = [\"{clause}\"]"
        )
    };
    let a = doc("A-1", "policy", "approved", "iso9001:2008/7.5.5");
    let b = doc("B-1", "procedure", "retired", "iso20000-1:2011/6.1");
    let c = doc("C-1", "form", "approved", "iso20000-1:2011/8.1");
    let fx = Fixture::small(&[
        ("a.md", &a, "Alpha text about widgets."),
        ("b.md", &b, "Bravo text about gadgets."),
        ("c.md", &c, "Charlie text about widgets and gadgets."),
    ]);
    let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
    std::fs::remove_file(fx.content("a.md")).unwrap();
    fx.update(&mut live, &[], &["A-1"]);
    fx.assert_index_js_as_full_build("removing the first document");
    let a = replaced(&a, "approved", "retired");
    write_doc(&fx.root, "a.md", &a, "Alpha is back.");
    fx.update(&mut live, &["A-1"], &[]);
    fx.assert_index_js_as_full_build("adding it back");
}

#[test]
fn the_updated_index_finds_edits_and_forgets_removed_documents() {
    // `clausebook serve` answers /api/search from the reader update returns: it must see the new text and no removed document.
    let fx = Fixture::example();
    let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
    let before = SearchIndex::open(&fx.out.join(INDEX_DIR)).unwrap();
    assert!(found(&before, "wombatine").is_empty());
    let docs = before.num_docs();
    let published = load_site(&fx.root, false).published;
    assert_eq!(
        docs as usize,
        published.iter().filter(|p| **p).count(),
        "the index holds the published documents"
    );

    replace(
        &fx.content("work-instructions/continuity-test.md"),
        "## Before the test {#before}",
        "Bring a flask of wombatine.\n\n## Before the test {#before}",
    );
    write_doc(
        &fx.root,
        "procedures/quokka.md",
        NEW_DOC,
        "# Quokka Handling Procedure\n\nEvery marsupial is logged.",
    );
    let index = fx.update(&mut live, &["SMS-WI-002", "SMS-TST-001"], &[]);
    assert_eq!(found(&index, "wombatine"), ["SMS-WI-002"]);
    assert_eq!(found(&index, "marsupials"), ["SMS-TST-001"], "stemmed");
    assert_eq!(found(&index, "id:sms-tst-001"), ["SMS-TST-001"]);
    assert_eq!(found(&index, "title:quokka")[0], "SMS-TST-001");
    assert_eq!(index.num_docs(), docs + 1, "the edit replaced its document");
    // The text before the edit is still found, once.
    assert_eq!(
        found(&index, "\"Service Continuity Test\"")
            .iter()
            .filter(|id| *id == "SMS-WI-002")
            .count(),
        1
    );

    std::fs::remove_file(fx.content("procedures/quokka.md")).unwrap();
    replace(
        &fx.content("work-instructions/continuity-test.md"),
        "status = \"approved\"",
        "status = \"draft\"",
    );
    let index = fx.update(&mut live, &[], &["SMS-TST-001", "SMS-WI-002"]);
    assert!(found(&index, "wombatine").is_empty());
    assert!(found(&index, "quokka").is_empty());
    assert_eq!(index.num_docs(), docs - 1);
    // The reader opened before the updates still answers, as it was.
    assert!(found(&before, "wombatine").is_empty());
    assert_eq!(before.num_docs(), docs);
}

/// Hits of a query: (id, score), best first.
fn scored(index: &SearchIndex, query: &str) -> Vec<(String, u64)> {
    index
        .search(&SearchRequest {
            query: query.to_string(),
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .results
        .into_iter()
        .map(|h| (h.id, h.score))
        .collect()
}

#[test]
fn scores_after_an_update_are_a_full_builds() {
    // After an update, search answers exactly as after a full build of the same sources: the same documents, order and scores (every document is indexed again, so document counts are a full build's).
    let fx = Fixture::example();
    let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
    replace(
        &fx.content("work-instructions/continuity-test.md"),
        "## Before the test {#before}",
        "A change freeze applies during incident tests.\n\n## Before the test {#before}",
    );
    let index = fx.update(&mut live, &["SMS-WI-002"], &[]);
    let full = fx.tmp.path().join("full");
    build_ok(&fx.root, &full, false);
    let fresh = SearchIndex::open(&full.join(INDEX_DIR)).unwrap();
    for query in [
        "change",
        "incident test",
        "continuity",
        "8.1",
        "supplier",
        "sms-wi-002",
    ] {
        let live_hits = scored(&index, query);
        let fresh_hits = scored(&fresh, query);
        assert!(!fresh_hits.is_empty(), "`{query}` finds nothing");
        assert_eq!(
            live_hits, fresh_hits,
            "`{query}` after the update and in a full build"
        );
    }
}

#[test]
fn readers_keep_working_while_updates_commit() {
    // The server answers searches on other threads with the previous reader while updates commit and collect old segment files: it keeps finding what a full build of those sources finds.
    let fx = Fixture::example();
    // The expectation, from an index of its own: a full build of the
    // sources before the updates.
    let before = SearchIndex::open(&fx.full_build("before").join(INDEX_DIR)).unwrap();
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let expected = sorted(found(&before, "continuity"));
    assert!(expected.contains(&"SMS-WI-002".to_string()), "{expected:?}");
    assert!(found(&before, "round").is_empty(), "`round` is new text");

    let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
    let old = std::sync::Arc::new(SearchIndex::open(&fx.out.join(INDEX_DIR)).unwrap());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let searcher = {
        let (old, done) = (old.clone(), done.clone());
        std::thread::spawn(move || {
            // Search until the updates are over, then once more.
            let mut answers = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                answers.push(found(&old, "continuity"));
                if finished {
                    return answers;
                }
            }
        })
    };
    let wi = fx.content("work-instructions/continuity-test.md");
    let mut index = None;
    for round in 0..4 {
        replace(
            &wi,
            "## Before the test",
            &format!("Round {round}.\n\n## Before the test"),
        );
        index = Some(fx.update(&mut live, &["SMS-WI-002"], &[]));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let answers = searcher.join().unwrap();
    assert!(answers.len() >= 2, "searched {} times", answers.len());
    for a in &answers {
        assert_eq!(
            sorted(a.clone()),
            expected,
            "the old reader's answer changed"
        );
        assert_eq!(a, &answers[0], "the old reader's ranking changed");
    }
    // The old reader still sees the sources before the updates; the
    // updated one sees the rounds.
    assert!(found(&old, "round").is_empty());
    assert_eq!(found(&index.unwrap(), "round"), ["SMS-WI-002"]);
}

#[test]
fn a_full_build_after_updates_replaces_the_index_cleanly() {
    // The writer's lock file and commits stay in the old folder: a later full build writes a working index, and a new LiveSearch opens it.
    let fx = Fixture::example();
    let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
    assert!(
        LiveSearch::open(&fx.out, &load_site(&fx.root, false)).is_err(),
        "one writer per index"
    );
    let wi = fx.content("work-instructions/continuity-test.md");
    replace(
        &wi,
        "## Before the test",
        "Wombatine.\n\n## Before the test",
    );
    fx.update(&mut live, &["SMS-WI-002"], &[]);

    // A full build while the LiveSearch is still open: it swaps a new
    // folder in, which the open LiveSearch refuses to touch.
    replace(&wi, "Wombatine.", "Numbatine.");
    build_ok(&fx.root, &fx.out, false);
    let err = live
        .update(
            &std::sync::Arc::new(load_site(&fx.root, false)),
            &["SMS-WI-002"],
            &[],
        )
        .err()
        .expect("the old LiveSearch refuses the new folder");
    assert!(err.contains("replaced"), "{err}");
    let index = SearchIndex::open(&fx.out.join(INDEX_DIR)).unwrap();
    assert_eq!(found(&index, "numbatine"), ["SMS-WI-002"]);
    assert!(found(&index, "wombatine").is_empty());

    // A new LiveSearch on the new folder, while the old one still lives.
    let mut again = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
    drop(live);
    replace(&wi, "Numbatine.", "Dunnartine.");
    let index = fx.update(&mut again, &["SMS-WI-002"], &[]);
    assert_eq!(found(&index, "dunnartine"), ["SMS-WI-002"]);

    // Dropped, then a full build into the same folder, twice (the second
    // reuses the folder the LiveSearch wrote into).
    drop(again);
    let mut previous = "Dunnartine.";
    for word in ["Bilbyine.", "Potorooine."] {
        replace(&wi, previous, word);
        build_ok(&fx.root, &fx.out, false);
        let index = SearchIndex::open(&fx.out.join(INDEX_DIR)).unwrap();
        let term = word.trim_end_matches('.').to_lowercase();
        assert_eq!(found(&index, &term), ["SMS-WI-002"]);
        assert!(found(&index, "dunnartine").is_empty());
        let mut live = LiveSearch::open(&fx.out, &load_site(&fx.root, false)).unwrap();
        let index = fx.update(&mut live, &["SMS-WI-002"], &[]);
        assert_eq!(found(&index, &term), ["SMS-WI-002"]);
        previous = word;
    }
}
