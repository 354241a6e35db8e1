#!/usr/bin/env node
// heapsim verify --analyzer adapter for memlab (npm @memlab/api, installed by
// scripts/setup-interop.sh): its findLeaksBySnapshotFilePaths on the baseline, target and
// final snapshots — memlab's own leak detection, default rules — mapped to leaked ids. memlab
// answers with leak traces, one per cluster of similar leaks, each ending at the leaked
// object it picked as the cluster's representative; that object's id (the last `@id` of
// the trace) is what it names as leaked. It names no suspects and no retained sizes, so
// those are "not scored" (docs/ground-truth.md, the protocol).
//
//   node scripts/adapters/memlab.js BASELINE TARGET FINAL
// Finds @memlab/api in $INTEROP_NODE_MODULES or the interop env file.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {interopEnv} = require('./interop-env.js');

/** The last `@id` in a serialized trace, in the order memlab lists the path (root first). */
function lastId(trace) {
  let id;
  const walk = v => {
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        for (const m of k.matchAll(/@(\d+)/g)) id = Number(m[1]);
        walk(x);
      }
    } else if (typeof v === 'string') {
      for (const m of v.matchAll(/@(\d+)/g)) id = Number(m[1]);
    }
  };
  walk(trace);
  return id;
}

async function main() {
  // memlab writes terminal control codes on stdout even in SILENT mode: everything but the
  // answer goes to stderr.
  const answer = process.stdout.write.bind(process.stdout);
  process.stdout.write = (...args) => process.stderr.write(...args);
  const files = process.argv.slice(2);
  if (files.length !== 3) {
    console.error('usage: memlab.js BASELINE TARGET FINAL');
    process.exit(2);
  }
  const modules = interopEnv('INTEROP_NODE_MODULES');
  const {findLeaksBySnapshotFilePaths} = require(path.join(modules, '@memlab', 'api'));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapsim-memlab-'));
  try {
    const traces = await findLeaksBySnapshotFilePaths(files[0], files[1], files[2], {
      consoleMode: 'SILENT',
      workDir,
    });
    const ids = traces.map(lastId).filter(id => id !== undefined);
    answer(JSON.stringify({leaked_ids: [...new Set(ids)]}) + '\n');
  } finally {
    fs.rmSync(workDir, {recursive: true, force: true});
  }
}

main().catch(e => {
  console.error(String((e && e.stack) || e));
  process.exit(1);
});
