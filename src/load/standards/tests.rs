//! Tests of the standards: the built-in data, resolving references, the
//! clause tree, and the located findings of site catalogs and mappings.

use std::path::Path;

use super::loader::Loader;
use super::*;
use crate::base::diag::Level;

fn data() -> Standards {
    Standards::builtin()
}

fn opts<'a>(default: Option<&'a str>, scope: &'a [String]) -> ResolveOptions<'a> {
    ResolveOptions {
        default_standard: default,
        in_scope: scope,
    }
}

fn key(s: &str, c: &str) -> ClauseKey {
    ClauseKey::new(s, c)
}

#[test]
fn builtin_data_loads_without_diagnostics() {
    // The embedded files must be valid, as builtin() asserts at run time.
    let mut loader = Loader::default();
    loader.add_builtin();
    let (s, diags) = loader.finish();
    assert!(diags.is_empty(), "{diags:?}");
    let ids: Vec<&str> = s.catalogs.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "iso20000-1:2011",
            "iso20000-1:2018",
            "iso9001:2008",
            "iso9001:2015"
        ]
    );
    assert_eq!(s.mappings.len(), 2);
}

#[test]
fn clause_counts_match_reference() {
    // The reference lists 58 and 72 clauses for the 2011/2008 editions.
    let s = data();
    let count = |id: &str| s.catalog(id).unwrap().clauses.len();
    assert_eq!(count("iso20000-1:2011"), 58);
    assert_eq!(count("iso9001:2008"), 72);
    assert_eq!(count("iso20000-1:2018"), 80);
    assert_eq!(count("iso9001:2015"), 94);
}

#[test]
fn resolves_every_reference_form() {
    // Authors write references in many styles; all must land on one key.
    let s = data();
    let o = opts(None, &[]);
    let want = key("iso20000-1:2011", "4.3.2");
    for text in [
        "iso20000-1:2011/4.3.2",
        "ISO20000-1:2011/4.3.2",
        "20000-1:2011 4.3.2",
        "ISO/IEC 20000-1:2011 clause 4.3.2",
        "ISO/IEC 20000-1:2011 Clause 4.3.2",
        "ISO/IEC 20000-1:2011 cl. 4.3.2",
        "ISO/IEC 20000-1:2011 § 4.3.2",
        "ISO/IEC 20000-1:2011 §4.3.2",
        "ISO/IEC 20000-1:2011/4.3.2",
        "ISO 20000-1:2011 4.3.2",
        "iso20000-1-2011/4.3.2",
        "  iso/iec   20000-1:2011   clause  4.3.2. ",
        "iso20000-1:2011/4.3.2.",
        "ISO/IEC 20000-1:2011, clause 4.3.2",
    ] {
        assert_eq!(s.resolve(text, &o), Ok(want.clone()), "{text}");
    }
    assert_eq!(
        s.resolve("ISO 9001:2015 clause 7.5.3.1", &o),
        Ok(key("iso9001:2015", "7.5.3.1"))
    );
}

#[test]
fn bare_clause_needs_a_default() {
    // A bare number is only meaningful with a site default standard.
    let s = data();
    assert_eq!(
        s.resolve("4.3.2", &opts(Some("iso20000-1:2011"), &[])),
        Ok(key("iso20000-1:2011", "4.3.2"))
    );
    assert_eq!(
        s.resolve("clause 8.5.2.", &opts(Some("ISO 9001:2008"), &[])),
        Ok(key("iso9001:2008", "8.5.2"))
    );
    let e = s.resolve("4.3.2", &opts(None, &[])).unwrap_err();
    assert_eq!(
        e,
        RefError::NoDefault {
            clause: "4.3.2".into()
        }
    );
    assert!(e.help().unwrap().contains("default_standard"));
}

#[test]
fn unknown_clause_suggests_nearest_number() {
    // A mistyped clause number should point at the likely intended one.
    let s = data();
    let e = s
        .resolve("iso20000-1:2011/4.3.4", &opts(None, &[]))
        .unwrap_err();
    assert_eq!(
        e,
        RefError::UnknownClause {
            standard: "iso20000-1:2011".into(),
            clause: "4.3.4".into(),
            suggestion: Some("4.3.3".into()),
        }
    );
    assert_eq!(e.help().unwrap(), "did you mean `iso20000-1:2011/4.3.3`?");
    assert_eq!(e.to_string(), "`iso20000-1:2011` has no clause `4.3.4`");
    let e = s
        .resolve("ISO 9001:2008 4.33.2", &opts(None, &[]))
        .unwrap_err();
    assert_eq!(e.help().unwrap(), "did you mean `iso9001:2008/4.2.2`?");
    let e = s.resolve("iso9001:2008/8.6", &opts(None, &[])).unwrap_err();
    assert_eq!(e.help().unwrap(), "did you mean `iso9001:2008/8.5`?");
}

