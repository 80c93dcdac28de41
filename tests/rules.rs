//! The rules an auditor relies on: excluded clauses that have evidence,
//! "not applicable" (ISO 9001:2015), required documents, the three reasons
//! a clause has no related clause, derived coverage only from standards in
//! scope, heading references, pair strengths, dates written wrong, review
//! dates that must not stop publication, the harmonized-structure
//! correspondence of the current editions and `clausebook init` for them.
//!
//! The sites are in `tests/fixtures/rules/` and `tests/fixtures/sites/`;
//! every run but those of the quick start passes the fixed `--today`.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn rules_fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/rules").join(name)
}

/// The JSON report of `clausebook check` (any exit code).
fn check_json(root: &Path) -> Value {
    let run = check_cli(root, "json", &[]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// (rule, level, file:line:column, message) of each finding.
fn findings(v: &Value) -> Vec<(String, String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}:{}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"]
                ),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn of_rule(v: &Value, rule: &str) -> Vec<(String, String, String, String)> {
    findings(v).into_iter().filter(|f| f.0 == rule).collect()
}

/// The check report's entry of a clause.
fn clause<'a>(v: &'a Value, standard: &str, number: &str) -> &'a Value {
    v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["standard"] == standard)
        .unwrap()["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == number)
        .unwrap_or_else(|| panic!("no clause {number}"))
}

