//! Real `.heapsnapshot` files from the simulated heap.
//!
//! Two layers:
//!
//! * the **format layer** — [`format`] (per-version layout: meta, widths, newlines,
//!   sub-roots), [`escape`] (V8's naming cap and string escaping), [`strings`] (string ids
//!   in first-use order) and [`writer`] (the streaming serializer over any
//!   [`writer::SnapshotSource`]) — knows nothing about the simulator and can write any
//!   heap graph, e.g. one read back from a file;
//! * the **heap layer** — [`index`] (address → ordinal), [`reach`] (the reference graph
//!   with GC semantics and marking), [`graph`] (V8's node/edge picture of the heap) and
//!   [`truth`] (`retained_by_gc` by re-marking) — maps the simulated heap onto V8's
//!   snapshot graph.
//!
//! The rules and their sources are collected in `docs/snapshot-format.md`.

pub mod escape;
pub mod format;
pub mod graph;
pub mod index;
pub mod reach;
pub mod shapes;
pub mod strings;
pub mod truth;
pub mod writer;

pub use format::Format;
pub use writer::{
    write_snapshot, EdgeName, EdgeRecord, EdgeSink, LocationRecord, LocationSink, NodeRecord,
    NodeSink, Progress, SnapshotSource, WriteStats,
};

use std::io::{self, Write};

use crate::events::GcReason;
use crate::heap::tagged::Address;
use crate::heap::Heap;

/// How to take a snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotOptions {
    pub format: Format,
    /// Collect garbage first, as V8 does before every snapshot (default): the simulator's
    /// full GC ([`Heap::collect_garbage`], issue 6), then the reachability filter of
    /// [`reach::GcGraph::mark`], which keeps exactly the objects a full GC keeps and so
    /// also drops garbage the collector leaves in place (none, if it is complete). With
    /// `false`, unreachable objects appear in the snapshot, as tools must also handle.
    pub gc: bool,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            format: Format::Node20,
            gc: true,
        }
    }
}

/// What one snapshot needs from the heap: its reference graph, the live set and which
/// objects appear. Built by [`prepare`].
pub struct Prepared {
    pub graph: reach::GcGraph,
    pub live: index::Bits,
    pub live_bytes: u64,
    pub included: graph::Included,
    pub format: Format,
}

/// Runs the GC (if asked), builds the graph and gives every object of the snapshot its
/// stable id.
pub fn prepare(heap: &mut Heap, opts: &SnapshotOptions) -> Prepared {
    if opts.gc {
        heap.collect_garbage(GcReason::Explicit);
    }
    let g = reach::GcGraph::build(heap);
    let (live, live_bytes) = g.mark(None);
    let base = 2 + opts.format.sub_roots().len() as u32;
    let included = graph::Included::new(opts.gc.then(|| live.clone()), g.len(), base);
    let addrs: Vec<Address> = heap
        .objects()
        .enumerate()
        .filter(|&(o, _)| included.contains(o as u32))
        .map(|(_, a)| a)
        .collect();
    for a in addrs {
        heap.object_id(a);
    }
    Prepared {
        graph: g,
        live,
        live_bytes,
        included,
        format: opts.format,
    }
}

