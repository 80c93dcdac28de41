//! `clausebook.toml`: the site's settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::diag::Diagnostic;
use crate::load::source::{FileSystem, Source};

/// Name of the configuration file at the root of every site.
pub const CONFIG_FILE: &str = "clausebook.toml";

/// The site configuration, as written in `clausebook.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title shown in the header and the browser tab.
    pub title: String,
    /// Organization that owns the management system.
    #[serde(default)]
    pub organization: String,
    /// Public URL of the published site (optional; only used for the 404
    /// page, which can be served at any depth). Links stay relative.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Output folder, relative to the site root.
    #[serde(default = "default_output")]
    pub output: PathBuf,
    /// Standards in scope, by catalog id (e.g. `iso20000-1:2011`).
    #[serde(default)]
    pub standards: Vec<String>,
    /// Standard assumed by bare clause numbers such as `4.3.2`.
    #[serde(default)]
    pub default_standard: Option<String>,
    /// Links end in `index.html` so the site works from `file://`; set to
    /// true for sites only ever served over HTTP to get `dir/` links.
    #[serde(default)]
    pub clean_links: bool,
    /// How many documents a page lists before the list continues on a
    /// next page (`page/2/`, …): the register, the kind and tag listings
    /// and each clause page. Matrix cells show the first few and link to
    /// the clause page. At least 1 (default 200).
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// What a published site (built without `--drafts`) shows of the
    /// draft and review documents, which get no page.
    #[serde(default)]
    pub unpublished: Unpublished,
    /// Exclusions per standard id.
    #[serde(default)]
    pub exclusions: BTreeMap<String, Vec<Exclusion>>,
    /// `clausebook check` settings: rule levels and rule parameters.
    #[serde(default)]
    pub check: CheckConfig,
    /// The `[exports]` table: how the CSV, JSON and XLSX exports are written.
    #[serde(default)]
    pub exports: ExportsConfig,
    /// How documents' Markdown becomes HTML.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// The `[history]` table: read the site's git repository (revision
    /// histories, approval integrity, the publication stamp, the changes
    /// page). History is on inside a repository unless the table sets
    /// `enabled = false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryConfig>,
    /// The site's own front-matter fields, by name, with their type
    /// (`[fields]`, e.g. `confidentiality = "text"`).
    #[serde(default)]
    pub fields: BTreeMap<String, FieldType>,
    /// The site's own document kinds, by name, with their labels
    /// (`[kinds]`, e.g. `manual = "Manuals"`).
    #[serde(default)]
    pub kinds: BTreeMap<String, KindDecl>,
    /// An image shown beside the title in the header, a path below the
    /// site's `theme/` folder (copied with it), e.g. `"logo.svg"`.
    #[serde(default)]
    pub logo: Option<String>,
    /// The browser tab's icon, a path below `theme/` (default: the
    /// built-in one).
    #[serde(default)]
    pub favicon: Option<String>,
    /// "Edit this page" on document pages: a URL in which `{path}` stands
    /// for the document's path below content/, e.g.
    /// `"https://git.example.com/sms/edit/main/content/{path}"`.
    #[serde(default)]
    pub edit_url: Option<String>,
    /// Whether a build also writes the audit pack of every published
    /// document as the page `pack/index.html`, linked from the register
    /// (`clausebook pack` works either way). Off by default: at 10,000
    /// documents the page is some 50 MB, and every edit under `serve`
    /// renders it again.
    #[serde(default)]
    pub pack_page: bool,
    /// Anything the templates may want (`config.extra.*`).
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The file's text, kept to locate later findings (unknown standard,
    /// exclusion against the rules).
    #[serde(skip)]
    pub source: String,
}

/// What a published site shows of the documents it does not publish (draft
/// and review documents, without `--drafts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unpublished {
    /// Clause pages and matrices list them as "planned, not published" (id
    /// and title, no link), and coverage counts them as planned; no other
    /// page shows them.
    #[default]
    Planned,
    /// No page and no export shows anything of them: coverage on the site
    /// is worked out as if they did not exist (`check` still counts them
    /// as planned).
    Omit,
}

impl Unpublished {
    pub fn as_str(self) -> &'static str {
        match self {
            Unpublished::Planned => "planned",
            Unpublished::Omit => "omit",
        }
    }
}

