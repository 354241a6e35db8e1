// Interop program: a class-heavy app. Many classes with inheritance chains, Maps and
// Sets of instances, object cycles, a detached-looking subtree (removed from its parent
// but still held by a listener registry), objects reachable only through WeakRefs, a
// FinalizationRegistry, and objects with many properties (dictionary mode).
//   node classes.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const out = process.argv[2];
if (!out) { console.error('usage: node classes.js OUT.heapsnapshot'); process.exit(2); }

class Entity { constructor(id) { this.id = id; this.tags = new Set(); } }
class Named extends Entity { constructor(id, name) { super(id); this.name = name; } }
class User extends Named {
  constructor(id) { super(id, 'user' + id); this.sessions = []; this.friends = new Set(); }
}
class Admin extends User { constructor(id) { super(id); this.rights = new Map([['all', true]]); } }
class Session { constructor(user, n) { this.user = user; this.n = n; this.data = {n, at: n * 1000}; } }
class Order extends Entity {
  constructor(id, user) { super(id); this.user = user; this.lines = []; }
}
class OrderLine { constructor(order, sku, qty) { this.order = order; this.sku = sku; this.qty = qty; } }
class Product extends Named { constructor(id) { super(id, 'sku-' + id); this.price = id * 1.25; } }

// Many small classes created dynamically, each with a few instances.
const dynamic = [];
for (let c = 0; c < 60; c++) {
  const Base = c % 3 === 0 ? Entity : (c % 3 === 1 ? Named : Product);
  const K = {[`Dyn${c}`]: class extends Base {}}[`Dyn${c}`];
  for (let i = 0; i < 10; i++) dynamic.push(new K(c * 100 + i, 'd'));
}

class Node { constructor(tag) { this.tag = tag; this.parent = null; this.children = []; } }
function tree(depth, fan, tag) {
  const n = new Node(tag);
  if (depth > 0) {
    for (let i = 0; i < fan; i++) {
      const c = tree(depth - 1, fan, tag + '.' + i);
      c.parent = n;
      n.children.push(c);
    }
  }
  return n;
}

const app = {};
app.users = new Map();
for (let i = 0; i < 2000; i++) {
  const u = i % 50 === 0 ? new Admin(i) : new User(i);
  u.tags.add(i % 7 === 0 ? 'vip' : 'regular');
  for (let s = 0; s < 2; s++) u.sessions.push(new Session(u, s));
  app.users.set(i, u);
}
// Cycles: friends point at each other.
for (let i = 0; i < 2000; i++) {
  app.users.get(i).friends.add(app.users.get((i + 1) % 2000));
  app.users.get(i).friends.add(app.users.get((i * 7) % 2000));
}
app.products = Array.from({length: 500}, (_, i) => new Product(i));
app.orders = new Set();
for (let i = 0; i < 1500; i++) {
  const o = new Order(10000 + i, app.users.get(i % 2000));
  for (let l = 0; l < 3; l++) o.lines.push(new OrderLine(o, app.products[(i + l) % 500], l + 1));
  app.orders.add(o);
}
app.dynamic = dynamic;

// A document-like tree; one subtree is removed from it but a listener registry keeps it.
app.document = tree(5, 4, 'root');
const removed = app.document.children.pop();
removed.parent = null;
app.listeners = new Map([['click', [() => removed.tag]]]);

// Objects reachable only through WeakRefs, and WeakRefs to strongly held objects. The
// snapshot's full GC collects the weak-only targets (Node has no option to skip it,
// and targets of WeakRefs made in the snapshot's own job are collected as well), so the
// file shows those WeakRefs without a target: the weak edges analysed are those to live
// targets, plus the ephemerons of weakmaps.js. A FinalizationRegistry with registered objects.
app.weakOnly = Array.from({length: 100}, (_, i) => new WeakRef(new Session(null, i)));
app.weakStrong = Array.from({length: 100}, (_, i) => new WeakRef(app.users.get(i)));
app.registry = new FinalizationRegistry(held => held);
for (let i = 0; i < 100; i++) app.registry.register(app.users.get(i), 'user' + i);

// Dictionary-mode objects: many properties, then deletes.
app.dict = {};
for (let i = 0; i < 3000; i++) app.dict['key' + i] = {v: i};
for (let i = 0; i < 3000; i += 2) delete app.dict['key' + i];

// A self cycle and a long chain.
app.self = {name: 'self'};
app.self.me = app.self;
let chain = null;
for (let i = 0; i < 5000; i++) chain = {next: chain, i};
app.chain = chain;

globalThis.__interopApp = app;
// Let the current job end so WeakRef targets are no longer kept alive by the
// job's keep-alive set, then snapshot (its full GC decides what stays).
setImmediate(() => v8.writeHeapSnapshot(out));
