// The comparison both prelude tests make: each check group runs once on Node's own
// implementation and once on the prelude's, and the two JSON records must be equal.
// Prints `ok: GROUP` per equal group, or the first differing line with the lines before
// it, and exits 1 if any group differs. Node's warnings are not printed: a test that
// compares them records them itself.
'use strict';

function firstDifference(node, ours) {
  const a = node.split('\n');
  const b = ours.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const context = a.slice(Math.max(0, i - 8), i).join('\n');
  return `${context}\n--- Node:    ${a[i]}\n--- prelude: ${b[i]}`;
}

// `runGroup(impl, body)` resolves to the record of one group on one implementation.
async function compareGroups(groups, nodeImpl, preludeImpl, runGroup) {
  process.removeAllListeners('warning');
  let failed = false;
  for (const [name, body] of Object.entries(groups)) {
    const node = JSON.stringify(await runGroup(nodeImpl, body), null, 1);
    const ours = JSON.stringify(await runGroup(preludeImpl, body), null, 1);
    if (node === ours) {
      console.log(`ok: ${name}`);
    } else {
      console.log(`DIFFERENT: ${name}\n${firstDifference(node, ours)}`);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

module.exports = { compareGroups };
