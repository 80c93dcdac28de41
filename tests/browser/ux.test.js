#!/usr/bin/env node
/*
 * Browser test of the navigation and the small things of the pages, on the
 * example site's output opened from file:// in headless Chromium (Debian's
 * /usr/bin/chromium, or $CHROMIUM_PATH):
 *
 * - a document page marks the contents entry of the section being read;
 * - the standard's clause outline folds and unfolds (details/summary);
 * - clause pages link the previous and next clause;
 * - the colour scheme toggle switches the palette (automatic stays default);
 * - the retired and review banners draw their icon as an SVG mask;
 * - on a phone the document's text comes before its metadata box;
 * - links to pages among the downloads do not carry the download arrow;
 * - no console error on any page visited.
 *
 * It also saves screenshots of the main pages at desktop and phone widths
 * into the --shots folder (for review; `cargo test` writes them to
 * target/screenshots/).
 *
 * Usage: node ux.test.js --out OUT --shots DIR
 * Prints one line per check and ends with "N passed, N failed".
 */
'use strict';

const fs = require('fs');
const path = require('path');
const h = require('./harness');
const { check, assert } = h;

const args = h.args(['out', 'shots'], 'node ux.test.js --out OUT --shots DIR');
const out = path.resolve(args.out);
const base = 'file://' + out + '/';

