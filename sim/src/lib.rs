//! # heapsim sim
//!
//! A simulated V8 heap (see `docs/` and the module docs of each mechanism).
pub mod snapshot;