/// A coverage export's row of a clause.
fn export_row<'a>(v: &'a Value, number: &str) -> &'a Value {
    v["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == number)
        .unwrap_or_else(|| panic!("no clause {number}"))
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn build(root: &Path, tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    build_cli(root, &out, &[]).assert_code(0);
    out
}

// ------------------------------------------------------------ exclusions

#[test]
fn every_approved_document_addressing_an_excluded_clause_is_reported() {
    // Each approved document addressing an excluded clause (or one below an excluded heading) is a warning at its reference; the heading's exclusion names the subclauses it takes.
    let v = check_json(&rules_fixture("excluded-evidence"));
    assert_eq!(
        of_rule(&v, "excluded-with-evidence")
            .iter()
            .map(|f| (f.1.as_str(), f.2.as_str()))
            .collect::<Vec<_>>(),
        [
            ("warning", "content/design.md:11:13"),
            ("warning", "content/property-a.md:11:13"),
            ("warning", "content/property-b.md:11:13"),
        ]
    );
    assert!(
        of_rule(&v, "excluded-with-evidence")[0]
            .3
            .contains("(through 7.3)")
    );
    let scope = of_rule(&v, "exclusion-scope");
    assert_eq!(scope.len(), 1, "{scope:?}");
    assert_eq!(scope[0].2, "clausebook.toml:10:14");
    assert!(
        scope[0].3.ends_with(
            "excludes its subclauses too: 7.3.1, 7.3.2, 7.3.3, 7.3.4, 7.3.5, 7.3.6, 7.3.7"
        ),
        "{scope:?}"
    );
    // The evidence decides: the exclusion is not in effect where approved
    // documents address the clause, and says so.
    for (number, state, contested) in [
        ("7.5.4", "full", true),
        ("7.3.1", "full", true),
        ("7.3.2", "excluded", false),
        ("7.5.2", "excluded", false),
    ] {
        let c = clause(&v, "iso9001:2008", number);
        assert_eq!(c["state"], state, "{number}");
        assert_eq!(c["exclusion_contested"], contested, "{number}");
        assert!(c["exclusion"].is_string(), "{number}");
    }
    assert_eq!(clause(&v, "iso9001:2008", "7.5.4")["finding"], "warning");
}

#[test]
fn no_export_or_page_says_excluded_while_listing_evidence() {
    // A clause shown as excluded has no approved document; a contested exclusion is shown as not in effect.
    let tmp = tempdir();
    let out = build(&rules_fixture("excluded-evidence"), tmp.path());
    let cov: Value =
        serde_json::from_str(&read(&out, "exports/coverage-iso9001-2008.json")).unwrap();
    let mut excluded = 0;
    for c in cov["clauses"].as_array().unwrap() {
        if c["coverage"] == "excluded" {
            excluded += 1;
            assert!(
                c["documents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|d| d["status"] != "approved"),
                "{c}"
            );
        }
    }
    assert_eq!(excluded, 7, "7.3.2-7.3.7 and 7.5.2");
    assert_eq!(export_row(&cov, "7.5.4")["coverage"], "full");
    assert_eq!(export_row(&cov, "7.5.4")["exclusion_contested"], true);
    let csv = read(&out, "exports/coverage-iso9001-2008.csv");
    let line = csv.lines().find(|l| l.contains(",7.5.4,")).unwrap();
    assert!(
        line.contains(",full,PRP-1; PRP-2; PRP-3 [draft],"),
        "{line}"
    );
    let page = read(&out, "standards/iso9001-2008/7.5.4/index.html");
    assert!(page.contains("<strong>Not in effect:</strong>"), "{page}");
    let register = read(&out, "exclusions/index.html");
    assert!(
        register.contains("Takes its subclauses with it: 7.3.1, 7.3.2"),
        "{register}"
    );
    assert!(register.contains("<strong>Not in effect:</strong> approved documents address it."));
}

#[test]
fn not_applicable_has_its_own_state_everywhere_and_warns_where_it_rarely_holds() {
    // ISO 9001:2015 "not applicable" is not "excluded": its own JSON state, JUnit skip message, export state and page label; a heading or a clause outside 7.1.5 and 8 warns.
    let root = rules_fixture("not-applicable");
    let v = check_json(&root);
    let scope: Vec<(String, String)> = of_rule(&v, "exclusion-scope")
        .into_iter()
        .map(|f| (f.2, f.3))
        .collect();
    assert_eq!(scope.len(), 2, "{scope:?}");
    assert_eq!(scope[0].0, "clausebook.toml:10:14");
    assert!(
        scope[0]
            .1
            .contains("8.3 has subclauses: claiming it not applicable takes 8.3.1")
    );
    assert_eq!(scope[1].0, "clausebook.toml:11:14");
    assert!(
        scope[1].1.contains("5.1.2 is outside the clauses where"),
        "{scope:?}"
    );
    assert!(scope[1].1.ends_with("(7.1.5 and 8)"), "{scope:?}");
    for n in ["5.1.2", "7.1.5.2", "8.3.1", "8.3.6"] {
        assert_eq!(
            clause(&v, "iso9001:2015", n)["state"],
            "not-applicable",
            "{n}"
        );
    }
    let stats = &v["coverage"][0];
    assert_eq!(
        (stats["not_applicable"].as_u64(), stats["excluded"].as_u64()),
        (Some(8), Some(0))
    );

    let junit = check_cli(&root, "junit", &[]).stdout;
    assert!(
        junit.contains("name=\"5.1.2 Customer focus\"><skipped message=\"not applicable: We have no customers.\"/>"),
        "{junit}"
    );
    assert!(!junit.contains("skipped message=\"excluded"), "{junit}");

    let tmp = tempdir();
    let out = build(&root, tmp.path());
    let csv = read(&out, "exports/coverage-iso9001-2015.csv");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("iso9001:2015,5.1.2,") && l.contains(",not-applicable,"))
    );
    assert!(!csv.contains(",excluded,"), "{csv}");
    let page = read(&out, "standards/iso9001-2015/5.1.2/index.html");
    assert!(
        page.contains("<span class=\"cov cov-not-applicable\">Not applicable</span>"),
        "{page}"
    );
    assert!(
        page.contains("<strong>Not applicable.</strong> We have no customers."),
        "{page}"
    );
    assert!(!page.contains("Excluded"), "{page}");
    let dashboard = read(&out, "standards/iso9001-2015/coverage/index.html");
    assert!(dashboard.contains("<span class=\"stat-label\">Not applicable</span>"));
}

// ------------------------------------------------------------ mappings