/// The type of a front-matter field a site declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// A string.
    Text,
    /// A date, `2026-01-31`.
    Date,
    /// A number, integer or not.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list of strings (a single string is taken as a list of one).
    List,
}

impl FieldType {
    pub const ALL: [&str; 5] = ["text", "date", "number", "boolean", "list"];

    /// What the type is, for messages: "a date (2026-01-31)".
    pub fn described(self) -> &'static str {
        match self {
            FieldType::Text => "a text in quotes",
            FieldType::Date => "a date written 2026-01-31",
            FieldType::Number => "a number",
            FieldType::Boolean => "true or false",
            FieldType::List => "a list of texts, e.g. [\"a\", \"b\"]",
        }
    }
}

/// A document kind a site declares: the plural label of its listing
/// page, written alone (`manual = "Manuals"`) or as a table (`manual = {
/// plural = "Manuals" }`). Pages show the kind's name itself elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum KindDecl {
    Plural(String),
    Labels { plural: String },
}

impl KindDecl {
    /// The plural label, for listing pages.
    pub fn plural(&self) -> &str {
        match self {
            KindDecl::Plural(p) | KindDecl::Labels { plural: p } => p,
        }
    }
}

/// The `[exports]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExportsConfig {
    /// Begin every CSV export with a UTF-8 byte-order mark, by which
    /// spreadsheets recognise UTF-8 (default: true).
    #[serde(default = "default_true")]
    pub csv_bom: bool,
}

impl Default for ExportsConfig {
    fn default() -> Self {
        ExportsConfig { csv_bom: true }
    }
}

fn default_page_size() -> usize {
    200
}

fn default_true() -> bool {
    true
}

/// The `[history]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryConfig {
    /// Read the repository (default: true).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// The revision the `changes/` page compares with: a date
    /// (`2026-09-01`, the last commit on that day or before), a tag, a
    /// branch or a commit.
    #[serde(default)]
    pub baseline: Option<String>,
    /// The most revisions a document page lists (the JSON export has all).
    #[serde(default = "default_revisions")]
    pub revisions_per_page: usize,
}

fn default_revisions() -> usize {
    20
}

/// A clause excluded from the scope of a standard.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    pub clause: String,
    #[serde(default)]
    pub justification: String,
}

/// The `[markdown]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// What becomes of raw HTML in documents.
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// `raw_html`: what becomes of raw HTML written in documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep a safe allow-list of elements and attributes, drop the rest;
    /// links and images with a script URL are neutralised.
    #[default]
    Sanitize,
    /// Show raw HTML as text; links and images with a script URL are
    /// neutralised.
    Escape,
    /// Publish raw HTML and every URL as written.
    Trust,
}

/// The `[check]` table: a level per rule id (`rule = "allow" | "warn" |
/// "deny"`), plus the parameters of some rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CheckConfig {
    /// Days ahead in which a coming review is reported (`review-due`).
    #[serde(default = "default_review_days")]
    pub review_due_days: u32,
    /// Front-matter fields each kind must have (`missing-field`); the key
    /// `default` applies to kinds not listed.
    #[serde(default)]
    pub required_fields: BTreeMap<String, Vec<String>>,
    /// Rule levels, by rule id.
    #[serde(flatten)]
    pub rules: BTreeMap<String, RuleLevel>,
}

fn default_review_days() -> u32 {
    30
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            review_due_days: default_review_days(),
            required_fields: BTreeMap::new(),
            rules: BTreeMap::new(),
        }
    }
}

/// What a rule's findings become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

/// A parse error of the whole file, located.
fn located(text: &str, e: &toml::de::Error) -> Diagnostic {
    let mut span = e.span().unwrap_or(0..0);
    // The rule levels of [check] are read through a flattened map, which
    // reports errors at the table header: point at the value.
    if let Some(value) = e
        .message()
        .split("unknown variant `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
    {
        for quoted in [format!("\"{value}\""), format!("'{value}'")] {
            if let Some(i) = text[span.start..].find(&quoted) {
                span = span.start + i..span.start + i + quoted.len();
                break;
            }
        }
    }
    Diagnostic::error(CONFIG_FILE, e.message().to_string())
        .at_offset(text, span.start, span.len())
        .with_help(REFERENCE)
}

fn default_output() -> PathBuf {
    PathBuf::from("public")
}

/// Why a configuration could not be loaded.
#[derive(Debug)]
pub enum ConfigError {
    /// No `clausebook.toml` in the given folder.
    Missing(PathBuf),
    /// The file exists but is unreadable or invalid: every problem found,
    /// at least one.
    Invalid(Vec<Diagnostic>),
}

impl ConfigError {
    /// The error as diagnostics, each saying what to do.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            ConfigError::Missing(dir) => vec![Diagnostic::error(
                CONFIG_FILE,
                format!("no clausebook.toml in {}", dir.display()),
            )
            .with_help("run the command in a site folder, pass --root DIR, or create a site with `clausebook init DIR`")],
            ConfigError::Invalid(ds) => ds,
        }
    }

    fn one(d: Diagnostic) -> ConfigError {
        ConfigError::Invalid(vec![d])
    }
}

