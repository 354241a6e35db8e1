// Records what V8 and Node build at startup, as the tables heapsim's baseline heap is
// made from (sim/src/bootstrap/, interp/src/bootstrap.rs). Run from the repository once
// per Node release heapsim simulates (20, 22, 24):
//
//   node --expose-internals interp/bootstrap/record.js
//
// It writes these tables for the running release, nodeNN being its major version (no
// sources are copied, only names, lengths, counts, sizes):
//
// * sim/src/bootstrap/nodeNN/v8-builtins.tsv: what V8's Genesis (src/init/bootstrapper.cc)
//   installs in a fresh native context, read from a new `vm` context (V8's builtins only,
//   no Node globals). One row per own property: HOLDER NAME KIND LENGTH, where HOLDER is a
//   path from the global object (`global`, `Array`, `Array.prototype`, `Intl.Collator`),
//   KIND is `function` (LENGTH = its `length`), `constructor` (a function with a
//   `prototype`; its statics are the rows of holder NAME, its prototype's those of
//   NAME.prototype), `object` (a namespace such as `Math`; its rows follow as holder NAME),
//   `accessor` or `value`. Symbol keys are written `[Symbol.x]`.
// * sim/src/bootstrap/nodeNN/v8-builtin-code.tsv: V8's builtins table, NAME SIZE per Code
//   object as a heap snapshot of this process lists them (`(NAME builtin handle)` in Node
//   20, `(NAME builtin code)` in 22 and 24).
// * interp/bootstrap/nodeNN/node-names.txt: the identifiers of those modules' sources, one a line,
//   each once (what V8's parser internalizes while compiling them).
// * interp/bootstrap/nodeNN/node-modules.tsv: Node's bootstrap, `process.moduleLoadList` at the
//   start of a script, one row per entry: KIND ID SOURCE FUNCTIONS EXPORTS, where KIND is
//   `module` (a builtin JavaScript module: SOURCE its source length in characters,
//   FUNCTIONS the function literals in that source, EXPORTS its exports' own keys as
//   `name/k`, comma separated, k = f function, c class, o object, v other value; then
//   IMPORTS, the builtin ids its source `require`s, comma separated), `binding`
//   (a C++ internal binding: EXPORTS its keys; SOURCE and FUNCTIONS are 0), `unloaded` (a
//   builtin module not loaded at startup: a `BuiltinModule` record only), `error` (one of
//   `internal/errors`' `codes`: ID the code, EXPORTS the class it extends), `global` (a
//   global Node adds to V8's: ID its name, SOURCE its length if a function, EXPORTS its
//   kind as above).
// * interp/bootstrap/nodeNN/startup.tsv: KEY VALUE, what a heap snapshot of this process
//   taken before it loads anything more (its startup heap) shows of compiled code and
//   sources: `bytecode_per_char`, the bytes of V8's per-function
//   code objects (`system / BytecodeArray`, `ScopeInfo`, `FeedbackMetadata`, …: code nodes
//   named `system / …`) per character of the loaded builtin modules' sources;
//   `line_ends_per_char`, the bytes of the scripts' line-end tables V8 keeps (`(script line
//   ends)`, made when a stack trace or source position is first resolved) per character;
//   `sources_in_heap`, 1 when the snapshot counts those sources (external strings) at
//   their length, as Node 24 does, else 0.
'use strict';
const loaded = process.moduleLoadList.slice();
const fs = require('fs');
const os = require('os');
const path = require('path');
// The startup heap, before this script loads anything more: what startup.tsv measures.
const startupSnapshot = require('v8').writeHeapSnapshot(
  path.join(os.tmpdir(), `heapsim-record-${process.pid}.heapsnapshot`),
);
const vm = require('vm');
const { internalBinding } = require('internal/test/binding');

const repo = path.join(__dirname, '..', '..');
const release = `node${process.versions.node.split('.')[0]}`;
const out = (dir, file) => {
  fs.mkdirSync(path.join(repo, dir, release), { recursive: true });
  return path.join(repo, dir, release, file);
};

