//! The ground-truth file, version 2: what `heapsim run` (`OUTDIR/truth.json`) and
//! `heapsim generate` (`FILE.truth.json`) know about the heap they wrote — documented field
//! by field in `docs/ground-truth.md`, validated against `docs/truth.schema.json`.
//!
//! * the run: scenario, format, profile, seed, the snapshots taken (file, node count,
//!   after which phase);
//! * `leak` (a script with `expect.leak` only): suspect and accumulation point by id and
//!   class, the expected path, the leaked set with allocation sites ([`crate::leaked`]);
//! * `objects`: `retained_by_gc` and `devtools_retained` of a sample of the last snapshot's
//!   objects ([`sim::snapshot::truth`]);
//! * `gc`: the collector's counters over the run.
//!
//! The file is written on one line: its object sample may have millions of entries.

use std::io::{self, Write};

use sim::events::GcKind;
use sim::snapshot::truth::TruthEntry;
use sim::Heap;

/// The version this module writes.
pub const VERSION: u32 = 2;

/// The content of a version-2 truth file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TruthFile {
    pub version: u32,
    /// `run` or `generate`.
    pub source: String,
    /// The shipped scenario's name or the script's path (`run`), the shape (`generate`).
    pub scenario: String,
    pub format: String,
    pub profile: String,
    pub seed: u64,
    /// The `repeat` the run used (`run` of a phased script only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u64>,
    /// What the script states: `leak`, `no_leak` or `none` (no expectation; `generate`).
    pub expectation: String,
    pub snapshots: Vec<SnapshotTaken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leak: Option<LeakTruth>,
    /// The snapshot `objects` describes (the last one taken).
    pub objects_snapshot: Option<String>,
    pub objects: Vec<TruthEntry>,
    pub gc: GcCounts,
}

/// One snapshot the run wrote.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotTaken {
    pub name: String,
    /// Its file name, relative to the truth file's folder.
    pub file: String,
    pub nodes: u64,
    /// The phase that ran last before it (`setup`, `action`, `back`), `null` for a
    /// free-form script's own snapshots and for `generate`.
    pub after: Option<String>,
}

/// What the script leaks, resolved on its last snapshot.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LeakTruth {
    /// The object holding the leak (`null` if no object of the stated class lies on the
    /// stated path).
    pub suspect: Option<ObjectRef>,
    /// Where the leaked objects pile up.
    pub accumulation: Option<ObjectRef>,
    /// The expected retainer path's property steps.
    pub path: Vec<String>,
    /// The class the script says leaks.
    pub leaked_class: String,
    /// Every object allocated during an `action` phase and alive in the last snapshot.
    pub leaked: Vec<LeakedObject>,
    pub leaked_count: usize,
    pub leaked_bytes: u64,
}

/// An object by snapshot id and class.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ObjectRef {
    pub id: u32,
    pub class: String,
}

/// One object of the leaked set.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LeakedObject {
    pub id: u32,
    /// The snapshot node's type and name (a constructor name, a closure's function name).
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub size: u64,
    /// `file:line:column` of the expression that allocated it.
    pub site: String,
}

/// The collector's counters over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GcCounts {
    pub scavenges: u64,
    /// Objects promoted to the old generation by scavenges.
    pub promotions: u64,
    pub full_gcs: u64,
    pub incremental_steps: u64,
    /// Marking-stack overflows of the full GCs.
    pub overflows: u64,
}

impl GcCounts {
    /// Sums `heap`'s GC events.
    pub fn of(heap: &Heap) -> GcCounts {
        heap.events().iter().fold(GcCounts::default(), |mut c, e| {
            match e.kind {
                GcKind::Scavenge => c.scavenges += 1,
                GcKind::MarkSweep | GcKind::MarkCompact => c.full_gcs += 1,
            }
            c.promotions += e.objects_promoted as u64;
            c.incremental_steps += e.full_gc.incremental_steps as u64;
            c.overflows += e.full_gc.overflows as u64;
            c
        })
    }
}

/// Writes `truth` as JSON on one line and a final newline.
pub fn write_truth(mut out: impl Write, truth: &TruthFile) -> io::Result<()> {
    serde_json::to_writer(&mut out, truth)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gc_counts_sum_the_events_of_a_run() {
        let mut heap = Heap::new(sim::Profile::modern());
        heap.scavenge(sim::GcReason::Testing);
        heap.collect_garbage(sim::GcReason::Explicit);
        let c = GcCounts::of(&heap);
        assert_eq!((c.scavenges, c.full_gcs), (1, 1));
    }
}
