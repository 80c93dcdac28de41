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

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TOTAL_MS = 120000;

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.out || !args.page || !args.review) {
  console.error('usage: node history.test.js --out OUT --page PAGE --review YYYY-MM-DD');
  process.exit(2);
}

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log('ok      ' + name);
  } catch (e) {
    failed++;
    console.log('FAILED  ' + name + ': ' + (e && e.message ? e.message : String(e)).split('\n')[0]);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const deadline = setTimeout(() => {
  console.log('FAILED  the history test took longer than ' + TOTAL_MS / 1000 + ' s');
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  process.exit(1);
}, TOTAL_MS);

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
  await page.goto('file://' + path.join(path.resolve(args.out), args.page), { waitUntil: 'load' });
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
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
    clearTimeout(deadline);
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.log('FAILED  ' + (e && e.stack ? e.stack : e));
  console.log(passed + ' passed, ' + (failed + 1) + ' failed');
  process.exit(1);
});