#[test]
fn three_wordings_for_a_clause_without_a_related_clause() {
    // A heading, a clause the mapping marks as having no counterpart and a clause it says nothing of are told apart on clause and matrix pages and in the matrix CSV.
    let tmp = tempdir();
    let out = build_site(&fixture("coverage"), tmp.path(), &[]);
    let page = |n: &str| read(&out, &format!("standards/acme-a-1/{n}/index.html"));
    assert!(
        page("4.6")
            .contains("No counterpart: the mapping marks this clause as having no related clause.")
    );
    assert!(
        page("4.2").contains("Not related by this mapping: it says nothing about this clause.")
    );
    assert!(page("4").contains("A heading: its subclauses carry the relations."));
    for p in [page("4.6"), page("4.2"), page("4")] {
        assert!(!p.contains("the mapping marks this clause as having no counterpart"));
    }
    let matrix = read(&out, "matrix/acme-a-1--acme-b-1/index.html");
    assert!(matrix.contains("no counterpart (marked by the mapping)"));
    assert!(matrix.contains("not related by this mapping"));
    assert!(matrix.contains("heading: see its subclauses"));
    let csv = read(&out, "exports/matrix-acme-a-1--acme-b-1.csv");
    let row = |n: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("acme-a:1,{n},")))
            .unwrap()
            .to_string()
    };
    assert!(row("4.6").ends_with(",no-counterpart"), "{}", row("4.6"));
    assert!(row("4.2").ends_with(",not-covered"), "{}", row("4.2"));
    assert!(row("4").ends_with(",heading"), "{}", row("4"));

    // The example's TR 90006 matrix: nil clauses and headings, nothing unstated.
    let (_, ex) = example_build();
    let nil = read(ex, "standards/iso9001-2008/5.4.1/index.html");
    assert!(nil.contains("No counterpart: the mapping marks this clause"));
    let heading = read(ex, "standards/iso20000-1-2011/6.3/index.html");
    assert!(heading.contains("A heading: its subclauses carry the relations."));
    let csv = read(ex, "exports/matrix-iso9001-2008--iso20000-1-2011.csv");
    assert!(
        !csv.contains(",not-covered"),
        "TR 90006 covers every clause"
    );
    assert_eq!(csv.matches(",no-counterpart").count(), 12);
}

#[test]
fn pair_strengths_show_on_pages_and_in_exports() {
    // A pair's optional strength (closely or partially related) reaches the clause and matrix pages, the CSV and the JSON.
    let tmp = tempdir();
    let out = build_site(&fixture("coverage"), tmp.path(), &[]);
    let page = read(&out, "standards/acme-a-1/4.3/index.html");
    assert!(
        page.contains("<td>related (closely related)</td>"),
        "{page}"
    );
    let matrix = read(&out, "matrix/acme-a-1--acme-b-1/index.html");
    assert!(matrix.contains("(partially related)"));
    let csv = read(&out, "exports/matrix-acme-a-1--acme-b-1.csv");
    assert!(
        csv.contains(",1.1,Addressed directly,related,closely,"),
        "{csv}"
    );
    let json: Value =
        serde_json::from_str(&read(&out, "exports/matrix-acme-a-1--acme-b-1.json")).unwrap();
    let strengths: Vec<&Value> = json["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["strength"])
        .collect();
    assert_eq!(
        strengths,
        [
            &Value::Null,
            &Value::from("closely"),
            &Value::from("partially")
        ]
    );
}

#[test]
fn derived_coverage_comes_only_from_standards_in_scope() {
    // With ACME B out of scope, a document on B 1.1 no longer makes A 4.3 "derived only"; in scope, the clause page names the relation that gives the state.
    let tmp = tempdir();
    let out = build_site(&fixture("coverage"), tmp.path(), &[]);
    let page = read(&out, "standards/acme-a-1/4.3/index.html");
    assert!(page.contains("Derived only: no document addresses this clause itself; approved documents address the related"), "{page}");
    assert!(
        page.contains("ACME B:1 1.1 Addressed directly</a>")
            || page.contains("1.1 Addressed directly</a>"),
        "{page}"
    );

    let tmp = tempdir();
    let root = copy_fixture("coverage", tmp.path());
    replace(
        &root.join("clausebook.toml"),
        "standards = [\"acme-a:1\", \"acme-b:1\"]",
        "standards = [\"acme-a:1\"]",
    );
    let out = tmp.path().join("out");
    build_cli(&root, &out, &[]).assert_code(0);
    let cov: Value = serde_json::from_str(&read(&out, "exports/coverage-acme-a-1.json")).unwrap();
    assert_eq!(export_row(&cov, "4.3")["coverage"], "gap");
    assert_eq!(export_row(&cov, "4.3")["derived"], Value::Array(vec![]));
}

#[test]
fn a_reference_to_a_heading_warns_naming_its_subclauses() {
    // A heading carries no requirement: referencing it covers nothing, so the reference warns with the subclauses to pick from.
    let v = check_json(&fixture("coverage"));
    let f = of_rule(&v, "heading-reference");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1, "warning");
    assert!(f[0].2.starts_with("content/full.md:11:"), "{f:?}");
    assert!(
        f[0].3
            .contains("4.9 Heading referenced directly is a heading"),
        "{f:?}"
    );
    let help = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "heading-reference")
        .unwrap()["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(help, "name the subclauses the document addresses: 4.9.1");
}

