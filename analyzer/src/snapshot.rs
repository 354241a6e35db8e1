//! The heap graph as flat columns.
//!
//! A snapshot of a large Node process holds tens of millions of nodes and edges, so the
//! in-memory form is column-oriented and pointer-free, in the spirit of compressed sparse
//! row (CSR) graphs:
//!
//! * node `n` (its *ordinal*, `0..node_count`) has one entry in each node column;
//! * its outgoing edges are `first_edge[n]..first_edge[n + 1]` in the edge columns — V8
//!   already writes edges grouped by source node in node order, so this is the file order;
//! * `edge_to[e]` is the target's ordinal (V8's `to_node` divided by the node width);
//! * reverse edges (retainers) are a second CSR built on demand by [`Retainers::build`]
//!   (only by `heapsim report`, whose page lists the retainers of any object it shows;
//!   retainer paths index only their targets' cone, [`crate::paths`]).
//!
//! Ordinals and edge indices are `u32`: a file with 2^32 nodes or edges would be over 40 GB
//! of JSON, and halving the index width is what keeps a 12 M-node graph under a gigabyte.
//! Byte offsets and array positions while *reading* are `u64`, since a file or one of its
//! arrays can pass 2^32.

use crate::allocation::AllocationTraces;
use crate::csr::{self, CountingSort};
use crate::meta::Meta;
use format::{EdgeKind, NodeKind};

/// A node ordinal: the position of a node record in the `nodes` array divided by the width.
pub type NodeIx = u32;
/// An edge index: the position of an edge record in the `edges` array divided by the width.
pub type EdgeIx = u32;

/// The decoded `strings` array: one UTF-8 buffer plus start offsets.
///
/// Lone surrogates (`\ud800` without a partner), which V8 can write for broken JS strings,
/// are stored as U+FFFD so every entry is valid UTF-8.
#[derive(Clone, Debug, Default)]
pub struct StringTable {
    bytes: Vec<u8>,
    /// `starts[i]..starts[i + 1]` is string `i`; `len = count + 1`.
    starts: Vec<u64>,
}

impl StringTable {
    pub fn new() -> Self {
        StringTable {
            bytes: Vec::new(),
            starts: vec![0],
        }
    }

    pub fn push(&mut self, s: &str) -> u32 {
        self.bytes.extend_from_slice(s.as_bytes());
        self.starts.push(self.bytes.len() as u64);
        (self.starts.len() - 2) as u32
    }

    /// Appends raw UTF-8 that the caller guarantees valid.
    pub fn push_bytes(&mut self, s: &[u8]) -> u32 {
        debug_assert!(std::str::from_utf8(s).is_ok());
        self.bytes.extend_from_slice(s);
        self.starts.push(self.bytes.len() as u64);
        (self.starts.len() - 2) as u32
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `i`, or `""` when out of range (the reader rejects such indices up front).
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        if i + 1 >= self.starts.len() {
            return "";
        }
        let (a, b) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        // SAFETY-free: every push stores valid UTF-8; fall back to "" rather than panic.
        std::str::from_utf8(&self.bytes[a..b]).unwrap_or("")
    }

    /// String `i` as raw bytes, without the UTF-8 check of [`StringTable::get`]: for
    /// comparing names against known ASCII names on hot paths (empty when out of range).
    #[inline]
    pub fn bytes(&self, i: u32) -> &[u8] {
        let i = i as usize;
        if i + 1 >= self.starts.len() {
            return &[];
        }
        &self.bytes[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len() as u32).map(move |i| self.get(i))
    }

    /// Heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.starts.capacity() * 8
    }
}

/// One entry of the `locations` array: where the code of a closure (or an object whose
/// constructor has one) starts. Lines and columns are zero-based as V8 writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Location {
    pub node: NodeIx,
    pub script_id: u32,
    pub line: u32,
    pub column: u32,
}

/// The node columns.
#[derive(Clone, Debug, Default)]
pub struct Nodes {
    /// Raw `type` number; interpret with [`Meta::node_kind`].
    pub kind: Vec<u8>,
    /// Index into the string table.
    pub name: Vec<u32>,
    /// V8's stable object id (`@123` in DevTools).
    pub id: Vec<u32>,
    pub self_size: Vec<u64>,
    /// CSR offsets into the edge columns; `len = node_count + 1`.
    pub first_edge: Vec<EdgeIx>,
    /// `trace_node_id` when the file has it and some entry is not 0 (allocation tracking),
    /// else empty: a missing entry means 0.
    pub trace_node_id: Vec<u32>,
    /// `detachedness` when the file has it (0 unknown, 1 attached, 2 detached), else empty.
    pub detachedness: Vec<u8>,
}

