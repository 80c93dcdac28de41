#!/usr/bin/env node
/*
 * Page-weight benchmark: opens each kind of page of a built site in
 * headless Chromium from file:// and prints, per page, its size, its load
 * time (median of RUNS loads, navigation start to the end of the load
 * event) and its DOM nodes; then the largest HTML files of the whole site.
 * Run by benches/pages.sh, which builds the corpus first:
 *   node benches/pages.js OUTPUT_FOLDER [LABEL]
 * Needs playwright-core (tests/browser/node_modules) and /usr/bin/chromium
 * (or $CHROMIUM_PATH).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const { chromium } = require(path.join(root, 'tests/browser/node_modules/playwright-core'));

const out = path.resolve(process.argv[2]);
const label = process.argv[3] || '';
const RUNS = Number(process.env.RUNS || 3);
const read = (rel) => fs.readFileSync(path.join(out, rel), 'utf8');
const exists = (rel) => fs.existsSync(path.join(out, rel));

// The page of each kind a person opens; for lists, the longest one.
function pages() {
  const list = [['register', 'index.html']];
  if (exists('page/2/index.html')) list.push(['register, page 2', 'page/2/index.html']);
  const biggest = (dir) => {
    if (!exists(dir)) return null;
    let best = null;
    for (const d of fs.readdirSync(path.join(out, dir))) {
      const p = `${dir}/${d}/index.html`;
      if (!exists(p)) continue;
      const pages = exists(`${dir}/${d}/page`) ? fs.readdirSync(path.join(out, dir, d, 'page')).length + 1 : 1;
      const size = fs.statSync(path.join(out, p)).size;
      const key = pages * 1e9 + size;
      if (!best || key > best[0]) best = [key, p];
    }
    return best && best[1];
  };
  for (const [name, dir] of [['kind listing', 'kinds'], ['tag listing', 'tags']]) {
    const p = biggest(dir);
    if (p) list.push([`${name} (${p.split('/')[1]})`, p]);
  }
  list.push(['kinds index', 'kinds/index.html'], ['tags index', 'tags/index.html']);
  // The clause with the most documents, from the coverage exports.
  let top = null;
  for (const f of fs.readdirSync(path.join(out, 'exports')).filter((f) => /^coverage-.*\.json$/.test(f))) {
    const cov = JSON.parse(read(`exports/${f}`));
    const slug = f.replace(/^coverage-/, '').replace(/\.json$/, '');
    for (const c of cov.clauses) {
      if (!top || c.documents.length > top[0]) top = [c.documents.length, slug, c.clause];
    }
    list.push([`coverage dashboard (${slug})`, `standards/${slug}/coverage/index.html`]);
    list.push([`standard clause tree (${slug})`, `standards/${slug}/index.html`]);
  }
  if (top) {
    list.push([`clause page (${top[2]}, ${top[0]} documents)`, `standards/${top[1]}/${top[2]}/index.html`]);
    const p2 = `standards/${top[1]}/${top[2]}/page/2/index.html`;
    if (exists(p2)) list.push(['clause documents, page 2', p2]);
  }
  for (const m of fs.readdirSync(path.join(out, 'matrix')).filter((d) => exists(`matrix/${d}/index.html`))) {
    list.push([`matrix ${m}`, `matrix/${m}/index.html`]);
    list.push(['matrix, reverse', `matrix/${m}/reverse/index.html`]);
    list.push(['matrix grid', `matrix/${m}/grid/index.html`]);
  }
  list.push(['matrices index', 'matrix/index.html'], ['exclusions', 'exclusions/index.html'], ['search page', 'search/index.html']);
  const docs = fs.readdirSync(path.join(out, 'documents')).sort();
  list.push([`document page (${docs[0]})`, `documents/${docs[0]}/index.html`]);
  return list.filter(([, p]) => exists(p));
}

function htmlFiles(dir, rel = '') {
  const found = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) found.push(...htmlFiles(path.join(dir, e.name), r));
    else if (e.name.endsWith('.html')) found.push([r, fs.statSync(path.join(dir, e.name)).size]);
  }
  return found;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true });
  const context = await browser.newContext();
  const rows = [];
  for (const [name, rel] of pages()) {
    const times = [];
    let nodes = 0;
    for (let i = 0; i < RUNS; i++) {
      const page = await context.newPage();
      await page.goto('file://' + path.join(out, rel), { waitUntil: 'load', timeout: 60000 });
      const t = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        return n.loadEventEnd - n.startTime;
      });
      times.push(t);
      nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      await page.close();
    }
    rows.push({ name, rel, size: fs.statSync(path.join(out, rel)).size, ms: median(times), min: Math.min(...times), max: Math.max(...times), nodes });
  }
  await browser.close();
  console.log(`\n${label}: ${out}`);
  console.log('| page | size | load (median, range) | DOM nodes |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.name} | ${kb(r.size)} | ${(r.ms / 1000).toFixed(2)} s (${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)}) | ${r.nodes} |`);
  }
  const all = htmlFiles(out).sort((a, b) => b[1] - a[1]);
  const over = all.filter(([, s]) => s > 1024 * 1024).length;
  console.log(`\n${all.length} HTML pages; ${over} over 1 MB; the largest: ${all.slice(0, 5).map(([r, s]) => `${r} ${kb(s)}`).join(', ')}`);
  const slow = rows.filter((r) => r.ms >= 1000).length;
  console.log(`${slow} page kinds load in 1 s or more`);
})().catch((e) => { console.error(e); process.exit(1); });
