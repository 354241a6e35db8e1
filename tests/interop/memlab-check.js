// memlab cross-check for heapsim's interop suite: loads a .heapsnapshot with memlab's
// own loader (@memlab/heap-analysis getFullHeapFromFile, which also computes memlab's
// dominators and retained sizes) and writes counts and size totals as JSON, so
// tests/interop.rs can check that heapsim and memlab see the same graph.
//
//   node memlab-check.js SNAPSHOT OUT.json
// memlab logs progress on stdout, hence the separate output file.
'use strict';
const fs = require('fs');
const {getFullHeapFromFile} = require('@memlab/heap-analysis');

async function main() {
  const [file, out] = process.argv.slice(2);
  if (!file || !out) {
    console.error('usage: memlab-check.js SNAPSHOT OUT.json');
    process.exit(2);
  }
  const heap = await getFullHeapFromFile(file);
  let selfTotal = 0;
  heap.nodes.forEach(node => { selfTotal += node.self_size; });
  const root = heap.nodes.get(0);
  const result = {
    node_count: heap.nodes.length,
    edge_count: heap.edges.length,
    self_size_total: selfTotal,
    root_id: root.id,
    root_retained_size: root.retainedSize,
  };
  fs.writeFileSync(out, JSON.stringify(result) + '\n');
}
main().catch(e => { console.error(String(e && e.stack || e)); process.exit(1); });
