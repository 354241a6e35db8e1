// The prelude's timers against Node's own, under real Node:
//
//   node --expose-gc interp/prelude/test/timers-shapes.js
//
// Makes the same calls with Node's timers (on the real clock, then waiting for them) and
// with the prelude's (on the simulated clock, then `advanceTime`), and requires equal
// records: the class names and own keys of `Timeout` and `TimersList`, how timers link into
// their list (oldest at `_idlePrev`), the state a cleared or fired timer is left in, which
// durations are clamped to 1 ms, and the order callbacks fire in — Node's rule of lists by
// expiry, then by list id, then oldest timer first. Clock readings are never compared
// (Node's start where the loop's clock happens to be). Prints one line per check group,
// exits 1 at the first difference. Run by tests/scenario_scripts.rs on Node 20, 22, 24.
'use strict';
const os = require('os');
const path = require('path');
const { compareGroups } = require('./compare.js');

require(path.join(__dirname, '..', '..', '..', 'scenarios', 'node', 'hooks.js')).install(
  os.tmpdir()
);
const prelude = require(path.join(__dirname, '..', 'timers.js'));

// Both implementations behind one face: `run(ms)` lets `ms` of time pass.
const nodeTimers = {
  setTimeout,
  setInterval,
  clearTimeout,
  clearInterval,
  run: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 20)),
};
const preludeTimers = {
  setTimeout: prelude.setTimeout,
  setInterval: prelude.setInterval,
  clearTimeout: prelude.clearTimeout,
  clearInterval: prelude.clearInterval,
  run: async (ms) => prelude.advanceTime(ms + 20),
};

function timerState(t) {
  return {
    class: t.constructor.name,
    keys: Object.keys(t),
    idleTimeout: t._idleTimeout,
    linked: [t._idleNext === null, t._idlePrev === null],
    // A cleared timer's callback is null up to Node 22, undefined from 24: no reference
    // either way, which is what a heap snapshot sees.
    onTimeout: t._onTimeout == null ? 'none' : typeof t._onTimeout,
    repeat: t._repeat,
    destroyed: t._destroyed,
  };
}

const groups = {
  'Timeout and TimersList shapes and links': async (T, record) => {
    const first = T.setTimeout(function first() {}, 50);
    const second = T.setTimeout(function second() {}, 50);
    const list = first._idlePrev === second ? first._idleNext : first._idlePrev;
    record('timeout', timerState(first));
    record('list', { class: list.constructor.name, keys: Object.keys(list), msecs: list.msecs });
    record('links', [
      list._idlePrev === first,
      list._idleNext === second,
      second._idleNext === first,
      first._idlePrev === list,
      list.expiry === first._idleStart + 50,
    ]);
    T.clearTimeout(first);
    record('cleared', timerState(first));
    record('list after clear', list._idlePrev === second && list._idleNext === second);
    await T.run(50);
    record('fired', timerState(second));
    const interval = T.setInterval(function tick() {}, 30);
    record('interval', timerState(interval));
    T.clearInterval(interval);
    record('interval cleared', timerState(interval));
  },
  'durations clamped to 1 ms': async (T, record) => {
    const durations = [0, -5, 'abc', undefined, 2147483648, 1.5, '7'];
    record(
      'clamped',
      durations.map((d) => {
        const t = T.setTimeout(() => {}, d);
        const ms = t._idleTimeout;
        T.clearTimeout(t);
        return ms;
      })
    );
  },
  // Durations are tens of milliseconds apart, so that a first wake-up delayed by a loaded
  // machine (Node's timers run on the real clock) cannot change the order: `j50` is due at
  // 100 ms or later, after the 100 ms list (an older list id breaks the tie) and well
  // before the 200 ms one.
  'firing order: by expiry, list id, then oldest first': async (T, record) => {
    const fired = [];
    const at = (name, ms) => T.setTimeout(() => fired.push(name), ms);
    at('a300', 300);
    at('b100', 100);
    at('c200', 200);
    at('d100', 100);
    const e300 = at('e300', 300);
    at('f1', 1);
    at('g0', 0);
    T.setTimeout(() => {
      fired.push('h200 clears e300');
      T.clearTimeout(e300);
    }, 200);
    T.setTimeout(() => {
      fired.push('i50 adds j50');
      at('j50', 50);
    }, 50);
    await T.run(400);
    record('fired', fired);
  },
  'clearTimeout accepts intervals and nothing': async (T, record) => {
    const fired = [];
    const interval = T.setInterval(() => fired.push('never'), 10);
    T.clearTimeout(interval);
    const timeout = T.setTimeout(() => fired.push('never either'), 10);
    T.clearInterval(timeout);
    T.clearTimeout(undefined);
    T.clearTimeout(null);
    T.clearTimeout(timeout);
    await T.run(30);
    record('fired', fired);
    let error;
    try {
      T.setTimeout('not a function', 10);
    } catch (e) {
      error = e.name;
    }
    record('bad callback', error);
  },
};

// Node warns on stderr about clamped durations (texts vary by version, the prelude does
// not warn): only the records are compared.
async function runGroup(T, body) {
  const records = [];
  await body(T, (label, value) => records.push([label, value]));
  return records;
}

compareGroups(groups, nodeTimers, preludeTimers, runGroup);
