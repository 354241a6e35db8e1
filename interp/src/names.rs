//! Internalized names: property names and string literals, interned once and referred to
//! by their index in the heap's string table.
//!
//! The `(Internalized strings)` root list only grows and the collectors update it in
//! place, so an index into it is a GC-safe way to name a string from the IR without a
//! handle; reading it back is one load ([`Names::get`]).

use std::collections::HashMap;

use sim::{Heap, HeapError, RootKind, Tagged};

use crate::ir::Name;

#[derive(Default)]
pub struct Names {
    map: HashMap<String, Name>,
}

impl Names {
    /// The name of `s`, internalizing it on first use.
    pub fn intern(&mut self, heap: &mut Heap, s: &str) -> Result<Name, HeapError> {
        if let Some(&n) = self.map.get(s) {
            return Ok(n);
        }
        let t = heap.internalize(s)?;
        let list = heap.roots().list(RootKind::StringTable);
        let i = if list.last() == Some(&t) {
            list.len() - 1
        } else {
            list.iter().position(|&x| x == t).expect("internalized")
        };
        let n = Name(i as u32);
        self.map.insert(s.to_string(), n);
        Ok(n)
    }

    /// The name of `s` if it was interned.
    pub fn lookup(&self, s: &str) -> Option<Name> {
        self.map.get(s).copied()
    }

    /// The string object of `n`.
    #[inline]
    pub fn get(heap: &Heap, n: Name) -> Tagged {
        heap.roots().list(RootKind::StringTable)[n.0 as usize]
    }
}
