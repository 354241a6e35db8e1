//! The per-version layout of a `.heapsnapshot` file: `snapshot.meta`, record widths,
//! newline conventions and the list of `(GC roots)` sub-roots.
//!
//! Everything here was taken from real files written by `v8.writeHeapSnapshot()` in
//! Node 20.20.2, 22.23.3 and 24.21.0 and cross-checked against V8's serializer
//! (`src/profiler/heap-snapshot-generator.cc`, `HeapSnapshotJSONSerializer::SerializeImpl`,
//! `SerializeNode`, `SerializeSnapshot`). `docs/snapshot-format.md` lists each rule with
//! its source. Each meta is assembled from the field lists below and the kinds of
//! [`crate::kinds`]; `tests/layouts.rs` checks it byte for byte against the meta of a real
//! file of that version (`tests/fixtures/meta_node*.json`).

use std::fmt;
use std::str::FromStr;

use crate::kinds::{EdgeKind, NodeKind};

/// The Node.js release whose snapshot layout the writer reproduces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Node 20 (V8 11.3): 7 node fields, `wasm object` node type, a newline after every
    /// record, 28 sub-roots in `Root` enum order.
    #[default]
    Node20,
    /// Node 22 (V8 12.4): 7 node fields, no `wasm object`, newlines as Node 20, 27 sub-roots
    /// sorted by name.
    Node22,
    /// Node 24 (V8 13.6): 6 node fields (no `trace_node_id`), `extra_native_bytes` in the
    /// header, no newlines inside arrays, sub-roots as Node 22.
    Node24,
}

/// `node_fields` of Node 20 and 22.
const NODE_FIELDS_TRACED: &[&str] = &[
    "type",
    "name",
    "id",
    "self_size",
    "edge_count",
    "trace_node_id",
    "detachedness",
];

/// `node_fields` of Node 24: `trace_node_id` is written only with allocation tracking.
const NODE_FIELDS_UNTRACED: &[&str] = &[
    "type",
    "name",
    "id",
    "self_size",
    "edge_count",
    "detachedness",
];

/// What `node_types` says about the fields after `type`. Node 24 drops `trace_node_id`
/// from `node_fields` but keeps five `number` entries here: that is what V8 13.6 writes,
/// so it is reproduced, not corrected.
const NODE_FIELD_TYPES: &[&str] = &["string", "number", "number", "number", "number", "number"];

/// `edge_fields` and what `edge_types` says about the fields after `type`.
pub const EDGE_FIELDS: &[&str] = &["type", "name_or_index", "to_node"];
const EDGE_FIELD_TYPES: &[&str] = &["string_or_number", "node"];

pub const TRACE_FUNCTION_INFO_FIELDS: &[&str] = &[
    "function_id",
    "name",
    "script_name",
    "script_id",
    "line",
    "column",
];
pub const TRACE_NODE_FIELDS: &[&str] = &["id", "function_info_index", "count", "size", "children"];
pub const SAMPLE_FIELDS: &[&str] = &["timestamp_us", "last_assigned_id"];
pub const LOCATION_FIELDS: &[&str] = &["object_index", "script_id", "line", "column"];

/// `(GC roots)` children in Node 20, in V8 11.3's `Root` enum order (`ROOT_ID_LIST`).
/// `(Strong roots)` appears twice: V8 11.3 names both `kStrongRootList` and `kStrongRoots`
/// that way.
const SUB_ROOTS_NODE20: &[&str] = &[
    "(Internalized strings)",
    "(External strings)",
    "(Read-only roots)",
    "(Strong roots)",
    "(Smi roots)",
    "(Bootstrapper)",
    "(Stack roots)",
    "(Relocatable)",
    "(Debugger)",
    "(Compilation cache)",
    "(Handle scope)",
    "(Builtins)",
    "(Global handles)",
    "(Traced handles)",
    "(Eternal handles)",
    "(Thread manager)",
    "(Strong roots)",
    "(Extensions)",
    "(Code flusher)",
    "(Startup object cache)",
    "(Read-only object cache)",
    "(Shareable object cache)",
    "(Weak collections)",
    "(Wrapper tracing)",
    "(Write barrier)",
    "(Retain maps)",
    "(Client heap)",
    "(Unknown)",
];

