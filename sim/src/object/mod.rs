//! The object model: instance types, sizes, which words are tagged, and the named outgoing
//! fields of every object.
//!
//! Every object is a run of 8-byte words whose word 0 is its map word (a strong pointer to a
//! [`map`] object, or a forwarding address during a scavenge). Sizes are V8's on 64-bit
//! without pointer compression. The exact word layout of each type is documented in its
//! module; this module holds what every mechanism needs across types:
//!
//! * [`InstanceType`]: the type tag a map records (V8's `InstanceType`, `src/objects/objects.h`);
//! * [`Body`]: size and tagged-word range of an object (V8's `BodyDescriptor`s,
//!   `src/objects/objects-body-descriptors-inl.h`). All layouts put the tagged words first
//!   (integers in the header are Smis, which visitors skip) and raw payload — string
//!   characters, machine code, doubles — last, so one range `1..tagged_end` describes every
//!   type;
//! * [`Field`], [`FieldKind`], [`FieldName`] and [`crate::Heap::fields`]: the outgoing
//!   references of an object as V8's heap-snapshot generator reports them
//!   (`V8HeapExplorer::ExtractReferences`, `src/profiler/heap-snapshot-generator.cc`):
//!   edge kind, edge name and target.

pub mod array;
pub mod closure;
pub mod code;
pub mod collections;
pub mod context;
pub mod fields;
pub mod js_object;
pub mod map;
pub mod string;

use crate::heap::tagged::Tagged;

/// The type tag stored in a map (as a Smi in [`map::INSTANCE_TYPE`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[repr(u8)]
pub enum InstanceType {
    Map,
    Oddball,
    FixedArray,
    DescriptorArray,
    TransitionArray,
    ScopeInfo,
    HeapNumber,
    SeqOneByteString,
    SeqTwoByteString,
    ConsString,
    SlicedString,
    JSObject,
    JSGlobalObject,
    JSArray,
    JSFunction,
    SharedFunctionInfo,
    Context,
    NativeContext,
    JSMap,
    JSSet,
    JSWeakMap,
    JSWeakSet,
    OrderedHashMap,
    OrderedHashSet,
    EphemeronHashTable,
    NameDictionary,
    Code,
    FreeSpace,
    OnePointerFiller,
    TwoPointerFiller,
}

impl InstanceType {
    pub const COUNT: usize = InstanceType::TwoPointerFiller as usize + 1;

    pub const ALL: [InstanceType; InstanceType::COUNT] = {
        use InstanceType::*;
        [
            Map,
            Oddball,
            FixedArray,
            DescriptorArray,
            TransitionArray,
            ScopeInfo,
            HeapNumber,
            SeqOneByteString,
            SeqTwoByteString,
            ConsString,
            SlicedString,
            JSObject,
            JSGlobalObject,
            JSArray,
            JSFunction,
            SharedFunctionInfo,
            Context,
            NativeContext,
            JSMap,
            JSSet,
            JSWeakMap,
            JSWeakSet,
            OrderedHashMap,
            OrderedHashSet,
            EphemeronHashTable,
            NameDictionary,
            Code,
            FreeSpace,
            OnePointerFiller,
            TwoPointerFiller,
        ]
    };

    pub fn from_u8(v: u8) -> Option<InstanceType> {
        InstanceType::ALL.get(v as usize).copied()
    }

    /// V8's C++ class name (used by the verifier's messages and the snapshot's `system / X`
    /// names).
    pub fn v8_name(self) -> &'static str {
        use InstanceType::*;
        match self {
            Map => "Map",
            Oddball => "Oddball",
            FixedArray => "FixedArray",
            DescriptorArray => "DescriptorArray",
            TransitionArray => "TransitionArray",
            ScopeInfo => "ScopeInfo",
            HeapNumber => "HeapNumber",
            SeqOneByteString => "SeqOneByteString",
            SeqTwoByteString => "SeqTwoByteString",
            ConsString => "ConsString",
            SlicedString => "SlicedString",
            JSObject => "JSObject",
            JSGlobalObject => "JSGlobalObject",
            JSArray => "JSArray",
            JSFunction => "JSFunction",
            SharedFunctionInfo => "SharedFunctionInfo",
            Context => "Context",
            NativeContext => "NativeContext",
            JSMap => "JSMap",
            JSSet => "JSSet",
            JSWeakMap => "JSWeakMap",
            JSWeakSet => "JSWeakSet",
            OrderedHashMap => "OrderedHashMap",
            OrderedHashSet => "OrderedHashSet",
            EphemeronHashTable => "EphemeronHashTable",
            NameDictionary => "NameDictionary",
            Code => "Code",
            FreeSpace => "FreeSpace",
            OnePointerFiller => "OnePointerFiller",
            TwoPointerFiller => "TwoPointerFiller",
        }
    }

    /// Types laid out as a fixed array: map, length (Smi), `length` tagged slots.
    pub fn is_fixed_array_like(self) -> bool {
        use InstanceType::*;
        matches!(
            self,
            FixedArray
                | DescriptorArray
                | TransitionArray
                | ScopeInfo
                | Context
                | NativeContext
                | OrderedHashMap
                | OrderedHashSet
                | EphemeronHashTable
                | NameDictionary
        )
    }

    pub fn is_string(self) -> bool {
        use InstanceType::*;
        matches!(
            self,
            SeqOneByteString | SeqTwoByteString | ConsString | SlicedString
        )
    }

    /// JS objects: map, properties, elements, then type-specific words.
    pub fn is_js_object(self) -> bool {
        use InstanceType::*;
        matches!(
            self,
            JSObject
                | JSGlobalObject
                | JSArray
                | JSFunction
                | JSMap
                | JSSet
                | JSWeakMap
                | JSWeakSet
        )
    }

    /// Fillers over free memory: not objects for iteration, snapshots or verification.
    pub fn is_filler(self) -> bool {
        use InstanceType::*;
        matches!(self, FreeSpace | OnePointerFiller | TwoPointerFiller)
    }
}

/// Size and tagged range of one object, in words.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Body {
    pub ty: InstanceType,
    pub size_words: usize,
    /// Words `1..tagged_end` are tagged; words from `tagged_end` to the end are raw data.
    pub tagged_end: usize,
}

impl Body {
    pub fn size_bytes(&self) -> usize {
        self.size_words * 8
    }
}

/// Rounds a byte count up to whole words.
#[inline]
pub fn round_words(bytes: usize) -> usize {
    bytes.div_ceil(8)
}

/// The snapshot edge type an outgoing field is reported as: V8's `HeapGraphEdge::Type`,
/// defined once by the format crate. The object model produces `Context` (a variable of a
/// closure's context), `Element` (an indexed element), `Property`, `Internal` (a named VM
/// link), `Hidden` (an indexed VM link: backing-store slots) and `Weak` (a `...11`-tagged
/// pointer, issue 6); only the snapshot's root has a `Shortcut`, added by the snapshot graph.
pub type FieldKind = format::EdgeKind;

/// The name of an outgoing field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FieldName {
    /// A fixed VM name (`map`, `properties`, `previous`, ...).
    Static(&'static str),
    /// A property or variable name: a pointer to a string object in the heap.
    Name(Tagged),
    /// An element or slot index.
    Index(u32),
    /// The key of entry `entry` of a WeakMap's ephemeron table.
    EphemeronKey { entry: u32 },
    /// The value of entry `entry` of an ephemeron table, alive while `key` is (issue 6).
    EphemeronValue { entry: u32, key: Tagged },
}

/// One outgoing reference.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Field {
    pub kind: FieldKind,
    pub name: FieldName,
    pub value: Tagged,
}