#[test]
fn unknown_standard_suggests_closest_id() {
    // A typo in the standard's name should suggest the full reference.
    let s = data();
    let e = s
        .resolve("iso2000-1:2011/4.3.2", &opts(None, &[]))
        .unwrap_err();
    assert_eq!(
        e,
        RefError::UnknownStandard {
            given: "iso2000-1:2011".into(),
            suggestion: Some("iso20000-1:2011/4.3.2".into()),
        }
    );
    assert_eq!(e.help().unwrap(), "did you mean `iso20000-1:2011/4.3.2`?");
    let e = s
        .resolve("iso27001:2022/5.1", &opts(None, &[]))
        .unwrap_err();
    assert!(
        matches!(
            &e,
            RefError::UnknownStandard {
                suggestion: None,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.help().is_some());
}

#[test]
fn malformed_references_are_rejected() {
    // Text that cannot be split into standard and clause is malformed.
    let s = data();
    for text in [
        "",
        "   ",
        "iso20000-1:2011",
        "iso20000-1:2011/",
        "ISO 9001",
        "4..3",
    ] {
        assert!(
            matches!(
                s.resolve(text, &opts(Some("iso9001:2008"), &[])),
                Err(RefError::Malformed { .. })
            ),
            "{text}"
        );
    }
}

#[test]
fn shared_alias_is_resolved_by_scope() {
    // "20000-1" names both editions; the site's scope picks one.
    let s = data();
    let e = s.resolve("20000-1 4.1", &opts(None, &[])).unwrap_err();
    assert_eq!(
        e,
        RefError::Ambiguous {
            given: "20000-1".into(),
            candidates: vec!["iso20000-1:2011".into(), "iso20000-1:2018".into()],
        }
    );
    assert_eq!(
        e.help().unwrap(),
        "write one of `iso20000-1:2011`, `iso20000-1:2018`"
    );
    let scope = vec!["iso20000-1:2018".to_string(), "iso9001:2015".to_string()];
    assert_eq!(
        s.resolve("20000-1 4.1", &opts(None, &scope)),
        Ok(key("iso20000-1:2018", "4.1"))
    );
    assert_eq!(
        s.resolve("ISO 9001 clause 10.2.1", &opts(None, &scope)),
        Ok(key("iso9001:2015", "10.2.1"))
    );
    let both = vec!["iso20000-1:2011".to_string(), "iso20000-1:2018".to_string()];
    assert!(matches!(
        s.find_catalog("ISO/IEC 20000-1", &both),
        Err(RefError::Ambiguous { .. })
    ));
    // A unique alias needs no scope; an exact id wins.
    assert_eq!(
        s.find_catalog("ISO/IEC 20000-1:2011", &both).unwrap().id,
        "iso20000-1:2011"
    );
    assert_eq!(
        s.find_catalog("  ISO   9001:2008 ", &[]).unwrap().id,
        "iso9001:2008"
    );
}

#[test]
fn catalog_names_and_slugs() {
    // Display names and slugs appear in page titles and file names.
    let s = data();
    let c = s.catalog("iso20000-1:2011").unwrap();
    assert_eq!(c.display_name(), "ISO/IEC 20000-1:2011");
    assert_eq!(c.slug(), "iso20000-1-2011");
    assert_eq!(
        s.catalog("iso9001:2008").unwrap().display_name(),
        "ISO 9001:2008"
    );
    let m = s.mapping("tr90006-iso9001-2008--iso20000-1-2011").unwrap();
    assert_eq!(m.slug(), "iso9001-2008--iso20000-1-2011");
    assert_eq!(
        key("iso20000-1:2011", "4.3.2").to_string(),
        "iso20000-1:2011/4.3.2"
    );
}

#[test]
fn display_title_falls_back_to_parent() {
    // ISO 9001:2015 leaves some subclauses untitled; show the parent's.
    let s = data();
    let c = s.catalog("iso9001:2015").unwrap();
    assert_eq!(c.clause("4.4.1").unwrap().title, "");
    assert_eq!(
        c.display_title("4.4.1"),
        "Quality management system and its processes"
    );
    assert_eq!(
        c.display_title("10.2.2"),
        "Nonconformity and corrective action"
    );
    assert_eq!(c.display_title("7.5.2"), "Creating and updating");
    assert_eq!(c.display_title("99"), "");
    let c = s.catalog("iso20000-1:2011").unwrap();
    assert_eq!(c.display_title("4.5.4.1"), "General");
    assert_eq!(c.display_title("4.4.2"), "Human Resources");
}

#[test]
fn clause_tree_navigation() {
    // Children, ancestors, roots and depth drive the catalog pages.
    let s = data();
    let c = s.catalog("iso20000-1:2011").unwrap();
    let numbers = |v: Vec<&Clause>| v.iter().map(|c| c.number.clone()).collect::<Vec<_>>();
    assert_eq!(
        numbers(c.children("4.5.4")),
        ["4.5.4.1", "4.5.4.2", "4.5.4.3"]
    );
    assert_eq!(numbers(c.ancestors("4.5.4.2")), ["4.5.4", "4.5", "4"]);
    assert_eq!(
        numbers(c.roots()),
        ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    );
    assert_eq!(c.clause("4").unwrap().depth, 0);
    assert_eq!(c.clause("4.5.4.2").unwrap().depth, 3);
    assert_eq!(c.descendants("6.3").len(), 3);
    assert!(c.is_normative("4.5.4.2"));
    assert!(c.is_normative("9"));
    assert!(!c.is_normative("1.2"));
    assert!(!c.is_normative("10"));
}

#[test]
fn requirement_clauses_are_normative_leaves() {
    // Coverage is counted over these; headings like 4.5.4 carry none.
    let s = data();
    let c = s.catalog("iso20000-1:2011").unwrap();
    assert!(c.clause("4.5.4").unwrap().is_heading());
    assert!(!c.clause("4.5.4.1").unwrap().is_heading());
    assert!(c.clause("4.2").unwrap().requirements);
    assert!(!c.clause("1.1").unwrap().requirements);
    let req = c.requirement_clauses();
    assert!(req.iter().all(|r| r.children.is_empty()));
    assert_eq!(req.first().unwrap().number, "4.1.1");
    assert_eq!(req.last().unwrap().number, "9.3");
    // Counted from the reference TSVs: normative leaves of clauses 4–9
    // (4–8 for ISO 9001:2008, 4–10 for the 2015/2018 editions).
    let count = |id: &str| s.catalog(id).unwrap().requirement_clauses().len();
    assert_eq!(count("iso20000-1:2011"), 39);
    assert_eq!(count("iso9001:2008"), 51);
    assert_eq!(count("iso20000-1:2018"), 57);
    assert_eq!(count("iso9001:2015"), 65);
}

#[test]
fn exclusion_rules() {
    // Each standard's exclusion rule decides which exclusions are valid.
    let s = data();
    let c = s.catalog("iso20000-1:2011").unwrap();
    assert_eq!(
        c.exclusions.allows(c, "6.6.1"),
        Err("ISO/IEC 20000-1:2011 allows no exclusion".into())
    );
    let c = s.catalog("iso20000-1:2018").unwrap();
    assert!(c.exclusions.allows(c, "8.2.5").is_err());
    let c = s.catalog("iso9001:2008").unwrap();
    assert_eq!(c.exclusions, ExclusionRule::Within(vec!["7".into()]));
    assert_eq!(c.exclusions.allows(c, "7.3.1"), Ok(()));
    assert_eq!(c.exclusions.allows(c, "7.5.4"), Ok(()));
    assert_eq!(
        c.exclusions.allows(c, "8.3"),
        Err("ISO 9001:2008 allows exclusions only of requirements within clause 7".into())
    );
    assert!(c.exclusions.allows(c, "7.9").is_err());
    let c = s.catalog("iso9001:2015").unwrap();
    assert_eq!(c.exclusions, ExclusionRule::NotApplicable);
    assert_eq!(c.exclusions.allows(c, "8.3.1"), Ok(()));
    assert_eq!(c.exclusions.allows(c, "7.1.5.2"), Ok(()));
    assert!(c.exclusions.allows(c, "1").is_err());
    assert!(c.exclusion_note.is_some());
}

#[test]
fn required_documents() {
    // The documents named by the standards feed the "missing document" check.
    let s = data();
    let c = s.catalog("iso9001:2008").unwrap();
    let clauses: Vec<&str> = c
        .required_documents
        .iter()
        .map(|d| d.clause.as_str())
        .collect();
    assert_eq!(
        clauses,
        ["4.2.2", "4.2.3", "4.2.4", "8.2.2", "8.3", "8.5.2", "8.5.3"]
    );
    let c = s.catalog("iso20000-1:2011").unwrap();
    let policy = c.required_documents_for("4.1.2");
    assert_eq!(policy[0].name, "Service management policy");
    assert_eq!(policy[0].kinds, ["policy"]);
    let sla = c.required_documents_for("6.1");
    assert_eq!(sla[1].key, "service-level-agreement");
    assert_eq!(sla[1].kinds, ["agreement"]);
    assert_eq!(sla[1].listed_in.as_deref(), Some("4.3.1 e)"));
}

#[test]
fn mapping_reads_both_ways() {
    // One set of pairs answers questions from either standard's side.
    let s = data();
    let m = s.mapping("tr90006-iso9001-2008--iso20000-1-2011").unwrap();
    assert_eq!(m.pairs.len(), 130);
    assert!(m.pairs.iter().all(|p| p.relation == Relation::Related));
    assert_eq!(m.other_side("iso9001:2008"), Some("iso20000-1:2011"));
    assert_eq!(m.other_side("iso20000-1:2011"), Some("iso9001:2008"));
    assert_eq!(m.other_side("iso9001:2015"), None);
    let right: Vec<&str> = m
        .related_to("iso9001:2008", "4.2.3")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(right, ["4.3.2", "9.1"]);
    let left: Vec<&str> = m
        .related_to("iso20000-1:2011", "4.1.2")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(left, ["5.3"]);
    assert_eq!(s.mappings_for("iso20000-1:2011").count(), 1);
    assert_eq!(s.mappings_for("iso9001:2008").count(), 1);
    let related = s.related(&key("iso20000-1:2011", "9.1"));
    let keys: Vec<String> = related.iter().map(|(k, _, _)| k.to_string()).collect();
    assert_eq!(
        keys,
        [
            "iso9001:2008/4.2.3",
            "iso9001:2008/7.5.3",
            "iso9001:2008/7.5.5"
        ]
    );
    assert_eq!(Relation::default(), Relation::Related);
    assert_eq!(Relation::Subset.reversed(), Relation::Superset);
}

#[test]
fn serializes_for_templates() {
    // Templates and JSON exports see the model through serde.
    let s = data();
    let c = s.catalog("iso9001:2008").unwrap();
    let v = serde_json::to_value(c).unwrap();
    assert_eq!(v["exclusions"]["rule"], "within");
    assert_eq!(v["exclusions"]["within"][0], "7");
    assert!(v.get("index").is_none());
    let v = serde_json::to_value(&s.mappings[0].pairs[0]).unwrap();
    assert_eq!(v["relation"], "related");
    let v = serde_json::to_value(RefError::NoDefault { clause: "1".into() }).unwrap();
    assert_eq!(v["kind"], "no-default");
}

// --- site files ---------------------------------------------------------

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const ISO27001: &str = r#"id = "iso27001:2022"
name = "ISO/IEC 27001"
edition = "2022"
aliases = ["27001"]
normative = ["4", "A"]

[[clause]]
number = "4"
title = "Context of the organization"

[[clause]]
number = "4.1"
title = "Understanding the organization and its context"
parent = "4"

[[clause]]
number = "A"
title = "Information security controls reference"

[[clause]]
number = "A.5"
title = "Organizational controls"
parent = "A"
requirements = true

[[clause]]
number = "A.5.1"
title = "Policies for information security"
parent = "A.5"
"#;

#[test]
fn load_without_folder_is_builtin() {
    // A site without a standards folder just uses the embedded data.
    let dir = site(&[]);
    let (s, diags) = Standards::load(dir.path());
    assert!(diags.is_empty());
    assert_eq!(s.catalogs.len(), data().catalogs.len());
}

#[test]
fn site_catalog_is_added() {
    // Sites certify against standards Clausebook does not ship.
    let dir = site(&[("standards/iso27001.toml", ISO27001)]);
    let (s, diags) = Standards::load(dir.path());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(s.catalogs.len(), 5);
    let c = s.catalog("iso27001:2022").unwrap();
    assert_eq!(c.exclusions, ExclusionRule::None);
    let req: Vec<&str> = c
        .requirement_clauses()
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert_eq!(req, ["4.1", "A.5", "A.5.1"]);
    assert!(c.clause("A").unwrap().is_heading());
    assert!(!c.clause("A.5").unwrap().is_heading());
    assert_eq!(
        s.resolve("27001 a.5.1", &opts(None, &[])),
        Ok(key("iso27001:2022", "A.5.1"))
    );
    // Sorted by id.
    let ids: Vec<&str> = s.catalogs.iter().map(|c| c.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn site_catalog_replaces_builtin_by_id() {
    // A site may correct or shorten a built-in catalog under the same id.
    let own = r#"id = "iso9001:2015"
name = "ISO 9001"
edition = "2015"
normative = ["4"]
[exclusions]
rule = "not-applicable"
[[clause]]
number = "4"
title = "Our context"
"#;
    let dir = site(&[("standards/sub/own-9001.toml", own)]);
    let (s, diags) = Standards::load(dir.path());
    // The built-in correspondence with ISO/IEC 20000-1:2018 names clauses
    // the shortened catalog lacks: one warning, and the pairs that hold.
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0]
            .message
            .starts_with("built-in mapping `hs-iso9001-2015--iso20000-1-2018` ignores 20 pair(s)"),
        "{diags:?}"
    );
    assert_eq!(s.catalogs.len(), 4);
    let c = s.catalog("iso9001:2015").unwrap();
    assert_eq!(c.clauses.len(), 1);
    assert_eq!(c.clause("4").unwrap().title, "Our context");
}

#[test]
fn replacing_a_mapped_catalog_warns_about_builtin_pairs() {
    // A shortened catalog must not leave dangling pairs in built-in mappings.
    let own = "id = \"iso20000-1:2011\"\nnormative = [\"4\"]\n[[clause]]\nnumber = \"4\"\n\n[[clause]]\nnumber = \"4.1.2\"\nparent = \"4\"\n";
    let dir = site(&[("standards/short.toml", own)]);
    let (s, diags) = Standards::load(dir.path());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(!diags[0].is_error());
    assert!(
        diags[0].message.contains("ignores 129 pair(s)"),
        "{diags:?}"
    );
    let m = s.mapping("tr90006-iso9001-2008--iso20000-1-2011").unwrap();
    assert_eq!(m.pairs.len(), 1);
    assert_eq!(
        (m.pairs[0].left.as_str(), m.pairs[0].right.as_str()),
        ("5.3", "4.1.2")
    );
}

#[test]
fn bad_toml_is_located() {
    // Syntax errors must name the file, line and column.
    let dir = site(&[(
        "standards/broken.toml",
        "id = \"x\"\n[[clause]]\nnumber = \"1\"\ntitle = \"unterminated\n",
    )]);
    let (s, diags) = Standards::load(dir.path());
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert!(d.is_error());
    assert_eq!(d.file, Path::new("standards/broken.toml"));
    assert_eq!(d.line, 4);
    assert!(d.column > 0);
    assert_eq!(s.catalogs.len(), 4);
}

#[test]
fn mapping_to_unknown_clause_is_located() {
    // A pair naming a clause the catalog lacks points at the value.
    let mapping = r#"id = "mine"
name = "Mine"
left = "iso9001:2015"
right = "iso20000-1:2018"

[[pair]]
left = "4.1"
right = "4.1"
relation = "equal"

[[pair]]
left = "8.5.7"
right = "8.5.1"
"#;
    let dir = site(&[("standards/mine.toml", mapping)]);
    let (s, diags) = Standards::load(dir.path());
    // The second: it replaces the built-in 2015 ↔ 2018 correspondence.
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(
        diags[1]
            .message
            .starts_with("mapping `mine` replaces the built-in mapping")
    );
    let d = &diags[0];
    assert!(d.is_error());
    assert_eq!(d.file, Path::new("standards/mine.toml"));
    assert_eq!((d.line, d.column), (12, 8));
    assert_eq!(d.message, "clause `8.5.7` is not in catalog `iso9001:2015`");
    assert_eq!(d.help.as_deref(), Some("did you mean `8.5.6`?"));
    let m = s.mapping("mine").unwrap();
    assert_eq!(m.pairs.len(), 1);
    assert_eq!(m.pairs[0].relation, Relation::Equal);
    assert_eq!(s.mappings_for("iso9001:2015").count(), 1);
}

#[test]
fn catalog_validation_errors_are_located() {
    // Each mistake in a site catalog is reported at the offending value.
    let text = r#"id = "bad:1"
normative = ["4", "5"]

[exclusions]
rule = "within"
within = ["9"]

[[required_document]]
clause = "4.9"
name = "Policy"

[[clause]]
number = "4"
title = "A"

[[clause]]
number = "4"
title = "again"

[[clause]]
number = "4.1"
parent = "3"

[[clause]]
title = "no number"
"#;
    let dir = site(&[("standards/bad.toml", text)]);
    let (s, diags) = Standards::load(dir.path());
    let found: Vec<(usize, &str)> = diags.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert!(diags.iter().all(|d| d.is_error()), "{found:?}");
    assert_eq!(
        found,
        [
            (17, "duplicate clause number `4`"),
            (24, "clause has no `number`"),
            (22, "parent `3` of clause `4.1` is not in the catalog"),
            (2, "normative clause `5` is not in the catalog"),
            (6, "clause `9` in `within` is not in the catalog"),
            (9, "required document clause `4.9` is not in the catalog"),
        ]
    );
    assert_eq!(diags[2].help.as_deref(), Some("did you mean `4`?"));
    assert_eq!(
        diags[0].help.as_deref(),
        Some("clause `4` is already defined on line 13")
    );
    // The catalog is still usable for further checks.
    assert_eq!(s.catalog("bad:1").unwrap().clauses.len(), 2);
}

#[test]
fn parent_cycles_and_late_parents() {
    // A parent may follow its child in the file, but cycles are errors.
    let text = "id = \"t\"\n[[clause]]\nnumber = \"z\"\nparent = \"x\"\n[[clause]]\nnumber = \"1.1\"\nparent = \"1\"\n[[clause]]\nnumber = \"1\"\n[[clause]]\nnumber = \"x\"\nparent = \"y\"\n[[clause]]\nnumber = \"y\"\nparent = \"x\"\n";
    let dir = site(&[("standards/t.toml", text)]);
    let (s, diags) = Standards::load(dir.path());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].message.contains("cycle"));
    assert!(diags[0].message.contains("`x`"), "{diags:?}");
    assert_eq!(s.catalog("t").unwrap().ancestors("z").len(), 1);
    let c = s.catalog("t").unwrap();
    assert_eq!(c.clause("1.1").unwrap().depth, 1);
    assert_eq!(c.children("1").len(), 1);
}

