//! `Map`, `Set`, `WeakMap` and `WeakSet`, and the hash tables behind them, after V8's
//! `JSCollection` / `JSWeakCollection` (`src/objects/js-collection.h`) and
//! `OrderedHashTable` (`src/objects/ordered-hash-table.h`).
//!
//! A collection object (32 bytes) is a JS object with one more word: map, properties,
//! elements, **table**. The table is fixed-array shaped; its map says which kind it is
//! (`OrderedHashMap` for `Map`, `OrderedHashSet` for `Set`, `EphemeronHashTable` for
//! `WeakMap`/`WeakSet`, `NameDictionary` for dictionary-mode properties). Layout, in words:
//!
//! | word            | field              | contents                                    |
//! |-----------------|--------------------|---------------------------------------------|
//! | 0, 1            | map, length        |                                             |
//! | 2               | number_of_elements | Smi                                         |
//! | 3               | number_of_deleted  | Smi                                         |
//! | 4               | number_of_buckets  | Smi b (a power of two)                      |
//! | 5..5+b          | buckets            | Smi: first entry of the chain, −1 if none   |
//! | 5+b..           | entries            | 2·b entries in insertion order: key, value (not in sets), chain (Smi: next entry in the bucket, −1) |
//!
//! As in V8's ordered tables, deletion writes the hole over key and value and a full table
//! is rebuilt (twice the buckets when at least half the entries are live, else the same
//! size), which drops deleted entries and keeps insertion order. Keys compare by
//! SameValueZero: strings by content, numbers by value, other objects by identity; an
//! object's hash is its stable id ([`crate::heap::ids`]), as stable across moves as V8's identity
//! hash. An ephemeron table's values are reported with their key so issue 6 can apply the
//! ephemeron rule; the scavenger treats them strongly, as V8's scavenger does.

use super::InstanceType;
use crate::heap::roots::Handle;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const JS_COLLECTION_WORDS: usize = 4;
pub const TABLE: usize = 3;
pub const NUMBER_OF_ELEMENTS: usize = 2;
pub const NUMBER_OF_DELETED: usize = 3;
pub const NUMBER_OF_BUCKETS: usize = 4;
pub const BUCKETS: usize = 5;

/// Words per entry of a table type.
pub fn entry_size(ty: InstanceType) -> usize {
    if ty == InstanceType::OrderedHashSet {
        2
    } else {
        3
    }
}

fn table_type(collection: InstanceType) -> InstanceType {
    match collection {
        InstanceType::JSMap => InstanceType::OrderedHashMap,
        InstanceType::JSSet => InstanceType::OrderedHashSet,
        _ => InstanceType::EphemeronHashTable,
    }
}

impl Heap {
    /// A young hash table of type `ty` with room for at least `capacity` entries.
    pub(crate) fn alloc_hash_table(
        &mut self,
        ty: InstanceType,
        capacity: usize,
    ) -> Result<Tagged, HeapError> {
        let buckets = capacity.div_ceil(2).max(2).next_power_of_two();
        let len = 3 + buckets + 2 * buckets * entry_size(ty);
        let t = self.alloc_fixed_array_in(ty, len, AllocSpace::Young)?;
        let a = t.addr();
        let minus1 = Tagged::smi(-1).0;
        let w = self.words_at_mut(a, 2 + len);
        w[NUMBER_OF_ELEMENTS] = Tagged::smi(0).0;
        w[NUMBER_OF_DELETED] = Tagged::smi(0).0;
        w[NUMBER_OF_BUCKETS] = Tagged::smi(buckets as i32).0;
        w[BUCKETS..BUCKETS + buckets].fill(minus1);
        Ok(t)
    }

