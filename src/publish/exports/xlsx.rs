//! The workbooks, laid out for a person who hands them on: a cover sheet
//! saying what the workbook is and what each sheet holds, sheets and column
//! headings in words that name their standard, clause numbers and ids kept
//! as text (`4.10` stays `4.10`, `8.2` never becomes a date), links to the
//! site's pages relative to `exports/` (so they work beside a copy of the
//! site), coverage states colour-coded, header rows frozen with filters on,
//! and a print setup (landscape, one page wide, the header row on every
//! page).
//!
//! No limit of the file format can stop a build: a cell listing documents
//! is cut before Excel's 32,767 characters (every pair is on the Evidence
//! sheet), any other text is cut there too, links stop at Excel's 65,530
//! per sheet (the text stays), and rows at 1,048,576 (a last row says so).

use std::path::Path;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline,
    IgnoreError, Url, Workbook, XlsxError,
};

use super::model::{CoverageExport, DirectionRow, DocEntry, MatrixExport};
use super::register::{self, Value};
use crate::load::content::Level;
use crate::load::standards::{Catalog, Unrelated};
use crate::resolve::Site;
use crate::resolve::trace::State;

/// Excel's limits.
const MAX_TEXT: usize = 32_767;
const MAX_LINKS: usize = 65_530;
const MAX_ROWS: u32 = 1_048_576;

/// A cell of a table.
pub enum Cell {
    /// Text, wrapped.
    Text(String),
    /// A code that must stay text (clause number, document id, version),
    /// linked to a page of the site when `url` is set (relative to the
    /// site root).
    Code {
        text: String,
        url: Option<String>,
    },
    /// A coverage state, in its colour.
    State(State),
    Date(Option<jiff::civil::Date>),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn code(s: impl Into<String>, url: Option<String>) -> Cell {
    Cell::Code {
        text: s.into(),
        url,
    }
}

/// A sheet of rows under a header row.
pub struct Table {
    name: String,
    /// One line for the cover sheet.
    what: String,
    columns: Vec<(String, f64)>,
    rows: Vec<Vec<Cell>>,
}

struct Formats {
    header: Format,
    text: Format,
    code: Format,
    link: Format,
    date: Format,
    title: Format,
    label: Format,
}

impl Formats {
    fn new() -> Formats {
        let top = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: top
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            text: top.clone().set_text_wrap(),
            code: top.clone().set_num_format("@"),
            link: top
                .clone()
                .set_num_format("@")
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single),
            date: top.clone().set_num_format("yyyy-mm-dd"),
            title: Format::new().set_bold().set_font_size(16),
            label: top.set_bold(),
        }
    }

    fn state(&self, s: State) -> Format {
        let (fill, font) = state_colours(s);
        let f = self.text.clone().set_font_color(Color::RGB(font));
        match fill {
            Some(fill) => f.set_background_color(Color::RGB(fill)),
            None => f,
        }
    }
}

/// Fill and font colour of each coverage state.
fn state_colours(s: State) -> (Option<u32>, u32) {
    match s {
        State::Full => (Some(0xC6EFCE), 0x006100),
        State::Partial => (Some(0xFFEB9C), 0x9C5700),
        State::Derived => (Some(0xDDEBF7), 0x1F4E78),
        State::Planned => (Some(0xFCE4D6), 0x843C0C),
        State::Excluded | State::NotApplicable => (Some(0xE7E6E6), 0x3A3838),
        State::Gap => (Some(0xFFC7CE), 0x9C0006),
        State::Informative => (None, 0x595959),
    }
}

