//! # heapsim analyzer
//!
//! Reads V8 `.heapsnapshot` files (Node 8–24, Chrome) into a compact, column-oriented graph
//! and computes what Chrome DevTools computes from them: dominators, retained sizes,
//! distances, the Summary and Statistics views — plus leak suspects, retainer paths and diffs.
//!
//! Data flow: [`reader`] → [`snapshot::HeapSnapshot`] (flat columns, CSR edges) →
//! analyses (each in its own module) → reports. The analyzer never depends on the simulator:
//! it only knows the file format.

pub mod bitset;
pub mod dominators;
pub mod meta;
pub mod report;
pub mod snapshot;
pub mod units;