    fn alloc_collection(&mut self, ty: InstanceType) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let r = (|| {
            let t = self.alloc_hash_table(table_type(ty), 4)?;
            let ht = self.handle(t);
            let o = self.alloc_object(self.root_map(ty))?;
            let t = self.get(ht);
            self.write(o.addr(), TABLE, t);
            Ok(o)
        })();
        self.close_handle_scope(scope);
        r
    }

    /// `new Map()`.
    pub fn alloc_js_map(&mut self) -> Result<Tagged, HeapError> {
        self.alloc_collection(InstanceType::JSMap)
    }

    /// `new Set()`.
    pub fn alloc_js_set(&mut self) -> Result<Tagged, HeapError> {
        self.alloc_collection(InstanceType::JSSet)
    }

    /// `new WeakMap()`.
    pub fn alloc_js_weak_map(&mut self) -> Result<Tagged, HeapError> {
        self.alloc_collection(InstanceType::JSWeakMap)
    }

    /// `new WeakSet()`.
    pub fn alloc_js_weak_set(&mut self) -> Result<Tagged, HeapError> {
        self.alloc_collection(InstanceType::JSWeakSet)
    }

    fn expect_collection(&self, c: Tagged, op: &'static str) -> Result<InstanceType, HeapError> {
        let ty = if c.is_heap_object() {
            self.instance_type(c.addr())
        } else {
            InstanceType::OnePointerFiller
        };
        match ty {
            InstanceType::JSMap
            | InstanceType::JSSet
            | InstanceType::JSWeakMap
            | InstanceType::JSWeakSet => Ok(ty),
            _ => Err(HeapError::WrongType {
                op,
                expected: "a Map, Set, WeakMap or WeakSet",
                found: if c.is_heap_object() {
                    ty.v8_name()
                } else {
                    "Smi"
                },
            }),
        }
    }

    /// `m.set(key, value)` for a `Map` or `WeakMap`, `s.add(key)` for a `Set` or `WeakSet`
    /// (`value` ignored). Weak collections only take JS objects as keys, as in JS.
    pub fn collection_set(
        &mut self,
        c: Tagged,
        key: Tagged,
        value: Tagged,
    ) -> Result<(), HeapError> {
        let ty = self.expect_collection(c, "collection_set")?;
        if matches!(ty, InstanceType::JSWeakMap | InstanceType::JSWeakSet)
            && !(key.is_heap_object() && self.instance_type(key.addr()).is_js_object())
        {
            return Err(HeapError::WrongType {
                op: "WeakMap/WeakSet key",
                expected: "a JS object",
                found: if key.is_heap_object() {
                    self.instance_type(key.addr()).v8_name()
                } else {
                    "Smi"
                },
            });
        }
        let value = if ty == InstanceType::JSWeakSet {
            self.true_value()
        } else {
            value
        };
        let scope = self.open_handle_scope();
        let (hc, hk, hv) = (self.handle(c), self.handle(key), self.handle(value));
        let t = self.word(c.addr(), TABLE);
        let ht = self.handle(t);
        let r = self.table_put(ht, hk, hv);
        if r.is_ok() {
            let (c, t) = (self.get(hc), self.get(ht));
            self.write(c.addr(), TABLE, t);
        }
        self.close_handle_scope(scope);
        r
    }

    /// `m.get(key)` / `s.has(key)` (the value, `true` for sets), or `None`.
    pub fn collection_get(&self, c: Tagged, key: Tagged) -> Option<Tagged> {
        let t = self.word(c.addr(), TABLE).addr();
        let e = self.table_find(t, key)?;
        let ty = self.instance_type(t);
        Some(if ty == InstanceType::OrderedHashSet {
            self.true_value()
        } else {
            self.word(t, entry_word(self, t, e) + 1)
        })
    }

    /// `m.delete(key)`.
    pub fn collection_delete(&mut self, c: Tagged, key: Tagged) -> bool {
        let t = self.word(c.addr(), TABLE).addr();
        let Some(e) = self.table_find(t, key) else {
            return false;
        };
        let w = entry_word(self, t, e);
        let hole = self.the_hole();
        self.write(t, w, hole);
        if entry_size(self.instance_type(t)) == 3 {
            self.write(t, w + 1, hole);
        }
        let n = self.word(t, NUMBER_OF_ELEMENTS).smi_value();
        let d = self.word(t, NUMBER_OF_DELETED).smi_value();
        self.write(t, NUMBER_OF_ELEMENTS, Tagged::smi(n - 1));
        self.write(t, NUMBER_OF_DELETED, Tagged::smi(d + 1));
        true
    }

    /// Number of live entries.
    pub fn collection_size(&self, c: Tagged) -> usize {
        let t = self.word(c.addr(), TABLE).addr();
        self.word(t, NUMBER_OF_ELEMENTS).smi_value() as usize
    }

    /// Live entries of a table: `(entry, key, value)`; sets report the key as value.
    pub fn table_entries(&self, t: Address) -> impl Iterator<Item = (usize, Tagged, Tagged)> + '_ {
        let ty = self.instance_type(t);
        let es = entry_size(ty);
        let nb = self.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
        let used = (self.word(t, NUMBER_OF_ELEMENTS).smi_value()
            + self.word(t, NUMBER_OF_DELETED).smi_value()) as usize;
        let hole = self.the_hole();
        (0..used).filter_map(move |e| {
            let w = BUCKETS + nb + e * es;
            let k = self.word(t, w);
            (k != hole).then(|| (e, k, if es == 3 { self.word(t, w + 1) } else { k }))
        })
    }

    /// The entry holding `key`, if any. Does not allocate or assign ids: an object without
    /// an id was never inserted anywhere.
    pub(crate) fn table_find(&self, t: Address, key: Tagged) -> Option<usize> {
        let h = self.key_hash(key)?;
        let nb = self.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
        let mut e = self.word(t, BUCKETS + (h as usize & (nb - 1))).smi_value();
        let es = entry_size(self.instance_type(t));
        while e >= 0 {
            let w = BUCKETS + nb + e as usize * es;
            if self.same_value_zero(self.word(t, w), key) {
                return Some(e as usize);
            }
            e = self.word(t, w + es - 1).smi_value();
        }
        None
    }

    /// Inserts or updates `key → value` in the table held by handle `ht`, rebuilding the
    /// table when full (the handle then holds the new table; the caller stores it back in
    /// its owner).
    pub(crate) fn table_put(
        &mut self,
        ht: Handle,
        hk: Handle,
        hv: Handle,
    ) -> Result<(), HeapError> {
        let key = self.get(hk);
        if key.is_heap_object()
            && !self.instance_type(key.addr()).is_string()
            && self.instance_type(key.addr()) != InstanceType::HeapNumber
        {
            self.object_id(key.addr());
        }
        let t = self.get(ht).addr();
        let ty = self.instance_type(t);
        let es = entry_size(ty);
        if let Some(e) = self.table_find(t, key) {
            if es == 3 {
                let w = entry_word(self, t, e);
                let v = self.get(hv);
                self.write(t, w + 1, v);
            }
            return Ok(());
        }
        let nb = self.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
        let n = self.word(t, NUMBER_OF_ELEMENTS).smi_value() as usize;
        let d = self.word(t, NUMBER_OF_DELETED).smi_value() as usize;
        if n + d >= 2 * nb {
            let cap = if n >= nb { 4 * nb } else { 2 * nb };
            let fresh = self.alloc_hash_table(ty, cap)?;
            let old = self.get(ht).addr();
            let live: Vec<(usize, Tagged, Tagged)> = self.table_entries(old).collect();
            for (_, k, v) in live {
                self.table_append(fresh.addr(), k, v);
            }
            self.set_handle(ht, fresh);
        }
        let (t, key, value) = (self.get(ht).addr(), self.get(hk), self.get(hv));
        self.table_append(t, key, value);
        Ok(())
    }

    /// Appends an entry known to be absent into a table with room.
    fn table_append(&mut self, t: Address, key: Tagged, value: Tagged) {
        let ty = self.instance_type(t);
        let es = entry_size(ty);
        let nb = self.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
        let n = self.word(t, NUMBER_OF_ELEMENTS).smi_value();
        let d = self.word(t, NUMBER_OF_DELETED).smi_value();
        let e = (n + d) as usize;
        let h = self
            .key_hash(key)
            .expect("keys get a hash before insertion");
        let b = BUCKETS + (h as usize & (nb - 1));
        let head = self.word(t, b);
        let w = BUCKETS + nb + e * es;
        self.write(t, w, key);
        if es == 3 {
            self.write(t, w + 1, value);
        }
        self.write(t, w + es - 1, head);
        self.write(t, b, Tagged::smi(e as i32));
        self.write(t, NUMBER_OF_ELEMENTS, Tagged::smi(n + 1));
    }

    /// SameValueZero hash: Smis by value, strings by content, heap numbers by value, other
    /// objects by stable id (`None` when they have none yet).
    fn key_hash(&self, key: Tagged) -> Option<u32> {
        let mix = |x: u64| {
            let x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (x ^ (x >> 29)) as u32
        };
        if let Some(v) = self.number_value(key) {
            let bits = if v.is_nan() {
                0x7ff8_0000_0000_0000
            } else if v == 0.0 {
                0
            } else {
                v.to_bits()
            };
            return Some(mix(bits));
        }
        if !key.is_heap_object() {
            return Some(mix(key.0));
        }
        let a = key.addr();
        if self.instance_type(a).is_string() {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for u in self.string_units(a) {
                h = (h ^ u as u64).wrapping_mul(0x100_0000_01b3);
            }
            Some(mix(h))
        } else {
            self.existing_object_id(a).map(|id| mix(id as u64))
        }
    }

    /// The numeric value of a Smi or heap number.
    fn number_value(&self, v: Tagged) -> Option<f64> {
        if let Some(i) = v.as_smi() {
            return Some(i as f64);
        }
        (v.is_heap_object() && self.instance_type(v.addr()) == InstanceType::HeapNumber)
            .then(|| self.heap_number_value(v.addr()))
    }

    fn same_value_zero(&self, a: Tagged, b: Tagged) -> bool {
        if a == b {
            return true;
        }
        if let (Some(x), Some(y)) = (self.number_value(a), self.number_value(b)) {
            return x == y || (x.is_nan() && y.is_nan());
        }
        if !a.is_heap_object() || !b.is_heap_object() {
            return false;
        }
        let (ta, tb) = (self.instance_type(a.addr()), self.instance_type(b.addr()));
        ta.is_string()
            && tb.is_string()
            && self.string_units(a.addr()) == self.string_units(b.addr())
    }
}

/// Word index of entry `e`'s key.
fn entry_word(heap: &Heap, t: Address, e: usize) -> usize {
    let nb = heap.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
    BUCKETS + nb + e * entry_size(heap.instance_type(t))
}
