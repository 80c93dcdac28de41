/*
 * What the browser tests (history, injection, matrix, search, stamp and
 * ux .test.js) share: their command line, their checks and the last line counting them
 * that the Rust tests read ("N passed, N failed"), the headless Chromium
 * they drive (Debian's /usr/bin/chromium, or $CHROMIUM_PATH) and the time
 * limit of a run.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/* No sandbox and no GPU (the tests run in containers), no network of the
 * browser's own: only the pages under test load. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The `--name value` pairs of the command line, by name; when one of
 * `required` is missing, prints `usage: <usage>` and exits with 2.
 */
function args(required, usage) {
  const out = {};
  for (let i = 2; i < process.argv.length; i += 2) out[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  if (required.some((name) => !out[name])) {
    console.error('usage: ' + usage);
    process.exit(2);
  }
  return out;
}

let passed = 0;
let failed = 0;

function pass(name) {
  passed++;
  console.log('ok      ' + name);
}

function fail(name, why) {
  failed++;
  console.log('FAILED  ' + name + ': ' + why);
}

/** Check `name`: it passes unless `fn` throws (or its promise rejects). */
async function check(name, fn) {
  try {
    await fn();
    pass(name);
  } catch (e) {
    fail(name, (e && e.message ? e.message : String(e)).split('\n')[0]);
  }
}

/** Check `name`, decided already: `ok`, else `detail` says what was seen. */
function expect(name, ok, detail) {
  if (ok) pass(name);
  else fail(name, detail);
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/**
 * Print the count and exit, with 1 when a check failed. `crash`, when
 * given, is what stopped the script: one more failure.
 */
function finish(crash) {
  if (crash !== undefined) {
    failed++;
    console.log('FAILED  ' + (crash && crash.stack ? crash.stack : crash));
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
}

/** Fail the run when it is not finished after `ms` milliseconds. */
function deadline(what, ms) {
  setTimeout(() => {
    failed++;
    console.log('FAILED  ' + what + ' took longer than ' + ms / 1000 + ' s');
    console.log(passed + ' passed, ' + failed + ' failed');
    process.exit(1);
  }, ms);
}

/** Headless Chromium. */
function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * Headless Chromium with a profile of its own in a temporary folder, as
 * one browser context (`options`: Playwright's, e.g. `viewport`);
 * `close()` closes it and removes the folder.
 */
async function launchWithProfile(options) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'clausebook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    ...options,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/** The file:// URL of `rel` (a path inside the output folder `out`). */
function fileUrl(out, rel) {
  return 'file://' + path.join(path.resolve(out), rel);
}

module.exports = { args, pass, fail, check, expect, assert, finish, deadline, launch, launchWithProfile, fileUrl };