function keyName(k) {
  return typeof k === 'symbol' ? `[${k.description}]` : k;
}

function kindOf(desc) {
  if (desc.get || desc.set) return ['accessor', 0];
  const v = desc.value;
  if (typeof v === 'function') return [isConstructor(v) ? 'constructor' : 'function', v.length];
  if (v !== null && typeof v === 'object') return ['object', 0];
  return ['value', 0];
}

// A class or a function whose prototype has methods: V8 makes a plain function's
// `prototype` only when it is first read, so those count as functions.
function isConstructor(f) {
  const p = Object.prototype.hasOwnProperty.call(f, 'prototype') && f.prototype;
  if (!p || (typeof p !== 'object' && typeof p !== 'function')) return false;
  return /^class\b/.test(Function.prototype.toString.call(f)) || Reflect.ownKeys(p).length > 1;
}

function builtins() {
  const g = vm.runInNewContext('globalThis');
  const rows = [];
  const seen = new Set();
  const walk = (holder, obj) => {
    if (seen.has(obj)) return;
    seen.add(obj);
    const nested = [];
    for (const k of Reflect.ownKeys(obj)) {
      const desc = Object.getOwnPropertyDescriptor(obj, k);
      const [kind, length] = kindOf(desc);
      const name = keyName(k);
      rows.push([holder, name, kind, length]);
      if (kind === 'constructor' || kind === 'object') nested.push([name, desc.value]);
    }
    for (const [name, v] of nested) {
      const p = holder === 'global' ? name : `${holder}.${name}`;
      if (name === 'prototype' || name === 'constructor') continue;
      walk(p, v);
      if (typeof v === 'function' && v.prototype && !seen.has(v.prototype)) {
        walk(`${p}.prototype`, v.prototype);
      }
    }
  };
  walk('global', g);
  return rows;
}

// The builtin modules a source requires (`require('internal/util')`), each once.
function imports(source, natives) {
  const ids = new Set();
  for (const m of source.matchAll(/\brequire\('([^']+)'\)/g)) {
    if (Object.prototype.hasOwnProperty.call(natives, m[1])) ids.add(m[1]);
  }
  return [...ids];
}

function functionLiterals(source) {
  return (source.match(/\bfunction\b|=>|^\s*(?:async\s+|static\s+|get\s+|set\s+)*[A-Za-z_$][\w$]*\s*\([^)]*\)\s*\{/gm) || []).length;
}

function modules() {
  const natives = internalBinding('builtins').natives;
  const rows = [];
  const done = new Set();
  for (const entry of loaded) {
    const m = /^(NativeModule|Internal Binding) (.+)$/.exec(entry);
    if (!m) continue;
    const id = m[2];
    if (m[1] === 'NativeModule') {
      const source = natives[id] || '';
      let keys = [];
      try { keys = exportKinds(require(id)); } catch { /* not requirable: no exports */ }
      rows.push(['module', id, source.length, functionLiterals(source), keys.join(','), imports(source, natives).join(',')]);
      done.add(id);
    } else {
      let keys = [];
      try { keys = Object.keys(internalBinding(id)); } catch { /* not exposed */ }
      rows.push(['binding', id, 0, 0, keys.join(',')]);
    }
  }
  for (const id of internalBinding('builtins').builtinIds) {
    if (done.has(id)) continue;
    const source = natives[id] || '';
    rows.push(['unloaded', id, source.length, functionLiterals(source), '']);
  }
  const { codes } = require('internal/errors');
  for (const code of Object.keys(codes)) {
    rows.push(['error', code, 0, 0, Object.getPrototypeOf(codes[code]).name]);
  }
  const v8Globals = new Set(Reflect.ownKeys(vm.runInNewContext('globalThis')));
  for (const k of Reflect.ownKeys(globalThis)) {
    if (typeof k !== 'string' || v8Globals.has(k)) continue;
    const [kind, length] = kindOf(Object.getOwnPropertyDescriptor(globalThis, k));
    rows.push(['global', k, length, 0, kind]);
  }
  return rows;
}

