//! The realm: the intrinsic objects every script shares (V8's native context slots).
//!
//! Intrinsics live in one `FixedArray` held by a global handle, indexed by [`Intrinsic`],
//! so they are ordinary heap objects the collectors move and snapshots show; the pending
//! exception and the microtask queue live there too. Plain-object maps are cached per
//! in-object slot count, with `Object.prototype` as prototype, as V8's object-literal
//! boilerplate maps are.

use std::collections::HashMap;

use sim::object::map;
use sim::{GlobalHandle, Heap, HeapError, Tagged};

use crate::ir::Name;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intrinsic {
    ObjectPrototype,
    ObjectConstructor,
    FunctionPrototype,
    ArrayPrototype,
    StringPrototype,
    NumberPrototype,
    BooleanPrototype,
    ErrorPrototype,
    Error,
    TypeError,
    RangeError,
    ReferenceError,
    SyntaxError,
    MapPrototype,
    SetPrototype,
    WeakMapPrototype,
    WeakRefPrototype,
    Promise,
    Exception,
    Microtasks,
    Count,
}

/// Names the evaluator compares against on hot paths.
#[derive(Default, Clone, Copy)]
pub struct HotNames {
    pub length: Name,
    pub prototype: Name,
    pub constructor: Name,
    pub message: Name,
    pub name: Name,
    pub size: Name,
}

/// What every promise's resolving functions share (`builtins::promise`).
#[derive(Clone, Copy)]
pub struct PromiseShared {
    pub resolve: GlobalHandle,
    pub reject: GlobalHandle,
    /// The `ScopeInfo` of their context: `promise`, `alreadyResolved`.
    pub scope_info: GlobalHandle,
}

#[derive(Default)]
pub struct Realm {
    slots: Option<GlobalHandle>,
    object_maps: HashMap<usize, GlobalHandle>,
    pub names: HotNames,
    pub promise: Option<PromiseShared>,
}

impl Realm {
    pub fn init(&mut self, heap: &mut Heap) -> Result<(), HeapError> {
        let a = heap.alloc_fixed_array(Intrinsic::Count as usize)?;
        self.slots = Some(heap.new_global_handle(a));
        Ok(())
    }

    pub fn get(&self, heap: &Heap, i: Intrinsic) -> Tagged {
        let a = heap.get_global(self.slots.expect("realm initialized"));
        heap.fixed_array_get(a, i as usize)
    }

    pub fn set(&self, heap: &mut Heap, i: Intrinsic, v: Tagged) {
        let a = heap.get_global(self.slots.expect("realm initialized"));
        heap.fixed_array_set(a, i as usize, v);
    }

    /// The map of plain objects with `inobject` in-object slots.
    pub fn object_map(&mut self, heap: &mut Heap, inobject: usize) -> Result<Tagged, HeapError> {
        if let Some(&g) = self.object_maps.get(&inobject) {
            return Ok(heap.get_global(g));
        }
        let m = heap.new_class_map("Object", inobject)?;
        let proto = self.get(heap, Intrinsic::ObjectPrototype);
        if proto.is_heap_object() {
            heap.set_field(m, map::PROTOTYPE, proto);
        }
        let ctor = self.get(heap, Intrinsic::ObjectConstructor);
        if ctor.is_heap_object() {
            heap.set_field(m, map::CONSTRUCTOR_OR_BACK_POINTER, ctor);
        }
        let g = heap.new_global_handle(m);
        self.object_maps.insert(inobject, g);
        Ok(m)
    }
}
