//! `Error` and its subclasses (ECMA-262 §20.5): `message`, `name` on the prototypes, and a
//! V8-style `stack` string naming where the error was made.

use sim::Handle;

use super::{arg, constructor, method, property};
use crate::eval::{Interp, JsResult, NativeCall};
use crate::realm::Intrinsic;

pub fn install(it: &mut Interp<'_>, op: Handle) -> JsResult<()> {
    let ep = it.object_with_prototype(op)?;
    it.set_intrinsic(Intrinsic::ErrorPrototype, ep);
    let e = constructor(it, "Error", error, 1, ep)?;
    it.set_intrinsic(Intrinsic::Error, e);
    let name = it.string("Error")?;
    property(it, ep, "name", name)?;
    let empty = it.string("")?;
    property(it, ep, "message", empty)?;
    method(it, ep, "toString", to_string, 0)?;
    for (n, i) in [
        ("TypeError", Intrinsic::TypeError),
        ("RangeError", Intrinsic::RangeError),
        ("ReferenceError", Intrinsic::ReferenceError),
        ("SyntaxError", Intrinsic::SyntaxError),
    ] {
        let p = it.object_with_prototype(ep)?;
        let c = constructor(it, n, error, 1, p)?;
        let nv = it.string(n)?;
        property(it, p, "name", nv)?;
        it.set_intrinsic(i, c);
    }
    Ok(())
}

fn error(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let target = c.new_target.unwrap_or(c.callee);
    let obj = it.alloc_instance(target)?;
    let m = arg(it, c, 0);
    if it.kind(it.heap.get(m)) != crate::value::Kind::Undefined {
        let s = it.to_string(m)?;
        let n = it.realm.names.message;
        it.set(obj, n, s)?;
    }
    let text = it.to_text(it.heap.get(obj));
    let at = it.sources_location(it.call_pos);
    let stack = it.string(&format!("{text}\n    at {at}"))?;
    property(it, obj, "stack", stack)?;
    Ok(obj)
}

fn to_string(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = it.to_text(it.heap.get(c.this));
    it.string(&s)
}
