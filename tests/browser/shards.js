#!/usr/bin/env node
/*
 * Runs queries through theme/search.js's engine of the sharded static
 * index (version 2), in node, loading the shard scripts from the disk as
 * the browser would from file://. Used by tests/search_parity.rs (the
 * browser ranks as src/search/query/rank.rs does) and by the index-size
 * figures of BENCHMARKS.md.
 *
 * Usage: node shards.js SEARCH_DIR QUERIES_JSON
 *   SEARCH_DIR    the output's search/ folder (with index.js)
 *   QUERIES_JSON  a file holding [[query, mode], …] (mode "strict" or "live")
 * Prints a JSON array, per query: {error} or {total, hits: [[doc, score], …],
 * top: [ids of the first 10], clauses: [[number, standard], …],
 * files: [shards loaded for this query, from a fresh page], bytes, gzip}.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [dir, queriesFile] = process.argv.slice(2);
global.window = global;
global.self = global;
require(path.join(__dirname, '..', '..', 'theme', 'search.js'));
const S = global.ClausebookSearch;
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

function size(name) {
  const bytes = fs.readFileSync(path.join(dir, name));
  return [bytes.length, zlib.gzipSync(bytes, { level: 6 }).length];
}

async function main() {
  require(path.join(dir, 'index.js'));
  const data = global.CLAUSEBOOK_SEARCH;
  const out = [];
  for (const [q, mode] of queries) {
    // A fresh page per query: nothing loaded but what this query needs.
    delete global.CLAUSEBOOK_SEARCH_SHARDS;
    const engine = new S.ShardEngine(data, '', (name, cb) => {
      try { require(path.join(dir, name)); cb(true); } catch (e) { cb(false); }
    });
    for (const k of Object.keys(require.cache)) if (k.startsWith(dir) && !k.endsWith('index.js')) delete require.cache[k];
    const res = await new Promise((resolve) => engine.search(q, 10, resolve, mode));
    const files = ['index.js'].concat(engine.loaded);
    const sizes = files.map(size);
    out.push(res.error ? { error: res.error, files } : {
      total: res.total,
      hits: res.hits || [],
      top: res.results.map((r) => r.id),
      where: res.results.map((r) => (r.where ? r.where.label : null)),
      clauses: (res.clauses || []).map((c) => [c.number, c.standard]),
      files,
      bytes: sizes.reduce((a, s) => a + s[0], 0),
      gzip: sizes.reduce((a, s) => a + s[1], 0),
    });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
