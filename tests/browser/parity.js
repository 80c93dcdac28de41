#!/usr/bin/env node
/*
 * The browser's engine, for tests/search_parity.rs: opens the built site's
 * search page from file:// in headless Chromium (playwright-core), and runs
 * queries through theme/search.js's ShardEngine there, which loads the
 * static index's shards with <script> tags as the search box does.
 *
 * Usage: node parity.js --out BUILT_OUTPUT --queries QUERIES_JSON
 *   QUERIES_JSON  a file holding [[query, mode], …] (mode "strict" or "live")
 * Prints a JSON array, per query: {error} or {total, ids: [every match, best
 * first], scores, clauses: [[number, standard], …], where: [label of the
 * first five], kinds: the kind facet, [[kind, count], …]}.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.out || !args.queries) {
  console.error('usage: node parity.js --out BUILT_OUTPUT --queries QUERIES_JSON');
  process.exit(2);
}
const queries = JSON.parse(fs.readFileSync(args.queries, 'utf8'));

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'clausebook-chromium-'));
  let context = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + path.resolve(args.out) + '/search/index.html');
    await page.waitForFunction(() => window.ClausebookSearch && window.ClausebookSearch.ShardEngine);
    const out = await page.evaluate(async (queries) => {
      // The root script, as the search box loads it.
      await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '../search/index.js';
        s.onload = resolve;
        s.onerror = () => reject(new Error('search/index.js does not load'));
        document.head.appendChild(s);
      });
      const engine = new window.ClausebookSearch.ShardEngine(window.CLAUSEBOOK_SEARCH, '../search/');
      const answers = [];
      for (const [q, mode] of queries) {
        const res = await new Promise((resolve) => engine.search(q, 100000, resolve, mode));
        const kinds = res.error || !res.hits ? [] :
          (await new Promise((resolve) => engine.facets(res.hits, resolve))).kinds;
        answers.push(res.error ? { error: res.error } : {
          total: res.total,
          ids: res.results.map((r) => r.id),
          scores: res.results.map((r) => r.score),
          clauses: (res.clauses || []).map((c) => [c.number, c.standard]),
          where: res.results.slice(0, 5).map((r) => (r.where ? r.where.label : null)),
          kinds: kinds,
        });
      }
      return answers;
    }, queries);
    if (errors.length) throw new Error('errors in the page: ' + errors.join('; '));
    process.stdout.write(JSON.stringify(out));
  } catch (e) {
    console.error(e && e.stack || e);
    process.exitCode = 1;
  } finally {
    if (context) await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})();
