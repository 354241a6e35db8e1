// The closure-context leak (Meteor's "replaceThing", David Glasser 2013): every call makes
// a new `theThing` whose `someMethod` closure shares its scope (Context) with `unused`,
// which reads the previous `theThing`. V8 keeps one Context per scope, so each new thing's
// method keeps `originalThing` — the previous thing — alive: a chain as long as the number
// of calls. Each link holds a 1 kB string of its own, so 3 000 links make a few MB.
//
//   node replace_thing.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');

let theThing = null;
function replaceThing(i) {
  const originalThing = theThing;
  const unused = function () {
    if (originalThing) return 'hi';
    return '';
  };
  theThing = {
    longStr: `${i}:`.repeat(200), // flat and distinct: owned by this link alone
    someMethod: function someMethod() {
      return i;
    },
  };
  return unused;
}

const out = process.argv[2];
if (!out) throw new Error('usage: node replace_thing.js OUT');
// As in the original: a timer keeps calling it, so the module scope holding `theThing`
// stays alive (unref'd: it never fires before the snapshot, nor keeps the process up).
setInterval(replaceThing, 60 * 1000, -1).unref();
for (let i = 0; i < 3000; i++) replaceThing(i);
// From a fresh macrotask, as a monitoring agent would (nothing of the loop on the stack).
setImmediate(v8.writeHeapSnapshot, out);
