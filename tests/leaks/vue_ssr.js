// The talk's third case: Vue 2 server-side rendering of a component whose `created()` hook
// starts an interval. `created()` runs on the server for every render and nothing ever
// clears the interval, so `Timeout`s (each holding its component instance) accumulate in
// Node's `TimersList`.
//
//   NODE_PATH=<dir with vue@2 and vue-server-renderer@2> node vue_ssr.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const Vue = require('vue');
const { createRenderer } = require('vue-server-renderer');

const renderer = createRenderer();

const Clock = {
  props: ['n'],
  data() {
    return { now: 0, items: Array.from({ length: 20 }, (_, i) => ({ i, label: 'item ' + i })) };
  },
  created() {
    this.timer = setInterval(() => {
      this.now = Date.now();
    }, 3600 * 1000);
  },
  render(h) {
    return h('ul', this.items.map((it) => h('li', { key: it.i }, `${this.n}: ${it.label}`)));
  },
};

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node vue_ssr.js OUT');
  for (let i = 0; i < 1000; i++) {
    const app = new Vue({ render: (h) => h(Clock, { props: { n: i } }) });
    await renderer.renderToString(app);
  }
  // Snapshot from a fresh macrotask, as a monitoring agent would: no handle of the render
  // loop still points into the last component.
  setImmediate(() => {
    v8.writeHeapSnapshot(out);
    process.exit(0); // the intervals would keep the process alive: that is the bug
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
