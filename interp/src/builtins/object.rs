//! `Object` and `Function`: `Object.keys/assign/create/getPrototypeOf`,
//! `Object.prototype.hasOwnProperty/toString`, `Function.prototype.call/apply`
//! (ECMA-262 §20.1, §20.2).

use sim::Handle;

use super::{arg, constructor, method};
use crate::eval::{Interp, JsResult, NativeCall};

pub fn install(it: &mut Interp<'_>, op: Handle, fp: Handle) -> JsResult<()> {
    let ctor = constructor(it, "Object", object, 1, op)?;
    it.set_intrinsic(crate::realm::Intrinsic::ObjectConstructor, ctor);
    method(it, ctor, "keys", keys, 1)?;
    method(it, ctor, "assign", assign, 2)?;
    method(it, ctor, "create", create, 1)?;
    method(it, ctor, "getPrototypeOf", get_prototype_of, 1)?;
    method(it, op, "hasOwnProperty", has_own_property, 1)?;
    method(it, op, "toString", to_string, 0)?;
    let fctor = constructor(it, "Function", function, 1, fp)?;
    let _ = fctor;
    method(it, fp, "call", call, 1)?;
    method(it, fp, "apply", apply, 2)?;
    Ok(())
}

fn object(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    if it.is_object(it.heap.get(v)) {
        return Ok(v);
    }
    it.plain_object(4)
}

fn function(it: &mut Interp<'_>, _c: &NativeCall<'_>) -> JsResult<Handle> {
    Err(it.type_error("the Function constructor (code from strings) is not supported"))
}

fn keys(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    it.property_keys(v)
}

fn assign(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let target = arg(it, c, 0);
    for &src in c.args.iter().skip(1) {
        for (k, v) in it.own_entries(it.heap.get(src)) {
            let name = it.heap.string_content(k.addr());
            let n = it.intern(&name)?;
            let v = it.heap.handle(v);
            it.set(target, n, v)?;
        }
    }
    Ok(target)
}

fn create(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let p = arg(it, c, 0);
    it.object_with_prototype(p)
}

fn get_prototype_of(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    let p = it
        .prototype_of(it.heap.get(v))
        .unwrap_or(it.heap.null_value());
    Ok(it.heap.handle(p))
}

fn has_own_property(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let k = arg(it, c, 0);
    let n = it.to_key(k)?;
    let o = it.heap.get(c.this);
    let r = it.is_object(o) && it.own_property(o, n).is_some();
    Ok(it.boolean(r))
}

fn to_string(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = it.to_text(it.heap.get(c.this));
    it.string(&s)
}

fn call(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let this = arg(it, c, 0);
    let rest = c.args.get(1..).unwrap_or(&[]);
    it.call(c.this, this, rest)
}

fn apply(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let this = arg(it, c, 0);
    let list = arg(it, c, 1);
    let mut xs = Vec::new();
    if it.is_object(it.heap.get(list)) {
        let arr = it.iterate(list)?;
        for i in 0..it.array_len(arr) {
            let x = it.element(it.heap.get(arr), i);
            xs.push(it.heap.handle(x));
        }
    }
    it.call(c.this, this, &xs)
}
