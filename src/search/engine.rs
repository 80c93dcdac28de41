//! The tantivy index: its schema, how the build writes it, and how
//! `clausebook search` and `clausebook serve` query it.
//!
//! Fields (all usable in the query language, e.g. `title:change`):
//!
//! | field           | tokenizer           | holds                                    |
//! |-----------------|---------------------|------------------------------------------|
//! | `id`            | whole value, lower  | the document id                          |
//! | `idparts`       | words, lower        | the id's parts (`pro`, `007`)            |
//! | `title`         | English stemming    | the title                                |
//! | `kind`          | whole value         | `procedure`, `work-instruction`, …       |
//! | `status`        | whole value         | `approved`, `retired`, …                 |
//! | `owner`         | English stemming    | the owner                                |
//! | `tags`          | English stemming    | the tags                                 |
//! | `summary`       | English stemming    | the summary of the front-matter          |
//! | `headings`      | English stemming    | every heading of the body                |
//! | `body`          | English stemming    | the body as plain text                   |
//! | `clause`        | whole value, lower  | `8.1` and `iso20000-1:2011/8.1`          |
//! | `within`        | whole value, lower  | ancestors (`8`, `iso20000-1:2011/8`) and the catalog id |
//! | `clausetitle`   | English stemming    | titles of the referenced clauses         |
//!
//! Ids and titles weigh most, then clauses, then tags, headings and
//! summary, then the body.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::RamDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, QueryParser, TermQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer};
use tantivy::{
    Directory, DocId, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Score,
    Searcher, SegmentReader, TantivyDocument, Term,
};

use super::Entry;
use super::text::shorten;
use crate::base::output::OutputFile;

/// Tokenizer of whole-value fields (ids, clause numbers): the value as one
/// lowercase token.
const KEYWORD: &str = "clausebook_keyword";
const STEMMED: &str = "en_stem";
const WORDS: &str = "default";

/// Field boosts: how much a match in each field weighs.
const BOOSTS: &[(&str, f32)] = &[
    ("id", 12.0),
    ("idparts", 3.0),
    ("title", 4.0),
    ("titlestart", 2.0),
    ("clause", 8.0),
    ("within", 4.0),
    ("clausetitle", 1.5),
    ("tags", 2.0),
    ("headings", 1.5),
    ("summary", 1.5),
    ("owner", 1.0),
    ("body", 1.0),
];

/// Fields searched by words without a `field:` prefix.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "idparts",
    "title",
    "titlestart",
    "clause",
    "within",
    "clausetitle",
    "tags",
    "headings",
    "summary",
    "owner",
    "body",
];

/// Fields a query may name in `field:value`, as the messages list them.
const USER_FIELDS: &[&str] = &[
    "title",
    "id",
    "kind",
    "status",
    "owner",
    "tags",
    "headings",
    "summary",
    "body",
    "clause",
    "within",
    "clausetitle",
];

/// How to write a query: the help of every message about one that cannot
/// be run (the CLI's and the API's alike).
pub const QUERY_HELP: &str = "words match anywhere; use \"quotes\" for a phrase, field:value \
     (title, id, kind, status, owner, tags, headings, summary, body, clause), + to require a word, \
     - to exclude one; put quotes around special characters, e.g. \"x:*\"";

/// Fields a trailing partial word is completed in (search as you type).
const PREFIX_FIELDS: &[(&str, f32)] = &[
    ("title", 2.0),
    ("idparts", 1.5),
    ("headings", 0.8),
    ("clausetitle", 0.8),
    ("tags", 0.8),
    ("summary", 0.5),
    ("body", 0.4),
];

/// Extra weight of a query that is (part of) a title, word for word.
const TITLE_PHRASE_BOOST: f32 = 6.0;
/// At most this many dictionary terms complete a partial word.
const MAX_PREFIX_TERMS: usize = 50;
/// Snippet length, in characters.
const SNIPPET_CHARS: usize = 180;

/// The fields of the schema.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    idparts: Field,
    title: Field,
    titlestart: Field,
    kind: Field,
    status: Field,
    owner: Field,
    tags: Field,
    summary: Field,
    headings: Field,
    body: Field,
    clause: Field,
    within: Field,
    clausetitle: Field,
    url: Field,
    weight: Field,
}

fn text_options(tokenizer: &str, positions: bool, stored: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored { opts.set_stored() } else { opts }
}

