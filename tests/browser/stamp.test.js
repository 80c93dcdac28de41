#!/usr/bin/env node
/*
 * Browser test of the publication stamp under `clausebook serve`: the
 * footer of an open page shows the revision from theme/stamp.js, and
 * follows the repository while the page stays open (an edit, a commit).
 *
 * The Rust test (tests/serve_history.rs) serves a repository, runs this
 * script, and drives it through stdin, one command per line:
 *
 *   EXPECT <text>   wait (live reload included) until the footer's stamp
 *                   contains <text>, then print `STAMP <footer text>`
 *   ABSENT <text>   the same, until the stamp no longer contains <text>
 *   END             check that no console error was seen, and finish
 *
 * The script prints `STAMP <footer text>` once the page first shows a
 * stamp, so that the Rust side knows the page is open before it changes
 * the repository.
 *
 *   --url URL       the served page (e.g. http://127.0.0.1:PORT/documents/x/)
 *
 * Usage: node stamp.test.js --url URL < commands
 * Prints one line per check and ends with "N passed, N failed".
 */
'use strict';

const readline = require('readline');
const h = require('./harness');
const { check, assert } = h;

const args = h.args(['url'], 'node stamp.test.js --url URL < commands');
h.deadline('the stamp test', 240000);
const WAIT_MS = 90000;

/** The footer's stamp text, once the page's script has written it. */
async function stampText(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-live-stamp] .stamp-text');
    return el && /from revision/.test(el.textContent);
  }, null, { timeout: WAIT_MS });
  return page.$eval('[data-live-stamp] .stamp-text', (e) => e.textContent);
}

/** Wait until the footer's stamp satisfies `want` (reloads included). */
async function waitStamp(page, want) {
  const start = Date.now();
  for (;;) {
    let text = null;
    try {
      text = await stampText(page);
    } catch (e) {
      // The page is reloading: ask again.
    }
    if (text !== null && want(text)) return text;
    if (Date.now() - start > WAIT_MS) throw new Error('the stamp still reads: ' + text);
    await new Promise((r) => setTimeout(r, 100));
  }
}

(async () => {
  const browser = await h.launch();
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.type() + ': ' + msg.text());
  });
  page.on('pageerror', (err) => problems.push('page error: ' + err.message));
  // The live-reload poll of `clausebook serve` is pending by design and
  // aborted by each reload: that is not a failure.
  page.on('requestfailed', (req) => {
    const why = req.failure() ? req.failure().errorText : '';
    if (req.url().includes('/__clausebook/reload') && /ERR_ABORTED/.test(why)) return;
    problems.push('request failed: ' + req.url() + ' ' + why);
  });
  await page.goto(args.url, { waitUntil: 'load' });
  await check('the served page shows a stamp in its footer', async () => {
    const text = await stampText(page);
    console.log('STAMP ' + text.replace(/\s+/g, ' '));
  });
  // Let the page's first live-reload poll reach the server.
  await page.waitForTimeout(300);

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [cmd, ...rest] = line.split(' ');
    const text = rest.join(' ');
    if (cmd === 'EXPECT' || cmd === 'ABSENT') {
      await check('the footer ' + (cmd === 'EXPECT' ? 'shows' : 'no longer shows') + ' "' + text + '"', async () => {
        const seen = await waitStamp(page, (t) => t.includes(text) === (cmd === 'EXPECT'));
        console.log('STAMP ' + seen.replace(/\s+/g, ' '));
      });
    } else if (cmd === 'END') {
      break;
    }
  }
  await check('no console error or warning', async () => {
    assert(problems.length === 0, problems.join(' | '));
  });
  await browser.close();
  h.finish();
})().catch((e) => h.finish(e));
