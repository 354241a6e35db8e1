//! The builtin objects of the global object, as `Genesis::InitializeGlobal`
//! (`src/init/bootstrapper.cc`) installs them: constructors (`InstallFunction`: a
//! `JSFunction`, its `SharedFunctionInfo` with the builtin's `length`, and a `prototype`
//! whose `constructor` points back), namespaces (`Math`, `Reflect`, `Intl`, …: plain
//! objects of their own class) and methods (`SimpleInstallFunction`), each function's
//! code being the builtin V8 names `HolderName` (`ArrayPrototypePush`, `MathMax`,
//! `GlobalParseInt`) when the builtins table has it.
//!
//! The rows come from [`table::builtins`], grouped by holder path in the order a walk of a
//! fresh context met them, so a holder is created (by its parent's row) before its own
//! rows. A holder the embedder already made is found by the same path and only gets the
//! properties it lacks. Accessors and data values are not modelled: the interpreter has no
//! accessor properties, and the table records no values.

use super::builtins_table::BuiltinCode;
use super::table::{self, Builtin, PropertyKind};
use super::GenesisStats;
use crate::heap::{Heap, HeapError};
use crate::object::closure::{self, SourcePosition};
use crate::object::{map, InstanceType};
use crate::Tagged;

/// In-object slots of the prototypes and namespaces made here (V8 starts them small and
/// grows a property array, as here).
const INOBJECT: usize = 4;

pub fn install(
    heap: &mut Heap,
    code: &BuiltinCode,
    builtins: &'static str,
) -> Result<GenesisStats, HeapError> {
    let mut stats = GenesisStats::default();
    let mut holder: Option<(&str, Option<Tagged>)> = None;
    for row in table::builtins(builtins) {
        let h = match holder {
            Some((path, h)) if path == row.holder => h,
            _ => resolve(heap, row.holder),
        };
        holder = Some((row.holder, h));
        let Some(obj) = h else { continue };
        if row.name == "prototype" || row.name == "constructor" {
            continue;
        }
        if heap.get_property(obj, row.name).is_some() {
            continue;
        }
        let scope = heap.open_handle_scope();
        let ho = heap.handle(obj);
        let r = install_row(heap, code, &row, &mut stats);
        let obj = heap.get(ho);
        heap.close_handle_scope(scope);
        if let Some(v) = r? {
            heap.set_property(obj, row.name, v)?;
        }
        // The holder may have moved (a property store can normalize it): look it up again.
        holder = Some((row.holder, resolve(heap, row.holder)));
    }
    Ok(stats)
}

/// The value row `b` installs, if its kind is modelled.
fn install_row(
    heap: &mut Heap,
    code: &BuiltinCode,
    b: &Builtin<'_>,
    stats: &mut GenesisStats,
) -> Result<Option<Tagged>, HeapError> {
    let builtin = code.get(heap, &builtin_name(b.holder, b.name));
    let native = Origin {
        script: "",
        context: heap.undefined_value(),
    };
    Ok(Some(match b.kind {
        PropertyKind::Function => {
            stats.functions += 1;
            function(heap, b.name, b.length, native, builtin)?
        }
        PropertyKind::Constructor => {
            stats.functions += 1;
            stats.objects += 1;
            let class = match b.holder {
                "global" => b.name.to_string(),
                h => format!("{h}.{}", b.name),
            };
            constructor(heap, b.name, b.length, native, builtin, &class)?
        }
        PropertyKind::Object => {
            stats.objects += 1;
            // `Math`, `JSON`: their own class; a nested object (`[Symbol.unscopables]`) is
            // a plain one.
            let class = if b.holder == "global" {
                b.name
            } else {
                "Object"
            };
            object(heap, class)?
        }
        PropertyKind::Accessor | PropertyKind::Value => return Ok(None),
    }))
}

/// The object at `path` from the global object: each step a named property, or a
/// function's `prototype`.
pub fn resolve(heap: &Heap, path: &str) -> Option<Tagged> {
    let mut cur = heap.global();
    if path == "global" {
        return Some(cur);
    }
    for step in path.split('.') {
        cur = if step == "prototype" {
            prototype_of(heap, cur)?
        } else {
            heap.get_property(cur, step)?
        };
        if !cur.is_heap_object() || !heap.instance_type(cur.addr()).is_js_object() {
            return None;
        }
    }
    Some(cur)
}