/// What each state means, for the cover sheet's legend.
const STATES: [(State, &str); 8] = [
    (State::Full, "an approved document addresses the clause"),
    (
        State::Partial,
        "approved documents address it, only partially",
    ),
    (
        State::Derived,
        "no document of its own; a related clause of another standard in scope is addressed",
    ),
    (State::Planned, "only draft or review documents address it"),
    (
        State::Excluded,
        "excluded by the site, with a justification, and no approved document addresses it",
    ),
    (
        State::NotApplicable,
        "determined as not applicable, with a justification, and no approved document addresses it",
    ),
    (State::Gap, "nothing addresses it"),
    (
        State::Informative,
        "outside the requirement clauses (scope, terms…)",
    ),
];

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `s` cut to Excel's cell limit, with `…` where it was cut.
fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_TEXT || utf16_len(s) <= MAX_TEXT {
        return s.into();
    }
    let mut n = 0;
    let end = s
        .char_indices()
        .find(|(_, c)| {
            n += c.len_utf16();
            n > MAX_TEXT - 1
        })
        .map_or(s.len(), |(i, _)| i);
    format!("{}…", &s[..end]).into()
}

/// Items one per line in a cell; when they would not fit in a cell, the
/// first ones and `… and N more: see the Evidence sheet`.
fn list_cell(items: impl ExactSizeIterator<Item = String>) -> String {
    let total = items.len();
    let mut out = String::new();
    let mut len = 0;
    // Room for the closing line.
    let budget = MAX_TEXT - 64;
    for (n, item) in items.enumerate() {
        let l = utf16_len(&item) + 1;
        if len + l > budget {
            out.push_str(&format!("… and {} more: see the Evidence sheet", total - n));
            return out;
        }
        out.push_str(&item);
        out.push('\n');
        len += l;
    }
    out.pop();
    out
}

/// A document as a line of a cell: `SMS-PRO-007 Change Management (approved, partial, §x)`.
fn doc_line(d: &DocEntry) -> String {
    let mut notes = vec![d.status.as_str().to_string()];
    if d.level == Level::Partial {
        notes.push("partial".into());
    }
    if let Some(s) = &d.section {
        notes.push(format!("§{s}"));
    }
    format!("{} {} ({})", d.id, d.title, notes.join(", "))
}

fn docs_cell(docs: &[DocEntry]) -> Cell {
    Cell::Text(list_cell(docs.iter().map(doc_line)))
}

/// The address of a page from `exports/`: `../<url>`, a folder's
/// `index.html` named (a spreadsheet opens files, not folders).
fn page_link(url: &str) -> String {
    if url.ends_with('/') {
        format!("../{url}index.html")
    } else {
        format!("../{url}")
    }
}

fn clause_url(site: &Site, cat: &Catalog, clause: &str) -> String {
    crate::resolve::layout::dir_url(
        &format!("standards/{}/{clause}", cat.slug()),
        site.config.clean_links,
    )
}

fn doc_url(site: &Site, i: usize) -> Option<String> {
    site.published[i].then(|| site.urls[i].clone())
}

/// A standard's name as a sheet name allows (no `/` or `:`).
fn sheet_part(cat: &Catalog) -> String {
    cat.display_name().replace('/', "-").replace(':', " ")
}

/// The first candidate that is a valid sheet name not taken yet, as Excel
/// (and rust_xlsxwriter) check them: at most 31 characters counted in
/// UTF-16, none of `[]:*?/\`, no `'` at either end, unique regardless of
/// case (any letter's, not only ASCII), not `History`. When no candidate
/// fits, the first one cut to 31, and when that cut is taken too, cut
/// shorter with `~2`, `~3`… inside the 31 characters.
fn sheet_name(candidates: &[String], used: &mut Vec<String>) -> String {
    const MAX: usize = 31;
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
            .collect()
    };
    // `s` cut to `room` UTF-16 units, without a `'` or a space at its ends.
    let cut = |s: &str, room: usize| -> String {
        let mut n = 0;
        let kept: String = s
            .chars()
            .take_while(|c| {
                n += c.len_utf16();
                n <= room
            })
            .collect();
        kept.trim_matches(|c: char| c == '\'' || c.is_whitespace())
            .to_string()
    };
    let free = |s: &str, used: &[String]| {
        let key = s.to_lowercase();
        !s.is_empty() && key != "history" && !used.iter().any(|u| u.to_lowercase() == key)
    };
    let whole = candidates
        .iter()
        .map(|c| clean(c).trim_matches('\'').to_string())
        .filter(|c| utf16_len(c) <= MAX)
        .find(|c| free(c, used));
    let pick = whole.unwrap_or_else(|| {
        let first = clean(&candidates[0]);
        let plain = cut(&first, MAX);
        if free(&plain, used) {
            return plain;
        }
        (2..)
            .map(|n| {
                let suffix = format!("~{n}");
                format!("{}{suffix}", cut(&first, MAX - suffix.len()))
            })
            .find(|c| free(c, used))
            .unwrap_or_default()
    });
    used.push(pick.clone());
    pick
}