/// Whole values (ids, clause numbers), matched exactly, however many a
/// document has.
fn keyword_options(stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(KEYWORD)
            .set_index_option(IndexRecordOption::WithFreqs)
            .set_fieldnorms(false),
    );
    if stored { opts.set_stored() } else { opts }
}

/// Like [`text_options`], without length normalization: a word of a
/// short title counts as much as a word of a long one.
fn short_text_options(tokenizer: &str, stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
            .set_fieldnorms(false),
    );
    if stored { opts.set_stored() } else { opts }
}

/// How much a document's kind and status weigh on its score, in percent:
/// the documents that define the system (policies, processes, procedures)
/// come before the forms, registers and records that serve them, and
/// retired documents after current ones.
pub fn doc_weight(kind: &str, status: &str) -> u64 {
    let k = match kind {
        "policy" | "process" => 120,
        "procedure" => 112,
        "plan" | "work-instruction" | "agreement" => 104,
        "register" | "record" | "form" => 92,
        _ => 100,
    };
    match status {
        "retired" => k * 6 / 10,
        "draft" | "review" => k * 9 / 10,
        _ => k,
    }
}

pub(crate) fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", keyword_options(true));
    b.add_text_field("idparts", short_text_options(WORDS, false));
    b.add_text_field("title", short_text_options(STEMMED, true));
    b.add_text_field("titlestart", short_text_options(STEMMED, false));
    b.add_text_field("kind", STRING | STORED);
    b.add_text_field("status", STRING | STORED);
    b.add_text_field("owner", short_text_options(STEMMED, false));
    b.add_text_field("tags", short_text_options(STEMMED, false));
    b.add_text_field("summary", text_options(STEMMED, true, true));
    b.add_text_field("headings", text_options(STEMMED, true, false));
    b.add_text_field("body", text_options(STEMMED, true, true));
    b.add_text_field("clause", keyword_options(false));
    b.add_text_field("within", keyword_options(false));
    b.add_text_field("clausetitle", short_text_options(STEMMED, false));
    b.add_text_field("url", STORED);
    b.add_u64_field("weight", FAST);
    b.build()
}

impl Fields {
    pub(crate) fn of(schema: &Schema) -> Result<Fields, SearchError> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                SearchError::Index(format!(
                    "the index has no field `{name}`: it was written by another version of Clausebook"
                ))
            })
        };
        Ok(Fields {
            id: f("id")?,
            idparts: f("idparts")?,
            title: f("title")?,
            titlestart: f("titlestart")?,
            kind: f("kind")?,
            status: f("status")?,
            owner: f("owner")?,
            tags: f("tags")?,
            summary: f("summary")?,
            headings: f("headings")?,
            body: f("body")?,
            clause: f("clause")?,
            within: f("within")?,
            clausetitle: f("clausetitle")?,
            url: f("url")?,
            weight: f("weight")?,
        })
    }
}

/// The `en_stem` analyzer of tantivy (simple tokenizer, long tokens
/// dropped, lower case, English stemming), with each word's stem computed
/// once: a document set has a vocabulary of a few thousand words that
/// occur millions of times, and stemming was the largest single cost of
/// indexing. Used when building only: queries use tantivy's own `en_stem`,
/// which gives the same tokens.
mod cached_stem {
    use std::collections::HashMap;

    use tantivy::tokenizer::{
        Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
    };

    /// Forget the cache past this many words (a bound, never reached by a
    /// real document set).
    const MAX_WORDS: usize = 200_000;

    #[derive(Clone)]
    pub struct CachedStemmer;

    impl TokenFilter for CachedStemmer {
        type Tokenizer<T: Tokenizer> = Filter<T>;

        fn transform<T: Tokenizer>(self, tokenizer: T) -> Filter<T> {
            Filter {
                inner: tokenizer,
                cache: HashMap::new(),
                stemmer: TextAnalyzer::builder(RawTokenizer::default())
                    .filter(Stemmer::new(Language::English))
                    .build(),
            }
        }
    }

    #[derive(Clone)]
    pub struct Filter<T> {
        inner: T,
        cache: HashMap<String, String>,
        stemmer: TextAnalyzer,
    }

    impl<T: Tokenizer> Tokenizer for Filter<T> {
        type TokenStream<'a> = Stream<'a, T::TokenStream<'a>>;

        fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
            Stream {
                tail: self.inner.token_stream(text),
                cache: &mut self.cache,
                stemmer: &mut self.stemmer,
            }
        }
    }

    pub struct Stream<'a, T> {
        tail: T,
        cache: &'a mut HashMap<String, String>,
        stemmer: &'a mut TextAnalyzer,
    }

    impl<T: TokenStream> TokenStream for Stream<'_, T> {
        fn advance(&mut self) -> bool {
            if !self.tail.advance() {
                return false;
            }
            let token = self.tail.token_mut();
            if let Some(stem) = self.cache.get(&token.text) {
                token.text.clone_from(stem);
                return true;
            }
            let stem = {
                let mut stream = self.stemmer.token_stream(&token.text);
                if stream.advance() {
                    stream.token().text.clone()
                } else {
                    token.text.clone()
                }
            };
            if self.cache.len() >= MAX_WORDS {
                self.cache.clear();
            }
            self.cache
                .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            true
        }

        fn token(&self) -> &Token {
            self.tail.token()
        }

        fn token_mut(&mut self) -> &mut Token {
            self.tail.token_mut()
        }
    }
}

/// `en_stem` with cached stems, for building the index.
pub(crate) fn register_indexing_tokenizers(index: &Index) {
    use tantivy::tokenizer::SimpleTokenizer;
    index.tokenizers().register(
        "en_stem",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(cached_stem::CachedStemmer)
            .build(),
    );
}

pub(crate) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        KEYWORD,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(RemoveLongFilter::limit(200))
            .filter(LowerCaser)
            .build(),
    );
}

fn tantivy_err(e: impl fmt::Display) -> String {
    e.to_string()
}

/// The tantivy document of an entry.
pub(crate) fn document(f: &Fields, e: &Entry<'_>) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, e.id);
    d.add_text(f.idparts, e.id);
    d.add_text(f.title, e.title);
    if let Some(first) = e.title.split_whitespace().next() {
        d.add_text(f.titlestart, first);
    }
    d.add_text(f.kind, e.kind);
    d.add_text(f.status, e.status);
    d.add_text(f.owner, e.owner);
    for t in e.tags {
        d.add_text(f.tags, t);
    }
    d.add_text(f.summary, e.summary);
    for h in &e.headings {
        d.add_text(f.headings, h);
    }
    d.add_text(f.body, e.body);
    let mut within: Vec<String> = Vec::new();
    for c in &e.clauses {
        d.add_text(f.clause, &c.number);
        d.add_text(f.clause, format!("{}/{}", c.standard, c.number));
        if !c.title.is_empty() {
            d.add_text(f.clausetitle, &c.title);
        }
        within.push(c.standard.clone());
        for a in &c.ancestors {
            within.push(a.clone());
            within.push(format!("{}/{a}", c.standard));
        }
    }
    within.sort();
    within.dedup();
    for w in &within {
        d.add_text(f.within, w);
    }
    d.add_text(f.url, e.url);
    d.add_u64(f.weight, doc_weight(e.kind, e.status));
    d
}

/// Build the index of `entries` in memory and return its files, to be
/// written under [`super::INDEX_DIR`].
pub fn build_index(entries: &[Entry<'_>]) -> Result<Vec<OutputFile>, String> {
    let schema = schema();
    let f = Fields::of(&schema).map_err(|e| e.to_string())?;
    let ram = RamDirectory::create();
    let index =
        Index::create(ram.clone(), schema, IndexSettings::default()).map_err(tantivy_err)?;
    register_tokenizers(&index);
    register_indexing_tokenizers(&index);
    // One indexing thread: documents keep their id order, and the build
    // does not compete with itself for the two cores.
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, 64 << 20)
        .map_err(tantivy_err)?;
    for e in entries {
        writer.add_document(document(&f, e)).map_err(tantivy_err)?;
    }
    writer.commit().map_err(tantivy_err)?;
    writer.wait_merging_threads().map_err(tantivy_err)?;

    let mut paths: Vec<PathBuf> = index.directory().list_managed_files().into_iter().collect();
    paths.push(PathBuf::from(".managed.json"));
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        if !ram.exists(&p).map_err(tantivy_err)? {
            continue;
        }
        let bytes = ram
            .open_read(&p)
            .map_err(tantivy_err)?
            .read_bytes()
            .map_err(tantivy_err)?;
        files.push(OutputFile {
            path: format!("{}/{}", super::INDEX_DIR, p.to_string_lossy()),
            bytes: bytes.as_slice().to_vec(),
        });
    }
    Ok(files)
}

