//! Column builders: numbers from the scanner go straight into the snapshot's columns.
//!
//! The scanner hands over batches of raw numbers (one chunk half at a time); a sink cuts
//! them into records of the width `snapshot.meta` gives, keeps a partial record across
//! batches, and appends one entry per record to each column. Validation is fused into the
//! same loop as a single "something was wrong" flag, so the common (valid) case pays one
//! OR per check; only when the flag is raised does a second pass find the first bad value
//! and describe it.
//!
//! `to_node` is V8's index into the `nodes` array, i.e. ordinal × node width; dividing by a
//! width known only at run time would cost a hardware division per edge, so it is a
//! multiply-high by a precomputed reciprocal (Lemire, Kaser, Kurz, "Faster Remainder by
//! Direct Computation", Software: Practice and Experience 2019), exact for 32-bit
//! numerators; larger ones take the plain division.

use super::error::ReadErrorKind;
use crate::meta::Meta;
use crate::snapshot::{Edges, Location, Nodes};

/// A bad value: its position in the array and what is wrong with it.
#[derive(Debug)]
pub(crate) struct SinkError {
    pub index: u64,
    pub kind: ReadErrorKind,
    pub message: String,
}

fn invalid(index: u64, message: String) -> SinkError {
    SinkError {
        index,
        kind: ReadErrorKind::Invalid,
        message,
    }
}

const U32: u64 = u32::MAX as u64;

/// Receives the numbers of one array, in order.
pub(crate) trait Sink {
    fn commit(&mut self, batch: &[u64]) -> Result<(), SinkError>;
    /// Numbers received so far.
    fn position(&self) -> u64;
}

/// Splits batches into whole records, carrying a partial record over.
struct Records {
    width: usize,
    pending: Vec<u64>,
    consumed: u64,
}

impl Records {
    fn new(width: usize) -> Self {
        Records {
            width,
            pending: Vec::with_capacity(width),
            consumed: 0,
        }
    }

    /// Calls `f(records, array position of records[0])` for the whole records in `batch`.
    fn feed(
        &mut self,
        batch: &[u64],
        mut f: impl FnMut(&[u64], u64) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        let w = self.width;
        let mut i = 0;
        if !self.pending.is_empty() {
            let take = (w - self.pending.len()).min(batch.len());
            self.pending.extend_from_slice(&batch[..take]);
            i = take;
            if self.pending.len() == w {
                let rec = std::mem::take(&mut self.pending);
                f(&rec, self.consumed - (w - take) as u64)?;
                self.pending = rec;
                self.pending.clear();
            }
        }
        let full = (batch.len() - i) / w * w;
        if full > 0 {
            f(&batch[i..i + full], self.consumed + i as u64)?;
        }
        self.pending.extend_from_slice(&batch[i + full..]);
        self.consumed += batch.len() as u64;
        Ok(())
    }

