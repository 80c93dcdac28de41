/* ==========================================================================
   Clausebook search box and results page
   Classic script loaded with <script defer>: no modules, no libraries, no
   request to any other host; works from file://, from any web server, and
   from `clausebook serve`.

   The index is loaded on first use by adding <script src="ROOT/search/index.js">
   (a script, not fetch(), so that it also loads from file://). That file
   sets window.CLAUSEBOOK_SEARCH:
   - written by `clausebook build`: a compact static index (documents,
     clauses, an inverted index of stemmed body terms), searched here;
   - answered by `clausebook serve` instead: {"api": "api/search"}, and the
     box asks the server's full-text index (GET ROOT/api/search?q=…).
   No probe request is made, so nothing fails (and nothing is logged in the
   console) on hosts without the API.

   words(), stem() and STOP mirror src/search/text.rs; weight() mirrors
   doc_weight() of src/search/engine.rs. Keep them in step.
   ========================================================================== */
(function () {
  'use strict';

  var MAX_QUERY = 256;        // the API refuses longer queries
  var DROPDOWN = 8;           // results shown under the box
  var PAGE_LIMIT = 50;        // results the API returns at most
  var DELAY_STATIC = 60;      // ms to wait after a keystroke
  var DELAY_API = 140;

  /* ---- Text: words, stop words, stemming-lite --------------------------- */
  var STOP = {};
  ('a all an and any are as at be been by can do does for from has have how i if in into ' +
   'is it its no not of on or our so than that the their them then there these they this ' +
   'to us was we were what when where which who why will with you your')
    .split(' ').forEach(function (w) { STOP[w] = true; });

  var WORD = /[\p{L}\p{N}]+/gu;

  function words(text) {
    return (String(text).match(WORD) || []).map(function (w) { return w.toLowerCase(); });
  }

  function stem(word) {
    if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
    var w = word;
    if (/ies$/.test(w) && w.length > 4) w = w.slice(0, -3) + 'y';
    else if (/sses$/.test(w)) w = w.slice(0, -2);
    else if (/s$/.test(w) && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
    var stripped = false;
    if (/ied$/.test(w) && w.length > 4) w = w.slice(0, -3) + 'y';
    else if (/ing$/.test(w) && w.length > 5) { w = w.slice(0, -3); stripped = true; }
    else if (/ed$/.test(w) && w.length > 4 && !/eed$/.test(w)) { w = w.slice(0, -2); stripped = true; }
    var n = w.length;
    if (stripped && n >= 2 && w[n - 1] === w[n - 2] && 'aeioulsz'.indexOf(w[n - 1]) < 0) {
      w = w.slice(0, -1);
    } else if (/e$/.test(w) && w.length > 4) {
      w = w.slice(0, -1);
    }
    return w;
  }

  var stemmed = Object.create(null);
  /** stem(), remembered: documents repeat their words. */
  function stemOf(w) {
    var s = stemmed[w];
    return s !== undefined ? s : (stemmed[w] = stem(w));
  }

  /** Weight of a document's kind and status, in percent (as the server's). */
  function weight(kind, status) {
    var k = { policy: 120, process: 120, procedure: 112, plan: 104, 'work-instruction': 104,
              agreement: 104, register: 92, record: 92, form: 92 }[kind] || 100;
    if (status === 'retired') return Math.floor(k * 6 / 10);
    if (status === 'draft' || status === 'review') return Math.floor(k * 9 / 10);
    return k;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /** Escape `text`, wrapping the words that match a query word in <mark>. */
  function highlight(text, terms) {
    if (!terms.length) return escapeHtml(text);
    var out = '', last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      var lw = m[0].toLowerCase(), st = stem(lw), hit = false;
      for (var i = 0; i < terms.length && !hit; i++) {
        var t = terms[i];
        hit = st === t.stem || lw === t.word || (t.word.length >= 2 && lw.indexOf(t.word) === 0);
      }
      if (hit) {
        out += escapeHtml(text.slice(last, m.index)) + '<mark>' + escapeHtml(m[0]) + '</mark>';
        last = m.index + m[0].length;
      }
    }
    return out + escapeHtml(text.slice(last));
  }

  /* ---- Queries ------------------------------------------------------------ */
  var CLAUSE = /^[a-z]?\d+(?:\.\d+)*\.?$/i;   // 8, 4.3.2, A.5.1, "4.3." while typing

  /** Split a query into clause numbers, id-like pieces and words. */
  function parseQuery(query) {
    var raw = String(query).trim().toLowerCase().slice(0, MAX_QUERY);
    var q = { raw: raw, clauses: [], ids: [], terms: [] };
    raw.split(/\s+/).forEach(function (piece) {
      piece = piece.replace(/^["'(+]+|["'),;]+$/g, '');
      if (!piece) return;
      if (CLAUSE.test(piece) && /\d/.test(piece)) {
        q.clauses.push(piece.replace(/\.$/, ''));
        if (!/\./.test(piece)) addWords(q, piece);     // "2026" is a word too
      } else if (piece.indexOf('/') > 0 && CLAUSE.test(piece.slice(piece.lastIndexOf('/') + 1))) {
        q.clauses.push(piece);                          // iso20000-1:2011/8.1
      } else if (/[a-z]-[a-z0-9]/.test(piece)) {
        q.ids.push(piece);                              // SMS-PRO-007, sms-pro
      } else {
        addWords(q, piece);
      }
    });
    var content = q.terms.filter(function (t) { return !STOP[t.word]; });
    if (content.length) q.terms = content;
    return q;
  }

  function addWords(q, piece) {
    words(piece).forEach(function (w) {
      if (!q.terms.some(function (t) { return t.word === w; })) {
        q.terms.push({ word: w, stem: stem(w) });
      }
    });
  }

  /* ---- The static index --------------------------------------------------- */
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  /** The URL slug of a document id, as src/site.rs doc_slug(). */
  function slug(id) {
    return Array.from(String(id)).map(function (c) {
      return /^[A-Za-z0-9_.-]$/.test(c) ? c.toLowerCase() : '-';
    }).join('');
  }

  function StaticEngine(data) {
    var self = this;
    this.standards = data.standards || [];
    this.clauseTable = data.clauses || {};
    this.terms = data.terms || [];
    this.postings = data.postings || [];
    this.decoded = {};
    // Per referenced clause, once: the spellings that find it directly
    // ("8.1", "iso20000-1:2011/8.1"), those of its ancestors and standard
    // ("8", "iso20000-1:2011/8", "iso20000-1:2011"), and its title's words.
    var clauseInfo = {};
    Object.keys(this.clauseTable).forEach(function (key) {
      var std = self.standards[+key.split('/')[0]] || '';
      var num = key.slice(key.indexOf('/') + 1).toLowerCase();
      var within = [std];
      for (var p = self.clauseTable[key][1], seen = 0; p && seen < 20; p = (self.clauseTable[p] || [])[1], seen++) {
        var pn = p.slice(p.indexOf('/') + 1).toLowerCase();
        within.push(pn, std + '/' + pn);
      }
      clauseInfo[key] = { direct: [num, std + '/' + num], within: within,
                          words: words(self.clauseTable[key][0]).map(stemOf) };
    });
    var kinds = data.kinds || [], statuses = data.statuses || [], pattern = data.url || '';
    this.docs = (data.docs || []).map(function (d, n) {
      var doc = {
        n: n, id: d[0], title: d[1], url: d[2] || pattern.replace('%', slug(d[0])),
        kind: kinds[d[3]] || '', status: statuses[d[4]] || '',
        clauseKeys: d[5] || [], headings: d[6] || [], description: d[7] || '', tags: d[8] || [],
        weight: weight(kinds[d[3]], statuses[d[4]])
      };
      doc.idLower = doc.id.toLowerCase();
      doc.idWords = words(doc.id);
      doc.titleWords = words(doc.title).map(stemOf);
      doc.tagWords = [].concat.apply([], doc.tags.map(function (t) { return words(t).map(stemOf); }));
      doc.headingWords = [].concat.apply([], doc.headings.map(function (h) { return words(h).map(stemOf); }));
      doc.clauses = doc.clauseKeys.map(function (k) { return clauseInfo[k]; }).filter(Boolean);
      doc.clauseWords = [].concat.apply([], doc.clauses.map(function (c) { return c.words; }));
      return doc;
    });
    var field = function (get) { return new FieldIndex(self.docs.map(get)); };
    // Field, weight of a whole word, weight of a word begun.
    this.fields = [
      [field(function (d) { return d.titleWords; }), 12, 7],
      [field(function (d) { return d.titleWords.slice(0, 1); }), 6, 6],   // the title's subject
      [field(function (d) { return d.idWords; }), 10, 5],
      [field(function (d) { return d.tagWords; }), 6, 3],
      [field(function (d) { return d.headingWords; }), 4, 2],
      [field(function (d) { return d.clauseWords; }), 4, 2]
    ];
  }

  /** Document numbers of term number `i` of the inverted index: base-36
      gaps, or "~" and a bitmap of 6 documents per base-64 character. */
  StaticEngine.prototype.docsOf = function (i) {
    if (this.decoded[i]) return this.decoded[i];
    var list = [], at = 0, p = this.postings[i];
    if (p.charAt(0) === '~') {
      for (var c = 1; c < p.length; c++) {
        var bits = B64.indexOf(p.charAt(c));
        for (var b = 0; b < 6; b++) if (bits & (1 << b)) list.push((c - 1) * 6 + b);
      }
    } else {
      p.split(' ').forEach(function (gap, k) {
        at = k === 0 ? parseInt(gap, 36) : at + parseInt(gap, 36);
        list.push(at);
      });
    }
    return (this.decoded[i] = list);
  };

  /** First index of the sorted term list not below `s`. */
  StaticEngine.prototype.lowerBound = function (s) {
    var lo = 0, hi = this.terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (this.terms[mid] < s) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  /** How rare a query word is (inverse document frequency in the bodies):
      a match on "supplier" weighs more than one on "management". */
  StaticEngine.prototype.idf = function (t) {
    var n = this.docs.length || 1, i = this.lowerBound(t.stem), df = 1;
    if (this.terms[i] === t.stem) df = this.docsOf(i).length;
    else if (i < this.terms.length && this.terms[i].indexOf(t.stem) === 0) df = this.docsOf(i).length;
    return Math.log(1 + n / df);
  };

  /** Body scores of a query word: {doc number: score}. */
  StaticEngine.prototype.bodyScores = function (t) {
    var scores = {}, n = this.docs.length || 1, self = this;
    var add = function (i, factor) {
      var list = self.docsOf(i);
      var idf = Math.log(1 + n / list.length);
      list.forEach(function (d) { scores[d] = Math.max(scores[d] || 0, factor * idf); });
    };
    var i = this.lowerBound(t.stem);
    if (this.terms[i] === t.stem) add(i, 2);
    if (t.word.length >= 3) {
      // Completions of a word being typed ("incid" -> "incident").
      var prefix = t.word.length < t.stem.length ? t.word : t.stem;
      for (var j = this.lowerBound(prefix), c = 0; j < this.terms.length && c < 40; j++, c++) {
        if (this.terms[j].indexOf(prefix) !== 0) break;
        if (this.terms[j] !== t.stem) add(j, 1);
      }
    }
    return scores;
  };

  /** Where the run of words `run` starts in `list`, or -1. */
  function indexOfRun(list, run) {
    outer: for (var i = 0; i + run.length <= list.length; i++) {
      for (var j = 0; j < run.length; j++) if (list[i + j] !== run[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** Which documents have which words in one field (titles, headings…). */
  function FieldIndex(lists) {
    var map = Object.create(null);
    lists.forEach(function (list, n) {
      list.forEach(function (w) {
        var docs = map[w] || (map[w] = []);
        if (docs[docs.length - 1] !== n) docs.push(n);
      });
    });
    this.map = map;
    this.keys = Object.keys(map).sort();
  }

  /** Add `exact` to out[doc] for the documents having the word, else
      `prefix` for those having a word it begins (search as you type). */
  FieldIndex.prototype.scores = function (t, exact, prefix, out) {
    var map = this.map, keys = this.keys;
    var give = function (docs, w) {
      for (var i = 0; i < docs.length; i++) if (!(out[docs[i]] >= w)) out[docs[i]] = w;
    };
    if (t.word.length >= 2) {
      [t.word, t.stem].forEach(function (p, k) {
        if (k === 1 && p === t.word) return;
        var lo = 0, hi = keys.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < p) lo = mid + 1; else hi = mid; }
        for (var j = lo, c = 0; j < keys.length && c < 500 && keys[j].indexOf(p) === 0; j++, c++) give(map[keys[j]], prefix);
      });
    }
    if (map[t.stem]) give(map[t.stem], exact);
    if (t.word !== t.stem && map[t.word]) give(map[t.word], exact);
  };

  StaticEngine.prototype.search = function (query, limit, done) {
    var q = parseQuery(query), self = this;
    // An id-like piece that is no part of any id is searched as words
    // ("e-mail", "follow-up").
    q.ids = q.ids.filter(function (id) {
      var known = self.docs.some(function (d) { return d.idLower.indexOf(id) >= 0; });
      if (!known) addWords(q, id);
      return known;
    });
    var phrase = words(q.raw).map(stem);
    var wanted = q.ids.length + q.clauses.length + q.terms.length;
    if (!wanted) return done({ total: 0, results: [], q: q });
    var idf = q.terms.map(function (t) { return self.idf(t); });
    // Per query word: {doc number: score} over all fields.
    var perWord = q.terms.map(function (t, k) {
      var sum = self.bodyScores(t);
      self.fields.forEach(function (f) {
        var out = {};
        f[0].scores(t, f[1], f[2], out);
        for (var n in out) sum[n] = (sum[n] || 0) + out[n] * idf[k];
      });
      return sum;
    });
    var candidates = {};
    perWord.forEach(function (m) { for (var n in m) candidates[n] = true; });
    if (q.ids.length || q.clauses.length) this.docs.forEach(function (d) { candidates[d.n] = true; });
    var hits = [];
    Object.keys(candidates).forEach(function (n) {
      var doc = self.docs[n], score = 0, matched = 0;
      q.ids.forEach(function (id) {
        if (doc.idLower === id) { score += 1000; matched++; }
        else if (doc.idLower.indexOf(id) === 0) { score += 300; matched++; }
        else if (id.length >= 3 && doc.idLower.indexOf(id) > 0) { score += 100; matched++; }
      });
      q.clauses.forEach(function (c) {
        var direct = false, within = false;
        doc.clauses.forEach(function (info) {
          if (info.direct.indexOf(c) >= 0) direct = true;
          else if (info.within.indexOf(c) >= 0) within = true;
        });
        if (direct) { score += 80; matched++; }
        else if (within) { score += 40; matched++; }
      });
      perWord.forEach(function (m) {
        if (m[n] > 0) { score += m[n]; matched++; }
      });
      if (score > 0 && phrase.length >= 2 && indexOfRun(doc.titleWords, phrase) >= 0) {
        // The query is (part of) the title, word for word.
        score += 8 * phrase.length + (phrase.length === doc.titleWords.length ? 50 : 0);
      }
      if (score > 0) {
        // Documents matching more of the query's words come first.
        hits.push({ doc: doc, score: score * (matched / wanted) * doc.weight / 100 });
      }
    });
    hits.sort(function (a, b) {
      return b.score - a.score || (a.doc.id < b.doc.id ? -1 : 1);
    });
    done({
      total: hits.length,
      q: q,
      results: hits.slice(0, limit).map(function (h) {
        var d = h.doc;
        return { id: d.id, title: d.title, kind: d.kind, status: d.status, url: d.url,
                 snippetHtml: staticSnippet(d, q.terms) };
      })
    });
  };

  /** The description, followed by the headings that match query words the
      description lacks ("Emergency changes" for "emergency change"). */
  function staticSnippet(doc, terms) {
    var hit = function (text, t) {
      return words(text).some(function (w) { return stem(w) === t.stem || w.indexOf(t.word) === 0; });
    };
    var missing = terms.filter(function (t) { return !hit(doc.description, t); });
    var hs = doc.headings.filter(function (h) {
      return missing.some(function (t) { return hit(h, t); });
    }).slice(0, 2);
    var html = highlight(doc.description, terms);
    if (hs.length) html += (html ? ' — ' : '') + highlight(hs.join(' · '), terms);
    return html;
  }

  /* ---- The server's API --------------------------------------------------- */
  function ApiEngine(url) {
    this.url = url;
  }

  ApiEngine.prototype.search = function (query, limit, done) {
    var q = parseQuery(query);
    var url = this.url + '?q=' + encodeURIComponent(String(query).slice(0, MAX_QUERY)) +
      '&limit=' + Math.min(limit, PAGE_LIMIT);
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) return done({ total: 0, results: [], q: q, error: data.error });
        done({
          total: data.total,
          q: q,
          results: data.results.map(function (r) {
            return { id: r.id, title: r.title, kind: r.kind, status: r.status, url: r.url,
                     snippetHtml: r.snippet };
          })
        });
      })
      .catch(function () {
        done({ total: 0, results: [], q: q, error: 'The search server does not answer.' });
      });
  };

  /* ---- Loading the index, once per page ------------------------------------ */
  var engine = null, loading = null, waiting = [];

  function withEngine(root, cb) {
    if (engine) return cb(engine);
    waiting.push(cb);
    if (loading) return;
    loading = document.createElement('script');
    loading.src = root + 'search/index.js';
    loading.async = true;
    loading.onload = function () {
      var data = window.CLAUSEBOOK_SEARCH;
      if (data && data.api) {
        engine = new ApiEngine(new URL(root + data.api, location.href).href);
      } else if (data && data.docs) {
        engine = new StaticEngine(data);
      }
      flush();
    };
    loading.onerror = function () { flush(); };
    document.head.appendChild(loading);
  }

  function flush() {
    var cbs = waiting;
    waiting = [];
    cbs.forEach(function (cb) { cb(engine); });
  }

  /* ---- Rendering ---------------------------------------------------------- */
  function resultHtml(r, root, terms) {
    return '<a href="' + escapeHtml(root + r.url) + '"><span class="doc-id">' + escapeHtml(r.id) +
      '</span> ' + highlight(r.title, terms) +
      (r.snippetHtml ? '<p>' + r.snippetHtml + '</p>' : '') + '</a>';
  }

  function searchPageUrl(form, query) {
    var action = form.getAttribute('action') || '';
    return action + (action.indexOf('?') >= 0 ? '&' : '?') + 'q=' + encodeURIComponent(query);
  }

  /* ---- The header box -------------------------------------------------------- */
  function setupBox(input) {
    var form = input.form;
    var box = form && form.querySelector('.search-results');
    if (!box) return;
    var root = input.getAttribute('data-root') || './';
    var timer = null, seq = 0, active = -1, items = [];
    var listId = 'search-results-list';

    input.maxLength = MAX_QUERY;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    box.id = box.id || 'search-results';

    function open() {
      box.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
    function close() {
      box.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function message(text) {
      items = [];
      active = -1;
      box.removeAttribute('data-query');
      box.innerHTML = '<p class="empty">' + escapeHtml(text) + '</p>';
      open();
    }
    function select(i) {
      if (!items.length) return;
      if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
      active = i;
      if (active < 0 || active >= items.length) {
        active = -1;
        input.removeAttribute('aria-activedescendant');
        return;
      }
      items[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', items[active].id);
      items[active].scrollIntoView({ block: 'nearest' });
    }

    function run() {
      var query = input.value.trim();
      var mine = ++seq;
      if (!query) return close();
      withEngine(root, function (eng) {
        if (mine !== seq) return;
        if (!eng) return message('Search is not available: the search index was not found.');
        eng.search(query, DROPDOWN, function (res) {
          if (mine !== seq) return;
          if (res.error) return message(res.error);
          if (!res.results.length) return message('No document matches “' + query + '”.');
          var terms = res.q.terms;
          var html = '<ul role="listbox" id="' + listId + '" aria-label="Search results">';
          res.results.forEach(function (r, i) {
            html += '<li role="option" id="search-result-' + i + '" aria-selected="false">' +
              resultHtml(r, root, terms) + '</li>';
          });
          var label = res.total > res.results.length ? 'All ' + res.total + ' results' : 'Open the results page';
          html += '<li role="option" id="search-result-all" class="all" aria-selected="false"><a href="' +
            escapeHtml(searchPageUrl(form, query)) + '">' + escapeHtml(label) + ' →</a></li></ul>';
          // The same query again (a late answer): keep the selection.
          var keep = box.getAttribute('data-query') === query ? active : -1;
          box.innerHTML = html;
          box.setAttribute('data-query', query);
          items = Array.prototype.slice.call(box.querySelectorAll('li[role="option"]'));
          active = -1;
          open();
          if (keep >= 0) select(Math.min(keep, items.length - 1));
        });
      });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(run, engine instanceof ApiEngine ? DELAY_API : DELAY_STATIC);
    }

    input.addEventListener('focus', function () {
      withEngine(root, function () {});      // start loading the index early
      if (input.value.trim() && box.innerHTML) open();
    });
    input.addEventListener('input', schedule);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'Down') {
        e.preventDefault();
        if (box.hidden) { if (input.value.trim()) { open(); run(); } return; }
        select(active + 1 < items.length ? active + 1 : 0);
      } else if (e.key === 'ArrowUp' || e.key === 'Up') {
        e.preventDefault();
        if (!box.hidden) select(active > 0 ? active - 1 : items.length - 1);
      } else if (e.key === 'Enter') {
        if (!box.hidden && active >= 0 && items[active]) {
          e.preventDefault();
          var a = items[active].querySelector('a');
          if (a) window.location.href = a.href;
        }
        // Otherwise the form submits: the full results page.
      } else if (e.key === 'Escape' || e.key === 'Esc') {
        if (!box.hidden) {
          e.preventDefault();
          close();
        } else if (input.value) {
          e.preventDefault();
          input.value = '';
        }
      }
    });
    form.addEventListener('submit', function (e) {
      if (!input.value.trim()) e.preventDefault();
    });
    document.addEventListener('mousedown', function (e) {
      if (!form.contains(e.target)) close();
    });
    form.addEventListener('focusout', function (e) {
      if (e.relatedTarget && !form.contains(e.relatedTarget)) close();
    });
    window.addEventListener('pageshow', close);
  }

  /* ---- The full results page (search/index.html) ------------------------------ */
  function setupPage(page) {
    var input = page.querySelector('input[name="q"]');
    var summary = page.querySelector('.search-summary');
    var list = page.querySelector('.search-hits');
    if (!input || !summary || !list) return;
    var root = page.getAttribute('data-root') || '../';
    var header = document.getElementById('search-input');
    var seq = 0, timer = null;
    input.maxLength = MAX_QUERY;

    function show(query) {
      var mine = ++seq;
      if (!query) {
        summary.textContent = 'Type words, an id or a clause number.';
        list.innerHTML = '';
        return;
      }
      summary.textContent = 'Searching…';
      withEngine(root, function (eng) {
        if (mine !== seq) return;
        if (!eng) {
          summary.textContent = 'Search is not available: the search index was not found.';
          return;
        }
        eng.search(query, eng instanceof ApiEngine ? PAGE_LIMIT : 100000, function (res) {
          if (mine !== seq) return;
          if (res.error) { summary.textContent = res.error; list.innerHTML = ''; return; }
          var n = res.total;
          summary.textContent = (n === 0 ? 'No document matches' : n === 1 ? '1 document matches' : n + ' documents match') +
            ' “' + query + '”' + (res.results.length < n ? ' (the first ' + res.results.length + ' are shown).' : '.');
          list.innerHTML = res.results.map(function (r) {
            return '<li><a href="' + escapeHtml(root + r.url) + '"><span class="doc-id">' + escapeHtml(r.id) +
              '</span> ' + highlight(r.title, res.q.terms) + '</a> <span class="kind-label">' + escapeHtml(r.kind) +
              '</span> <span class="status-badge status-' + escapeHtml(r.status) + '">' +
              escapeHtml(r.status.charAt(0).toUpperCase() + r.status.slice(1)) + '</span>' +
              (r.snippetHtml ? '<span class="muted snippet">' + r.snippetHtml + '</span>' : '') + '</li>';
          }).join('');
        });
      });
    }

    function current() {
      var m = /[?&]q=([^&#]*)/.exec(window.location.search);
      if (!m) return '';
      try { return decodeURIComponent(m[1].replace(/\+/g, ' ')); } catch (err) { return ''; }
    }

    function update(query, push) {
      if (window.history && window.history.replaceState && window.location.protocol !== 'file:') {
        var url = window.location.pathname + (query ? '?q=' + encodeURIComponent(query) : '');
        window.history[push ? 'pushState' : 'replaceState'](null, '', url);
      }
      show(query.trim());
    }

    var initial = current();
    input.value = initial;
    if (header && !header.value) header.value = initial;
    show(initial.trim());

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(input.value, false); }, DELAY_API);
    });
    page.querySelector('form').addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(timer);
      update(input.value, false);
    });
    window.addEventListener('popstate', function () {
      input.value = current();
      show(input.value.trim());
    });
  }

  /* ---- Wiring ------------------------------------------------------------------ */
  // Exposed for tests and other features.
  window.ClausebookSearch = { words: words, stem: stem, weight: weight, parseQuery: parseQuery,
                              StaticEngine: StaticEngine, highlight: highlight };
  if (typeof document === 'undefined') return;

  function init(doc) {
    var input = doc.getElementById('search-input');
    if (input) setupBox(input);
    var page = doc.getElementById('search-page');
    if (page) setupPage(page);
  }

  if (window.Clausebook && window.Clausebook.feature) {
    window.Clausebook.feature('search', init);
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(document); });
  } else {
    init(document);
  }
})();
