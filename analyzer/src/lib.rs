//! # heapsim analyzer
//!
//! Reads V8 `.heapsnapshot` files (Node 8–24, Chrome) into a compact, column-oriented graph
//! and computes what Chrome DevTools computes from them: dominators, retained sizes,
//! distances, the Summary and Statistics views — plus leak suspects, retainer paths and diffs.
//!
//! Data flow: [`reader`] → [`snapshot::HeapSnapshot`] (flat columns, CSR edges) →
//! analyses (DevTools' rules in [`devtools`], dominators in [`dominators`] / [`domtree`]) →
//! reports. The analyzer never depends on the simulator: it only knows the file format,
//! from the `format` crate (node and edge kinds, layouts, the WeakMap edge name).

pub mod allocation;
pub mod analysis;
pub mod anonymize;
pub mod bitset;
pub mod csr;
pub mod devtools;
pub mod dominators;
pub mod domtree;
pub mod meta;
pub mod object_view;
pub mod packed;
pub mod paths;
pub mod reader;
pub mod report;
pub mod snapshot;
pub mod units;
