//! `clausebook gen-corpus`: a synthetic but realistic SMS document set of any
//! size, for benchmarks. Each document has TOML front-matter (Hugo reads the
//! `title` and ignores the rest), 1–5 KB of Markdown with headings, lists,
//! tables and links to other documents, and clause references spread over
//! the requirement clauses of ISO/IEC 20000-1:2011 and ISO 9001:2008.
//! The output is deterministic for a given size, profile and seed.
//!
//! Two profiles ([`Profile`]): `even` spreads clause references evenly over
//! the requirement clauses and the eight document kinds; `records` is the
//! shape of a real set at that size: most documents are records (change
//! records, incident reports, audit records, review minutes) citing one to
//! three clauses of a small set each, so a few clauses carry thousands of
//! documents, with a long tail of policies, procedures and the like.

use std::fmt::Write as _;
use std::path::Path;

use crate::load::standards::Standards;

/// A small deterministic generator (xorshift64*), so that corpora are
/// reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KINDS: [(&str, &str); 8] = [
    ("policy", "POL"),
    ("plan", "PLN"),
    ("process", "PRC"),
    ("procedure", "PRO"),
    ("work-instruction", "WI"),
    ("form", "FRM"),
    ("register", "REG"),
    ("agreement", "AGR"),
];

const SUBJECTS: [&str; 24] = [
    "Change",
    "Incident",
    "Problem",
    "Release",
    "Configuration",
    "Capacity",
    "Availability",
    "Continuity",
    "Supplier",
    "Service Level",
    "Service Reporting",
    "Budgeting",
    "Security",
    "Access",
    "Backup",
    "Monitoring",
    "Audit",
    "Training",
    "Document Control",
    "Records",
    "Customer Satisfaction",
    "Improvement",
    "Risk",
    "Asset",
];

const ROLES: [&str; 10] = [
    "Service Manager",
    "Change Manager",
    "Problem Manager",
    "Service Desk Lead",
    "Head of Operations",
    "Quality Lead",
    "Security Manager",
    "Supplier Manager",
    "Capacity Analyst",
    "Continuity Manager",
];

const WORDS: [&str; 48] = [
    "service",
    "customer",
    "request",
    "approval",
    "record",
    "review",
    "risk",
    "impact",
    "change",
    "incident",
    "owner",
    "team",
    "report",
    "monthly",
    "target",
    "measure",
    "agreed",
    "priority",
    "escalation",
    "supplier",
    "contract",
    "capacity",
    "plan",
    "test",
    "backup",
    "restore",
    "evidence",
    "audit",
    "finding",
    "action",
    "improvement",
    "register",
    "configuration",
    "item",
    "release",
    "deployment",
    "window",
    "freeze",
    "authority",
    "schedule",
    "meeting",
    "minutes",
    "threshold",
    "alert",
    "availability",
    "continuity",
    "document",
    "training",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = rng.pick(&WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

/// The shape of a generated corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Clause references spread evenly, eight kinds in turn.
    #[default]
    Even,
    /// Mostly records citing a few hot clauses, a long tail of policies
    /// and procedures.
    Records,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "even" => Some(Profile::Even),
            "records" => Some(Profile::Records),
            _ => None,
        }
    }
}

/// The kinds of record of the `records` profile: id prefix, title, tag,
/// and the clauses such a record cites (one to three of them).
const RECORDS: [(&str, &str, &str, &[&str]); 4] = [
    (
        "CHG",
        "Change record",
        "change",
        &[
            "iso20000-1:2011/9.2",
            "iso20000-1:2011/9.3",
            "iso20000-1:2011/9.1",
        ],
    ),
    (
        "INC",
        "Incident report",
        "incident",
        &[
            "iso20000-1:2011/8.1",
            "iso20000-1:2011/8.2",
            "iso9001:2008/8.5.2",
        ],
    ),
    (
        "AUD",
        "Audit record",
        "audit",
        &[
            "iso20000-1:2011/4.5.4.2",
            "iso9001:2008/8.2.2",
            "iso9001:2008/8.5.2",
        ],
    ),
    (
        "MRM",
        "Review minutes",
        "management-review",
        &[
            "iso20000-1:2011/4.5.4.3",
            "iso9001:2008/5.6",
            "iso9001:2008/4.2.4",
        ],
    ),
];

