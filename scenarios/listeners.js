// An 'error' listener added to a long-lived Client on every request, never removed.
//
// The talk's first case (tests/leaks/listeners.js is the plain-Node original): `home.js`
// registers `client.on('error', function onError …)` inside its request handler, so each
// request's closure — and through its context the request itself — stays in
// `client._events.error`, an Array that grows by one per request. The max-listeners
// warning is silenced as in the bug (`setMaxListeners(0)`).
const EventEmitter = require('events');

class Client extends EventEmitter {
  query(sql) {
    return `result of ${sql}`;
  }
}

const client = new Client();
client.setMaxListeners(0);
// Shared like any database client: the app object holds it.
global.app = { name: 'home', client: client };

let requests = 0;

// home.js in the talk: each request registers a handler and never removes it.
function handleRequest(i) {
  const req = { id: i, url: `/home?page=${i}`, body: 'x'.repeat(64) + i };
  client.on('error', function onError(err) {
    console.log(`${req.url} failed: ${err}`);
  });
  return client.query(req.url);
}

function setup() {
  for (let i = 0; i < 100; i++) {
    handleRequest(i);
  }
  requests = 100;
}

function action() {
  handleRequest(requests);
  requests += 1;
}

function back() {
  // The page is sent: nothing of the request should stay behind, yet its listener does.
  if (requests % 1000 === 0) {
    console.log(`listeners after ${requests} requests: ${client.listenerCount('error')}`);
  }
}

expect.leak({
  suspect: 'Client',
  accumulation: 'Array',
  path: 'client._events.error',
  leaked: 'onError',
});

module.exports = { setup, action, back, repeat: 5000 };
