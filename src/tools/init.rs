//! `clausebook init`: a new site with a few sample documents that builds at
//! once.

use std::path::Path;

use crate::base::diag::Diagnostic;

const SAMPLE_POLICY: &str = r#"+++
id = "SMS-POL-001"
title = "{POLICY_TITLE}"
kind = "policy"
owner = "Service Manager"
approver = "Managing Director"
version = "1.0"
status = "approved"
effective = {EFFECTIVE}
review_by = {REVIEW}
clauses = {POLICY_CLAUSES}
fulfils = {POLICY_FULFILS}
related = ["SMS-PRO-001"]
tags = ["policy"]
summary = "Why we manage services the way we do, and who answers for it."
+++

## Purpose

This policy states our commitment to deliver services that meet agreed
requirements, and to improve them continually.

## Commitments {#commitments}

- Services are delivered against agreed service levels.
- Every change to a live service follows the [change procedure](SMS-PRO-001).
- The policy is reviewed every year by top management.
"#;

const SAMPLE_PROCEDURE: &str = r#"+++
id = "SMS-PRO-001"
title = "Change Procedure"
kind = "procedure"
owner = "Change Manager"
approver = "Service Manager"
version = "1.0"
status = "approved"
effective = {EFFECTIVE}
review_by = {REVIEW}
clauses = {CHANGE_CLAUSES}
related = ["SMS-POL-001"]
tags = ["change"]
summary = "How a change is requested, assessed, approved and reviewed."
+++

## Steps

1. Raise a request for change with the [form](../forms/rfc.md).
2. The change manager assesses risk and impact.
3. The change advisory board approves or rejects it.
4. After implementation, the change is reviewed.

## Emergency changes {#emergency-changes}

An emergency change may be approved by the duty manager alone; it is
reviewed at the next board meeting.
"#;

const SAMPLE_PROCESS: &str = r#"+++
id = "SMS-PRC-001"
title = "Service Level Management"
kind = "process"
owner = "Service Level Manager"
approver = "Service Manager"
version = "0.3"
status = "draft"
review_by = {REVIEW}
clauses = {SERVICE_LEVEL_CLAUSES}
tags = ["service-level"]
summary = "Agreeing, monitoring and reviewing service levels with customers."
+++

## Scope

Every service in the catalogue has a service level agreement. This process
is being written; see the [policy](SMS-POL-001#commitments) meanwhile.
"#;

const SAMPLE_FORM: &str = r#"---
id: SMS-FRM-001
title: Request for Change Form
kind: form
owner: Change Manager
approver: Service Manager
version: "1.0"
status: approved
effective: {EFFECTIVE}
review_by: {REVIEW}
clauses: {CHANGE_CLAUSES}
related: [SMS-PRO-001]
tags: [change, form]
---

| Field | What to write |
|-------|---------------|
| Title | One line describing the change |
| Reason | Why the change is needed |
| Risk | Low, medium or high, with a sentence why |
| Back-out | How to undo the change |
"#;

/// The editions `init` writes a site for unless told otherwise: the current
/// ones.
pub const DEFAULT_STANDARDS: &[&str] = &["iso20000-1:2018", "iso9001:2015"];

/// The clauses each sample document addresses in one edition: (policy,
/// change, service level, the policy's `fulfils` key).
fn sample_clauses(
    standard: &str,
) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match standard {
        "iso20000-1:2018" => ("5.2.1", "8.5.1.3", "8.3.3", "service-management-policy"),
        "iso20000-1:2011" => ("4.1.2", "9.2", "6.1", "service-management-policy"),
        "iso9001:2015" => ("5.2.2", "8.5.6", "8.2.2", "quality-policy"),
        "iso9001:2008" => ("5.3", "7.3.7", "7.2.2", ""),
        _ => return None,
    })
}

/// What `init` writes for the editions `standards`: the sample documents'
/// placeholders and their values.
fn placeholders(standards: &[String]) -> Vec<(&'static str, String)> {
    type Sample = (&'static str, &'static str, &'static str, &'static str);
    let list = |pick: &dyn Fn(Sample) -> &'static str| -> String {
        let items: Vec<String> = standards
            .iter()
            .filter_map(|s| sample_clauses(s).map(|c| format!("\"{s}/{}\"", pick(c))))
            .collect();
        format!("[{}]", items.join(", "))
    };
    let fulfils: Vec<String> = standards
        .iter()
        .filter_map(|s| sample_clauses(s).map(|c| c.3))
        .filter(|k| !k.is_empty())
        .map(|k| format!("\"{k}\""))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let service = standards.iter().any(|s| s.starts_with("iso20000"));
    let quality = standards.iter().any(|s| s.starts_with("iso9001"));
    let title = match (service, quality) {
        (true, true) => "Service and Quality Management Policy",
        (false, true) => "Quality Policy",
        _ => "Service Management Policy",
    };
    vec![
        ("{POLICY_TITLE}", title.to_string()),
        ("{POLICY_CLAUSES}", list(&|c| c.0)),
        ("{POLICY_FULFILS}", format!("[{}]", fulfils.join(", "))),
        ("{CHANGE_CLAUSES}", list(&|c| c.1)),
        ("{SERVICE_LEVEL_CLAUSES}", list(&|c| c.2)),
    ]
}