/// What the cover sheet says besides the sheets.
struct Cover<'a> {
    heading: String,
    facts: Vec<(&'a str, String)>,
}

/// The "About" sheet: what the workbook is, from which site and
/// revision, its sheets (linked) and the coverage states.
fn cover_sheet(
    wb: &mut Workbook,
    site: &Site,
    cover: &Cover,
    tables: &[Table],
    f: &Formats,
    date: &ExcelDateTime,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("About")?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(0, 0, fit(&cover.heading), &f.title)?;
    let mut r = 2;
    for (label, value) in &cover.facts {
        ws.write_string_with_format(r, 0, *label, &f.label)?;
        ws.write_string_with_format(r, 1, fit(value), &f.text)?;
        r += 1;
    }
    ws.write_string_with_format(r, 0, "Published", &f.label)?;
    ws.write_datetime_with_format(r, 1, date, &f.date.clone().set_align(FormatAlign::Left))?;
    if let Some(h) = &site.history {
        r += 1;
        ws.write_string_with_format(r, 0, "Revision", &f.label)?;
        ws.write_string_with_format(r, 1, fit(&h.revision_line()), &f.text)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "Sheet", &f.header)?;
    ws.write_string_with_format(r, 1, "What it holds", &f.header)?;
    for t in tables {
        r += 1;
        let target = rust_xlsxwriter::utility::quote_sheet_name(&t.name);
        ws.write_url_with_format(
            r,
            0,
            Url::new(format!("internal:{target}!A1")).set_text(&t.name),
            &f.link,
        )?;
        ws.write_string_with_format(r, 1, &t.what, &f.text)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "Coverage", &f.header)?;
    ws.write_string_with_format(r, 1, "Meaning", &f.header)?;
    for (s, meaning) in STATES {
        r += 1;
        ws.write_string_with_format(r, 0, s.label(), &f.state(s))?;
        ws.write_string_with_format(r, 1, meaning, &f.text)?;
    }
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// A workbook: the cover sheet, then the tables.
fn workbook(
    site: &Site,
    cover: Cover,
    tables: Vec<Table>,
    scratch: &Path,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // The tables' sheets are written row by row to files with no name in
    // `scratch` (rust_xlsxwriter's constant memory mode), not held as a
    // map of cells: at 10,000 documents that took 30 MB off the build's
    // peak and 5 % off its time (BENCHMARKS.md).
    wb.set_tempdir(scratch)?;
    // Compressing the sheets' XML took a third of the time to make a
    // workbook at the default level 6; level 1 is faster, for files about
    // 1.5 times as large (2.5 MB for the register of 10,000 documents).
    wb.set_zip_compression_level(1);
    let today = site.options.today;
    // The build's date: the same bytes for every build of the same day.
    let date =
        ExcelDateTime::from_ymd(today.year() as u16, today.month() as u8, today.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(fit(&cover.heading))
            .set_company(fit(&site.config.organization))
            .set_author("Clausebook")
            .set_creation_datetime(&date),
    );
    let f = Formats::new();

    cover_sheet(&mut wb, site, &cover, &tables, &f, &date)?;

    let state_formats: Vec<(State, Format)> =
        STATES.iter().map(|(s, _)| (*s, f.state(*s))).collect();
    for t in tables {
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(&t.name)?;
        let last_col = t.columns.len() as u16 - 1;
        for (c, (h, w)) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &f.header)?;
            ws.set_column_width(c as u16, *w)?;
        }
        let mut links = 0;
        let mut last_row = 0;
        let count = t.rows.len();
        // Each row is freed once written.
        for (n, row) in t.rows.into_iter().enumerate() {
            let r = n as u32 + 1;
            if r == MAX_ROWS - 1 && n + 1 < count {
                ws.write_string_with_format(
                    r,
                    0,
                    format!(
                        "… {} more rows are not shown: a sheet holds at most {MAX_ROWS} rows; the JSON export has them all",
                        count - n
                    ),
                    &f.text,
                )?;
                last_row = r;
                break;
            }
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        if !s.is_empty() {
                            ws.write_string_with_format(r, c, fit(s), &f.text)?;
                        }
                    }
                    Cell::Code { text, url } => match url {
                        Some(u) if links < MAX_LINKS => {
                            links += 1;
                            ws.write_url_with_format(
                                r,
                                c,
                                Url::new(format!("file:///{}", page_link(u))).set_text(fit(text)),
                                &f.link,
                            )?;
                        }
                        _ => {
                            ws.write_string_with_format(r, c, fit(text), &f.code)?;
                        }
                    },
                    Cell::State(s) => {
                        let fmt = state_formats
                            .iter()
                            .find(|(x, _)| x == s)
                            .map_or(&f.text, |(_, fmt)| fmt);
                        ws.write_string_with_format(r, c, s.label(), fmt)?;
                    }
                    Cell::Date(Some(d)) => {
                        let x = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_datetime_with_format(r, c, &x, &f.date)?;
                    }
                    Cell::Date(None) => {}
                }
            }
            last_row = r;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, last_row, last_col)?;
        if last_row > 0 {
            ws.ignore_error_range(1, 0, last_row, last_col, IgnoreError::NumberStoredAsText)?;
        }
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        ws.set_footer("&L&A&RPage &P of &N");
    }
    wb.save_to_buffer()
}

