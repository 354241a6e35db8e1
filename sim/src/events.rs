//! The GC event stream and the `--trace-gc` line, after V8's `GCTracer`
//! (`src/heap/gc-tracer.cc`).
//!
//! Every collection appends one [`GcEvent`]: what ran and why, the size of every space
//! before and after, how many objects and bytes were copied and promoted, and the
//! simulated pause work (words scanned plus words copied — the quantity a real pause is
//! proportional to). [`GcEvent::trace_gc_line`] renders it like V8's `--trace-gc`:
//! `Scavenge 2.4 (4.2) -> 2.0 (5.2) MB` is heap used (committed) before and after.

use crate::heap::space::SpaceId;

#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GcKind {
    Scavenge,
    /// A full GC that swept every page in place (issue 6).
    MarkSweep,
    /// A full GC that also evacuated fragmented pages.
    MarkCompact,
}

impl GcKind {
    pub fn v8_name(self) -> &'static str {
        match self {
            GcKind::Scavenge => "Scavenge",
            GcKind::MarkSweep => "Mark-sweep",
            GcKind::MarkCompact => "Mark-compact",
        }
    }
}

/// Why a GC ran (V8's `GarbageCollectionReason`, subset).
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GcReason {
    /// New space could not satisfy an allocation.
    AllocationFailure,
    /// Stress mode (`--gc-interval`).
    Testing,
    /// Requested by the embedder.
    Explicit,
    /// The old generation passed its allocation limit.
    AllocationLimit,
    /// Incremental marking finished its work; the final pause runs.
    FinalizeMarking,
}

impl GcReason {
    pub fn v8_name(self) -> &'static str {
        match self {
            GcReason::AllocationFailure => "allocation failure",
            GcReason::Testing => "testing",
            GcReason::Explicit => "explicit",
            GcReason::AllocationLimit => "allocation limit",
            GcReason::FinalizeMarking => "finalize incremental marking",
        }
    }
}

/// Used and committed bytes of one space.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
pub struct SpaceSize {
    pub space: SpaceId,
    pub used: usize,
    pub committed: usize,
}

/// Sizes of all spaces at one moment, in [`SpaceId::ALL`] order.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
pub struct HeapSizes(pub [SpaceSize; 5]);

impl HeapSizes {
    pub fn used(&self) -> usize {
        self.0.iter().map(|s| s.used).sum()
    }

    pub fn committed(&self) -> usize {
        self.0.iter().map(|s| s.committed).sum()
    }

    pub fn space(&self, s: SpaceId) -> SpaceSize {
        self.0[s as usize]
    }
}

/// One collection.
#[derive(Clone, PartialEq, Debug, serde::Serialize)]
pub struct GcEvent {
    /// 1-based number of this GC.
    pub seq: usize,
    pub kind: GcKind,
    pub reason: GcReason,
    /// Allocations made before this GC started.
    pub allocation_count: u64,
    pub before: HeapSizes,
    pub after: HeapSizes,
    /// Objects copied within new space (survived their first scavenge).
    pub objects_copied: usize,
    pub bytes_copied: usize,
    /// Objects moved to old space (survived their second scavenge).
    pub objects_promoted: usize,
    pub bytes_promoted: usize,
    /// Objects due for promotion that stayed young because old space was full.
    pub promotion_failures: usize,
    /// Remembered-set slots processed as roots.
    pub remembered_slots: usize,
    /// Simulated pause work: words scanned + words copied.
    pub work: u64,
    /// Whether the semi-spaces grew after this scavenge.
    pub new_space_grown: bool,
    /// What the old-generation collector did (zero for a scavenge; see
    /// [`crate::old_gen::mark_compact`]).
    pub full_gc: FullGcStats,
}

