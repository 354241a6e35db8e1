//! Real `.heapsnapshot` files from the simulated heap.
//!
//! Two layers:
//!
//! * the **format layer** — [`format`] (per-version layout: meta, widths, newlines,
//!   sub-roots), [`escape`] (V8's naming cap and string escaping), [`strings`] (string ids
//!   in first-use order) and [`writer`] (the streaming serializer over any
//!   [`writer::SnapshotSource`]) — knows nothing about the simulator and can write any
//!   heap graph, e.g. one read back from a file;
//! * the **heap layer** maps the simulated heap onto V8's snapshot graph.
//!
//! The rules and their sources are collected in `docs/snapshot-format.md`.

pub mod escape;
pub mod format;
pub mod strings;
pub mod writer;

pub use format::Format;
pub use writer::{
    write_snapshot, EdgeName, EdgeRecord, EdgeSink, LocationRecord, LocationSink, NodeRecord,
    NodeSink, Progress, SnapshotSource, WriteStats,
};
