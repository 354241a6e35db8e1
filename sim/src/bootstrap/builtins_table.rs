//! V8's builtins table (`Builtins::SetUp`, `src/builtins/builtins.cc`): one `Code` object
//! per builtin, named as V8 names it, held by the `(Builtins)` root list. Node 20's V8
//! (11.3) embeds the instructions in the binary, so each `Code` object is a small on-heap
//! header (the recorded snapshot size) rather than the machine code itself.

use std::collections::HashMap;

use super::table;
use crate::heap::roots::RootKind;
use crate::heap::{Heap, HeapError, BUILTINS};
use crate::object::code::{CodeKind, HEADER_WORDS};
use crate::Tagged;

/// The builtins by name: their index in the `(Builtins)` root list.
pub struct BuiltinCode {
    index: HashMap<&'static str, usize>,
    added: usize,
}

impl BuiltinCode {
    /// The `Code` object of builtin `name`, if the table has it.
    pub fn get(&self, heap: &Heap, name: &str) -> Option<Tagged> {
        let &i = self.index.get(name)?;
        Some(heap.roots().list(RootKind::Builtins)[i])
    }

    /// `Code` objects [`install`] added (the heap's own [`BUILTINS`] were there already).
    pub fn added(&self) -> usize {
        self.added
    }
}

/// Allocates the recorded builtins the heap does not have yet.
pub fn install(heap: &mut Heap, builtin_code: &'static str) -> Result<BuiltinCode, HeapError> {
    let mut index: HashMap<&'static str, usize> =
        BUILTINS.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut added = 0;
    for r in table::rows(builtin_code) {
        let (name, size) = (r[0], r[1].parse::<usize>().unwrap_or(8 * HEADER_WORDS));
        if index.contains_key(name) {
            continue;
        }
        let code = heap.alloc_code(
            name,
            size.saturating_sub(8 * HEADER_WORDS),
            CodeKind::Builtin,
        )?;
        index.insert(name, heap.add_root(RootKind::Builtins, code));
        added += 1;
    }
    Ok(BuiltinCode { index, added })
}
