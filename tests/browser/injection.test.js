#!/usr/bin/env node
/*
 * Browser test of the raw-HTML sanitizer: no script from a document runs.
 *
 * Opens the page of the attack document (tests/fixtures/injection/attacks,
 * document ATK-1) of each given output folder from file:// in headless
 * Chromium (Debian's /usr/bin/chromium, or $CHROMIUM_PATH), lets every
 * payload have its chance (load, error and toggle events fire by themselves;
 * the test also hovers and focuses every element and follows every
 * `javascript:` link), then reads what the payloads would have changed:
 * `window.__pwned` and `document.title`. It also inspects the DOM as the
 * browser built it: no `on*` attribute and no script URL in the document
 * body.
 *
 *   --safe DIR     an output built with `raw_html = "sanitize"` or
 *                  `"escape"`: nothing may run
 *   --unsafe DIR   an output built with `raw_html = "trust"`: the payloads
 *                  must run (proof that this test can see them)
 *
 * Usage (normally run by `cargo test --test injection browser`):
 *   node injection.test.js --safe OUT [--safe OUT2] --unsafe OUT3
 * Prints one line per check and ends with "N passed, N failed".
 */
'use strict';

const path = require('path');
const h = require('./harness');
const { check, assert } = h;

const PAGE = 'documents/atk-1/index.html';

const safe = [];
const unsafe = [];
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (flag === '--safe' && value) safe.push(value);
  else if (flag === '--unsafe' && value) unsafe.push(value);
  else {
    console.error('usage: node injection.test.js --safe OUT [--safe OUT2] [--unsafe OUT3]');
    process.exit(2);
  }
}

h.deadline('the injection test', 120000);

/** Open the attack page of `out`, give every payload its chance, report what ran. */
async function probe(context, out) {
  const page = await context.newPage();
  await page.goto(h.fileUrl(out, PAGE), { waitUntil: 'load' });
  // Hover and focus every element of the body.
  await page.evaluate(async () => {
    for (const el of document.querySelectorAll('.doc-body *')) {
      el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      if (typeof el.focus === 'function') el.focus();
    }
    await new Promise((r) => setTimeout(r, 300));
  });
  const found = await page.evaluate(() => {
    const body = document.querySelector('.doc-body');
    const handlers = [];
    const urls = [];
    for (const el of body.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) handlers.push(el.localName + '[' + name + ']');
        if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc'].includes(name)) {
          const v = attr.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
          if (/^(javascript|vbscript|data:text)/.test(v) || name === 'srcdoc') urls.push(el.localName + '[' + name + ']=' + attr.value);
        }
      }
    }
    const scripts = [...body.querySelectorAll('script, iframe, object, embed')].map((e) => e.localName);
    return { pwned: window.__pwned, title: document.title, handlers, urls, scripts };
  });
  // Follow every javascript: link (one that runs may replace the page).
  if (found.pwned === undefined) {
    try {
      await page.evaluate(() => {
        for (const a of document.querySelectorAll('.doc-body a[href]')) {
          if (a.protocol === 'javascript:') a.click();
        }
      });
      await page.waitForTimeout(300);
      found.pwned = await page.evaluate(() => window.__pwned);
    } catch (e) {
      found.pwned = 'a javascript: link replaced the page';
    }
  }
  await page.close();
  return found;
}

(async () => {
  const { context, close } = await h.launchWithProfile({});
  try {
    for (const out of safe) {
      const f = await probe(context, out);
      const name = path.basename(path.resolve(out));
      await check(name + ': no payload ran', async () => {
        assert(f.pwned === undefined, 'window.__pwned = ' + JSON.stringify(f.pwned));
        assert(!/PWNED/.test(f.title), 'document.title = ' + f.title);
      });
      await check(name + ': no event handler in the document body', async () => {
        assert(f.handlers.length === 0, f.handlers.join(', '));
      });
      await check(name + ': no script URL, script, frame or plugin in the document body', async () => {
        assert(f.urls.length === 0 && f.scripts.length === 0, f.urls.concat(f.scripts).join(', '));
      });
    }
    for (const out of unsafe) {
      const f = await probe(context, out);
      await check(path.basename(path.resolve(out)) + ': the payloads run when raw HTML is trusted', async () => {
        assert(f.pwned !== undefined, 'window.__pwned is not set: the probe would not see a payload run');
      });
    }
  } finally {
    await close();
  }
  h.finish();
})().catch(h.finish);
