//! Contexts: the heap-allocated scopes holding variables that closures capture, after V8's
//! `Context` (`src/objects/contexts.h`).
//!
//! A context is fixed-array shaped (16 + 8·(4 + v) bytes for v variables):
//!
//! | word   | field          | contents                                                  |
//! |--------|----------------|-----------------------------------------------------------|
//! | 0      | map            | context map (`NativeContext` map for the native context)  |
//! | 1      | length         | Smi, 4 + v                                                |
//! | 2      | scope_info     | `ScopeInfo`: the variable names, one internalized string per slot |
//! | 3      | previous       | the enclosing context (the chain a closure's lookups walk) |
//! | 4      | extension      | `undefined`; in the native context, the global object     |
//! | 5      | native_context | the native context                                        |
//! | 6..    | variables      | captured variables, named by `scope_info`                 |
//!
//! Snapshots show variables as `context` edges named after the variable, and `previous`
//! as an internal edge, which is how a leak through a closure's captured scope shows up.

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const HEADER_SLOTS: usize = 4;
pub const SCOPE_INFO: usize = 2;
pub const PREVIOUS: usize = 3;
pub const EXTENSION: usize = 4;
pub const NATIVE_CONTEXT: usize = 5;
pub const FIRST_VARIABLE: usize = 6;

impl Heap {
    /// A young function context with variables `names` (all `undefined`), whose `previous`
    /// is `previous` (another context, or `undefined` for a top-level scope; the native
    /// context is used then). Scope infos live in old space, like V8's.
    pub fn alloc_context(&mut self, previous: Tagged, names: &[&str]) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let hp = self.handle(previous);
        let r = self.alloc_scope_info(names).and_then(|si| {
            let previous = self.get(hp);
            self.alloc_context_with(previous, si)
        });
        self.close_handle_scope(scope);
        r
    }

    /// The `ScopeInfo` of a scope whose context holds `names`, in old space. V8 makes one
    /// per scope at compile time and shares it among every context of that scope; an
    /// interpreter does the same by keeping it and calling [`Heap::alloc_context_with`].
    pub fn alloc_scope_info(&mut self, names: &[&str]) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let r = (|| {
            let si =
                self.alloc_fixed_array_in(InstanceType::ScopeInfo, names.len(), AllocSpace::Old)?;
            let hs = self.handle(si);
            for (i, n) in names.iter().enumerate() {
                let n = self.internalize(n)?;
                let si = self.get(hs);
                self.write(si.addr(), 2 + i, n);
            }
            Ok(self.get(hs))
        })();
        self.close_handle_scope(scope);
        r
    }

    /// A young context of the scope described by `scope_info` (see
    /// [`Heap::alloc_scope_info`]), its variables `undefined`, chained to `previous` as in
    /// [`Heap::alloc_context`].
    pub fn alloc_context_with(
        &mut self,
        previous: Tagged,
        scope_info: Tagged,
    ) -> Result<Tagged, HeapError> {
        self.expect_type(scope_info, InstanceType::ScopeInfo, "alloc_context_with")?;
        let n = self.fixed_array_length(scope_info.addr());
        let scope = self.open_handle_scope();
        let (hp, hs) = (self.handle(previous), self.handle(scope_info));
        let c =
            self.alloc_fixed_array_in(InstanceType::Context, HEADER_SLOTS + n, AllocSpace::Young);
        let (si, prev) = (self.get(hs), self.get(hp));
        self.close_handle_scope(scope);
        let c = c?;
        let prev = if prev.is_heap_object() && self.is_context(prev.addr()) {
            prev
        } else {
            self.native_context()
        };
        let nc = self.native_context();
        let u = self.undefined_value();
        let a = c.addr();
        self.write(a, SCOPE_INFO, si);
        self.write(a, PREVIOUS, prev);
        self.write(a, EXTENSION, u);
        self.write(a, NATIVE_CONTEXT, nc);
        Ok(c)
    }

    pub fn is_context(&self, addr: Address) -> bool {
        matches!(
            self.instance_type(addr),
            InstanceType::Context | InstanceType::NativeContext
        )
    }

    /// Number of variables of a context.
    pub fn context_variable_count(&self, ctx: Address) -> usize {
        self.fixed_array_length(ctx) - HEADER_SLOTS
    }

    /// The name of variable `i` (an internalized string).
    pub fn context_variable_name(&self, ctx: Address, i: usize) -> Tagged {
        let si = self.word(ctx, SCOPE_INFO).addr();
        self.word(si, 2 + i)
    }

    pub fn context_get(&self, ctx: Tagged, i: usize) -> Tagged {
        assert!(
            i < self.context_variable_count(ctx.addr()),
            "context variable {i} out of range"
        );
        self.word(ctx.addr(), FIRST_VARIABLE + i)
    }

    pub fn context_set(&mut self, ctx: Tagged, i: usize, v: Tagged) {
        assert!(
            i < self.context_variable_count(ctx.addr()),
            "context variable {i} out of range"
        );
        self.set_field(ctx, FIRST_VARIABLE + i, v);
    }
}
