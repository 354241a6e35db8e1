// A listener on the process-wide emitter per connection: process.on('exit', …) that is never removed.
//
// Each connection registers cleanup on `process` and forgets to remove it when it closes:
// `process._events.exit` grows by one closure per connection, each holding its
// connection. Node prints its MaxListenersExceededWarning (on stderr) at the 11th.
let opened = 0;

function openConnection(id) {
  const conn = { id: id, buffer: `${'.'.repeat(256)}${id}`, open: true };
  process.on('exit', function onExit() {
    conn.open = false;
  });
  return conn;
}

function action() {
  const conn = openConnection(opened);
  opened += 1;
  // The connection closes: its work is done, but the exit listener stays.
  conn.open = false;
}

function back() {
  if (opened % 1000 === 0) {
    console.log(`${opened} connections, ${process.listenerCount('exit')} exit listeners`);
  }
}

expect.leak({
  suspect: 'process',
  accumulation: 'Array',
  path: '_events.exit',
  leaked: 'onExit',
});

module.exports = { action, back, repeat: 5000 };
