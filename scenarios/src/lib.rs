//! # heapsim scenarios
//!
//! The leak scenarios heapsim ships, and what the simulator's snapshots are checked by:
//!
//! * [`scripts`] embeds the scenario scripts (`scenarios/*.js`): leaks written as small
//!   CommonJS programs, run on the simulated heap by `heapsim run` (the interpreter is the
//!   `interp` crate) and under real Node by `scenarios/node/harness.js`. Each states its
//!   own expectations (`expect.leak`, `expect.noLeak`).
//! * [`shapes`] (re-exported from the simulator) builds the random V8-shaped heaps of any
//!   size that `heapsim generate` writes.
//! * [`truth`] is the ground-truth file `heapsim run` and `heapsim generate` write
//!   (version 2), [`leaked`] a scenario run's leak resolved on its last snapshot, and
//!   [`verify`] scores an analyzer against it (`heapsim verify`).
//! * [`realism`] compares a scenario's final snapshot on the simulator with the same
//!   script's under real Node (`heapsim verify --realism`).
//!
//! Data flow: scenario → [`sim`] heap → `sim::snapshot` writer → `.heapsnapshot` →
//! analyzer → report.

pub mod leaked;
pub mod realism;
pub mod scripts;
/// `heapsim generate`'s heap shapes, which live in the simulator (for its proptest strategy).
pub use sim::shapes;
pub mod truth;
pub mod verify;
