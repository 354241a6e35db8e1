//! JS objects, oddballs and heap numbers, after V8's `JSObject`, `Oddball` and `HeapNumber`
//! (`src/objects/js-objects.h`, `oddball.h`, `heap-number.h`).
//!
//! `JSObject` (24 + 8·k bytes for k in-object properties):
//!
//! | word     | field      | contents                                                 |
//! |----------|------------|----------------------------------------------------------|
//! | 0        | map        | hidden class; its descriptors name the properties        |
//! | 1        | properties | out-of-object property values: a `FixedArray` ("(object properties)"), the empty fixed array, or a `NameDictionary` in dictionary mode |
//! | 2        | elements   | indexed elements: a `FixedArray` ("(object elements)") or the empty fixed array |
//! | 3..3+k   | in-object  | the first k properties, in map-descriptor order          |
//!
//! Property i of a fast-mode object lives in-object when i < k, else in slot i − k of the
//! properties array, which grows three slots at a time (V8's `kFieldsAdded`). Arrays,
//! functions and collections share the three header words.
//!
//! `Oddball` (48 bytes): map, to_string, to_number, type_of, kind (Smi), to_number_raw
//! (raw double). `undefined`, `null`, `true`, `false` and the hole are oddballs.
//!
//! `HeapNumber` (16 bytes): map, value (raw IEEE double).

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const HEADER_WORDS: usize = 3;
pub const PROPERTIES: usize = 1;
pub const ELEMENTS: usize = 2;
pub const ODDBALL_WORDS: usize = 6;
/// Slots added to a full out-of-object property array.
const FIELDS_ADDED: usize = 3;

impl Heap {
    /// A young JS object with map `map` (see [`Heap::class_map`]); in-object properties are
    /// `undefined`, properties and elements empty.
    pub fn alloc_object(&mut self, map: Tagged) -> Result<Tagged, HeapError> {
        self.alloc_object_in(map, AllocSpace::Young)
    }

    /// A JS object of class `name` (a cached class map with `inobject` slots).
    pub fn alloc_object_of_class(
        &mut self,
        name: &str,
        inobject: usize,
    ) -> Result<Tagged, HeapError> {
        let m = self.class_map(name, inobject)?;
        self.alloc_object(m)
    }

    pub(crate) fn alloc_object_in(
        &mut self,
        map: Tagged,
        space: AllocSpace,
    ) -> Result<Tagged, HeapError> {
        let size = self.word(map.addr(), super::map::INSTANCE_SIZE).smi_value() as usize;
        let scope = self.open_handle_scope();
        let hm = self.handle(map);
        let a = self.allocate_raw(size, space);
        let map = self.get(hm);
        self.close_handle_scope(scope);
        let a = a?;
        let efa = self.empty_fixed_array().0;
        self.init_object(a, &[map.0, efa, efa]);
        let u = self.undefined_value().0;
        self.words_at_mut(a + 8 * HEADER_WORDS as u64, size / 8 - HEADER_WORDS)
            .fill(u);
        Ok(Tagged::strong(a))
    }

    /// A young heap number.
    pub fn alloc_heap_number(&mut self, value: f64) -> Result<Tagged, HeapError> {
        let a = self.allocate_raw(16, AllocSpace::Young)?;
        self.init_object(
            a,
            &[
                self.managed.root_map_word(InstanceType::HeapNumber),
                value.to_bits(),
            ],
        );
        Ok(Tagged::strong(a))
    }

    /// A JS number: a Smi when `value` is an int32 (and not −0), else a heap number.
    pub fn number(&mut self, value: f64) -> Result<Tagged, HeapError> {
        let i = value as i32;
        if i as f64 == value && !(value == 0.0 && value.is_sign_negative()) {
            Ok(Tagged::smi(i))
        } else {
            self.alloc_heap_number(value)
        }
    }

    pub fn heap_number_value(&self, addr: Address) -> f64 {
        f64::from_bits(self.word(addr, 1).0)
    }