/// `(GC roots)` children in Node 22 and 24 (V8 12.4 / 13.6 list them sorted by the
/// `Root` enumerator's name, hence `(Internalized strings)` = `kStringTable` late).
const SUB_ROOTS_NODE22: &[&str] = &[
    "(Bootstrapper)",
    "(Builtins)",
    "(Client heap)",
    "(Code flusher)",
    "(Compilation cache)",
    "(Debugger)",
    "(Extensions)",
    "(Eternal handles)",
    "(External strings)",
    "(Global handles)",
    "(Handle scope)",
    "(Micro tasks)",
    "(Read-only roots)",
    "(Relocatable)",
    "(Retain maps)",
    "(Shareable object cache)",
    "(SharedStruct type registry)",
    "(Smi roots)",
    "(Stack roots)",
    "(Startup object cache)",
    "(Internalized strings)",
    "(Strong root list)",
    "(Strong roots)",
    "(Thread manager)",
    "(Traced handles)",
    "(Weak roots)",
    "(Write barrier)",
];

impl Format {
    pub const ALL: [Format; 3] = [Format::Node20, Format::Node22, Format::Node24];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Format::Node20 => "node20",
            Format::Node22 => "node22",
            Format::Node24 => "node24",
        }
    }

    /// `node_fields`, in record order.
    pub fn node_fields(self) -> &'static [&'static str] {
        match self {
            Format::Node20 | Format::Node22 => NODE_FIELDS_TRACED,
            Format::Node24 => NODE_FIELDS_UNTRACED,
        }
    }

    /// `node_types[0]`: the node kinds this version names, a kind's position being its
    /// type number. Only V8 11.3 (Node 20) still lists `wasm object`.
    pub fn node_kinds(self) -> &'static [NodeKind] {
        match self {
            Format::Node20 => &NodeKind::ALL,
            Format::Node22 | Format::Node24 => &NodeKind::ALL[..NodeKind::WasmObject as usize],
        }
    }

    /// `edge_types[0]`, a kind's position being its type number (the same in all versions).
    pub fn edge_kinds(self) -> &'static [EdgeKind] {
        &EdgeKind::ALL
    }

    /// The `snapshot.meta` object, byte for byte as this Node version writes it.
    pub fn meta_json(self) -> String {
        let node_types: Vec<&str> = self.node_kinds().iter().map(|k| k.v8_name()).collect();
        let edge_types: Vec<&str> = self.edge_kinds().iter().map(|k| k.v8_name()).collect();
        format!(
            "{{\"node_fields\":{},\"node_types\":[{},{}],\"edge_fields\":{},\"edge_types\":[{},{}],\
             \"trace_function_info_fields\":{},\"trace_node_fields\":{},\"sample_fields\":{},\
             \"location_fields\":{}}}",
            json_list(self.node_fields()),
            json_list(&node_types),
            json_items(NODE_FIELD_TYPES),
            json_list(EDGE_FIELDS),
            json_list(&edge_types),
            json_items(EDGE_FIELD_TYPES),
            json_list(TRACE_FUNCTION_INFO_FIELDS),
            json_list(TRACE_NODE_FIELDS),
            json_list(SAMPLE_FIELDS),
            json_list(LOCATION_FIELDS),
        )
    }

    /// Numbers per node record.
    pub fn node_width(self) -> u64 {
        self.node_fields().len() as u64
    }

    /// Numbers per edge record.
    pub fn edge_width(self) -> u64 {
        EDGE_FIELDS.len() as u64
    }

    /// Numbers per location record.
    pub fn location_width(self) -> u64 {
        LOCATION_FIELDS.len() as u64
    }

    /// Node 20 and 22 always write `trace_node_id`; Node 24 only with allocation tracking,
    /// which no source here models.
    pub fn has_trace_node_id(self) -> bool {
        self.node_fields().contains(&"trace_node_id")
    }

    /// Node 24 adds `"extra_native_bytes"` after `trace_function_count`.
    pub fn has_extra_native_bytes(self) -> bool {
        matches!(self, Format::Node24)
    }

    /// Node ≤ 22 ends every node, edge and location record and precedes every string but
    /// the first with `\n`; Node 24 writes each array on one line.
    pub fn record_newlines(self) -> bool {
        !matches!(self, Format::Node24)
    }

    /// The `(GC roots)` children this version lists, in its order.
    pub fn sub_roots(self) -> &'static [&'static str] {
        match self {
            Format::Node20 => SUB_ROOTS_NODE20,
            Format::Node22 | Format::Node24 => SUB_ROOTS_NODE22,
        }
    }

    /// Position in [`Format::sub_roots`] of the sub-root a name stands for. V8 11.3 names
    /// two sub-roots `(Strong roots)`; this finds the first.
    pub fn sub_root_index(self, name: &str) -> Option<usize> {
        self.sub_roots().iter().position(|s| *s == name)
    }

    /// The sub-root of the isolate's strong root list (`Heap::IterateStrongRoots` →
    /// `kStrongRootList`): V8 11.3 calls it `(Strong roots)` (the first of two), later
    /// versions `(Strong root list)`.
    pub fn strong_root_list_index(self) -> usize {
        let name = match self {
            Format::Node20 => "(Strong roots)",
            Format::Node22 | Format::Node24 => "(Strong root list)",
        };
        self.sub_root_index(name).expect("listed in every version")
    }

    /// The generic `(Strong roots)` sub-root (`kStrongRoots`): in V8 11.3 the second of
    /// the two so named.
    pub fn strong_roots_index(self) -> usize {
        let subs = self.sub_roots();
        subs.iter()
            .rposition(|s| *s == "(Strong roots)")
            .expect("listed in every version")
    }

    /// The first id `HeapObjectsMap` hands to a heap object: ids 1 (root) and 3
    /// (`(GC roots)`) and then one odd id per sub-root are reserved
    /// (`kFirstAvailableObjectId` in `heap-snapshot-generator.h`).
    pub fn first_object_id(self) -> u32 {
        5 + 2 * self.sub_roots().len() as u32
    }
}

