#!/usr/bin/env node
/*
 * Browser test of theme/history.js: review dates checked when the page is
 * viewed, and the print date of "Uncontrolled when printed".
 *
 * Opens a document page of a site built with [history] from file:// in
 * headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM_PATH) with
 * the browser's clock set to given days, and reads the review notice:
 *
 *   --out DIR       the output folder
 *   --page PATH     the document page, relative to DIR; its review date
 *                   is --review, and it was not overdue when built
 *   --review DATE   that review date (YYYY-MM-DD)
 *
 * Usage (normally run by `cargo test --test history_site browser`):
 *   node history.test.js --out OUT --page documents/x/index.html --review 2027-06-01
 * Prints one line per check and ends with "N passed, N failed".
 */
'use strict';

const h = require('./harness');
const { check, assert } = h;

const args = h.args(['out', 'page', 'review'], 'node history.test.js --out OUT --page PAGE --review YYYY-MM-DD');
h.deadline('the history test', 120000);

/** A day `n` days after `iso`. */
function plus(iso, n) {
  const d = new Date(iso + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The review notice of the page seen on day `day` (null: hidden). */
async function notice(browser, day, javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled });
  // The browser's clock: "now" is noon of `day`, local time.
  await context.addInitScript(`{
    const fixed = new Date('${day}T12:00:00').getTime();
    const D = Date;
    class Fixed extends D {
      constructor(...a) { if (a.length === 0) super(fixed); else super(...a); }
      static now() { return fixed; }
    }
    window.Date = Fixed;
  }`);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(h.fileUrl(args.out, args.page), { waitUntil: 'load' });
  const r = await page.evaluate(() => {
    const n = document.querySelector('.review-live');
    const p = document.querySelector('.print-date');
    return {
      exists: !!n,
      shown: !!n && !n.hidden,
      text: n ? n.textContent : '',
      state: n ? n.getAttribute('data-state') : null,
      printDate: p ? p.textContent : null,
    };
  });
  await context.close();
  if (errors.length) throw new Error('page errors: ' + errors.join('; '));
  return r;
}

(async () => {
  const browser = await h.launch();
  try {
    const review = args.review;
    const early = plus(review, -90);
    await check('long before the review date nothing is flagged', async () => {
      const r = await notice(browser, early, true);
      assert(r.exists, 'no .review-live element on the page');
      assert(!r.shown, 'shown: ' + r.text);
      assert(r.printDate === early, 'print date ' + r.printDate + ', expected ' + early);
    });
    await check('within 30 days of the review date it is flagged as due', async () => {
      const r = await notice(browser, plus(review, -10), true);
      assert(r.shown && r.state === 'due', JSON.stringify(r));
      assert(r.text.includes('is due on ' + review), r.text);
    });
    await check('after the review date it is flagged as overdue since publication', async () => {
      const r = await notice(browser, plus(review, 30), true);
      assert(r.shown && r.state === 'overdue', JSON.stringify(r));
      assert(r.text.includes('was due on ' + review) && r.text.includes('since this page was published'), r.text);
    });
    await check('without JavaScript the build-time state stays (no notice)', async () => {
      const r = await notice(browser, plus(review, 30), false);
      assert(r.exists && !r.shown, JSON.stringify(r));
    });
  } finally {
    await browser.close();
  }
  h.finish();
})().catch(h.finish);
