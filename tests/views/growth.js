// Four snapshots of a process whose collections grow by the same step between snapshots,
// taken with allocation tracking on (the inspector's HeapProfiler.startTrackingHeapObjects,
// as DevTools' "Allocation instrumentation on timeline" does):
//
//   node growth.js OUT.heapsnapshot     writes OUT.heapsnapshot.1 … .3, then OUT.heapsnapshot
//
// * `app.sessions`: a Map gaining 200 `UserSession`s per step (created by `openSession`);
// * `app.log`: an Array gaining 200 `LogEntry`s per step;
// * `app.lru`: the control, a Map refilled to the same 50 entries each step;
// * `app.registry`: the one `Registry` instance.
'use strict';
const inspector = require('inspector');
const v8 = require('v8');

const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });

class UserSession {
  constructor(id) {
    this.id = id;
    this.user = `user-${id}`;
  }
}
class LogEntry {
  constructor(at) {
    this.at = `t${at}`;
  }
}
class Cached {
  constructor(k) {
    this.k = k;
  }
}
class Registry {
  constructor() {
    this.name = 'registry';
  }
}

function openSession(app, id) {
  app.sessions.set(`s${id}`, new UserSession(id));
}

function makeApp() {
  return { sessions: new Map(), log: [], lru: new Map(), registry: new Registry() };
}
global.app = makeApp();

const out = process.argv[2];
let next = 0;
for (let step = 1; step <= 4; step++) {
  for (let k = 0; k < 200; k++, next++) {
    openSession(global.app, next);
    global.app.log.push(new LogEntry(next));
  }
  global.app.lru.clear();
  for (let k = 0; k < 50; k++) global.app.lru.set(`c${k}`, new Cached(k));
  v8.writeHeapSnapshot(step < 4 ? `${out}.${step}` : out);
}
session.disconnect();
