//! Outgoing fields of an object, named as V8's heap-snapshot generator names them
//! (`V8HeapExplorer::ExtractReferences` and its `Extract*References` helpers,
//! `src/profiler/heap-snapshot-generator.cc`).
//!
//! Every tagged word that can hold a pointer is reported exactly once, so the graph a
//! snapshot writer builds from [`crate::Heap::fields`] is the graph the collector traces:
//!
//! * every object: `map` (internal);
//! * JS objects: `properties`, `elements` (internal), type-specific internal links
//!   (`shared`, `context`, `code`, `feedback_cell`, `prototype_or_initial_map` of functions,
//!   `table` of collections), then each named property (property edge, named by the
//!   property) and each element (element edge, by index; holes skipped). The backing stores
//!   themselves report their slots as hidden indexed edges, as V8's do;
//! * contexts: `scope_info`, `previous`, `extension`, `native_context`, then each variable
//!   (context edge named by the variable);
//! * maps: `prototype`, `constructor` (root map) or `back_pointer`, `descriptors`,
//!   `transitions`; strings: `first`/`second` (cons), `parent` (sliced); shared function
//!   infos: `name`, `code`, `script`; code: `name`; oddballs: `to_string`, `to_number`,
//!   `type_of`;
//! * ephemeron tables: each key and value, tagged with its entry (and the value with its
//!   key) for the WeakMap naming and ephemeron rule;
//! * other fixed arrays: each slot as a hidden edge by index.
//!
//! Smis are not references and are skipped; a weak pointer is reported with kind
//! [`FieldKind::Weak`] whatever its slot.

use super::{context, js_object, Field, FieldKind, FieldName, InstanceType};
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;

type Statics = &'static [(usize, &'static str)];

const MAP_ONLY: Statics = &[(0, "map")];
const MAP_ROOT: Statics = &[
    (0, "map"),
    (6, "prototype"),
    (7, "constructor"),
    (8, "descriptors"),
    (9, "transitions"),
];
const MAP_CHILD: Statics = &[
    (0, "map"),
    (6, "prototype"),
    (7, "back_pointer"),
    (8, "descriptors"),
    (9, "transitions"),
];
const ODDBALL: Statics = &[
    (0, "map"),
    (1, "to_string"),
    (2, "to_number"),
    (3, "type_of"),
];
const JS_OBJECT: Statics = &[(0, "map"), (1, "properties"), (2, "elements")];
const JS_FUNCTION: Statics = &[
    (0, "map"),
    (1, "properties"),
    (2, "elements"),
    (3, "shared"),
    (4, "context"),
    (5, "feedback_cell"),
    (6, "code"),
    (7, "prototype_or_initial_map"),
];
const JS_COLLECTION: Statics = &[(0, "map"), (1, "properties"), (2, "elements"), (3, "table")];
const CONTEXT: Statics = &[
    (0, "map"),
    (2, "scope_info"),
    (3, "previous"),
    (4, "extension"),
    (5, "native_context"),
];
const CONS: Statics = &[(0, "map"), (3, "first"), (4, "second")];
const SLICED: Statics = &[(0, "map"), (3, "parent")];
const SFI: Statics = &[(0, "map"), (1, "name"), (2, "code"), (3, "script")];
const CODE: Statics = &[(0, "map"), (3, "name")];

enum Step {
    At(Field),
    Skip,
    End,
}

/// Iterator over an object's outgoing fields; see [`Heap::fields`].
pub struct FieldIter<'a> {
    heap: &'a Heap,
    addr: Address,
    ty: InstanceType,
    statics: Statics,
    i: usize,
}

impl Iterator for FieldIter<'_> {
    type Item = Field;

    fn next(&mut self) -> Option<Field> {
        loop {
            let step = self.step(self.i);
            self.i += 1;
            match step {
                Step::End => return None,
                Step::Skip => {}
                Step::At(mut f) => {
                    if f.value.is_heap_object() {
                        if f.value.is_weak() {
                            f.kind = FieldKind::Weak;
                        }
                        return Some(f);
                    }
                }
            }
        }
    }
}

