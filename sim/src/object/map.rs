//! `Map`: the hidden class every object points to with its first word, after V8's
//! `src/objects/map.h`.
//!
//! Layout (10 words, 80 bytes, like V8 6.x's `Map::kSize`):
//!
//! | word | field                          | contents                                          |
//! |------|--------------------------------|---------------------------------------------------|
//! | 0    | map                            | the meta map (whose own map is itself)            |
//! | 1    | instance_type                  | Smi, an [`InstanceType`]                          |
//! | 2    | instance_size                  | Smi, bytes; 0 for variable-size types             |
//! | 3    | inobject_properties            | Smi, property slots inside the object             |
//! | 4    | own_descriptors                | Smi, number of named properties this map describes |
//! | 5    | bit_field                      | Smi, bit 0 = dictionary map                       |
//! | 6    | prototype                      | object or `null`                                  |
//! | 7    | constructor_or_back_pointer    | root map: the constructor (a `JSFunction`, or a string naming the class); transitioned map: the parent map |
//! | 8    | descriptors                    | `DescriptorArray`: property names, in order       |
//! | 9    | transitions                    | `TransitionArray` `[name, map]*`, or the empty fixed array |
//!
//! Transitions (V8's `TransitionsAccessor`): adding property `p` to an object with map `M`
//! moves it to `M`'s child for `p`, created on first use with `M`'s descriptors plus `p`
//! and a back pointer to `M`. Objects built the same way therefore share maps, and a
//! class's name is found by following back pointers to the root map's constructor
//! (`Map::GetConstructor`). Past [`MAX_FAST_PROPERTIES`] an object switches to a dictionary
//! map with its properties in a `NameDictionary` (V8's `kMaxNumberOfDescriptors` /
//! normalization).

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{Heap, HeapError};

pub const INSTANCE_TYPE: usize = 1;
pub const INSTANCE_SIZE: usize = 2;
pub const INOBJECT_PROPERTIES: usize = 3;
pub const OWN_DESCRIPTORS: usize = 4;
pub const BIT_FIELD: usize = 5;
pub const PROTOTYPE: usize = 6;
pub const CONSTRUCTOR_OR_BACK_POINTER: usize = 7;
pub const DESCRIPTORS: usize = 8;
pub const TRANSITIONS: usize = 9;
pub const SIZE_WORDS: usize = 10;

/// `bit_field` flag: properties live in a `NameDictionary`.
pub const DICTIONARY_MAP: i32 = 1;
/// Named properties a fast-mode object may have before it goes to dictionary mode.
pub const MAX_FAST_PROPERTIES: usize = 128;