    /// `obj[name] = value` for a named property: map transition, in-object or backing-store
    /// slot, dictionary mode past [`super::map::MAX_FAST_PROPERTIES`]. May allocate.
    pub fn set_property(
        &mut self,
        obj: Tagged,
        name: &str,
        value: Tagged,
    ) -> Result<(), HeapError> {
        if !obj.is_heap_object() || !self.instance_type(obj.addr()).is_js_object() {
            let found = if obj.is_heap_object() {
                self.instance_type(obj.addr()).v8_name()
            } else {
                "Smi"
            };
            return Err(HeapError::WrongType {
                op: "set_property",
                expected: "a JS object",
                found,
            });
        }
        let scope = self.open_handle_scope();
        let (ho, hv) = (self.handle(obj), self.handle(value));
        let r = self.internalize(name).and_then(|n| {
            let hn = self.handle(n);
            self.set_named(ho, hn, hv)
        });
        self.close_handle_scope(scope);
        r
    }

    fn set_named(
        &mut self,
        ho: crate::Handle,
        hn: crate::Handle,
        hv: crate::Handle,
    ) -> Result<(), HeapError> {
        let (obj, name) = (self.get(ho), self.get(hn));
        let map = self.map_of(obj.addr());
        if self.map_is_dictionary(map) {
            return self.dictionary_put(ho, hn, hv);
        }
        if let Some(k) = self.map_find_property(map, name) {
            let v = self.get(hv);
            self.store_property(obj.addr(), k, v);
            return Ok(());
        }
        let nof = self.map_own_descriptors(map);
        if nof >= super::map::MAX_FAST_PROPERTIES {
            self.normalize(ho)?;
            return self.dictionary_put(ho, hn, hv);
        }
        let child = self.transition(Tagged::strong(map), name)?;
        let hc = self.handle(child);
        let inobj = self.map_inobject_properties(child.addr());
        if nof >= inobj {
            let j = nof - inobj;
            let props = self.word(self.get(ho).addr(), PROPERTIES);
            let len = self.fixed_array_length(props.addr());
            if j >= len {
                let grown = self.alloc_fixed_array(len + FIELDS_ADDED)?;
                let obj = self.get(ho).addr();
                let props = self.word(obj, PROPERTIES).addr();
                for i in 0..len {
                    let v = self.word(props, 2 + i);
                    self.write(grown.addr(), 2 + i, v);
                }
                self.write(obj, PROPERTIES, grown);
            }
        }
        let obj = self.get(ho).addr();
        let child = self.get(hc);
        self.write(obj, 0, child);
        let v = self.get(hv);
        self.store_property(obj, nof, v);
        Ok(())
    }

    /// Writes fast property `k` of `obj` to its in-object or backing-store slot.
    fn store_property(&mut self, obj: Address, k: usize, v: Tagged) {
        let inobj = self.map_inobject_properties(self.map_of(obj));
        if k < inobj {
            self.write(obj, HEADER_WORDS + k, v);
        } else {
            let props = self.word(obj, PROPERTIES).addr();
            self.write(props, 2 + k - inobj, v);
        }
    }

    /// Moves a fast-mode object's properties into a `NameDictionary` (V8's
    /// `JSObject::NormalizeProperties`).
    fn normalize(&mut self, ho: crate::Handle) -> Result<(), HeapError> {
        let props = self.named_properties(self.get(ho).addr());
        let scope = self.open_handle_scope();
        let hs: Vec<(crate::Handle, crate::Handle)> = props
            .iter()
            .map(|&(n, v)| (self.handle(n), self.handle(v)))
            .collect();
        let r = (|| {
            let table = self.alloc_hash_table(InstanceType::NameDictionary, hs.len() + 1)?;
            let ht = self.handle(table);
            for &(hn, hv) in &hs {
                self.table_put(ht, hn, hv)?;
            }
            let map = Tagged::strong(self.map_of(self.get(ho).addr()));
            let dmap = self.dictionary_map(map)?;
            let obj = self.get(ho).addr();
            let inobj = self.map_inobject_properties(dmap.addr());
            let u = self.undefined_value();
            for i in 0..inobj {
                self.write(obj, HEADER_WORDS + i, u);
            }
            self.write(obj, 0, dmap);
            let t = self.get(ht);
            self.write(obj, PROPERTIES, t);
            Ok(())
        })();
        self.close_handle_scope(scope);
        r
    }

