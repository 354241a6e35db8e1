// A small program for the gc-viz tests: a list that survives scavenges (copied, then
// promoted), one object every node shares (found again through its forwarding address),
// and garbage in between.
const shared = { name: 'shared' };
let list = null;
for (let i = 0; i < 3000; i++) {
  const node = { i, shared, next: null };
  if (i % 100 === 0) {
    node.next = list;
    list = node;
  }
}
global.keep = list;
