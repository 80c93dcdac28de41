//! The embedded standards data checked against copies of the reference tables
//! (ISO/IEC TR 90006:2013 Tables A.1/B.1 and the standards' tables of
//! contents) kept in `tests/fixtures/reference/`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use clausebook::load::standards::{Catalog, Relation, Standards};
use common::{reference_pairs, reference_rows};

const PAIRS_TSV: &str = "tr90006-iso9001-2008_iso20000-1-2011.pairs.tsv";
const NIL_TSV: &str = "tr90006-no-counterpart.tsv";
const CLAUSES_9001_2008: &str = "iso9001-2008.clauses.tsv";
const CLAUSES_20000_2011: &str = "iso20000-1-2011.clauses.tsv";
const CLAUSES_9001_2015: &str = "iso9001-2015.clauses.tsv";
const CLAUSES_20000_2018: &str = "iso20000-1-2018.clauses.tsv";

const MAPPING: &str = "tr90006-iso9001-2008--iso20000-1-2011";
const ISO9001: &str = "iso9001:2008";
const ISO20000: &str = "iso20000-1:2011";

fn catalog<'a>(s: &'a Standards, id: &str) -> &'a Catalog {
    s.catalog(id)
        .unwrap_or_else(|| panic!("no embedded catalog {id}"))
}

#[test]
fn mapping_equals_reference_pairs() {
    // The embedded mapping must hold exactly the report's 130 pairs, in order.
    let s = Standards::builtin();
    let m = s.mapping(MAPPING).expect("embedded TR 90006 mapping");
    assert_eq!((m.left.as_str(), m.right.as_str()), (ISO9001, ISO20000));
    let embedded: Vec<(String, String)> = m
        .pairs
        .iter()
        .map(|p| (p.left.clone(), p.right.clone()))
        .collect();
    let reference = reference_pairs();
    assert_eq!(reference.len(), 130);
    assert_eq!(embedded, reference);
    let as_set: BTreeSet<_> = embedded.iter().cloned().collect();
    assert_eq!(as_set.len(), 130, "pairs must be distinct");
    assert_eq!(as_set, reference.into_iter().collect::<BTreeSet<_>>());
    assert!(m.pairs.iter().all(|p| p.relation == Relation::Related));
}

#[test]
fn mapping_reads_the_same_in_both_directions() {
    // Table A.1 (9001 as base) and Table B.1 (20000-1 as base) are one set of pairs.
    let s = Standards::builtin();
    let m = s.mapping(MAPPING).unwrap();
    let mut by_9001: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_20000: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (l, r) in reference_pairs() {
        by_9001.entry(l.clone()).or_default().insert(r.clone());
        by_20000.entry(r).or_default().insert(l);
    }
    for row in reference_rows(CLAUSES_9001_2008) {
        let got: BTreeSet<String> = m
            .related_to(ISO9001, row[0].as_str())
            .into_iter()
            .map(|(c, _)| c.to_string())
            .collect();
        assert_eq!(
            got,
            by_9001.get(row[0].as_str()).cloned().unwrap_or_default(),
            "ISO 9001:2008 {}",
            row[0].as_str()
        );
    }
    for row in reference_rows(CLAUSES_20000_2011) {
        let got: BTreeSet<String> = m
            .related_to(ISO20000, row[0].as_str())
            .into_iter()
            .map(|(c, _)| c.to_string())
            .collect();
        assert_eq!(
            got,
            by_20000.get(row[0].as_str()).cloned().unwrap_or_default(),
            "ISO/IEC 20000-1:2011 {}",
            row[0].as_str()
        );
    }
}

#[test]
fn nil_clauses_have_no_pair() {
    // Clauses the report marks "nil" have no related clause in the other standard.
    let s = Standards::builtin();
    let m = s.mapping(MAPPING).unwrap();
    let nil = reference_rows(NIL_TSV);
    assert_eq!(nil.len(), 12);
    for row in nil {
        let id = match row[0].as_str() {
            "ISO 9001:2008" => ISO9001,
            "ISO/IEC 20000-1:2011" => ISO20000,
            other => panic!("unexpected standard {other}"),
        };
        let c = catalog(&s, id);
        assert_eq!(
            c.clause(row[1].as_str()).map(|c| c.title.as_str()),
            Some(row[2].as_str())
        );
        assert!(
            m.related_to(id, row[1].as_str()).is_empty(),
            "{} {} is nil in the report",
            row[0].as_str(),
            row[1].as_str()
        );
        assert!(
            !m.pairs
                .iter()
                .any(|p| (id == ISO9001 && p.left == row[1].as_str())
                    || (id == ISO20000 && p.right == row[1].as_str())),
            "{} {}",
            row[0].as_str(),
            row[1].as_str()
        );
    }
}

