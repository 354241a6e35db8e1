// Writes a large, realistic heap snapshot for the reader/analyzer benchmarks.
//
// Usage: node --max-old-space-size=8000 scripts/gen-big-snapshot.js OUT [OBJECTS]
//
// Builds OBJECTS (default 3,000,000) small objects of a few classes, each holding a unique
// string and a small array, linked into chains, grouped in arrays of 1000 and indexed by
// Maps keyed by string — so the snapshot has the shapes a leaking server shows (long arrays,
// hash tables, many small objects). With the default count Node 20 writes about 12 M nodes
// and 32 M edges (~900 MB).
'use strict';
const v8 = require('v8');
const out = process.argv[2];
if (!out) {
  console.error('usage: gen-big-snapshot.js OUT [OBJECTS]');
  process.exit(2);
}
const total = Number(process.argv[3] || 3000000);

class Session {
  constructor(i, prev) {
    this.id = i;
    this.key = 's' + i;
    this.prev = prev;
    this.tags = [i & 7, i & 15];
  }
}
class Request {
  constructor(i, prev) {
    this.id = i;
    this.url = '/i/' + i;
    this.prev = prev;
    this.headers = [i, i + 1];
  }
}

const groups = [];
const index = new Map();
let group = [];
let prev = null;
for (let i = 0; i < total; i++) {
  const o = (i % 3 === 0) ? new Request(i, prev) : new Session(i, prev);
  // Break chains every 10000 objects so retainer paths stay realistic but long.
  prev = (i % 10000 === 9999) ? null : o;
  group.push(o);
  if (group.length === 1000) {
    groups.push(group);
    group = [];
  }
  if (i % 8 === 0) index.set(i, o);
}
groups.push(group);
globalThis.__heapsimBig = { groups, index };
v8.writeHeapSnapshot(out);
console.log(out);
