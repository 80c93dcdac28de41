//! The layout of `src/` as ARCHITECTURE.md states it, checked over the
//! sources: no import cycle between files, between the folders of a stage
//! or between stages; no stage importing a later one; no file or function
//! grown past the size the house allows; no stage but `publish` (and the
//! `tools`) writing files. Known debts are listed in `KNOWN_EXCEPTIONS`,
//! each with its reason, and fail the test once they are paid.
//!
//! An import is any path of the library's code that starts with `crate::`,
//! `super::` or `self::`, or with the name of a child module the file
//! declares (`mod x;` then `x::f()`), in `use` lines and in code alike
//! (comments and string literals aside). It points to the file of the
//! longest module prefix of the path.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// The stages in pipeline order: a file may import its own stage and the
/// stages before it, never a later one. `lib.rs` (the list of modules) and
/// `main.rs` (the binary) stand outside.
const STAGES: &[&str] = &[
    "base", "load", "resolve", "check", "render", "search", "publish", "serve", "tools", "cli",
];

/// Known debts, each file with the reason it is tolerated for now. A
/// problem (a cycle of files, a file or a function over the sizes) whose
/// files are all listed here does not fail the checks; stage and folder
/// cycles and backward imports are never tolerated. An entry that no
/// longer covers any problem fails [`every_known_exception_is_still_needed`],
/// so the list only shrinks: whoever pays a debt removes its entry.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[];

/// The largest source file, in lines.
const MAX_FILE_LINES: usize = 800;
/// The longest function, in lines (from `fn` to its closing brace).
const MAX_FN_LINES: usize = 150;

// ------------------------------------------------------------ reading

/// One file of the library: its path below `src/` and its module path.
struct File {
    path: String,
    module: Vec<String>,
    text: String,
}

/// The module path of a file below `src/` (`load/content/mod.rs` is
/// `load::content`); `None` for the binary's `main.rs`.
fn module_of(path: &str) -> Option<Vec<String>> {
    if path == "main.rs" {
        return None;
    }
    let mut parts: Vec<String> = path
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    Some(parts)
}

fn files_of(sources: &[(String, String)]) -> Vec<File> {
    sources
        .iter()
        .filter_map(|(path, text)| {
            Some(File {
                module: module_of(path)?,
                path: path.clone(),
                text: text.clone(),
            })
        })
        .collect()
}

/// The library's sources, as (path below `src/`, text).
fn library_sources() -> Vec<(String, String)> {
    let src = repo_root().join("src");
    rust_files(&src, &src)
}

