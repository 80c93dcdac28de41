//! The tantivy engine of `clausebook search` and of `clausebook serve`'s
//! `/api/search`: the query tree of [`super::query`] run by the one
//! ranking ([`super::query::rank`]) over the postings and document counts
//! of the tantivy index ([`super::tindex`]), then presented by
//! [`super::answer`] as theme/search.js presents the static index's.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TERMINATED, TantivyDocument,
    Term,
};

use super::answer::{
    self, DocView, Facets, Hit, Hits, ParseMode, SearchError, SearchRequest, StandardFacet, StdView,
};
use super::query::Mode;
use super::query::ast::{KINDS, Node, STATUSES};
use super::query::model::bits;
use super::query::parse::parse_in;
use super::query::rank::{self, Source};
use super::tindex::{FIELD_BITS, Fields, KINDS_FILE, STANDARDS_FILE};

/// Clause pages shown before the documents.
pub const CLAUSE_HITS: usize = 3;

/// Per-document values, by number (id order, as the model's).
struct Table {
    ids: Vec<String>,
    /// Indexes into [`SearchIndex::kinds`].
    kinds: Vec<u16>,
    statuses: Vec<&'static str>,
    addr: Vec<DocAddress>,
    /// Per segment, the model number of each document (`u32::MAX`: deleted).
    numbers: Vec<Vec<u32>>,
}

impl Table {
    /// The live documents of every segment, numbered in id order (the
    /// model's order, whatever the segments).
    fn of(searcher: &Searcher, n_kinds: usize) -> Result<Table, String> {
        let e = |e: tantivy::TantivyError| e.to_string();
        // (id, kind, status, address) of every live document.
        let mut all: Vec<(String, u16, &'static str, DocAddress)> = Vec::new();
        let mut numbers = Vec::new();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let ff = seg.fast_fields();
            let kind_col = ff.u64("kind").map_err(e)?;
            let status_col = ff.u64("status").map_err(e)?;
            let id_col = ff
                .str("id")
                .map_err(e)?
                .ok_or("the index has no id column: build the site again")?;
            // Every id of the segment at once, in term order (a lookup per
            // document is ten times slower).
            let mut names: Vec<String> = Vec::with_capacity(id_col.num_terms());
            let mut stream = id_col.dictionary().stream().map_err(|e| e.to_string())?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in 0..seg.max_doc() {
                if seg.alive_bitset().is_some_and(|b| b.is_deleted(doc)) {
                    continue;
                }
                let id = id_col
                    .term_ords(doc)
                    .next()
                    .and_then(|o| names.get(o as usize))
                    .cloned()
                    .unwrap_or_default();
                let kind = kind_col.first(doc).unwrap_or(0).min(n_kinds as u64 - 1) as u16;
                let status =
                    STATUSES[(status_col.first(doc).unwrap_or(0) as usize).min(STATUSES.len() - 1)];
                all.push((id, kind, status, DocAddress::new(ord as u32, doc)));
            }
            numbers.push(vec![u32::MAX; seg.max_doc() as usize]);
        }
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut t = Table {
            ids: Vec::with_capacity(all.len()),
            kinds: Vec::with_capacity(all.len()),
            statuses: Vec::with_capacity(all.len()),
            addr: Vec::with_capacity(all.len()),
            numbers,
        };
        for (n, (id, kind, status, addr)) in all.into_iter().enumerate() {
            t.numbers[addr.segment_ord as usize][addr.doc_id as usize] = n as u32;
            t.ids.push(id.to_lowercase());
            t.kinds.push(kind);
            t.statuses.push(status);
            t.addr.push(addr);
        }
        Ok(t)
    }
}

/// An opened index: a snapshot of one commit (a later commit, by
/// `clausebook serve`, is another `SearchIndex`).
pub struct SearchIndex {
    searcher: Searcher,
    fields: Fields,
    path: PathBuf,
    standards: Arc<Vec<StdView>>,
    /// The kinds `kind` numbers: the built-in ones, then the site's own.
    kinds: Vec<String>,
    /// The site's own kinds (`[kinds]`), for the query parser.
    declared: Vec<String>,
    table: Table,
}