// NAME/KIND per own key: f function, c class (has a prototype), o object, v other value.
function exportKinds(exports) {
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return [];
  return Object.keys(exports).map((k) => {
    const d = Object.getOwnPropertyDescriptor(exports, k);
    const [kind] = kindOf(d);
    const c = { function: 'f', constructor: 'c', object: 'o' }[kind] || 'v';
    return `${k}/${c}`;
  });
}

// The names of V8's builtins table, as the startup heap snapshot lists its Code objects
// (`(NAME builtin handle)` or `(NAME builtin code)` under `(Builtins)`), with their sizes;
// and the startup.tsv values from the same snapshot.
function builtinCode() {
  const snap = JSON.parse(fs.readFileSync(startupSnapshot, 'utf8'));
  fs.unlinkSync(startupSnapshot);
  const f = snap.snapshot.meta.node_fields;
  const w = f.length, ni = f.indexOf('name'), si = f.indexOf('self_size'), ti = f.indexOf('type');
  const types = snap.snapshot.meta.node_types[0];
  const code = types.indexOf('code');
  const string = types.indexOf('string');
  const rows = [];
  let systemCode = 0;
  let lineEnds = 0;
  const stringSizes = new Map();
  for (let i = 0; i < snap.nodes.length; i += w) {
    const name = snap.strings[snap.nodes[i + ni]];
    if (snap.nodes[i + ti] === string) stringSizes.set(name.slice(0, 200), snap.nodes[i + si]);
    if (snap.nodes[i + ti] !== code) continue;
    if (name.startsWith('system / ')) systemCode += snap.nodes[i + si];
    if (name === '(script line ends)') lineEnds += snap.nodes[i + si];
    const m = /^\((.+) builtin (?:handle|code)\)$/.exec(name);
    if (m) rows.push([m[1], snap.nodes[i + si]]);
  }
  const natives = internalBinding('builtins').natives;
  const sources = loaded
    .map((e) => /^NativeModule (.+)$/.exec(e))
    .filter((m) => m && natives[m[1]])
    .map((m) => natives[m[1]]);
  const chars = sources.reduce((n, src) => n + src.length, 0);
  const largest = sources.reduce((a, b) => (b.length > a.length ? b : a), '');
  const inHeap = (stringSizes.get(largest.slice(0, 200)) || 0) >= largest.length;
  const startup = [
    ['bytecode_per_char', (systemCode / chars).toFixed(4)],
    ['line_ends_per_char', (lineEnds / chars).toFixed(4)],
    ['sources_in_heap', inHeap ? 1 : 0],
  ];
  return { rows, startup };
}

// The identifiers of the loaded modules' sources, each once, in load order: the names
// V8's parser internalizes into the string table as it compiles them.
function identifiers() {
  const natives = internalBinding('builtins').natives;
  const names = new Set();
  for (const entry of loaded) {
    const m = /^NativeModule (.+)$/.exec(entry);
    if (!m) continue;
    const source = (natives[m[1]] || '').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    for (const id of source.match(/[A-Za-z_$][\w$]*/g) || []) names.add(id);
  }
  return [...names];
}

const tsv = (rows) => rows.map((r) => r.join('\t')).join('\n') + '\n';
fs.writeFileSync(out('sim/src/bootstrap', 'v8-builtins.tsv'), tsv(builtins()));
fs.writeFileSync(out('interp/bootstrap', 'node-modules.tsv'), tsv(modules()));
fs.writeFileSync(out('interp/bootstrap', 'node-names.txt'), identifiers().join('\n') + '\n');
const { rows, startup } = builtinCode();
fs.writeFileSync(out('sim/src/bootstrap', 'v8-builtin-code.tsv'), tsv(rows));
fs.writeFileSync(out('interp/bootstrap', 'startup.tsv'), tsv(startup));