/// The edge columns, grouped by source node in node order.
#[derive(Clone, Debug, Default)]
pub struct Edges {
    /// Raw `type` number; interpret with [`Meta::edge_kind`].
    pub kind: Vec<u8>,
    /// A string index, or an element/hidden index (see [`EdgeKind::has_index_name`]).
    pub name_or_index: Vec<u32>,
    /// Target node ordinal.
    pub to: Vec<NodeIx>,
}

/// A whole snapshot in memory.
#[derive(Clone, Debug, Default)]
pub struct HeapSnapshot {
    pub meta: Meta,
    pub nodes: Nodes,
    pub edges: Edges,
    pub strings: StringTable,
    /// Sorted by node ordinal.
    pub locations: Vec<Location>,
    /// Allocation stacks (empty unless the snapshot was taken with allocation tracking).
    pub traces: AllocationTraces,
    /// Kind lookup tables, filled from `meta` by [`HeapSnapshot::index_kinds`].
    node_kinds: Vec<NodeKind>,
    edge_kinds: Vec<EdgeKind>,
}

impl HeapSnapshot {
    /// Assembles a snapshot from decoded parts (used by the reader and by builders).
    pub fn from_parts(
        meta: Meta,
        nodes: Nodes,
        edges: Edges,
        strings: StringTable,
        mut locations: Vec<Location>,
    ) -> HeapSnapshot {
        // Millions in big files: skip the sort when already in order, else an unstable one
        // (a node has at most one location).
        if !locations.windows(2).all(|w| w[0].node <= w[1].node) {
            locations.sort_unstable_by_key(|l| l.node);
        }
        let mut s = HeapSnapshot {
            meta,
            nodes,
            edges,
            strings,
            locations,
            traces: AllocationTraces::default(),
            node_kinds: Vec::new(),
            edge_kinds: Vec::new(),
        };
        s.index_kinds();
        s
    }

    fn index_kinds(&mut self) {
        self.node_kinds = (0..=255u8).map(|r| self.meta.node_kind(r)).collect();
        self.edge_kinds = (0..=255u8).map(|r| self.meta.edge_kind(r)).collect();
    }

    pub fn node_count(&self) -> usize {
        self.nodes.kind.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.to.len()
    }

    /// Node 0 is the synthetic root in every V8 snapshot.
    pub fn root(&self) -> NodeIx {
        0
    }

    #[inline]
    pub fn node_kind(&self, n: NodeIx) -> NodeKind {
        self.node_kinds[self.nodes.kind[n as usize] as usize]
    }

    /// The V8 type name of a node, also for types unknown to [`NodeKind`].
    pub fn node_type_name(&self, n: NodeIx) -> &str {
        let raw = self.nodes.kind[n as usize] as usize;
        self.meta
            .node_type_names
            .get(raw)
            .map_or("unknown", |s| s.as_str())
    }

    #[inline]
    pub fn node_name(&self, n: NodeIx) -> &str {
        self.strings.get(self.nodes.name[n as usize])
    }

    /// Whether node `n`'s raw name is exactly `name` (no UTF-8 check: cheap in hot loops).
    #[inline]
    pub fn node_name_is(&self, n: NodeIx, name: &str) -> bool {
        self.strings.bytes(self.nodes.name[n as usize]) == name.as_bytes()
    }

    #[inline]
    pub fn node_id(&self, n: NodeIx) -> u32 {
        self.nodes.id[n as usize]
    }

    #[inline]
    pub fn self_size(&self, n: NodeIx) -> u64 {
        self.nodes.self_size[n as usize]
    }

    /// The edge index range of node `n`'s outgoing edges.
    #[inline]
    pub fn edge_range(&self, n: NodeIx) -> std::ops::Range<EdgeIx> {
        self.nodes.first_edge[n as usize]..self.nodes.first_edge[n as usize + 1]
    }

    #[inline]
    pub fn edge_kind(&self, e: EdgeIx) -> EdgeKind {
        self.edge_kinds[self.edges.kind[e as usize] as usize]
    }

    #[inline]
    pub fn edge_to(&self, e: EdgeIx) -> NodeIx {
        self.edges.to[e as usize]
    }

    /// The node edge `e` leaves: edges are grouped by source, so a binary search of the
    /// CSR offsets (no per-edge column of sources is kept).
    #[inline]
    pub fn edge_source(&self, e: EdgeIx) -> NodeIx {
        let fe = &self.nodes.first_edge;
        (fe.partition_point(|&x| x <= e) - 1) as NodeIx
    }

