// A program whose heap holds secrets in every string representation V8 has, for
// `heapsim anonymize`'s test: none of them may survive in the anonymized snapshot.
//
//   node secrets.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');

class SecretHolderClass {
  constructor(token) {
    this.token = token;
  }
}

// A literal (an internalized string, and part of this script's source).
const literal = 'hs-literal-secret-7f3a9c';
// Built at run time: a flat string, a cons string, a slice of a long string.
const flat = ['hs', 'flat', 'secret', String(40 + 2)].join('-');
const cons = 'hs-cons-secret-' + 'x'.repeat(20) + process.pid;
const long = 'hs-sliced-secret-' + 'y'.repeat(200) + process.pid;
const sliced = long.slice(0, 40);
const vault = new Map();
for (let i = 0; i < 50; i++) vault.set(i, new SecretHolderClass(flat + i));
globalThis.keep = { literal, flat, cons, sliced, vault, unicode: 'hs-unicode-secret-ünïcødé€😀' };

const out = process.argv[2];
if (!out) throw new Error('usage: node secrets.js OUT');
setImmediate(v8.writeHeapSnapshot, out);
