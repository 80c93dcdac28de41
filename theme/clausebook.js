/* ==========================================================================
   Clausebook built-in theme script
   Classic script loaded with <script defer>: no modules, no network access,
   no libraries, works from file://. Each feature is a self-contained block
   registered with Clausebook.feature(); add new ones (e.g. search) the same way.
   ========================================================================== */
(function () {
  'use strict';

  /* ---- Core: feature registry, run once the DOM is ready ---------------- */
  var Clausebook = window.Clausebook = window.Clausebook || {};
  var features = [];

  function runFeature(f) {
    try {
      f.init(document);
    } catch (err) {
      // One broken feature must not prevent the others from running.
      if (window.console) console.error('clausebook: feature "' + f.name + '" failed', err);
    }
  }

  /** Register a feature: init(document) runs once the DOM is parsed. */
  Clausebook.feature = function (name, init) {
    var f = { name: name, init: init };
    features.push(f);
    if (document.readyState !== 'loading') runFeature(f);
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () {
      features.forEach(runFeature);
    });
  }
})();

/* ==========================================================================
   Feature: sortable tables
   Every <table class="sortable">: clicking a header cell (or Enter/Space
   when it has focus) sorts the body rows by that column. Key = the cell's
   data-sort attribute, else its trimmed text. Headers with class "no-sort"
   are left alone. Rows tied together by rowspan move as one group.
   ========================================================================== */
(function () {
  'use strict';

  var Clausebook = window.Clausebook;
  var DOTTED = /^v?\d+(?:\.\d+)*$/i;        // 42, 4.10.2, v1.3
  var PERCENT = /^-?\d+(?:\.\d+)?\s*%$/;   // 87%, 12.5 %
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/;
  var EMPTY = /^[\s\-\u2013\u2014]*$/;      // "", "-", "–", "—" placeholders
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  /* ---- Key comparison (ascending; empty handling is done by the caller) */
  function compareDotted(a, b) {
    var pa = a.replace(/^v/i, '').split('.');
    var pb = b.replace(/^v/i, '').split('.');
    var n = Math.min(pa.length, pb.length);
    for (var i = 0; i < n; i++) {
      var d = parseInt(pa[i], 10) - parseInt(pb[i], 10);
      if (d !== 0) return d;
    }
    return pa.length - pb.length;            // "4.1" before "4.1.1"
  }

  function compareKeys(a, b) {
    if (DOTTED.test(a) && DOTTED.test(b)) return compareDotted(a, b);
    if (PERCENT.test(a) && PERCENT.test(b)) return parseFloat(a) - parseFloat(b);
    if (ISO_DATE.test(a) && ISO_DATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
    return collator.compare(a, b);
  }
  Clausebook.compareKeys = compareKeys;      // exposed for other features/tests

  /* ---- Table geometry helpers ------------------------------------------ */
  // Visual column index of a cell, accounting for colspan of earlier cells.
  function columnIndex(cell) {
    var idx = 0;
    for (var c = cell.previousElementSibling; c; c = c.previousElementSibling) {
      idx += c.colSpan || 1;
    }
    return idx;
  }

  // Cell of a row covering visual column `col` (null if the row is short).
  function cellAt(row, col) {
    var idx = 0;
    for (var i = 0; i < row.cells.length; i++) {
      idx += row.cells[i].colSpan || 1;
      if (idx > col) return row.cells[i];
    }
    return null;
  }

  function sortKey(cell) {
    if (!cell) return '';
    var k = cell.getAttribute('data-sort');
    return (k !== null ? k : cell.textContent).replace(/\s+/g, ' ').trim();
  }

  // Split a tbody into groups: a row plus the rows its rowspans cover.
  // `skip` is a header row living in the tbody (tables without <thead>).
  function rowGroups(tbody, skip) {
    var groups = [];
    var pending = 0;                         // rows still covered by a rowspan
    Array.prototype.forEach.call(tbody.rows, function (row) {
      if (row === skip) return;
      if (pending > 0 && groups.length) {
        groups[groups.length - 1].rows.push(row);
        pending--;
      } else {
        groups.push({ rows: [row], index: groups.length });
        pending = 0;
      }
      Array.prototype.forEach.call(row.cells, function (c) {
        pending = Math.max(pending, (c.rowSpan || 1) - 1);
      });
    });
    return groups;
  }

  /* ---- Sorting ---------------------------------------------------------- */
  function sortTable(table, th, headers) {
    var headerRow = th.parentNode;
    var descending = th.getAttribute('aria-sort') === 'ascending';
    var col = columnIndex(th);
    var dir = descending ? -1 : 1;

    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      var groups = rowGroups(tbody, headerRow);
      groups.forEach(function (g) {
        g.key = sortKey(cellAt(g.rows[0], col));
        g.empty = EMPTY.test(g.key);
      });
      groups.sort(function (a, b) {
        if (a.empty !== b.empty) return a.empty ? 1 : -1;   // empties always last
        var c = a.empty ? 0 : compareKeys(a.key, b.key) * dir;
        return c !== 0 ? c : a.index - b.index;             // stable
      });
      var frag = document.createDocumentFragment();
      groups.forEach(function (g) {
        g.rows.forEach(function (r) { frag.appendChild(r); });
      });
      tbody.appendChild(frag);
    });

    headers.forEach(function (h) { if (h !== th) h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }

  /* ---- Wiring ----------------------------------------------------------- */
  // Header cells that control sorting: last row of <thead>, or a first row
  // made only of <th> when the table has no <thead>.
  function headerCells(table) {
    var row = null;
    if (table.tHead && table.tHead.rows.length) {
      row = table.tHead.rows[table.tHead.rows.length - 1];
    } else if (table.rows.length) {
      row = table.rows[0];
      for (var i = 0; i < row.cells.length; i++) {
        if (row.cells[i].tagName !== 'TH') return [];
      }
    }
    if (!row) return [];
    return Array.prototype.filter.call(row.cells, function (c) {
      return c.tagName === 'TH' && !c.classList.contains('no-sort');
    });
  }

  function setup(table) {
    var headers = headerCells(table);
    headers.forEach(function (th) {
      // Keep the native columnheader role (role="button" would hide it from
      // table navigation); aria-sort conveys the state, a title the action.
      th.tabIndex = 0;
      if (!th.title) th.title = 'Sort by ' + th.textContent.trim();
      th.addEventListener('click', function (e) {
        if (e.target.closest && e.target.closest('a, button, input, select')) return;
        sortTable(table, th, headers);
      });
      th.addEventListener('keydown', function (e) {
        if (e.target !== th) return;
        if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
          e.preventDefault();                // Space would scroll the page
          sortTable(table, th, headers);
        }
      });
    });
  }

  Clausebook.feature('sortable-tables', function (doc) {
    Array.prototype.forEach.call(doc.querySelectorAll('table.sortable'), setup);
  });
})();

