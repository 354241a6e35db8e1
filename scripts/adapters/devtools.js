#!/usr/bin/env node
// heapsim verify --analyzer adapter for Chrome DevTools' own heap snapshot worker (npm
// chrome-devtools-frontend, bundled by scripts/setup-interop.sh as devtools-ref.mjs, the
// runner the interop suite uses). DevTools has no leak detector: it answers `retained`,
// the Retained Size column of every node of the final snapshot, and nothing else, so
// suspects and the leak set are "not scored" (docs/ground-truth.md, the protocol).
//
//   node scripts/adapters/devtools.js BASELINE TARGET FINAL
// Finds devtools-ref.mjs through $DEVTOOLS_REF or the interop env file
// (${HEAPSIM_INTEROP_HOME:-~/.cache/heapsim-interop}/env).
'use strict';
const {execFileSync} = require('child_process');
const {interopEnv} = require('./interop-env.js');

function main() {
  const files = process.argv.slice(2);
  if (files.length !== 3) {
    console.error('usage: devtools.js BASELINE TARGET FINAL');
    process.exit(2);
  }
  const ref = interopEnv('DEVTOOLS_REF');
  const dump = execFileSync(process.execPath, [ref, 'dump', files[2]], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const retained = {};
  for (const line of dump.split('\n')) {
    if (!line) continue;
    // id  type  self_size  retained_size  distance  dominator_id  name
    const f = line.split('\t');
    retained[f[0]] = Number(f[3]);
  }
  process.stdout.write(JSON.stringify({retained}) + '\n');
}

main();
