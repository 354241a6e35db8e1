//! # heapsim interp: scenario scripts on the simulated V8 heap
//!
//! A JavaScript interpreter for the subset in `docs/scenario-language.md` whose every value
//! is an object of [`sim::Heap`]: objects with hidden classes and transitions, arrays with
//! growing element stores, internalized names and cons strings, Smis and heap numbers,
//! closures with one `SharedFunctionInfo` per literal and heap `Context`s holding exactly
//! the captured variables. GCs happen as the program's allocations cause them.
//!
//! Pipeline, one module per step: [`parse`] (oxc) → [`lower`] into the [`ir`] in a bumpalo
//! arena, with [`scope`] analysis deciding registers vs context slots → [`eval`] over
//! [`value`]s, with the [`builtins`] of the [`realm`]; [`error`] renders failures with the
//! source line and a caret ([`source`]).
//!
//! Around it, the runtime: [`modules`] (CommonJS `require`, `Module`, `require.cache`),
//! the [`prelude`] written in the language (`events`, `timers`, the harness directives),
//! the native [`hooks`] it calls (`__heapsim`), and the [`harness`] that runs a scenario in
//! memlab's phases, recording the allocation sites of its `action`s ([`sites`]); [`run`]
//! builds a realm with all of it.

pub mod bootstrap;
pub mod builtins;
pub mod error;
pub mod eval;
pub mod harness;
pub mod hooks;
pub mod ir;
pub mod lower;
pub mod modules;
pub mod names;
pub mod parse;
pub mod prelude;
pub mod realm;
pub mod run;
pub mod scope;
pub mod sites;
pub mod source;
pub mod value;

pub use error::{ErrorKind, ScriptError};
pub use eval::Interp;