/// A function's `prototype` object, if it has one.
fn prototype_of(heap: &Heap, f: Tagged) -> Option<Tagged> {
    if heap.instance_type(f.addr()) != InstanceType::JSFunction {
        return None;
    }
    let p = heap.word(f.addr(), closure::PROTOTYPE_OR_INITIAL_MAP);
    (p.is_heap_object() && heap.instance_type(p.addr()).is_js_object()).then_some(p)
}

/// V8's name for the builtin behind `holder.name`: `ArrayPrototypePush`, `GlobalParseInt`
/// (Node's primordials use the same names, without `Global`).
pub fn builtin_name(holder: &str, name: &str) -> String {
    let mut s = String::new();
    if holder == "global" {
        s.push_str("Global");
    } else {
        holder.split('.').for_each(|p| push_capitalized(&mut s, p));
    }
    push_capitalized(&mut s, name);
    s
}

fn push_capitalized(s: &mut String, word: &str) {
    let mut cs = word.chars();
    if let Some(c) = cs.next() {
        s.extend(c.to_uppercase());
        s.extend(cs);
    }
}

/// Where a function is defined and what it closes over (a native builtin: nowhere, the
/// native context).
#[derive(Clone, Copy)]
pub struct Origin<'s> {
    /// The script's name (`node:events`), empty for a native builtin.
    pub script: &'s str,
    /// Its context, or `undefined` for the native context.
    pub context: Tagged,
}

/// A function `name` of `length` parameters from `origin`, running `code` (the heap's
/// default builtin when V8's is not in the table).
pub fn function(
    heap: &mut Heap,
    name: &str,
    length: u32,
    origin: Origin<'_>,
    code: Option<Tagged>,
) -> Result<Tagged, HeapError> {
    let scope = heap.open_handle_scope();
    let hx = heap.handle(origin.context);
    let pos = SourcePosition { line: 0, column: 0 };
    let sfi = heap.alloc_shared_function_info(name, origin.script, pos, length);
    let Ok(sfi) = sfi else {
        heap.close_handle_scope(scope);
        return sfi;
    };
    let hc = code.map(|c| heap.handle(c));
    if let Some(hc) = hc {
        let c = heap.get(hc);
        heap.set_field(sfi, closure::SFI_CODE, c);
    }
    let x = heap.get(hx);
    let f = heap.alloc_closure(sfi, x);
    if let (Ok(f), Some(hc)) = (&f, hc) {
        let c = heap.get(hc);
        heap.set_field(*f, closure::CODE, c);
    }
    heap.close_handle_scope(scope);
    f
}

/// A constructor: [`function`] with a fresh `prototype` whose `constructor` is it. The
/// prototype's class is `class`, the constructor's full name (`Intl.Collator`): V8 names
/// an object after its map's constructor, and a builtin prototype's is its own.
pub fn constructor(
    heap: &mut Heap,
    name: &str,
    length: u32,
    origin: Origin<'_>,
    code: Option<Tagged>,
    class: &str,
) -> Result<Tagged, HeapError> {
    let scope = heap.open_handle_scope();
    let r = (|| {
        let f = function(heap, name, length, origin, code)?;
        let hf = heap.handle(f);
        let proto = object(heap, class)?;
        let f = heap.get(hf);
        heap.set_field(f, closure::PROTOTYPE_OR_INITIAL_MAP, proto);
        heap.set_property(proto, "constructor", f)?;
        Ok(heap.get(hf))
    })();
    heap.close_handle_scope(scope);
    r
}

/// A plain object of class `class` whose prototype is `Object.prototype`.
pub fn object(heap: &mut Heap, class: &str) -> Result<Tagged, HeapError> {
    let m = heap.new_class_map(class, INOBJECT)?;
    if let Some(p) = resolve(heap, "Object.prototype") {
        heap.set_field(m, map::PROTOTYPE, p);
    }
    heap.alloc_object(m)
}