impl SearchIndex {
    /// Open the index in `dir` (an output folder's `search/tantivy`).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        if !dir.join("meta.json").is_file() {
            return Err(SearchError::Missing(dir.to_path_buf()));
        }
        let index = Index::open_in_dir(dir).map_err(|e| SearchError::Index(e.to_string()))?;
        SearchIndex::from_index(&index, dir)
    }

    /// The last commit of `index` (also an index opened for writing, by
    /// [`crate::serve::search::LiveSearch`]).
    pub fn from_index(index: &Index, dir: &Path) -> Result<SearchIndex, SearchError> {
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| SearchError::Index(e.to_string()))?;
        let (standards, declared) = SearchIndex::read_tables(dir)?;
        SearchIndex::of_searcher(reader.searcher(), dir, standards, declared)
    }

    /// The standards and the declared kinds of the index in `dir` (the
    /// files beside tantivy's).
    pub fn read_tables(dir: &Path) -> Result<(Arc<Vec<StdView>>, Vec<String>), SearchError> {
        let standards: Vec<StdView> = std::fs::read(dir.join(STANDARDS_FILE))
            .map_err(|e| format!("{STANDARDS_FILE}: {e}"))
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("{STANDARDS_FILE}: {e}")))
            .map_err(SearchError::Index)?;
        let declared: Vec<String> = std::fs::read(dir.join(KINDS_FILE))
            .map_err(|e| format!("{KINDS_FILE}: {e}: build the site again"))
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("{KINDS_FILE}: {e}")))
            .map_err(SearchError::Index)?;
        Ok((Arc::new(standards), declared))
    }

    /// The commit `searcher` sees, with the tables of [`SearchIndex::read_tables`].
    pub fn of_searcher(
        searcher: Searcher,
        dir: &Path,
        standards: Arc<Vec<StdView>>,
        declared: Vec<String>,
    ) -> Result<SearchIndex, SearchError> {
        let fields = Fields::of(searcher.schema()).map_err(SearchError::Index)?;
        let kinds: Vec<String> = KINDS
            .iter()
            .map(|k| k.to_string())
            .chain(declared.iter().cloned())
            .collect();
        let table = Table::of(&searcher, kinds.len()).map_err(SearchError::Index)?;
        Ok(SearchIndex {
            searcher,
            fields,
            path: dir.to_path_buf(),
            standards,
            kinds,
            declared,
            table,
        })
    }

    /// The folder the index was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every kind a document may have: the built-in ones, then those the
    /// site declares.
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// Number of indexed documents.
    pub fn num_docs(&self) -> u64 {
        self.table.ids.len() as u64
    }

    /// Run a search.
    pub fn search(&self, req: &SearchRequest) -> Result<Hits, SearchError> {
        let mode = match req.mode {
            ParseMode::Strict => Mode::Strict,
            ParseMode::Lenient => Mode::Live,
        };
        let parsed = parse_in(req.query.trim(), mode, &self.declared)
            .map_err(|p| SearchError::Query(p.to_string()))?;
        let kind = match &req.kind {
            Some(k) => Some(self.kind_code(k)?),
            None => None,
        };
        let mut hits = Hits {
            query: req.query.clone(),
            total: 0,
            clauses: Vec::new(),
            results: Vec::new(),
            facets: None,
            warnings: parsed.warnings.iter().map(|w| w.to_string()).collect(),
        };
        let Some(root) = parsed.root else {
            return Ok(hits);
        };
        let src = TantivySource::new(self);
        let mut found = rank::run(&src, &root);
        self.filter(&src, req, kind, &mut found);
        src.check()?;
        hits.total = found.len();
        hits.clauses = answer::clause_hits(&root, &self.standards, CLAUSE_HITS);
        if req.facets {
            hits.facets = Some(self.facets(&src, &found));
        }
        let set = answer::mark_terms(&src, &root);
        for &(d, score) in found.iter().take(req.limit.max(1)) {
            hits.results.push(self.hit(&src, d, score, &root, &set)?);
        }
        src.check()?;
        Ok(hits)
    }

    /// Keep the documents the request's filters allow.
    fn filter(
        &self,
        src: &TantivySource<'_>,
        req: &SearchRequest,
        kind: Option<u16>,
        found: &mut Vec<(u32, u64)>,
    ) {
        if let Some(k) = kind {
            found.retain(|h| self.table.kinds[h.0 as usize] == k);
        }
        if let Some(s) = &req.status {
            found.retain(|h| self.table.statuses[h.0 as usize] == s);
        }
        let mut keep_key = |key: String| {
            let docs: HashSet<u32> = src.postings(&key).into_iter().map(|p| p.0).collect();
            found.retain(|h| docs.contains(&h.0));
        };
        if let Some(c) = &req.clause {
            keep_key(format!("#u:{}", c.trim().to_lowercase()));
        }
        if let Some(t) = &req.tag {
            keep_key(format!("#t:{}", super::query::parse::tag_key(t)));
        }
    }

    /// The number of the kind `kind` (a kind's name, `_` or a space for
    /// `-`), or a message naming the kinds.
    fn kind_code(&self, kind: &str) -> Result<u16, SearchError> {
        let v = kind.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        match self.kinds.iter().position(|k| *k == v) {
            Some(code) => Ok(code as u16),
            None => {
                let names: Vec<&str> = self.kinds.iter().map(String::as_str).collect();
                Err(SearchError::Query(format!(
                    "unknown kind `{kind}`: {}",
                    crate::base::text::suggest_from(&v, &names)
                )))
            }
        }
    }

    fn hit(
        &self,
        src: &TantivySource<'_>,
        d: u32,
        score: u64,
        root: &Node,
        set: &HashSet<String>,
    ) -> Result<Hit, SearchError> {
        let doc: TantivyDocument = src
            .searcher
            .doc(self.table.addr[d as usize])
            .map_err(|e| SearchError::Index(e.to_string()))?;
        let json = doc
            .get_first(self.fields.doc)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let view: DocView =
            serde_json::from_str(&json).map_err(|e| SearchError::Index(e.to_string()))?;
        let where_ = answer::where_of(&view, root, &self.standards, set);
        let highlights = answer::marks(&view.description, set);
        Ok(Hit {
            snippet: answer::mark_html(&view.description, &highlights),
            snippet_text: view.description,
            highlights,
            id: view.id,
            title: view.title,
            kind: view.kind,
            status: view.status,
            url: view.url,
            score,
            where_,
        })
    }

    /// Counts over every match, as the static results page shows them.
    fn facets(&self, src: &TantivySource<'_>, found: &[(u32, u64)]) -> Facets {
        let matched: HashSet<u32> = found.iter().map(|h| h.0).collect();
        let count = |key: &str| {
            src.postings(key)
                .iter()
                .filter(|p| matched.contains(&p.0))
                .count()
        };
        fn tally<'v>(found: &[(u32, u64)], value: impl Fn(u32) -> &'v str) -> Vec<(String, usize)> {
            let mut m: BTreeMap<&str, usize> = BTreeMap::new();
            for h in found {
                *m.entry(value(h.0)).or_default() += 1;
            }
            m.into_iter().map(|(k, n)| (k.to_string(), n)).collect()
        }
        let mut standards = Vec::new();
        for s in self.standards.iter().filter(|s| s.url.is_some()) {
            let id = s.id.to_lowercase();
            let clauses = s
                .clauses
                .iter()
                .filter(|c| c.2 == 0)
                .map(|c| {
                    let n = count(&format!("#u:{id}/{}", c.0.to_lowercase()));
                    (c.0.clone(), c.1.clone(), n)
                })
                .filter(|c| c.2 > 0)
                .collect();
            standards.push(StandardFacet {
                id: s.id.clone(),
                name: s.name.clone(),
                count: count(&format!("#u:{id}")),
                clauses,
            });
        }
        let mut tags: Vec<(String, usize)> = src
            .terms_with_prefix(self.fields.keys, "#t:")
            .into_iter()
            .map(|(t, _)| {
                let n = count(&t);
                (t["#t:".len()..].to_string(), n)
            })
            .filter(|t| t.1 > 0)
            .collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Facets {
            kinds: tally(found, |d| {
                &self.kinds[self.table.kinds[d as usize] as usize]
            }),
            statuses: tally(found, |d| self.table.statuses[d as usize]),
            standards,
            tags,
        }
    }
}