impl Heap {
    /// Allocates a map in map space (`v8-6`) or old space (`modern`): a fresh root map with
    /// no descriptors, no transitions, a `null` prototype and the given constructor.
    pub(crate) fn alloc_map_raw(
        &mut self,
        ty: InstanceType,
        instance_size: usize,
        inobject: usize,
        constructor: Tagged,
    ) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let hc = self.handle(constructor);
        let a = self.allocate_raw(SIZE_WORDS * 8, crate::heap::AllocSpace::Map);
        let constructor = self.get(hc);
        self.close_handle_scope(scope);
        let a = a?;
        let meta = self.managed.meta_map_word();
        let empty = self.empty_fixed_array();
        let null = self.null_value();
        let words = [
            meta,
            Tagged::smi(ty as i32).0,
            Tagged::smi(instance_size as i32).0,
            Tagged::smi(inobject as i32).0,
            Tagged::smi(0).0,
            Tagged::smi(0).0,
            null.0,
            constructor.0,
            empty.0,
            empty.0,
        ];
        self.init_object(a, &words);
        Ok(Tagged::strong(a))
    }

    /// A new root map for JS objects of class `name` with `inobject` in-object property
    /// slots. Each call makes a distinct class, as each `class` declaration does in JS;
    /// [`Heap::class_map`] returns a cached one per name.
    pub fn new_class_map(&mut self, name: &str, inobject: usize) -> Result<Tagged, HeapError> {
        self.new_class_map_of(InstanceType::JSObject, name, inobject)
    }

    /// A new root map of instance type `ty` (a JS object type: `JSObject`, `JSFunction`,
    /// ...) for class `name`, e.g. the map of a derived class's constructor, whose prototype
    /// is the parent class.
    pub fn new_class_map_of(
        &mut self,
        ty: InstanceType,
        name: &str,
        inobject: usize,
    ) -> Result<Tagged, HeapError> {
        let n = self.internalize(name)?;
        let size = super::js_object::HEADER_WORDS * 8 + inobject * 8 + extra_words(ty) * 8;
        self.alloc_map_raw(ty, size, inobject, n)
    }

    /// The root map of class `name` with `inobject` in-object slots, created on first use
    /// and kept alive by the `(Strong roots)` list thereafter.
    pub fn class_map(&mut self, name: &str, inobject: usize) -> Result<Tagged, HeapError> {
        if let Some(&i) = self.class_maps.get(&(name.to_string(), inobject)) {
            return Ok(self
                .managed
                .roots
                .list(crate::heap::roots::RootKind::StrongRootList)[i]);
        }
        let m = self.new_class_map(name, inobject)?;
        let l = self
            .managed
            .roots
            .list_mut(crate::heap::roots::RootKind::StrongRootList);
        l.push(m);
        let i = l.len() - 1;
        self.class_maps.insert((name.to_string(), inobject), i);
        Ok(m)
    }

    /// The instance type a map describes.
    pub fn map_inobject_properties(&self, map: Address) -> usize {
        self.word(map, INOBJECT_PROPERTIES).smi_value() as usize
    }

    pub fn map_own_descriptors(&self, map: Address) -> usize {
        self.word(map, OWN_DESCRIPTORS).smi_value() as usize
    }

    pub fn map_is_dictionary(&self, map: Address) -> bool {
        self.word(map, BIT_FIELD).smi_value() & DICTIONARY_MAP != 0
    }

    /// The name of property `i` of a fast-mode map.
    pub fn map_property_name(&self, map: Address, i: usize) -> Tagged {
        let d = self.word(map, DESCRIPTORS).addr();
        self.word(d, 2 + i)
    }

    /// Index of property `name` (an internalized string) in a fast-mode map.
    pub fn map_find_property(&self, map: Address, name: Tagged) -> Option<usize> {
        let d = self.word(map, DESCRIPTORS).addr();
        (0..self.map_own_descriptors(map)).find(|&i| self.word(d, 2 + i) == name)
    }

    /// The class name of objects with this map: the root map's constructor's name
    /// (`Map::GetConstructor`, then the `JSFunction`'s shared name or the class-name string).
    pub fn map_class_name(&self, map: Address) -> Option<Tagged> {
        let mut m = map;
        loop {
            let c = self.word(m, CONSTRUCTOR_OR_BACK_POINTER);
            if !c.is_heap_object() {
                return None;
            }
            match self.instance_type(c.addr()) {
                InstanceType::Map => m = c.addr(),
                InstanceType::JSFunction => return Some(self.function_name(c.addr())),
                t if t.is_string() => return Some(c),
                _ => return None,
            }
        }
    }

    /// The map an object with map `map` gets when property `name` (internalized) is added:
    /// an existing transition, or a new child map recorded in `map`'s transitions.
    pub(crate) fn transition(&mut self, map: Tagged, name: Tagged) -> Result<Tagged, HeapError> {
        let t = self.word(map.addr(), TRANSITIONS);
        if self.instance_type(t.addr()) == InstanceType::TransitionArray {
            let n = self.fixed_array_length(t.addr());
            for i in (0..n).step_by(2) {
                if self.word(t.addr(), 2 + i) == name {
                    return Ok(self.word(t.addr(), 3 + i));
                }
            }
        }
        let scope = self.open_handle_scope();
        let r = self.new_transition(map, name);
        self.close_handle_scope(scope);
        r
    }

    fn new_transition(&mut self, map: Tagged, name: Tagged) -> Result<Tagged, HeapError> {
        let (hm, hn) = (self.handle(map), self.handle(name));
        let m = map.addr();
        let ty = self.map_instance_type(m);
        let size = self.word(m, INSTANCE_SIZE).smi_value() as usize;
        let inobj = self.map_inobject_properties(m);
        let nof = self.map_own_descriptors(m);
        let child = self.alloc_map_raw(ty, size, inobj, Tagged::ZERO)?;
        let hc = self.handle(child);
        let desc = self.alloc_fixed_array_in(
            InstanceType::DescriptorArray,
            nof + 1,
            crate::heap::AllocSpace::Old,
        )?;
        let (m, name, child) = (self.get(hm).addr(), self.get(hn), self.get(hc));
        let old_desc = self.word(m, DESCRIPTORS).addr();
        for i in 0..nof {
            let v = self.word(old_desc, 2 + i);
            self.write(desc.addr(), 2 + i, v);
        }
        self.write(desc.addr(), 2 + nof, name);
        let c = child.addr();
        self.write(c, OWN_DESCRIPTORS, Tagged::smi(nof as i32 + 1));
        self.write(c, DESCRIPTORS, desc);
        self.write(c, CONSTRUCTOR_OR_BACK_POINTER, Tagged::strong(m));
        let proto = self.word(m, PROTOTYPE);
        self.write(c, PROTOTYPE, proto);
        // Record the transition in the parent: a new array one entry longer.
        let t = self.word(m, TRANSITIONS);
        let old_n = if self.instance_type(t.addr()) == InstanceType::TransitionArray {
            self.fixed_array_length(t.addr())
        } else {
            0
        };
        let ta = self.alloc_fixed_array_in(
            InstanceType::TransitionArray,
            old_n + 2,
            crate::heap::AllocSpace::Old,
        )?;
        let (m, name, child) = (self.get(hm).addr(), self.get(hn), self.get(hc));
        let t = self.word(m, TRANSITIONS);
        for i in 0..old_n {
            let v = self.word(t.addr(), 2 + i);
            self.write(ta.addr(), 2 + i, v);
        }
        self.write(ta.addr(), 2 + old_n, name);
        self.write(ta.addr(), 3 + old_n, child);
        self.write(m, TRANSITIONS, ta);
        Ok(child)
    }

    /// A dictionary-mode copy of `map` (no descriptors, no transitions, same class).
    pub(crate) fn dictionary_map(&mut self, map: Tagged) -> Result<Tagged, HeapError> {
        let m = map.addr();
        let ty = self.map_instance_type(m);
        let size = self.word(m, INSTANCE_SIZE).smi_value() as usize;
        let inobj = self.map_inobject_properties(m);
        // The parent goes in as the constructor slot (a back pointer), so the allocation
        // keeps it up to date.
        let d = self.alloc_map_raw(ty, size, inobj, map)?;
        let parent = self.word(d.addr(), CONSTRUCTOR_OR_BACK_POINTER);
        self.write(d.addr(), BIT_FIELD, Tagged::smi(DICTIONARY_MAP));
        let proto = self.word(parent.addr(), PROTOTYPE);
        self.write(d.addr(), PROTOTYPE, proto);
        Ok(d)
    }
}

/// Words after the JS object header that a type's map must account for.
pub(crate) fn extra_words(ty: InstanceType) -> usize {
    match ty {
        InstanceType::JSArray => super::array::JS_ARRAY_WORDS - super::js_object::HEADER_WORDS,
        InstanceType::JSFunction => {
            super::closure::JS_FUNCTION_WORDS - super::js_object::HEADER_WORDS
        }
        InstanceType::JSMap
        | InstanceType::JSSet
        | InstanceType::JSWeakMap
        | InstanceType::JSWeakSet => {
            super::collections::JS_COLLECTION_WORDS - super::js_object::HEADER_WORDS
        }
        _ => 0,
    }
}