fn standards_in_scope(site: &Site) -> String {
    site.trace
        .scope
        .iter()
        .filter_map(|id| site.standards.catalog(id))
        .map(|c| c.display_name())
        .collect::<Vec<_>>()
        .join("; ")
}

fn site_facts(site: &Site) -> Vec<(&'static str, String)> {
    vec![
        ("Site", site.config.title.clone()),
        ("Organization", site.config.organization.clone()),
        ("Standards in scope", standards_in_scope(site)),
    ]
}

/// The Evidence sheet: a row per clause–document pair.
fn evidence_table(what: String, name: String, rows: Vec<Vec<Cell>>) -> Table {
    Table {
        name,
        what,
        columns: [
            ("Standard", 20.0),
            ("Clause", 9.0),
            ("Clause title", 36.0),
            ("Document", 16.0),
            ("Document title", 40.0),
            ("Status", 10.0),
            ("Level", 8.0),
            ("Section", 20.0),
        ]
        .iter()
        .map(|(h, w)| (h.to_string(), *w))
        .collect(),
        rows,
    }
}

/// A row of an Evidence sheet. Only the document links to its page: the
/// clause links are on the other sheets, and every link costs time and
/// space (a relationship entry each).
fn evidence_row(cat: &Catalog, clause: &str, d: &DocEntry, site: &Site) -> Vec<Cell> {
    vec![
        text(cat.display_name()),
        code(clause, None),
        text(super::model::clause_title(cat, clause)),
        code(&d.id, doc_url(site, d.index)),
        text(&d.title),
        text(d.status.as_str()),
        text(if d.level == Level::Partial {
            "partial"
        } else {
            "full"
        }),
        text(d.section.clone().unwrap_or_default()),
    ]
}