impl FieldIter<'_> {
    fn step(&self, i: usize) -> Step {
        let h = self.heap;
        let a = self.addr;
        if let Some(&(w, name)) = self.statics.get(i) {
            return Step::At(Field {
                kind: FieldKind::Internal,
                name: FieldName::Static(name),
                value: h.word(a, w),
            });
        }
        let mut i = i - self.statics.len();
        let hole = h.the_hole();
        use InstanceType::*;
        match self.ty {
            t if t.is_js_object() => {
                let map = h.map_of(a);
                let props = h.word(a, js_object::PROPERTIES).addr();
                if h.map_is_dictionary(map) {
                    let nb = h
                        .word(props, super::collections::NUMBER_OF_BUCKETS)
                        .smi_value() as usize;
                    let used = (h
                        .word(props, super::collections::NUMBER_OF_ELEMENTS)
                        .smi_value()
                        + h.word(props, super::collections::NUMBER_OF_DELETED)
                            .smi_value()) as usize;
                    if i < used {
                        let w = super::collections::BUCKETS + nb + 3 * i;
                        let k = h.word(props, w);
                        return if k == hole {
                            Step::Skip
                        } else {
                            Step::At(Field {
                                kind: FieldKind::Property,
                                name: FieldName::Name(k),
                                value: h.word(props, w + 1),
                            })
                        };
                    }
                    i -= used;
                } else {
                    let nof = h.map_own_descriptors(map);
                    if i < nof {
                        let inobj = h.map_inobject_properties(map);
                        let v = if i < inobj {
                            h.word(a, js_object::HEADER_WORDS + i)
                        } else {
                            h.word(props, 2 + i - inobj)
                        };
                        return Step::At(Field {
                            kind: FieldKind::Property,
                            name: FieldName::Name(h.map_property_name(map, i)),
                            value: v,
                        });
                    }
                    i -= nof;
                }
                let e = h.word(a, js_object::ELEMENTS).addr();
                let mut limit = h.fixed_array_length(e);
                if t == JSArray {
                    limit = limit.min(h.word(a, super::array::LENGTH).smi_value() as usize);
                }
                if i < limit {
                    let v = h.word(e, 2 + i);
                    return if v == hole {
                        Step::Skip
                    } else {
                        Step::At(Field {
                            kind: FieldKind::Element,
                            name: FieldName::Index(i as u32),
                            value: v,
                        })
                    };
                }
                Step::End
            }
            Context | NativeContext => {
                if i < h.context_variable_count(a) {
                    let name = h.context_variable_name(a, i);
                    Step::At(Field {
                        kind: FieldKind::Context,
                        name: FieldName::Name(name),
                        value: h.word(a, context::FIRST_VARIABLE + i),
                    })
                } else {
                    Step::End
                }
            }
            EphemeronHashTable => {
                let nb = h.word(a, super::collections::NUMBER_OF_BUCKETS).smi_value() as usize;
                let used = (h
                    .word(a, super::collections::NUMBER_OF_ELEMENTS)
                    .smi_value()
                    + h.word(a, super::collections::NUMBER_OF_DELETED).smi_value())
                    as usize;
                if i >= 2 * used {
                    return Step::End;
                }
                let e = i / 2;
                let w = super::collections::BUCKETS + nb + 3 * e;
                let key = h.word(a, w);
                if key == hole {
                    Step::Skip
                } else if i.is_multiple_of(2) {
                    Step::At(Field {
                        kind: FieldKind::Internal,
                        name: FieldName::EphemeronKey { entry: e as u32 },
                        value: key,
                    })
                } else {
                    Step::At(Field {
                        kind: FieldKind::Internal,
                        name: FieldName::EphemeronValue {
                            entry: e as u32,
                            key,
                        },
                        value: h.word(a, w + 1),
                    })
                }
            }
            t if t.is_fixed_array_like() => {
                if i < h.fixed_array_length(a) {
                    Step::At(Field {
                        kind: FieldKind::Hidden,
                        name: FieldName::Index(i as u32),
                        value: h.word(a, 2 + i),
                    })
                } else {
                    Step::End
                }
            }
            _ => Step::End,
        }
    }
}

impl Heap {
    /// The outgoing fields of the object at `addr` with their snapshot edge kinds and names
    /// (see the module doc). Only heap-object values are reported.
    pub fn fields(&self, addr: Address) -> FieldIter<'_> {
        use InstanceType::*;
        let ty = self.instance_type(addr);
        let statics = match ty {
            Map => {
                let c = self.word(addr, super::map::CONSTRUCTOR_OR_BACK_POINTER);
                if c.is_heap_object() && self.instance_type(c.addr()) == Map {
                    MAP_CHILD
                } else {
                    MAP_ROOT
                }
            }
            Oddball => ODDBALL,
            JSFunction => JS_FUNCTION,
            JSMap | JSSet | JSWeakMap | JSWeakSet => JS_COLLECTION,
            t if t.is_js_object() => JS_OBJECT,
            Context | NativeContext => CONTEXT,
            ConsString => CONS,
            SlicedString => SLICED,
            SharedFunctionInfo => SFI,
            Code => CODE,
            _ => MAP_ONLY,
        };
        FieldIter {
            heap: self,
            addr,
            ty,
            statics,
            i: 0,
        }
    }

    /// The name of a [`FieldName::Name`] as Rust text.
    pub fn field_name_text(&self, name: FieldName) -> String {
        match name {
            FieldName::Static(s) => s.to_string(),
            FieldName::Name(t) => self.string_content(t.addr()),
            FieldName::Index(i) => i.to_string(),
            FieldName::EphemeronKey { entry } => format!("{entry} / key"),
            FieldName::EphemeronValue { entry, .. } => format!("{entry} / value"),
        }
    }

    /// Every pointer-holding slot value of an object (the tagged range), for checks that
    /// [`Heap::fields`] misses none.
    pub fn pointer_slots(&self, addr: Address) -> Vec<Tagged> {
        let b = self.body(addr);
        (0..b.tagged_end)
            .map(|i| self.word(addr, i))
            .filter(|t| t.is_heap_object())
            .collect()
    }
}
