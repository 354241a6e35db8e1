// Control: the talk's cases done right — listeners removed, timers cleared, heavy churn, no leak.
//
// Each request registers an 'error' listener on the long-lived Client, starts a timeout
// and a short interval, builds its response, then undoes everything it registered. The
// emitter's storage switches between single listener and Array and the timer lists come
// and go, but nothing accumulates.
const EventEmitter = require('events');

class Client extends EventEmitter {}

const client = new Client();
global.app = { client: client };
let requests = 0;
let ticks = 0;

function handleRequest(i) {
  const req = { id: i, url: `/home?page=${i}`, body: `${'x'.repeat(64)}${i}` };
  const onError = (err) => console.log(`${req.url} failed: ${err}`);
  const onClose = () => {};
  client.on('error', onError);
  client.on('close', onClose);
  const timeout = setTimeout(() => {}, 30 * 1000);
  const poll = setInterval(() => {
    ticks += 1;
  }, 100);
  advanceTime(250);
  clearTimeout(timeout);
  clearInterval(poll);
  client.off('error', onError);
  client.removeListener('close', onClose);
  return `<html>${req.url}</html>`.length;
}

function action() {
  handleRequest(requests);
  requests += 1;
}

function back() {
  if (requests % 500 === 0) {
    console.log(`${requests} requests, ${ticks} ticks, ${client.listenerCount('error')} listeners`);
  }
}

expect.noLeak();

module.exports = { action, back, repeat: 2000 };