/* The document page with the longest contents. */
function longestToc() {
  let best = null;
  let most = 0;
  for (const d of fs.readdirSync(path.join(out, 'documents'))) {
    const f = path.join(out, 'documents', d, 'index.html');
    if (!fs.existsSync(f)) continue;
    const html = fs.readFileSync(f, 'utf8');
    const toc = html.split('<nav class="toc"')[1];
    if (!toc) continue;
    const n = (toc.split('</nav>')[0].match(/href="#/g) || []).length;
    if (n > most) { most = n; best = 'documents/' + d + '/index.html'; }
  }
  return best;
}

/* The first standard page and one of its clause pages with both neighbours. */
function standardPage() {
  const dir = fs.readdirSync(path.join(out, 'standards')).find((d) =>
    fs.existsSync(path.join(out, 'standards', d, 'index.html')));
  return 'standards/' + dir + '/';
}

(async () => {
  h.deadline('the ux test', 240000);
  const { context, close } = await h.launchWithProfile({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const doc = longestToc();
  const std = standardPage();

  await check('the contents mark the section being read while scrolling', async () => {
    assert(doc, 'no document page has contents');
    await page.goto(base + doc);
    const ids = await page.$$eval('nav.toc a[href^="#"]', (as) => as.map((a) => a.getAttribute('href').slice(1)));
    assert(ids.length >= 2, 'only ' + ids.length + ' contents entries on ' + doc);
    const first = await page.$eval('nav.toc a.current', (a) => a.getAttribute('href'));
    assert(first === '#' + ids[0], 'at the top, ' + first + ' is marked, not #' + ids[0]);
    const target = ids[Math.min(2, ids.length - 1)];
    await page.evaluate((id) => {
      const h = document.getElementById(id);
      window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 20);
    }, target);
    await page.waitForFunction((id) => {
      const a = document.querySelector('nav.toc a.current');
      return a && a.getAttribute('href') === '#' + id && a.getAttribute('aria-current') === 'location';
    }, target, { timeout: 5000 });
  });

  await check('the clause outline folds and unfolds', async () => {
    await page.goto(base + std + 'index.html');
    const groups = await page.$$('ul.clause-outline details');
    assert(groups.length > 3, 'only ' + groups.length + ' foldable groups');
    const nested = await page.$eval('ul.clause-outline details', (d) => d.querySelector(':scope > ul li a').textContent);
    const visible = () => page.$eval('ul.clause-outline details', (d) => d.querySelector(':scope > ul li a').checkVisibility());
    assert(await visible(), 'subclause ' + nested + ' hidden at first');
    await page.click('ul.clause-outline details > summary .clause-title');
    assert(!(await visible()), 'subclause ' + nested + ' still shown after folding');
    // Nesting follows the clause numbers: a subclause sits in its parent's group.
    const ok = await page.$$eval('ul.clause-outline details', (ds) => ds.every((d) => {
      const parent = d.querySelector('summary .clause-num').textContent;
      return Array.from(d.querySelectorAll(':scope > ul > li > .clause-num, :scope > ul > li > details > summary > .clause-num'))
        .every((a) => a.textContent.startsWith(parent + '.'));
    }));
    assert(ok, 'a group holds a clause that is not below its parent');
  });

  await check('clause pages link the previous and next clause', async () => {
    await page.goto(base + std + 'index.html');
    const hrefs = await page.$$eval('ul.clause-outline .clause-num', (as) => as.map((a) => a.href));
    const i = Math.floor(hrefs.length / 2);
    await page.goto(hrefs[i]);
    const prev = await page.$eval('nav.clause-nav a[rel=prev]', (a) => a.href);
    const next = await page.$eval('nav.clause-nav a[rel=next]', (a) => a.href);
    assert(prev === hrefs[i - 1], 'previous is ' + prev + ', not ' + hrefs[i - 1]);
    assert(next === hrefs[i + 1], 'next is ' + next + ', not ' + hrefs[i + 1]);
    await page.click('nav.clause-nav a[rel=next]');
    assert(page.url() === hrefs[i + 1], 'the next link leads to ' + page.url());
    await page.goto(hrefs[0]);
    assert((await page.$$('nav.clause-nav a[rel=prev]')).length === 0, 'the first clause has a previous one');
  });

  await check('the dashboard heat map shows every requirement clause, each cell a link to it', async () => {
    await page.goto(base + std + 'coverage/index.html');
    const requirements = Number(await page.$eval('.stats .stat .stat-value', (s) => s.textContent));
    const cells = await page.$$eval('svg.heat a.cell', (as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('aria-label'), getComputedStyle(a.querySelector('rect')).fill]));
    assert(cells.length === requirements, cells.length + ' cells for ' + requirements + ' requirement clauses');
    assert(cells.every((c) => c[2] && c[2] !== 'none' && c[2] !== 'rgb(0, 0, 0)'), 'a cell has no colour of its own');
    // The coverage menu reaches every dashboard and the exclusion register.
    const menuLinks = await page.$$eval('nav.subnav a', (as) => as.map((a) => a.href));
    const box = await page.$eval('svg.heat a.cell:nth-of-type(3) rect', (r) => { const b = r.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; });
    const label = cells[2][1];
    await Promise.all([page.waitForNavigation(), page.mouse.click(box[0], box[1])]);
    const h1 = await page.$eval('h1', (h) => h.textContent);
    assert(h1.startsWith(label.split(' ')[0]), 'the cell ' + label + ' led to ' + h1);
    const menu = menuLinks;
    assert(menu.some((h) => /exclusions\/index\.html$/.test(h)), 'no exclusion register in ' + menu);
    for (const h of menu) {
      await page.goto(h);
      assert((await page.$$('h1.page-title')).length === 1, h + ' has no page title');
    }
  });

  await check('the colour scheme toggle switches the palette, automatic by default', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(base + 'index.html');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert(await page.isVisible('.theme-toggle'), 'no toggle shown');
    assert((await page.getAttribute('html', 'data-theme')) === 'auto', 'not automatic by default');
    const light = await bg();
    await page.emulateMedia({ colorScheme: 'dark' });
    const systemDark = await bg();
    assert(systemDark !== light, 'automatic does not follow a dark system');
    await page.click('.theme-toggle'); // light
    assert((await bg()) === light, 'light chosen, but the page is ' + (await bg()));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('.theme-toggle'); // dark
    assert((await bg()) === systemDark, 'dark chosen on a light system, but the page is ' + (await bg()));
    await page.reload();
    assert((await bg()) === systemDark, 'the choice is not remembered');
    await page.click('.theme-toggle'); // back to automatic
    assert((await bg()) === light, 'automatic on a light system is not light');
  });

  await check('the retired and review banners draw an SVG icon, not an emoji', async () => {
    await page.goto(base + 'index.html');
    const masks = await page.evaluate(() => ['retired', 'review'].map((s) => {
      const d = document.createElement('div');
      d.className = 'status-banner status-' + s;
      document.body.appendChild(d);
      const st = getComputedStyle(d, '::before');
      return [st.content, st.maskImage || st.webkitMaskImage];
    }));
    for (const [content, mask] of masks) {
      assert(content === '""' || content === 'none' || content === '', 'the banner shows text ' + content);
      assert(/data:image\/svg\+xml/.test(mask), 'no SVG icon: ' + mask);
    }
  });

  await check('links to pages among the downloads carry no download arrow', async () => {
    await page.goto(base + 'index.html');
    const arrows = await page.$$eval('a.download', (as) => as.map((a) => [a.hasAttribute('download'), getComputedStyle(a, '::before').content]));
    assert(arrows.length > 0, 'no downloads on the register');
    for (const [download, before] of arrows) {
      if (download) assert(/↓/.test(before), 'a file link lost its arrow');
      else assert(!/↓/.test(before), 'a page link has the download arrow');
    }
  });

  await check('on a phone the text comes before the metadata box', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + doc);
    const [text, meta] = await page.evaluate(() => [
      document.querySelector('.doc-body').getBoundingClientRect().top,
      document.querySelector('.doc-meta').getBoundingClientRect().top,
    ]);
    assert(text < meta, 'text at ' + text + ', metadata at ' + meta);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, 'the page is ' + overflow + ' px wider than the phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('screenshots of the main pages at desktop and phone widths', async () => {
    fs.mkdirSync(args.shots, { recursive: true });
    await page.emulateMedia({ colorScheme: 'light' });
    const pages = [
      ['register', 'index.html'],
      ['document', doc],
      ['standard', std + 'index.html'],
      ['coverage', 'coverage/'],
      ['matrix', 'matrix/index.html'],
      ['exclusions', 'exclusions/index.html'],
    ];
    let n = 0;
    for (const [name, rel] of pages) {
      let url = base + rel;
      if (rel.endsWith('/')) {
        const dir = path.join(out, rel);
        if (!fs.existsSync(dir)) continue;
        const first = fs.readdirSync(dir).find((d) => fs.existsSync(path.join(dir, d, 'index.html')));
        if (!first) continue;
        url = base + rel + first + '/index.html';
      } else if (!fs.existsSync(path.join(out, rel))) continue;
      for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width: w, height: h });
        await page.goto(url);
        await page.screenshot({ path: path.join(args.shots, name + '-' + tag + '.png'), fullPage: false });
        n++;
      }
    }
    assert(n >= 8, 'only ' + n + ' screenshots');
  });

  await check('no console error on the pages visited', async () => {
    assert(errors.length === 0, errors.join(' | '));
  });

  await close();
  h.finish();
})().catch(h.finish);
