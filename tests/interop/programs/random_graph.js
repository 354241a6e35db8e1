// Interop program: a seeded random object graph, to reach the corners of DevTools'
// dominator and distance rules that hand-written programs miss: objects retained through
// several paths at once, WeakMap entries whose keys and values point into each other,
// WeakRefs and WeakSets over shared objects, closures and bound functions capturing random
// objects, Maps and Sets with object keys, cons and sliced strings shared between owners.
//   node random_graph.js OUT.heapsnapshot [OBJECTS] [SEED]   (defaults 20000, 1)
'use strict';
const v8 = require('v8');
const [out, objectsArg, seedArg] = process.argv.slice(2);
if (!out) { console.error('usage: node random_graph.js OUT.heapsnapshot [OBJECTS] [SEED]'); process.exit(2); }
const N = Number(objectsArg || 20000);
let seed = Number(seedArg || 1) >>> 0;
if (!(N > 0) || !Number.isInteger(N)) { console.error(`bad OBJECTS: ${objectsArg}`); process.exit(2); }

// mulberry32: small, fast, and the same sequence on every Node version.
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = a => a[Math.floor(rand() * a.length)];

class Vertex { constructor(i) { this.i = i; this.out = []; } }
class Hub extends Vertex { constructor(i) { super(i); this.index = new Map(); } }
const base = 'the quick brown fox jumps over the lazy dog '.repeat(40);

const all = [];
const weakMaps = [new WeakMap(), new WeakMap(), new WeakMap()];
const weakSet = new WeakSet();
for (let i = 0; i < N; i++) {
  const r = rand();
  let o;
  if (r < 0.40) o = new Vertex(i);
  else if (r < 0.45) o = new Hub(i);
  else if (r < 0.55) o = [];
  else if (r < 0.62) o = new Map();
  else if (r < 0.67) o = new Set();
  else if (r < 0.75) { const cap = {cap: i}; o = Object.assign(function captured() { return cap; }, {out: []}); }
  else if (r < 0.80) o = {str: base.substring(i % 400, (i % 400) + 20 + (i % 30)), out: []};
  else if (r < 0.85) o = {str: 'k' + i + base.slice(0, 15 + (i % 20)), out: []};
  else if (r < 0.90) o = {buf: new Uint8Array(16 + (i % 64)), out: []};
  else o = {weak: null, out: []};
  all.push(o);
}

// Links: each object points at a few others (backwards and forwards, so cycles abound).
function link(from, to) {
  if (from instanceof Map) from.set(to, rand() < 0.5 ? to : from.size);
  else if (from instanceof Set) from.add(to);
  else if (Array.isArray(from)) from.push(to);
  else if (from instanceof Hub) { from.out.push(to); from.index.set('k' + from.index.size, to); }
  else from.out.push(to);
}
for (let i = 0; i < N; i++) {
  const k = 1 + Math.floor(rand() * 3);
  for (let j = 0; j < k; j++) link(all[i], all[Math.floor(rand() * N)]);
  const o = all[i];
  if (o && 'weak' in o) o.weak = new WeakRef(pick(all));
  if (rand() < 0.15) pick(weakMaps).set(o, rand() < 0.5 ? pick(all) : {valueFor: i, back: o});
  if (rand() < 0.05) weakSet.add(o);
  if (rand() < 0.03) all.push(function bound() { return this; }.bind(o));
}

// Roots: a handful of entry points; most objects stay alive only through the links, and
// the rest are garbage for the snapshot's GC.
const roots = [];
for (let i = 0; i < 40; i++) roots.push(pick(all));
globalThis.__interopRoots = {roots, weakMaps, weakSet};
all.length = 0;
v8.writeHeapSnapshot(out);
