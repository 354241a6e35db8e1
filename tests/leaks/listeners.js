// The talk's first case: a long-lived EventEmitter subclass (`Client`) gets a new 'error'
// listener on every simulated request, so `client._events.error` (an Array) grows forever.
//
//   node listeners.js OUT.heapsnapshot            one snapshot after 20 000 requests
//   node listeners.js OUTDIR --three              baseline / target / final snapshots
//                                                 (memlab's method) in OUTDIR
'use strict';
const EventEmitter = require('events');
const v8 = require('v8');
const path = require('path');

class Client extends EventEmitter {
  query(sql) {
    return `result of ${sql}`;
  }
}

const client = new Client();
client.setMaxListeners(0); // the warning the talk recommends heeding, silenced as in the bug
// Shared like any database client: the app object holds it, and so does this module's
// scope, which the long-lived message handler below closes over.
global.app = { name: 'home', client };
process.on('message', function onMessage(m) {
  handleRequest(m);
});

// home.js in the talk: each request registers a handler and never removes it.
function handleRequest(i) {
  const req = { id: i, url: `/home?page=${i}`, body: 'x'.repeat(64) + i };
  client.on('error', function onError(err) {
    console.error(req.url, err);
  });
  return client.query(req.url);
}

// Short-lived work that a correct program frees: the control for the three-snapshot run.
function transient(n) {
  const scratch = [];
  for (let i = 0; i < n; i++) scratch.push({ tmp: i, s: 'tmp' + i });
  return scratch.length;
}

const out = process.argv[2];
if (!out) throw new Error('usage: node listeners.js OUT [--three]');
if (process.argv[3] === '--three') {
  for (let i = 0; i < 100; i++) handleRequest(i); // warm up
  v8.writeHeapSnapshot(path.join(out, 'base.heapsnapshot'));
  let kept = [];
  for (let i = 100; i < 10100; i++) handleRequest(i);
  kept.push(transient(5000));
  v8.writeHeapSnapshot(path.join(out, 'target.heapsnapshot'));
  kept = null;
  v8.writeHeapSnapshot(path.join(out, 'final.heapsnapshot'));
} else {
  for (let i = 0; i < 20000; i++) handleRequest(i);
  // From a fresh macrotask, as a monitoring agent would: nothing of the request loop is on
  // the stack any more, so retainer paths show how the program itself holds the leak.
  setImmediate(v8.writeHeapSnapshot, out);
}