/// The editions `init` can write sample documents for.
pub fn known_standards() -> Vec<&'static str> {
    [
        "iso20000-1:2018",
        "iso9001:2015",
        "iso20000-1:2011",
        "iso9001:2008",
    ]
    .to_vec()
}

/// Create a new site in `dir` for the editions `standards` (catalog ids;
/// empty: [`DEFAULT_STANDARDS`]), its sample documents dated from `today`.
pub fn init(
    dir: &Path,
    title: Option<&str>,
    organization: Option<&str>,
    standards: &[String],
    today: jiff::civil::Date,
) -> Result<(), Diagnostic> {
    let standards: Vec<String> = if standards.is_empty() {
        DEFAULT_STANDARDS.iter().map(|s| s.to_string()).collect()
    } else {
        standards.to_vec()
    };
    if let Some(unknown) = standards.iter().find(|s| sample_clauses(s).is_none()) {
        return Err(Diagnostic::error(
            dir.to_path_buf(),
            format!("clausebook init has no sample documents for `{unknown}`"),
        )
        .with_help(format!(
            "--standards takes catalog ids separated by commas: {}",
            known_standards().join(", ")
        )));
    }
    let config = dir.join(crate::load::config::CONFIG_FILE);
    if config.exists() {
        return Err(Diagnostic::error(
            config,
            "a site already exists here; clausebook init never overwrites one",
        )
        .with_help("choose a new folder, or build this site with `clausebook build --root DIR`"));
    }
    let content = dir.join("content");
    if content.is_dir() && std::fs::read_dir(&content).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Diagnostic::error(
            content,
            "content/ already holds files; clausebook init never overwrites them",
        )
        .with_help("create clausebook.toml by hand (see the `clausebook.toml` section of README.md, and `clausebook build --help`) to make this folder a site, or run `clausebook init` on a new folder"));
    }
    let title = title.unwrap_or("Service Management System");
    let organization = organization.unwrap_or("Example Ltd");
    let toml_str = |s: &str| toml::Value::String(s.to_string()).to_string();
    let config_text = format!(
        "# Clausebook site settings: see the configuration reference in Clausebook's README.\n\
title = {}\n\
organization = {}\n\
output = \"public\"\n\
# Standards in scope, by catalog id.\n\
standards = {}\n\
# Standard assumed by bare clause numbers such as \"4.3.2\".\n\
default_standard = {}\n\n\
# Levels of the check rules (see `clausebook check --help`). A new site has\n\
# gaps: raise these to \"deny\" once the documents cover the standard.\n\
[check]\n\
coverage = \"warn\"\n\
required-document = \"warn\"\n",
        toml_str(title),
        toml_str(organization),
        toml::Value::Array(
            standards
                .iter()
                .map(|s| toml::Value::String(s.clone()))
                .collect()
        ),
        toml_str(&standards[0]),
    );
    let values = placeholders(&standards);
    let files: [(&str, &str); 6] = [
        ("clausebook.toml", &config_text),
        (".gitignore", "/public/\n"),
        (
            "content/policies/service-management-policy.md",
            SAMPLE_POLICY,
        ),
        ("content/procedures/change.md", SAMPLE_PROCEDURE),
        (
            "content/processes/service-level-management.md",
            SAMPLE_PROCESS,
        ),
        ("content/forms/rfc.md", SAMPLE_FORM),
    ];
    // Sample dates relative to today, so that the new site has no overdue
    // review whenever it is created.
    let review = today.saturating_add(jiff::Span::new().years(1));
    for (rel, text) in files {
        let mut text = text
            .replace("{EFFECTIVE}", &today.to_string())
            .replace("{REVIEW}", &review.to_string());
        for (k, v) in &values {
            text = text.replace(k, v);
        }
        let path = dir.join(rel);
        if rel == ".gitignore" && path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(parent.to_path_buf(), format!("cannot create folder: {e}"))
            })?;
        }
        std::fs::write(&path, &text)
            .map_err(|e| Diagnostic::error(path.clone(), format!("cannot write: {e}")))?;
    }
    Ok(())
}
