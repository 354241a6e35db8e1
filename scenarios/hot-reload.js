// "Hot reload" by deleting a module from require.cache on every request; its parent keeps every copy.
//
// The talk's second case (tests/leaks/hot_reload.js is the plain-Node original): to pick
// up edits without a restart, the handler deletes `./hot-reload/widget.js` from
// `require.cache` and requires it again. The cache forgets the old `Module`, but this
// module's `children` Array still lists it, so every reload keeps another `Module` with
// its exports and its 200 rows.
let requests = 0;

function handleRequest(i) {
  delete require.cache[require.resolve('./hot-reload/widget.js')];
  const widget = require('./hot-reload/widget.js');
  return widget.find(i % 200).name;
}

function action() {
  handleRequest(requests);
  requests += 1;
}

function back() {
  if (requests % 100 === 0) {
    console.log(`${requests} reloads: this module has ${module.children.length} children`);
  }
}

expect.leak({
  suspect: 'Module',
  accumulation: 'Array',
  path: 'children',
  leaked: 'Module',
});

module.exports = { action, back, repeat: 400 };
