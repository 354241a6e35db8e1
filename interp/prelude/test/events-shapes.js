// The prelude's EventEmitter against Node's own, under real Node:
//
//   node --expose-gc interp/prelude/test/events-shapes.js
//
// Runs the same calls on both classes (and on a `Client` subclass of each) and records,
// after every call, what a heap snapshot or a program can observe: the emitter's own
// keys, the keys of `_events` in order, each entry stored as a single function or as an
// Array (with Node's `warned` mark), `_eventsCount`, `_maxListeners`, whether `_events`
// was replaced, return values, listener call order, thrown errors, and every warning
// (`process.on('warning')`: name and message). Prints one line per check group and exits
// 1 at the first difference, showing both records. Run by tests/scenario_scripts.rs on
// Node 20, 22 and 24.
'use strict';
const os = require('os');
const path = require('path');
const NodeEmitter = require('events');
const { compareGroups } = require('./compare.js');

require(path.join(__dirname, '..', '..', '..', 'scenarios', 'node', 'hooks.js')).install(
  os.tmpdir()
);
const PreludeEmitter = require(path.join(__dirname, '..', 'events.js'));

function describeEntry(entry) {
  if (typeof entry === 'function') {
    return `fn ${entry.listener ? `once(${entry.listener.name})` : entry.name}`;
  }
  const items = entry.map((f) => (f.listener ? `once(${f.listener.name})` : f.name));
  return { array: items, warned: entry.warned === true };
}

function shape(emitter) {
  const events = {};
  for (const key of Object.keys(emitter._events)) {
    events[key] = describeEntry(emitter._events[key]);
  }
  return {
    ownKeys: Object.keys(emitter),
    events,
    eventsCount: emitter._eventsCount,
    maxListeners: emitter._maxListeners,
  };
}

// Each group: a function of (Emitter, record) making the same calls on one implementation.
const groups = {
  'single listener, then an Array from the second': (E, record) => {
    const e = new E();
    record('new', shape(e));
    e.on('error', function first() {});
    record('one', shape(e));
    e.on('error', function second() {});
    record('two', shape(e));
    e.addListener('data', function third() {});
    record('other event', shape(e));
  },
  'max listeners warning: once per Array, naming the class': (E, record) => {
    class Client extends E {}
    const c = new Client();
    for (let i = 0; i < 12; i++) c.on('error', function onError() {});
    record('12 error listeners', shape(c));
    for (let i = 0; i < 11; i++) c.on('data', function onData() {});
    record('11 data listeners', shape(c));
    const d = new Client();
    d.setMaxListeners(2);
    for (let i = 0; i < 3; i++) d.on('close', function onClose() {});
    const z = new E();
    record('setMaxListeners returns the emitter', z.setMaxListeners(0) === z);
    for (let i = 0; i < 20; i++) z.on('x', function onX() {});
    record('limits', [shape(d), shape(z), d.getMaxListeners(), z.getMaxListeners()]);
    let error;
    try {
      z.setMaxListeners(-1);
    } catch (e) {
      error = `${e.name}: ${e.message}`;
    }
    record('bad limit', error);
  },
  'removing: back to a single listener, key deleted, _events replaced': (E, record) => {
    const e = new E();
    const a = function a() {};
    const b = function b() {};
    const c = function c() {};
    e.on('error', a);
    e.on('error', b);
    e.on('error', c);
    e.on('end', a);
    record('removing an absent listener', e.removeListener('error', function nope() {}) === e);
    e.off('error', b);
    record('off b', shape(e));
    e.removeListener('error', a);
    record('off a', shape(e));
    e.removeListener('error', c);
    record('off c', shape(e));
    const events = e._events;
    e.off('end', a);
    record('off last', [shape(e), e._events === events]);
  },
  'once: wrapper stored, removed by the original, fires once': (E, record) => {
    const e = new E();
    const calls = [];
    const listener = function onReady(x) {
      calls.push(`ready ${x} ${this === e}`);
    };
    e.once('ready', listener);
    record('once stored', shape(e));
    record('emit', [e.emit('ready', 1), e.emit('ready', 2), calls, shape(e)]);
    e.once('ready', listener);
    e.on('ready', function other() {});
    record('count by original', e.listenerCount('ready', listener));
    e.off('ready', listener);
    record('off by original', shape(e));
  },
  'emit: arguments, this, a copy of the Array, errors': (E, record) => {
    const e = new E();
    const calls = [];
    const second = function second() {
      calls.push('second');
    };
    e.on('tick', function first(a, b) {
      calls.push(`first ${a} ${b}`);
      e.removeListener('tick', second);
    });
    e.on('tick', second);
    record('emit', [e.emit('tick', 'x', 'y'), e.emit('tick', 'z'), calls, shape(e)]);
    record('no listener', e.emit('nothing'));
    const boom = new Error('boom');
    let thrown;
    try {
      e.emit('error', boom);
    } catch (err) {
      thrown = err === boom;
    }
    record('unhandled error is thrown', thrown);
  },
  'newListener and removeListener events, removeAllListeners': (E, record) => {
    const e = new E();
    const seen = [];
    e.on('newListener', function onNew(type) {
      seen.push(`new ${type}`);
    });
    e.on('removeListener', function onRemove(type) {
      seen.push(`removed ${type}`);
    });
    const a = function a() {};
    e.on('x', a);
    e.on('x', function b() {});
    e.on('y', a);
    e.off('x', a);
    record('events seen', [seen, shape(e)]);
    e.removeAllListeners('x');
    record('remove all x', [seen, shape(e)]);
    e.removeAllListeners();
    record('remove all', [seen, shape(e)]);
    const f = new E();
    f.on('p', a);
    f.on('p', a);
    f.on('q', a);
    f.removeAllListeners('p');
    record('quiet remove all p', shape(f));
    f.removeAllListeners();
    record('quiet remove all', shape(f));
  },
  'listenerCount': (E, record) => {
    const e = new E();
    const a = function a() {};
    e.on('x', a);
    record('single', [e.listenerCount('x'), e.listenerCount('x', a), e.listenerCount('x', e.emit)]);
    e.on('x', a);
    e.on('x', function b() {});
    record('array', [e.listenerCount('x'), e.listenerCount('x', a), e.listenerCount('none')]);
  },
};

function runGroup(E, body) {
  const records = [];
  const warnings = [];
  const onWarning = (w) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  body(E, (label, value) => records.push([label, value]));
  return new Promise((resolve) => {
    // Node emits warnings on the next tick.
    setImmediate(() => {
      process.removeListener('warning', onWarning);
      resolve({ records, warnings });
    });
  });
}

compareGroups(groups, NodeEmitter, PreludeEmitter, runGroup);