/// `text` with comments, string and character literals blanked out (line
/// breaks kept, so that line numbers still hold).
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(b.get(i + 1), Some('"' | '#'))
            && (i == 0
                || !ident_char(b.get(i - 1))
                || b[i - 1] == 'b' && (i < 2 || !ident_char(b.get(i - 2))))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.extend(std::iter::repeat_n(' ', j + 1 - i));
            i = j + 1;
            while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', 1 + hashes));
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&b, i) {
            // 'x', or an escape such as '\'' or '\u{1F600}'.
            let from = if b[i + 1] == '\\' { i + 3 } else { i + 2 };
            let end = (from..b.len())
                .find(|&j| b[j] == '\'')
                .unwrap_or(b.len() - 1);
            out.extend(std::iter::repeat_n(' ', end + 1 - i));
            i = end + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Whether the `'` at `i` opens a character literal (not a lifetime).
fn is_char_literal(b: &[char], i: usize) -> bool {
    matches!(
        (b.get(i + 1), b.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

// ------------------------------------------------------------ imports

/// One import: the line it stands on and the module path it names.
struct Import {
    line: usize,
    path: Vec<String>,
}

/// Every path of a file's code that names a module of the crate,
/// resolved against the file's module (and the inline modules around it).
fn imports_of(file: &File) -> Vec<Import> {
    let code = code_only(&file.text);
    let children: BTreeSet<String> = declared_children(&code);
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    // The inline modules (`mod tests { … }`) open at each brace depth.
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                while inline.last().is_some_and(|(d, _)| *d > depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        if !(c.is_alphabetic() || c == '_')
            || ident_char(chars.get(i.wrapping_sub(1)))
            || i > 0 && chars[i - 1] == ':'
        {
            i += 1;
            continue;
        }
        let word_end = (i..chars.len())
            .find(|&j| !ident_char(chars.get(j)))
            .unwrap_or(chars.len());
        let word: String = chars[i..word_end].iter().collect();
        if word == "mod" {
            // `mod name {` opens an inline module.
            let rest: String = chars[word_end..chars.len().min(word_end + 80)]
                .iter()
                .collect();
            let rest = rest.trim_start();
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if rest[name.len()..].trim_start().starts_with('{') {
                inline.push((depth + 1, name));
            }
        }
        let starts_path =
            chars.get(word_end) == Some(&':') && chars.get(word_end + 1) == Some(&':');
        let here: Vec<String> = file
            .module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(_, n)| n.clone()))
            .collect();
        if starts_path
            && (matches!(word.as_str(), "crate" | "super" | "self") || children.contains(&word))
        {
            let (paths, end) = parse_path(&chars, i);
            for p in paths {
                if let Some(resolved) = resolve(&here, &p) {
                    out.push(Import {
                        line,
                        path: resolved,
                    });
                }
            }
            line += chars[i..end].iter().filter(|c| **c == '\n').count();
            i = end;
            continue;
        }
        i = word_end;
    }
    out
}

/// The child modules a file declares (`mod x;`, `pub mod x;`).
fn declared_children(code: &str) -> BTreeSet<String> {
    code.lines()
        .filter_map(|l| {
            let t = l.trim();
            let t = t
                .strip_prefix("pub(crate) ")
                .or_else(|| t.strip_prefix("pub "))
                .unwrap_or(t);
            let name = t.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_string())
        })
        .collect()
}

/// The paths written at `start` (`a::b::{c, d::e}` gives three), and
/// where they end.
fn parse_path(chars: &[char], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut i = start;
    let mut prefix: Vec<String> = Vec::new();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if chars.get(i) == Some(&'{') {
            let mut out = Vec::new();
            i += 1;
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                match chars.get(i) {
                    None => return (out, i),
                    Some('}') => return (out, i + 1),
                    Some(_) => {
                        let (inner, end) = parse_path(chars, i);
                        out.extend(
                            inner
                                .into_iter()
                                .map(|p| prefix.iter().cloned().chain(p).collect()),
                        );
                        if end == i {
                            i += 1;
                        } else {
                            i = end;
                        }
                    }
                }
            }
        }
        let end = (i..chars.len())
            .find(|&j| !ident_char(chars.get(j)))
            .unwrap_or(chars.len());
        if end == i {
            return (vec![prefix], i);
        }
        prefix.push(chars[i..end].iter().collect());
        i = end;
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// The absolute module path `path` names from module `here`.
fn resolve(here: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut out: Vec<String> = here.to_vec();
    let mut rest = path;
    match rest.first()?.as_str() {
        "crate" => {
            out.clear();
            rest = &rest[1..];
        }
        "self" => rest = &rest[1..],
        "super" => {
            while rest.first().is_some_and(|s| s == "super") {
                out.pop()?;
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    out.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(out)
}

/// The file that holds module path `path`: the longest module prefix.
fn file_of<'f>(files: &'f [File], path: &[String]) -> Option<&'f File> {
    files
        .iter()
        .filter(|f| path.starts_with(&f.module))
        .max_by_key(|f| f.module.len())
}

// ------------------------------------------------------------ the graph

/// The import graph at one level: which unit (a file, a folder, a stage)
/// imports which, with the file and line of each first import.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

/// The unit of a file at a level: 0 the file itself, 1 its stage (the
/// first folder), 2 the folder of a stage it lies in (`load/content/`),
/// or the file itself when it lies in the stage's own folder.
fn unit(path: &str, level: usize) -> Option<String> {
    if path == "lib.rs" {
        return None;
    }
    let parts: Vec<&str> = path.split('/').collect();
    Some(match level {
        0 => path.to_string(),
        1 => parts[0].trim_end_matches(".rs").to_string(),
        _ if parts.len() > 2 => {
            format!("{}/{}/", parts[0], parts[1])
        }
        _ => path.to_string(),
    })
}

fn graph(files: &[File], level: usize) -> Graph {
    let mut g: Graph = BTreeMap::new();
    for f in files {
        let Some(from) = unit(&f.path, level) else {
            continue;
        };
        g.entry(from.clone()).or_default();
        for imp in imports_of(f) {
            let Some(to_file) = file_of(files, &imp.path) else {
                continue;
            };
            let Some(to) = unit(&to_file.path, level) else {
                continue;
            };
            if to != from {
                g.entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| {
                        format!("src/{}:{} `{}`", f.path, imp.line, imp.path.join("::"))
                    });
            }
        }
    }
    g
}

/// The cycles of a graph: for each strongly connected set of two units or
/// more, one cycle through it, with the import that ties each step.
fn cycles(g: &Graph) -> Vec<(Vec<String>, String)> {
    // Tarjan's algorithm, iterating over a sorted graph: stable output.
    struct T<'g> {
        g: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        sets: Vec<Vec<&'g str>>,
    }
    fn visit<'g>(t: &mut T<'g>, v: &'g str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g.get(v).into_iter().flat_map(|m| m.keys()) {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut set = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                set.push(w);
                if w == v {
                    break;
                }
            }
            if set.len() > 1 {
                set.sort();
                t.sets.push(set);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        sets: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.sets
        .iter()
        .map(|set| {
            // A shortest way back to the first unit, inside the set.
            let inside: BTreeSet<&str> = set.iter().copied().collect();
            let start = set[0];
            let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut back = None;
            while let Some(v) = queue.pop_front() {
                for w in g[v]
                    .keys()
                    .map(String::as_str)
                    .filter(|w| inside.contains(w))
                {
                    if w == start {
                        back = Some(v);
                        break;
                    }
                    if !prev.contains_key(w) {
                        prev.insert(w, v);
                        queue.push_back(w);
                    }
                }
                if back.is_some() {
                    break;
                }
            }
            let mut way = vec![start];
            let mut v = back.unwrap_or(start);
            while v != start {
                way.push(v);
                v = prev[v];
            }
            way[1..].reverse();
            way.push(start);
            let steps: Vec<String> = way
                .windows(2)
                .map(|w| format!("  {} -> {}: {}", w[0], w[1], g[w[0]][w[1]]))
                .collect();
            let members = if set.len() > way.len() - 1 {
                format!(" (one of the cycles tying {})", set.join(", "))
            } else {
                String::new()
            };
            let text = format!("cycle {}{members}:\n{}", way.join(" -> "), steps.join("\n"));
            (set.iter().map(|u| u.to_string()).collect(), text)
        })
        .collect()
}

