//! The talk's second case: hot module reload by deleting `require.cache` entries.
//!
//! ```js
//! app.get('/', (req, res) => {
//!   delete require.cache[require.resolve('./view.js')];
//!   const view = require('./view.js');   // a new Module each time...
//!   res.end(view.render(req));
//! });
//! ```
//! `require` pushes every freshly loaded module onto its parent's `children` array, and
//! deleting the cache entry does not remove it from there: the parent `Module` keeps every
//! copy of `view.js` — its exports, closures and cached template — alive.

use crate::js::{Js, JsResult};
use crate::{Params, Truth};

pub const TRUTH: Truth = Truth {
    suspect_class: "Module",
    accumulation_class: "Array",
    leaked_class: "Module",
};

pub fn run(js: &mut Js, p: &Params) -> JsResult<()> {
    let main = module(js, "/app/server.js")?;
    let cache = js.plain()?;
    js.set(cache, "/app/server.js", main)?;
    let require = js.plain()?;
    js.set(require, "cache", cache)?;
    js.set_global("require", require)?;
    let process = js.object("process", 4)?;
    js.set(process, "mainModule", main)?;
    js.set_global("process", process)?;
    let children = js.get(main, "children").expect("module() sets children");
    for i in 0..p.requests {
        js.scope(|js| {
            let view = module(js, "/app/view.js")?;
            let exports = js.plain()?;
            let ctx = js.context(None, &["template"])?;
            let template = js.string(&format!(
                "<div>{}</div>",
                "v".repeat(p.payload_bytes.max(16) + i % 7)
            ))?;
            js.context_set(ctx, 0, template);
            let render = js.closure("render", "view.js", 3, 16, Some(ctx))?;
            js.set(exports, "render", render)?;
            js.set(view, "exports", exports)?;
            js.set(cache, "/app/view.js", view)?;
            js.push(children, view)?;
            // `delete require.cache[...]` on the next request drops the cache's reference.
            js.clear(cache, "/app/view.js")?;
            Ok(())
        })?;
    }
    Ok(())
}

/// `new Module(id)` with an empty `children` array.
fn module(js: &mut Js, id: &str) -> JsResult<sim::Handle> {
    let m = js.object("Module", 6)?;
    let idv = js.string(id)?;
    js.set(m, "id", idv)?;
    let exports = js.plain()?;
    js.set(m, "exports", exports)?;
    let children = js.array()?;
    js.set(m, "children", children)?;
    let loaded = js.smi(1);
    js.set(m, "loaded", loaded)?;
    Ok(m)
}