    /// The edge's name as DevTools shows it: the property name, or the index as text.
    pub fn edge_name(&self, e: EdgeIx) -> std::borrow::Cow<'_, str> {
        let raw = self.edges.name_or_index[e as usize];
        if self.edge_kind(e).has_index_name() {
            std::borrow::Cow::Owned(raw.to_string())
        } else {
            std::borrow::Cow::Borrowed(self.strings.get(raw))
        }
    }

    /// The edge's name string, or `None` for element and hidden edges.
    pub fn edge_name_str(&self, e: EdgeIx) -> Option<&str> {
        if self.edge_kind(e).has_index_name() {
            None
        } else {
            Some(self.strings.get(self.edges.name_or_index[e as usize]))
        }
    }

    /// The location of node `n`, if the file records one.
    pub fn location(&self, n: NodeIx) -> Option<Location> {
        self.locations
            .binary_search_by_key(&n, |l| l.node)
            .ok()
            .map(|i| self.locations[i])
    }

    /// Ordinal of the node with V8 id `id` (linear scan; build an index for many lookups).
    pub fn find_id(&self, id: u32) -> Option<NodeIx> {
        self.nodes
            .id
            .iter()
            .position(|&x| x == id)
            .map(|i| i as NodeIx)
    }

    /// Sum of all self sizes.
    pub fn total_self_size(&self) -> u64 {
        self.nodes.self_size.iter().sum()
    }

    /// Heap bytes held by the columns (for memory reports).
    pub fn heap_bytes(&self) -> usize {
        let n = &self.nodes;
        let e = &self.edges;
        n.kind.capacity()
            + n.name.capacity() * 4
            + n.id.capacity() * 4
            + n.self_size.capacity() * 8
            + n.first_edge.capacity() * 4
            + n.trace_node_id.capacity() * 4
            + n.detachedness.capacity()
            + e.kind.capacity()
            + e.name_or_index.capacity() * 4
            + e.to.capacity() * 4
            + self.strings.heap_bytes()
            + self.locations.capacity() * std::mem::size_of::<Location>()
    }
}

/// Reverse edges: for each node, the edges that point at it (DevTools' "retainers").
/// Only the edge is kept; its source is [`HeapSnapshot::edge_source`] (a second `u32` per
/// edge would be 128 MB on a 32 M-edge snapshot).
#[derive(Clone, Debug, Default)]
pub struct Retainers {
    /// `first[n]..first[n + 1]` indexes `edge`; `len = node_count + 1`.
    pub first: Vec<u32>,
    /// The retaining edge's index.
    pub edge: Vec<EdgeIx>,
}

impl Retainers {
    /// Counting sort ([`crate::csr`]) of all edges by target: two passes over the edge
    /// column, no per-node allocation. Within one target, retainers keep file order (source
    /// node, then edge), which is edge order.
    pub fn build(s: &HeapSnapshot) -> Retainers {
        let m = s.edge_count();
        let mut sort = CountingSort::by_keys(s.node_count(), s.edges.to.iter().copied());
        let mut edge = vec![0 as EdgeIx; m];
        for (e, &t) in s.edges.to.iter().enumerate() {
            edge[sort.place(t)] = e as EdgeIx;
        }
        let first = sort.into_offsets();
        Retainers { first, edge }
    }

    /// Indices into `edge`/`node` for the retainers of `n`.
    #[inline]
    pub fn range(&self, n: NodeIx) -> std::ops::Range<usize> {
        self.first[n as usize] as usize..self.first[n as usize + 1] as usize
    }
}

/// Builds snapshots in code: for unit tests, property tests and examples.
///
/// ```
/// use analyzer::snapshot::SnapshotBuilder;
/// use format::{NodeKind, EdgeKind};
/// let mut b = SnapshotBuilder::new();
/// let root = b.node(NodeKind::Synthetic, "", 0);
/// let obj = b.node(NodeKind::Object, "Client", 64);
/// b.edge(root, EdgeKind::Element, "1", obj);
/// let snap = b.finish();
/// assert_eq!(snap.node_count(), 2);
/// ```
#[derive(Debug)]
pub struct SnapshotBuilder {
    meta: Meta,
    strings: StringTable,
    string_ids: std::collections::HashMap<String, u32>,
    nodes: Nodes,
    /// Edges per source node, flattened at `finish`.
    pending: Vec<(NodeIx, u8, u32, NodeIx)>,
    locations: Vec<Location>,
    next_id: u32,
}