/* ==========================================================================
   Feature: search (reserved)
   The search module will be added here as another Clausebook.feature(...)
   block driving form.search / .search-input / .search-results.
   ========================================================================== */

/* ==========================================================================
   Feature: matrix navigation
   On a matrix page (table.matrix-page): shows the filter bar (coverage
   state of the clause read from, and top-level clause), and a button on
   each top-level clause's row that folds its subclauses away. Rows carry
   data-clause, data-group and data-state; the rows of one clause move
   together. Informative clauses are folded by CSS until the
   "show-informative" box is ticked, which works without this script.
   ========================================================================== */
(function () {
  'use strict';

  function setup(doc, table) {
    var bar = doc.querySelector('.matrix-filter');
    if (!bar) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var state = bar.querySelector('[data-filter="state"]');
    var group = bar.querySelector('[data-filter="group"]');
    var count = bar.querySelector('.matrix-count');
    var folded = {};

    function apply() {
      var shown = {};
      var total = {};
      rows.forEach(function (r) {
        var c = r.getAttribute('data-clause');
        var g = r.getAttribute('data-group');
        var s = r.getAttribute('data-state');
        var hide = (state.value && s !== state.value) ||
          (group.value && g !== group.value) ||
          (folded[g] && c !== g);
        r.hidden = !!hide;
        total[c] = true;
        if (!hide) shown[c] = true;
      });
      count.textContent = Object.keys(shown).length + ' of ' + Object.keys(total).length + ' clauses';
    }

    rows.forEach(function (r) {
      var c = r.getAttribute('data-clause');
      var th = r.querySelector('th[scope="row"]');
      if (!th || c !== r.getAttribute('data-group')) return;
      var hasSub = rows.some(function (o) {
        return o.getAttribute('data-group') === c && o.getAttribute('data-clause') !== c;
      });
      if (!hasSub) return;
      var b = doc.createElement('button');
      b.type = 'button';
      b.className = 'group-toggle';
      b.setAttribute('aria-expanded', 'true');
      b.setAttribute('aria-label', 'Fold the subclauses of ' + c);
      b.textContent = '▾';
      b.addEventListener('click', function () {
        folded[c] = !folded[c];
        b.setAttribute('aria-expanded', folded[c] ? 'false' : 'true');
        b.textContent = folded[c] ? '▸' : '▾';
        apply();
      });
      th.insertBefore(b, th.firstChild);
    });
    state.addEventListener('change', apply);
    group.addEventListener('change', apply);
    bar.hidden = false;
    apply();
  }

  Clausebook.feature('matrix-navigation', function (doc) {
    var table = doc.querySelector('table.matrix-page');
    if (table) setup(doc, table);
  });
})();

