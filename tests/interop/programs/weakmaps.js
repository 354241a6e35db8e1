// Interop program: a WeakMap-heavy heap. Exercises DevTools' ephemeron rules (the
// table -> value edge of a WeakMap entry is not essential for dominators and gets the
// WeakMap distance rule; key -> value is kept), entries whose key is reachable only
// through another WeakMap's value, WeakSets, values that point back at their keys, and
// WeakMaps keyed by functions and arrays.
//   node weakmaps.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const out = process.argv[2];
if (!out) { console.error('usage: node weakmaps.js OUT.heapsnapshot'); process.exit(2); }

class Key { constructor(i) { this.i = i; } }
class Meta { constructor(key, blob) { this.key = key; this.blob = blob; } }

const keep = {};
// Keys held strongly: values live through key -> value ephemeron edges.
const metaByKey = new WeakMap();
keep.keys = [];
for (let i = 0; i < 3000; i++) {
  const k = new Key(i);
  keep.keys.push(k);
  // The value points back at its key: a cycle through the ephemeron.
  metaByKey.set(k, new Meta(k, new Array(8).fill(i)));
}
keep.metaByKey = metaByKey;

// Chained ephemerons: the key of map B is reachable only as a value of map A.
const a = new WeakMap();
const b = new WeakMap();
keep.chain = [];
for (let i = 0; i < 500; i++) {
  const outer = new Key(-i);
  const inner = {inner: i, payload: 'p' + i};
  keep.chain.push(outer);
  a.set(outer, inner);
  b.set(inner, {deep: new Float64Array(16)});
}
keep.a = a; keep.b = b;

// A WeakMap whose keys die: entries must not survive the snapshot's GC.
const dying = new WeakMap();
for (let i = 0; i < 200; i++) dying.set({}, {gone: i});
keep.dying = dying;

// The same value in several WeakMaps, and a value also held strongly.
const shared = {shared: true, data: new Array(100).fill('s')};
const w1 = new WeakMap();
const w2 = new WeakMap();
keep.sharedKeys = [];
for (let i = 0; i < 50; i++) {
  const k = [i];
  keep.sharedKeys.push(k);
  w1.set(k, shared);
  w2.set(k, {wrap: shared});
}
keep.w1 = w1; keep.w2 = w2; keep.sharedStrong = shared;

// Functions and arrays as keys; a WeakSet of objects also held by a Set.
const byFn = new WeakMap();
keep.fns = [];
for (let i = 0; i < 200; i++) {
  const f = function tagged() { return i; };
  keep.fns.push(f);
  byFn.set(f, {calls: i});
}
keep.byFn = byFn;
const seen = new WeakSet();
keep.seenStrong = new Set();
for (let i = 0; i < 300; i++) {
  const o = {seen: i};
  seen.add(o);
  if (i % 2 === 0) keep.seenStrong.add(o);
}
keep.seen = seen;

// A WeakMap that is itself only reachable as a value of another WeakMap.
const outerMap = new WeakMap();
const anchor = new Key('anchor');
const nested = new WeakMap();
for (const k of keep.keys.slice(0, 100)) nested.set(k, {nested: k.i});
outerMap.set(anchor, nested);
keep.anchor = anchor; keep.outerMap = outerMap;

globalThis.__interopKeep = keep;
v8.writeHeapSnapshot(out);
