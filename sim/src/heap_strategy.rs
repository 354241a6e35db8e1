//! A proptest [`Strategy`] of random V8-shaped heaps with their ground truth, for analyzer
//! authors (cargo feature `proptest`; the example in `docs/ground-truth.md`).
//!
//! Each value is a heap of one of `heapsim generate`'s shapes ([`crate::shapes`]) with a
//! random size and seed, built on the simulator and written as a `.heapsnapshot` in the
//! chosen format, after a GC or without one (garbage included), together with the truth of
//! every live object: `retained_by_gc` and `devtools_retained` ([`crate::snapshot::truth`]).
//! Shrinking goes towards fewer objects and the first shape. Heaps are built from the seed,
//! so a failing case replays exactly.

use proptest::prelude::*;

use crate::shapes::{self, Shape};
use crate::snapshot::truth::{self, TruthEntry};
use crate::snapshot::{write_heap_snapshot, SnapshotOptions};
use crate::{Heap, Profile};
use format::Format;

/// One generated heap: how it was made, its snapshot and its truth.
#[derive(Clone, Debug)]
pub struct GeneratedHeap {
    pub shape: Shape,
    /// Allocations asked for (see [`shapes`]).
    pub objects: u64,
    pub seed: u64,
    pub format: Format,
    /// Whether the snapshot was taken after a GC.
    pub gc: bool,
    /// The `.heapsnapshot` file's bytes.
    pub snapshot: Vec<u8>,
    /// Every live object's truth, in heap order.
    pub truth: Vec<TruthEntry>,
}

/// Heaps of 100 to `max_objects` allocations written in `format`.
pub fn generated_heaps(format: Format, max_objects: u64) -> impl Strategy<Value = GeneratedHeap> {
    (
        proptest::sample::select(Shape::ALL.to_vec()),
        100..=max_objects.max(100),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(move |(shape, objects, seed, gc)| generate(shape, objects, seed, format, gc))
}

/// Builds and writes one heap (what `heapsim generate` does, every live object sampled).
pub fn generate(shape: Shape, objects: u64, seed: u64, format: Format, gc: bool) -> GeneratedHeap {
    let mut heap = Heap::new(Profile::modern());
    shapes::build(&mut heap, shape, objects, seed).expect("small shapes fit the modern profile");
    let mut snapshot = Vec::new();
    let (_, prepared) = write_heap_snapshot(
        &mut heap,
        &mut snapshot,
        &SnapshotOptions { format, gc },
        None,
    )
    .expect("writing to memory cannot fail");
    let truth = truth::sample(&heap, &prepared, usize::MAX, seed, &[]);
    GeneratedHeap {
        shape,
        objects,
        seed,
        format,
        gc,
        snapshot,
        truth,
    }
}
