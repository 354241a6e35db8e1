//! Values and the object model glue: what a JavaScript value is in the simulated heap and
//! how the language's abstract operations act on it.
//!
//! Every value is a [`Tagged`] word of the simulated heap held in a [`Handle`]: Smis and
//! heap numbers are numbers, sequential/cons/sliced strings are strings, oddballs are
//! `undefined`/`null`/booleans (and the hole marks uninitialized `let`s), and JS objects
//! carry their hidden class. Property lookup follows the map's own descriptors (in-object,
//! then backing store, or the dictionary), then the map's `prototype`, as V8's
//! `LookupIterator` does; primitives look up their wrapper's prototype. Conversions follow
//! ECMA-262 §7.1 (`ToNumber`, `ToString`, `ToBoolean`) and equality §7.2.

use sim::object::{closure, js_object, map};
use sim::{Handle, InstanceType, Tagged};

use crate::eval::{Interp, JsResult};
use crate::ir::Name;
use crate::names::Names;
use crate::realm::Intrinsic;

/// What kind of value a tagged word is (ECMA-262 types, plus the hole).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Bool(bool),
    Number,
    String,
    Object,
    Function,
    Hole,
}

impl<'a> Interp<'a> {
    pub fn kind(&self, v: Tagged) -> Kind {
        if v.is_smi() {
            return Kind::Number;
        }
        let h = &self.heap;
        match h.instance_type(v.addr()) {
            InstanceType::HeapNumber => Kind::Number,
            t if t.is_string() => Kind::String,
            InstanceType::JSFunction => Kind::Function,
            t if t.is_js_object() => Kind::Object,
            InstanceType::Oddball => {
                if v == h.undefined_value() {
                    Kind::Undefined
                } else if v == h.null_value() {
                    Kind::Null
                } else if v == h.true_value() {
                    Kind::Bool(true)
                } else if v == h.false_value() {
                    Kind::Bool(false)
                } else {
                    Kind::Hole
                }
            }
            _ => Kind::Object,
        }
    }

    pub fn is_object(&self, v: Tagged) -> bool {
        matches!(self.kind(v), Kind::Object | Kind::Function)
    }

    pub fn undefined(&mut self) -> Handle {
        let u = self.heap.undefined_value();
        self.heap.handle(u)
    }

    pub fn boolean(&mut self, b: bool) -> Handle {
        let v = if b {
            self.heap.true_value()
        } else {
            self.heap.false_value()
        };
        self.heap.handle(v)
    }

    pub fn number(&mut self, n: f64) -> JsResult<Handle> {
        let v = self.heap.number(n)?;
        Ok(self.heap.handle(v))
    }

    pub fn string(&mut self, s: &str) -> JsResult<Handle> {
        let v = self.heap.alloc_string(s)?;
        Ok(self.heap.handle(v))
    }

    pub fn name_value(&mut self, n: Name) -> Handle {
        let v = Names::get(&self.heap, n);
        self.heap.handle(v)
    }

    pub fn intern(&mut self, s: &str) -> JsResult<Name> {
        Ok(self.names.intern(&mut self.heap, s)?)
    }

    // ----- conversions -----------------------------------------------------------------------

    pub fn to_boolean(&self, v: Tagged) -> bool {
        match self.kind(v) {
            Kind::Undefined | Kind::Null | Kind::Hole => false,
            Kind::Bool(b) => b,
            Kind::Number => {
                let n = self.number_value(v);
                n != 0.0 && !n.is_nan()
            }
            Kind::String => self.heap.string_length(v.addr()) > 0,
            Kind::Object | Kind::Function => true,
        }
    }

    /// The value of a number (Smi or heap number).
    pub fn number_value(&self, v: Tagged) -> f64 {
        match v.as_smi() {
            Some(i) => i as f64,
            None => self.heap.heap_number_value(v.addr()),
        }
    }

    pub fn to_number(&self, v: Tagged) -> f64 {
        match self.kind(v) {
            Kind::Number => self.number_value(v),
            Kind::Undefined | Kind::Hole => f64::NAN,
            Kind::Null => 0.0,
            Kind::Bool(b) => b as i32 as f64,
            Kind::String => {
                let s = self.heap.string_content(v.addr());
                let t = s.trim();
                if t.is_empty() {
                    0.0
                } else if let Some(hex) = t.strip_prefix("0x") {
                    i64::from_str_radix(hex, 16)
                        .map(|n| n as f64)
                        .unwrap_or(f64::NAN)
                } else {
                    match t {
                        "Infinity" | "+Infinity" => f64::INFINITY,
                        "-Infinity" => f64::NEG_INFINITY,
                        _ => t.parse().unwrap_or(f64::NAN),
                    }
                }
            }
            Kind::Object | Kind::Function => f64::NAN,
        }
    }

