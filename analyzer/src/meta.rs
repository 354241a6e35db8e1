//! `snapshot.meta`: the self-description every `.heapsnapshot` starts with.
//!
//! V8 writes the layout of the flat `nodes` and `edges` arrays into the file itself
//! (`node_fields`, `edge_fields`) together with the names of node and edge types
//! (`node_types[0]`, `edge_types[0]`). Field order and count differ between versions —
//! Node 8 has no `trace_node_id`, Node ≤ 12 no `detachedness`, Node 24 drops
//! `trace_node_id` again while `node_types` still lists five `number` entries — so
//! nothing here is hard-coded: every consumer asks [`Meta`] where a field lives.
//!
//! Type names are mapped onto [`NodeKind`] / [`EdgeKind`] once, so analyses compare small
//! enums instead of strings; an unknown name maps to `Other` and keeps its text for display.

use serde::Serialize;

/// Node types V8 knows (`HeapGraphNode::Type` in `v8-profiler.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Hidden,
    Array,
    String,
    Object,
    Code,
    Closure,
    Regexp,
    Number,
    Native,
    Synthetic,
    ConsString,
    SlicedString,
    Symbol,
    BigInt,
    ObjectShape,
    WasmObject,
    /// A type name this version of heapsim does not know; its text stays in [`Meta`].
    Other,
}

impl NodeKind {
    pub fn from_name(name: &str) -> NodeKind {
        match name {
            "hidden" => NodeKind::Hidden,
            "array" => NodeKind::Array,
            "string" => NodeKind::String,
            "object" => NodeKind::Object,
            "code" => NodeKind::Code,
            "closure" => NodeKind::Closure,
            "regexp" => NodeKind::Regexp,
            "number" => NodeKind::Number,
            "native" => NodeKind::Native,
            "synthetic" => NodeKind::Synthetic,
            "concatenated string" => NodeKind::ConsString,
            "sliced string" => NodeKind::SlicedString,
            "symbol" => NodeKind::Symbol,
            "bigint" => NodeKind::BigInt,
            "object shape" => NodeKind::ObjectShape,
            "wasm object" => NodeKind::WasmObject,
            _ => NodeKind::Other,
        }
    }

    /// The name V8 writes for this type.
    pub fn v8_name(self) -> &'static str {
        match self {
            NodeKind::Hidden => "hidden",
            NodeKind::Array => "array",
            NodeKind::String => "string",
            NodeKind::Object => "object",
            NodeKind::Code => "code",
            NodeKind::Closure => "closure",
            NodeKind::Regexp => "regexp",
            NodeKind::Number => "number",
            NodeKind::Native => "native",
            NodeKind::Synthetic => "synthetic",
            NodeKind::ConsString => "concatenated string",
            NodeKind::SlicedString => "sliced string",
            NodeKind::Symbol => "symbol",
            NodeKind::BigInt => "bigint",
            NodeKind::ObjectShape => "object shape",
            NodeKind::WasmObject => "wasm object",
            NodeKind::Other => "other",
        }
    }

    /// Strings of every representation, as DevTools' `isString` counts them.
    pub fn is_string(self) -> bool {
        matches!(
            self,
            NodeKind::String | NodeKind::ConsString | NodeKind::SlicedString
        )
    }
}

/// Edge types V8 knows (`HeapGraphEdge::Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A variable captured by a closure's context.
    Context,
    /// An indexed element; `name_or_index` is a number.
    Element,
    /// A named property.
    Property,
    /// A link not visible to JavaScript (`map`, `table`, ...).
    Internal,
    /// A link DevTools hides; `name_or_index` is a number.
    Hidden,
    /// A link that skips intermediate objects (the root's link to the global object).
    Shortcut,
    /// A link that does not keep its target alive.
    Weak,
    Other,
}

impl EdgeKind {
    pub fn from_name(name: &str) -> EdgeKind {
        match name {
            "context" => EdgeKind::Context,
            "element" => EdgeKind::Element,
            "property" => EdgeKind::Property,
            "internal" => EdgeKind::Internal,
            "hidden" => EdgeKind::Hidden,
            "shortcut" => EdgeKind::Shortcut,
            "weak" => EdgeKind::Weak,
            _ => EdgeKind::Other,
        }
    }