/// The index as [`rank::run`] reads it, for one search.
struct TantivySource<'a> {
    index: &'a SearchIndex,
    searcher: Searcher,
    deletes: bool,
    cache: RefCell<HashMap<(Field, String), Vec<u32>>>,
    error: RefCell<Option<String>>,
}

impl<'a> TantivySource<'a> {
    fn new(index: &'a SearchIndex) -> TantivySource<'a> {
        let searcher = index.searcher.clone();
        let deletes = searcher
            .segment_readers()
            .iter()
            .any(|s| s.num_deleted_docs() > 0);
        TantivySource {
            index,
            searcher,
            deletes,
            cache: RefCell::new(HashMap::new()),
            error: RefCell::new(None),
        }
    }

    /// The first error met while reading the index.
    fn check(&self) -> Result<(), SearchError> {
        match self.error.borrow_mut().take() {
            Some(e) => Err(SearchError::Index(e)),
            None => Ok(()),
        }
    }

    fn fail(&self, e: impl ToString) {
        self.error.borrow_mut().get_or_insert(e.to_string());
    }

    /// The model numbers of the documents with `term` in `field`, in order.
    fn docs(&self, field: Field, term: &str) -> Vec<u32> {
        let key = (field, term.to_string());
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone();
        }
        let mut out = Vec::new();
        let t = Term::from_field_text(field, term);
        for (ord, seg) in self.searcher.segment_readers().iter().enumerate() {
            let postings = seg
                .inverted_index(field)
                .and_then(|inv| Ok(inv.read_postings(&t, IndexRecordOption::Basic)?));
            match postings {
                Ok(Some(mut p)) => {
                    let numbers = &self.index.table.numbers[ord];
                    let mut doc = p.doc();
                    while doc != TERMINATED {
                        let n = numbers[doc as usize];
                        if n != u32::MAX {
                            out.push(n);
                        }
                        doc = p.advance();
                    }
                }
                Ok(None) => {}
                Err(e) => self.fail(e),
            }
        }
        out.sort_unstable();
        self.cache.borrow_mut().insert(key, out.clone());
        out
    }

