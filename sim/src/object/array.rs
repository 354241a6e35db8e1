//! Fixed arrays and JS arrays, after V8's `FixedArray` and `JSArray`
//! (`src/objects/fixed-array.h`, `src/objects/js-array.h`).
//!
//! `FixedArray` (16 + 8·n bytes; also the layout of `DescriptorArray`, `TransitionArray`,
//! `ScopeInfo`, contexts and hash tables, which differ only by map):
//!
//! | word   | field  | contents                 |
//! |--------|--------|--------------------------|
//! | 0      | map    |                          |
//! | 1      | length | Smi n                    |
//! | 2..2+n | slots  | tagged values            |
//!
//! `JSArray` (32 bytes): map, properties, elements (a `FixedArray`, "(object elements)" in
//! snapshots), length (Smi). Unset elements hold the hole. Elements grow like V8's
//! `JSObject::NewElementsCapacity`: `old + old/2 + 16`.

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const JS_ARRAY_WORDS: usize = 4;
/// Word index of a `JSArray`'s length.
pub const LENGTH: usize = 3;

/// V8's growth rule for element backing stores.
pub fn new_elements_capacity(old: usize) -> usize {
    old + old / 2 + 16
}

impl Heap {
    /// A young `FixedArray` of `len` slots holding `undefined` (large ones go to
    /// large-object space).
    pub fn alloc_fixed_array(&mut self, len: usize) -> Result<Tagged, HeapError> {
        self.alloc_fixed_array_of(InstanceType::FixedArray, len)
    }

    pub(crate) fn alloc_fixed_array_of(
        &mut self,
        ty: InstanceType,
        len: usize,
    ) -> Result<Tagged, HeapError> {
        self.alloc_fixed_array_in(ty, len, AllocSpace::Young)
    }

    /// A fixed-array-shaped object of type `ty` with `len` slots of `undefined`.
    pub(crate) fn alloc_fixed_array_in(
        &mut self,
        ty: InstanceType,
        len: usize,
        space: AllocSpace,
    ) -> Result<Tagged, HeapError> {
        debug_assert!(ty.is_fixed_array_like());
        if len > i32::MAX as usize / 8 {
            return Err(HeapError::OutOfMemory {
                space: "fixed array",
                requested: len.saturating_mul(8),
                used: self.old_generation_size(),
                limit: self.managed.profile.max_old_generation,
            });
        }
        let a = self.allocate_raw(16 + 8 * len, space)?;
        self.init_object(
            a,
            &[self.managed.root_map_word(ty), Tagged::smi(len as i32).0],
        );
        let u = self.undefined_value().0;
        self.words_at_mut(a + 16, len).fill(u);
        Ok(Tagged::strong(a))
    }

    pub fn fixed_array_length(&self, addr: Address) -> usize {
        self.word(addr, 1).smi_value() as usize
    }

    pub fn fixed_array_get(&self, arr: Tagged, i: usize) -> Tagged {
        assert!(
            i < self.fixed_array_length(arr.addr()),
            "index {i} out of bounds"
        );
        self.word(arr.addr(), 2 + i)
    }

    pub fn fixed_array_set(&mut self, arr: Tagged, i: usize, v: Tagged) {
        assert!(
            i < self.fixed_array_length(arr.addr()),
            "index {i} out of bounds"
        );
        self.set_field(arr, 2 + i, v);
    }

    /// A young JS array of length `len` whose elements are holes.
    pub fn alloc_array(&mut self, len: usize) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let r = self.alloc_array_inner(len);
        self.close_handle_scope(scope);
        r
    }

    fn alloc_array_inner(&mut self, len: usize) -> Result<Tagged, HeapError> {
        let elements = if len == 0 {
            self.empty_fixed_array()
        } else {
            self.alloc_fixed_array(len)?
        };
        let hole = self.the_hole().0;
        if len > 0 {
            self.words_at_mut(elements.addr() + 16, len).fill(hole);
        }
        let he = self.handle(elements);
        let a = self.allocate_raw(JS_ARRAY_WORDS * 8, AllocSpace::Young)?;
        let efa = self.empty_fixed_array().0;
        let words = [
            self.managed.root_map_word(InstanceType::JSArray),
            efa,
            self.get(he).0,
            Tagged::smi(len as i32).0,
        ];
        self.init_object(a, &words);
        Ok(Tagged::strong(a))
    }

    pub fn array_length(&self, arr: Tagged) -> usize {
        self.word(arr.addr(), LENGTH).smi_value() as usize
    }

    /// `arr[i]`, or the hole when unset or past the end.
    pub fn array_get(&self, arr: Tagged, i: usize) -> Tagged {
        let e = self.word(arr.addr(), super::js_object::ELEMENTS);
        if i < self.fixed_array_length(e.addr()) {
            self.word(e.addr(), 2 + i)
        } else {
            self.the_hole()
        }
    }

    /// `arr[i] = v`, growing the elements and the length as JS does. May allocate, so
    /// `arr` (and any other raw value) must be re-read from its handle afterwards.
    pub fn array_set(&mut self, arr: Tagged, i: usize, v: Tagged) -> Result<(), HeapError> {
        self.expect_type(arr, InstanceType::JSArray, "array_set")?;
        self.set_element(arr, i, v)
    }

    /// `arr.push(v)`; returns the new length.
    pub fn array_push(&mut self, arr: Tagged, v: Tagged) -> Result<usize, HeapError> {
        let n = self.array_length(arr);
        self.array_set(arr, n, v)?;
        Ok(n + 1)
    }

    pub(crate) fn expect_type(
        &self,
        obj: Tagged,
        ty: InstanceType,
        op: &'static str,
    ) -> Result<(), HeapError> {
        let found = if obj.is_heap_object() {
            self.instance_type(obj.addr()).v8_name()
        } else {
            "Smi"
        };
        if obj.is_heap_object() && self.instance_type(obj.addr()) == ty {
            Ok(())
        } else {
            Err(HeapError::WrongType {
                op,
                expected: ty.v8_name(),
                found,
            })
        }
    }
}
