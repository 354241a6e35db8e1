//! # V8's bootstrapper: the native context a real isolate starts with
//!
//! What `Genesis` (`src/init/bootstrapper.cc`: `Genesis::Genesis`, `InitializeGlobal`,
//! `InstallNatives`) gives a fresh V8 context before any script runs, modelled from tables
//! recorded from each real Node release heapsim simulates (20, 22, 24) by
//! `interp/bootstrap/record.js`, one folder per release (`node20/` …):
//!
//! * [`builtins_table`]: V8's builtins table, one `Code` object per builtin
//!   (`Builtins::SetUp`; `v8-builtin-code.tsv`, the `(NAME builtin handle)` nodes of a Node
//!   20 heap snapshot, `(NAME builtin code)` from Node 22 on), held by the `(Builtins)` root
//!   list;
//! * [`natives`]: the builtin constructors, their prototypes and namespaces with their
//!   methods, each a `JSFunction` with a `SharedFunctionInfo` of the recorded `length`
//!   whose code is the builtin of V8's name for it (`ArrayPrototypePush`)
//!   (`SimpleInstallFunction`, `InstallFunction`; `v8-builtins.tsv`, read from a fresh `vm`
//!   context, so only V8's part of the global object), installed on the global object;
//! * [`number_string_cache`]: the heap's number-to-string cache, at the full size a Node 20
//!   process starts with (`Heap::CreateInitialObjects`, `src/heap/setup-heap-internal.cc`).
//!
//! Objects the embedder has already made (the interpreter's `Object.prototype`, `Array`,
//! …) are kept and completed: a recorded property is added only where the holder lacks it.
//! Everything is allocated in old space, as V8 deserializes its startup snapshot into the
//! old generation: no scavenge runs while the context is built.

pub mod builtins_table;
pub mod natives;
pub mod number_string_cache;
pub mod table;

use crate::heap::{Heap, HeapError};
use format::Format;

/// What [`genesis`] built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenesisStats {
    /// `Code` objects added to the builtins table.
    pub builtin_code: usize,
    /// Builtin functions (methods, constructors) installed.
    pub functions: usize,
    /// Namespace and prototype objects created.
    pub objects: usize,
}

/// Builds V8's part of the native context of the Node release that writes `release`'s
/// snapshots on `heap` (see the module doc).
pub fn genesis(heap: &mut Heap, release: Format) -> Result<GenesisStats, HeapError> {
    let tables = table::tables(release);
    heap.pretenured(|heap| {
        let code = builtins_table::install(heap, tables.builtin_code)?;
        number_string_cache::install(heap)?;
        let mut stats = natives::install(heap, &code, tables.builtins)?;
        stats.builtin_code = code.added();
        Ok(stats)
    })
}

impl Heap {
    /// Runs `f` with young allocations placed in old space and GC stress paused (startup-
    /// snapshot objects).
    pub fn pretenured<R>(&mut self, f: impl FnOnce(&mut Heap) -> R) -> R {
        let was = self.set_pretenuring(true);
        let r = f(self);
        self.set_pretenuring(was);
        r
    }

    /// Turns pretenuring on or off; returns whether it was on.
    pub fn set_pretenuring(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.pretenure, on)
    }
}
