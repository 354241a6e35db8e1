// A program that handles requests correctly: listeners are removed, modules are loaded
// once, timers are cleared. A leak report of its heap must name no suspect.
//
//   node control.js OUT.heapsnapshot
'use strict';
const EventEmitter = require('events');
const v8 = require('v8');

class Client extends EventEmitter {}
const client = new Client();

function handleRequest(i) {
  const req = { id: i, url: `/home?page=${i}`, body: 'x'.repeat(64) + i };
  const onError = (err) => console.error(req.url, err);
  client.on('error', onError);
  const t = setTimeout(() => {}, 3600 * 1000);
  // Done with the request: undo everything it registered.
  clearTimeout(t);
  client.removeListener('error', onError);
  return req.url.length;
}

const out = process.argv[2];
if (!out) throw new Error('usage: node control.js OUT');
let total = 0;
for (let i = 0; i < 20000; i++) total += handleRequest(i);
if (total === 0) throw new Error('unreachable');
// From a fresh macrotask, as a monitoring agent would (nothing of the loop on the stack).
setImmediate(v8.writeHeapSnapshot, out);
