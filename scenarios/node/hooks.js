// The `__heapsim` native hooks (docs/scenario-runtime.md, "Native hooks") implemented on
// real Node, so that the prelude in interp/prelude/ runs unchanged under Node: the clock is
// a plain number only `advanceTime` moves, collections are `node --expose-gc`'s, snapshots
// are `v8.writeHeapSnapshot`, warnings go through `process.emitWarning` (Node's own
// `(node:PID) Name: message` line on stderr).
'use strict';
const path = require('path');
const v8 = require('v8');

// Installs `globalThis.__heapsim` writing snapshots into `outdir`; returns the list the
// `expect` hook appends its records to.
function install(outdir) {
  const nodeGc = globalThis.gc;
  if (typeof nodeGc !== 'function') {
    throw new Error('global gc() is missing: run node with --expose-gc');
  }
  const expectations = [];
  let now = 0;
  globalThis.__heapsim = {
    now() {
      return now;
    },
    setNow(ms) {
      if (!(ms >= now)) {
        throw new RangeError(`__heapsim.setNow(${ms}): the clock is at ${now} and never goes back`);
      }
      now = ms;
    },
    gc(kind) {
      if (kind === 'minor') {
        nodeGc({ type: 'minor' });
      } else {
        nodeGc({ type: 'major', execution: 'sync' });
      }
    },
    snapshot(name) {
      v8.writeHeapSnapshot(path.join(outdir, `${name}.heapsnapshot`));
    },
    expect(record) {
      expectations.push(record);
    },
    emitWarning(name, message) {
      process.emitWarning(message, name);
    },
    apply(fn, thisArg, args) {
      return Reflect.apply(fn, thisArg, args);
    },
  };
  return expectations;
}

module.exports = { install };
