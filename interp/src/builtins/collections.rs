//! `Map`, `Set`, `WeakMap` (ECMA-262 §24) on the simulator's ordered hash tables and
//! ephemeron tables, and `WeakRef` (§26.1) as an object whose `target` slot holds a weak
//! pointer the collectors clear. Iteration (`for…of`, `keys()`, `values()`, `entries()`)
//! yields arrays of the entries in insertion order.

use sim::{Handle, InstanceType, Tagged};

use super::{arg, constructor, method};
use crate::eval::{Interp, JsResult, NativeCall, NativeFn};

pub fn install(it: &mut Interp<'_>, op: Handle) -> JsResult<()> {
    for (name, ty) in [
        ("Map", InstanceType::JSMap),
        ("Set", InstanceType::JSSet),
        ("WeakMap", InstanceType::JSWeakMap),
        ("WeakSet", InstanceType::JSWeakSet),
    ] {
        let p = it.object_with_prototype(op)?;
        let m = it.heap.root_map(ty);
        let pv = it.heap.get(p);
        it.heap.set_field(m, sim::object::map::PROTOTYPE, pv);
        let f: NativeFn = match ty {
            InstanceType::JSMap => new_map,
            InstanceType::JSSet => new_set,
            InstanceType::JSWeakMap => new_weak_map,
            _ => new_weak_set,
        };
        let ctor = constructor(it, name, f, 0, p)?;
        it.heap.set_field(
            m,
            sim::object::map::CONSTRUCTOR_OR_BACK_POINTER,
            it.heap.get(ctor),
        );
        let set_name = if matches!(ty, InstanceType::JSSet | InstanceType::JSWeakSet) {
            "add"
        } else {
            "set"
        };
        method(it, p, set_name, set, 2)?;
        method(it, p, "has", has, 1)?;
        method(it, p, "delete", delete, 1)?;
        if matches!(ty, InstanceType::JSMap | InstanceType::JSWeakMap) {
            method(it, p, "get", get, 1)?;
        }
        if matches!(ty, InstanceType::JSMap | InstanceType::JSSet) {
            method(it, p, "forEach", for_each, 1)?;
            method(it, p, "clear", clear, 0)?;
            method(it, p, "keys", keys, 0)?;
            method(it, p, "values", values, 0)?;
            method(it, p, "entries", entries, 0)?;
        }
    }
    let wp = it.object_with_prototype(op)?;
    constructor(it, "WeakRef", new_weak_ref, 1, wp)?;
    method(it, wp, "deref", deref, 0)?;
    Ok(())
}

fn collection(it: &mut Interp<'_>, c: &NativeCall<'_>, ty: InstanceType) -> JsResult<Handle> {
    if c.new_target.is_none() {
        return Err(it.type_error("Constructor requires 'new'"));
    }
    let o = match ty {
        InstanceType::JSMap => it.heap.alloc_js_map()?,
        InstanceType::JSSet => it.heap.alloc_js_set()?,
        InstanceType::JSWeakMap => it.heap.alloc_js_weak_map()?,
        _ => it.heap.alloc_js_weak_set()?,
    };
    let o = it.heap.handle(o);
    if let Some(init) = c.arg(0) {
        if it.is_object(it.heap.get(init)) {
            let items = it.iterate(init)?;
            for i in 0..it.array_len(items) {
                let e = it.element(it.heap.get(items), i);
                let e = it.heap.handle(e);
                let (k, v) = if matches!(ty, InstanceType::JSSet | InstanceType::JSWeakSet) {
                    (e, e)
                } else {
                    let k = it.element(it.heap.get(e), 0);
                    let v = it.element(it.heap.get(e), 1);
                    (it.heap.handle(k), it.heap.handle(v))
                };
                put(it, o, k, v)?;
            }
        }
    }
    Ok(o)
}

fn new_map(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    collection(it, c, InstanceType::JSMap)
}
fn new_set(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    collection(it, c, InstanceType::JSSet)
}
fn new_weak_map(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    collection(it, c, InstanceType::JSWeakMap)
}
fn new_weak_set(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    collection(it, c, InstanceType::JSWeakSet)
}