/// What a generated document is: one of the eight kinds of [`KINDS`], or
/// a record of [`RECORDS`].
#[derive(Clone, Copy)]
enum Shape {
    Kind(usize),
    Record(usize),
}

/// The shape of each document of a corpus, decided before any is
/// written (links need every id). In `records`, the first documents
/// (one per requirement clause, so coverage is complete) and one in ten
/// of the rest are of the eight kinds; the others are records, change
/// records and incident reports the most frequent.
fn shapes(docs: usize, profile: Profile, clauses: usize, seed: u64) -> Vec<Shape> {
    let mut rng = Rng::new(seed ^ 0x5EED_5A9E);
    (0..docs)
        .map(|i| match profile {
            Profile::Even => Shape::Kind(i % KINDS.len()),
            Profile::Records if i < clauses || rng.below(10) == 0 => Shape::Kind(i % KINDS.len()),
            Profile::Records => Shape::Record(match rng.below(20) {
                0..=8 => 0,
                9..=15 => 1,
                16..=18 => 2,
                _ => 3,
            }),
        })
        .collect()
}

/// The id of document `i` of a corpus of shape `shape`.
fn shape_id(i: usize, shape: Shape) -> String {
    match shape {
        Shape::Kind(k) => format!("GEN-{}-{:05}", KINDS[k].1, i),
        Shape::Record(r) => format!("{}-{}-{:05}", RECORDS[r].0, 2024 + i % 3, i),
    }
}

/// The id of document `i` of an `even` corpus.
pub fn corpus_id(i: usize) -> String {
    shape_id(i, Shape::Kind(i % KINDS.len()))
}

/// Write a site of `docs` documents into `out` (clausebook.toml and
/// content/) in the `even` profile. `out` must not exist or be empty.
pub fn generate(docs: usize, out: &Path, seed: u64) -> std::io::Result<()> {
    generate_profile(docs, out, seed, Profile::Even)
}

/// Write a site of `docs` documents of the given profile into `out`.
/// `out` must not exist or be empty.
pub fn generate_profile(
    docs: usize,
    out: &Path,
    seed: u64,
    profile: Profile,
) -> std::io::Result<()> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} is not empty", out.display()),
        ));
    }
    let standards = Standards::builtin();
    let refs: Vec<String> = ["iso20000-1:2011", "iso9001:2008"]
        .iter()
        .filter_map(|id| standards.catalog(id))
        .flat_map(|c| {
            c.requirement_clauses()
                .into_iter()
                .map(move |cl| format!("{}/{}", c.id, cl.number))
        })
        .collect();
    std::fs::create_dir_all(out.join("content"))?;
    std::fs::write(out.join("clausebook.toml"), config(docs, profile))?;
    let shapes = shapes(docs, profile, refs.len(), seed);
    let ids: Vec<String> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| shape_id(i, *s))
        .collect();
    let mut rng = Rng::new(seed);
    let per_dir = 500;
    for (i, shape) in shapes.iter().enumerate() {
        let (mut body, sections) = match *shape {
            Shape::Kind(k) => (front_matter(&mut rng, i, k, &ids, &refs), 2 + rng.below(5)),
            Shape::Record(r) => (record_front_matter(&mut rng, i, r, &ids), 1 + rng.below(2)),
        };
        for s in 0..sections {
            section(&mut rng, &ids, s, &mut body);
        }
        let dir = out.join("content").join(format!("part-{:03}", i / per_dir));
        if i % per_dir == 0 {
            std::fs::create_dir_all(&dir)?;
        }
        std::fs::write(dir.join(format!("{}.md", ids[i].to_lowercase())), body)?;
    }
    Ok(())
}