/// Counters of one full GC (mark-sweep / mark-compact), including the incremental marking
/// that preceded it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, serde::Serialize)]
pub struct FullGcStats {
    /// Objects and bytes found live (black) by marking.
    pub objects_marked: usize,
    pub bytes_marked: usize,
    /// Whether marking ran incrementally before the final pause.
    pub incremental: bool,
    /// Incremental marking steps run before this GC.
    pub incremental_steps: usize,
    /// White objects greyed by the marking write barrier.
    pub barrier_greyings: usize,
    /// Old objects allocated black during incremental marking.
    pub black_allocated: usize,
    /// Grey objects that did not fit the marking worklist.
    pub overflows: usize,
    /// Heap rescans for grey objects after an overflow.
    pub rescans: usize,
    /// Rounds of the ephemeron fixpoint.
    pub ephemeron_rounds: usize,
    /// Weak slots cleared and WeakMap entries removed because their target/key died.
    pub weak_cleared: usize,
    pub ephemerons_cleared: usize,
    /// Pages swept onto free lists, evacuated (candidates), and released (found empty by
    /// the sweeper, or emptied by evacuation).
    pub pages_swept: usize,
    pub pages_evacuated: usize,
    pub pages_released: usize,
    /// Evacuation candidates that could not be emptied (no room, or a root-table object
    /// that never moves); swept instead of released.
    pub pages_aborted: usize,
    pub objects_evacuated: usize,
    pub bytes_evacuated: usize,
    /// Dead objects and bytes reclaimed, all spaces (large objects included).
    pub objects_freed: usize,
    pub bytes_freed: usize,
    pub large_objects_freed: usize,
    /// Simulated marking work: words visited (incremental steps included).
    pub marking_work: u64,
}

fn mb(b: usize) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

impl GcEvent {
    /// The `--trace-gc`-style line.
    pub fn trace_gc_line(&self) -> String {
        if self.kind != GcKind::Scavenge {
            let f = &self.full_gc;
            return format!(
                "[heapsim] #{} ({} allocations): {} {:.1} ({:.1}) -> {:.1} ({:.1}) MB, {} work units, marked {} ({:.2} MB), freed {} ({:.2} MB), swept {} pages, evacuated {} pages ({:.2} MB), released {} pages, overflows {}, rescans {}, {}  {}",
                self.seq,
                self.allocation_count,
                self.kind.v8_name(),
                mb(self.before.used()),
                mb(self.before.committed()),
                mb(self.after.used()),
                mb(self.after.committed()),
                self.work,
                f.objects_marked,
                mb(f.bytes_marked),
                f.objects_freed,
                mb(f.bytes_freed),
                f.pages_swept,
                f.pages_evacuated,
                mb(f.bytes_evacuated),
                f.pages_released,
                f.overflows,
                f.rescans,
                if f.incremental {
                    format!("{} steps since start of marking", f.incremental_steps)
                } else {
                    "atomic marking".to_string()
                },
                self.reason.v8_name()
            );
        }
        format!(
            "[heapsim] #{} ({} allocations): {} {:.1} ({:.1}) -> {:.1} ({:.1}) MB, {} work units, copied {} ({:.2} MB), promoted {} ({:.2} MB)  {}",
            self.seq,
            self.allocation_count,
            self.kind.v8_name(),
            mb(self.before.used()),
            mb(self.before.committed()),
            mb(self.after.used()),
            mb(self.after.committed()),
            self.work,
            self.objects_copied,
            mb(self.bytes_copied),
            self.objects_promoted,
            mb(self.bytes_promoted),
            self.reason.v8_name()
        )
    }
}

impl crate::Heap {
    /// Used and committed bytes of every space now.
    pub fn heap_sizes(&self) -> HeapSizes {
        HeapSizes(SpaceId::ALL.map(|s| SpaceSize {
            space: s,
            used: self.space_used(s),
            committed: self.space_committed(s),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_line_reads_like_v8() {
        let z = |u, c| {
            HeapSizes(SpaceId::ALL.map(|s| SpaceSize {
                space: s,
                used: if s == SpaceId::New { u } else { 0 },
                committed: c,
            }))
        };
        let e = GcEvent {
            seq: 3,
            kind: GcKind::Scavenge,
            reason: GcReason::AllocationFailure,
            allocation_count: 100,
            before: z(2 * 1024 * 1024, 1024 * 1024),
            after: z(512 * 1024, 1024 * 1024),
            objects_copied: 10,
            bytes_copied: 1024,
            objects_promoted: 2,
            bytes_promoted: 64,
            promotion_failures: 0,
            remembered_slots: 0,
            work: 300,
            new_space_grown: false,
            full_gc: FullGcStats::default(),
        };
        assert_eq!(
            e.trace_gc_line(),
            "[heapsim] #3 (100 allocations): Scavenge 2.0 (5.0) -> 0.5 (5.0) MB, 300 work units, copied 10 (0.00 MB), promoted 2 (0.00 MB)  allocation failure"
        );
    }
}
