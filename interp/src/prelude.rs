//! The prelude: the Node-like runtime written in the scenario language
//! (`interp/prelude/*.js`, `docs/scenario-runtime.md`), embedded in the binary and loaded
//! into every realm before the script.
//!
//! Order matters: `events` first (`process` is an `EventEmitter`), then `timers` and
//! `harness`, whose exports become globals as the shim installs them under real Node
//! (`scenarios/node/harness.js`): `setTimeout`, `setInterval`, `clearTimeout`,
//! `clearInterval`, `advanceTime`; `gc`, `snapshot`, `expect`.

use crate::builtins::global;
use crate::eval::{Interp, JsResult};
use crate::modules::{load_builtin, provide};

pub const EVENTS: &str = include_str!("../prelude/events.js");
pub const TIMERS: &str = include_str!("../prelude/timers.js");
pub const HARNESS: &str = include_str!("../prelude/harness.js");

const TIMER_GLOBALS: [&str; 5] = [
    "setTimeout",
    "setInterval",
    "clearTimeout",
    "clearInterval",
    "advanceTime",
];
const HARNESS_GLOBALS: [&str; 3] = ["gc", "snapshot", "expect"];

pub fn install(it: &mut Interp<'_>) -> JsResult<()> {
    let events = load_builtin(it, "events", EVENTS)?;
    provide(it, "events", events);
    crate::builtins::process::install(it, events)?;
    let timers = load_builtin(it, "timers", TIMERS)?;
    provide(it, "timers", timers);
    export_globals(it, timers, &TIMER_GLOBALS)?;
    // The harness directives are globals only, as under the shim.
    let harness = load_builtin(it, "harness", HARNESS)?;
    export_globals(it, harness, &HARNESS_GLOBALS)
}

fn export_globals(it: &mut Interp<'_>, exports: sim::Handle, names: &[&str]) -> JsResult<()> {
    for name in names {
        let n = it.intern(name)?;
        let v = it.get(exports, n)?;
        global(it, name, v)?;
    }
    Ok(())
}