#[test]
fn the_headline_shows_full_and_partial_apart() {
    // The dashboard leads with the share addressed in full, then with the partial ones.
    let tmp = tempdir();
    let out = build_site(&fixture("coverage"), tmp.path(), &[]);
    let page = read(&out, "standards/acme-a-1/coverage/index.html");
    assert!(
        page.contains("<strong>40.0%</strong> of the requirement clauses addressed in full; <strong>60.0%</strong> with those addressed only partially."),
        "{page}"
    );
}

// ------------------------------------------------------------ front-matter

#[test]
fn an_invalid_unquoted_date_is_an_invalid_date_finding_beside_the_other_errors() {
    // `review_by = 2026-02-30` (no quotes) is an invalid-date finding at its value, and the file's other errors are still reported.
    let tmp = tempdir();
    let root = write_site(
        tmp.path(),
        "title = \"T\"\nstandards = [\"iso20000-1:2011\"]\n[check]\ncoverage = \"allow\"\nrequired-document = \"allow\"\n",
        &[(
            "a.md",
            "+++\nid = \"A-1\"\ntitle = \"A\"\nkind = \"memo\"\nowner = \"O\"\nversion = \"1\"\nreview_by = 2026-02-30\n+++\n\nText.\n",
        )],
    );
    let v = check_json(&root);
    let dates = of_rule(&v, "invalid-date");
    assert_eq!(dates.len(), 1, "{:?}", findings(&v));
    assert_eq!(dates[0].1, "error");
    assert_eq!(dates[0].2, "content/a.md:7:13");
    assert!(dates[0].3.contains("`2026-02-30`"), "{dates:?}");
    let fm = of_rule(&v, "front-matter");
    assert!(
        fm.iter().any(|f| f.3.contains("unknown kind `memo`")),
        "the other error of the file is reported too: {:?}",
        findings(&v)
    );
}

// ------------------------------------------------------------ the calendar

/// Run the README's quick start (build the example; init, build and check
/// a site of one's own) with `env`, and assert each step succeeds.
fn quick_start(env: &[(&str, &str)]) {
    let tmp = tempdir();
    let example = tmp.path().join("example");
    copy_example_site(&example);
    let run = |cwd: &Path, args: &[&str]| {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        run_cli_env(Some(cwd), &args, env)
    };
    let built = run(&example, &["build"]);
    built.assert_code(0);
    assert!(example.join("public/index.html").is_file());
    run(tmp.path(), &["init", "my-sms"]).assert_code(0);
    run(tmp.path(), &["build", "--root", "my-sms"]).assert_code(0);
    assert!(tmp.path().join("my-sms/public/index.html").is_file());
    run(tmp.path(), &["check", "--root", "my-sms"]).assert_code(0);
}

#[test]
fn the_quick_start_works_today_without_pinning_the_date() {
    // The README's commands, run as a reader runs them: no --today, no CLAUSEBOOK_TODAY.
    quick_start(&[]);
}