    /// `ToString` as Rust text (objects: `[object Object]`, arrays joined, functions by name).
    pub fn to_text(&self, v: Tagged) -> String {
        match self.kind(v) {
            Kind::String => self.heap.string_content(v.addr()),
            Kind::Number => number_to_string(self.number_value(v)),
            Kind::Undefined | Kind::Hole => "undefined".into(),
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Function => {
                let n = self.heap.function_name(v.addr());
                format!(
                    "function {}() {{ [native code] }}",
                    self.heap.string_content(n.addr())
                )
            }
            Kind::Object => {
                if self.heap.instance_type(v.addr()) == InstanceType::JSArray {
                    let n = self.heap.array_length(v);
                    (0..n)
                        .map(|i| {
                            let e = self.heap.array_get(v, i);
                            match self.kind(e) {
                                Kind::Undefined | Kind::Null | Kind::Hole => String::new(),
                                _ => self.to_text(e),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                } else if self.is_error(v) {
                    let name = self.own_text(v, "name").unwrap_or_else(|| "Error".into());
                    let msg = self.own_text(v, "message").unwrap_or_default();
                    if msg.is_empty() {
                        name
                    } else {
                        format!("{name}: {msg}")
                    }
                } else {
                    "[object Object]".into()
                }
            }
        }
    }

    pub fn own_text(&self, v: Tagged, name: &str) -> Option<String> {
        let n = self.names.lookup(name)?;
        let x = self.lookup(v, n)?;
        Some(self.to_text(x))
    }

    pub fn is_error(&self, v: Tagged) -> bool {
        let proto = self.intrinsic(Intrinsic::ErrorPrototype);
        let mut p = self.prototype_of(v);
        while let Some(x) = p {
            if x == proto {
                return true;
            }
            p = self.prototype_of(x);
        }
        false
    }

    /// `ToString` as a heap string (strings are returned as they are).
    pub fn to_string(&mut self, v: Handle) -> JsResult<Handle> {
        let t = self.heap.get(v);
        if self.kind(t) == Kind::String {
            return Ok(v);
        }
        let s = self.to_text(t);
        self.string(&s)
    }

    /// A property key from a computed value: its internalized name.
    pub fn to_key(&mut self, v: Handle) -> JsResult<Name> {
        let t = self.heap.get(v);
        let s = self.to_text(t);
        self.intern(&s)
    }

    pub fn typeof_text(&self, v: Tagged) -> &'static str {
        match self.kind(v) {
            Kind::Undefined | Kind::Hole => "undefined",
            Kind::Null | Kind::Object => "object",
            Kind::Bool(_) => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Function => "function",
        }
    }

    /// `a === b` (ECMA-262 IsStrictlyEqual).
    pub fn strict_equals(&self, a: Tagged, b: Tagged) -> bool {
        let (ka, kb) = (self.kind(a), self.kind(b));
        match (ka, kb) {
            (Kind::Number, Kind::Number) => self.number_value(a) == self.number_value(b),
            (Kind::String, Kind::String) => {
                a == b || self.heap.string_units(a.addr()) == self.heap.string_units(b.addr())
            }
            _ => a == b,
        }
    }

    /// `a == b` for the cases scripts use: nullish equality, number/string coercion.
    pub fn loose_equals(&self, a: Tagged, b: Tagged) -> bool {
        let (ka, kb) = (self.kind(a), self.kind(b));
        let nullish = |k| matches!(k, Kind::Undefined | Kind::Null);
        if nullish(ka) || nullish(kb) {
            return nullish(ka) && nullish(kb);
        }
        match (ka, kb) {
            (Kind::Object | Kind::Function, _) | (_, Kind::Object | Kind::Function) => a == b,
            (Kind::String, Kind::String) => self.strict_equals(a, b),
            _ if ka == kb => self.strict_equals(a, b),
            _ => self.to_number(a) == self.to_number(b),
        }
    }

    /// SameValueZero (Map/Set keys, `indexOf` uses strict equality instead).
    pub fn same_value_zero(&self, a: Tagged, b: Tagged) -> bool {
        if self.kind(a) == Kind::Number && self.kind(b) == Kind::Number {
            let (x, y) = (self.number_value(a), self.number_value(b));
            return x == y || (x.is_nan() && y.is_nan());
        }
        self.strict_equals(a, b)
    }

    // ----- properties ------------------------------------------------------------------------

    pub fn intrinsic(&self, i: Intrinsic) -> Tagged {
        self.realm.get(&self.heap, i)
    }

    /// The `[[Prototype]]` of an object (its map's prototype), `None` for `null`.
    pub fn prototype_of(&self, v: Tagged) -> Option<Tagged> {
        let proto = match self.kind(v) {
            Kind::Object | Kind::Function => {
                let m = self.heap.map_of(v.addr());
                self.heap.word(m, map::PROTOTYPE)
            }
            Kind::String => self.intrinsic(Intrinsic::StringPrototype),
            Kind::Number => self.intrinsic(Intrinsic::NumberPrototype),
            Kind::Bool(_) => self.intrinsic(Intrinsic::BooleanPrototype),
            _ => return None,
        };
        (proto.is_heap_object() && self.is_object(proto)).then_some(proto)
    }

    /// An own named property of a JS object.
    pub fn own_property(&self, o: Tagged, n: Name) -> Option<Tagged> {
        let h = &self.heap;
        let name = Names::get(h, n);
        let m = h.map_of(o.addr());
        if h.map_is_dictionary(m) {
            let props = h.word(o.addr(), js_object::PROPERTIES).addr();
            return h
                .table_entries(props)
                .find(|&(_, k, v)| k == name && v != h.the_hole())
                .map(|(_, _, v)| v);
        }
        let k = h.map_find_property(m, name)?;
        let inobj = h.map_inobject_properties(m);
        let v = if k < inobj {
            h.word(o.addr(), js_object::HEADER_WORDS + k)
        } else {
            let props = h.word(o.addr(), js_object::PROPERTIES).addr();
            h.word(props, 2 + k - inobj)
        };
        (v != h.the_hole()).then_some(v)
    }

    /// `o[n]` along the prototype chain, without the special cases of [`Interp::get`].
    pub fn lookup(&self, o: Tagged, n: Name) -> Option<Tagged> {
        let mut cur = if self.is_object(o) {
            Some(o)
        } else {
            self.prototype_of(o)
        };
        let mut hops = 0;
        while let Some(x) = cur {
            if let Some(v) = self.own_property(x, n) {
                return Some(v);
            }
            if self.heap.instance_type(x.addr()) == InstanceType::JSFunction
                && n == self.realm.names.prototype
            {
                return None;
            }
            cur = self.prototype_of(x);
            hops += 1;
            if hops > 10_000 {
                return None;
            }
        }
        None
    }

    /// `o[n]` for a named key: arrays' and strings' `length`, functions' `prototype`, then
    /// the prototype chain; `undefined` when absent.
    pub fn get(&mut self, o: Handle, n: Name) -> JsResult<Handle> {
        let v = self.heap.get(o);
        match self.kind(v) {
            Kind::Undefined | Kind::Null | Kind::Hole => {
                let what = self.to_text(v);
                let key = self.name_text(n);
                return Err(self.type_error(&format!(
                    "Cannot read properties of {what} (reading '{key}')"
                )));
            }
            Kind::String if n == self.realm.names.length => {
                let l = self.heap.string_length(v.addr());
                return self.number(l as f64);
            }
            Kind::Object
                if n == self.realm.names.length
                    && self.heap.instance_type(v.addr()) == InstanceType::JSArray =>
            {
                let l = self.heap.array_length(v);
                return self.number(l as f64);
            }
            Kind::Function if n == self.realm.names.prototype => {
                return self.function_prototype(o);
            }
            // `fn.name` comes from the shared function info unless set as a property.
            Kind::Function if n == self.realm.names.name && self.own_property(v, n).is_none() => {
                let name = self.heap.function_name(v.addr());
                return Ok(self.heap.handle(name));
            }
            Kind::Object
                if n == self.realm.names.size
                    && matches!(
                        self.heap.instance_type(v.addr()),
                        InstanceType::JSMap | InstanceType::JSSet
                    ) =>
            {
                let size = self.heap.collection_size(v);
                return self.number(size as f64);
            }
            _ => {}
        }
        let r = self.lookup(v, n).unwrap_or(self.heap.undefined_value());
        Ok(self.heap.handle(r))
    }

    /// `o[k]` for a computed key: indices into arrays, strings and elements, else by name.
    pub fn get_computed(&mut self, o: Handle, k: Handle) -> JsResult<Handle> {
        let (ov, kv) = (self.heap.get(o), self.heap.get(k));
        if let Some(i) = self.index_of_key(kv) {
            match self.kind(ov) {
                Kind::Object if self.has_elements(ov) => {
                    let e = self.element(ov, i);
                    return Ok(self.heap.handle(e));
                }
                Kind::String => {
                    let units = self.heap.string_units(ov.addr());
                    return match units.get(i) {
                        Some(&u) => {
                            let s = String::from_utf16_lossy(&[u]);
                            self.string(&s)
                        }
                        None => Ok(self.undefined()),
                    };
                }
                _ => {}
            }
        }
        let n = self.to_key(k)?;
        self.get(o, n)
    }

    fn has_elements(&self, o: Tagged) -> bool {
        self.heap.instance_type(o.addr()) == InstanceType::JSArray
            || self
                .heap
                .fixed_array_length(self.heap.word(o.addr(), js_object::ELEMENTS).addr())
                > 0
    }

    /// Element `i` of an object's elements store (`undefined` for holes and past the end).
    pub fn element(&self, o: Tagged, i: usize) -> Tagged {
        let e = self.heap.word(o.addr(), js_object::ELEMENTS).addr();
        let limit = if self.heap.instance_type(o.addr()) == InstanceType::JSArray {
            self.heap.array_length(o)
        } else {
            self.heap.fixed_array_length(e)
        };
        let v = if i < limit && i < self.heap.fixed_array_length(e) {
            self.heap.word(e, 2 + i)
        } else {
            self.heap.the_hole()
        };
        if v == self.heap.the_hole() {
            self.heap.undefined_value()
        } else {
            v
        }
    }

    /// An array index if the key is one (a non-negative integer Smi or its string).
    pub fn index_of_key(&self, k: Tagged) -> Option<usize> {
        if let Some(i) = k.as_smi() {
            return (i >= 0).then_some(i as usize);
        }
        match self.kind(k) {
            Kind::Number => {
                let n = self.number_value(k);
                (n >= 0.0 && n.fract() == 0.0 && n < 4_294_967_295.0).then_some(n as usize)
            }
            Kind::String => {
                let s = self.heap.string_content(k.addr());
                if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || s.len() > 10 {
                    return None;
                }
                s.parse::<u32>().ok().map(|i| i as usize)
            }
            _ => None,
        }
    }

    /// `o[n] = v` for a named key.
    pub fn set(&mut self, o: Handle, n: Name, v: Handle) -> JsResult<()> {
        let ov = self.heap.get(o);
        match self.kind(ov) {
            Kind::Object | Kind::Function => {}
            Kind::Undefined | Kind::Null => {
                let what = self.to_text(ov);
                let key = self.name_text(n);
                return Err(self.type_error(&format!(
                    "Cannot set properties of {what} (setting '{key}')"
                )));
            }
            // Writes to primitives are dropped in sloppy mode.
            _ => return Ok(()),
        }
        let ty = self.heap.instance_type(ov.addr());
        if ty == InstanceType::JSArray && n == self.realm.names.length {
            let len = self.to_number(self.heap.get(v));
            return self.set_array_length(o, len);
        }
        if ty == InstanceType::JSFunction && n == self.realm.names.prototype {
            let p = self.heap.get(v);
            self.heap
                .set_field(ov, closure::PROTOTYPE_OR_INITIAL_MAP, p);
            return Ok(());
        }
        // Fast path: an existing fast property is overwritten in place.
        let m = self.heap.map_of(ov.addr());
        if !self.heap.map_is_dictionary(m) {
            let name = Names::get(&self.heap, n);
            if let Some(k) = self.heap.map_find_property(m, name) {
                let inobj = self.heap.map_inobject_properties(m);
                let val = self.heap.get(v);
                if k < inobj {
                    self.heap.set_field(ov, js_object::HEADER_WORDS + k, val);
                } else {
                    let props = self.heap.word(ov.addr(), js_object::PROPERTIES);
                    self.heap.set_field(props, 2 + k - inobj, val);
                }
                return Ok(());
            }
        }
        let text = self.name_text(n);
        let val = self.heap.get(v);
        self.heap.set_property(ov, &text, val)?;
        Ok(())
    }

    pub fn name_text(&self, n: Name) -> String {
        let t = Names::get(&self.heap, n);
        self.heap.string_content(t.addr())
    }

    /// `o[k] = v` for a computed key.
    pub fn set_computed(&mut self, o: Handle, k: Handle, v: Handle) -> JsResult<()> {
        let (ov, kv) = (self.heap.get(o), self.heap.get(k));
        if self.is_object(ov) {
            if let Some(i) = self.index_of_key(kv) {
                if i < (1 << 26) {
                    let val = self.heap.get(v);
                    self.heap.set_element(ov, i, val)?;
                    return Ok(());
                }
            }
        }
        let n = self.to_key(k)?;
        self.set(o, n, v)
    }

    /// `arr.length = n`: shrinking drops the elements past the end (holes), as V8 does
    /// before trimming the store.
    pub fn set_array_length(&mut self, o: Handle, len: f64) -> JsResult<()> {
        if !(0.0..2_147_483_647.0).contains(&len) || len.fract() != 0.0 {
            return Err(self.range_error("Invalid array length"));
        }
        let len = len as usize;
        let ov = self.heap.get(o);
        let old = self.heap.array_length(ov);
        if len > old {
            if len > 0 {
                let u = self.heap.the_hole();
                self.heap.set_element(ov, len - 1, u)?;
            }
            return Ok(());
        }
        let e = self.heap.word(ov.addr(), js_object::ELEMENTS);
        let cap = self.heap.fixed_array_length(e.addr());
        let hole = self.heap.the_hole();
        for i in len..old.min(cap) {
            self.heap.fixed_array_set(e, i, hole);
        }
        self.heap
            .set_field(ov, sim::object::array::LENGTH, Tagged::smi(len as i32));
        Ok(())
    }

    /// `delete o[n]`: V8 turns the object into dictionary mode and removes the entry; the
    /// simulator's dictionary keeps its slot, so the value is replaced by the hole, which
    /// every lookup here treats as absent.
    pub fn delete(&mut self, o: Handle, n: Name) -> JsResult<bool> {
        let ov = self.heap.get(o);
        if !self.is_object(ov) || self.own_property(ov, n).is_none() {
            return Ok(true);
        }
        let hole = self.heap.the_hole();
        let hole = self.heap.handle(hole);
        self.set(o, n, hole)?;
        Ok(true)
    }

    /// `delete o[k]`: an index key empties its element (the hole, as V8 leaves it), any
    /// other key deletes the named property.
    pub fn delete_computed(&mut self, o: Handle, k: Handle) -> JsResult<bool> {
        let (ov, kv) = (self.heap.get(o), self.heap.get(k));
        if let Some(i) = self.index_of_key(kv) {
            if self.is_object(ov) && self.has_elements(ov) {
                let e = self.heap.word(ov.addr(), js_object::ELEMENTS).addr();
                if i < self.heap.fixed_array_length(e) {
                    let hole = self.heap.the_hole();
                    self.heap.set_element(ov, i, hole)?;
                }
                return Ok(true);
            }
        }
        let n = self.to_key(k)?;
        self.delete(o, n)
    }

    /// Own named properties `(name, value)` in order, holes (deleted) skipped.
    pub fn own_entries(&self, o: Tagged) -> Vec<(Tagged, Tagged)> {
        if !self.is_object(o) {
            return Vec::new();
        }
        let hole = self.heap.the_hole();
        self.heap
            .named_properties(o.addr())
            .into_iter()
            .filter(|&(_, v)| v != hole)
            .collect()
    }
}

/// ECMA-262 Number::toString for the values scripts print.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.fract() == 0.0 && n.abs() < 1e21 {
        return format!("{}", n as i128);
    }
    let a = n.abs();
    if !(1e-7..1e21).contains(&a) {
        let s = format!("{n:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        return format!("{m}e{}{e}", if e >= 0 { "+" } else { "" });
    }
    format!("{n}")
}
