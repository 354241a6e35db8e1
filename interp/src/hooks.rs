//! The native hooks: the global `__heapsim` object the prelude asks for what the language
//! cannot express (clock, collections, snapshots, expectations, warnings, `this` binding).
//!
//! The contract is `docs/scenario-runtime.md` ("Native hooks"); `scenarios/node/hooks.js`
//! implements the same seven functions on real Node. What a hook produces outside the heap
//! (a snapshot file, an expectation record, a warning line) goes to the run's [`Host`],
//! which the embedder (`heapsim run`, a test) fills in and reads back.

use sim::{GcReason, Handle, Heap};

use crate::builtins::{arg, global, method};
use crate::error::ScriptError;
use crate::eval::{Abort, ConsoleSink, Interp, JsResult, NativeCall};
use crate::value::Kind;

/// Writes the snapshot `name` of the heap (the embedder chooses where).
pub type SnapshotSink = Box<dyn FnMut(&mut Heap, &str) -> Result<(), String>>;

/// `process.pid` of the simulated process, the `PID` in Node's warning lines.
pub const PID: u32 = 4242;

/// What the hooks hand to the embedder.
#[derive(Default)]
pub struct Host {
    /// `__heapsim.expect` records in call order, each as JSON text.
    pub expectations: Vec<String>,
    /// Where `__heapsim.snapshot` writes; without one, a snapshot is a harness error.
    pub snapshot: Option<SnapshotSink>,
    /// Lines printed on stderr (warnings), in order.
    pub stderr: Vec<String>,
    /// Called with each stderr line as it is printed.
    pub on_stderr: Option<ConsoleSink>,
}

impl Host {
    fn print_err(&mut self, line: String) {
        if let Some(f) = self.on_stderr.as_mut() {
            f(&line);
        }
        self.stderr.push(line);
    }
}

/// Installs `globalThis.__heapsim`.
pub fn install(it: &mut Interp<'_>) -> JsResult<()> {
    let op = it.intrinsic(crate::realm::Intrinsic::ObjectPrototype);
    let op = it.heap.handle(op);
    let h = it.object_with_prototype(op)?;
    method(it, h, "now", now, 0)?;
    method(it, h, "setNow", set_now, 1)?;
    method(it, h, "gc", gc, 1)?;
    method(it, h, "snapshot", snapshot, 1)?;
    method(it, h, "expect", expect, 1)?;
    method(it, h, "emitWarning", emit_warning, 2)?;
    method(it, h, "apply", apply, 3)?;
    global(it, "__heapsim", h)
}

fn now(it: &mut Interp<'_>, _c: &NativeCall<'_>) -> JsResult<Handle> {
    it.number(it.clock_ms)
}

fn set_now(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let ms = arg(it, c, 0);
    let ms = it.to_number(it.heap.get(ms));
    if ms.is_nan() || ms < it.clock_ms {
        let now = it.clock_ms;
        return Err(it.range_error(&format!(
            "__heapsim.setNow(ms): the clock cannot go back from {now} to {ms}"
        )));
    }
    it.clock_ms = ms;
    Ok(it.undefined())
}

fn gc(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let kind = text_arg(it, c, 0);
    match kind.as_deref() {
        Some("full") => {
            it.heap.collect_garbage(GcReason::Explicit);
        }
        Some("minor") => {
            it.heap.scavenge(GcReason::Explicit);
        }
        _ => {
            let k = kind.unwrap_or_else(|| "undefined".into());
            return Err(it.type_error(&format!(
                "__heapsim.gc(kind): kind must be 'full' or 'minor', not {k}"
            )));
        }
    }
    Ok(it.undefined())
}

fn snapshot(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let Some(name) = text_arg(it, c, 0) else {
        return Err(it.type_error("__heapsim.snapshot(name): name must be a string"));
    };
    take_snapshot(it, &name)?;
    Ok(it.undefined())
}

/// Hands the heap to the run's snapshot sink as snapshot `name`.
pub fn take_snapshot(it: &mut Interp<'_>, name: &str) -> JsResult<()> {
    let Some(mut sink) = it.host.snapshot.take() else {
        return Err(Abort::Fatal(ScriptError::harness(format!(
            "snapshot('{name}'): this run writes no snapshots"
        ))));
    };
    let r = sink(&mut it.heap, name);
    it.host.snapshot = Some(sink);
    r.map_err(|e| Abort::Fatal(ScriptError::harness(format!("snapshot('{name}'): {e}"))))
}

fn expect(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let record = arg(it, c, 0);
    match crate::builtins::json::to_json(it, record, "")? {
        Some(json) if it.kind(it.heap.get(record)) == Kind::Object => {
            it.host.expectations.push(json)
        }
        _ => return Err(it.type_error("__heapsim.expect(record): record must be an object")),
    }
    Ok(it.undefined())
}

fn emit_warning(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let mut text = |i| {
        let a = arg(it, c, i);
        it.to_text(it.heap.get(a))
    };
    let (name, message) = (text(0), text(1));
    let first = it.host.stderr.is_empty();
    it.host.print_err(format!("(node:{PID}) {name}: {message}"));
    if first {
        it.host.print_err(
            "(Use `node --trace-warnings ...` to show where the warning was created)".into(),
        );
    }
    Ok(it.undefined())
}

fn apply(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let (f, this, args) = (arg(it, c, 0), arg(it, c, 1), arg(it, c, 2));
    let is_array = it.kind(it.heap.get(args)) == Kind::Object
        && it.heap.instance_type(it.heap.get(args).addr()) == sim::InstanceType::JSArray;
    if !is_array {
        return Err(it.type_error("__heapsim.apply(fn, thisArg, args): args must be an Array"));
    }
    let items: Vec<Handle> = (0..it.array_len(args))
        .map(|i| {
            let e = it.element(it.heap.get(args), i);
            it.heap.handle(e)
        })
        .collect();
    it.call(f, this, &items)
}

/// Argument `i` as a Rust string, if it is a string.
fn text_arg(it: &mut Interp<'_>, c: &NativeCall<'_>, i: usize) -> Option<String> {
    let a = arg(it, c, i);
    let v = it.heap.get(a);
    (it.kind(v) == Kind::String).then(|| it.heap.string_content(v.addr()))
}
