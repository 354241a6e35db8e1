//! The talk's first case: an `EventEmitter` that gains a listener on every request.
//!
//! ```js
//! // client.js
//! class Client extends EventEmitter {}
//! global.client = new Client();
//! // home.js
//! app.get('/', (req, res) => {
//!   client.on('error', function onError(err) {   // home.js:12 — runs on *every* request
//!     log(req.url, err);
//!   });
//!   res.end(render(req));
//! });
//! ```
//! Each `onError` closure captures its request through its context, and
//! `client._events.error` (an `Array`) keeps every closure: the `Client` dominates all of
//! it, and the listener array is where the memory piles up.

use crate::js::{Js, JsResult};
use crate::{request, Params, Truth};

pub const TRUTH: Truth = Truth {
    suspect_class: "Client",
    accumulation_class: "Array",
    leaked_class: "onError",
};

pub fn run(js: &mut Js, p: &Params) -> JsResult<()> {
    let client = js.object("Client", 4)?;
    let events = js.plain()?;
    js.set(client, "_events", events)?;
    let count = js.smi(0);
    js.set(client, "_eventsCount", count)?;
    let listeners = js.array()?;
    js.set(events, "error", listeners)?;
    js.set_global("client", client)?;
    for i in 0..p.requests {
        js.scope(|js| {
            let req = request(js, i, p.payload_bytes)?;
            let ctx = js.context(None, &["req"])?;
            js.context_set(ctx, 0, req);
            let on_error = js.closure("onError", "home.js", 11, 24, Some(ctx))?;
            js.push(listeners, on_error)?;
            // The response is garbage as soon as it is sent.
            let _page = js.string(&"<html>".repeat(8))?;
            Ok(())
        })?;
    }
    Ok(())
}
