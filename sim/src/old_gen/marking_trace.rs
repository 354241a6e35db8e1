//! Marking as data, one record per step — the frames of the talk's tri-colour slides (老生代:
//! white, grey, black, the marking queue, its overflow and the rescan for grey objects, and
//! incremental marking with the write barrier). The marker ([`crate::old_gen::mark_compact`],
//! [`crate::old_gen::incremental_marking`]) emits them while GC recording is on
//! ([`crate::heap::gc_trace`]); addresses are simulated addresses and do not move during
//! marking (compaction runs after it).

use crate::heap::roots::RootKind;
use crate::heap::tagged::Address;

/// Why a white object turned grey.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum GreySource {
    /// A root slot of `kind` points at it.
    Root { kind: RootKind },
    /// The marker visited `host`, which points at it.
    Field { host: Address },
    /// The marker visited `host`, whose map (hidden class) it is.
    MapWord { host: Address },
    /// The program stored it into the black `host` during incremental marking (Dijkstra's
    /// write barrier).
    Barrier { host: Address },
    /// The scavenger promoted it during incremental marking.
    Promotion,
    /// The final pause traced a young pointer slot recorded by incremental marking.
    YoungSlot,
    /// The ephemeron fixpoint found its WeakMap key live.
    Ephemeron,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum MarkingStep {
    /// A white object turned grey; `pushed == false` is an overflow: the worklist was full,
    /// the object stays grey in the mark bits only.
    Grey {
        object: Address,
        #[serde(flatten)]
        source: GreySource,
        pushed: bool,
    },
    /// The marker popped a grey object from the worklist to visit its fields.
    Pop { object: Address },
    /// The object's fields are visited: it is black.
    Black { object: Address },
    /// The worklist drained with the overflow flag set: the heap is walked for grey objects
    /// (the cycle's `n`-th walk).
    Rescan { n: usize },
    /// The rescan found a grey object and pushed it.
    Refill { object: Address },
    /// Incremental marking step `n` (1-based in this cycle) of `budget_words` starts.
    IncrementalStep { n: usize, budget_words: u64 },
    /// Step `n`'s budget is spent (or no grey object is left); the program runs again.
    StepEnd { n: usize },
    /// The atomic pause that finalizes (incremental) marking starts.
    Finalize,
    /// No grey object is left: marking is complete.
    Done,
}

impl MarkingStep {
    /// The object the step is about; `None` for the cycle's own steps.
    pub fn object(&self) -> Option<Address> {
        match *self {
            MarkingStep::Grey { object, .. }
            | MarkingStep::Pop { object }
            | MarkingStep::Black { object }
            | MarkingStep::Refill { object } => Some(object),
            _ => None,
        }
    }
}