    fn incomplete(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// Builds the node columns and `first_edge` from `nodes`.
pub(crate) struct NodeSink {
    rec: Records,
    width: usize,
    f_type: usize,
    f_name: usize,
    f_id: usize,
    f_size: usize,
    f_edges: usize,
    f_trace: Option<usize>,
    f_det: Option<usize>,
    ntypes: u64,
    edge_sum: u64,
    /// Whether some `trace_node_id` is not 0 (see [`NodeSink::into_nodes`]).
    traced: bool,
    pub nodes: Nodes,
    /// Largest `name` seen (checked against the string table at the end).
    pub max_name: u64,
}

impl NodeSink {
    pub fn new(meta: &Meta, reserve: usize) -> NodeSink {
        let f = |n: &str| meta.node_field(n).expect("header checked the node fields");
        let f_trace = meta.node_field("trace_node_id");
        let f_det = meta.node_field("detachedness");
        let mut nodes = Nodes::default();
        nodes.kind.reserve_exact(reserve);
        nodes.name.reserve_exact(reserve);
        nodes.id.reserve_exact(reserve);
        nodes.self_size.reserve_exact(reserve);
        nodes.first_edge.reserve_exact(reserve + 1);
        nodes.first_edge.push(0);
        if f_trace.is_some() {
            nodes.trace_node_id.reserve_exact(reserve);
        }
        if f_det.is_some() {
            nodes.detachedness.reserve_exact(reserve);
        }
        NodeSink {
            rec: Records::new(meta.node_width()),
            width: meta.node_width(),
            f_type: f("type"),
            f_name: f("name"),
            f_id: f("id"),
            f_size: f("self_size"),
            f_edges: f("edge_count"),
            f_trace,
            f_det,
            ntypes: meta.node_type_names.len() as u64,
            edge_sum: 0,
            traced: false,
            nodes,
            max_name: 0,
        }
    }

    /// The columns, with `trace_node_id` emptied when every entry is 0: a snapshot taken
    /// without allocation tracking (Node ≤ 22 writes the column anyway) then costs no
    /// 4 bytes per node, and readers of the column treat a missing entry as 0.
    pub fn into_nodes(self) -> Nodes {
        let mut nodes = self.nodes;
        if !self.traced {
            nodes.trace_node_id = Vec::new();
        }
        nodes
    }

    pub fn incomplete(&self) -> bool {
        self.rec.incomplete()
    }

    /// Sum of all `edge_count` fields.
    pub fn edge_sum(&self) -> u64 {
        self.edge_sum
    }

    fn records(&mut self, flat: &[u64], base: u64) -> Result<(), SinkError> {
        let w = self.width;
        let k = flat.len() / w;
        let n = &mut self.nodes;
        n.kind.reserve(k);
        n.name.reserve(k);
        n.id.reserve(k);
        n.self_size.reserve(k);
        n.first_edge.reserve(k);
        let before = n.kind.len();
        let mut bad = false;
        let mut max_name = self.max_name;
        let mut sum = self.edge_sum;
        let (ft, fnm, fid, fs, fe) = (
            self.f_type,
            self.f_name,
            self.f_id,
            self.f_size,
            self.f_edges,
        );
        for r in flat.chunks_exact(w) {
            let t = r[ft];
            bad |= t >= self.ntypes;
            n.kind.push(t as u8);
            let nm = r[fnm];
            max_name = max_name.max(nm);
            n.name.push(nm as u32);
            let id = r[fid];
            bad |= id > U32;
            n.id.push(id as u32);
            n.self_size.push(r[fs]);
            sum = sum.saturating_add(r[fe]);
            bad |= sum > U32;
            n.first_edge.push(sum as u32);
        }
        if let Some(f) = self.f_trace {
            n.trace_node_id.reserve(k);
            let mut traced = false;
            for r in flat.chunks_exact(w) {
                bad |= r[f] > U32;
                traced |= r[f] != 0;
                n.trace_node_id.push(r[f] as u32);
            }
            self.traced |= traced;
        }
        if let Some(f) = self.f_det {
            n.detachedness.reserve(k);
            for r in flat.chunks_exact(w) {
                bad |= r[f] > 255;
                n.detachedness.push(r[f] as u8);
            }
        }
        bad |= max_name > U32;
        if bad {
            return Err(self.explain(flat, base, before as u64));
        }
        if n.kind.len() as u64 > U32 {
            return Err(SinkError {
                index: base,
                kind: ReadErrorKind::TooLarge,
                message: format!("more than {U32} nodes; heapsim indexes nodes with 32 bits"),
            });
        }
        self.max_name = max_name;
        self.edge_sum = sum;
        Ok(())
    }

    /// The first bad value among `flat`'s records (slow path, only after a failure).
    fn explain(&self, flat: &[u64], base: u64, first_ordinal: u64) -> SinkError {
        let w = self.width;
        let mut sum = self.edge_sum;
        for (i, r) in flat.chunks_exact(w).enumerate() {
            let ord = first_ordinal + i as u64;
            let at = |f: usize| base + (i * w + f) as u64;
            if r[self.f_type] >= self.ntypes {
                return invalid(
                    at(self.f_type),
                    format!(
                        "type {} of node {ord} is not a node type (the meta lists {})",
                        r[self.f_type], self.ntypes
                    ),
                );
            }
            if r[self.f_name] > U32 {
                return invalid(
                    at(self.f_name),
                    format!(
                        "name {} of node {ord} is not a string index",
                        r[self.f_name]
                    ),
                );
            }
            if r[self.f_id] > U32 {
                return invalid(
                    at(self.f_id),
                    format!("id {} of node {ord} does not fit in 32 bits", r[self.f_id]),
                );
            }
            sum = sum.saturating_add(r[self.f_edges]);
            if sum > U32 {
                return SinkError {
                    index: at(self.f_edges),
                    kind: ReadErrorKind::TooLarge,
                    message: format!(
                        "edge_count values up to node {ord} sum to {sum}, more than {U32} edges"
                    ),
                };
            }
            if let Some(f) = self.f_trace {
                if r[f] > U32 {
                    return invalid(
                        at(f),
                        format!(
                            "trace_node_id {} of node {ord} does not fit in 32 bits",
                            r[f]
                        ),
                    );
                }
            }
            if let Some(f) = self.f_det {
                if r[f] > 255 {
                    return invalid(
                        at(f),
                        format!("detachedness {} of node {ord} is out of range", r[f]),
                    );
                }
            }
        }
        invalid(base, "invalid node record".to_string())
    }
}

impl Sink for NodeSink {
    fn commit(&mut self, batch: &[u64]) -> Result<(), SinkError> {
        let mut rec = std::mem::replace(&mut self.rec, Records::new(1));
        let r = rec.feed(batch, |flat, base| self.records(flat, base));
        self.rec = rec;
        r
    }

    fn position(&self) -> u64 {
        self.rec.consumed
    }
}

/// Exact `x / d` for `x < 2^32` by multiply-high with `m = ⌊(2^64 − 1) / d⌋ + 1`.
#[derive(Clone, Copy)]
pub(crate) struct Divider {
    d: u64,
    m: u64,
}

impl Divider {
    pub fn new(d: u64) -> Divider {
        assert!(d > 0);
        Divider {
            d,
            m: if d == 1 { 0 } else { u64::MAX / d + 1 },
        }
    }

    /// `(x / d, x % d)`.
    #[inline(always)]
    pub fn divmod(self, x: u64) -> (u64, u64) {
        let q = if self.d == 1 {
            x
        } else if x <= U32 {
            ((self.m as u128 * x as u128) >> 64) as u64
        } else {
            x / self.d
        };
        (q, x - q * self.d)
    }
}

/// Builds the edge columns from `edges`, turning `to_node` into ordinals.
pub(crate) struct EdgeSink {
    rec: Records,
    width: usize,
    f_type: usize,
    f_name: usize,
    f_to: usize,
    ntypes: u64,
    /// Per raw type: all ones when `name_or_index` is a string index, else zero.
    string_mask: [u64; 256],
    node_width: u64,
    div: Divider,
    /// Node count when the nodes were read first; otherwise the range check waits.
    node_limit: Option<u64>,
    pub edges: Edges,
    /// Largest string index among named edges.
    pub max_name: u64,
    /// Largest target ordinal.
    pub max_to: u64,
}

impl EdgeSink {
    pub fn new(meta: &Meta, node_limit: Option<u64>, reserve: usize) -> EdgeSink {
        let f = |n: &str| meta.edge_field(n).expect("header checked the edge fields");
        let mut string_mask = [0u64; 256];
        for (i, m) in string_mask.iter_mut().enumerate() {
            if i < meta.edge_type_names.len() && !meta.edge_kind(i as u8).has_index_name() {
                *m = u64::MAX;
            }
        }
        let mut edges = Edges::default();
        edges.kind.reserve_exact(reserve);
        edges.name_or_index.reserve_exact(reserve);
        edges.to.reserve_exact(reserve);
        let node_width = meta.node_width() as u64;
        EdgeSink {
            rec: Records::new(meta.edge_width()),
            width: meta.edge_width(),
            f_type: f("type"),
            f_name: f("name_or_index"),
            f_to: f("to_node"),
            ntypes: meta.edge_type_names.len() as u64,
            string_mask,
            node_width,
            div: Divider::new(node_width),
            node_limit,
            edges,
            max_name: 0,
            max_to: 0,
        }
    }

    pub fn incomplete(&self) -> bool {
        self.rec.incomplete()
    }

    fn records(&mut self, flat: &[u64], base: u64) -> Result<(), SinkError> {
        let w = self.width;
        let k = flat.len() / w;
        let e = &mut self.edges;
        e.kind.reserve(k);
        e.name_or_index.reserve(k);
        e.to.reserve(k);
        let before = e.kind.len() as u64;
        let limit = self.node_limit.unwrap_or(U32 + 1);
        let (ft, fnm, fto) = (self.f_type, self.f_name, self.f_to);
        let mut bad = false;
        let mut max_name = self.max_name;
        let mut max_to = self.max_to;
        for r in flat.chunks_exact(w) {
            let t = r[ft];
            bad |= t >= self.ntypes;
            e.kind.push(t as u8);
            let noi = r[fnm];
            bad |= noi > U32;
            max_name = max_name.max(noi & self.string_mask[(t & 255) as usize]);
            e.name_or_index.push(noi as u32);
            let (q, rem) = self.div.divmod(r[fto]);
            bad |= (rem != 0) | (q >= limit);
            max_to = max_to.max(q);
            e.to.push(q as u32);
        }
        if bad {
            return Err(self.explain(flat, base, before));
        }
        if e.kind.len() as u64 > U32 {
            return Err(SinkError {
                index: base,
                kind: ReadErrorKind::TooLarge,
                message: format!("more than {U32} edges; heapsim indexes edges with 32 bits"),
            });
        }
        self.max_name = max_name;
        self.max_to = max_to;
        Ok(())
    }

    fn explain(&self, flat: &[u64], base: u64, first: u64) -> SinkError {
        let w = self.width;
        let nw = self.node_width;
        for (i, r) in flat.chunks_exact(w).enumerate() {
            let ord = first + i as u64;
            let at = |f: usize| base + (i * w + f) as u64;
            if r[self.f_type] >= self.ntypes {
                return invalid(
                    at(self.f_type),
                    format!(
                        "type {} of edge {ord} is not an edge type (the meta lists {})",
                        r[self.f_type], self.ntypes
                    ),
                );
            }
            if r[self.f_name] > U32 {
                return invalid(
                    at(self.f_name),
                    format!(
                        "name_or_index {} of edge {ord} does not fit in 32 bits",
                        r[self.f_name]
                    ),
                );
            }
            let to = r[self.f_to];
            if to % nw != 0 {
                return invalid(
                    at(self.f_to),
                    format!("to_node {to} of edge {ord} is not a multiple of the node width {nw}"),
                );
            }
            match self.node_limit {
                Some(n) if to / nw >= n => {
                    return invalid(
                        at(self.f_to),
                        format!(
                            "to_node {to} of edge {ord} points past the last node (node {} of {n})",
                            to / nw
                        ),
                    )
                }
                None if to / nw > U32 => {
                    return invalid(
                        at(self.f_to),
                        format!("to_node {to} of edge {ord} is beyond any 32-bit node ordinal"),
                    )
                }
                _ => {}
            }
        }
        invalid(base, "invalid edge record".to_string())
    }
}

impl Sink for EdgeSink {
    fn commit(&mut self, batch: &[u64]) -> Result<(), SinkError> {
        let mut rec = std::mem::replace(&mut self.rec, Records::new(1));
        let r = rec.feed(batch, |flat, base| self.records(flat, base));
        self.rec = rec;
        r
    }

    fn position(&self) -> u64 {
        self.rec.consumed
    }
}

/// Builds [`Location`]s from `locations`.
pub(crate) struct LocationSink {
    rec: Records,
    f_obj: usize,
    f_script: Option<usize>,
    f_line: Option<usize>,
    f_col: Option<usize>,
    div: Divider,
    node_width: u64,
    pub locations: Vec<Location>,
    /// Largest node ordinal referenced (checked against the node count at the end).
    pub max_node: u64,
}

impl LocationSink {
    pub fn new(meta: &Meta) -> LocationSink {
        let node_width = meta.node_width() as u64;
        LocationSink {
            rec: Records::new(meta.location_fields.len().max(1)),
            f_obj: meta.location_field("object_index").unwrap_or(0),
            f_script: meta.location_field("script_id"),
            f_line: meta.location_field("line"),
            f_col: meta.location_field("column"),
            div: Divider::new(node_width),
            node_width,
            locations: Vec::new(),
            max_node: 0,
        }
    }

    pub fn incomplete(&self) -> bool {
        self.rec.incomplete()
    }
}

impl Sink for LocationSink {
    fn commit(&mut self, batch: &[u64]) -> Result<(), SinkError> {
        let mut rec = std::mem::replace(&mut self.rec, Records::new(1));
        let w = rec.width;
        let r = rec.feed(batch, |flat, base| {
            for (i, r) in flat.chunks_exact(w).enumerate() {
                let ord = self.locations.len();
                let at = |f: usize| base + (i * w + f) as u64;
                let (node, rem) = self.div.divmod(r[self.f_obj]);
                if rem != 0 || node > U32 {
                    return Err(invalid(
                        at(self.f_obj),
                        format!(
                            "object_index {} of location {ord} is not a node index (node width {})",
                            r[self.f_obj], self.node_width
                        ),
                    ));
                }
                let get = |f: Option<usize>, what: &str| match f {
                    None => Ok(0),
                    Some(f) if r[f] <= U32 => Ok(r[f] as u32),
                    Some(f) => Err(invalid(
                        at(f),
                        format!("{what} {} of location {ord} does not fit in 32 bits", r[f]),
                    )),
                };
                let loc = Location {
                    node: node as u32,
                    script_id: get(self.f_script, "script_id")?,
                    line: get(self.f_line, "line")?,
                    column: get(self.f_col, "column")?,
                };
                self.max_node = self.max_node.max(node);
                self.locations.push(loc);
            }
            Ok(())
        });
        self.rec = rec;
        r
    }

    fn position(&self) -> u64 {
        self.rec.consumed
    }
}

/// Keeps the raw numbers of an array that came before `snapshot.meta` said how to read it.
#[derive(Default)]
pub(crate) struct RawSink {
    pub numbers: Vec<u64>,
}

impl Sink for RawSink {
    fn commit(&mut self, batch: &[u64]) -> Result<(), SinkError> {
        self.numbers.extend_from_slice(batch);
        Ok(())
    }

    fn position(&self) -> u64 {
        self.numbers.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divider_is_exact() {
        for d in 1..40u64 {
            let div = Divider::new(d);
            for x in (0..5000u64).chain([U32 - 1, U32, U32 + 1, U32 * 3 + 7, u64::MAX]) {
                assert_eq!(div.divmod(x), (x / d, x % d), "{x}/{d}");
            }
            let mut x = 12345u64;
            for _ in 0..2000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1) >> 32;
                assert_eq!(div.divmod(x), (x / d, x % d), "{x}/{d}");
            }
        }
    }

    #[test]
    fn records_span_batches() {
        let meta = Meta::of(format::Format::Node20);
        let mut s = NodeSink::new(&meta, 0);
        // Two nodes of width 7, fed in odd pieces.
        let all = [9u64, 1, 1, 0, 2, 0, 0, 3, 2, 3, 16, 0, 0, 1];
        for piece in [&all[..3], &all[3..4], &all[4..10], &all[10..]] {
            s.commit(piece).unwrap();
        }
        assert!(!s.incomplete());
        assert_eq!(s.nodes.kind, vec![9, 3]);
        assert_eq!(s.nodes.id, vec![1, 3]);
        assert_eq!(s.nodes.self_size, vec![0, 16]);
        assert_eq!(s.nodes.first_edge, vec![0, 2, 2]);
        assert_eq!(s.nodes.detachedness, vec![0, 1]);
        assert_eq!(s.max_name, 2);
        assert_eq!(s.position(), 14);
    }

    #[test]
    fn bad_values_are_located() {
        let meta = Meta::of(format::Format::Node20);
        let mut s = NodeSink::new(&meta, 0);
        let e = s
            .commit(&[9, 1, 1, 0, 0, 0, 0, 99, 1, 3, 0, 0, 0, 0])
            .unwrap_err();
        assert_eq!(e.index, 7);
        assert!(e.message.contains("type 99 of node 1"), "{}", e.message);

        let mut s = EdgeSink::new(&meta, Some(2), 0);
        let e = s.commit(&[1, 1, 7, 1, 1, 8]).unwrap_err();
        assert_eq!(e.index, 5);
        assert!(e.message.contains("not a multiple of the node width 7"));
        let mut s = EdgeSink::new(&meta, Some(2), 0);
        let e = s.commit(&[1, 1, 14]).unwrap_err();
        assert!(e.message.contains("past the last node"), "{}", e.message);
        let mut s = EdgeSink::new(&meta, Some(2), 0);
        s.commit(&[2, 5, 7, 1, 900, 0]).unwrap();
        assert_eq!(s.max_name, 5, "element edges carry indices, not string ids");
        assert_eq!(s.edges.to, vec![1, 0]);
    }
}
