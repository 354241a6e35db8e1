// Interop program: names and strings at the edges of the format. Strings with JSON
// escapes, control characters, lone surrogates, non-BMP characters and Latin-1; property
// names DevTools quotes in `{a, b}` names (`,'"{}`), long and empty names; deep and long
// cons strings (DevTools flattens them for display, capped at 1024 units); functions of the
// same name at different source locations and classes of the same name in different scopes
// (Summary class keys); symbols, BigInts, RegExps.
//   node names.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const out = process.argv[2];
if (!out) { console.error('usage: node names.js OUT.heapsnapshot'); process.exit(2); }

const keep = {};

keep.strings = [
  'quote " backslash \\ slash / tab \t newline \n return \r',
  'nul \u0000 bell \u0007 escape \u001b del \u007f',
  'lone high \ud800 alone', 'lone low \udc00 alone', 'reversed \udc00\ud800 pair',
  'emoji \ud83d\ude00 and \u{1f680} rocket', 'latin1 \u00e9\u00e8\u00ff', 'cjk \u4e2d\u6587',
  'bom \ufeff zero-width \u200b', 'x'.repeat(2000) + '\ud800',
];
keep.stringArray = keep.strings.map((s, i) => s + '#' + i);

// Plain objects whose inferred names DevTools builds from their property names.
keep.odd = [
  {'a,b': 1, "it's": 2, 'say "hi"': 3, '{braces}': 4},
  {'': 'empty key', ' ': 'space', '123': 'numeric', '1.5': 'float-like'},
  {['k'.repeat(300)]: 'long key', short: 1},
  {['\u00e9t\u00e9']: 1, ['\ud83d\ude00']: 2, ['\ud800']: 3},
  {[Symbol('sym')]: 1, [Symbol.iterator]: 2, plain: 3},
];
const wide = {};
for (let i = 0; i < 40; i++) wide['property_number_' + i] = i;
keep.wide = wide;
keep.manyPlain = Array.from({length: 300}, (_, i) => ({x: i, y: -i, ['p' + (i % 7)]: i}));

// Cons strings: a deep left-leaning rope, a balanced one, and one longer than 1024.
let deep = 'start';
for (let i = 0; i < 3000; i++) deep = deep + String.fromCharCode(97 + (i % 26));
keep.deep = deep;
const parts = Array.from({length: 64}, (_, i) => 'part' + i + '-'.repeat(20));
function balanced(lo, hi) { return hi - lo === 1 ? parts[lo] : balanced(lo, (lo + hi) >> 1) + balanced((lo + hi) >> 1, hi); }
keep.balanced = balanced(0, 64);
keep.consOfTwoByte = '\u4e2d'.repeat(20) + 'ascii tail that is long enough to cons';

// Same function name at different locations; same class name in different scopes.
function makeA() { return function handler() { return 1; }; }
function makeB() { return function handler() { return 2; }; }
keep.handlers = [];
for (let i = 0; i < 20; i++) keep.handlers.push(makeA(), makeB(), () => i, function () { return i; });
keep.sameName = [];
for (const scope of [1, 2, 3]) {
  const Thing = scope === 1 ? class Thing { a() {} } : scope === 2 ? class Thing { b() {} } : class Thing extends Array {};
  for (let i = 0; i < 10 * scope; i++) keep.sameName.push(new Thing());
}
function Legacy(v) { this.v = v; }
Legacy.prototype.get = function () { return this.v; };
keep.legacy = Array.from({length: 50}, (_, i) => new Legacy(i));
keep.nullProto = Array.from({length: 20}, (_, i) => Object.assign(Object.create(null), {n: i}));

// Other primitives and builtins with names.
keep.symbols = Array.from({length: 30}, (_, i) => Symbol('desc' + i));
keep.bigints = Array.from({length: 30}, (_, i) => 2n ** BigInt(64 + i));
keep.regexps = [/a+b*/g, /[\u4e2d-\u6587]+/u, new RegExp('quote"and\\\\slash', 'i')];
keep.numbers = Array.from({length: 50}, (_, i) => ({n: i + 0.25}));
keep.dates = [new Date(0), new Date(86400000)];
keep.errors = [new Error('boom "quoted"'), new TypeError('type\nerror')];

globalThis.__interopKeep = keep;
v8.writeHeapSnapshot(out);
