// Reference runner for heapsim's interop suite: loads a .heapsnapshot with Chrome
// DevTools' own heap snapshot worker (npm chrome-devtools-frontend 1.0.1705227, pinned in
// ../package.json) and prints what DevTools computes, so tests/interop.rs can compare
// heapsim's analyzer with it node by node. Built by scripts/setup-interop.sh (esbuild
// bundle for Node). Adapted from the project's shared devtools-ref tool; the only
// DevTools code is the package itself, imported, never copied.
//
//   node devtools-ref.mjs summary FILE [TOP]   JSON: totals (node/edge counts, total size,
//        statistics), load problems, top retainers, Summary-view classes
//   node devtools-ref.mjs dump FILE            TSV, one row per node:
//        id  type  self_size  retained_size  distance  dominator_id  name
//        (tabs, newlines and backslashes in names written as \t, \n, \\)
//   node devtools-ref.mjs both FILE DUMP_OUT   the dump into DUMP_OUT and the summary on
//        stdout from one load (the worker is the slow part of the suite)
if (!(Promise as any).withResolvers) {
  (Promise as any).withResolvers = function() {
    let resolve: any, reject: any;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return {promise, resolve, reject};
  };
}
import * as fs from 'node:fs';
import {MessageChannel} from 'node:worker_threads';
import {HeapSnapshotLoader} from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js';
import {SecondaryInitManager} from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.js';
import * as HeapSnapshotModel from 'chrome-devtools-frontend/front_end/models/heap_snapshot/heap_snapshot.js';

async function load(file: string) {
  const ch = new MessageChannel();
  new SecondaryInitManager(ch.port2 as any);
  const problems: string[] = [];
  const dispatcher = {sendEvent(name: string, data: unknown) {
    if (String(name).includes('Broken')) problems.push(String(data));
  }} as any;
  const loader = new HeapSnapshotLoader(dispatcher);
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 24);
  const dec = new TextDecoder();
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n <= 0) break;
    loader.write(dec.decode(buf.subarray(0, n), {stream: true}));
    await new Promise(r => setImmediate(r));
  }
  fs.closeSync(fd);
  loader.close();
  const snap = await loader.buildSnapshot(ch.port1 as any);
  return {snap, ch, problems};
}

async function main() {
  const [mode, file, arg] = process.argv.slice(2);
  if (!file || !['summary', 'dump', 'both'].includes(mode) || (mode === 'both' && !arg)) {
    console.error('usage: devtools-ref.mjs summary FILE [TOP] | dump FILE | both FILE DUMP_OUT');
    process.exit(2);
  }
  const topArg = mode === 'summary' ? arg : undefined;
  const t0 = Date.now();
  const {snap, ch, problems} = await load(file);
  const ms = Date.now() - t0;
  const node = snap.rootNode();
  const nf = snap.nodeFieldCount;
  if (mode === 'dump' && problems.length) {
    console.error(`devtools-ref: DevTools reported a broken snapshot: ${problems.join('; ')}`);
    process.exit(3);
  }
  if (mode === 'dump' || mode === 'both') {
    const out = mode === 'dump' ? fs.createWriteStream('', {fd: 1}) : fs.createWriteStream(arg);
    const dom = snap.dominatorsTree;
    const lines: string[] = [];
    for (let i = 0; i < snap.nodeCount; i++) {
      node.nodeIndex = i * nf;
      const domId = snap.nodes[dom[i] * nf + snap.nodeIdOffset];
      const name = node.name().replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
      lines.push(`${node.id()}\t${node.type()}\t${node.selfSize()}\t${node.retainedSize()}\t${node.distance()}\t${domId}\t${name}`);
      if (lines.length >= 100000) { out.write(lines.join('\n') + '\n'); lines.length = 0; }
    }
    out.write(lines.join('\n') + (lines.length ? '\n' : ''));
    await new Promise(r => out.end(r));
  }
  if (mode === 'summary' || mode === 'both') {
    const topN = Number(topArg || 20);
    const rows: any[] = [];
    for (let i = 0; i < snap.nodeCount; i++) {
      node.nodeIndex = i * nf;
      rows.push({id: node.id(), name: node.name(), type: node.type(), self_size: node.selfSize(),
                 retained_size: node.retainedSize(), distance: node.distance()});
    }
    rows.sort((a, b) => b.retained_size - a.retained_size);
    const aggs = snap.aggregatesWithFilter(new HeapSnapshotModel.HeapSnapshotModel.NodeFilter());
    const classes = Object.values(aggs).map((a: any) => ({
      name: a.name, count: a.count, self_size: a.self, retained_size: a.maxRet, distance: a.distance,
    })).sort((a, b) => b.retained_size - a.retained_size);
    // Edge count as DevTools sees it (after loading), for the memlab cross-check.
    const edgeCount = snap.containmentEdges.length / snap.edgeFieldsCount;
    const result = {file, load_ms: ms, node_count: snap.nodeCount, edge_count: edgeCount,
                    total_size: snap.totalSize, statistics: snap.getStatistics(),
                    problems, top: rows.slice(0, topN), classes};
    process.stdout.write(JSON.stringify(result) + '\n');
  }
  ch.port1.close(); ch.port2.close();
}
main().catch(e => { console.error(String(e && e.stack || e)); process.exit(1); });
export {};