/// One problem of the layout: what it says, and the files it lies in (each
/// file of a cycle of files, the file of a size problem; none for the
/// problems no exception may cover).
#[derive(Debug)]
struct Problem {
    files: Vec<String>,
    text: String,
}

impl Problem {
    fn new(text: String) -> Problem {
        Problem {
            files: Vec::new(),
            text,
        }
    }
}

/// The problems' texts, one a line.
fn texts(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a list of exceptions covers a problem: all its files are listed.
fn excused(p: &Problem, exceptions: &[(&str, &str)]) -> bool {
    !p.files.is_empty()
        && p.files
            .iter()
            .all(|f| exceptions.iter().any(|(e, _)| e == f))
}

/// The problems `KNOWN_EXCEPTIONS` does not cover.
fn outstanding(problems: Vec<Problem>) -> Vec<Problem> {
    problems
        .into_iter()
        .filter(|p| !excused(p, KNOWN_EXCEPTIONS))
        .collect()
}

/// Imports from a stage to a later one (or from `base` to anything).
fn order_problems(files: &[File]) -> Vec<Problem> {
    let g = graph(files, 1);
    let rank = |s: &str| STAGES.iter().position(|x| *x == s);
    let mut out = Vec::new();
    for (from, tos) in &g {
        let Some(rf) = rank(from) else {
            out.push(Problem::new(format!(
                "src/{from} is no stage of the layout: add it to STAGES and ARCHITECTURE.md"
            )));
            continue;
        };
        for (to, at) in tos {
            match rank(to) {
                Some(rt) if rt <= rf => {}
                _ => out.push(Problem::new(format!(
                    "{from} imports the later stage {to}: {at}"
                ))),
            }
        }
    }
    out
}

/// Every problem of the layout: cycles of files, of folders (two levels)
/// and of stages, and imports against the pipeline's order.
fn layout_problems(sources: &[(String, String)]) -> Vec<Problem> {
    let files = files_of(sources);
    let mut out = Vec::new();
    for (_, text) in cycles(&graph(&files, 1)) {
        out.push(Problem::new(format!("stages: {text}")));
    }
    // Cycles between the folders of a stage (those between its files
    // alone are reported below).
    for (set, text) in cycles(&graph(&files, 2)) {
        if set.iter().any(|u| u.ends_with('/')) {
            out.push(Problem::new(format!("folders: {text}")));
        }
    }
    for (set, text) in cycles(&graph(&files, 0)) {
        out.push(Problem {
            files: set.iter().map(|f| format!("src/{f}")).collect(),
            text: format!("files: {text}"),
        });
    }
    out.extend(order_problems(&files));
    out
}

// ------------------------------------------------------------ sizes

/// The functions of a file longer than `max` lines: (name, first line,
/// lines).
fn long_functions(text: &str, max: usize) -> Vec<(String, usize, usize)> {
    let code = code_only(text);
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let t = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub(super) "))
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        let t = t.strip_prefix("const ").unwrap_or(t);
        let t = t.strip_prefix("async ").unwrap_or(t);
        let t = t.strip_prefix("unsafe ").unwrap_or(t);
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i64;
        let mut opened = false;
        for (j, body) in lines.iter().enumerate().skip(i) {
            if !opened && body.trim_end().ends_with(';') && !body.contains('{') {
                break;
            }
            for c in body.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth == 0 {
                let n = j - i + 1;
                if n > max {
                    out.push((name.clone(), i + 1, n));
                }
                break;
            }
        }
    }
    out
}