#[test]
fn the_quick_start_works_ten_years_from_now() {
    // With "today" ten years ahead (CLAUSEBOOK_TODAY, as for every command without --today), the example still publishes: lapsed reviews are flagged, not fatal.
    quick_start(&[("CLAUSEBOOK_TODAY", "2036-11-23")]);
    let tmp = tempdir();
    let example = tmp.path().join("example");
    copy_example_site(&example);
    let run = run_cli_env(
        Some(&example),
        &["build".as_ref()],
        &[("CLAUSEBOOK_TODAY", "2036-11-23")],
    );
    assert!(
        run.stderr.contains("warning: [review-overdue]"),
        "{}",
        run.stderr
    );
    let dashboard = read(
        &example.join("public"),
        "standards/iso20000-1-2011/coverage/index.html",
    );
    assert!(
        dashboard.contains("overdue for review"),
        "the dashboard flags the lapsed reviews"
    );
    // `check`, the gate, fails on them.
    let check = run_cli_env(
        Some(&example),
        &["check".as_ref()],
        &[("CLAUSEBOOK_TODAY", "2036-11-23")],
    );
    check.assert_code(1);
    let bad = run_cli_env(
        Some(&example),
        &["check".as_ref()],
        &[("CLAUSEBOOK_TODAY", "someday")],
    );
    bad.assert_code(2);
    assert!(
        bad.stderr
            .contains("CLAUSEBOOK_TODAY=\"someday\" is not a date"),
        "{}",
        bad.stderr
    );
}

// ------------------------------------------------------------ current editions

#[test]
fn an_init_site_of_the_current_editions_gets_matrix_grid_and_exports() {
    // `clausebook init` writes an ISO/IEC 20000-1:2018 and ISO 9001:2015 site whose build has the harmonized-structure matrix, grid and exports, labelled for what they are.
    let tmp = tempdir();
    let site = tmp.path().join("sms");
    run_cli(&[
        "init".as_ref(),
        site.as_os_str(),
        "--today".as_ref(),
        TODAY.as_ref(),
    ])
    .assert_code(0);
    let config = std::fs::read_to_string(site.join("clausebook.toml")).unwrap();
    assert!(
        config.contains("standards = [\"iso20000-1:2018\", \"iso9001:2015\"]"),
        "{config}"
    );
    let policy =
        std::fs::read_to_string(site.join("content/policies/service-management-policy.md"))
            .unwrap();
    assert!(
        policy.contains("clauses = [\"iso20000-1:2018/5.2.1\", \"iso9001:2015/5.2.2\"]"),
        "{policy}"
    );
    for f in [
        "policies/service-management-policy.md",
        "procedures/change.md",
        "processes/service-level-management.md",
        "forms/rfc.md",
    ] {
        let text = std::fs::read_to_string(site.join("content").join(f)).unwrap();
        assert!(
            text.contains("status = \"") || text.contains("status: "),
            "{f} says its status"
        );
    }
    let out = tmp.path().join("out");
    build_cli(&site, &out, &[]).assert_code(0);
    let slug = "iso9001-2015--iso20000-1-2018";
    for f in [
        format!("matrix/{slug}/index.html"),
        format!("matrix/{slug}/reverse/index.html"),
        format!("matrix/{slug}/grid/index.html"),
        format!("exports/matrix-{slug}.csv"),
        format!("exports/matrix-{slug}.json"),
        format!("exports/matrix-{slug}.xlsx"),
    ] {
        assert!(out.join(&f).is_file(), "{f}");
    }
    let matrix = read(&out, &format!("matrix/{slug}/index.html"));
    assert!(
        matrix.contains("not a published ISO mapping"),
        "the matrix page says what it is"
    );
    assert!(
        matrix.contains("not related by this correspondence"),
        "and what it does not cover"
    );
    let json: Value =
        serde_json::from_str(&read(&out, &format!("exports/matrix-{slug}.json"))).unwrap();
    assert_eq!(json["pairs"].as_array().unwrap().len(), 20);
    assert!(
        json["mapping"]["description"]
            .as_str()
            .unwrap()
            .contains("harmonized-structure correspondence")
    );
    // Related clauses on the clause pages, and the service clauses said to
    // be outside the correspondence.
    let c41 = read(&out, "standards/iso9001-2015/4.1/index.html");
    assert!(c41.contains("Related clauses of ISO/IEC 20000-1:2018"));
    assert!(c41.contains("standards/iso20000-1-2018/4.1/index.html"));
    let c824 = read(&out, "standards/iso20000-1-2018/8.2.4/index.html");
    assert!(c824.contains("Not related by this mapping"), "{c824}");
}

