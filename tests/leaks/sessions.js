// Sessions that are never evicted, in memlab's three steps: BASE, the action (5 000 logins,
// each also making per-request garbage), TARGET, the action undone as the program sees it
// (logout drops the garbage, but not the session), FINAL. The sessions pile up in a `Map`
// (`server.cache.table`, keyed by number) or in an array (`server.audit.log`):
//
//   node sessions.js OUTDIR map|array      base / target / final .heapsnapshot in OUTDIR
//
// Every Session has the same size (5-digit ids, fixed-length strings) and owns its strings,
// so a leak group's retained size is exactly its count times one Session's.
'use strict';
const v8 = require('v8');
const path = require('path');

class Session {
  constructor(id) {
    this.id = id;
    this.user = `user-${id}`;
    this.token = `token-${id}-`.padEnd(40, 'x');
  }
}

const [out, where] = process.argv.slice(2);
if (!out || !['map', 'array'].includes(where)) {
  throw new Error('usage: node sessions.js OUTDIR map|array');
}
const cache = { table: new Map() };
const audit = { log: [] };
global.server = { cache, audit };

let scratch = [];
function login(id) {
  const s = new Session(id);
  if (where === 'map') cache.table.set(id, s);
  else audit.log.push(s);
  scratch.push({ tmp: `request-${id}` });
}
function logout() {
  scratch = [];
}

for (let id = 10000; id < 10100; id++) login(id); // warm up: these are in BASE
logout();
v8.writeHeapSnapshot(path.join(out, 'base.heapsnapshot'));
for (let id = 10100; id < 15100; id++) login(id);
v8.writeHeapSnapshot(path.join(out, 'target.heapsnapshot'));
logout();
v8.writeHeapSnapshot(path.join(out, 'final.heapsnapshot'));
