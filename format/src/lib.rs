//! # heapsim format
//!
//! The one home of the V8 `.heapsnapshot` format, shared by the simulator (which writes
//! snapshots) and the analyzer (which reads them); it depends on neither.
//!
//! * [`kinds`] — node and edge types ([`NodeKind`], [`EdgeKind`]) and which edges carry a
//!   number instead of a name;
//! * [`layout`] — the per-version layout ([`Format`]): `snapshot.meta`, record widths,
//!   newline rules, the `(GC roots)` sub-roots and the first object id;
//! * [`escape`] — V8's text rules: how a heap string becomes a name, how a name is escaped;
//! * [`ephemeron`] — the WeakMap edge name, written as V8 writes it and parsed as DevTools
//!   parses it;
//! * [`strings`] — the `strings` array in V8's first-use order;
//! * [`writer`] — the streaming serializer over any [`SnapshotSource`].
//!
//! Every rule is listed with its source in `docs/snapshot-format.md`.

pub mod ephemeron;
pub mod escape;
pub mod kinds;
pub mod layout;
pub mod strings;
pub mod writer;

pub use kinds::{EdgeKind, NodeKind};
pub use layout::Format;
pub use writer::{
    write_snapshot, EdgeName, EdgeRecord, EdgeSink, LocationRecord, LocationSink, NodeRecord,
    NodeSink, Progress, SnapshotSource, WriteStats,
};
