//! The per-version layout of a `.heapsnapshot` file: `snapshot.meta`, record widths,
//! newline conventions and the list of `(GC roots)` sub-roots.
//!
//! Everything here was taken from real files written by `v8.writeHeapSnapshot()` in
//! Node 20.20.2, 22.23.3 and 24.21.0 (the metas are copied byte for byte from
//! `shared/reference/meta_node*.json`) and cross-checked against V8's serializer
//! (`src/profiler/heap-snapshot-generator.cc`, `HeapSnapshotJSONSerializer::SerializeImpl`,
//! `SerializeNode`, `SerializeSnapshot`). `docs/snapshot-format.md` lists each rule with
//! its source.

use std::fmt;
use std::str::FromStr;

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

/// Node type indices into `node_types[0]` (identical in all three versions; Node 20 adds
/// `wasm object` at the end, which the simulator never produces).
pub mod node_type {
    pub const HIDDEN: u8 = 0;
    pub const ARRAY: u8 = 1;
    pub const STRING: u8 = 2;
    pub const OBJECT: u8 = 3;
    pub const CODE: u8 = 4;
    pub const CLOSURE: u8 = 5;
    pub const REGEXP: u8 = 6;
    pub const NUMBER: u8 = 7;
    pub const NATIVE: u8 = 8;
    pub const SYNTHETIC: u8 = 9;
    pub const CONS_STRING: u8 = 10;
    pub const SLICED_STRING: u8 = 11;
    pub const SYMBOL: u8 = 12;
    pub const BIGINT: u8 = 13;
    pub const OBJECT_SHAPE: u8 = 14;
}

/// Edge type indices into `edge_types[0]` (identical in all three versions).
pub mod edge_type {
    pub const CONTEXT: u8 = 0;
    pub const ELEMENT: u8 = 1;
    pub const PROPERTY: u8 = 2;
    pub const INTERNAL: u8 = 3;
    pub const HIDDEN: u8 = 4;
    pub const SHORTCUT: u8 = 5;
    pub const WEAK: u8 = 6;

    /// `element` and `hidden` edges carry a number in `name_or_index`, every other type a
    /// string index (`HeapSnapshotJSONSerializer::SerializeEdge`).
    pub fn has_index_name(kind: u8) -> bool {
        kind == ELEMENT || kind == HIDDEN
    }
}

const META_NODE20: &str = r#"{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape","wasm object"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]}"#;

const META_NODE22: &str = r#"{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]}"#;

// Node 24 drops `trace_node_id` from `node_fields` but `node_types` keeps five "number"
// entries: that is what V8 13.6 writes, so it is reproduced, not corrected.
const META_NODE24: &str = r#"{"node_fields":["type","name","id","self_size","edge_count","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]}"#;

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

/// The simulator's root kinds, each attributed to one V8 sub-root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubRoot {
    /// Handle scopes: a scenario's locals.
    HandleScope,
    /// Global handles (`v8::Global` / `Persistent`).
    GlobalHandles,
    /// The isolate's strong root list (`Heap::IterateStrongRoots` → `kStrongRootList`).
    StrongRootList,
    /// Values on the (simulated) machine stack.
    StackRoots,
    /// The string table.
    InternalizedStrings,
    /// Eternal handles.
    EternalHandles,
    /// The compilation cache.
    CompilationCache,
    /// Builtins (code objects).
    Builtins,
}

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

    /// The `snapshot.meta` object, byte for byte as this Node version writes it.
    pub fn meta_json(self) -> &'static str {
        match self {
            Format::Node20 => META_NODE20,
            Format::Node22 => META_NODE22,
            Format::Node24 => META_NODE24,
        }
    }

    /// Numbers per node record.
    pub fn node_width(self) -> u64 {
        if self.has_trace_node_id() {
            7
        } else {
            6
        }
    }

    /// Numbers per edge record.
    pub fn edge_width(self) -> u64 {
        3
    }

    /// Numbers per location record.
    pub fn location_width(self) -> u64 {
        4
    }

    /// Node 20 and 22 always write `trace_node_id`; Node 24 only with allocation tracking,
    /// which the simulator does not model.
    pub fn has_trace_node_id(self) -> bool {
        !matches!(self, Format::Node24)
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

    /// Position of a simulator root kind in [`Format::sub_roots`].
    pub fn sub_root_index(self, root: SubRoot) -> usize {
        let name = match (self, root) {
            (_, SubRoot::HandleScope) => "(Handle scope)",
            (_, SubRoot::GlobalHandles) => "(Global handles)",
            (_, SubRoot::StackRoots) => "(Stack roots)",
            (_, SubRoot::InternalizedStrings) => "(Internalized strings)",
            (_, SubRoot::EternalHandles) => "(Eternal handles)",
            (_, SubRoot::CompilationCache) => "(Compilation cache)",
            (_, SubRoot::Builtins) => "(Builtins)",
            // V8 11.3 calls the strong root list "(Strong roots)" (its first occurrence).
            (Format::Node20, SubRoot::StrongRootList) => "(Strong roots)",
            (_, SubRoot::StrongRootList) => "(Strong root list)",
        };
        self.sub_roots()
            .iter()
            .position(|s| *s == name)
            .expect("every SubRoot is listed for every format")
    }

    /// The first id `HeapObjectsMap` hands to a heap object: ids 1 (root) and 3
    /// (`(GC roots)`) and then one odd id per sub-root are reserved
    /// (`kFirstAvailableObjectId` in `heap-snapshot-generator.h`).
    pub fn first_object_id(self) -> u32 {
        5 + 2 * self.sub_roots().len() as u32
    }
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
    fn metas_parse_and_widths_match_node_fields() {
        for f in Format::ALL {
            let v: serde_json::Value = serde_json::from_str(f.meta_json()).unwrap();
            let fields = v["node_fields"].as_array().unwrap();
            assert_eq!(fields.len() as u64, f.node_width(), "{f}");
            assert_eq!(
                fields.iter().any(|x| x == "trace_node_id"),
                f.has_trace_node_id()
            );
            let types = v["node_types"][0].as_array().unwrap();
            assert_eq!(types[node_type::OBJECT_SHAPE as usize], "object shape");
            assert_eq!(
                types[node_type::CONS_STRING as usize],
                "concatenated string"
            );
            let et = v["edge_types"][0].as_array().unwrap();
            assert_eq!(et[edge_type::WEAK as usize], "weak");
            assert_eq!(et[edge_type::SHORTCUT as usize], "shortcut");
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
        assert_eq!(Format::Node20.sub_root_index(SubRoot::StrongRootList), 3);
        assert_eq!(Format::Node22.sub_root_index(SubRoot::StrongRootList), 21);
        assert_eq!(Format::Node22.sub_root_index(SubRoot::HandleScope), 10);
        assert_eq!("node24".parse::<Format>(), Ok(Format::Node24));
        assert!("node18".parse::<Format>().is_err());
    }
}