/// Why a search failed.
#[derive(Debug)]
pub enum SearchError {
    /// No index where one was expected.
    Missing(PathBuf),
    /// The query cannot be parsed (exit code 2, HTTP 400).
    Query(String),
    /// The index cannot be read.
    Index(String),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::Missing(p) => write!(f, "no search index in {}", p.display()),
            SearchError::Query(m) => write!(f, "invalid query: {m}"),
            SearchError::Index(m) => write!(f, "cannot read the search index: {m}"),
        }
    }
}

impl std::error::Error for SearchError {}

/// How a query is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParseMode {
    /// Reject a malformed query with [`SearchError::Query`] (the CLI).
    #[default]
    Strict,
    /// Make the best of a malformed query and report the problems as
    /// warnings (search as you type, where `"unfinished` is normal).
    Lenient,
}

/// One search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query, in tantivy's query language: words, `"phrases"`,
    /// `field:value`, `+must`, `-not`, `AND`/`OR`, `(groups)`.
    pub query: String,
    /// Only documents of this kind (`procedure`, …).
    pub kind: Option<String>,
    /// Only documents with this status (`approved`, …).
    pub status: Option<String>,
    /// Only documents addressing this clause or a clause below it: `8.1`
    /// or `iso20000-1:2011/8.1`.
    pub clause: Option<String>,
    /// At most this many results.
    pub limit: usize,
    pub mode: ParseMode,
    /// Also complete the last word as a prefix when the query does not end
    /// with a space (`inci` finds "incident").
    pub complete_last_word: bool,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    /// Page URL, relative to the site root.
    pub url: String,
    pub score: f32,
    /// An HTML fragment: HTML-escaped text, matches wrapped in `<mark>`.
    pub snippet: String,
    /// The snippet as plain text, and the byte ranges of its matches.
    #[serde(skip)]
    pub snippet_text: String,
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
}

/// The answer to a [`SearchRequest`]: the JSON of `clausebook search
/// --json` and of `GET /api/search`.
#[derive(Debug, Clone, Serialize)]
pub struct Hits {
    pub query: String,
    /// Number of matching documents (may exceed `results.len()`).
    pub total: usize,
    pub results: Vec<Hit>,
    /// Problems with the query that lenient parsing worked around.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// An opened index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
}