    fn dictionary_put(
        &mut self,
        ho: crate::Handle,
        hn: crate::Handle,
        hv: crate::Handle,
    ) -> Result<(), HeapError> {
        let scope = self.open_handle_scope();
        let t = self.word(self.get(ho).addr(), PROPERTIES);
        let ht = self.handle(t);
        let r = self.table_put(ht, hn, hv);
        if r.is_ok() {
            let obj = self.get(ho).addr();
            let t = self.get(ht);
            self.write(obj, PROPERTIES, t);
        }
        self.close_handle_scope(scope);
        r
    }

    /// `obj[name]` for a named own property, if present. Does not allocate.
    pub fn get_property(&self, obj: Tagged, name: &str) -> Option<Tagged> {
        let &i = self.string_table.get(name)?;
        let n = self.managed.roots.list(crate::RootKind::StringTable)[i];
        self.named_properties(obj.addr())
            .into_iter()
            .find(|&(k, _)| k == n)
            .map(|(_, v)| v)
    }

    /// Own named properties `(name string, value)` in definition order (fast mode) or table
    /// order (dictionary mode).
    pub fn named_properties(&self, obj: Address) -> Vec<(Tagged, Tagged)> {
        let map = self.map_of(obj);
        let props = self.word(obj, PROPERTIES);
        if self.map_is_dictionary(map) {
            return self
                .table_entries(props.addr())
                .map(|(_, k, v)| (k, v))
                .collect();
        }
        let inobj = self.map_inobject_properties(map);
        (0..self.map_own_descriptors(map))
            .map(|k| {
                let v = if k < inobj {
                    self.word(obj, HEADER_WORDS + k)
                } else {
                    self.word(props.addr(), 2 + k - inobj)
                };
                (self.map_property_name(map, k), v)
            })
            .collect()
    }

    /// `obj[i] = v` for an indexed element, growing the elements backing store (and a
    /// `JSArray`'s length). May allocate.
    pub fn set_element(&mut self, obj: Tagged, i: usize, v: Tagged) -> Result<(), HeapError> {
        if !obj.is_heap_object() || !self.instance_type(obj.addr()).is_js_object() {
            return Err(HeapError::WrongType {
                op: "set_element",
                expected: "a JS object",
                found: "another type",
            });
        }
        if i >= i32::MAX as usize {
            return Err(HeapError::WrongType {
                op: "set_element",
                expected: "an index below 2^31-1",
                found: "a larger index",
            });
        }
        let scope = self.open_handle_scope();
        let (ho, hv) = (self.handle(obj), self.handle(v));
        let r = (|| {
            let e = self.word(obj.addr(), ELEMENTS);
            let cap = self.fixed_array_length(e.addr());
            if i >= cap {
                let new_cap = new_elements_capacity_for(cap, i);
                let grown = self.alloc_fixed_array(new_cap)?;
                let hole = self.the_hole().0;
                self.words_at_mut(grown.addr() + 16, new_cap).fill(hole);
                let obj = self.get(ho).addr();
                let e = self.word(obj, ELEMENTS).addr();
                for j in 0..cap {
                    let x = self.word(e, 2 + j);
                    self.write(grown.addr(), 2 + j, x);
                }
                self.write(obj, ELEMENTS, grown);
            }
            let obj = self.get(ho).addr();
            let e = self.word(obj, ELEMENTS).addr();
            let v = self.get(hv);
            self.write(e, 2 + i, v);
            if self.instance_type(obj) == InstanceType::JSArray
                && i >= self.word(obj, super::array::LENGTH).smi_value() as usize
            {
                self.write(obj, super::array::LENGTH, Tagged::smi(i as i32 + 1));
            }
            Ok(())
        })();
        self.close_handle_scope(scope);
        r
    }

    /// The class name of a JS object (its constructor's name), as a string object.
    pub fn class_name(&self, obj: Address) -> Option<Tagged> {
        self.map_class_name(self.map_of(obj))
    }
}

fn new_elements_capacity_for(cap: usize, index: usize) -> usize {
    super::array::new_elements_capacity(cap).max(index + 1)
}