#[test]
fn only_headings_and_nil_clauses_lack_a_pair() {
    // Every requirement clause of either standard is mapped unless the report says nil.
    let s = Standards::builtin();
    let m = s.mapping(MAPPING).unwrap();
    let nil: BTreeSet<(String, String)> = reference_rows(NIL_TSV)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].to_string()))
        .collect();
    for (id, shown) in [
        (ISO9001, "ISO 9001:2008"),
        (ISO20000, "ISO/IEC 20000-1:2011"),
    ] {
        let c = catalog(&s, id);
        assert_eq!(c.display_name(), shown);
        for clause in c.requirement_clauses() {
            let paired = !m.related_to(id, &clause.number).is_empty();
            let is_nil = nil.contains(&(shown.to_string(), clause.number.clone()));
            assert!(paired != is_nil, "{shown} {}", clause.number);
        }
        for clause in &c.clauses {
            if clause.is_heading() && c.is_normative(&clause.number) {
                assert!(
                    m.related_to(id, &clause.number).is_empty(),
                    "{shown} {} is a heading",
                    clause.number
                );
            }
        }
    }
}

#[test]
fn pair_titles_match_catalog_titles() {
    // The titles printed beside each pair must be those of the embedded catalogs.
    let s = Standards::builtin();
    let left = catalog(&s, ISO9001);
    let right = catalog(&s, ISO20000);
    for row in reference_rows(PAIRS_TSV) {
        assert_eq!(
            left.display_title(row[0].as_str()),
            row[1].as_str(),
            "9001 {}",
            row[0].as_str()
        );
        assert_eq!(
            right.display_title(row[2].as_str()),
            row[3].as_str(),
            "20000-1 {}",
            row[2].as_str()
        );
    }
}

