//! Every problem of a `clausebook.toml` that does not deserialize, found at
//! once: the keys no setting has (with a did-you-mean), each setting whose
//! value has the wrong type, and a missing `title`. serde stops at the
//! first; this walks the file's TOML table key by key instead.

use crate::base::diag::Diagnostic;
use crate::base::text::suggest_from;

/// The configuration file's name (as `config::CONFIG_FILE`, which this
/// file may not import: `config.rs` uses it).
const CONFIG_FILE: &str = "clausebook.toml";

/// The built-in front-matter fields (as `content::KNOWN_KEYS`, which the
/// configuration may not import: content is read after it).
pub const BUILT_IN_FIELDS: [&str; 14] = [
    "id",
    "title",
    "kind",
    "owner",
    "approver",
    "version",
    "status",
    "effective",
    "review_by",
    "clauses",
    "related",
    "tags",
    "summary",
    "fulfils",
];

/// The built-in kinds (as `content::Kind::ALL`, checked by a test there).
pub const BUILT_IN_KINDS: [&str; 10] = [
    "policy",
    "plan",
    "process",
    "procedure",
    "work-instruction",
    "form",
    "register",
    "record",
    "agreement",
    "other",
];

/// The top-level settings of `clausebook.toml`.
pub const TOP_KEYS: &[&str] = &[
    "title",
    "organization",
    "base_url",
    "output",
    "standards",
    "default_standard",
    "clean_links",
    "page_size",
    "unpublished",
    "exclusions",
    "check",
    "exports",
    "markdown",
    "history",
    "fields",
    "kinds",
    "logo",
    "favicon",
    "edit_url",
    "pack_page",
    "extra",
];

/// The keys of the tables whose keys are fixed (the others, `[check]`,
/// `[extra]`, `[fields]`, `[kinds]`, name things of the site's own).
fn table_keys(table: &str) -> Option<&'static [&'static str]> {
    match table {
        "exports" => Some(&["csv_bom"]),
        "markdown" => Some(&["raw_html"]),
        "history" => Some(&["enabled", "baseline", "revisions_per_page"]),
        "exclusions" => Some(&["clause", "justification"]),
        _ => None,
    }
}

/// Every error of `text` (parsed as `table`); `first` is serde's own,
/// precisely located, kept unless it is one of the unknown keys found here.
/// `check` deserializes a table of one setting (and a title), giving its
/// error; `reference` is the help of type errors.
pub fn every_error(
    text: &str,
    table: &toml::Table,
    first: Diagnostic,
    check: impl Fn(toml::Table) -> Option<String>,
    reference: &str,
) -> Vec<Diagnostic> {
    let fallback = first.clone();
    let mut out = Vec::new();
    let mut clean = toml::Table::new();
    for (key, value) in table {
        if !TOP_KEYS.contains(&key.as_str()) {
            out.push(unknown(text, None, key, TOP_KEYS));
            continue;
        }
        let mut value = value.clone();
        if let Some(keys) = table_keys(key) {
            strip_unknown(text, key, keys, &mut value, &mut out);
        }
        clean.insert(key.clone(), value);
    }
    // serde's own error is better located: it keeps its place and takes
    // the message that names the setting.
    let mut first = (!first.message.starts_with("unknown field")).then_some(first);
    for (key, value) in &clean {
        let mut alone = toml::Table::new();
        alone.insert("title".into(), toml::Value::String("t".into()));
        alone.insert(key.clone(), value.clone());
        if let Some(e) = check(alone) {
            let message = format!("`{key}`: {}", e.trim_end());
            let d = at_key(text, None, key, message.clone()).with_help(reference);
            match first.take() {
                Some(mut f) if f.line == d.line => {
                    f.message = message;
                    out.push(f);
                }
                other => {
                    first = other;
                    out.push(d);
                }
            }
        }
    }
    out.extend(first);
    if !table.contains_key("title") {
        out.push(
            Diagnostic::error(CONFIG_FILE, "`title` is missing: every site has a title")
                .at_offset(text, 0, 0)
                .with_help("add a line such as `title = \"Our service management system\"`"),
        );
    }
    if out.is_empty() {
        // Nothing found key by key: serde's error, whatever it is.
        out.push(fallback);
    }
    out.sort_by_key(|d| (d.line, d.column));
    out
}