impl SearchIndex {
    /// Open the index in `dir` (an output folder's `search/tantivy`).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        if !dir.join("meta.json").is_file() {
            return Err(SearchError::Missing(dir.to_path_buf()));
        }
        let index = Index::open_in_dir(dir).map_err(|e| SearchError::Index(e.to_string()))?;
        SearchIndex::with_reader(index, dir)
    }

    /// A reader of the last commit of `index`, an index opened for writing
    /// (by [`crate::serve::search::LiveSearch`]): it gets the tokenizers of
    /// [`SearchIndex::open`], not the writer's.
    pub(crate) fn from_index(index: &Index, dir: &Path) -> Result<SearchIndex, SearchError> {
        let mut index = index.clone();
        index.set_tokenizers(tantivy::tokenizer::TokenizerManager::default());
        SearchIndex::with_reader(index, dir)
    }

    fn with_reader(index: Index, dir: &Path) -> Result<SearchIndex, SearchError> {
        register_tokenizers(&index);
        let fields = Fields::of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| SearchError::Index(e.to_string()))?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            path: dir.to_path_buf(),
        })
    }

    /// The folder the index was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of indexed documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn parser(&self) -> QueryParser {
        let schema = self.index.schema();
        let fields: Vec<Field> = DEFAULT_FIELDS
            .iter()
            .filter_map(|n| schema.get_field(n).ok())
            .collect();
        let mut parser = QueryParser::for_index(&self.index, fields);
        for (name, boost) in BOOSTS {
            if let Ok(f) = schema.get_field(name) {
                parser.set_field_boost(f, *boost);
            }
        }
        parser
    }

    /// The words of `text` as a phrase query on the title, when there are
    /// at least two.
    fn title_phrase(&self, text: &str) -> Option<Box<dyn Query>> {
        let mut tokenizer = self.index.tokenizer_for_field(self.fields.title).ok()?;
        let mut stream = tokenizer.token_stream(text);
        let mut terms = Vec::new();
        while stream.advance() {
            let t = stream.token();
            terms.push((
                t.position,
                Term::from_field_text(self.fields.title, &t.text),
            ));
        }
        if terms.len() < 2 || terms.len() > 12 {
            return None;
        }
        Some(Box::new(PhraseQuery::new_with_offset(terms)))
    }

    /// Run a search.
    pub fn search(&self, req: &SearchRequest) -> Result<Hits, SearchError> {
        let searcher = self.reader.searcher();
        let text = quote_clause_refs(req.query.trim(), &self.index.schema());
        let parser = self.parser();
        let mut warnings = Vec::new();
        let user_query: Box<dyn Query> = if text.is_empty() {
            Box::new(EmptyQuery)
        } else {
            match req.mode {
                ParseMode::Strict => parser
                    .parse_query(&text)
                    .map_err(|e| SearchError::Query(describe_parse_error(&e)))?,
                ParseMode::Lenient => {
                    let (q, errors) = parser.parse_query_lenient(&text);
                    warnings.extend(errors.iter().map(describe_parse_error));
                    q
                }
            }
        };
        let mut matching: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, user_query)];
        if req.complete_last_word
            && let Some(prefix) = trailing_word(&req.query)
        {
            for (name, boost) in PREFIX_FIELDS {
                let Ok(field) = self.index.schema().get_field(name) else {
                    continue;
                };
                let terms = expand_prefix(&searcher, field, &prefix)?;
                if terms.is_empty() {
                    continue;
                }
                let alternatives: Vec<(Occur, Box<dyn Query>)> = terms
                    .into_iter()
                    .map(|t| {
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
                        (Occur::Should, q)
                    })
                    .collect();
                matching.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(BooleanQuery::new(alternatives)),
                        *boost,
                    )),
                ));
            }
        }
        if let Some(phrase) = self.title_phrase(&text) {
            // The query is (part of) a title, word for word.
            matching.push((
                Occur::Should,
                Box::new(BoostQuery::new(phrase, TITLE_PHRASE_BOOST)),
            ));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(matching)))];
        let f = self.fields;
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(k) = &req.kind {
            clauses.push((Occur::Must, exact(f.kind, k)));
        }
        if let Some(s) = &req.status {
            clauses.push((Occur::Must, exact(f.status, s)));
        }
        if let Some(c) = &req.clause {
            let c = c.trim().to_lowercase();
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, exact(f.clause, &c)),
                    (Occur::Should, exact(f.within, &c)),
                ])),
            ));
        }
        let query = BooleanQuery::new(clauses);

        let limit = req.limit.max(1);
        let weighted = TopDocs::with_limit(limit).tweak_score(|segment: &SegmentReader| {
            let weights = segment
                .fast_fields()
                .u64("weight")
                .ok()
                .map(|c| c.first_or_default_col(100));
            move |doc: DocId, score: Score| match &weights {
                Some(w) => score * w.get_val(doc) as Score / 100.0,
                None => score,
            }
        });
        let (top, total) = searcher
            .search(&query, &(weighted, Count))
            .map_err(run_error)?;
        let body_snippets = snippet_generator(&searcher, &query, f.body)?;
        let summary_snippets = snippet_generator(&searcher, &query, f.summary)?;
        let mut results = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .map_err(|e| SearchError::Index(e.to_string()))?;
            let get = |field: Field| -> String {
                doc.get_first(field)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            let mut snippet = body_snippets.snippet_from_doc(&doc);
            if snippet.highlighted().is_empty() {
                let s = summary_snippets.snippet_from_doc(&doc);
                if !s.highlighted().is_empty() {
                    snippet = s;
                }
            }
            let (snippet_text, highlights) = if snippet.highlighted().is_empty() {
                // No word of the query in the text (a match on the id or a
                // clause): show the summary, else the start of the body.
                let summary = get(f.summary);
                let source = if summary.trim().is_empty() {
                    get(f.body)
                } else {
                    summary
                };
                (shorten(&source, SNIPPET_CHARS), Vec::new())
            } else {
                (
                    snippet.fragment().trim_end().to_string(),
                    snippet.highlighted().to_vec(),
                )
            };
            let snippet_text = squeeze(&snippet_text, &highlights);
            results.push(Hit {
                id: get(f.id),
                title: get(f.title),
                kind: get(f.kind),
                status: get(f.status),
                url: get(f.url),
                score,
                snippet: mark_html(&snippet_text.0, &snippet_text.1),
                snippet_text: snippet_text.0,
                highlights: snippet_text.1,
            });
        }
        Ok(Hits {
            query: req.query.clone(),
            total,
            results,
            warnings,
        })
    }
}