/// Writes a snapshot of `heap` to `out`. Returns what was written and the prepared graph
/// (for ground truth, see [`truth::sample`]).
pub fn write_heap_snapshot<W: Write>(
    heap: &mut Heap,
    out: W,
    opts: &SnapshotOptions,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> io::Result<(WriteStats, Prepared)> {
    let p = prepare(heap, opts);
    let mut source = graph::HeapGraph::new(heap, &p.graph, &p.included, opts.format);
    let stats = write_snapshot(out, &mut source, opts.format, progress)?;
    Ok((stats, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;

    fn heap(shape: shapes::Shape) -> Heap {
        let mut h = Heap::new(Profile::modern());
        shapes::build(&mut h, shape, 4000, 3).unwrap();
        h
    }

    /// The written file against the graph it came from: layout, roots, ids, edge targets.
    fn check_file(bytes: &[u8], format: Format, p: &Prepared) {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let width = format.node_width() as usize;
        let nodes: Vec<u64> = v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let edges: Vec<u64> = v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let strings = v["strings"].as_array().unwrap();
        let n = nodes.len() / width;
        assert_eq!(n as u64, v["snapshot"]["node_count"].as_u64().unwrap());
        assert_eq!(
            edges.len() as u64 / 3,
            v["snapshot"]["edge_count"].as_u64().unwrap()
        );
        assert_eq!(n as u32, p.included.base + p.included.count());
        assert_eq!(strings[0], "<dummy>");
        // Root, (GC roots), sub-roots: names and ids as V8 writes them.
        assert_eq!(strings[nodes[1] as usize], "");
        assert_eq!((nodes[2], nodes[width + 2]), (1, 3));
        assert_eq!(strings[nodes[width + 1] as usize], "(GC roots)");
        for (i, s) in format.sub_roots().iter().enumerate() {
            let r = (2 + i) * width;
            assert_eq!(strings[nodes[r + 1] as usize], *s);
            assert_eq!(nodes[r + 2], 5 + 2 * i as u64);
        }
        // Object ids: odd, unique, from the version's first id.
        let mut ids: Vec<u64> = (p.included.base as usize..n)
            .map(|v| nodes[v * width + 2])
            .collect();
        assert!(ids
            .iter()
            .all(|id| id % 2 == 1 && *id >= format.first_object_id() as u64));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n - p.included.base as usize);
        // Edge counts sum up; every target is a node start.
        let total: u64 = (0..n).map(|v| nodes[v * width + 4]).sum();
        assert_eq!(total as usize, edges.len() / 3);
        assert!(edges
            .chunks(3)
            .all(|e| e[2] % width as u64 == 0 && (e[2] as usize) < nodes.len()));
        // The root's shortcut goes to the global object.
        assert_eq!(
            (edges[3], strings[edges[4] as usize].as_str()),
            (5, Some("2"))
        );
    }

    #[test]
    fn snapshots_of_every_shape_and_format_are_consistent() {
        for (i, shape) in [
            shapes::Shape::Heap,
            shapes::Shape::Weak,
            shapes::Shape::Chains,
        ]
        .into_iter()
        .enumerate()
        {
            let format = Format::ALL[i];
            for gc in [true, false] {
                let mut h = heap(shape);
                let mut out = Vec::new();
                let (stats, p) =
                    write_heap_snapshot(&mut h, &mut out, &SnapshotOptions { format, gc }, None)
                        .unwrap();
                assert_eq!(stats.bytes as usize, out.len());
                check_file(&out, format, &p);
                // The filter keeps exactly what the simulator's own marking keeps.
                assert_eq!(p.live_bytes, h.live_bytes_by_marking(), "{shape:?} gc={gc}");
                if gc {
                    assert_eq!(p.included.count() as u64, p.live.count_ones());
                } else {
                    assert_eq!(p.included.count(), p.graph.len());
                }
            }
        }
    }

    #[test]
    fn index_ordinals_follow_heap_order() {
        let h = heap(shapes::Shape::Mixed);
        let idx = index::ObjectIndex::build(&h);
        for (o, a) in h.objects().enumerate() {
            assert_eq!(idx.ordinal(a), Some(o as u32));
            assert_eq!(idx.ordinal(a + 8), None, "inner addresses are not objects");
        }
        assert_eq!(idx.len() as usize, h.objects().count());
    }

    #[test]
    fn ids_are_stable_across_snapshots_and_gcs() {
        let mut h = heap(shapes::Shape::Heap);
        let opts = SnapshotOptions::default();
        let (_, p1) = write_heap_snapshot(&mut h, std::io::sink(), &opts, None).unwrap();
        let ids1: Vec<u32> = h
            .objects()
            .map(|a| h.existing_object_id(a).unwrap())
            .collect();
        let _ = p1;
        h.scavenge(GcReason::Explicit);
        let (_, _) = write_heap_snapshot(&mut h, std::io::sink(), &opts, None).unwrap();
        let ids2: Vec<u32> = h
            .objects()
            .map(|a| h.existing_object_id(a).unwrap())
            .collect();
        let (mut a, mut b) = (ids1, ids2);
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "same live objects, same ids after moving");
    }
}
