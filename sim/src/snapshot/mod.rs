//! Real `.heapsnapshot` files from the simulated heap.
//!
//! The file format itself — layouts, V8's string rules, the streaming writer — lives in the
//! `format` crate, which knows nothing about the simulator and can write any heap graph,
//! e.g. one read back from a file. This module is the **heap layer** that maps the
//! simulated heap onto V8's snapshot graph: [`index`] (address → ordinal), [`reach`] (the
//! reference graph with GC semantics and marking), [`graph`] (V8's node/edge picture of
//! the heap, a [`format::SnapshotSource`]) and [`truth`] (`retained_by_gc` by re-marking).
//!
//! The rules and their sources are collected in `docs/snapshot-format.md`.

pub mod graph;
pub mod index;
pub mod reach;
pub mod truth;

use std::io::{self, Write};

use format::{write_snapshot, Format, Progress, WriteStats};

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
    let stats = write_prepared(heap, &p, out, progress)?;
    Ok((stats, p))
}

/// Writes the snapshot [`prepare`] made ready. It only reads the heap, so other readers
/// (the ground truth of [`truth::sample`]) can run beside it.
pub fn write_prepared<W: Write>(
    heap: &Heap,
    p: &Prepared,
    out: W,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> io::Result<WriteStats> {
    let mut source = graph::HeapGraph::new(heap, &p.graph, &p.included, p.format);
    write_snapshot(out, &mut source, p.format, progress)
}
