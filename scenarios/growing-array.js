// A global request log that only grows: every request's record is pushed and never dropped.
//
// Debug code that made it to production: `global.requestLog.push(...)` per request,
// meant to be trimmed "later". The Array and its records grow without bound.
global.requestLog = [];
let requests = 0;

function action() {
  requestLog.push({
    id: requests,
    method: 'GET',
    url: `/api/items/${requests}`,
    headers: { accept: 'application/json', 'user-agent': `client-${requests % 7}` },
    body: `{"items":[${'0,'.repeat(64)}${requests}]}`,
  });
  requests += 1;
}

function back() {
  if (requests % 1000 === 0) {
    console.log(`${requests} requests, ${requestLog.length} log records`);
  }
}

expect.leak({
  suspect: 'Array',
  accumulation: 'Array',
  path: 'requestLog',
  leaked: '{method, url, headers, body}',
});

module.exports = { action, back, repeat: 3000 };
