// A WeakMap keyed by the request caches per-request data correctly: entries die with their request.
//
// The fix for map-cache.js when the key is an object: per-request metadata hangs off a
// `WeakMap`, so once a request is finished (only the last 8 stay in flight) its entry is
// collectable. No leak.
const metadata = new WeakMap();
const inFlight = [];
let requests = 0;
let lookups = 0;

function metadataFor(req) {
  let meta = metadata.get(req);
  if (meta === undefined) {
    meta = { parsed: req.url.split('/'), user: `user-${req.id % 13}`, body: 'm'.repeat(200) };
    metadata.set(req, meta);
  }
  lookups += 1;
  return meta;
}

function action() {
  const req = { id: requests, url: `/api/orders/${requests}/items` };
  inFlight.push(req);
  if (inFlight.length > 8) {
    inFlight.splice(0, 1);
  }
  metadataFor(req);
  metadataFor(req);
  requests += 1;
}

function back() {
  if (requests % 1000 === 0) {
    console.log(`${requests} requests, ${lookups} lookups, ${inFlight.length} in flight`);
  }
}

expect.noLeak();

module.exports = { action, back, repeat: 3000 };