/// A snippet generator for `field` that highlights the query's words but
/// not the digits of a clause number searched as a phrase (`4.3.2` would
/// otherwise mark every "2" of the text).
fn snippet_generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator, SearchError> {
    let mut terms: BTreeMap<String, f32> = BTreeMap::new();
    let mut found: Vec<(Term, bool)> = Vec::new();
    query.query_terms(&mut |term, in_phrase| {
        if term.field() == field {
            found.push((term.clone(), in_phrase));
        }
    });
    for (term, in_phrase) in found {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let short_number = text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit());
        if text.chars().count() < 2 && !text.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if in_phrase && short_number {
            continue;
        }
        let df = searcher
            .doc_freq(&term)
            .map_err(|e| SearchError::Index(e.to_string()))?;
        if df > 0 {
            terms.insert(text.to_string(), 1.0 / (1.0 + df as f32));
        }
    }
    let tokenizer = searcher
        .index()
        .tokenizer_for_field(field)
        .map_err(|e| SearchError::Index(e.to_string()))?;
    Ok(SnippetGenerator::new(
        terms,
        tokenizer,
        field,
        SNIPPET_CHARS,
    ))
}

/// Dictionary terms of `field` starting with `prefix`, most frequent first.
fn expand_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
) -> Result<Vec<Term>, SearchError> {
    let io = |e: std::io::Error| SearchError::Index(e.to_string());
    let mut found: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xff);
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(field)
            .map_err(|e| SearchError::Index(e.to_string()))?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()
            .map_err(io)?;
        while stream.advance() {
            *found.entry(stream.key().to_vec()).or_insert(0) += stream.value().doc_freq;
        }
    }
    let mut terms: Vec<(Vec<u8>, u32)> = found.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(terms
        .into_iter()
        .take(MAX_PREFIX_TERMS)
        .filter_map(|(k, _)| String::from_utf8(k).ok())
        .map(|t| Term::from_field_text(field, &t))
        .collect())
}

/// The last word of a query still being typed: letters or digits at the
/// very end, not part of a `field:`, phrase or operator, at least two
/// characters long. Lowercased.
fn trailing_word(query: &str) -> Option<String> {
    if query.matches('"').count() % 2 == 1 {
        return None; // inside an unfinished phrase
    }
    let start = query
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    let word = &query[start..];
    let before = query[..start].chars().last();
    if matches!(before, Some(':' | '-' | '+' | '.' | '/' | '~' | '^' | '*')) {
        return None;
    }
    if word.chars().count() < 2 || matches!(word, "AND" | "OR" | "NOT" | "IN") {
        return None;
    }
    Some(word.to_lowercase())
}

/// Make plain text of colons that are no `field:` syntax: put quotes
/// around bare clause references such as `iso20000-1:2011/8.1` (which the
/// query language would read as a field name), and drop a colon ending a
/// word (`Agreement: Wyvern`, as in titles).
fn quote_clause_refs(query: &str, schema: &Schema) -> String {
    let mut out = String::with_capacity(query.len() + 8);
    let mut in_quotes = false;
    for (i, part) in query.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let quotes = part.matches('"').count();
        let is_field = part.split_once(':').is_some_and(|(f, _)| {
            schema
                .get_field(f.trim_start_matches(['+', '-', '(']))
                .is_ok()
        });
        if !in_quotes && quotes == 0 && !is_field && part.contains(':') && part.contains('/') {
            out.push('"');
            out.push_str(part);
            out.push('"');
        } else if !in_quotes && !is_field && part.len() > 1 && part.ends_with(':') {
            out.push_str(&part[..part.len() - 1]);
        } else {
            out.push_str(part);
        }
        if quotes % 2 == 1 {
            in_quotes = !in_quotes;
        }
    }
    out
}

/// `the fields are `title`, `id`, …`.
fn fields_list() -> String {
    let names: Vec<String> = USER_FIELDS.iter().map(|f| format!("`{f}`")).collect();
    format!("the fields are {}", names.join(", "))
}

