// A long-running server with the talk's listener leak (tests/leaks/listeners.js): every
// request adds an 'error' listener to the shared `Client` and never removes it. It keeps
// serving (and leaking) on a timer until it is killed, for `heapsim capture` and
// `heapsim watch` to attach to; it is started without --inspect.
//
//   node listeners_server.js [--control] [--bulk N]
//
// --control  handle requests correctly (remove the listener): nothing accumulates.
// --bulk N   also keep N small objects alive, for a heap that takes a while to serialise.
// Prints "ready" once 20 000 requests are served. Exits by itself after ten minutes, so a
// test that dies without killing it leaves nothing running for long.
'use strict';
const EventEmitter = require('events');

class Client extends EventEmitter {
  query(sql) {
    return `result of ${sql}`;
  }
}

const control = process.argv.includes('--control');
const bulkAt = process.argv.indexOf('--bulk');
const bulk = bulkAt > 0 ? Number(process.argv[bulkAt + 1]) : 0;

const client = new Client();
client.setMaxListeners(0);
global.app = { name: 'home', client };
if (bulk > 0) {
  global.app.cache = Array.from({ length: bulk }, (_, i) => ({ i, s: 'c' + i }));
}

let served = 0;
function handleRequest() {
  const i = served++;
  const req = { id: i, url: `/home?page=${i}`, body: 'x'.repeat(64) + i };
  const onError = function onError(err) {
    console.error(req.url, err);
  };
  client.on('error', onError);
  const result = client.query(req.url);
  if (control) client.removeListener('error', onError);
  return result;
}

for (let i = 0; i < 20000; i++) handleRequest();
setInterval(() => {
  for (let i = 0; i < 10; i++) handleRequest();
}, 10);
setTimeout(() => process.exit(0), 600 * 1000).unref();
console.log('ready');