fn this_collection(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Tagged> {
    let t = it.heap.get(c.this);
    if it.is_object(t)
        && matches!(
            it.heap.instance_type(t.addr()),
            InstanceType::JSMap
                | InstanceType::JSSet
                | InstanceType::JSWeakMap
                | InstanceType::JSWeakSet
        )
    {
        Ok(t)
    } else {
        Err(it.type_error("Method called on an incompatible receiver"))
    }
}

/// Strings are keyed by content: the table compares by identity, so keys are internalized.
fn key(it: &mut Interp<'_>, k: Handle) -> JsResult<Tagged> {
    let kv = it.heap.get(k);
    if it.kind(kv) == crate::value::Kind::String {
        let s = it.heap.string_content(kv.addr());
        return Ok(it.heap.internalize(&s)?);
    }
    if let Some(n) = (it.kind(kv) == crate::value::Kind::Number).then(|| it.number_value(kv)) {
        return Ok(it.heap.number(n)?);
    }
    Ok(kv)
}

fn put(it: &mut Interp<'_>, o: Handle, k: Handle, v: Handle) -> JsResult<()> {
    let kt = key(it, k)?;
    let kh = it.heap.handle(kt);
    let ty = it.heap.instance_type(it.heap.get(o).addr());
    if matches!(ty, InstanceType::JSWeakMap | InstanceType::JSWeakSet) && !it.is_object(kt) {
        return Err(it.type_error("Invalid value used as weak map key"));
    }
    let (ov, kv, vv) = (it.heap.get(o), it.heap.get(kh), it.heap.get(v));
    it.heap.collection_set(ov, kv, vv)?;
    Ok(())
}

fn set(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    this_collection(it, c)?;
    let (k, v) = (arg(it, c, 0), arg(it, c, 1));
    put(it, c.this, k, v)?;
    Ok(c.this)
}

fn lookup(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Option<Tagged>> {
    this_collection(it, c)?;
    let k = arg(it, c, 0);
    let kt = key(it, k)?;
    let o = it.heap.get(c.this);
    Ok(it.heap.collection_get(o, kt))
}

fn get(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let r = lookup(it, c)?.unwrap_or(it.heap.undefined_value());
    Ok(it.heap.handle(r))
}

fn has(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let r = lookup(it, c)?.is_some();
    Ok(it.boolean(r))
}

fn delete(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    this_collection(it, c)?;
    let k = arg(it, c, 0);
    let kt = key(it, k)?;
    let o = it.heap.get(c.this);
    let r = it.heap.collection_delete(o, kt);
    Ok(it.boolean(r))
}

fn clear(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    this_collection(it, c)?;
    let items = entries_array(it, c.this)?;
    for i in 0..it.array_len(items) {
        let e = it.element(it.heap.get(items), i);
        let k = if it.heap.instance_type(it.heap.get(c.this).addr()) == InstanceType::JSMap {
            it.element(e, 0)
        } else {
            e
        };
        let o = it.heap.get(c.this);
        it.heap.collection_delete(o, k);
    }
    Ok(it.undefined())
}

/// A collection's entries as an array: `[key, value]` pairs for maps, keys for sets.
pub fn entries_array(it: &mut Interp<'_>, o: Handle) -> JsResult<Handle> {
    let ov = it.heap.get(o);
    let t = it
        .heap
        .word(ov.addr(), sim::object::collections::TABLE)
        .addr();
    let is_map = it.heap.instance_type(ov.addr()) == InstanceType::JSMap;
    let raw: Vec<(Tagged, Tagged)> = it.heap.table_entries(t).map(|(_, k, v)| (k, v)).collect();
    let mut hs: Vec<(Handle, Handle)> = raw
        .into_iter()
        .map(|(k, v)| (it.heap.handle(k), it.heap.handle(v)))
        .collect();
    let mut out = Vec::new();
    for (k, v) in hs.drain(..) {
        out.push(if is_map { it.array(&[k, v])? } else { k });
    }
    it.array(&out)
}

fn project(it: &mut Interp<'_>, c: &NativeCall<'_>, which: usize) -> JsResult<Handle> {
    this_collection(it, c)?;
    let items = entries_array(it, c.this)?;
    if it.heap.instance_type(it.heap.get(c.this).addr()) != InstanceType::JSMap || which == 2 {
        return Ok(items);
    }
    let mut out = Vec::new();
    for i in 0..it.array_len(items) {
        let e = it.element(it.heap.get(items), i);
        let x = it.element(e, which);
        out.push(it.heap.handle(x));
    }
    it.array(&out)
}

fn keys(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    project(it, c, 0)
}
fn values(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    project(it, c, 1)
}
fn entries(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    project(it, c, 2)
}

fn for_each(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    this_collection(it, c)?;
    let f = arg(it, c, 0);
    let items = entries_array(it, c.this)?;
    let is_map = it.heap.instance_type(it.heap.get(c.this).addr()) == InstanceType::JSMap;
    for i in 0..it.array_len(items) {
        let e = it.element(it.heap.get(items), i);
        let (k, v) = if is_map {
            (it.element(e, 0), it.element(e, 1))
        } else {
            (e, e)
        };
        let (k, v) = (it.heap.handle(k), it.heap.handle(v));
        let u = it.undefined();
        it.call(f, u, &[v, k, c.this])?;
    }
    Ok(it.undefined())
}

fn new_weak_ref(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let Some(target) = c.new_target else {
        return Err(it.type_error("Constructor WeakRef requires 'new'"));
    };
    let t = arg(it, c, 0);
    if !it.is_object(it.heap.get(t)) {
        return Err(it.type_error("WeakRef: target must be an object"));
    }
    let o = it.alloc_instance(target)?;
    let n = it.intern("target")?;
    it.set(o, n, t)?;
    // Turn the stored pointer weak: the collectors clear it when the target dies.
    let ov = it.heap.get(o);
    let slot = sim::object::js_object::HEADER_WORDS;
    let tv = it.heap.get(t);
    it.heap.set_field(ov, slot, Tagged::weak(tv.addr()));
    Ok(o)
}

fn deref(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let o = it.heap.get(c.this);
    if !it.is_object(o) {
        return Err(it.type_error("WeakRef.prototype.deref called on a non-object"));
    }
    let v = it.heap.word(o.addr(), sim::object::js_object::HEADER_WORDS);
    if v.is_weak() && !v.is_cleared() {
        return Ok(it.heap.handle(Tagged::strong(v.addr())));
    }
    Ok(it.undefined())
}
