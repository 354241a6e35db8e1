//! `process`: Node's process object, an `EventEmitter` of class `process` (so
//! `process.on('exit', …)` keeps listeners as any emitter does), with `pid`, `platform`,
//! `env`, `argv` and `memoryUsage()` read from the simulated heap's spaces. Installed
//! once the prelude's `events` has loaded, since its prototype chain runs through
//! `EventEmitter.prototype`.

use sim::{Handle, SpaceId};

use super::{global, method, property};
use crate::eval::{Interp, JsResult, NativeCall};

/// Installs `globalThis.process` whose class inherits from `emitter` (the `EventEmitter`
/// constructor).
pub fn install(it: &mut Interp<'_>, emitter: Handle) -> JsResult<()> {
    let pn = it.realm.names.prototype;
    let ep = it.get(emitter, pn)?;
    let proto = it.object_with_prototype(ep)?;
    let ctor = super::class(it, "process", no_construct, 0, proto)?;
    let p = it.alloc_instance(ctor)?;
    method(it, p, "memoryUsage", memory_usage, 0)?;
    let pid = it.number(crate::hooks::PID as f64)?;
    property(it, p, "pid", pid)?;
    let platform = it.string("linux")?;
    property(it, p, "platform", platform)?;
    let env = it.plain_object(4)?;
    property(it, p, "env", env)?;
    let argv = it.array(&[])?;
    property(it, p, "argv", argv)?;
    global(it, "process", p)
}

fn no_construct(it: &mut Interp<'_>, _c: &NativeCall<'_>) -> JsResult<Handle> {
    Err(it.type_error("process is not a constructor"))
}

/// The spaces whose use `memoryUsage()` reports.
const SPACES: [SpaceId; 5] = [
    SpaceId::New,
    SpaceId::Old,
    SpaceId::Code,
    SpaceId::Map,
    SpaceId::LargeObject,
];

fn memory_usage(it: &mut Interp<'_>, _c: &NativeCall<'_>) -> JsResult<Handle> {
    let used: usize = SPACES.iter().map(|&s| it.heap.space_used(s)).sum();
    let total: usize = SPACES.iter().map(|&s| it.heap.space_committed(s)).sum();
    let o = it.plain_object(5)?;
    for (name, v) in [
        ("rss", total as f64),
        ("heapTotal", total as f64),
        ("heapUsed", used as f64),
        ("external", 0.0),
        ("arrayBuffers", 0.0),
    ] {
        let n = it.number(v)?;
        property(it, o, name, n)?;
    }
    Ok(o)
}