/// Where the configuration is documented, for the help of its errors.
const REFERENCE: &str =
    "see the `clausebook.toml` section of README.md (and `clausebook build --help`)";

impl Config {
    /// Read and validate `root/clausebook.toml`.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        Config::load_from(&FileSystem::new(root))
    }

    /// Read and validate the `clausebook.toml` of `source`.
    pub fn load_from(source: &dyn Source) -> Result<Config, ConfigError> {
        let root = source.root();
        let path = root.join(CONFIG_FILE);
        let text = match source.read_text(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing(root.to_path_buf()));
            }
            Err(e) => {
                return Err(ConfigError::one(Diagnostic::error(
                    CONFIG_FILE,
                    format!("cannot read {}: {e}", path.display()),
                )));
            }
        };
        Self::parse(&text)
    }

    /// Parse configuration text; errors are located in `clausebook.toml`,
    /// all of them at once (each unknown key with a did-you-mean, each
    /// value of the wrong type), unless the file is not TOML at all.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let first = located(text, &e);
                return Err(ConfigError::Invalid(
                    match toml::from_str::<toml::Table>(text) {
                        Ok(table) => crate::load::config_keys::every_error(
                            text,
                            &table,
                            first,
                            |t| {
                                toml::Value::Table(t)
                                    .try_into::<Config>()
                                    .err()
                                    .map(|e| e.message().to_string())
                            },
                            REFERENCE,
                        ),
                        Err(_) => vec![first],
                    },
                ));
            }
        };
        if config.output.as_os_str().is_empty() || config.output == Path::new(".") {
            let d = Diagnostic::error(CONFIG_FILE, "`output` must name a folder of its own");
            let d = match text.find("output") {
                Some(o) => d.at_offset(text, o, 6),
                None => d,
            };
            return Err(ConfigError::one(d.with_help(
                "the output folder is replaced at every build; use e.g. `output = \"public\"`",
            )));
        }
        config.source = text.to_string();
        let ds = config.declared_names();
        if !ds.is_empty() {
            return Err(ConfigError::Invalid(ds));
        }
        Ok(config)
    }

    /// A diagnostic located at `item` (a quoted string) in the value of the
    /// top-level key `key`, e.g. a standard in `standards = [...]`; falls
    /// back to the key, then to the file.
    pub fn error_at_item(&self, key: &str, item: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(CONFIG_FILE, message);
        let src = &self.source;
        let mut key_at = None;
        let mut offset = 0;
        for line in src.split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with('[') {
                break;
            }
            if let Some(rest) = t.strip_prefix(key)
                && rest.trim_start().starts_with('=')
            {
                key_at = Some(offset + (line.len() - t.len()));
                break;
            }
            offset += line.len();
        }
        let Some(start) = key_at else {
            return d;
        };
        // The value runs to the closing bracket of the array (or the line).
        let value = &src[start..];
        let end = value
            .find(']')
            .unwrap_or_else(|| value.find('\n').unwrap_or(value.len()));
        for quoted in [format!("\"{item}\""), format!("'{item}'")] {
            if let Some(i) = value[..end].find(&quoted) {
                return d.at_offset(src, start + i, quoted.len());
            }
        }
        d.at_offset(src, start, key.len())
    }

    /// The errors of the names in `[fields]` and `[kinds]`: a kind names
    /// its pages (`kinds/<name>/`), so it is a slug; neither may take a
    /// built-in name.
    fn declared_names(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for name in self.kinds.keys() {
            let slug = !name.is_empty()
                && name.len() <= 40
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !name.starts_with('-')
                && !name.ends_with('-');
            let problem = if !slug {
                "must be lower-case letters, digits and `-` (it names the kind's page)"
            } else if crate::load::config_keys::BUILT_IN_KINDS.contains(&name.as_str()) {
                "is a built-in kind already"
            } else {
                continue;
            };
            out.push(
                self.error_at(name, format!("kind `{name}` in [kinds] {problem}"))
                    .with_help("e.g. `manual = \"Manuals\"` (the plural label of its listing)"),
            );
        }
        for name in self.fields.keys() {
            if crate::load::config_keys::BUILT_IN_FIELDS.contains(&name.as_str()) {
                out.push(
                    self.error_at(name, format!("field `{name}` in [fields] is a built-in field"))
                        .with_help("declare only the site's own fields; built-in ones have their types already"),
                );
            }
        }
        out
    }

    /// A diagnostic located at the first occurrence of `needle` in the file.
    pub fn error_at(&self, needle: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(CONFIG_FILE, message);
        match self.source.find(needle) {
            Some(o) => d.at_offset(&self.source, o, needle.len()),
            None => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::config_keys::TOP_KEYS;

    fn errors(text: &str) -> Vec<Diagnostic> {
        match Config::parse(text) {
            Err(ConfigError::Invalid(ds)) => ds,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_unknown_key_and_bad_value_at_once() {
        // A clausebook.toml with two misspelt keys and a value of the wrong type gets three located errors, the keys with a did-you-mean.
        let text = "title = \"T\"\nstandard = [\"iso9001:2015\"]\nclean_links = \"yes\"\n\n[markdown]\nrawhtml = \"escape\"\n";
        let ds = errors(text);
        let shown: Vec<(usize, usize, &str)> = ds
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(ds.len(), 3, "{shown:?}");
        assert_eq!((ds[0].line, ds[0].column), (2, 1));
        assert!(ds[0].message.contains("unknown key `standard`"));
        assert!(
            ds[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `standards`?")
        );
        assert_eq!(ds[1].line, 3, "{shown:?}");
        assert!(ds[1].message.contains("clean_links"), "{shown:?}");
        assert_eq!((ds[2].line, ds[2].column), (6, 1), "{shown:?}");
        assert!(
            ds[2]
                .message
                .contains("unknown key `rawhtml` in [markdown]")
        );
        assert!(
            ds[2]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `raw_html`?")
        );
    }

    #[test]
    fn every_top_key_is_a_setting() {
        // The list of settings the did-you-mean offers holds only keys clausebook.toml accepts.
        for key in TOP_KEYS {
            let text = match *key {
                "title" => "title = \"T\"\n".to_string(),
                _ => format!("title = \"T\"\n[{key}]\n"),
            };
            if let Err(ConfigError::Invalid(ds)) = Config::parse(&text) {
                assert!(
                    !ds.iter().any(|d| d.message.contains("unknown")),
                    "{key}: {ds:?}"
                );
            }
        }
    }

    #[test]
    fn a_setting_beside_an_error_is_not_called_unknown() {
        // When clausebook.toml has an error, every setting it accepts (`page_size`, `[history]`, …) is still known: only the misspelt key is reported.
        let text = "title = \"T\"\npage_size = 50\npack_page = true\ntitel = \"x\"\n\n[history]\nenabled = false\n";
        let ds = errors(text);
        let shown: Vec<&str> = ds.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(shown, ["unknown key `titel`"], "{shown:?}");
    }

    #[test]
    fn declared_kinds_and_fields_take_no_built_in_name() {
        // A kind in [kinds] is a slug and not a built-in kind; a field in [fields] is not a built-in field; both located.
        let ds = errors(
            "title = \"T\"\n[fields]\nowner = \"text\"\n[kinds]\npolicy = \"Policies\"\n\"Big Manual\" = \"Manuals\"\n",
        );
        let shown: Vec<String> = ds
            .iter()
            .map(|d| format!("{}: {}", d.line, d.message))
            .collect();
        assert_eq!(ds.len(), 3, "{shown:?}");
        assert!(
            shown.iter().any(|s| s.starts_with("3: field `owner`")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("5: kind `policy` in [kinds] is a built-in kind")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|s| s.starts_with("6: kind `Big Manual`")),
            "{shown:?}"
        );
    }
}
