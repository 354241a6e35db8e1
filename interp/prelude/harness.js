// The harness directives a scenario may call: `gc()`, `snapshot(name)` and `expect`.
//
// One definition for both runtimes: each checks its arguments here, then calls its
// native hook (`__heapsim.gc`, `__heapsim.snapshot`, `__heapsim.expect`; semantics in
// docs/scenario-runtime.md), which `heapsim run` implements on the simulated heap and
// scenarios/node/harness.js on real Node. `advanceTime` lives with the timers it drives
// (timers.js). The loader installs this module's exports as globals.
'use strict';

const SNAPSHOT_NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';
const LEAK_FIELDS = ['suspect', 'accumulation', 'path', 'leaked'];

// `gc()` is a full (mark-compact) collection, `gc('minor')` a scavenge of the young
// generation: the two collections `node --expose-gc` offers.
function gc(kind) {
  if (kind !== undefined && kind !== 'minor') {
    throw new TypeError(`gc(kind): kind must be 'minor' or absent, not ${kind}`);
  }
  __heapsim.gc(kind === 'minor' ? 'minor' : 'full');
}

function isSnapshotName(name) {
  if (typeof name !== 'string' || name.length === 0) {
    return false;
  }
  for (let i = 0; i < name.length; i++) {
    if (SNAPSHOT_NAME_CHARS.indexOf(name[i]) === -1) {
      return false;
    }
  }
  return true;
}

// Writes `OUTDIR/<name>.heapsnapshot` (after V8's own full GC, as `v8.writeHeapSnapshot`).
function snapshot(name) {
  if (!isSnapshotName(name)) {
    throw new TypeError(`snapshot(name): name must be letters, digits, '_' or '-', not ${name}`);
  }
  __heapsim.snapshot(name);
}

function leak(fields) {
  if (typeof fields !== 'object' || fields === null) {
    throw new TypeError('expect.leak(fields): fields must be an object');
  }
  const record = { kind: 'leak' };
  for (const key of Object.keys(fields)) {
    if (LEAK_FIELDS.indexOf(key) === -1) {
      throw new TypeError(`expect.leak: unknown field '${key}' (known: ${LEAK_FIELDS.join(', ')})`);
    }
  }
  for (const key of LEAK_FIELDS) {
    if (typeof fields[key] !== 'string' || fields[key].length === 0) {
      throw new TypeError(`expect.leak: '${key}' must be a non-empty string`);
    }
    record[key] = fields[key];
  }
  __heapsim.expect(record);
}

function noLeak() {
  __heapsim.expect({ kind: 'noLeak' });
}

const expect = { leak, noLeak };

module.exports = { gc, snapshot, expect };
