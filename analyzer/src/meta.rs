//! `snapshot.meta`: the self-description every `.heapsnapshot` starts with.
//!
//! V8 writes the layout of the flat `nodes` and `edges` arrays into the file itself
//! (`node_fields`, `edge_fields`) together with the names of node and edge types
//! (`node_types[0]`, `edge_types[0]`). Field order and count differ between versions —
//! Node 8 has no `trace_node_id`, Node ≤ 12 no `detachedness`, Node 24 drops
//! `trace_node_id` again while `node_types` still lists five `number` entries — so
//! nothing here is hard-coded: every consumer asks [`Meta`] where a field lives.
//!
//! Type names are mapped onto the format crate's [`NodeKind`] / [`EdgeKind`] once, so
//! analyses compare small enums instead of strings; an unknown name maps to `Other` and
//! keeps its text for display. The layouts heapsim knows by heart (for building snapshots
//! in memory) come from the format crate too ([`Meta::of`]).

use format::{layout, EdgeKind, Format, NodeKind};

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

    /// True when this is the layout of files written in `format` (fields and type names;
    /// the counts do not matter).
    pub fn is_layout_of(&self, format: Format) -> bool {
        let want = Meta::of(format);
        self.node_fields == want.node_fields
            && self.node_type_names == want.node_type_names
            && self.edge_fields == want.edge_fields
            && self.edge_type_names == want.edge_type_names
            && self.extra_native_bytes.is_some() == want.extra_native_bytes.is_some()
    }

    /// The layout of a file written in `format` (with zero counts), used by builders and
    /// tests.
    pub fn of(format: Format) -> Meta {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Meta {
            node_fields: s(format.node_fields()),
            node_type_names: format
                .node_kinds()
                .iter()
                .map(|k| k.v8_name().into())
                .collect(),
            edge_fields: s(layout::EDGE_FIELDS),
            edge_type_names: format
                .edge_kinds()
                .iter()
                .map(|k| k.v8_name().into())
                .collect(),
            location_fields: s(layout::LOCATION_FIELDS),
            trace_function_info_fields: s(layout::TRACE_FUNCTION_INFO_FIELDS),
            trace_node_fields: s(layout::TRACE_NODE_FIELDS),
            sample_fields: s(layout::SAMPLE_FIELDS),
            node_count: 0,
            edge_count: 0,
            trace_function_count: 0,
            extra_native_bytes: format.has_extra_native_bytes().then_some(0),
        }
    }
}
