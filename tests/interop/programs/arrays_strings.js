// Interop program: large arrays and strings. Packed, double, holey and dictionary-mode
// (sparse) arrays; flat, concatenated (cons) and sliced strings, duplicated and
// internalized strings; typed arrays, several views over one ArrayBuffer, DataView,
// Buffers, and an ArrayBuffer held only by a typed array.
//   node arrays_strings.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const out = process.argv[2];
if (!out) { console.error('usage: node arrays_strings.js OUT.heapsnapshot'); process.exit(2); }

const keep = {};

// Arrays of every elements kind.
keep.smis = Array.from({length: 50000}, (_, i) => i);
keep.doubles = Array.from({length: 20000}, (_, i) => i + 0.5);
keep.holey = new Array(30000);
for (let i = 0; i < 30000; i += 3) keep.holey[i] = {i};
keep.sparse = [];
for (let i = 0; i < 2000; i++) keep.sparse[i * 1000] = 'v' + i;
keep.nested = Array.from({length: 200}, (_, i) => Array.from({length: 20}, (_, j) => [i, j]));
keep.objects = Array.from({length: 5000}, (_, i) => ({i, s: 'obj' + i}));

// Strings: one long flat string, slices of it (sliced strings share its chars),
// concatenations (cons strings), duplicated contents, and an internalized name set.
const base = Array.from({length: 4000}, (_, i) => String.fromCharCode(97 + (i % 26))).join('') + 'END';
keep.base = base;
keep.slices = [];
for (let i = 0; i < 500; i++) keep.slices.push(base.substring(i, i + 100 + (i % 50)));
keep.cons = [];
for (let i = 0; i < 500; i++) keep.cons.push(keep.slices[i] + '|' + keep.slices[(i + 1) % 500]);
let rope = '';
for (let i = 0; i < 300; i++) rope = rope + 'segment-' + i + ';';
keep.rope = rope;
keep.dups = Array.from({length: 2000}, (_, i) => ['dup', i % 10].join('-'));
keep.long = 'L'.repeat(300000);
keep.twoByte = '\u4e2d\u6587'.repeat(5000) + '\ud83d\ude00';
keep.names = {};
for (let i = 0; i < 500; i++) keep.names['prop_' + i] = i;

// Binary data: views sharing an ArrayBuffer, typed arrays owning theirs, Buffers.
const ab = new ArrayBuffer(512 * 1024);
keep.views = [new Uint8Array(ab), new Uint32Array(ab, 1024, 1000), new DataView(ab, 4096, 128),
              new Float64Array(ab, 8192, 100)];
keep.typed = [new Int16Array(100000), new Float32Array(50000), new BigInt64Array(1000)];
keep.onlyView = new Uint8Array(new ArrayBuffer(200 * 1024));
keep.buffers = Array.from({length: 100}, (_, i) => Buffer.from('buffer-' + i + '-'.repeat(i)));
keep.bigBuffer = Buffer.alloc(300 * 1024, 7);

globalThis.__interopKeep = keep;
v8.writeHeapSnapshot(out);
