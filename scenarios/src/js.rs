//! A tiny JavaScript-shaped façade over the simulator, so scenarios read like the programs
//! they model.
//!
//! The simulator moves objects on every scavenge, so a raw [`Tagged`] is only valid until
//! the next allocation. Everything a scenario holds is therefore a [`Handle`] (a slot in the
//! current handle scope, which the collector updates), exactly like V8's `Handle<T>` in
//! embedder code; each call re-reads the handles it is given after it allocates.
//! Function literals (`SharedFunctionInfo`s) are created once per source position and kept
//! in global handles, as V8 shares one per literal among all its closures.

use std::collections::HashMap;

use sim::object::closure::SourcePosition;
use sim::{GlobalHandle, Handle, Heap, HeapError, Tagged};

pub type JsResult<T> = Result<T, HeapError>;

/// The scenario runtime: a heap plus the function literals already compiled.
pub struct Js<'h> {
    pub heap: &'h mut Heap,
    functions: HashMap<(String, String, u32), GlobalHandle>,
}

impl<'h> Js<'h> {
    pub fn new(heap: &'h mut Heap) -> Js<'h> {
        Js {
            heap,
            functions: HashMap::new(),
        }
    }

    fn hold(&mut self, v: Tagged) -> Handle {
        self.heap.handle(v)
    }

    /// `new Class()` with room for `inobject` in-object properties.
    pub fn object(&mut self, class: &str, inobject: usize) -> JsResult<Handle> {
        let o = self.heap.alloc_object_of_class(class, inobject)?;
        Ok(self.hold(o))
    }

    /// `{}`.
    pub fn plain(&mut self) -> JsResult<Handle> {
        self.object("Object", 4)
    }

    /// `[]`.
    pub fn array(&mut self) -> JsResult<Handle> {
        let a = self.heap.alloc_array(0)?;
        Ok(self.hold(a))
    }

    /// A fresh (non-internalized) string, as string operations at run time produce.
    pub fn string(&mut self, s: &str) -> JsResult<Handle> {
        let v = self.heap.alloc_string(s)?;
        Ok(self.hold(v))
    }

    /// A small integer.
    pub fn smi(&mut self, v: i32) -> Handle {
        self.hold(Tagged::smi(v))
    }

    /// `o[name] = v`.
    pub fn set(&mut self, o: Handle, name: &str, v: Handle) -> JsResult<()> {
        let (o, v) = (self.heap.get(o), self.heap.get(v));
        self.heap.set_property(o, name, v)
    }

    /// `o[name]` (undefined → `None`).
    pub fn get(&mut self, o: Handle, name: &str) -> Option<Handle> {
        let o = self.heap.get(o);
        let v = self.heap.get_property(o, name)?;
        Some(self.hold(v))
    }

    /// `globalThis[name] = v`.
    pub fn set_global(&mut self, name: &str, v: Handle) -> JsResult<()> {
        let g = self.heap.global();
        let g = self.hold(g);
        self.set(g, name, v)
    }

    /// `delete o[name]`, modelled as storing `undefined` (what matters for retention).
    pub fn clear(&mut self, o: Handle, name: &str) -> JsResult<()> {
        let u = self.heap.undefined_value();
        let u = self.hold(u);
        self.set(o, name, u)
    }

    /// `arr.push(v)`.
    pub fn push(&mut self, arr: Handle, v: Handle) -> JsResult<()> {
        let (a, v) = (self.heap.get(arr), self.heap.get(v));
        self.heap.array_push(a, v).map(|_| ())
    }

    /// A function context (closure scope) with variables `names`, inside `outer`.
    pub fn context(&mut self, outer: Option<Handle>, names: &[&str]) -> JsResult<Handle> {
        let prev = match outer {
            Some(h) => self.heap.get(h),
            None => self.heap.undefined_value(),
        };
        let c = self.heap.alloc_context(prev, names)?;
        Ok(self.hold(c))
    }

    /// Stores `v` into context variable `i`.
    pub fn context_set(&mut self, ctx: Handle, i: usize, v: Handle) {
        let (c, v) = (self.heap.get(ctx), self.heap.get(v));
        self.heap.context_set(c, i, v);
    }

    /// A closure of the function literal `name` at `script:line:column` over `ctx`.
    pub fn closure(
        &mut self,
        name: &str,
        script: &str,
        line: u32,
        column: u32,
        ctx: Option<Handle>,
    ) -> JsResult<Handle> {
        let key = (name.to_string(), script.to_string(), line);
        let shared = match self.functions.get(&key) {
            Some(&g) => self.heap.get_global(g),
            None => {
                let pos = SourcePosition { line, column };
                let s = self.heap.alloc_shared_function_info(name, script, pos, 1)?;
                let g = self.heap.new_global_handle(s);
                self.functions.insert(key, g);
                self.heap.get_global(g)
            }
        };
        let shared = self.hold(shared);
        let ctx = match ctx {
            Some(h) => self.heap.get(h),
            None => self.heap.undefined_value(),
        };
        let f = self.heap.alloc_closure(self.heap.get(shared), ctx)?;
        Ok(self.hold(f))
    }

    /// Keeps `v` alive from a global handle, the way Node's internals hold their state.
    pub fn global_handle(&mut self, v: Handle) -> GlobalHandle {
        let v = self.heap.get(v);
        self.heap.new_global_handle(v)
    }

    /// Runs `body` inside a handle scope: its locals die when it returns, as a request
    /// handler's do.
    pub fn scope<T>(&mut self, body: impl FnOnce(&mut Self) -> JsResult<T>) -> JsResult<T> {
        let scope = self.heap.open_handle_scope();
        let r = body(self);
        self.heap.close_handle_scope(scope);
        r
    }
}