/* ==========================================================================
   Feature: contents highlight
   On a document page, the entry of the contents (nav.toc) for the section
   being read is marked (class "current", aria-current="location") while
   scrolling. Without script the contents are plain links.
   ========================================================================== */
(function () {
  'use strict';
  if (!window.Clausebook || !window.Clausebook.feature) return;
  window.Clausebook.feature('toc-highlight', function (doc) {
    var toc = doc.querySelector('nav.toc');
    if (!toc) return;
    var links = [];
    Array.prototype.forEach.call(toc.querySelectorAll('a[href^="#"]'), function (a) {
      var id = decodeURIComponent(a.getAttribute('href').slice(1));
      var h = id && doc.getElementById(id);
      if (h) links.push({ a: a, h: h });
    });
    if (!links.length) return;
    var current = null;
    function update() {
      // The last heading above the top fifth of the window is being read.
      var line = window.innerHeight / 5;
      var found = links[0];
      for (var i = 0; i < links.length; i++) {
        if (links[i].h.getBoundingClientRect().top <= line) found = links[i];
        else break;
      }
      if (found === current) return;
      if (current) {
        current.a.classList.remove('current');
        current.a.removeAttribute('aria-current');
      }
      current = found;
      current.a.classList.add('current');
      current.a.setAttribute('aria-current', 'location');
    }
    var pending = false;
    window.addEventListener('scroll', function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; update(); });
    }, { passive: true });
    update();
  });
})();

/* ==========================================================================
   Feature: colour scheme toggle
   The header's button cycles automatic (the system's choice, the default)
   → light → dark, remembered in localStorage. It works by changing the
   media of the dark palette's stylesheet (link#dark-palette). Without
   script the button stays hidden and the system decides.
   ========================================================================== */
(function () {
  'use strict';
  var KEY = 'clausebook-theme';
  var AUTO = 'screen and (prefers-color-scheme: dark)';
  var MEDIA = { auto: AUTO, light: 'not all', dark: 'screen' };
  var LABEL = {
    auto: 'Colour scheme: automatic (follows the system)',
    light: 'Colour scheme: light',
    dark: 'Colour scheme: dark'
  };
  function stored() {
    try { return localStorage.getItem(KEY) || 'auto'; } catch (e) { return 'auto'; }
  }
  function apply(mode) {
    var link = document.getElementById('dark-palette');
    if (!MEDIA[mode]) mode = 'auto';
    if (link) link.media = MEDIA[mode];
    document.documentElement.setAttribute('data-theme', mode);
    return mode;
  }
  // As early as the script runs, before the page shows for long.
  apply(stored());
  if (!window.Clausebook || !window.Clausebook.feature) return;
  window.Clausebook.feature('theme-toggle', function (doc) {
    var button = doc.querySelector('.theme-toggle');
    if (!button) return;
    var order = ['auto', 'light', 'dark'];
    function show(mode) {
      button.setAttribute('aria-label', LABEL[mode]);
      button.title = LABEL[mode];
      button.setAttribute('data-mode', mode);
    }
    show(apply(stored()));
    button.hidden = false;
    button.addEventListener('click', function () {
      var next = order[(order.indexOf(stored()) + 1) % order.length];
      try { localStorage.setItem(KEY, next); } catch (e) { /* file:// without storage: this page only */ }
      show(apply(next));
      if (stored() !== next) show(apply(next));
    });
  });
})();
