//! Reports read back: located messages, CSV exports and snapshot files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::repo_root;

// ------------------------------------------------------------ diagnostics

/// Assert that `stderr` holds a rustc-like located message: the location
/// `file:line:col`, the source line shown after the line number, and a caret
/// under column `col` on the next line.
#[track_caller]
pub fn assert_located(stderr: &str, file: &str, line: usize, col: usize, source: &str) {
    let location = format!("{file}:{line}:{col}");
    assert!(
        stderr.contains(&location),
        "no location {location} in:\n{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    let gutter = format!("{line} |");
    let found = lines.iter().enumerate().find_map(|(i, l)| {
        let t = l.trim_start();
        let rest = t.strip_prefix(&gutter)?;
        (rest.strip_prefix(' ').unwrap_or(rest) == source).then_some(i)
    });
    let Some(i) = found else {
        panic!("source line {line} `{source}` is not shown in:\n{stderr}");
    };
    let shown = lines[i];
    let text_start = shown.find(&gutter).unwrap() + gutter.len() + 1;
    let caret_line = lines.get(i + 1).copied().unwrap_or_default();
    let caret = caret_line.find('^').unwrap_or_else(|| {
        panic!("no caret under `{shown}` in:\n{stderr}");
    });
    let expected: usize = text_start
        + source
            .chars()
            .take(col - 1)
            .map(char::len_utf8)
            .sum::<usize>();
    assert_eq!(
        caret, expected,
        "caret is not under column {col} of `{source}`:\n{shown}\n{caret_line}"
    );
}

/// Lines of `stderr` that start an error message.
pub fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .filter(|l| !l.starts_with("error: build failed"))
        .collect()
}

// ------------------------------------------------------------ CSV

/// Parse CSV text (RFC 4180: quoted fields, doubled quotes, line breaks in
/// quotes).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            c => field.push(c),
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// CSV rows as maps from header to value.
pub fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rows = parse_csv(text).into_iter();
    let header = rows.next().expect("a header row");
    rows.map(|r| {
        assert_eq!(r.len(), header.len(), "ragged CSV row {r:?}");
        header.iter().cloned().zip(r).collect()
    })
    .collect()
}

/// Document ids of an export cell: `A-1; B-2 [partial, draft]` → {A-1, B-2}.
pub fn doc_ids_of_cell(cell: &str) -> BTreeSet<String> {
    cell.split("; ")
        .filter(|s| !s.is_empty())
        .map(|s| s.split(" [").next().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------ snapshots

/// Compare `actual` with `tests/snapshots/<name>`; with `UPDATE_SNAPSHOTS=1`
/// write it there instead. See the module documentation.
#[track_caller]
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = repo_root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run `UPDATE_SNAPSHOTS=1 cargo test` to create it",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    let from = first.saturating_sub(3);
    let show = |v: &[&str]| {
        v.iter()
            .enumerate()
            .skip(from)
            .take(8)
            .map(|(i, l)| format!("{:>4} | {l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "snapshot {name} differs from line {}\n--- expected ({})\n{}\n--- actual\n{}\n\
         If the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test` and review `git diff tests/snapshots/`.",
        first + 1,
        path.display(),
        show(&e),
        show(&a)
    );
}

/// Replace machine-specific paths in `text` by placeholders.
pub fn normalize_paths(text: &str, paths: &[(&Path, &str)]) -> String {
    let mut out = text.to_string();
    for (p, placeholder) in paths {
        out = out.replace(&p.display().to_string(), placeholder);
    }
    out.replace('\\', "/")
}

// ------------------------------------------------------------ reference tables

/// The rows of a reference table in `tests/fixtures/reference/` (TSV),
/// without its header line; blank lines skipped, empty fields kept.
pub fn reference_rows(name: &str) -> Vec<Vec<String>> {
    let path = repo_root().join("tests/fixtures/reference").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.trim_end_matches('\r')
                .split('\t')
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The ISO/IEC TR 90006 pairs of the reference table: (ISO 9001:2008
/// clause, ISO/IEC 20000-1:2011 clause), in the table's order.
pub fn reference_pairs() -> Vec<(String, String)> {
    reference_rows("tr90006-iso9001-2008_iso20000-1-2011.pairs.tsv")
        .into_iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect()
}
