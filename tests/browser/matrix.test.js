#!/usr/bin/env node
/*
 * Browser test of a matrix page's navigation (issue 18 item 10), opened from
 * file:// in headless Chromium: informative clauses folded until the box
 * is ticked, the filter by coverage state and by top-level clause, the
 * fold buttons of the clause groups, and the header row and clause column
 * that stay in view while the table scrolls.
 *
 * Usage (run by `cargo test --test browser matrix`):
 *   node matrix.test.js --out BUILT_OUTPUT --page matrix/<slug>/index.html
 * Prints one line per check and ends with "N passed, N failed".
 */
'use strict';

const h = require('./harness');
const check = h.expect;

const args = h.args(['out', 'page'], 'node matrix.test.js --out BUILT_OUTPUT --page matrix/<slug>/index.html');

// Visible rows as [clause, group, state].
const visible = (page) => page.$$eval('table.matrix-page tbody tr', (rows) => rows
  .filter((r) => r.getClientRects().length > 0)
  .map((r) => [r.dataset.clause, r.dataset.group, r.dataset.state]));

(async () => {
  h.deadline('the matrix test', 120000);
  const browser = await h.launch();
  const page = await browser.newPage({ viewport: { width: 520, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(h.fileUrl(args.out, args.page), { waitUntil: 'load' });

  const all = await page.$$eval('table.matrix-page tbody tr', (rows) => rows.map((r) => [r.dataset.clause, r.dataset.group, r.dataset.state]));
  let rows = await visible(page);
  const informative = all.filter((r) => r[2] === 'informative').length;
  check('informative clauses are folded by default', informative > 0 && rows.every((r) => r[2] !== 'informative'),
    `${informative} informative rows, visible states ${[...new Set(rows.map((r) => r[2]))]}`);
  await page.check('#show-informative');
  rows = await visible(page);
  check('the box shows them', rows.filter((r) => r[2] === 'informative').length === informative, `${rows.length} rows`);
  await page.uncheck('#show-informative');

  check('the filter bar is shown', await page.isVisible('.matrix-filter'), 'hidden');
  const states = [...new Set(all.map((r) => r[2]).filter((s) => s && s !== 'informative'))];
  const state = states.find((s) => s !== 'full') || states[0];
  await page.selectOption('[data-filter="state"]', state);
  rows = await visible(page);
  check(`the state filter keeps only "${state}" clauses`, rows.length > 0 && rows.every((r) => r[2] === state),
    JSON.stringify(rows.slice(0, 5)));
  const count = await page.textContent('.matrix-count');
  check('the count says how many clauses are shown', /^\d+ of \d+ clauses$/.test(count) && !count.startsWith('0 '), count);
  await page.selectOption('[data-filter="state"]', '');
  const group = all.find((r) => r[2] !== 'informative' && r[0] !== r[1])[1];
  await page.selectOption('[data-filter="group"]', group);
  rows = await visible(page);
  check(`the clause filter keeps only clause ${group} and its subclauses`, rows.length > 1 && rows.every((r) => r[1] === group),
    JSON.stringify(rows.slice(0, 5)));
  await page.selectOption('[data-filter="group"]', '');

  const toggle = await page.$(`tr[data-clause="${group}"] button.group-toggle`);
  check(`clause ${group} has a fold button`, !!toggle, 'none');
  if (toggle) {
    await toggle.click();
    rows = await visible(page);
    const inGroup = rows.filter((r) => r[1] === group);
    check('folding hides the subclauses and keeps the clause', inGroup.length > 0 && inGroup.every((r) => r[0] === group),
      JSON.stringify(inGroup));
    check('the button says it is folded', (await toggle.getAttribute('aria-expanded')) === 'false', 'aria-expanded');
    await toggle.click();
    rows = await visible(page);
    check('unfolding shows them again', rows.filter((r) => r[1] === group).length > 1, 'still folded');
  }

  const stuck = await page.$eval('.matrix-wrap', (wrap) => {
    wrap.scrollTop = 3000;
    wrap.scrollLeft = 3000;
    const w = wrap.getBoundingClientRect();
    const head = wrap.querySelector('thead th:last-child').getBoundingClientRect();
    const rowHeads = [...wrap.querySelectorAll('tbody th[scope="row"]')]
      .filter((th) => th.getClientRects().length > 0)
      .map((th) => th.getBoundingClientRect())
      .filter((r) => r.bottom > w.top + 40 && r.top < w.bottom);
    return { scrolled: wrap.scrollTop > 0 && wrap.scrollLeft > 0, headTop: head.top - w.top, firstLeft: rowHeads.length ? rowHeads[0].left - w.left : null };
  });
  check('the table scrolls inside its frame', stuck.scrolled, JSON.stringify(stuck));
  check('the header row stays at the top', Math.abs(stuck.headTop) <= 2, JSON.stringify(stuck));
  check('the clause column stays at the left', stuck.firstLeft !== null && Math.abs(stuck.firstLeft) <= 2, JSON.stringify(stuck));
  check('no script error', errors.length === 0, errors.join('; '));
  await browser.close();
  h.finish();
})().catch(h.finish);