/// The exceptions ARCHITECTURE.md grants, as `src/…` paths (a file) or
/// `src/…:name` (a function), from its section on sizes.
fn granted_exceptions() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join("ARCHITECTURE.md")).unwrap_or_default();
    let Some(section) = text.split("\n## ").find(|s| s.starts_with("Sizes")) else {
        return BTreeSet::new();
    };
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("src/"))
        .map(str::to_string)
        .collect()
}

fn size_problems(sources: &[(String, String)], granted: &BTreeSet<String>) -> Vec<Problem> {
    let mut out = Vec::new();
    for (path, text) in sources {
        let file = format!("src/{path}");
        let n = text.lines().count();
        if n > MAX_FILE_LINES && !granted.contains(&file) {
            out.push(Problem {
                files: vec![file.clone()],
                text: format!("{file} has {n} lines (at most {MAX_FILE_LINES})"),
            });
        }
        for (name, line, len) in long_functions(text, MAX_FN_LINES) {
            if !granted.contains(&format!("{file}:{name}")) {
                out.push(Problem {
                    files: vec![file.clone()],
                    text: format!(
                        "{file}:{line}: fn {name} has {len} lines (at most {MAX_FN_LINES})"
                    ),
                });
            }
        }
    }
    out
}

// ------------------------------------------------------------ writes

/// The stages that may write files: `publish` (the output folder and its
/// hidden siblings, for the build and for serve's rebuilds alike) and
/// `tools` (`init` and `gen-corpus`, into the folder the user names).
const WRITERS: &[&str] = &["publish", "tools"];

/// The calls that write to the file system. A heuristic over the code (a
/// `use std::fs::write;` then a bare `write(…)` escapes it); tests inside a
/// file (after its `#[cfg(test)]`) are left out.
const WRITES: &[&str] = &[
    "fs::write",
    "fs::create_dir",
    "fs::remove_",
    "fs::rename",
    "fs::copy",
    "fs::hard_link",
    "File::create",
    "OpenOptions",
    "set_permissions",
];