#[test]
fn init_writes_samples_for_the_editions_asked_for() {
    // --standards picks the editions the samples reference; an edition without samples is a usage error naming those there are.
    let tmp = tempdir();
    let site = tmp.path().join("old");
    run_cli(&[
        "init".as_ref(),
        site.as_os_str(),
        "--standards".as_ref(),
        "iso20000-1:2011,iso9001:2008".as_ref(),
        "--today".as_ref(),
        TODAY.as_ref(),
    ])
    .assert_code(0);
    let change = std::fs::read_to_string(site.join("content/procedures/change.md")).unwrap();
    assert!(
        change.contains("clauses = [\"iso20000-1:2011/9.2\", \"iso9001:2008/7.3.7\"]"),
        "{change}"
    );
    assert!(
        change.contains("effective = 2026-11-23"),
        "dated from --today"
    );
    let out = tmp.path().join("out");
    build_cli(&site, &out, &[]).assert_code(0);
    assert!(
        out.join("matrix/iso9001-2008--iso20000-1-2011/index.html")
            .is_file()
    );
    check_cli(&site, "human", &[]).assert_code(0);

    let bad = run_cli(&[
        "init".as_ref(),
        tmp.path().join("x").as_os_str(),
        "--standards".as_ref(),
        "iso27001:2022".as_ref(),
    ]);
    bad.assert_code(2);
    assert!(
        bad.stderr
            .contains("no sample documents for `iso27001:2022`"),
        "{}",
        bad.stderr
    );
}

// ------------------------------------------------------------ the README

#[test]
fn the_readme_rule_table_and_export_columns_match_the_code() {
    // Every rule of the code is in the README's table with its default level, and nothing else is; the CSV columns the README lists are those written.
    use clausebook::check::rules::RULES;
    use clausebook::load::config::RuleLevel;
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let table = readme
        .split("| rule | default | finds |")
        .nth(1)
        .expect("the rules table")
        .split("\n\n")
        .next()
        .unwrap();
    let mut listed: Vec<(String, String)> = Vec::new();
    for row in table.lines().skip(2) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let level = cells[1].trim().to_string();
        for id in cells[0].split('`').skip(1).step_by(2) {
            listed.push((id.to_string(), level.clone()));
        }
    }
    let expected: Vec<(String, &str)> = RULES
        .iter()
        .map(|r| {
            let level = match (r.configurable, r.default) {
                (false, _) => "always",
                (true, RuleLevel::Deny) => "deny",
                (true, RuleLevel::Warn) => "warn",
                (true, RuleLevel::Allow) => "allow",
            };
            (r.id.to_string(), level)
        })
        .collect();
    assert_eq!(
        listed.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        expected
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        "the README lists the rules of check::rules::RULES, in order"
    );
    for ((id, level), (_, want)) in listed.iter().zip(&expected) {
        assert!(
            level.starts_with(want),
            "{id}: README says `{level}`, the code {want}"
        );
    }

    let tmp = tempdir();
    let out = build_site(&fixture("coverage"), tmp.path(), &[]);
    for (file, marker) in [
        (
            "exports/matrix-acme-a-1--acme-b-1.csv",
            "related clause. Columns: `",
        ),
        (
            "exports/coverage-acme-a-1.csv",
            "catalog order. CSV columns: `",
        ),
    ] {
        let header = read(&out, file)
            .lines()
            .next()
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_string();
        let documented: String = readme
            .split(marker)
            .nth(1)
            .unwrap_or_else(|| panic!("README: no `{marker}`"))
            .split('`')
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(documented.replace(", ", ","), header, "{file}");
    }
}
