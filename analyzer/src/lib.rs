//! # heapsim analyzer
//!
//! Reads V8 `.heapsnapshot` files (Node 8–24, Chrome) into a compact, column-oriented graph
//! and computes what Chrome DevTools computes from them: dominators, retained sizes,
//! distances, the Summary and Statistics views — plus leak suspects, retainer paths and diffs.
//!
//! Data flow: [`reader`] → [`snapshot::HeapSnapshot`] (flat columns, CSR edges) →
//! analyses (each in its own module) → reports. The analyzer never depends on the simulator:
//! it only knows the file format.

pub mod analysis;
pub mod bitset;
pub mod classes;
pub mod csr;
pub mod distances;
pub mod dominators;
pub mod domstate;
pub mod domtree;
pub mod ephemeron;
pub mod essential;
pub mod meta;
pub mod names;
pub mod paths;
pub mod reader;
pub mod report;
pub mod shallow;
pub mod snapshot;
pub mod statistics;
pub mod summary;
pub mod units;