/// The catalog's clauses as (number, title, parent), in document order.
fn clause_rows(c: &Catalog) -> Vec<(String, String, String)> {
    c.clauses
        .iter()
        .map(|cl| {
            (
                cl.number.clone(),
                cl.title.clone(),
                cl.parent.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn clause_table(tsv: &str) -> Vec<(String, String, String)> {
    reference_rows(tsv)
        .into_iter()
        .map(|r| {
            (
                r[0].clone(),
                r.get(1).cloned().unwrap_or_default(),
                r.get(2).cloned().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn catalogs_equal_reference_clause_tables() {
    // Each embedded catalog must list exactly the reference clauses, titles and parents.
    let s = Standards::builtin();
    for (id, tsv, count) in [
        (ISO9001, CLAUSES_9001_2008, 72),
        (ISO20000, CLAUSES_20000_2011, 58),
        ("iso9001:2015", CLAUSES_9001_2015, 94),
        ("iso20000-1:2018", CLAUSES_20000_2018, 80),
    ] {
        let expected = clause_table(tsv);
        assert_eq!(expected.len(), count, "{id} reference");
        assert_eq!(clause_rows(catalog(&s, id)), expected, "{id}");
    }
}

#[test]
fn requirement_clause_counts() {
    // Coverage percentages count over each catalog's requirement clauses: as many as the reference tables give.
    let s = Standards::builtin();
    for (id, count) in [
        (ISO20000, 39),
        (ISO9001, 51),
        ("iso20000-1:2018", 57),
        ("iso9001:2015", 65),
    ] {
        assert_eq!(catalog(&s, id).requirement_clauses().len(), count, "{id}");
    }
}

// ------------------------------------------------- explicit nil clauses, HS pairs, required documents

#[test]
fn nil_clauses_are_marked_explicitly_in_the_mapping() {
    // TR 90006's 4 + 8 "nil" clauses are stated by the mapping, not guessed from missing pairs.
    let s = Standards::builtin();
    let m = s.mapping(MAPPING).unwrap();
    let mut left = Vec::new();
    let mut right = Vec::new();
    for row in reference_rows(NIL_TSV) {
        match row[0].as_str() {
            "ISO 9001:2008" => left.push(row[1].clone()),
            _ => right.push(row[1].clone()),
        }
    }
    assert_eq!((left.len(), right.len()), (4, 8));
    assert_eq!(m.no_counterpart_left, left);
    assert_eq!(m.no_counterpart_right, right);
}

#[test]
fn three_reasons_for_a_clause_without_a_related_clause() {
    // Headings, clauses marked "nil" and clauses a mapping says nothing of get different reasons.
    use clausebook::load::standards::Unrelated;
    let s = Standards::builtin();
    let m = s.mapping(MAPPING).unwrap();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in [ISO9001, ISO20000] {
        let c = catalog(&s, id);
        for clause in &c.clauses {
            if let Some(u) = m.unrelated(c, &clause.number) {
                *counts.entry(u.as_str()).or_default() += 1;
            }
        }
    }
    // TR 90006 covers both standards whole: every clause without a pair is
    // a heading or marked nil.
    assert_eq!(counts.get("no-counterpart"), Some(&12), "{counts:?}");
    assert_eq!(counts.get("not-covered"), None, "{counts:?}");
    assert_eq!(counts.get("heading"), Some(&30), "{counts:?}");
    // The harmonized-structure correspondence leaves the service clauses of
    // 20000-1:2018 (8.2 and below) and the product clauses of 9001:2015
    // unrelated, and says so as "not covered".
    let hs = s.mapping(HS_MAPPING).unwrap();
    let c18 = catalog(&s, "iso20000-1:2018");
    let c15 = catalog(&s, "iso9001:2015");
    assert_eq!(hs.unrelated(c18, "8.2.4"), Some(Unrelated::NotCovered));
    assert_eq!(hs.unrelated(c18, "8"), Some(Unrelated::Heading));
    assert_eq!(hs.unrelated(c15, "8.5.6"), Some(Unrelated::NotCovered));
    assert_eq!(hs.unrelated(c15, "8.1"), None);
}

const HS_MAPPING: &str = "hs-iso9001-2015--iso20000-1-2018";

#[test]
fn harmonized_structure_correspondence_equals_the_reference_pairs() {
    // The built-in 2015 ↔ 2018 correspondence holds exactly the 20 reference pairs and says what it is.
    let s = Standards::builtin();
    let m = s.mapping(HS_MAPPING).unwrap();
    assert_eq!(
        (m.left.as_str(), m.right.as_str()),
        ("iso9001:2015", "iso20000-1:2018")
    );
    let expected: Vec<(String, String)> =
        reference_rows("hs-iso9001-2015_iso20000-1-2018.pairs.tsv")
            .into_iter()
            .map(|r| (r[0].clone(), r[2].clone()))
            .collect();
    let got: Vec<(String, String)> = m
        .pairs
        .iter()
        .map(|p| (p.left.clone(), p.right.clone()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 20);
    assert!(m.name.contains("not a published ISO mapping"), "{}", m.name);
    let d = m.description.as_deref().unwrap();
    assert!(d.contains("harmonized-structure correspondence"), "{d}");
    assert!(d.contains("not related by this correspondence"), "{d}");
}

#[test]
fn catalogs_hold_every_required_document_of_the_reference() {
    // Each edition's catalog names every document the reference lists, at its clause, with where it is listed.
    let s = Standards::builtin();
    let rows = reference_rows("required-documents.tsv");
    assert_eq!(rows.len(), 31);
    let mut by_standard: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for r in &rows {
        by_standard.entry(r[0].clone()).or_default().push((
            r[1].clone(),
            r[2].clone(),
            r[3].clone(),
        ));
    }
    for (id, expected) in by_standard {
        let c = catalog(&s, &id);
        let got: Vec<(String, String, String)> = c
            .required_documents
            .iter()
            .map(|d| {
                (
                    d.clause.clone(),
                    d.name.clone(),
                    d.listed_in.clone().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(got, expected, "{id}");
        let keys: BTreeSet<&str> = c
            .required_documents
            .iter()
            .map(|d| d.key.as_str())
            .collect();
        assert_eq!(
            keys.len(),
            c.required_documents.len(),
            "{id}: keys are unique"
        );
    }
    // The 2015 quality policy belongs to 5.2.2, not 5.2.1.
    let q = catalog(&s, "iso9001:2015");
    assert!(q.required_documents_for("5.2.1").is_empty());
    assert_eq!(q.required_documents_for("5.2.2")[0].key, "quality-policy");
    // The processes of the 2018 SMS are a set.
    let sms = catalog(&s, "iso20000-1:2018");
    assert!(
        sms.required_documents
            .iter()
            .any(|d| d.key == "sms-processes" && d.set)
    );
}

#[test]
fn an_operational_level_agreement_is_never_inferred_to_be_a_service_level_agreement() {
    // The kind heuristic also needs a fitting title for the SLA and the catalogue of services.
    let s = Standards::builtin();
    let c = catalog(&s, ISO20000);
    let sla = c
        .required_documents
        .iter()
        .find(|d| d.key == "service-level-agreement")
        .unwrap();
    assert!(sla.may_infer("agreement", "Service Level Agreement: Wyvern Logistics Ltd"));
    assert!(sla.may_infer("agreement", "SLA for hosting"));
    assert!(!sla.may_infer("agreement", "Operational Level Agreement: Infrastructure"));
    assert!(!sla.may_infer("policy", "Service Level Agreement"));
    let cat = c
        .required_documents
        .iter()
        .find(|d| d.key == "service-catalogue")
        .unwrap();
    assert!(cat.may_infer("register", "Service Catalogue"));
    assert!(!cat.may_infer("register", "Master List of Documents"));
}
