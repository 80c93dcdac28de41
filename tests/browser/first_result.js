#!/usr/bin/env node
/*
 * Time to the first result and bytes loaded for a first query, from a fresh
 * page in headless Chromium, for Clausebook's search box and for Pagefind
 * on the same built site (benches/search_compare.sh; not a test).
 *
 * Usage: node first_result.js --out BUILT_OUTPUT --query Q [--pagefind DIR_NAME]
 * Serves BUILT_OUTPUT over HTTP on 127.0.0.1 (files as they are, gzip when
 * the browser asks for it, as a web server would) and prints JSON:
 * {clausebook: {ms, bytes, wire, files}, pagefind: {…}} (ms: from the
 * query typed to the first result shown; bytes: raw body bytes of the
 * search files; wire: bytes sent, compressed).
 */
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const out = path.resolve(args.out);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** path → [raw bytes, bytes sent] of each search file served. */
const served = new Map();

function server() {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (p.endsWith('/')) p += 'index.html';
      const file = path.join(out, p);
      if (!file.startsWith(out) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404); res.end(); return;
      }
      let body = fs.readFileSync(file);
      const raw = body.length;
      const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' };
      if (/gzip/.test(req.headers['accept-encoding'] || '') && TYPES[path.extname(file)]) {
        body = zlib.gzipSync(body, { level: 6 });
        headers['Content-Encoding'] = 'gzip';
      }
      if (p.startsWith('/search/') || p.startsWith('/' + (args.pagefind || 'pagefind') + '/')) served.set(p, [raw, body.length]);
      res.writeHead(200, headers);
      res.end(body);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

function total() {
  let bytes = 0, wire = 0;
  for (const [, v] of served) { bytes += v[0]; wire += v[1]; }
  return { bytes, wire, files: served.size };
}

(async () => {
  const srv = await server();
  const base = 'http://127.0.0.1:' + srv.address().port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'clausebook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const result = {};
  try {
    // Clausebook: the header box of the home page.
    let page = await context.newPage();
    await page.goto(base + '/index.html');
    served.clear();
    let t0 = Date.now();
    await page.fill('#search-input', args.query);
    await page.waitForSelector('.search-results li[role="option"]:not(.all)', { timeout: 60000 });
    result.clausebook = Object.assign({ ms: Date.now() - t0 }, total());
    await page.close();
    if (args.pagefind) {
      page = await context.newPage();
      await page.goto(base + '/index.html');
      served.clear();
      t0 = Date.now();
      const first = await page.evaluate(async ([dir, q]) => {
        const pf = await import('/' + dir + '/pagefind.js');
        const r = await pf.search(q);
        if (!r.results.length) return null;
        return (await r.results[0].data()).url;
      }, [args.pagefind, args.query]);
      result.pagefind = Object.assign({ ms: Date.now() - t0, first }, total());
      await page.close();
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    srv.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