/// The sheet of one direction of the matrix.
fn direction_sheet(
    site: &Site,
    name: String,
    rows: &[DirectionRow],
    base: &Catalog,
    other: &Catalog,
) -> Table {
    let (b, o) = (base.display_name(), other.display_name());
    let columns = vec![
        (format!("{b} clause"), 10.0),
        (format!("{b} title"), 32.0),
        (format!("{b} coverage"), 12.0),
        (format!("{b} documents"), 40.0),
        ("Relation".to_string(), 10.0),
        (format!("{o} clause"), 10.0),
        (format!("{o} title"), 32.0),
        (format!("{o} coverage"), 12.0),
        (format!("{o} documents"), 40.0),
        ("Note".to_string(), 24.0),
    ];
    let mut out = Vec::new();
    for r in rows {
        let c = &r.clause;
        let left = || -> Vec<Cell> {
            vec![
                code(&c.clause, Some(clause_url(site, base, &c.clause))),
                text(&c.title),
                c.coverage.map_or(text(""), Cell::State),
                docs_cell(&c.documents),
            ]
        };
        if r.related.is_empty() {
            let mut row = left();
            let why = match r.unrelated {
                Some(Unrelated::Heading) => "heading: see its subclauses",
                Some(Unrelated::NoCounterpart) => "no counterpart",
                Some(Unrelated::NotCovered) => "not related by this mapping",
                None => "",
            };
            row.push(text(why));
            row.extend((0..5).map(|_| text("")));
            out.push(row);
        }
        for x in &r.related {
            let mut row = left();
            let relation = match x.strength {
                Some(s) => format!("{} ({})", x.relation, s.label()),
                None => x.relation.clone(),
            };
            row.extend([
                text(&relation),
                code(
                    &x.clause.clause,
                    Some(clause_url(site, other, &x.clause.clause)),
                ),
                text(&x.clause.title),
                x.clause.coverage.map_or(text(""), Cell::State),
                docs_cell(&x.clause.documents),
                text(x.note.clone().unwrap_or_default()),
            ]);
            out.push(row);
        }
    }
    Table {
        name,
        what: format!(
            "Each {b} clause with its related {o} clauses, a row per pair (a clause without any has a row of its own): coverage and documents on both sides"
        ),
        columns,
        rows: out,
    }
}