    /// Terms of `field` beginning with `prefix`, with their document
    /// counts, in term order.
    fn terms_with_prefix(&self, field: Field, prefix: &str) -> Vec<(String, u64)> {
        let mut found: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xff);
        for seg in self.searcher.segment_readers() {
            let inv = match seg.inverted_index(field) {
                Ok(inv) => inv,
                Err(e) => {
                    self.fail(e);
                    continue;
                }
            };
            let mut stream = match inv
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&upper)
                .into_stream()
            {
                Ok(s) => s,
                Err(e) => {
                    self.fail(e);
                    continue;
                }
            };
            while stream.advance() {
                *found.entry(stream.key().to_vec()).or_insert(0) +=
                    u64::from(stream.value().doc_freq);
            }
        }
        found
            .into_iter()
            .filter_map(|(k, n)| String::from_utf8(k).ok().map(|t| (t, n)))
            .map(|(t, n)| {
                let n = if self.deletes {
                    self.docs(field, &t).len() as u64
                } else {
                    n
                };
                (t, n)
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// (document, fields) of a word or pair over the fields of [`bits`].
    fn by_bits(&self, term: &str, bits: usize) -> Vec<(u32, u16)> {
        let mut masks: BTreeMap<u32, u16> = BTreeMap::new();
        for bit in 0..bits {
            for d in self.docs(self.index.fields.by_bit[bit], term) {
                *masks.entry(d).or_insert(0) |= 1 << bit;
            }
        }
        masks.into_iter().collect()
    }
}

impl Source for TantivySource<'_> {
    fn n_docs(&self) -> u64 {
        self.index.table.ids.len() as u64
    }

    fn postings(&self, term: &str) -> Vec<(u32, u16)> {
        if term.starts_with('#') {
            self.docs(self.index.fields.keys, term)
                .into_iter()
                .map(|d| (d, bits::KEY))
                .collect()
        } else {
            self.by_bits(term, FIELD_BITS)
        }
    }

    fn df(&self, term: &str) -> u64 {
        let field = if term.starts_with('#') {
            self.index.fields.keys
        } else {
            self.index.fields.words
        };
        self.docs(field, term).len() as u64
    }

    fn pair_postings(&self, pair: &str) -> Vec<(u32, u16)> {
        // Pairs have no "body many" bit.
        self.by_bits(pair, FIELD_BITS - 1)
    }

    fn words_with_prefix(&self, prefix: &str) -> Vec<(String, u64)> {
        if prefix.starts_with('#') {
            return Vec::new();
        }
        self.terms_with_prefix(self.index.fields.words, prefix)
    }

    fn ids_with_prefix(&self, prefix: &str) -> Vec<u32> {
        let ids = &self.index.table.ids;
        (0..ids.len() as u32)
            .filter(|&d| ids[d as usize].starts_with(prefix))
            .collect()
    }

    fn id(&self, doc: u32) -> String {
        self.index.table.ids[doc as usize].clone()
    }

    fn kind(&self, doc: u32) -> &str {
        &self.index.kinds[self.index.table.kinds[doc as usize] as usize]
    }

    fn status(&self, doc: u32) -> &str {
        self.index.table.statuses[doc as usize]
    }

    fn standards_named(&self, key: &str) -> Vec<String> {
        self.index
            .standards
            .iter()
            .filter(|s| s.keys.iter().any(|k| k == key))
            .map(|s| s.id.to_lowercase())
            .collect()
    }
}
