//! The harness: a scenario script run in memlab's phases (`docs/scenario-runtime.md`).
//!
//! The script's top-level code runs as the main module. If its `module.exports` has an
//! `action` function, the runner then does `setup()` → full GC → snapshot `baseline` →
//! `repeat` × (`action()`, `back()`) → full GC → snapshot `target` → `back()` → full GC →
//! snapshot `final` (`repeat` from the exports, default 1, overridden by the caller).
//! Without an `action` the script is free-form and takes its own snapshots. Microtasks are
//! drained after every step (top-level code, `setup`, each `action` and `back`), never
//! inside one — what the Node shim does by awaiting a macrotask turn there
//! (`scenarios/node/harness.js`). The heap records the allocation site of everything each
//! `action` allocates (its microtasks included; [`crate::sites`]): the truth file's leaked
//! set.

use sim::{GcReason, Handle};

use crate::builtins::promise::drain_microtasks;
use crate::error::ScriptError;
use crate::eval::{Interp, JsResult};
use crate::run::abort_error;
use crate::value::Kind;

/// The snapshots a phased run takes, in order.
pub const PHASE_SNAPSHOTS: [&str; 3] = ["baseline", "target", "final"];

/// Runs the script `path` (`source`) on `it` in phases; `repeat` overrides the script's.
/// Snapshots go to `it.host.snapshot`, expectations to `it.host.expectations`. Returns the
/// `repeat` a phased run used, `None` for a free-form script.
pub fn run(
    it: &mut Interp<'_>,
    path: &str,
    source: &str,
    repeat: Option<u64>,
) -> Result<Option<u64>, ScriptError> {
    phases(it, path, source, repeat).map_err(|a| abort_error(it, a))
}

fn phases(
    it: &mut Interp<'_>,
    path: &str,
    source: &str,
    repeat: Option<u64>,
) -> JsResult<Option<u64>> {
    let m = crate::modules::run_main(it, path, source)?;
    drain_microtasks(it)?;
    let en = it.intern("exports")?;
    let exports = it.get(m, en)?;
    if !it.is_object(it.heap.get(exports)) {
        return Ok(None);
    }
    let phase = |it: &mut Interp<'_>, name: &str| -> JsResult<Option<Handle>> {
        let n = it.intern(name)?;
        let f = it.get(exports, n)?;
        Ok((it.kind(it.heap.get(f)) == Kind::Function).then_some(f))
    };
    let Some(action) = phase(it, "action")? else {
        return Ok(None);
    };
    let (setup, back) = (phase(it, "setup")?, phase(it, "back")?);
    let repeat = match repeat {
        Some(n) => n,
        None => script_repeat(it, exports)?,
    };
    step(it, setup)?;
    checkpoint(it, PHASE_SNAPSHOTS[0])?;
    for _ in 0..repeat {
        // What an action allocates is the candidate leak: its sites are recorded
        // (`crate::sites`), the truth file's leaked set.
        it.heap.record_allocation_sites(true);
        let acted = step(it, Some(action));
        it.heap.record_allocation_sites(false);
        acted?;
        step(it, back)?;
    }
    checkpoint(it, PHASE_SNAPSHOTS[1])?;
    step(it, back)?;
    checkpoint(it, PHASE_SNAPSHOTS[2])?;
    Ok(Some(repeat))
}

/// `exports.repeat`, a count (1 when absent).
fn script_repeat(it: &mut Interp<'_>, exports: Handle) -> JsResult<u64> {
    let n = it.intern("repeat")?;
    let r = it.get(exports, n)?;
    let v = it.heap.get(r);
    match it.kind(v) {
        Kind::Undefined => Ok(1),
        Kind::Number if it.number_value(v) >= 0.0 && it.number_value(v).fract() == 0.0 => {
            Ok(it.number_value(v) as u64)
        }
        _ => {
            let t = it.to_text(v);
            Err(it.type_error(&format!("module.exports.repeat must be a count, not {t}")))
        }
    }
}

/// Calls a phase function (if the script has it), then drains the microtasks.
fn step(it: &mut Interp<'_>, f: Option<Handle>) -> JsResult<()> {
    if let Some(f) = f {
        let scope = it.heap.open_handle_scope();
        let u = it.undefined();
        let r = it.call(f, u, &[]);
        it.heap.close_handle_scope(scope);
        r?;
    }
    drain_microtasks(it)
}

/// A full GC, then snapshot `name`.
fn checkpoint(it: &mut Interp<'_>, name: &str) -> JsResult<()> {
    it.heap.collect_garbage(GcReason::Explicit);
    crate::hooks::take_snapshot(it, name)
}
