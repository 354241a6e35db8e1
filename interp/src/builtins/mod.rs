//! The builtins: the native context a script starts with, one file per builtin family.
//!
//! [`install`] builds what V8's bootstrapper (`Genesis`, `src/init/bootstrapper.cc`) builds
//! for a realm, reduced to the subset in `docs/scenario-language.md`: `Object.prototype`
//! at the root of every chain, `Function.prototype`, the constructors with their
//! prototypes' methods as `JSFunction`s with code, installed on the global object. The root
//! maps of arrays, functions and collections get their prototypes here, so every object the
//! simulator allocates finds its methods.

pub mod array;
pub mod collections;
pub mod console;
pub mod errors;
pub mod json;
pub mod math;
pub mod object;
pub mod process;
pub mod promise;
pub mod string;

use sim::object::map;
use sim::{Handle, InstanceType};

use crate::eval::{Interp, JsResult, NativeCall, NativeFn};
use crate::realm::Intrinsic;

/// `obj[name] = native function`.
pub fn method(
    it: &mut Interp<'_>,
    obj: Handle,
    name: &str,
    f: NativeFn,
    params: u32,
) -> JsResult<Handle> {
    let func = it.native_function(name, f, params)?;
    let n = it.intern(name)?;
    it.set(obj, n, func)?;
    Ok(func)
}

/// `obj[name] = v`.
pub fn property(it: &mut Interp<'_>, obj: Handle, name: &str, v: Handle) -> JsResult<()> {
    let n = it.intern(name)?;
    it.set(obj, n, v)
}

/// `globalThis[name] = v`.
pub fn global(it: &mut Interp<'_>, name: &str, v: Handle) -> JsResult<()> {
    let g = it.heap.global();
    let g = it.heap.handle(g);
    property(it, g, name, v)
}

/// A constructor `name` whose `prototype` is `proto`, installed as a global.
pub fn constructor(
    it: &mut Interp<'_>,
    name: &str,
    f: NativeFn,
    params: u32,
    proto: Handle,
) -> JsResult<Handle> {
    let ctor = class(it, name, f, params, proto)?;
    global(it, name, ctor)?;
    Ok(ctor)
}

/// A native constructor `name` whose `prototype` is `proto` (and `proto.constructor` it),
/// not installed anywhere.
pub fn class(
    it: &mut Interp<'_>,
    name: &str,
    f: NativeFn,
    params: u32,
    proto: Handle,
) -> JsResult<Handle> {
    let ctor = it.native_function(name, f, params)?;
    let (cv, pv) = (it.heap.get(ctor), it.heap.get(proto));
    it.heap
        .set_field(cv, sim::object::closure::PROTOTYPE_OR_INITIAL_MAP, pv);
    let c = it.realm.names.constructor;
    it.set(proto, c, ctor)?;
    Ok(ctor)
}

/// Argument `i` or `undefined`.
pub fn arg(it: &mut Interp<'_>, c: &NativeCall<'_>, i: usize) -> Handle {
    match c.arg(i) {
        Some(h) => h,
        None => it.undefined(),
    }
}

/// Builds the realm: intrinsics, prototypes, constructors and globals.
pub fn install(it: &mut Interp<'_>) -> JsResult<()> {
    it.realm.init(&mut it.heap)?;
    it.realm.names.length = it.intern("length")?;
    it.realm.names.prototype = it.intern("prototype")?;
    it.realm.names.constructor = it.intern("constructor")?;
    it.realm.names.message = it.intern("message")?;
    it.realm.names.name = it.intern("name")?;
    it.realm.names.size = it.intern("size")?;
    // Object.prototype: the end of every chain.
    let m = it.heap.new_class_map("Object", 4)?;
    let op = it.heap.alloc_object(m)?;
    it.realm.set(&mut it.heap, Intrinsic::ObjectPrototype, op);
    let op = it.heap.handle(op);
    let root = |it: &mut Interp<'_>, ty: InstanceType, proto: Handle| {
        let (m, p) = (it.heap.root_map(ty), it.heap.get(proto));
        it.heap.set_field(m, map::PROTOTYPE, p);
    };
    root(it, InstanceType::JSObject, op);
    root(it, InstanceType::JSGlobalObject, op);
    let fp = it.object_with_prototype(op)?;
    it.set_intrinsic(Intrinsic::FunctionPrototype, fp);
    root(it, InstanceType::JSFunction, fp);
    object::install(it, op, fp)?;
    array::install(it, op)?;
    string::install(it, op)?;
    errors::install(it, op)?;
    collections::install(it, op)?;
    promise::install(it, op)?;
    math::install(it, op)?;
    json::install(it)?;
    console::install(it)?;
    crate::hooks::install(it)?;
    let g = it.heap.global();
    let g = it.heap.handle(g);
    global(it, "globalThis", g)?;
    global(it, "global", g)?;
    Ok(())
}