/// The corpus's `clausebook.toml`.
fn config(docs: usize, profile: Profile) -> String {
    let name = match profile {
        Profile::Even => "even",
        Profile::Records => "records",
    };
    format!(
        "# Generated by `clausebook gen-corpus --docs {docs} --profile {name}`: a synthetic set for benchmarks.\n\
title = \"Generated SMS ({docs} documents, {name})\"\n\
organization = \"Benchmark Ltd\"\n\
output = \"public\"\n\
standards = [\"iso20000-1:2011\", \"iso9001:2008\"]\n\n\
[check]\n\
# A synthetic set: dates and links are random, coverage is complete.\n\
review-overdue = \"warn\"\n\
orphan = \"allow\"\n\
link-to-unapproved = \"allow\"\n\
required-document = \"warn\"\n"
    )
}

/// The front-matter of document `i` (with the blank line after it).
fn front_matter(rng: &mut Rng, i: usize, k: usize, ids: &[String], refs: &[String]) -> String {
    let docs = ids.len();
    let (kind, _) = KINDS[k];
    let id = &ids[i];
    let subject = rng.pick(&SUBJECTS);
    let title = format!("{subject} {} {}", title_case(kind), i);
    let status = match rng.below(20) {
        0 => "draft",
        1 => "review",
        2 => "retired",
        _ => "approved",
    };
    // Every requirement clause is addressed by the first documents, so
    // the corpus passes the coverage check; the rest pick at random.
    let mut clauses: Vec<&String> = Vec::new();
    if i < refs.len() {
        clauses.push(&refs[i]);
    }
    for _ in 0..1 + rng.below(3) {
        let r = rng.pick(refs);
        if !clauses.contains(&r) {
            clauses.push(r);
        }
    }
    let status = if i < refs.len() { "approved" } else { status };
    let mut fm = String::new();
    let _ = writeln!(fm, "+++");
    let _ = writeln!(fm, "title = \"{title}\"");
    let _ = writeln!(fm, "id = \"{id}\"");
    let _ = writeln!(fm, "kind = \"{kind}\"");
    let _ = writeln!(fm, "owner = \"{}\"", rng.pick(&ROLES));
    let _ = writeln!(fm, "approver = \"{}\"", rng.pick(&ROLES));
    let _ = writeln!(fm, "version = \"{}.{}\"", 1 + rng.below(5), rng.below(10));
    let _ = writeln!(fm, "status = \"{status}\"");
    let _ = writeln!(
        fm,
        "effective = 2026-{:02}-{:02}",
        1 + rng.below(10),
        1 + rng.below(28)
    );
    let _ = writeln!(
        fm,
        "review_by = 2028-{:02}-{:02}",
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let list: Vec<String> = clauses.iter().map(|c| format!("\"{c}\"")).collect();
    let _ = writeln!(fm, "clauses = [{}]", list.join(", "));
    let related: Vec<String> = (0..rng.below(3))
        .map(|_| format!("\"{}\"", ids[rng.below(docs)]))
        .collect();
    let _ = writeln!(fm, "related = [{}]", related.join(", "));
    let _ = writeln!(
        fm,
        "tags = [\"{}\", \"{kind}\"]",
        subject.to_lowercase().replace(' ', "-")
    );
    let _ = writeln!(
        fm,
        "summary = \"{}\"",
        sentence(rng, 10).trim_end_matches('.')
    );
    let _ = writeln!(fm, "+++\n");
    fm
}

/// The front-matter of record `i`, of kind `RECORDS[r]` (with the blank
/// line after it): cites the first clause of its kind and up to two more
/// of the same small set.
fn record_front_matter(rng: &mut Rng, i: usize, r: usize, ids: &[String]) -> String {
    let (_, what, tag, pool) = RECORDS[r];
    let id = &ids[i];
    let subject = rng.pick(&SUBJECTS);
    let title = format!(
        "{what} {id}: {} {} {}",
        subject,
        rng.pick(&WORDS),
        rng.pick(&WORDS)
    );
    let mut clauses = vec![pool[0]];
    for _ in 0..rng.below(3) {
        let c = *rng.pick(pool);
        if !clauses.contains(&c) {
            clauses.push(c);
        }
    }
    let status = match rng.below(40) {
        0 => "draft",
        1 => "review",
        _ => "approved",
    };
    let year = 2024 + i % 3;
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let mut fm = String::new();
    let _ = writeln!(fm, "+++");
    let _ = writeln!(fm, "title = \"{title}\"");
    let _ = writeln!(fm, "id = \"{id}\"");
    let _ = writeln!(fm, "kind = \"record\"");
    let _ = writeln!(fm, "owner = \"{}\"", rng.pick(&ROLES));
    let _ = writeln!(fm, "approver = \"{}\"", rng.pick(&ROLES));
    let _ = writeln!(fm, "version = \"1.{}\"", rng.below(3));
    let _ = writeln!(fm, "status = \"{status}\"");
    let _ = writeln!(fm, "effective = {year}-{month:02}-{day:02}");
    let _ = writeln!(fm, "review_by = {}-{month:02}-{day:02}", year + 3);
    let list: Vec<String> = clauses.iter().map(|c| format!("\"{c}\"")).collect();
    let _ = writeln!(fm, "clauses = [{}]", list.join(", "));
    let related: Vec<String> = (0..rng.below(2))
        .map(|_| format!("\"{}\"", ids[rng.below(ids.len())]))
        .collect();
    let _ = writeln!(fm, "related = [{}]", related.join(", "));
    let _ = writeln!(fm, "tags = [\"{tag}\", \"{year}\"]");
    let _ = writeln!(
        fm,
        "summary = \"{}\"",
        sentence(rng, 8).trim_end_matches('.')
    );
    let _ = writeln!(fm, "+++\n");
    fm
}

/// Section `s` of a body: a heading, paragraphs (some with a link to
/// another document), and sometimes a list, a table or numbered steps.
fn section(rng: &mut Rng, ids: &[String], s: usize, body: &mut String) {
    let docs = ids.len();
    let _ = writeln!(
        body,
        "## {} {} {{#section-{s}}}\n",
        title_case(WORDS[rng.below(WORDS.len())]),
        s + 1
    );
    for _ in 0..1 + rng.below(3) {
        let mut para = String::new();
        for _ in 0..2 + rng.below(4) {
            let n = 6 + rng.below(10);
            para.push_str(&sentence(rng, n));
            para.push(' ');
        }
        if rng.below(3) == 0 && docs > 1 {
            let target = rng.below(docs);
            let _ = write!(para, "See [{}]({}).", ids[target], ids[target]);
        }
        let _ = writeln!(body, "{}\n", para.trim_end());
    }
    match rng.below(4) {
        0 => {
            for _ in 0..3 + rng.below(4) {
                let n = 5 + rng.below(6);
                let _ = writeln!(body, "- {}", sentence(rng, n));
            }
            body.push('\n');
        }
        1 => {
            let _ = writeln!(body, "| Step | Role | Record |\n|------|------|--------|");
            for k in 0..2 + rng.below(4) {
                let _ = writeln!(
                    body,
                    "| {} | {} | {} |",
                    k + 1,
                    rng.pick(&ROLES),
                    title_case(WORDS[rng.below(WORDS.len())])
                );
            }
            body.push('\n');
        }
        2 => {
            for k in 0..3 {
                let _ = writeln!(body, "{}. {}", k + 1, sentence(rng, 6));
            }
            body.push('\n');
        }
        _ => {}
    }
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = true;
    for c in s.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        up = c == ' ' || c == '-';
    }
    out.replace('-', " ")
}

/// [`generate`], then with `commits`, a `[history]` table in its
/// clausebook.toml and a git history of that many commits over the corpus
/// (`tools::repo::write_corpus_history`). What was written, as
/// the end of a sentence (`" with 2000 commits (…)"`).
pub fn generate_with_history(
    docs: usize,
    out: &Path,
    seed: u64,
    profile: Profile,
    commits: Option<usize>,
) -> std::io::Result<String> {
    generate_profile(docs, out, seed, profile)?;
    let Some(n) = commits else {
        return Ok(String::new());
    };
    let config = out.join("clausebook.toml");
    let mut text = std::fs::read_to_string(&config)?;
    text.push_str("\n[history]\n");
    std::fs::write(&config, text)?;
    let h = crate::tools::repo::write_corpus_history(out, n, seed)?;
    Ok(format!(
        " with {} commits ({} approvals, {} edits after approval, {} moves, {} clause reference changes)",
        h.commits, h.approvals, h.edits_after_approval, h.moves, h.clause_changes
    ))
}