/// Whether a file is a module of tests: declared `#[cfg(test)] mod x;`
/// by its parent.
fn test_only(sources: &[(String, String)], path: &str) -> bool {
    let parts: Vec<&str> = path.trim_end_matches(".rs").split('/').collect();
    let (name, dir) = match parts.as_slice() {
        [dir @ .., name, "mod"] => (*name, dir.join("/")),
        [dir @ .., name] => (*name, dir.join("/")),
        [] => return false,
    };
    let parents = if dir.is_empty() {
        vec!["lib.rs".to_string()]
    } else {
        vec![format!("{dir}/mod.rs"), format!("{dir}.rs")]
    };
    sources
        .iter()
        .filter(|(p, _)| parents.contains(p))
        .any(|(_, text)| {
            let code = code_only(text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            code.contains(&format!("#[cfg(test)] mod {name};"))
        })
}

/// Each call that writes files from a stage other than the writers.
fn write_problems(sources: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in sources {
        let stage = path.split('/').next().unwrap_or_default();
        if WRITERS.contains(&stage) || test_only(sources, path) {
            continue;
        }
        let code = code_only(text);
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            for w in WRITES.iter().filter(|w| line.contains(*w)) {
                out.push(format!(
                    "src/{path}:{}: `{w}` writes files; only publish (and tools) may",
                    n + 1
                ));
            }
        }
    }
    out
}

// ------------------------------------------------------------ tests

#[test]
fn no_import_cycle_and_no_stage_imports_a_later_one() {
    // Dependencies point one way down the pipeline (base, load, resolve, check, render, search, publish, serve, tools, cli), so each stage reads without the ones after it.
    let problems = outstanding(layout_problems(&library_sources()));
    assert!(
        problems.is_empty(),
        "the layout of src/ breaks ARCHITECTURE.md:\n{}",
        texts(&problems)
    );
}

#[test]
fn the_layout_check_finds_a_cycle_and_a_backward_import() {
    // The check above can fail: two files importing each other, a stage importing a later one and a parent module used by its child are each reported.
    let src = |p: &str, t: &str| (p.to_string(), t.to_string());
    let sources = vec![
        src("lib.rs", "pub mod base;\npub mod load;\npub mod resolve;\n"),
        src("base/mod.rs", "pub mod diag;\n"),
        src(
            "base/diag.rs",
            "// crate::load::a is named in a comment only\npub struct D;\n",
        ),
        src("load/mod.rs", "pub mod a;\npub mod b;\n"),
        src(
            "load/a.rs",
            "use crate::load::b::B;\nuse crate::base::diag::D;\npub struct A;\n",
        ),
        src(
            "load/b.rs",
            "pub struct B;\nfn f() -> super::a::A { todo!() }\nfn g() { let _ = \"crate::resolve\"; }\n",
        ),
        src(
            "resolve/mod.rs",
            "pub mod site;\npub struct Site;\nfn h() { site::f() }\n",
        ),
        src("resolve/site.rs", "use super::Site;\npub fn f() {}\n"),
    ];
    let problems = layout_problems(&sources);
    let text = texts(&problems);
    assert!(
        text.contains("files: cycle load/a.rs -> load/b.rs -> load/a.rs"),
        "{text}"
    );
    assert!(text.contains("src/load/a.rs:1 `load::b::B`"), "{text}");
    assert!(text.contains("src/load/b.rs:2 `load::a::A`"), "{text}");
    assert!(
        text.contains("files: cycle resolve/mod.rs -> resolve/site.rs -> resolve/mod.rs"),
        "{text}"
    );
    assert!(
        !text.contains("base/diag.rs ->"),
        "comments and strings are no imports: {text}"
    );
    assert_eq!(problems.len(), 2, "{text}");

    let mut backward = sources.clone();
    backward.push(src("base/exit.rs", "use crate::resolve::Site;\n"));
    let text = texts(&layout_problems(&backward));
    assert!(
        text.contains("base imports the later stage resolve: src/base/exit.rs:1"),
        "{text}"
    );
}