    pub fn v8_name(self) -> &'static str {
        match self {
            EdgeKind::Context => "context",
            EdgeKind::Element => "element",
            EdgeKind::Property => "property",
            EdgeKind::Internal => "internal",
            EdgeKind::Hidden => "hidden",
            EdgeKind::Shortcut => "shortcut",
            EdgeKind::Weak => "weak",
            EdgeKind::Other => "other",
        }
    }

    /// Element and hidden edges carry a number in `name_or_index`, all others a string index.
    pub fn has_index_name(self) -> bool {
        matches!(self, EdgeKind::Element | EdgeKind::Hidden)
    }
}

/// Layout of one snapshot file, read from its `snapshot.meta`.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// `node_fields`, in file order.
    pub node_fields: Vec<String>,
    /// `node_types[0]`: the names behind a node's `type` number.
    pub node_type_names: Vec<String>,
    /// `edge_fields`, in file order.
    pub edge_fields: Vec<String>,
    /// `edge_types[0]`: the names behind an edge's `type` number.
    pub edge_type_names: Vec<String>,
    /// `location_fields`, in file order (empty for files without locations).
    pub location_fields: Vec<String>,
    /// `trace_function_info_fields`, `trace_node_fields`, `sample_fields` (kept for completeness).
    pub trace_function_info_fields: Vec<String>,
    pub trace_node_fields: Vec<String>,
    pub sample_fields: Vec<String>,
    /// Header counts as the file states them (validated against the arrays by the reader).
    pub node_count: u64,
    pub edge_count: u64,
    pub trace_function_count: u64,
    /// Node 24+: bytes held outside the V8 heap by embedder objects.
    pub extra_native_bytes: Option<u64>,
}

impl Meta {
    /// Numbers per node record.
    pub fn node_width(&self) -> usize {
        self.node_fields.len()
    }

    /// Numbers per edge record.
    pub fn edge_width(&self) -> usize {
        self.edge_fields.len()
    }

    pub fn node_field(&self, name: &str) -> Option<usize> {
        self.node_fields.iter().position(|f| f == name)
    }

    pub fn edge_field(&self, name: &str) -> Option<usize> {
        self.edge_fields.iter().position(|f| f == name)
    }

    pub fn location_field(&self, name: &str) -> Option<usize> {
        self.location_fields.iter().position(|f| f == name)
    }

    /// The kind behind a raw node type number (`Other` when out of the known range).
    pub fn node_kind(&self, raw: u8) -> NodeKind {
        self.node_type_names
            .get(raw as usize)
            .map_or(NodeKind::Other, |n| NodeKind::from_name(n))
    }

    pub fn edge_kind(&self, raw: u8) -> EdgeKind {
        self.edge_type_names
            .get(raw as usize)
            .map_or(EdgeKind::Other, |n| EdgeKind::from_name(n))
    }

    /// The raw type number V8 uses in this file for `kind`, if the file knows it.
    pub fn node_type_index(&self, kind: NodeKind) -> Option<u8> {
        self.node_type_names
            .iter()
            .position(|n| NodeKind::from_name(n) == kind && kind != NodeKind::Other)
            .map(|i| i as u8)
    }

    pub fn edge_type_index(&self, kind: EdgeKind) -> Option<u8> {
        self.edge_type_names
            .iter()
            .position(|n| EdgeKind::from_name(n) == kind && kind != EdgeKind::Other)
            .map(|i| i as u8)
    }

    /// The layout of a current Node.js (20/22), used by builders and tests.
    pub fn node20() -> Meta {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Meta {
            node_fields: s(&[
                "type",
                "name",
                "id",
                "self_size",
                "edge_count",
                "trace_node_id",
                "detachedness",
            ]),
            node_type_names: s(&[
                "hidden",
                "array",
                "string",
                "object",
                "code",
                "closure",
                "regexp",
                "number",
                "native",
                "synthetic",
                "concatenated string",
                "sliced string",
                "symbol",
                "bigint",
                "object shape",
            ]),
            edge_fields: s(&["type", "name_or_index", "to_node"]),
            edge_type_names: s(&[
                "context", "element", "property", "internal", "hidden", "shortcut", "weak",
            ]),
            location_fields: s(&["object_index", "script_id", "line", "column"]),
            trace_function_info_fields: s(&[
                "function_id",
                "name",
                "script_name",
                "script_id",
                "line",
                "column",
            ]),
            trace_node_fields: s(&["id", "function_info_index", "count", "size", "children"]),
            sample_fields: s(&["timestamp_us", "last_assigned_id"]),
            node_count: 0,
            edge_count: 0,
            trace_function_count: 0,
            extra_native_bytes: None,
        }
    }
}
