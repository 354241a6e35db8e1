// The talk's second case: "hot reload" by deleting a module from `require.cache` on every
// request. The parent module still lists every old copy in its `children` array, so
// reloaded `Module`s (and everything their exports hold) pile up.
//
//   node hot_reload.js OUT.heapsnapshot
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapsim-hot-reload-'));
const file = path.join(dir, 'operator.js');
fs.writeFileSync(
  file,
  `'use strict';
const rows = [];
for (let i = 0; i < 200; i++) rows.push({ id: i, name: 'operator ' + i });
module.exports = { find: (id) => rows[id], rows };
`
);

function handleRequest(i) {
  delete require.cache[require.resolve(file)];
  const Operator = require(file);
  return Operator.find(i % 200).name;
}

const out = process.argv[2];
if (!out) throw new Error('usage: node hot_reload.js OUT');
for (let i = 0; i < 1000; i++) handleRequest(i);
// From a fresh macrotask, as a monitoring agent would (nothing of the loop on the stack).
setImmediate(() => {
  v8.writeHeapSnapshot(out);
  fs.rmSync(dir, { recursive: true, force: true });
});