#[test]
fn no_file_or_function_is_larger_than_the_house_allows() {
    // Units stay small enough to read: files of at most 800 lines and functions of at most 150, unless ARCHITECTURE.md says why.
    let problems = outstanding(size_problems(&library_sources(), &granted_exceptions()));
    assert!(problems.is_empty(), "{}", texts(&problems));
}

#[test]
fn the_size_check_measures_functions_from_fn_to_brace() {
    // A function of 160 lines is reported with its name and line, one of 150 is not, and braces in strings do not count.
    let body = |n: usize| "    let x = \"{\";\n".repeat(n);
    let text = format!(
        "fn small() {{\n{}}}\n\npub fn big() {{\n{}}}\n",
        body(148),
        body(158)
    );
    let found = long_functions(&text, 150);
    assert_eq!(found, vec![("big".to_string(), 152, 160)]);
    let sources = vec![("a.rs".to_string(), text)];
    let granted: BTreeSet<String> = ["src/a.rs:big".to_string()].into();
    assert!(size_problems(&sources, &granted).is_empty());
}

#[test]
fn every_known_exception_is_still_needed() {
    // The list of tolerated debts only shrinks: an entry of KNOWN_EXCEPTIONS that covers no problem any more must be removed, so the list never hides a new one.
    let sources = library_sources();
    let mut problems = layout_problems(&sources);
    problems.extend(size_problems(&sources, &granted_exceptions()));
    let stale: Vec<String> = KNOWN_EXCEPTIONS
        .iter()
        .filter(|(file, _)| {
            !problems
                .iter()
                .any(|p| excused(p, KNOWN_EXCEPTIONS) && p.files.contains(&file.to_string()))
        })
        .map(|(file, why)| {
            format!("{file} ({why}) is within the rules now: remove it from KNOWN_EXCEPTIONS")
        })
        .collect();
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

#[test]
fn a_known_exception_covers_only_the_files_it_names() {
    // A cycle through a listed file and an unlisted one still fails, so an exception cannot hide a new cycle into the rest of the code.
    let list = [
        ("src/search/engine.rs", "a debt"),
        ("src/search/mod.rs", "a debt"),
    ];
    let problem = |files: &[&str]| Problem {
        files: files.iter().map(|f| f.to_string()).collect(),
        text: String::new(),
    };
    assert!(excused(
        &problem(&["src/search/engine.rs", "src/search/mod.rs"]),
        &list
    ));
    assert!(!excused(
        &problem(&["src/search/engine.rs", "src/render/mod.rs"]),
        &list
    ));
    assert!(!excused(&Problem::new("stages: cycle".to_string()), &list));
}

#[test]
fn nothing_but_publish_writes_files() {
    // The output is written by publish alone (serve's rebuilds write through it), so no other stage can write into a user's sources or outside the output.
    let problems = write_problems(&library_sources());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_write_check_finds_a_write_outside_publish() {
    // The check above can fail: a render file writing a file is reported with its line, a write in publish, in a file's tests or in a test module's file is not.
    let src = |p: &str, t: &str| (p.to_string(), t.to_string());
    let sources = vec![
        src(
            "render/page.rs",
            "// fs::write in a comment\nfn f() {\n    std::fs::write(\"x\", b\"\");\n}\n",
        ),
        src(
            "publish/output.rs",
            "fn g() { std::fs::create_dir_all(\"o\").ok(); }\n",
        ),
        src(
            "load/config.rs",
            "fn h() {}\n#[cfg(test)]\nmod tests { fn t() { std::fs::write(\"t\", \"\").unwrap(); } }\n",
        ),
        src("load/standards/mod.rs", "#[cfg(test)]\nmod tests;\n"),
        src(
            "load/standards/tests.rs",
            "fn t() { std::fs::write(\"t\", \"\").unwrap(); }\n",
        ),
    ];
    assert_eq!(
        write_problems(&sources),
        vec![
            "src/render/page.rs:3: `fs::write` writes files; only publish (and tools) may"
                .to_string()
        ]
    );
}