fn describe_parse_error(e: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match e {
        E::SyntaxError(_) => {
            "the query is not well formed (check quotes, brackets and `field:value` pairs)"
                .to_string()
        }
        E::FieldDoesNotExist(f) => format!("there is no field `{f}`; {}", fields_list()),
        E::FieldNotIndexed(f) => format!("the field `{f}` cannot be searched; {}", fields_list()),
        E::AllButQueryForbidden => {
            "the query only excludes words; add at least one word to look for".to_string()
        }
        other => other.to_string(),
    }
}

/// An error running a parsed query: the query's fault (a field that does
/// not exist, `field:*`, which needs a kind of field the index does not
/// have) or the index's (I/O, corruption).
fn run_error(e: tantivy::TantivyError) -> SearchError {
    use tantivy::TantivyError as E;
    match e {
        E::FieldNotFound(f) => {
            SearchError::Query(format!("there is no field `{f}`; {}", fields_list()))
        }
        E::SchemaError(m) if m.contains("not a fast field") => SearchError::Query(
            "`field:*` (documents with any value in a field) is not supported; search for words \
             in the field, e.g. `title:change`"
                .to_string(),
        ),
        E::SchemaError(m) | E::InvalidArgument(m) => {
            SearchError::Query(format!("the query cannot be run: {m}"))
        }
        other => SearchError::Index(other.to_string()),
    }
}

/// Collapse runs of whitespace (line breaks of tables and lists) to one
/// space, moving the highlight ranges along.
fn squeeze(text: &str, marks: &[Range<usize>]) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(text.len());
    let mut map = vec![0usize; text.len() + 1];
    let mut last_space = false;
    for (i, c) in text.char_indices() {
        map[i..i + c.len_utf8()].fill(out.len());
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    map[text.len()] = out.len();
    let marks = marks
        .iter()
        .filter(|r| r.end <= text.len() && r.start < r.end)
        .map(|r| map[r.start]..map[r.end])
        .collect();
    (out, marks)
}

/// Escape `text` for HTML, wrapping the `marks` ranges in `<mark>`.
pub fn mark_html(text: &str, marks: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 13);
    let mut pos = 0;
    for r in marks {
        if r.start < pos || r.end > text.len() {
            continue;
        }
        out.push_str(&crate::resolve::markdown::escape_attr(&text[pos..r.start]));
        out.push_str("<mark>");
        out.push_str(&crate::resolve::markdown::escape_attr(
            &text[r.start..r.end],
        ));
        out.push_str("</mark>");
        pos = r.end;
    }
    out.push_str(&crate::resolve::markdown::escape_attr(&text[pos..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_words() {
        // Only a bare word being typed is completed.
        assert_eq!(trailing_word("incid").as_deref(), Some("incid"));
        assert_eq!(trailing_word("major Inci").as_deref(), Some("inci"));
        assert_eq!(trailing_word("major "), None);
        assert_eq!(trailing_word("title:chan"), None);
        assert_eq!(trailing_word("\"major inci"), None);
        assert_eq!(trailing_word("4.3"), None);
        assert_eq!(trailing_word("x"), None);
        assert_eq!(trailing_word("a AND"), None);
    }

    #[test]
    fn quotes_clause_refs() {
        // A standard's id would read as a field name.
        let s = schema();
        assert_eq!(
            quote_clause_refs("iso20000-1:2011/8.1 change", &s),
            "\"iso20000-1:2011/8.1\" change"
        );
        assert_eq!(quote_clause_refs("title:a/b", &s), "title:a/b");
        assert_eq!(quote_clause_refs("\"x iso:1/2\"", &s), "\"x iso:1/2\"");
        // A colon ending a word is punctuation, unless it names a field.
        assert_eq!(
            quote_clause_refs("Agreement: Wyvern title:", &s),
            "Agreement Wyvern title:"
        );
    }

    #[test]
    fn marks_and_squeezes() {
        // Highlights survive whitespace squeezing and HTML escaping.
        let (t, m) = squeeze("a  <b>\n\nword", &[Range { start: 8, end: 12 }]);
        assert_eq!(t, "a <b> word");
        assert_eq!(mark_html(&t, &m), "a &lt;b&gt; <mark>word</mark>");
        assert_eq!(shorten("one two three", 7), "one two…");
    }
}