impl Default for SnapshotBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl SnapshotBuilder {
    pub fn new() -> Self {
        let mut b = SnapshotBuilder {
            meta: Meta::of(format::Format::Node20),
            strings: StringTable::new(),
            string_ids: Default::default(),
            nodes: Nodes::default(),
            pending: Vec::new(),
            locations: Vec::new(),
            next_id: 1,
        };
        b.string("<dummy>");
        b
    }

    pub fn string(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.string_ids.get(s) {
            return i;
        }
        let i = self.strings.push(s);
        self.string_ids.insert(s.to_string(), i);
        i
    }

    /// Adds a node with the next odd id (1, 3, 5, ... like V8) and returns its ordinal.
    pub fn node(&mut self, kind: NodeKind, name: &str, self_size: u64) -> NodeIx {
        let id = self.next_id;
        self.next_id += 2;
        self.node_with_id(kind, name, self_size, id)
    }

    pub fn node_with_id(&mut self, kind: NodeKind, name: &str, self_size: u64, id: u32) -> NodeIx {
        let raw = self
            .meta
            .node_type_index(kind)
            .expect("builder meta knows every NodeKind but Other");
        let name = self.string(name);
        let n = self.nodes.kind.len() as NodeIx;
        self.nodes.kind.push(raw);
        self.nodes.name.push(name);
        self.nodes.id.push(id);
        self.nodes.self_size.push(self_size);
        self.nodes.trace_node_id.push(0);
        self.nodes.detachedness.push(0);
        n
    }

    /// Adds an edge. For element and hidden edges `name` must be a number.
    pub fn edge(&mut self, from: NodeIx, kind: EdgeKind, name: &str, to: NodeIx) {
        let raw = self
            .meta
            .edge_type_index(kind)
            .expect("builder meta knows every EdgeKind but Other");
        let name = if kind.has_index_name() {
            name.parse().expect("element/hidden edge names are numbers")
        } else {
            self.string(name)
        };
        self.pending.push((from, raw, name, to));
    }

    pub fn location(&mut self, node: NodeIx, script_id: u32, line: u32, column: u32) {
        self.locations.push(Location {
            node,
            script_id,
            line,
            column,
        });
    }

    pub fn finish(mut self) -> HeapSnapshot {
        let n = self.nodes.kind.len();
        // Stable sort keeps insertion order among one node's edges.
        self.pending.sort_by_key(|&(from, ..)| from);
        let mut edges = Edges::default();
        for &(_, kind, name, to) in &self.pending {
            edges.kind.push(kind);
            edges.name_or_index.push(name);
            edges.to.push(to);
        }
        self.nodes.first_edge = csr::offsets(n, self.pending.iter().map(|&(from, ..)| from));
        self.meta.node_count = n as u64;
        self.meta.edge_count = edges.to.len() as u64;
        HeapSnapshot::from_parts(self.meta, self.nodes, edges, self.strings, self.locations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_groups_edges_by_source_and_builds_retainers() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let a = b.node(NodeKind::Object, "A", 16);
        let c = b.node(NodeKind::Object, "C", 24);
        b.edge(a, EdgeKind::Property, "c", c);
        b.edge(root, EdgeKind::Element, "1", a);
        b.edge(root, EdgeKind::Shortcut, "c", c);
        let s = b.finish();
        assert_eq!(s.edge_range(root), 0..2);
        assert_eq!(s.edge_range(a), 2..3);
        assert_eq!(s.edge_name(0), "1");
        assert_eq!(s.edge_kind(1), EdgeKind::Shortcut);
        assert_eq!(s.node_name(c), "C");
        assert_eq!(s.node_id(c), 5);
        let r = Retainers::build(&s);
        let of_c: Vec<_> = r.range(c).map(|i| s.edge_source(r.edge[i])).collect();
        assert_eq!(of_c, vec![root, a]);
        assert_eq!(s.total_self_size(), 40);
    }

    /// `Meta::node20()` once lacked the `wasm object` type Node 20 writes, so building such
    /// a node panicked.
    #[test]
    fn builds_every_node_kind_of_node20() {
        let mut b = SnapshotBuilder::new();
        let nodes: Vec<NodeIx> = NodeKind::ALL
            .into_iter()
            .map(|k| b.node(k, k.v8_name(), 8))
            .collect();
        let s = b.finish();
        for (k, n) in NodeKind::ALL.into_iter().zip(nodes) {
            assert_eq!(s.node_kind(n), k);
            assert_eq!(s.node_type_name(n), k.v8_name());
        }
    }
}
