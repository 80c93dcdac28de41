/* ==========================================================================
   Clausebook search box and results page
   Classic script loaded with <script defer>: no modules, no libraries, no
   request to any other host; works from file://, from any web server, and
   from `clausebook serve`.

   The index is loaded on first use by adding <script src="ROOT/search/index.js">
   (a script, not fetch(), so that it also loads from file://). That file
   sets window.CLAUSEBOOK_SEARCH:
   - written by `clausebook build`: the root of the sharded static index
     (src/search/query/shards.rs); the ShardEngine below loads the shards a
     query needs, one <script> each, and runs the query tree with the one
     ranking (cbRun, as src/search/query/rank.rs);
   - answered by `clausebook serve` instead: {"api": "api/search"}, and the
     box asks the server's tantivy index (GET ROOT/api/search?q=…), which
     runs the same tree with the same ranking.
   No probe request is made, so nothing fails (and nothing is logged in the
   console) on hosts without the API.

   stem() and STOP mirror src/search/text.rs; weight() mirrors doc_weight()
   of src/search/query/rank.rs; the parser and ranking mirror
   src/search/query/ (tests/search_parity.rs checks them). Keep them in step.
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
  function isStop(w) { return Object.prototype.hasOwnProperty.call(STOP, w); }

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
  function weight(kind, status) {
    var k = { policy: 120, process: 120, procedure: 112, plan: 104, 'work-instruction': 104,
              agreement: 104, register: 92, record: 92, form: 92 }[kind] || 100;
    if (status === 'retired') return Math.floor(k * 6 / 10);
    if (status === 'draft' || status === 'review') return Math.floor(k * 9 / 10);
    return k;
  }

  /* ---- The query language (mirrors src/search/query/) -------------------
     Analysis (analyze.rs) and the parser (parse.rs), statement for
     statement: tests/search_parity.rs compares the trees both build. */
  var WORD_RUN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var SPACE = /\p{White_Space}/u;

  function asciiLower(s) {
    return s.replace(/[A-Z]/g, function (c) { return c.toLowerCase(); });
  }
  function chars(s) { return Array.from(s); }
  function isAscii(s) { return /^[\x00-\x7f]*$/.test(s); }

  /** Lower case and fold accents (analyze.rs normalize). */
  function cbNormalize(word) {
    if (isAscii(word)) return asciiLower(word);
    return word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC').replace(/\u03c2/g, '\u03c3');
  }

  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3040 && n <= 0x30ff) || (n >= 0x31f0 && n <= 0x31ff) ||
      (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0xff66 && n <= 0xff9f) ||
      (n >= 0x20000 && n <= 0x3ffff);
  }

  /** The normalized words of a text, CJK runs cut into pairs (analyze.rs words). */
  function cbWords(text) {
    var out = [];
    (String(text).match(WORD_RUN) || []).forEach(function (raw) {
      var word = cbNormalize(raw);
      var cs = chars(word);
      if (!cs.some(isCjk)) { if (word) out.push(word); return; }
      for (var i = 0; i < cs.length;) {
        var cjk = isCjk(cs[i]), j = i;
        while (j < cs.length && isCjk(cs[j]) === cjk) j++;
        if (!cjk || j - i === 1) out.push(cs.slice(i, j).join(''));
        else for (var k = i; k < j - 1; k++) out.push(cs[k] + cs[k + 1]);
        i = j;
      }
    });
    return out;
  }

  function isCjkWord(w) { return w.length > 0 && isCjk(chars(w)[0]); }

  /** The term of a normalized word, or null (analyze.rs term). */
  function cbTerm(word) {
    if (isCjkWord(word)) return word;
    var n = chars(word).length;
    if (n < 2 || n > 30 || isStop(word)) return null;
    return stem(word);
  }

  function cbTerms(text) {
    return cbWords(text).map(cbTerm).filter(function (t) { return t !== null; });
  }

  var KINDS = ['policy', 'plan', 'process', 'procedure', 'work-instruction', 'form', 'register',
               'record', 'agreement', 'other'];
  var STATUSES = ['draft', 'review', 'approved', 'retired'];
  var FIELD_NAMES = 'title, id, kind, status, clause, tag, owner, headings, summary, body, clausetitle';
  var MAX_DEPTH = 32;
  var STAR = '`*` ends a word of at least two letters, e.g. chang*';
  var FIELDS = {
    title: 'text:title', headings: 'text:headings', heading: 'text:headings', summary: 'text:summary',
    body: 'text:body', owner: 'text:owner', clausetitle: 'text:clausetitle', kind: 'key:kind',
    status: 'key:status', tag: 'key:tag', tags: 'key:tag', id: 'id', clause: 'clause', within: 'clause'
  };

  function fieldNamed(name) {
    var f = FIELDS[asciiLower(name)];
    return f && Object.prototype.hasOwnProperty.call(FIELDS, asciiLower(name)) ? f : null;
  }
  function isTextField(f) { return f !== null && f.indexOf('text:') === 0; }
  function textFieldOf(f) { return isTextField(f) ? f.slice(5) : null; }

  function example(name) {
    switch (fieldNamed(name)) {
      case 'key:kind': return 'kind:procedure';
      case 'key:status': return 'status:approved';
      case 'key:tag': return 'tag:supplier';
      case 'id': return 'id:SMS-PRO-007';
      case 'clause': return 'clause:8.2';
      default: return 'title:change';
    }
  }

  function isQuote(c) { return '"\u201c\u201d\u201e\u201f\u2033'.indexOf(c) >= 0; }

  function lex(query) {
    var cs = chars(query), n = cs.length, out = [], i = 0, atStart = true, space = true;
    while (i < n) {
      var c = cs[i];
      if (SPACE.test(c)) { atStart = true; space = true; i++; continue; }
      var col = i + 1, spaceBefore = space, tok;
      space = false;
      if (c === '(') {
        i++;
        atStart = true;
        out.push({ t: 'lparen', col: col, space: spaceBefore });
        continue;
      } else if (c === ')') {
        i++;
        tok = { t: 'rparen' };
      } else if (isQuote(c)) {
        var j = i + 1;
        while (j < n && !isQuote(cs[j])) j++;
        var closed = j < n;
        tok = { t: 'quote', text: cs.slice(i + 1, j).join(''), closed: closed };
        i = closed ? j + 1 : n;
      } else if ((c === '-' || c === '+') && atStart && i + 1 < n && !SPACE.test(cs[i + 1]) && cs[i + 1] !== ')') {
        i++;
        atStart = false;
        out.push({ t: c === '-' ? 'minus' : 'plus', col: col, space: spaceBefore });
        continue;
      } else {
        var k = i;
        while (k < n && !SPACE.test(cs[k]) && cs[k] !== '(' && cs[k] !== ')' && !isQuote(cs[k])) k++;
        tok = { t: 'word', text: cs.slice(i, k).join('') };
        i = k;
      }
      atStart = false;
      tok.col = col;
      tok.space = spaceBefore;
      out.push(tok);
    }
    return out;
  }

  function isOp(tok, op) { return !!tok && tok.t === 'word' && tok.text === op; }
  function isBinaryOp(tok) { return isOp(tok, 'AND') || isOp(tok, 'OR'); }

  function hasPositive(n) {
    if (n.type === 'not') return false;
    if (n.type === 'and') return n.items.some(hasPositive);
    return true;
  }

  function joined(type, items) {
    var flat = [];
    items.forEach(function (n) {
      if (n.type === type) flat.push.apply(flat, n.items); else flat.push(n);
    });
    if (flat.length === 0) return null;
    if (flat.length === 1) return flat[0];
    return { type: type, items: flat };
  }
  function andOf(items) { return joined('and', items); }
  function orOf(items) { return joined('or', items); }

  function trimPunct(w) {
    return w.replace(/^[.,;:!?'\u2018\u2019]+/, '').replace(/[.,;:!?'\u2018\u2019]+$/, '');
  }

  function splitField(w) {
    var i = w.indexOf(':');
    if (i <= 0) return null;
    var name = w.slice(0, i);
    if (!/^[A-Za-z]+$/.test(name)) return null;
    return [name, w.slice(i + 1)];
  }

  function isFuzzy(word) { return !isCjkWord(word) && chars(word).length >= 5; }

  function prefixWord(word, field) {
    return { type: 'word', field: field, text: word, term: isCjkWord(word) ? word : stem(word),
             prefix: true, fuzzy: isFuzzy(word) };
  }

  function wordNode(word, field) {
    var term = cbTerm(word);
    if (term === null) return null;
    return { type: 'word', field: field, text: word, term: term, prefix: false, fuzzy: isFuzzy(word) };
  }

  function textNode(text, field, typing) {
    var ws = cbWords(text);
    if (typing && ws.length === 1) {
      if (chars(ws[0]).length >= 2 || isCjkWord(ws[0])) return prefixWord(ws[0], field);
      return null;
    }
    var kept = ws.filter(function (w) { return cbTerm(w) !== null; });
    if (kept.length === 0) return null;
    if (kept.length === 1) return wordNode(kept[0], field);
    return { type: 'phrase', field: field, text: ws.join(' '), terms: kept.map(cbTerm) };
  }

  function tagKey(tag) {
    return String(tag).split(/\p{White_Space}+/u).filter(Boolean).map(cbNormalize).join(' ');
  }

  function isIdLike(w) {
    return w.length >= 3 && /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/.test(w) && /[-_]/.test(w);
  }

  function clauseNumber(w) {
    if (w.charAt(w.length - 1) === '.') w = w.slice(0, -1);
    return /^(?:[A-Za-z]\.)?[0-9]{1,3}(?:\.[0-9]{1,3})*$/.test(w) ? asciiLower(w) : null;
  }

  function isStandard(w) {
    var lower = asciiLower(w), rest = lower;
    if (lower.indexOf('iso/iec') === 0) rest = lower.slice(7);
    else if (lower.indexOf('iso') === 0) rest = lower.slice(3);
    var main = rest, year = null, c = rest.indexOf(':');
    if (c >= 0) { main = rest.slice(0, c); year = rest.slice(c + 1); }
    if (year !== null && !/^[0-9]{4}$/.test(year)) return false;
    var number = main, part = null, d = main.indexOf('-');
    if (d >= 0) { number = main.slice(0, d); part = main.slice(d + 1); }
    return /^[0-9]{4,5}$/.test(number) && (part === null || /^[0-9]{1,2}$/.test(part));
  }

  function stdKey(s) {
    var kept = asciiLower(s).replace(/[^a-z0-9:-]/g, '');
    var prefixes = ['isoiec', 'iso', 'iec'];
    for (var i = 0; i < prefixes.length; i++) {
      if (kept.indexOf(prefixes[i]) === 0 && kept.length > prefixes[i].length) return kept.slice(prefixes[i].length);
    }
    return kept;
  }

  function splitStdRef(w) {
    var i = w.lastIndexOf('/');
    if (i < 0) return null;
    var std = w.slice(0, i), number = clauseNumber(w.slice(i + 1));
    if (number === null || !/^[A-Za-z0-9][A-Za-z0-9:._\/-]*$/.test(std)) return null;
    return [stdKey(std), number];
  }

  function clauseRef(w) {
    var s = splitStdRef(w);
    if (s) return { type: 'clause', standard: s[0], number: s[1] };
    var n = clauseNumber(w);
    return n === null ? null : { type: 'clause', standard: null, number: n };
  }

  /** Parse a query (parse.rs parse): {root, warnings} or {error}. */
  function cbParse(query, mode, declared) {
    query = String(query);
    var toks = lex(query), qs = chars(query);
    var endsWithSpace = qs.length === 0 || SPACE.test(qs[qs.length - 1]);
    var p = { toks: toks, pos: 0, problems: [], liveLast: mode === 'live' && !endsWithSpace, depth: 0,
              kinds: KINDS.concat(declared || []) };
    if (toks.length === 0) {
      if (mode !== 'live') return { error: { column: 1, message: 'the query is empty' } };
      return { root: null, warnings: [] };
    }
    var root = andOf(parseSeq(p, null, false));
    if (root !== null && !hasPositive(root)) {
      problem(p, toks[0].col, 'the query only excludes; add a word to look for');
      root = null;
    }
    if (root === null && p.problems.length === 0) {
      problem(p, 1, 'the query has no word to search for (common words such as \u201cthe\u201d and one-letter words are not indexed)');
    }
    if (mode !== 'live') {
      return p.problems.length ? { error: p.problems[0] } : { root: root, warnings: [] };
    }
    return { root: root, warnings: p.problems };
  }

  function problem(p, column, message) { p.problems.push({ column: column, message: message }); }
  function peek(p) { return p.toks[p.pos] || null; }
  function colOf(p) {
    var t = p.toks[p.pos] || p.toks[p.toks.length - 1];
    return t ? t.col : 1;
  }
  function noOperandNext(p) {
    var t = peek(p);
    return t === null || t.t === 'rparen' || isBinaryOp(t);
  }
  function typing(p) { return p.liveLast && p.pos === p.toks.length; }

  function parseSeq(p, field, inGroup) {
    var items = [], operands = 0;
    for (var tok = peek(p); tok !== null; tok = peek(p)) {
      var col = colOf(p);
      if (tok.t === 'rparen') {
        if (inGroup) break;
        problem(p, col, 'a closing bracket has no opening one');
        p.pos++;
      } else if (isOp(tok, 'AND')) {
        p.pos++;
        if (operands === 0) problem(p, col, '`AND` needs a term before it');
        else if (noOperandNext(p)) problem(p, col, '`AND` needs a term after it');
      } else if (isOp(tok, 'OR')) {
        p.pos++;
        problem(p, col, '`OR` needs a term before it');
      } else {
        operands++;
        var n = parseOr(p, field);
        if (n !== null) items.push(n);
      }
    }
    return items;
  }

  function parseOr(p, field) {
    var first = colOf(p);
    var operands = [[parseUnary(p, field), first]];
    while (isOp(peek(p), 'OR')) {
      var col = colOf(p);
      p.pos++;
      if (noOperandNext(p)) { problem(p, col, '`OR` needs a term after it'); continue; }
      var c = colOf(p);
      operands.push([parseUnary(p, field), c]);
    }
    var several = operands.length > 1, items = [];
    operands.forEach(function (o) {
      if (o[0] === null) return;
      if (several && !hasPositive(o[0])) {
        problem(p, o[1], 'an exclusion cannot be one side of OR; put brackets around what to exclude, e.g. NOT (a OR b)');
        return;
      }
      items.push(o[0]);
    });
    return orOf(items);
  }

  function parseUnary(p, field) {
    var negations = 0, firstCol = colOf(p), secondCol = 0;
    for (;;) {
      var col = colOf(p), t = peek(p);
      if (t && t.t === 'minus') {
        negations++;
        if (negations === 2) secondCol = col;
        p.pos++;
      } else if (t && t.t === 'plus') {
        p.pos++;
      } else if (isOp(t, 'NOT')) {
        p.pos++;
        if (noOperandNext(p)) { problem(p, col, '`NOT` needs a term after it'); return null; }
        negations++;
        if (negations === 2) secondCol = col;
      } else {
        break;
      }
    }
    var node = parsePrimary(p, field);
    if (node === null) return null;
    if (negations === 0) return node;
    if (negations === 1 && hasPositive(node)) return { type: 'not', item: node };
    problem(p, negations === 1 ? firstCol : secondCol, 'two exclusions in a row');
    return null;
  }

  function parsePrimary(p, field) {
    var lexed = p.toks[p.pos];
    if (!lexed) return null;
    var col = lexed.col;
    p.pos++;
    if (lexed.t === 'lparen') {
      if (p.depth >= MAX_DEPTH) { problem(p, col, 'brackets are nested too deeply'); return null; }
      var next = peek(p);
      if (next && next.t === 'rparen') { p.pos++; problem(p, col, 'empty brackets'); return null; }
      p.depth++;
      var items = parseSeq(p, field, true);
      p.depth--;
      next = peek(p);
      if (next && next.t === 'rparen') p.pos++;
      else problem(p, col, 'a bracket is not closed');
      return andOf(items);
    }
    if (lexed.t === 'quote') {
      if (!lexed.closed) problem(p, col, 'a quote is not closed');
      return quoted(p, lexed.text, field, col);
    }
    if (lexed.t === 'word') return word(p, lexed.text, field, col);
    return null;
  }

  function word(p, w, field, col) {
    var sf = splitField(w);
    if (sf) {
      var name = sf[0], value = sf[1], f = fieldNamed(name);
      if (f !== null) {
        if (value !== '') return fieldValue(p, value, f, col + chars(name).length + 1);
        var next = peek(p);
        if (next && !next.space && (next.t === 'quote' || next.t === 'lparen')) return parsePrimary(p, f);
        problem(p, col, '`' + name + ':` needs a value, e.g. ' + example(name));
        return null;
      } else if (value !== '') {
        problem(p, col, 'there is no field `' + name + '`; the fields are ' + FIELD_NAMES);
      }
    }
    return plain(p, w, field, col);
  }

  function quoted(p, text, field, col) {
    if (field === null || isTextField(field)) return textNode(text, textFieldOf(field), false);
    var value = text.split(/\p{White_Space}+/u).filter(Boolean).join(' ');
    if (!value) return null;
    return keyValue(p, value, field, col, false);
  }

  function fieldValue(p, value, f, col) {
    if (isTextField(f)) return plain(p, value, f, col);
    return keyValue(p, value, f, col, typing(p));
  }

  /** The kind a value that is not one was probably meant to be (parse.rs near_kind). */
  function nearKind(kinds, value) {
    for (var i = 0; i < kinds.length; i++) {
      if ((chars(value).length >= 2 && kinds[i].indexOf(value) === 0) || oneEdit(kinds[i], value)) return kinds[i];
    }
    return null;
  }

  function keyValue(p, value, f, col, isTyping) {
    if (f === 'id') {
      var lower = value.toLowerCase();
      if (lower.charAt(lower.length - 1) === '*') {
        var base = lower.slice(0, -1);
        if (chars(base).length < 2 || base.indexOf('*') >= 0) { problem(p, col, STAR); return null; }
        return { type: 'id', value: base, prefix: true };
      }
      if (lower.indexOf('*') >= 0) { problem(p, col, STAR); return null; }
      return { type: 'id', value: lower, prefix: isTyping };
    }
    if (f === 'key:kind') {
      var k = asciiLower(value).replace(/[_ ]/g, '-');
      if (p.kinds.indexOf(k) < 0) {
        var near = nearKind(p.kinds, k);
        problem(p, col, '`kind:' + value + '` is not a kind; ' + (near === null ? '' : 'did you mean `kind:' + near + '`? ') +
          'the kinds are ' + p.kinds.join(', '));
      }
      return { type: 'value', field: 'kind', value: k };
    }
    if (f === 'key:status') {
      var s = asciiLower(value);
      if (STATUSES.indexOf(s) < 0) problem(p, col, '`status:' + value + '` is not a status; the statuses are ' + STATUSES.join(', '));
      return { type: 'value', field: 'status', value: s };
    }
    if (f === 'key:tag') return { type: 'value', field: 'tag', value: tagKey(value) };
    if (f === 'clause') {
      var c = clauseRef(trimPunct(value));
      if (c === null) {
        problem(p, col, '`clause:' + value + '` is not a clause number; write e.g. clause:8.2 or clause:iso20000-1:2011/8.2');
      }
      return c;
    }
    return null;
  }

  function plain(p, w, field, col) {
    if (field !== null && !isTextField(field)) return keyValue(p, w, field, col, typing(p));
    var textField = textFieldOf(field);
    var core = trimPunct(w);
    if (core.charAt(core.length - 1) === '*') {
      var base = core.replace(/\*+$/, '');
      if (field === null && isIdLike(base)) return { type: 'id', value: asciiLower(base), prefix: true };
      var ws = cbWords(base);
      if (ws.length === 1 && chars(ws[0]).length >= 2 && base.indexOf('*') < 0) return prefixWord(ws[0], textField);
      problem(p, col, STAR);
      return null;
    }
    var isTyping = typing(p);
    if (field === null) {
      var sc = standardClause(p, core);
      if (sc) return sc;
      var sr = splitStdRef(core);
      if (sr) return { type: 'clause', standard: sr[0], number: sr[1] };
      var number = clauseNumber(core);
      if (number !== null) {
        var digits = /^[0-9]+$/.test(number);
        var clause = { type: 'clause', standard: null, number: number };
        if (digits && number.length === 2) {
          var wn = wordNode(number, null);
          return orOf(wn ? [clause, wn] : [clause]);
        }
        if (!digits || number.length === 1) return clause;
      }
      if (isIdLike(core)) {
        var id = { type: 'id', value: asciiLower(core), prefix: isTyping };
        var t = textNode(core, null, false);
        return t ? orOf([id, t]) : id;
      }
    }
    return textNode(core, textField, isTyping);
  }

  function standardClause(p, core) {
    var plainWord = function (l) {
      if (l && l.t === 'word' && l.space && !isBinaryOp(l) && l.text !== 'NOT') return trimPunct(l.text);
      return null;
    };
    var lower = asciiLower(core), std, skip;
    var a = plainWord(p.toks[p.pos]), b = plainWord(p.toks[p.pos + 1]);
    if (lower === 'iso' || lower === 'iso/iec' || lower === 'iec') {
      if (a !== null && b !== null && isStandard(a) && clauseNumber(b) !== null) { std = core + ' ' + a; skip = 2; }
      else return null;
    } else if (isStandard(core)) {
      if (a !== null && clauseNumber(a) !== null) { std = core; skip = 1; }
      else return null;
    } else {
      return null;
    }
    var n = plainWord(p.toks[p.pos + skip - 1]);
    var number = n === null ? null : clauseNumber(n);
    if (number === null) return null;
    p.pos += skip;
    return { type: 'clause', standard: stdKey(std), number: number };
  }

  /* ---- The one ranking (mirrors src/search/query/rank.rs) -----------------
     Integer arithmetic only, so that the numbers are the server's. */
  var BITS = { IDPARTS: 1, TITLE: 2, HEADINGS: 4, TAGS: 8, CLAUSETITLE: 16, SUMMARY: 32, OWNER: 64,
               BODY: 128, BODY_MANY: 256, ALL: 511 };
  var FIELD_WEIGHTS = [30, 40, 15, 20, 15, 15, 10, 10, 10];
  var Q_EXACT = 4, Q_PREFIX = 3, Q_FUZZY = 2, CLAUSE_DIRECT = 80, CLAUSE_BELOW = 40;
  var ID_EXACT = 16000000, ID_PREFIX = 4000000, MAX_EXPANSIONS = 50;

  /** floor(a / b) for whole numbers, exactly. */
  function idiv(a, b) {
    var q = Math.floor(a / b);
    if (q * b > a) q--;
    else if ((q + 1) * b <= a) q++;
    return q;
  }

  /** log2(1 + n / df) in 256ths (rank.rs idf). */
  function cbIdf(n, df) {
    df = Math.max(df, 1);
    var r = idiv((n + df) * 65536, df), k = 0;
    while (Math.pow(2, k + 1) <= r) k++;
    var y = idiv(r, Math.pow(2, k - 16)), frac = 0;
    for (var i = 0; i < 8; i++) {
      y = idiv(y * y, 65536);
      frac *= 2;
      if (y >= 131072) { y = idiv(y, 2); frac += 1; }
    }
    return (k - 16) * 256 + frac;
  }

  function fieldWeight(mask) {
    var w = 0;
    for (var b = 0; b < 9; b++) if (mask & (1 << b)) w += FIELD_WEIGHTS[b];
    return w;
  }

  function fieldMask(field) {
    switch (field) {
      case null: return BITS.ALL;
      case 'title': return BITS.TITLE;
      case 'headings': return BITS.HEADINGS;
      case 'summary': return BITS.SUMMARY;
      case 'body': return BITS.BODY | BITS.BODY_MANY;
      case 'owner': return BITS.OWNER;
      case 'clausetitle': return BITS.CLAUSETITLE;
      default: return 0;
    }
  }

  /** Whether two different words are one edit apart (rank.rs one_edit). */
  function oneEdit(a, b) {
    a = chars(a); b = chars(b);
    var s = a.length <= b.length ? a : b, l = a.length <= b.length ? b : a;
    if (l.length - s.length > 1) return false;
    var i = 0;
    while (i < s.length && s[i] === l[i]) i++;
    var same = function (x, xi, y, yi) {
      if (x.length - xi !== y.length - yi) return false;
      for (; xi < x.length; xi++, yi++) if (x[xi] !== y[yi]) return false;
      return true;
    };
    if (s.length === l.length) {
      if (i === s.length) return false;
      return same(s, i + 1, l, i + 1) ||
        (i + 1 < s.length && s[i] === l[i + 1] && s[i + 1] === l[i] && same(s, i + 2, l, i + 2));
    }
    return same(s, i, l, i + 1);
  }

  function byCountThenTerm(a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); }

  /** The terms a word is looked up as, with their quality (rank.rs alternatives). */
  function cbAlternatives(src, text, term, prefix, fuzzy) {
    var alts = [];
    if (src.df(term) > 0) alts.push([term, Q_EXACT]);
    if (prefix) {
      var p = chars(text).length < chars(term).length ? text : term;
      var more = src.wordsWithPrefix(p).filter(function (t) { return t[0] !== term; });
      more.sort(byCountThenTerm);
      more.slice(0, MAX_EXPANSIONS).forEach(function (t) { alts.push([t[0], Q_PREFIX]); });
    }
    if (alts.length === 0 && fuzzy) {
      var near = src.wordsWithPrefix(chars(term)[0]).filter(function (t) { return oneEdit(t[0], term); });
      near.sort(byCountThenTerm);
      near.slice(0, MAX_EXPANSIONS).forEach(function (t) { alts.push([t[0], Q_FUZZY]); });
    }
    return alts;
  }

  function keep(map, d, s) {
    var e = map.get(d);
    if (e === undefined || s > e) map.set(d, s);
  }

  /** Documents → scores of a node (rank.rs eval). */
  /** [terms, fields] of the runs of two words or more of an AND side by
      side, none typed, all in the same field (rank.rs adjacent_runs). */
  function adjacentRuns(items) {
    var out = [], run = [], field = null;
    items.concat([null]).forEach(function (it) {
      var word = it !== null && it.type === 'word' && !it.prefix;
      if (word && (run.length === 0 || it.field === field)) { run.push(it.term); field = it.field; return; }
      if (run.length >= 2) out.push([run, fieldMask(field)]);
      run = [];
      if (word) { run.push(it.term); field = it.field; }
    });
    return out;
  }

  /** Documents with `terms` side by side in a field of `fm`, scored as a
      phrase (rank.rs phrase_scores): Map doc -> score. */
  function phraseScores(src, terms, fm) {
    var n = src.nDocs(), acc = null, out = new Map();
    for (var i = 0; i + 1 < terms.length; i++) {
      var list = src.pairPostings(terms[i] + ' ' + terms[i + 1]);
      var idf = cbIdf(n, list.length), next = new Map();
      list.forEach(function (p) {
        if (acc === null) next.set(p[0], [p[1] & fm, idf]);
        else {
          var prev = acc.get(p[0]);
          if (prev) next.set(p[0], [prev[0] & p[1], prev[1] + idf]);
        }
      });
      acc = next;
    }
    if (acc) acc.forEach(function (v, d) { if (v[0]) out.set(d, v[1] * fieldWeight(v[0]) * Q_EXACT); });
    return out;
  }

  function cbEval(src, node) {
    var n = src.nDocs(), out = new Map();
    switch (node.type) {
      case 'word': {
        var fm = fieldMask(node.field);
        cbAlternatives(src, node.text, node.term, node.prefix, node.fuzzy).forEach(function (a) {
          var list = src.postings(a[0]), idf = cbIdf(n, list.length);
          list.forEach(function (p) {
            if (p[1] & fm) keep(out, p[0], idf * fieldWeight(p[1] & fm) * a[1]);
          });
        });
        return out;
      }
      case 'phrase':
        return phraseScores(src, node.terms, fieldMask(node.field));
      case 'clause': {
        var stds = node.standard === null ? [null] : src.standardsNamed(node.standard);
        var direct = new Map();
        stds.forEach(function (s) {
          var key = s === null ? node.number : s + '/' + node.number;
          [['#c:', CLAUSE_DIRECT, direct], ['#u:', CLAUSE_BELOW, out]].forEach(function (k) {
            var list = src.postings(k[0] + key), idf = cbIdf(n, list.length);
            list.forEach(function (p) { keep(k[2], p[0], idf * k[1] * Q_EXACT); });
          });
        });
        direct.forEach(function (s, d) { out.set(d, s); });
        return out;
      }
      case 'id': {
        src.idMatches(node.value, node.prefix).forEach(function (m) { out.set(m[0], m[1]); });
        return out;
      }
      case 'value': {
        if (node.field === 'tag') {
          src.postings('#t:' + node.value).forEach(function (p) { out.set(p[0], 0); });
        } else {
          for (var d = 0; d < n; d++) {
            if ((node.field === 'kind' ? src.kind(d) : src.status(d)) === node.value) out.set(d, 0);
          }
        }
        return out;
      }
      case 'and': {
        var first = true, excluded = [];
        node.items.forEach(function (item) {
          if (item.type === 'not') { excluded.push(cbEval(src, item.item)); return; }
          var s = cbEval(src, item);
          if (first) { out = s; first = false; return; }
          var both = new Map();
          out.forEach(function (a, d) { var b = s.get(d); if (b !== undefined) both.set(d, a + b); });
          out = both;
        });
        excluded.forEach(function (ex) { ex.forEach(function (_, d) { out.delete(d); }); });
        adjacentRuns(node.items).forEach(function (r) {
          phraseScores(src, r[0], r[1]).forEach(function (bonus, d) {
            var s = out.get(d);
            if (s !== undefined) out.set(d, s + bonus);
          });
        });
        return out;
      }
      case 'or': {
        node.items.forEach(function (item) {
          cbEval(src, item).forEach(function (s, d) { out.set(d, (out.get(d) || 0) + s); });
        });
        return out;
      }
      default:
        return out;
    }
  }

  /** The matching documents, best first: [[doc, score], …] (rank.rs run). */
  function cbRun(src, root) {
    var hits = [];
    cbEval(src, root).forEach(function (s, d) { hits.push([d, s * weight(src.kind(d), src.status(d))]); });
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return hits;
  }

  /* ---- The sharded static index (version 2, src/search/query/shards.rs) ---- */
  var SHARDS = 'CLAUSEBOOK_SEARCH_SHARDS';

  function b64(c) { return B64.indexOf(c); }

  /** [[doc, fields], …] of an encoded posting list, by document. */
  function decodePostings(s) {
    var out = [], i = 0;
    function next() {
      var n = 0, v;
      do { v = b64(s.charAt(i++)); n = n * 32 + (v & 31); } while (v & 32);
      return n;
    }
    while (i < s.length) {
      var mask = next(), header = next();
      if (header % 2 === 0) {
        for (var k = 0, d = -1; k < header / 2; k++) { d = d + next() + 1; out.push([d, mask]); }
      } else {
        var len = (header - 1) / 2;
        for (var c = 0; c < len; c++) {
          var bits = b64(s.charAt(i++));
          for (var b = 0; b < 6; b++) if (bits & (1 << b)) out.push([c * 6 + b, mask]);
        }
      }
    }
    out.sort(function (a, b) { return a[0] - b[0]; });
    return out;
  }

  /** Index of the last entry of a sorted [[first, file], …] list whose first is <= s. */
  function shardOf(list, s) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid][0] <= s) lo = mid + 1; else hi = mid; }
    return Math.max(0, lo - 1);
  }

  function lowerBound(arr, s) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < s) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** Load scripts of the index as <script> tags (file:// allows no fetch). */
  function scriptLoader(base) {
    return function (name, cb) {
      var s = document.createElement('script');
      s.src = base + name;
      s.async = true;
      s.onload = function () { cb(true); };
      s.onerror = function () { cb(false); };
      document.head.appendChild(s);
    };
  }

  function ShardEngine(data, base, load) {
    this.data = data;
    this.n = data.n;
    this.load = load || scriptLoader(base);
    this.shards = {};      // name -> data, once loaded
    this.waiting = {};     // name -> callbacks
    this.loaded = [];      // names, in loading order (for tests)
    this.decoded = {};
    this.failed = false;
    var self = this, ns = (data.statuses || []).length || 1;
    this.kinds = []; this.statuses = [];
    for (var d = 0; d < this.n; d++) {
      var w = data.ksw || 1, code = 0;
      for (var c = 0; c < w; c++) code = code * 64 + b64(data.ks.charAt(d * w + c));
      this.kinds.push(data.kinds[Math.floor(code / ns)] || '');
      this.statuses.push(data.statuses[code % ns] || '');
    }
    this.source = {
      nDocs: function () { return self.n; },
      df: function (t) { var e = self.entry('words', t); return e ? e.shard.d[e.i] : 0; },
      postings: function (t) { return self.postingsOf('words', t); },
      pairPostings: function (p) { return self.postingsOf('pairs', p); },
      wordsWithPrefix: function (p) { return self.withPrefix(p); },
      idMatches: function (v, prefix) { return self.idMatches(v, prefix); },
      kind: function (d) { return self.kinds[d]; },
      status: function (d) { return self.statuses[d]; },
      standardsNamed: function (key) {
        return data.standards.filter(function (s) { return s.keys.indexOf(key) >= 0; })
          .map(function (s) { return s.id.toLowerCase(); });
      }
    };
  }

  /** Load the shards `names` (relative to search/), then call cb (once
      all are there, or failed: see `failed`). */
  ShardEngine.prototype.need = function (names, cb) {
    var self = this, left = 1, seen = {};
    var finish = function () { if (--left === 0) cb(); };
    names.forEach(function (name) {
      if (seen[name] || name in self.shards) return;
      seen[name] = true;
      left++;
      if (self.waiting[name]) { self.waiting[name].push(finish); return; }
      self.waiting[name] = [finish];
      self.loaded.push(name);
      self.load(name, function (ok) {
        var all = window[SHARDS] || {};
        if (ok && all[name]) self.shards[name] = all[name];
        else { self.shards[name] = null; self.failed = true; }
        var cbs = self.waiting[name] || [];
        delete self.waiting[name];
        cbs.forEach(function (f) { f(); });
      });
    });
    finish();
  };

  /** The file of the dictionary `kind` ('words' or 'pairs') holding `t`. */
  ShardEngine.prototype.fileOf = function (kind, t) {
    var list = this.data[kind];
    return list.length ? list[shardOf(list, t)][1] : null;
  };

  /** Files of the dictionary holding every key that begins with `p`. */
  ShardEngine.prototype.filesOfPrefix = function (kind, p) {
    var list = this.data[kind], out = [];
    if (!list.length) return out;
    var a = shardOf(list, p), b = shardOf(list, p + '\uffff');
    for (var i = a; i <= b; i++) out.push(list[i][1]);
    return out;
  };

  ShardEngine.prototype.entry = function (kind, t) {
    var file = this.fileOf(kind, t), shard = file && this.shards[file];
    if (!shard) return null;
    var i = lowerBound(shard.t, t);
    return shard.t[i] === t ? { shard: shard, i: i, file: file } : null;
  };

  ShardEngine.prototype.postingsOf = function (kind, t) {
    var key = kind + ' ' + t;
    if (this.decoded[key]) return this.decoded[key];
    var e = this.entry(kind, t);
    return (this.decoded[key] = e ? decodePostings(e.shard.p[e.i]) : []);
  };

  ShardEngine.prototype.withPrefix = function (p) {
    var self = this, out = [];
    if (p.charAt(0) === '#') return out;
    this.filesOfPrefix('words', p).forEach(function (f) {
      var shard = self.shards[f];
      if (!shard) return;
      for (var i = lowerBound(shard.t, p); i < shard.t.length && shard.t[i].indexOf(p) === 0; i++) {
        out.push([shard.t[i], shard.d[i]]);
      }
    });
    return out;
  };

  /** The meta shard of document `d`, and the document. */
  ShardEngine.prototype.metaFile = function (d) { return this.data.meta.files[Math.floor(d / this.data.meta.size)]; };
  ShardEngine.prototype.doc = function (d) {
    var shard = this.shards[this.metaFile(d)];
    return shard ? shard.docs[d % this.data.meta.size] : null;
  };

  /** The strings whose place among the ids the id node `v` needs. */
  function idBounds(v, prefix) {
    var seps = prefix ? [''] : ['', '-', '.', '_'], out = [];
    seps.forEach(function (s) { out.push(v + s, v + s + '\uffff'); });
    return out;
  }

  /** Meta shards needed to place those strings among the ids. */
  ShardEngine.prototype.idFiles = function (v, prefix) {
    var meta = this.data.meta, files = {};
    if (!meta.sorted) return meta.files.slice();
    idBounds(v, prefix).forEach(function (s) {
      var k = lowerBound(meta.first, s);
      if (k < meta.first.length && meta.first[k] === s) files[meta.files[k]] = true;
      else if (k > 0) files[meta.files[k - 1]] = true;
    });
    return Object.keys(files);
  };

  /** First document whose lower-case id is not below `s` (its shard loaded). */
  ShardEngine.prototype.idLowerBound = function (s) {
    var meta = this.data.meta, k = lowerBound(meta.first, s);
    if (k < meta.first.length && meta.first[k] === s) return k * meta.size;
    if (k === 0) return 0;
    var start = (k - 1) * meta.size, end = Math.min(k * meta.size, this.n);
    for (var d = start; d < end; d++) if (this.doc(d)[0].toLowerCase() >= s) return d;
    return end;
  };

  /** [[doc, score], …] of an id node (rank.rs, Node::Id): the id itself,
      ids beginning with it (a prefix), or with it and a separator. */
  ShardEngine.prototype.idMatches = function (v, prefix) {
    var self = this, out = [], d;
    if (!this.data.meta.sorted) {
      for (d = 0; d < this.n; d++) {
        var id = this.doc(d)[0].toLowerCase();
        if (id === v) out.push([d, ID_EXACT]);
        else if (id.indexOf(v) === 0 && (prefix || '-_.'.indexOf(id.charAt(v.length)) >= 0)) out.push([d, ID_PREFIX]);
      }
      return out;
    }
    var b = idBounds(v, prefix).map(function (s) { return self.idLowerBound(s); });
    var first = b[0] < this.n ? this.doc(b[0]) : null;  // null: past the shards loaded, so not `v`
    var exact = first && first[0].toLowerCase() === v ? b[0] : -1;
    if (exact >= 0) out.push([exact, ID_EXACT]);
    for (var i = prefix ? 0 : 2; i < b.length; i += 2) {
      for (d = b[i]; d < b[i + 1]; d++) if (d !== exact) out.push([d, ID_PREFIX]);
    }
    return out;
  };

  /** Shards that a node needs before it can be evaluated (first round). */
  ShardEngine.prototype.needs = function (node, out) {
    var self = this;
    switch (node.type) {
      case 'word':
        out.push(this.fileOf('words', node.term));
        if (node.prefix) {
          var p = chars(node.text).length < chars(node.term).length ? node.text : node.term;
          this.filesOfPrefix('words', p).forEach(function (f) { out.push(f); });
        }
        break;
      case 'phrase':
        for (var i = 0; i + 1 < node.terms.length; i++) out.push(this.fileOf('pairs', node.terms[i] + ' ' + node.terms[i + 1]));
        break;
      case 'clause':
        (node.standard === null ? [null] : this.source.standardsNamed(node.standard)).forEach(function (s) {
          var key = s === null ? node.number : s + '/' + node.number;
          out.push(self.fileOf('words', '#c:' + key), self.fileOf('words', '#u:' + key));
        });
        break;
      case 'id':
        this.idFiles(node.value, node.prefix).forEach(function (f) { out.push(f); });
        break;
      case 'value':
        if (node.field === 'tag') out.push(this.fileOf('words', '#t:' + node.value));
        break;
      case 'and': case 'or':
        node.items.forEach(function (n) { self.needs(n, out); });
        if (node.type === 'and') {
          adjacentRuns(node.items).forEach(function (r) {
            for (var j = 0; j + 1 < r[0].length; j++) out.push(self.fileOf('pairs', r[0][j] + ' ' + r[0][j + 1]));
          });
        }
        break;
      case 'not':
        this.needs(node.item, out);
        break;
    }
    return out;
  };

  /** Second round: the shards of the words that only a typo can match. */
  ShardEngine.prototype.fuzzyNeeds = function (node, out) {
    var self = this;
    if (node.type === 'word' && node.fuzzy &&
        cbAlternatives(this.source, node.text, node.term, node.prefix, false).length === 0) {
      this.filesOfPrefix('words', chars(node.term)[0]).forEach(function (f) { out.push(f); });
    } else if (node.items) {
      node.items.forEach(function (n) { self.fuzzyNeeds(n, out); });
    } else if (node.item) {
      this.fuzzyNeeds(node.item, out);
    }
    return out;
  };

  function present(list) { return list.filter(function (x) { return x; }); }

  /** Run a parsed query: cb(hits) with every match, best first, or cb(null) when the index is damaged. */
  ShardEngine.prototype.run = function (root, cb) {
    var self = this;
    this.need(present(this.needs(root, [])), function () {
      self.need(present(self.fuzzyNeeds(root, [])), function () {
        cb(self.failed ? null : cbRun(self.source, root));
      });
    });
  };

  /** Positive leaves of a tree (not under NOT). */
  function positives(node, out) {
    if (node.type === 'and' || node.type === 'or') node.items.forEach(function (n) { positives(n, out); });
    else if (node.type !== 'not') out.push(node);
    return out;
  }

  /** The terms a highlighted word may have: every alternative of the
      query's positive words, and the terms of its phrases. */
  ShardEngine.prototype.markTerms = function (root) {
    var self = this, set = {};
    positives(root, []).forEach(function (n) {
      if (n.type === 'word') {
        cbAlternatives(self.source, n.text, n.term, n.prefix, n.fuzzy).forEach(function (a) { set[a[0]] = true; });
      } else if (n.type === 'phrase') {
        n.terms.forEach(function (t) { set[t] = true; });
      }
    });
    return set;
  };

  /** Escape `text`, with its words whose term is in `set` in <mark>. */
  function markHtml(text, set) {
    text = String(text);
    var out = '', last = 0, m, run = new RegExp(WORD_RUN.source, 'gu');
    while ((m = run.exec(text)) !== null) {
      var hit = cbWords(m[0]).some(function (w) { var t = cbTerm(w); return t !== null && set[t]; });
      if (hit) {
        out += escapeHtml(text.slice(last, m.index)) + '<mark>' + escapeHtml(m[0]) + '</mark>';
        last = m.index + m[0].length;
      }
    }
    return out + escapeHtml(text.slice(last));
  }

  /** Clause pages the query names: by number (`8.2`, `9001 8.2`), else
      by title, when every positive word of the query is in it. */
  ShardEngine.prototype.clauseHits = function (root, limit) {
    var table = this.shards[this.data.clauses], stds = this.data.standards, out = [];
    if (!table) return out;
    var leaves = positives(root, []), numbered = false;
    leaves.forEach(function (n) {
      if (n.type !== 'clause') return;
      numbered = true;
      stds.forEach(function (s, si) {
        if (!s.url || (n.standard !== null && s.keys.indexOf(n.standard) < 0)) return;
        table.clauses[si].forEach(function (c, ci) {
          if (c[0].toLowerCase() === n.number) out.push({ si: si, ci: ci, rank: 0 });
        });
      });
    });
    var words = [];
    leaves.forEach(function (n) {
      if ((n.type === 'word' || n.type === 'phrase') && (n.field === null || n.field === 'clausetitle')) {
        if (n.type === 'word') words.push(n); else n.terms.forEach(function (t) { words.push({ term: t, text: t, prefix: false }); });
      }
    });
    if (words.length && !numbered) {
      stds.forEach(function (s, si) {
        if (!s.url) return;
        table.clauses[si].forEach(function (c, ci) {
          var terms = cbTerms(c[1]);
          var all = words.every(function (w) {
            if (terms.indexOf(w.term) >= 0) return true;
            var p = chars(w.text).length < chars(w.term).length ? w.text : w.term;
            return w.prefix && terms.some(function (t) { return t.indexOf(p) === 0; });
          });
          if (all) out.push({ si: si, ci: ci, rank: 1 + terms.length - words.length });
        });
      });
    }
    out.sort(function (a, b) { return a.rank - b.rank || a.si - b.si || a.ci - b.ci; });
    return out.slice(0, limit).map(function (h) {
      var s = stds[h.si], c = table.clauses[h.si][h.ci];
      return { number: c[0], title: c[1], standard: s.name, url: s.url.replace('%', c[0]) };
    });
  };

  /** Where in a document the query matched: a clause it names (its
      section, if a section addresses it), else a heading with its words. */
  ShardEngine.prototype.where = function (doc, url, root, set) {
    var table = this.shards[this.data.clauses], stds = this.data.standards;
    var leaves = positives(root, []);
    for (var i = 0; i < doc[5].length; i++) {
      var c = doc[5][i], s = stds[c[0]], num = c[1].toLowerCase();
      var named = leaves.some(function (n) {
        return n.type === 'clause' && (n.number === num || num.indexOf(n.number + '.') === 0) &&
          (n.standard === null || s.keys.indexOf(n.standard) >= 0);
      });
      if (named) {
        var row = table && s.url ? (table.clauses[c[0]] || []).filter(function (r) { return r[0] === c[1]; })[0] : null;
        return { label: c[1] + (row && row[1] ? ' ' + row[1] : '') + ', ' + s.name,
                 href: c[2] ? url + '#' + c[2] : url };
      }
    }
    for (var h = 0; h < doc[6].length; h++) {
      var hit = cbWords(doc[6][h][0]).some(function (w) { var t = cbTerm(w); return t !== null && set[t]; });
      if (hit) return { label: doc[6][h][0], href: doc[6][h][1] ? url + '#' + doc[6][h][1] : url, html: markHtml(doc[6][h][0], set) };
    }
    return null;
  };

  ShardEngine.prototype.docUrl = function (doc) {
    return doc[2] || String(this.data.url).replace('%', slug(doc[0]));
  };

  /** Search: done({total, results, clauses, hits, root, set, warnings} or {error}). */
  ShardEngine.prototype.search = function (query, limit, done, mode) {
    var self = this, parsed = cbParse(query, mode || 'live', this.data.declared);
    var q = { terms: [] };
    if (parsed.error) {
      return done({ total: 0, results: [], q: q, error: 'Column ' + parsed.error.column + ': ' + parsed.error.message });
    }
    if (!parsed.root) return done({ total: 0, results: [], clauses: [], q: q, warnings: parsed.warnings });
    var root = parsed.root;
    this.need([this.data.clauses], function () {
      self.run(root, function (hits) {
        if (hits === null) return done({ total: 0, results: [], q: q, error: 'The search index is incomplete: rebuild the site.' });
        var top = hits.slice(0, limit);
        var files = {};
        top.forEach(function (h) { files[self.metaFile(h[0])] = true; });
        self.need(Object.keys(files), function () {
          var set = self.markTerms(root);
          var results = top.map(function (h) {
            var doc = self.doc(h[0]);
            if (!doc) return null;
            var url = self.docUrl(doc), where = self.where(doc, url, root, set);
            return { id: doc[0], title: doc[1], kind: doc[3], status: doc[4], url: where ? where.href : url,
                     where: where, titleHtml: markHtml(doc[1], set), snippetHtml: markHtml(doc[7], set), score: h[1] };
          }).filter(Boolean);
          done({ total: hits.length, results: results, hits: hits, root: root, set: set, q: q,
                 clauses: self.clauseHits(root, 3), warnings: parsed.warnings });
        });
      });
    });
  };

  /** Facet counts over every match: kinds, statuses, standards with their
      top-level clauses, tags. cb({kinds, statuses, standards, tags}). */
  ShardEngine.prototype.facets = function (hits, cb) {
    var self = this, data = this.data, table = this.shards[data.clauses];
    var keys = [], files = [];
    data.standards.forEach(function (s, si) {
      if (!s.url) return;
      var id = s.id.toLowerCase();
      keys.push('#u:' + id);
      ((table && table.clauses[si]) || []).forEach(function (c) { if (c[2] === 0) keys.push('#u:' + id + '/' + c[0].toLowerCase()); });
    });
    keys.forEach(function (k) { files.push(self.fileOf('words', k)); });
    this.filesOfPrefix('words', '#t:').forEach(function (f) { files.push(f); });
    this.need(present(files), function () {
      var matched = new Set(hits.map(function (h) { return h[0]; }));
      var count = function (key) {
        return self.postingsOf('words', key).filter(function (p) { return matched.has(p[0]); }).length;
      };
      var tally = function (list) {
        var m = {};
        hits.forEach(function (h) { var v = list[h[0]]; m[v] = (m[v] || 0) + 1; });
        return Object.keys(m).sort().map(function (k) { return [k, m[k]]; });
      };
      var standards = [];
      data.standards.forEach(function (s, si) {
        if (!s.url) return;
        var id = s.id.toLowerCase();
        var clauses = ((table && table.clauses[si]) || []).filter(function (c) { return c[2] === 0; })
          .map(function (c) { return [c[0], c[1], count('#u:' + id + '/' + c[0].toLowerCase())]; })
          .filter(function (c) { return c[2] > 0; });
        standards.push({ id: s.id, name: s.name, count: count('#u:' + id), clauses: clauses });
      });
      var tags = [];
      self.filesOfPrefix('words', '#t:').forEach(function (f) {
        var shard = self.shards[f];
        if (!shard) return;
        shard.t.forEach(function (t) {
          if (t.indexOf('#t:') === 0) { var n = count(t); if (n) tags.push([t.slice(3), n]); }
        });
      });
      tags.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
      cb({ kinds: tally(self.kinds), statuses: tally(self.statuses), standards: standards, tags: tags });
    });
  };

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
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

  /* ---- The server's API --------------------------------------------------- */
  function ApiEngine(url) {
    this.url = url;
  }

  ApiEngine.prototype.search = function (query, limit, done, mode, opts) {
    var q = { terms: [] };
    var url = this.url + '?q=' + encodeURIComponent(String(query).slice(0, MAX_QUERY)) +
      '&limit=' + Math.min(limit, PAGE_LIMIT) + '&live=' + (mode === 'strict' ? '0' : '1') +
      (opts && opts.facets ? '&facets=1' : '');
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) return done({ total: 0, results: [], q: q, error: data.error });
        done({
          total: data.total,
          q: q,
          clauses: data.clauses || [],
          facets: data.facets || null,
          warnings: data.warnings || [],
          results: data.results.map(function (r) {
            return { id: r.id, title: r.title, kind: r.kind, status: r.status,
                     url: r.where ? r.where.href : r.url, where: r.where || null,
                     snippetHtml: r.snippet, score: r.score };
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
      } else if (data && data.version === 2) {
        engine = new ShardEngine(data, root + 'search/');
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
  function badge(status) {
    return '<span class="status-badge status-' + escapeHtml(status) + '">' +
      escapeHtml(status.charAt(0).toUpperCase() + status.slice(1)) + '</span>';
  }

  /** Where the query matched in a document (a clause or a section). */
  function whereHtml(r) {
    if (!r.where) return '';
    return '<span class="search-where">' + (r.where.html ? '§ ' + r.where.html : escapeHtml(r.where.label)) + '</span>';
  }

  function resultHtml(r, root, terms) {
    return '<a href="' + escapeHtml(root + r.url) + '"><span class="doc-id">' + escapeHtml(r.id) +
      '</span> ' + (r.titleHtml || escapeHtml(r.title)) +
      (r.status && r.status !== 'approved' ? ' ' + badge(r.status) : '') +
      (r.snippetHtml || r.where ? '<p>' + whereHtml(r) + (r.where && r.snippetHtml ? ' — ' : '') +
        (r.snippetHtml || '') + '</p>' : '') + '</a>';
  }

  /** A clause page among the results, labelled by its standard. */
  function clauseHtml(c, root) {
    return '<a href="' + escapeHtml(root + c.url) + '"><span class="doc-id">' + escapeHtml(c.number) +
      '</span> ' + escapeHtml(c.title) + ' <span class="kind-label">' + escapeHtml(c.standard) + '</span></a>';
  }

  function searchPageUrl(form, query) {
    var action = form.getAttribute('action') || '';
    return action + (action.indexOf('?') >= 0 ? '&' : '?') + 'q=' + encodeURIComponent(query);
  }

  /** Whether `el` takes typed text (where `/` must stay a slash). */
  function isField(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toUpperCase();
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || !!el.isContentEditable;
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
        eng.search(input.value, DROPDOWN, function (res) {
          if (mine !== seq) return;
          if (res.error) return message(res.error);
          var clauses = res.clauses || [];
          if (!res.results.length && !clauses.length) return message('No document matches “' + query + '”.');
          var terms = res.q.terms;
          var html = '<ul role="listbox" id="' + listId + '" aria-label="Search results">';
          // Clause pages first, then documents.
          clauses.forEach(function (c, i) {
            html += '<li role="option" id="search-clause-' + i + '" class="clause" aria-selected="false">' +
              clauseHtml(c, root) + '</li>';
          });
          res.results.slice(0, DROPDOWN - clauses.length).forEach(function (r, i) {
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
        }, 'live');
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
    // `/` and Ctrl-K (⌘K) go to the search box, unless a field has the keyboard.
    input.setAttribute('aria-keyshortcuts', '/ Control+K Meta+K');
    document.addEventListener('keydown', function (e) {
      if (e.defaultPrevented || e.altKey || e.isComposing) return;
      var slash = e.key === '/' && !e.ctrlKey && !e.metaKey;
      var ctrlK = (e.ctrlKey || e.metaKey) && !e.shiftKey && (e.key === 'k' || e.key === 'K');
      if ((!slash && !ctrlK) || isField(e.target)) return;
      e.preventDefault();
      input.focus();
      input.select();
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

    var facets = page.querySelector('.search-facets');

    /** Filters with counts; each link narrows the query. */
    function facetsHtml(f, query) {
      var link = function (filter, label, count) {
        var q = query + ' ' + filter;
        return '<li><a href="?q=' + escapeHtml(encodeURIComponent(q)) + '">' + escapeHtml(label) +
          '</a> <span class="count">' + count + '</span></li>';
      };
      var quote = function (v) { return /\s/.test(v) ? '"' + v + '"' : v; };
      var group = function (title, items) {
        return items.length ? '<section><h2>' + escapeHtml(title) + '</h2><ul>' + items.join('') + '</ul></section>' : '';
      };
      var html = group('Kind', f.kinds.map(function (k) { return link('kind:' + k[0], k[0], k[1]); })) +
        group('Status', f.statuses.map(function (k) { return link('status:' + k[0], k[0], k[1]); }));
      f.standards.forEach(function (s) {
        if (!s.count) return;
        html += group(s.name + ' (' + s.count + ')', s.clauses.map(function (c) {
          return link('clause:' + s.id + '/' + c[0], c[0] + ' ' + c[1], c[2]);
        }));
      });
      html += group('Tag', f.tags.map(function (t) { return link('tag:' + quote(t[0]), t[0], t[1]); }));
      return html;
    }

    function show(query, mode) {
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
        var limit = eng instanceof ApiEngine || eng instanceof ShardEngine ? PAGE_LIMIT : 100000;
        eng.search(query, limit, function (res) {
          if (mine !== seq) return;
          if (facets) facets.innerHTML = '';
          if (res.error) { summary.textContent = res.error; list.innerHTML = ''; return; }
          var n = res.total;
          summary.textContent = (n === 0 ? 'No document matches' : n === 1 ? '1 document matches' : n + ' documents match') +
            ' “' + query + '”' + (res.results.length < n ? ' (the first ' + res.results.length + ' are shown).' : '.');
          list.innerHTML = (res.clauses || []).map(function (c) {
            return '<li class="clause">' + clauseHtml(c, root) + '</li>';
          }).join('') + res.results.map(function (r) {
            return '<li><a href="' + escapeHtml(root + r.url) + '"><span class="doc-id">' + escapeHtml(r.id) +
              '</span> ' + (r.titleHtml || escapeHtml(r.title)) + '</a> <span class="kind-label">' + escapeHtml(r.kind) +
              '</span> ' + badge(r.status) + (r.where ? ' ' + whereHtml(r) : '') +
              (r.snippetHtml ? '<span class="muted snippet">' + r.snippetHtml + '</span>' : '') + '</li>';
          }).join('');
          if (facets && res.facets && res.total) {
            facets.innerHTML = facetsHtml(res.facets, query);
          } else if (facets && eng.facets && res.hits && res.hits.length) {
            eng.facets(res.hits, function (f) {
              if (mine === seq) facets.innerHTML = facetsHtml(f, query);
            });
          }
        }, mode, { facets: true });
      });
    }

    function current() {
      var m = /[?&]q=([^&#]*)/.exec(window.location.search);
      if (!m) return '';
      try { return decodeURIComponent(m[1].replace(/\+/g, ' ')); } catch (err) { return ''; }
    }

    function update(query, push, mode) {
      if (window.history && window.history.replaceState && window.location.protocol !== 'file:') {
        var url = window.location.pathname + (query ? '?q=' + encodeURIComponent(query) : '');
        window.history[push ? 'pushState' : 'replaceState'](null, '', url);
      }
      show(query.trim(), mode || 'live');
    }

    var initial = current();
    input.value = initial;
    if (header && !header.value) header.value = initial;
    show(initial.trim(), 'strict');

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(input.value, false); }, DELAY_API);
    });
    page.querySelector('form').addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(timer);
      update(input.value, false, 'strict');
    });
    window.addEventListener('popstate', function () {
      input.value = current();
      show(input.value.trim(), 'strict');
    });
  }

  /* ---- Wiring ------------------------------------------------------------------ */
  // Exposed for tests and other features.
  window.ClausebookSearch = { stem: stem, weight: weight,
                              analyze: { words: cbWords, term: cbTerm, terms: cbTerms, normalize: cbNormalize },
                              parse: cbParse, idf: cbIdf, run: cbRun, ShardEngine: ShardEngine,
                              decodePostings: decodePostings };
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
