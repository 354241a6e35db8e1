// Interop program: closures capturing contexts. Nested function scopes (context chains
// several levels deep), sibling closures sharing one context, closures keeping large
// captured values alive, bound functions, generators and async functions suspended with
// live locals, class methods and arrow functions capturing `this`.
//   node closures.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const out = process.argv[2];
if (!out) { console.error('usage: node closures.js OUT.heapsnapshot'); process.exit(2); }

const keep = {};

// Sibling closures share one context: the captured array is retained by the context,
// not by any single closure.
function makeCounter(n) {
  let count = 0;
  const big = new Array(200).fill(n);
  return {
    inc() { count++; return count; },
    dec() { count--; return count; },
    peek() { return big.length + count; },
  };
}
keep.counters = [];
for (let i = 0; i < 400; i++) keep.counters.push(makeCounter(i));

// Nested contexts: each level captures its own variable and its parent's.
function level1(a) {
  const l1 = {level: 1, a};
  return function level2(b) {
    const l2 = {level: 2, b, up: l1};
    return function level3(c) {
      const l3 = {level: 3, c, blob: 'x'.repeat(64) + c};
      return function level4() { return [l1, l2, l3, a, b, c]; };
    };
  };
}
keep.deep = [];
for (let i = 0; i < 300; i++) keep.deep.push(level1(i)(i * 2)(i * 3));

// Many closures over one shared outer context.
function makeHandlers() {
  const state = {hits: 0, log: []};
  const handlers = [];
  for (let i = 0; i < 1000; i++) {
    const id = i;
    handlers.push(() => { state.hits += id; state.log.push(id); });
  }
  return handlers;
}
keep.handlers = makeHandlers();

// A closure that is the only owner of a large captured buffer.
function holdBuffer(size) {
  const buf = new Uint8Array(size);
  return function readByte(i) { return buf[i]; };
}
keep.readers = [holdBuffer(256 * 1024), holdBuffer(64 * 1024)];

// Bound functions, generators and async functions suspended mid-body.
function greet(greeting, name) { return greeting + ' ' + name; }
keep.bound = [];
for (let i = 0; i < 100; i++) keep.bound.push(greet.bind({ctx: i}, 'hello'));
function* gen(limit) {
  const scratch = new Array(50).fill(limit);
  for (let i = 0; i < limit; i++) yield scratch[i % 50] + i;
}
keep.gens = [];
for (let i = 0; i < 100; i++) { const g = gen(1000); g.next(); keep.gens.push(g); }
let release;
const gate = new Promise(r => { release = r; });
async function waiter(i) {
  const local = {waiting: i, payload: new Array(20).fill(i)};
  await gate;
  return local;
}
keep.pending = [];
for (let i = 0; i < 100; i++) keep.pending.push(waiter(i));
keep.release = release;

// Methods and arrows capturing `this`.
class Widget {
  constructor(id) {
    this.id = id;
    this.onClick = () => this.id;
    this.listeners = [function bound() { return id; }];
  }
  render() { return 'w' + this.id; }
}
keep.widgets = [];
for (let i = 0; i < 300; i++) keep.widgets.push(new Widget(i));

// A closure whose context keeps a function from an enclosing eval-free IIFE alive.
keep.iife = (function () {
  const secret = {secret: 42, more: new Map([[1, 'one'], [2, 'two']])};
  function inner() { return secret; }
  return () => inner;
})();

globalThis.__interopKeep = keep;
v8.writeHeapSnapshot(out);