#[test]
fn mapping_validation() {
    // Unknown catalogs and relations are errors; duplicate pairs warnings.
    let text = r#"id = "m"
left = "iso9001:2015"
right = "iso9999"

[[pair]]
left = "4.1"
right = "4.1"
"#;
    let dir = site(&[("standards/m.toml", text)]);
    let (s, diags) = Standards::load(dir.path());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!((diags[0].line, diags[0].column), (3, 9));
    assert_eq!(diags[0].message, "unknown standard `iso9999`");
    assert!(s.mapping("m").is_none());

    let text = r#"id = "m"
left = "iso9001:2015"
right = "iso20000-1:2018"

[[pair]]
left = "4.1"
right = "4.1"
relation = "same"

[[pair]]
left = "4.2"
right = "4.2"

[[pair]]
left = "4.2"
right = "4.2"
"#;
    let dir = site(&[("standards/m.toml", text)]);
    let (s, diags) = Standards::load(dir.path());
    let found: Vec<(Level, usize)> = diags.iter().map(|d| (d.level, d.line)).collect();
    assert_eq!(
        found,
        [(Level::Error, 8), (Level::Warning, 14), (Level::Warning, 1)],
        "{diags:?}"
    );
    assert_eq!(s.mapping("m").unwrap().pairs.len(), 1);
}

#[test]
fn unknown_fields_and_unclassified_files() {
    // Typos in keys and files of neither kind are reported, located.
    let dir = site(&[
        (
            "standards/a.toml",
            "id = \"a\"\n[[clause]]\nnumber = \"1\"\nparnt = \"0\"\n",
        ),
        ("standards/b.toml", "id = \"b\"\nname = \"B\"\n"),
    ]);
    let (_, diags) = Standards::load(dir.path());
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert_eq!(diags[0].file, Path::new("standards/a.toml"));
    assert_eq!((diags[0].line, diags[0].column), (4, 1));
    assert_eq!(diags[1].file, Path::new("standards/b.toml"));
    assert_eq!(diags[1].message, "neither a catalog nor a mapping");
}
