//! # heapsim scenarios
//!
//! The leak scenarios heapsim ships, and what the simulator's snapshots are checked by:
//!
//! * [`scripts`] embeds the scenario scripts (`scenarios/*.js`): leaks written as small
//!   CommonJS programs, run on the simulated heap by `heapsim run` (the interpreter is the
//!   `interp` crate) and under real Node by `scenarios/node/harness.js`. Each states its
//!   own expectations (`expect.leak`, `expect.noLeak`).
//! * [`shapes`] builds the random V8-shaped heaps of any size that `heapsim generate`
//!   writes.
//! * [`truth`] is the one truth-file type and serializer for `FILE.truth.json`.
//!
//! Data flow: scenario → [`sim`] heap → `sim::snapshot` writer → `.heapsnapshot` →
//! analyzer → report.

pub mod scripts;
pub mod shapes;
pub mod truth;