fn coverage_sheet(site: &Site, name: String, c: &CoverageExport, cat: &Catalog) -> Table {
    let s = cat.display_name();
    let rows = c
        .clauses
        .iter()
        .map(|r| {
            vec![
                code(&r.clause, Some(clause_url(site, cat, &r.clause))),
                text(&r.title),
                code(r.parent.clone().unwrap_or_default(), None),
                text(if r.requirement { "yes" } else { "no" }),
                Cell::State(r.coverage),
                docs_cell(&r.documents),
                Cell::Text(list_cell(r.derived.iter().map(
                    |d| match d.split_once('/') {
                        Some((std, clause)) => match site.standards.catalog(std) {
                            Some(cat) => format!("{} {clause}", cat.display_name()),
                            None => d.clone(),
                        },
                        None => d.clone(),
                    },
                ))),
                text(r.exclusion.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Table {
        name,
        what: format!(
            "Every clause of {s} with its coverage, the documents addressing it, the related clauses it derives from and exclusions"
        ),
        columns: vec![
            (format!("{s} clause"), 10.0),
            ("Title".into(), 40.0),
            ("Within clause".into(), 9.0),
            ("Requirement".into(), 12.0),
            ("Coverage".into(), 12.0),
            ("Documents".into(), 44.0),
            ("Derived from".into(), 24.0),
            ("Exclusion justification".into(), 36.0),
        ],
        rows,
    }
}

/// `exports/matrix-<left>--<right>.xlsx`.
pub fn matrix_workbook(
    site: &Site,
    m: &MatrixExport,
    coverages: &[&CoverageExport],
    left: &Catalog,
    right: &Catalog,
    scratch: &Path,
) -> Result<Vec<u8>, XlsxError> {
    let mut used = vec!["About".to_string()];
    let (l, r) = (sheet_part(left), sheet_part(right));
    let mut tables = vec![
        direction_sheet(
            site,
            sheet_name(
                &[format!("{l} to {r}"), format!("From {l}"), l.clone()],
                &mut used,
            ),
            &m.left_to_right,
            left,
            right,
        ),
        direction_sheet(
            site,
            sheet_name(
                &[format!("{r} to {l}"), format!("From {r}"), r.clone()],
                &mut used,
            ),
            &m.right_to_left,
            right,
            left,
        ),
    ];
    let mut evidence = Vec::new();
    for c in coverages {
        let Some(cat) = site.standards.catalog(&c.standard.id) else {
            continue;
        };
        let part = sheet_part(cat);
        tables.push(coverage_sheet(
            site,
            sheet_name(&[format!("Coverage {part}"), part], &mut used),
            c,
            cat,
        ));
        for row in &c.clauses {
            evidence.extend(
                row.documents
                    .iter()
                    .map(|d| evidence_row(cat, &row.clause, d, site)),
            );
        }
    }
    let names: Vec<String> = coverages.iter().map(|c| c.standard.name.clone()).collect();
    tables.push(evidence_table(
        format!(
            "A row per clause–document pair: every document addressing a clause of {}, with its status, level and section",
            names.join(" or ")
        ),
        sheet_name(&["Evidence".into()], &mut used),
        evidence,
    ));
    let mut facts = site_facts(site);
    facts.push(("Mapping", m.mapping.name.clone()));
    facts.push(("Source", m.mapping.source.clone()));
    workbook(
        site,
        Cover {
            heading: format!(
                "{}: traceability matrix {} ↔ {}",
                site.config.title,
                left.display_name(),
                right.display_name()
            ),
            facts,
        },
        tables,
        scratch,
    )
}

/// `exports/register.xlsx`.
pub fn register_workbook(site: &Site, scratch: &Path) -> Result<Vec<u8>, XlsxError> {
    let mut used = vec!["About".to_string()];
    // The id links to the page: no URL column.
    let columns: Vec<&register::Column> =
        register::columns(site).filter(|c| c.key != "url").collect();
    let mut rows = Vec::new();
    let mut evidence = Vec::new();
    for i in register::documents(site) {
        rows.push(
            columns
                .iter()
                .map(|c| match (c.value)(site, i) {
                    Value::Id(id) => code(id, doc_url(site, i)),
                    Value::Text(s) => text(s),
                    Value::Optional(s) => text(s.unwrap_or_default()),
                    Value::Code(s) => code(s.unwrap_or_default(), None),
                    Value::Date(d) => Cell::Date(d),
                    Value::Clauses(list) => {
                        Cell::Text(list_cell(list.into_iter().map(|c| c.reference)))
                    }
                    Value::Url(u) => text(u),
                })
                .collect(),
        );
        let d = &site.docs[i].meta;
        for r in register::clauses(site, i) {
            let Some(cat) = site.standards.catalog(&r.standard) else {
                continue;
            };
            let entry = DocEntry {
                id: d.id.clone(),
                title: d.title.clone(),
                status: d.status,
                level: r.level,
                section: r.section.clone(),
                index: i,
            };
            evidence.push(evidence_row(cat, &r.clause, &entry, site));
        }
    }
    let register = Table {
        name: sheet_name(&["Register".into()], &mut used),
        what: "Every published document, by id: title, kind, version, status, owner, approver, dates and the clauses it addresses".into(),
        columns: columns.iter().map(|c| (c.heading.to_string(), c.width)).collect(),
        rows,
    };
    let evidence = evidence_table(
        "A row per document–clause pair: every clause of a standard in scope that a published document addresses, with its level and section".into(),
        sheet_name(&["Evidence".into()], &mut used),
        evidence,
    );
    workbook(
        site,
        Cover {
            heading: format!("{}: document register", site.config.title),
            facts: site_facts(site),
        },
        vec![register, evidence],
        scratch,
    )
}