/// Drop the unknown keys of the table `name` (or of each table of its
/// arrays and sub-tables, as in `[[exclusions."iso9001:2015"]]`), reporting
/// each.
fn strip_unknown(
    text: &str,
    name: &str,
    keys: &[&str],
    value: &mut toml::Value,
    out: &mut Vec<Diagnostic>,
) {
    match value {
        toml::Value::Table(t) if name == "exclusions" => {
            for (_, v) in t.iter_mut() {
                strip_unknown(text, "exclusions.", keys, v, out);
            }
        }
        toml::Value::Array(items) => {
            for v in items {
                strip_unknown(text, name, keys, v, out);
            }
        }
        toml::Value::Table(t) => {
            let unknown_keys: Vec<String> = t
                .keys()
                .filter(|k| !keys.contains(&k.as_str()))
                .cloned()
                .collect();
            for k in unknown_keys {
                out.push(unknown(text, Some(name), &k, keys));
                t.remove(&k);
            }
        }
        _ => {}
    }
}

/// "unknown key `k`", located, with a did-you-mean.
fn unknown(text: &str, table: Option<&str>, key: &str, keys: &[&str]) -> Diagnostic {
    let place = match table.map(|t| t.trim_end_matches('.')) {
        Some(t) => format!(" in [{t}]"),
        None => String::new(),
    };
    at_key(text, table, key, format!("unknown key `{key}`{place}"))
        .with_help(suggest_from(key, keys))
}

/// An error located at `key` of the table `table` (`None`: the top level;
/// a name ending in `.`: any table under it), else at the file.
pub fn at_key(text: &str, table: Option<&str>, key: &str, message: String) -> Diagnostic {
    let d = Diagnostic::error(CONFIG_FILE, message);
    match locate(text, table, key) {
        Some(o) => d.at_offset(text, o, key.len()),
        None => d,
    }
}

/// The offset of `key` in `text`: its `key =` line in the right table, a
/// dotted `table.key =` at the top, or a `[key]`/`[key.…]` header.
fn locate(text: &str, table: Option<&str>, key: &str) -> Option<usize> {
    let mut section: Option<String> = None;
    let mut offset = 0;
    let starts_key = |s: &str, k: &str| {
        let s = s.strip_prefix('"').unwrap_or(s);
        s.strip_prefix(k).is_some_and(|rest| {
            let rest = rest.strip_prefix('"').unwrap_or(rest);
            let rest = rest.trim_start();
            rest.starts_with('=') || rest.starts_with('.')
        })
    };
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let at = offset + (line.len() - t.len());
        offset += line.len();
        if t.starts_with('[') {
            let name = t.trim_start_matches('[');
            let name = name.split(']').next().unwrap_or_default().trim();
            if table.is_none() && (name == key || name.starts_with(&format!("{key}."))) {
                return Some(at + (t.len() - t.trim_start_matches('[').len()));
            }
            section = Some(name.to_string());
            continue;
        }
        let here = match (table, section.as_deref()) {
            (None, None) => starts_key(t, key),
            (Some(tb), Some(s)) => {
                if let Some(prefix) = tb.strip_suffix('.') {
                    s.starts_with(&format!("{prefix}.")) && starts_key(t, key)
                } else {
                    s == tb && starts_key(t, key)
                }
            }
            (Some(tb), None) => {
                let dotted = format!("{}.{key}", tb.trim_end_matches('.'));
                starts_key(t, &dotted)
            }
            (None, Some(_)) => false,
        };
        if here {
            return Some(at + usize::from(t.starts_with('"')));
        }
    }
    None
}
