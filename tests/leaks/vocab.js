// One heap for the vocabulary tests (tests/vocabulary.rs): every command must call the
// same objects by the same names.
//
// - `cache.pages` holds 20 000 plain objects of one shape: DevTools' class `{headers, html}`
//   (in `summary`), which `analyze` and `tree` must also use instead of `Object`;
// - a `Client` is reachable only through the scope of an anonymous function (line 24), so
//   its retainer path goes through that function's Context;
// - `server.onError` is a closure, so `(compiled code) "onError"` (its SharedFunctionInfo)
//   exists beside the closure.
//
// Usage: node vocab.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');

class Cache {
  constructor() {
    this.pages = [];
  }
}

function makeServer() {
  const client = new Client();
  return {
    handler: (() => () => client.requests.length)(),
    onError: function onError() {
      return client;
    },
  };
}

class Client {
  constructor() {
    this.requests = [];
    for (let i = 0; i < 20000; i++) this.requests.push({ url: `/r/${i}`, at: i });
  }
}

global.cache = new Cache();
for (let i = 0; i < 20000; i++) {
  global.cache.pages.push({ headers: { n: i }, html: `<p>${i}</p>` });
}
global.server = makeServer();
v8.writeHeapSnapshot(process.argv[2]);
