//! Closures: `JSFunction` and `SharedFunctionInfo`, after V8's `src/objects/js-function.h`
//! and `shared-function-info.h`.
//!
//! `JSFunction` (64 bytes), a JS object:
//!
//! | word | field                     | contents                                      |
//! |------|---------------------------|-----------------------------------------------|
//! | 0-2  | map, properties, elements | as every JS object                            |
//! | 3    | shared                    | its `SharedFunctionInfo`                      |
//! | 4    | context                   | the context it closes over                    |
//! | 5    | feedback_cell             | `undefined` (feedback is not simulated)       |
//! | 6    | code                      | the code it runs (a builtin until optimized)  |
//! | 7    | prototype_or_initial_map  | `the hole` until used as a constructor        |
//!
//! `SharedFunctionInfo` (56 bytes; in code space, as the issue asks), what all closures of
//! one function literal share: map, name (string), code, script (the script's name, a
//! string), line (Smi, 0-based), column (Smi, 0-based), formal_parameter_count (Smi). Line
//! and column are what a snapshot's `locations` report for the closure.

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const JS_FUNCTION_WORDS: usize = 8;
pub const SHARED: usize = 3;
pub const CONTEXT: usize = 4;
pub const FEEDBACK_CELL: usize = 5;
pub const CODE: usize = 6;
pub const PROTOTYPE_OR_INITIAL_MAP: usize = 7;

pub const SFI_WORDS: usize = 7;
pub const SFI_NAME: usize = 1;
pub const SFI_CODE: usize = 2;
pub const SFI_SCRIPT: usize = 3;
pub const SFI_LINE: usize = 4;
pub const SFI_COLUMN: usize = 5;
pub const SFI_PARAMS: usize = 6;

/// Where a function literal is in its script.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SourcePosition {
    pub line: u32,
    pub column: u32,
}

impl Heap {
    /// The shared part of a function literal `name` in script `script` at `pos`.
    pub fn alloc_shared_function_info(
        &mut self,
        name: &str,
        script: &str,
        pos: SourcePosition,
        params: u32,
    ) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let r = (|| {
            let n = self.internalize(name)?;
            let hn = self.handle(n);
            let s = self.internalize(script)?;
            let hs = self.handle(s);
            let a = self.allocate_raw(SFI_WORDS * 8, AllocSpace::Code)?;
            let code = self.managed.roots.list(crate::RootKind::Builtins)[1];
            let words = [
                self.managed.root_map_word(InstanceType::SharedFunctionInfo),
                self.get(hn).0,
                code.0,
                self.get(hs).0,
                Tagged::smi(pos.line as i32).0,
                Tagged::smi(pos.column as i32).0,
                Tagged::smi(params as i32).0,
            ];
            self.init_object(a, &words);
            Ok(Tagged::strong(a))
        })();
        self.close_handle_scope(scope);
        r
    }

    /// A young closure of `shared` over `context` (a context, or `undefined` for the
    /// native context).
    pub fn alloc_closure(&mut self, shared: Tagged, context: Tagged) -> Result<Tagged, HeapError> {
        self.expect_type(shared, InstanceType::SharedFunctionInfo, "alloc_closure")?;
        let scope = self.open_handle_scope();
        let (hs, hc) = (self.handle(shared), self.handle(context));
        let a = self.allocate_raw(JS_FUNCTION_WORDS * 8, AllocSpace::Young);
        let (shared, context) = (self.get(hs), self.get(hc));
        self.close_handle_scope(scope);
        let a = a?;
        let context = if context.is_heap_object() && self.is_context(context.addr()) {
            context
        } else {
            self.native_context()
        };
        let efa = self.empty_fixed_array().0;
        let code = self.managed.roots.list(crate::RootKind::Builtins)[0];
        let words = [
            self.managed.root_map_word(InstanceType::JSFunction),
            efa,
            efa,
            shared.0,
            context.0,
            self.undefined_value().0,
            code.0,
            self.the_hole().0,
        ];
        self.init_object(a, &words);
        Ok(Tagged::strong(a))
    }

    /// The function's name (from its shared info).
    pub fn function_name(&self, f: Address) -> Tagged {
        self.word(self.word(f, SHARED).addr(), SFI_NAME)
    }

    /// The script name and position of a function or shared function info.
    pub fn function_location(&self, f: Address) -> (Tagged, SourcePosition) {
        let sfi = if self.instance_type(f) == InstanceType::JSFunction {
            self.word(f, SHARED).addr()
        } else {
            f
        };
        let pos = SourcePosition {
            line: self.word(sfi, SFI_LINE).smi_value() as u32,
            column: self.word(sfi, SFI_COLUMN).smi_value() as u32,
        };
        (self.word(sfi, SFI_SCRIPT), pos)
    }
}