/// `["a","b"]` (the names are plain ASCII: no escaping needed).
fn json_list(names: &[&str]) -> String {
    format!("[{}]", json_items(names))
}

/// `"a","b"`.
fn json_items(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(",")
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "node20" => Ok(Format::Node20),
            "node22" => Ok(Format::Node22),
            "node24" => Ok(Format::Node24),
            _ => Err(format!(
                "unknown snapshot format {s:?} (expected node20, node22 or node24)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_type_numbers_follow_the_metas() {
        for f in Format::ALL {
            let v: serde_json::Value = serde_json::from_str(&f.meta_json()).unwrap();
            let fields = v["node_fields"].as_array().unwrap();
            assert_eq!(fields.len() as u64, f.node_width(), "{f}");
            assert_eq!(
                fields.iter().any(|x| x == "trace_node_id"),
                f.has_trace_node_id()
            );
            let types = v["node_types"][0].as_array().unwrap();
            assert_eq!(types[NodeKind::ObjectShape as usize], "object shape");
            assert_eq!(types[NodeKind::ConsString as usize], "concatenated string");
            let et = v["edge_types"][0].as_array().unwrap();
            assert_eq!(et[EdgeKind::Weak as usize], "weak");
            assert_eq!(et[EdgeKind::Shortcut as usize], "shortcut");
            assert_eq!(
                v["edge_fields"].as_array().unwrap().len() as u64,
                f.edge_width()
            );
            assert_eq!(
                v["location_fields"].as_array().unwrap().len() as u64,
                f.location_width()
            );
        }
    }

    #[test]
    fn first_object_ids_match_real_snapshots() {
        // Node 20's first heap object is @61, Node 22/24's @59 (observed in real files).
        assert_eq!(Format::Node20.first_object_id(), 61);
        assert_eq!(Format::Node22.first_object_id(), 59);
        assert_eq!(Format::Node24.first_object_id(), 59);
    }

    #[test]
    fn sub_root_lookup() {
        assert_eq!(Format::Node20.strong_root_list_index(), 3);
        assert_eq!(Format::Node20.strong_roots_index(), 16);
        assert_eq!(Format::Node22.strong_root_list_index(), 21);
        assert_eq!(Format::Node22.strong_roots_index(), 22);
        assert_eq!(Format::Node22.sub_root_index("(Handle scope)"), Some(10));
        assert_eq!(Format::Node24.sub_root_index("(Isolate)"), None);
        assert_eq!("node24".parse::<Format>(), Ok(Format::Node24));
        assert!("node18".parse::<Format>().is_err());
    }
}
