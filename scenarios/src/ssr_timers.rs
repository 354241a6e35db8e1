//! The talk's third case: a Vue component that starts an interval in `created()`, a hook
//! that also runs during server-side rendering — where nothing ever destroys the component.
//!
//! ```js
//! export default {
//!   created() { this.timer = setInterval(() => this.poll(), 1000); },   // widget.vue:8
//! }
//! ```
//! Node keeps intervals of one duration on a `TimersList`, a circular doubly-linked list of
//! `Timeout` objects (`_idleNext` / `_idlePrev`), reachable both from `timerListMap[ms]` and
//! from the `timerListQueue` priority queue — two retainers, so neither container dominates
//! the list and the `TimersList` itself is what a leak report names. Every render adds a `Timeout` whose
//! callback captures the component instance and its rendered state. Because the list is
//! linked both ways, no `Timeout` dominates another: the `TimersList` dominates them all,
//! and the memory shows up as a *group* of `Timeout`s under it.

use crate::js::{Js, JsResult};
use crate::{Params, Truth};

pub const TRUTH: Truth = Truth {
    suspect_class: "TimersList",
    accumulation_class: "TimersList",
    leaked_class: "Timeout",
};

pub fn run(js: &mut Js, p: &Params) -> JsResult<()> {
    // Node's timers module state lives in a module context held by its internals.
    let internals = js.context(None, &["timerListMap", "timerListQueue"])?;
    let map = js.plain()?;
    js.context_set(internals, 0, map);
    let queue = js.object("PriorityQueue", 4)?;
    let heap = js.array()?;
    js.set(queue, "_heap", heap)?;
    js.context_set(internals, 1, queue);
    let list = js.object("TimersList", 6)?;
    let ms = js.smi(1000);
    js.set(list, "msecs", ms)?;
    js.set(list, "_idleNext", list)?;
    js.set(list, "_idlePrev", list)?;
    js.set(map, "1000", list)?;
    js.push(heap, list)?;
    js.global_handle(internals);
    for i in 0..p.requests {
        js.scope(|js| {
            let vm = js.object("VueComponent", 6)?;
            let data = js.plain()?;
            let html = js.string(&format!("<li>{}</li>", "x".repeat(p.payload_bytes + i % 5)))?;
            js.set(data, "html", html)?;
            js.set(vm, "_data", data)?;
            let ctx = js.context(None, &["_this"])?;
            js.context_set(ctx, 0, vm);
            let tick = js.closure("", "widget.vue", 8, 30, Some(ctx))?;
            let timeout = js.object("Timeout", 8)?;
            js.set(timeout, "_onTimeout", tick)?;
            js.set(timeout, "_idleTimeout", ms)?;
            js.set(vm, "timer", timeout)?;
            // Append at the tail of the circular list.
            let tail = js.get(list, "_idlePrev").expect("list is circular");
            js.set(timeout, "_idlePrev", tail)?;
            js.set(timeout, "_idleNext", list)?;
            js.set(tail, "_idleNext", timeout)?;
            js.set(list, "_idlePrev", timeout)?;
            Ok(())
        })?;
    }
    Ok(())
}
